//! `llmspend bill` on `tests/budget/` (the records are listed in
//! `budget.rs`). October 2026 by customer:
//!
//! - acme: r1 + r2 unit ($24), r13 milli ($0.125), r9 mystery (unpriced);
//! - globex: r3 + r7 + r10 unit ($12), r14 milli ($0.135);
//! - initech: r5 + r6 + r12 unit ($61), r15 milli ($0.25);
//! - no customer: r4 + r8 ($1030), unbilled. r11 is in November.
//!
//! customers.csv gives acme 0% ("ACME Corp") and globex no margin
//! ("Globex"); initech has no row.

use crate::util::*;

const LOGS: &str = "tests/budget/logs.jsonl";

fn bill(args: &[&str], code: i32) -> (String, String) {
    let out = run(
        llmspend()
            .args(["bill", LOGS, "--rates", "tests/budget/rates.csv", "-q"])
            .args(args),
        code,
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const CUSTOMERS: [&str; 2] = ["--customers", "tests/budget/customers.csv"];

/// Per model, acme at 0% from the file, globex (empty margin in the file)
/// and initech (no row) at --margin 10:
/// - acme milli $0.125 -> 12.5 cents, a tie, to even: 0.12;
/// - globex milli $0.135 x 1.1 = $0.1485 -> 0.15; unit 12 x 1.1 = 13.20;
/// - initech milli $0.25 x 1.1 = $0.275 -> 27.5 cents, a tie, to even:
///   0.28; unit 61 x 1.1 = 67.10.
///
/// mystery (unpriced) is no line: it is listed, never billed as $0.
#[test]
fn lines_per_model_with_margins_from_the_file_and_the_flag() {
    let (csv, _) = bill(
        &[
            &CUSTOMERS[..],
            &[
                "--month", "2026-10", "--margin", "10", "--lines", "model", "--format", "csv",
            ],
        ]
        .concat(),
        0,
    );
    assert_eq!(
        csv,
        "customer,name,line,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,margin_pct,amount_usd\n\
         acme,ACME Corp,milli,1,125,0,0,0,0.125000,0,0.12\n\
         acme,ACME Corp,unit,2,24,0,0,0,24.000000,0,24.00\n\
         globex,Globex,milli,1,135,0,0,0,0.135000,10,0.15\n\
         globex,Globex,unit,3,12,0,0,0,12.000000,10,13.20\n\
         initech,,milli,1,250,0,0,0,0.250000,10,0.28\n\
         initech,,unit,3,61,0,0,0,61.000000,10,67.10\n"
    );
}

/// One line per invoice: acme $24.125 -> 2412.5 cents, a tie, to even
/// 24.12 (down); globex $12.135 x 1.1 = $13.3485 -> 13.35; initech
/// $61.25 x 1.1 = $67.375 -> 6737.5 cents, a tie, to even 67.38 (up).
#[test]
fn one_line_per_invoice_and_totals_in_json() {
    let (csv, _) = bill(
        &[
            &CUSTOMERS[..],
            &["--month", "2026-10", "--margin", "10", "--format", "csv"],
        ]
        .concat(),
        0,
    );
    let rows = csv_rows(&csv);
    let amounts: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[8].as_str(), r[10].as_str()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("acme", "total", "24.125000", "24.12"),
            ("globex", "total", "12.135000", "13.35"),
            ("initech", "total", "61.250000", "67.38"),
        ]
    );
    let (out, _) = bill(
        &[
            &CUSTOMERS[..],
            &[
                "--month", "2026-10", "--margin", "10", "--lines", "model", "--format", "json",
            ],
        ]
        .concat(),
        0,
    );
    let v = json(&out);
    let acme = &v["invoices"][0];
    assert_eq!(acme["name"], "ACME Corp");
    // The invoice total is the sum of its rounded lines: 0.12 + 24.00.
    assert_eq!(acme["amount_usd"], "24.12");
    assert_eq!(acme["unpriced"][0]["model"], "mystery");
    assert_eq!(acme["unpriced"][0]["requests"], 1);
    assert_eq!(v["invoices"][2]["amount_usd"], "67.38");
    assert_eq!(v["unbilled"]["cost_usd"], "1030.000000");
    assert_eq!(v["unbilled"]["requests"], 2);
}

