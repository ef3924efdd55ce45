//! Snapshot tests of every bill format on one hand-built bill: two
//! customers (one with a name, one with a negative margin), lines per
//! model, a half-cent tie, unpriced and unbilled usage, and text that
//! needs escaping. Snapshots live in `src/render/bill/snapshots/`.

use super::{render, BillFormat};
use crate::bill::{invoices, Bill, Customers};
use crate::dimension::Dimension;
use crate::money::Money;
use crate::report::{Group, Partial, Totals};

const USD: u128 = 1_000_000_000_000;

fn t(requests: u128, input: u128, cost: u128, unpriced: u128) -> Totals {
    Totals {
        requests,
        input_tokens: input,
        output_tokens: input / 10,
        cost: Money(cost),
        unpriced_requests: unpriced,
        ..Totals::default()
    }
}

fn bill(per_model: bool) -> Bill {
    let mut report = Partial::default().finish();
    report.dims = vec![Dimension::Customer, Dimension::Model];
    let g = |c: Option<&str>, m: &str, totals| Group {
        values: vec![c.map(str::to_string), Some(m.to_string())],
        totals,
    };
    report.groups = vec![
        // $0.125: a half-cent tie at 0%, to even 0.12.
        g(Some("acme"), "gpt-4o", t(3, 1000, USD / 8, 0)),
        g(Some("acme"), "claude-sonnet-4", t(2, 500, 12 * USD, 0)),
        g(Some("acme"), "mystery", t(1, 50, 0, 1)),
        g(Some("=evil|co"), "gpt-4o", t(1, 100, 10 * USD, 0)),
        g(None, "gpt-4o", t(4, 40, 3 * USD, 0)),
    ];
    let customers =
        Customers::parse("c.csv", b"customer,margin_pct,name\nacme,0,ACME_Corp\n").unwrap();
    invoices(report, "2026-10", &customers, Some(-12_500_000), per_model)
}

fn show(format: BillFormat, bill: &Bill) -> String {
    let mut out = Vec::new();
    render(format, bill, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_format() {
    let lines = bill(true);
    insta::assert_snapshot!("bill_table", show(BillFormat::Table, &lines));
    insta::assert_snapshot!("bill_csv", show(BillFormat::Csv, &lines));
    insta::assert_snapshot!("bill_json", show(BillFormat::Json, &lines));
    insta::assert_snapshot!("bill_md", show(BillFormat::Md, &lines));
    insta::assert_snapshot!("bill_csv_totals", show(BillFormat::Csv, &bill(false)));
}

#[test]
fn the_csv_header_is_the_contract() {
    let csv = show(BillFormat::Csv, &bill(true));
    assert_eq!(
        csv.lines().next().unwrap(),
        "customer,name,line,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,margin_pct,amount_usd"
    );
    // $10 at -12.5% is $8.75; the formula-like customer is guarded.
    assert!(
        csv.contains("'=evil|co,,gpt-4o,1,100,10,0,0,10.000000,-12.5,8.75\n"),
        "{csv}"
    );
}
