//! The roll-up of `budget` (docs/design.md, Budgets): a parent row shows
//! beside its own figures the sum of its direct children of the same
//! period (`children_spent_usd`, `children_forecast_usd`), each row still
//! evaluated on its own records. Figures by hand from the records listed
//! in `budget.rs`, on `tests/budget/rollup.csv`:
//!
//! ```text
//! *                 month  2000
//!   team:alpha      month  1500
//!     customer:acme month   100
//!   team:ops        month     1
//!   team:alpha      week   1500
//! ```

use crate::budget::{budget, rows};

fn rollup() -> String {
    std::fs::read_to_string("tests/budget/rollup.csv").unwrap()
}

/// Own figures and roll-up: `[spent, forecast, children_spent, children_forecast]`.
fn rollups(csv: &str) -> Vec<[String; 4]> {
    rows(csv)
        .into_iter()
        .map(|r| [&r[6], &r[7], &r[12], &r[13]].map(Clone::clone))
        .collect()
}

/// As of 10-24 00:00Z: W = [10-17, 10-24), 7 days; October has 8 days left.
/// Records before T in October: r1 10, r2 14, r3 7, r4 1000 (alpha), r5 50,
/// r6 7 (beta), r7 2 (gamma), r8 30 (delta), r13-15 0.51 (ops); r9 unpriced.
#[test]
fn a_parent_shows_the_sum_of_its_direct_children_of_its_period() {
    let (csv, _) = budget(
        &rollup(),
        &["--as-of", "2026-10-24T00:00:00Z", "--format", "csv"],
        0,
    );
    let r = rollups(&csv);
    assert_eq!(
        r,
        [
            // *: 1120.51 spent; W 7+1000+30+0.51 = 1037.51, x 8/7 =
            // 1185.725714285714|28: 2306.235714285714.
            // Children: alpha month 1031 + ops 0.51 = 1031.51; not acme,
            // a grandchild (the subtree would count r1, r2 and r13 twice:
            // they are in alpha's or ops' spent already), nor the week
            // (another period). Forecasts 2181.857142857143 +
            // 1.092857142857 = 2182.950000000000.
            ["1120.510000", "2306.235714", "1031.510000", "2182.950000"],
            // alpha month: 1031; W 1007 x 8/7 = 1150.857142857142|86:
            // 2181.857142857143. Child acme: 24.125 and 24.267857142857.
            ["1031.000000", "2181.857143", "24.125000", "24.267857"],
            // acme: r1 10 + r2 14 + r13 0.125 = 24.125; W 0.125 x 8/7 =
            // 0.142857142857|14. A leaf: no roll-up.
            ["24.125000", "24.267857", "", ""],
            // ops: 0.51 + 0.51 x 8/7 (0.582857142857|14) = 1.092857142857.
            ["0.510000", "1.092857", "", ""],
            // alpha week (10-19..10-26): r3 + r4 = 1007, + 1007 x 2/7.
            ["1007.000000", "1294.714286", "", ""],
        ]
    );
}

/// The roll-up leaves every row's own figures as they are without a parent.
#[test]
fn a_row_is_evaluated_on_its_own_records_whatever_its_children() {
    let args = ["--as-of", "2026-10-24T00:00:00Z", "--format", "csv"];
    let (tree, _) = budget(&rollup(), &args, 0);
    // The same rows without parents.
    let flat: String = rollup()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.rsplit_once(',') {
            Some((head, _)) if !l.starts_with("scope") => format!("{head},\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    let (alone, _) = budget(&flat, &args, 0);
    let own = |csv: &str| -> Vec<Vec<String>> {
        let mut v: Vec<_> = rows(csv).into_iter().map(|r| r[..11].to_vec()).collect();
        v.sort();
        v
    };
    assert_eq!(own(&tree), own(&alone));
    assert!(rows(&alone)
        .iter()
        .all(|r| r[12].is_empty() && r[13].is_empty()));
}

/// As of 10-01 12:00Z, W is shorter than a day: no forecast anywhere, so
/// the roll-up has a spent (alpha's r1, 10; ops nothing) and no forecast.
#[test]
fn without_forecasts_the_roll_up_has_only_spent() {
    let (csv, _) = budget(
        &rollup(),
        &["--as-of", "2026-10-01T12:00:00Z", "--format", "csv"],
        0,
    );
    assert_eq!(
        rollups(&csv)[0],
        ["10.000000", "", "10.000000", ""].map(String::from)
    );
    let (out, _) = budget(
        &rollup(),
        &["--as-of", "2026-10-01T12:00:00Z", "--format", "json"],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let root = &v["budgets"][0];
    assert_eq!(root["children_spent_usd"], "10.000000");
    assert_eq!(root["children_forecast_usd"], serde_json::Value::Null);
    let keys: Vec<&str> = root
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[12..], ["children_spent_usd", "children_forecast_usd"]);
    assert_eq!(
        v["budgets"][2]["children_spent_usd"],
        serde_json::Value::Null
    );
    let (table, _) = budget(&rollup(), &["--as-of", "2026-10-01T12:00:00Z"], 0);
    let head = table.lines().nth(2).unwrap();
    assert!(
        head.contains("children spent") && head.contains("children forecast"),
        "{table}"
    );
    // The root's row ends with its roll-up: 10.00, then n/a for the forecast.
    let root_row = table.lines().nth(4).unwrap();
    assert!(
        root_row.contains("10.00 ┆") && root_row.trim_end().ends_with("n/a │"),
        "{table}"
    );
}