/// Without --margin: globex and initech at 0%; with --margin 10 and no
/// customers file, acme too.
#[test]
fn the_margin_falls_back_from_the_file_to_the_flag_to_zero() {
    let amount = |args: &[&str]| -> Vec<String> {
        let (csv, _) = bill(
            &[args, &["--month", "2026-10", "--format", "csv"]].concat(),
            0,
        );
        csv_rows(&csv)[1..]
            .iter()
            .map(|r| format!("{}={}@{}", r[0], r[10], r[9]))
            .collect()
    };
    // globex 12.135 -> 1213.5 cents, to even 12.14; initech 61.25.
    assert_eq!(
        amount(&CUSTOMERS),
        ["acme=24.12@0", "globex=12.14@0", "initech=61.25@0"]
    );
    // acme 24.125 x 1.1 = 26.5375 -> 26.54.
    assert_eq!(
        amount(&["--margin", "10"]),
        ["acme=26.54@10", "globex=13.35@10", "initech=67.38@10"]
    );
    // -100% bills nothing.
    assert_eq!(
        amount(&["--margin", "-100"]),
        ["acme=0.00@-100", "globex=0.00@-100", "initech=0.00@-100"]
    );
}

#[test]
fn markdown_is_one_section_per_customer() {
    let (md, _) = bill(
        &[
            &CUSTOMERS[..],
            &["--month", "2026-10", "--format", "md", "--lines", "model"],
        ]
        .concat(),
        0,
    );
    assert!(md.contains("## ACME Corp (acme)\n"), "{md}");
    assert!(md.contains("## Globex (globex)\n"), "{md}");
    assert!(md.contains("## initech\n"), "{md}");
    assert!(md.contains("| **total** | 3 | 149 | **24.12** |"), "{md}");
    assert!(
        md.contains("Not billed (no price known): mystery (1 request)."),
        "{md}"
    );
    assert!(
        md.contains("Unbilled usage without a customer: 2 requests, 1030.000000 USD."),
        "{md}"
    );
}

#[test]
fn bad_customers_files_and_margins_exit_2() {
    let dir = TestDir::new();
    let cases = [
        (
            "customer,margin_pct,name\nacme,-101,A\n",
            "customers.csv:2: margin_pct: `-101` is below -100",
        ),
        (
            "customer,margin_pct,name\nacme,ten,A\n",
            "customers.csv:2: margin_pct: `ten` is not a decimal",
        ),
        (
            "customer,margin_pct,name\nacme,1,A\nacme,2,B\n",
            "customers.csv:3: duplicate customer `acme`",
        ),
    ];
    for (text, want) in cases {
        let file = dir.create("customers.csv", text);
        let out = run(
            llmspend()
                .args(["bill", LOGS, "--month", "2026-10", "--customers"])
                .arg(&file),
            2,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{err}");
    }
    let (_, err) = bill(&["--month", "2026-10", "--margin", "-150"], 2);
    assert!(err.contains("--margin: `-150` is below -100"), "{err}");
    let (_, err) = bill(&["--month", "2026-10", "--margin", "x"], 2);
    assert!(err.contains("--margin"), "{err}");
}

#[test]
fn bill_without_month_is_a_usage_error() {
    let (_, err) = bill(&[], 2);
    assert!(err.contains("--month"), "{err}");
}

/// The raw costs of the invoices plus the unbilled cost are the report's
/// total for the month: 24.125 + 12.135 + 61.25 + 1030 = 1127.51.
#[test]
fn raw_costs_add_up_to_the_report() {
    let (out, _) = bill(&["--month", "2026-10", "--format", "json"], 0);
    let v = json(&out);
    let costs: Vec<&str> = v["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["cost_usd"].as_str().unwrap())
        .collect();
    assert_eq!(costs, ["24.125000", "12.135000", "61.250000"]);
    let report = stdout_ok(llmspend().args([
        "report",
        LOGS,
        "--rates",
        "tests/budget/rates.csv",
        "--month",
        "2026-10",
        "--format",
        "json",
        "-q",
    ]));
    assert_eq!(json(&report)["totals"]["cost_usd"], "1127.510000");
}
