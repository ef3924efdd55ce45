//! Snapshot tests of every budget format on one hand-built evaluation:
//! each status, a null forecast, a negative remaining, a zero amount (no
//! share), a parent tree, unpriced usage, a `+02:00` zone, and a value
//! that needs escaping. Snapshots live in `src/render/budget/snapshots/`.

use rustc_hash::FxHashMap;

use super::{render, BudgetFormat, View};
use crate::budget::eval::{evaluate, Evaluation};
use crate::budget::file::parse;
use crate::budget::sink::RowSums;
use crate::money::Money;
use crate::report::{Partial, Report};
use crate::time::parse_timestamp;

const USD: u128 = 1_000_000_000_000;

fn evaluation() -> Evaluation {
    let budgets = parse(
        "budgets.csv",
        b"scope,value,period,amount_usd,warn_pct,parent\n\
          *,,month,1000,,\n\
          team,search,month,100,,*\n\
          team,search,day,10,90,team:search:month\n\
          team,\"=cmd|x\",week,50,,*\n\
          model,gpt-4o,month,0,,\n\
          customer,acme,month,20,,\n",
    )
    .unwrap();
    let row = |spent: u128, last_week: u128, unpriced: &[(&str, u128, u128)]| RowSums {
        spent: Money(spent),
        last_week: Money(last_week),
        unpriced: unpriced
            .iter()
            .map(|&(m, r, t)| (Some(m.to_string()), (r, t)))
            .collect::<FxHashMap<_, _>>(),
    };
    let sums = [
        row(500 * USD, 70 * USD, &[("mystery", 3, 1200)]),
        // 101.5: over.
        row(101 * USD + USD / 2, 7 * USD, &[]),
        // 9.25 >= 90% of 10: warn.
        row(9 * USD + USD / 4, 0, &[]),
        // 10 spent, 50 in a week: forecast-over.
        row(10 * USD, 60 * USD, &[]),
        row(0, 0, &[("mystery", 1, 10)]),
        // A third of a dollar: 1.67% of 20.
        row(USD / 3, USD / 3, &[]),
    ];
    let as_of = parse_timestamp("2026-10-20T10:00:00+02:00").unwrap();
    let earliest = parse_timestamp("2026-10-01T00:00:00Z");
    evaluate(&budgets, &sums, earliest, as_of, 7200)
}

fn report() -> Report {
    Partial::default().finish()
}

fn show(format: BudgetFormat, eval: &Evaluation) -> String {
    let report = report();
    let view = View {
        eval,
        report: &report,
        tz_offset: 7200,
    };
    let mut out = Vec::new();
    render(format, &view, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_format() {
    let eval = evaluation();
    insta::assert_snapshot!("budget_table", show(BudgetFormat::Table, &eval));
    insta::assert_snapshot!("budget_csv", show(BudgetFormat::Csv, &eval));
    insta::assert_snapshot!("budget_json", show(BudgetFormat::Json, &eval));
    insta::assert_snapshot!("budget_github", show(BudgetFormat::Github, &eval));
}

#[test]
fn a_short_window_shows_no_forecast() {
    let mut eval = evaluation();
    for l in &mut eval.lines {
        l.forecast = None;
    }
    let csv = show(BudgetFormat::Csv, &eval);
    assert!(
        csv.lines().skip(1).all(|l| l.split(',').nth(7) == Some("")),
        "{csv}"
    );
    assert!(show(BudgetFormat::Table, &eval).contains(" n/a "));
    assert!(show(BudgetFormat::Json, &eval).contains("\"forecast_usd\": null"));
}
