//! Snapshot tests of every renderer on fixed, hand-built reports (not read
//! from logs), so a change to any output shows up as a reviewed diff.
//!
//! Snapshots live in `src/render/snapshots/` and are compared by plain
//! `cargo test`; `cargo insta` is not needed. A mismatch fails the test
//! (and, outside CI, writes a `.snap.new` beside the old one to review).
//! The public contracts (report CSV header, report JSON fields) are also
//! checked by hand-written assertions, independent of the snapshots.

use super::coverage::{self, CoverageFormat, View};
use super::{summary, ReportFormat};
use crate::accounting::{Accounting, Counts, Sample};
use crate::dimension::Dimension;
use crate::money::Money;
use crate::record::Field;
use crate::report::{Coverage, FieldCoverage, Group, Report, Totals, Verdict};

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn t(requests: u128, input: u128, output: u128, cost: u128) -> Totals {
    Totals {
        requests,
        input_tokens: input,
        output_tokens: output,
        cost: Money(cost),
        ..Totals::default()
    }
}

fn sum(groups: &[Group]) -> Totals {
    let mut all = Totals::default();
    for g in groups {
        all.merge(&g.totals);
    }
    all
}

/// A report by team, model and day with a bit of everything: a missing
/// team and a missing model, a formula-like team, control and bidi
/// characters, an unpriced model, half-micro-dollar costs, malformed lines,
/// an unreadable input, two required fields with offenders, an ownership
/// map with a stale row, and inconsistent spellings.
pub(super) fn mixed() -> Report {
    let groups = vec![
        Group {
            values: vec![s("search"), s("gpt-4o"), s("2026-10-03")],
            totals: Totals {
                requests: 3,
                input_tokens: 1200,
                output_tokens: 300,
                cache_read_tokens: 500,
                cache_write_5m_tokens: 100,
                cache_write_1h_tokens: 50,
                // $12.3456785: 12.3457 at four decimals, 12.345678 at six
                // (a tie, rounded to the even digit).
                cost: Money(12_345_678_500_000),
                unpriced_requests: 0,
                reported_cost: 12_345_000_000_000,
                reported_records: 3,
                ..Totals::default()
            },
        },
        Group {
            values: vec![None, s("claude-sonnet-4"), s("2026-10-03")],
            // $0.0000015: a tie, 0.000002 at six decimals (to even).
            totals: t(2, 10, 5, 1_500_000),
        },
        Group {
            values: vec![
                s("=HYPERLINK(\"http://x\",\"a|b\")"),
                s("gpt-4o-mini"),
                s("2026-10-04"),
            ],
            // $0.0000005: a tie, 0.000000 at six decimals (to even).
            totals: t(1, 4, 1, 500_000),
        },
        Group {
            values: vec![
                s("données\u{202E}fdp"),
                s("mystery\u{1b}[31m"),
                s("2026-10-04"),
            ],
            totals: Totals {
                unpriced_requests: 3,
                ..t(3, 100, 20, 0)
            },
        },
        Group {
            values: vec![s("search"), None, s("2026-10-05")],
            totals: Totals {
                unpriced_requests: 1,
                ..t(1, 7, 0, 0)
            },
        },
    ];
    // Written out by hand; `fixtures_add_up` checks it is the sum.
    let totals = Totals {
        requests: 10,
        input_tokens: 1321,
        output_tokens: 326,
        cache_read_tokens: 500,
        cache_write_5m_tokens: 100,
        cache_write_1h_tokens: 50,
        cost: Money(12_345_680_500_000),
        unpriced_requests: 4,
        reported_cost: 12_345_000_000_000,
        reported_records: 3,
        ..Totals::default()
    };
    let accounting = Accounting {
        counts: Counts {
            lines_read: 20,
            parsed: 10,
            filtered: 3,
            duplicate: 2,
            malformed: 3,
            blank: 1,
            ignored: 1,
        },
        reasons: [
            ("invalid JSON".to_string(), 2),
            ("no timestamp".to_string(), 1),
        ]
        .into_iter()
        .collect(),
        samples: vec![
            Sample {
                file: "logs/a.jsonl".into(),
                line: 4,
                reason: "invalid JSON".into(),
            },
            Sample {
                file: "logs/a.jsonl".into(),
                line: 9,
                reason: "invalid JSON".into(),
            },
            Sample {
                file: "logs/b\u{1b}]0;x.jsonl".into(),
                line: 2,
                reason: "no timestamp".into(),
            },
        ],
        ignored: [("CSV header".to_string(), 1)].into_iter().collect(),
        ignored_samples: Vec::new(),
        unrecognized: vec![crate::accounting::Unrecognized {
            path: "logs/notes.csv".into(),
            shape: "CSV header `date,amount,memo`".into(),
            reason: "no column names a model or a token count".into(),
        }],
        unreadable: vec![(
            "logs/missing.jsonl".into(),
            "No such file or directory (os error 2)".into(),
        )],
    };
    let no_team = t(2, 10, 5, 1_500_000);
    // By request: the search/gpt-4o and données groups; by map: the
    // formula-like team; none: the missing team and the missing model.
    let by_request = Totals {
        requests: 6,
        input_tokens: 1300,
        output_tokens: 320,
        cache_read_tokens: 500,
        cache_write_5m_tokens: 100,
        cache_write_1h_tokens: 50,
        cost: Money(12_345_678_500_000),
        unpriced_requests: 3,
        reported_cost: 12_345_000_000_000,
        reported_records: 3,
        ..Totals::default()
    };
    let coverage = Coverage {
        no_team: no_team.clone(),
        no_cost_center: Totals {
            unpriced_requests: 3,
            ..t(4, 104, 21, 500_000)
        },
        unpriced: vec![(s("mystery\u{1b}[31m"), 3, 120), (None, 1, 7)],
        tier_fallback: 1,
        tier_skipped: 2,
        price_rows: Vec::new(),
        warnings: vec![crate::report::warnings::Warning {
            code: crate::report::warnings::Code::LongContextNotTiered,
            requests: 2,
            tokens: 420_000,
            amount: Money(1_260_000_000_000),
            files: vec!["logs/b\u{1b}]0;x.jsonl".into()],
        }],
        required: vec![
            FieldCoverage {
                field: Field::Team,
                missing: no_team,
                offenders: vec![
                    Group {
                        values: vec![s("batch-worker")],
                        totals: t(1, 6, 3, 1_000_000),
                    },
                    Group {
                        values: vec![None],
                        totals: t(1, 4, 2, 500_000),
                    },
                ],
            },
            FieldCoverage {
                field: Field::Project,
                missing: Totals {
                    unpriced_requests: 1,
                    ..t(1, 7, 0, 0)
                },
                offenders: vec![Group {
                    values: vec![s("=cron")],
                    totals: Totals {
                        unpriced_requests: 1,
                        ..t(1, 7, 0, 0)
                    },
                }],
            },
        ],
        offender_dims: vec![Dimension::Service],
        by_request,
        by_map: t(1, 4, 1, 500_000),
        stale_owners: vec!["owners.csv:7: team=ghost".into()],
        owners_used: true,
        inconsistent: vec![(
            Field::Team,
            vec![("search".into(), 4), ("Search".into(), 1)],
        )],
    };
    Report {
        dims: vec![Dimension::Team, Dimension::Model, Dimension::Day],
        groups,
        totals,
        accounting,
        coverage,
        sources: vec![
            ("logs/a.jsonl".into(), "openai".into()),
            ("logs/b\u{1b}]0;x.jsonl".into(), "litellm".into()),
        ],
        allocated: None,
        reconcile: None,
    }
}

/// [`mixed`] with `--allocate-unattributed`: the unattributed group's
/// cost ($0.0000015) is spread over the others (sum = the total cost).
pub(super) fn allocated() -> Report {
    Report {
        allocated: Some(vec![
            Money(12_345_680_000_000),
            Money(0),
            Money(500_000),
            Money(0),
            Money(0),
        ]),
        ..mixed()
    }
}

/// A report that found nothing: no groups, every input unreadable.
pub(super) fn empty() -> Report {
    Report {
        dims: vec![Dimension::Team, Dimension::Month],
        groups: Vec::new(),
        totals: Totals::default(),
        accounting: Accounting {
            unreadable: vec![("logs/none.jsonl".into(), "no source recognised it".into())],
            ..Accounting::default()
        },
        coverage: Coverage::default(),
        sources: Vec::new(),
        allocated: None,
        reconcile: None,
    }
}

/// Gates of [`mixed`]: a field gate and another gate pass, one of each
/// fails (the unpriced one names a model with an escape sequence).
pub(super) fn verdicts() -> Vec<Verdict> {
    vec![
        Verdict {
            gate: "unattributed",
            field: Some(Field::Team),
            passed: false,
            message: "20.0% of requests lack team (limit 5%)".into(),
        },
        Verdict {
            gate: "unattributed",
            field: Some(Field::Project),
            passed: true,
            message: "10.0% of requests lack project (limit 10%)".into(),
        },
        Verdict {
            gate: "malformed",
            field: None,
            passed: true,
            message: "15.0% of lines are malformed (3 of 20; limit 20%)".into(),
        },
        Verdict {
            gate: "unpriced",
            field: None,
            passed: false,
            message: "unpriced models: mystery\u{1b}[31m, (no model)".into(),
        },
    ]
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("renderers write UTF-8")
}

fn render(format: ReportFormat, report: &Report) -> String {
    let mut out = Vec::new();
    format.renderer().unwrap().render(report, &mut out).unwrap();
    text(out)
}

fn render_coverage(format: CoverageFormat, report: &Report, verdicts: &[Verdict]) -> String {
    let mut out = Vec::new();
    let view = View {
        report,
        verdicts,
        top: 1,
    };
    coverage::render(format, &view, &mut out).unwrap();
    text(out)
}

#[test]
fn fixtures_add_up() {
    for r in [mixed(), allocated(), empty()] {
        assert_eq!(sum(&r.groups), r.totals);
        let c = &r.accounting.counts;
        assert!(c.balanced());
        assert_eq!(u128::from(c.parsed), r.totals.requests);
    }
    let r = allocated();
    let spread: u128 = r.allocated.unwrap().iter().map(|m| m.0).sum();
    assert_eq!(spread, r.totals.cost.0);
    let r = mixed();
    let c = &r.coverage;
    let mut none = r.totals;
    none.subtract(&c.by_request);
    none.subtract(&c.by_map);
    assert_eq!(none.requests, 3);
    assert_eq!(none.cost, Money(1_500_000));
    assert_eq!(sum(&c.required[0].offenders), c.required[0].missing);
}

#[test]
fn report_table() {
    insta::assert_snapshot!("report_table_mixed", render(ReportFormat::Table, &mixed()));
    insta::assert_snapshot!(
        "report_table_allocated",
        render(ReportFormat::Table, &allocated())
    );
    insta::assert_snapshot!("report_table_empty", render(ReportFormat::Table, &empty()));
}

#[test]
fn report_csv() {
    insta::assert_snapshot!("report_csv_mixed", render(ReportFormat::Csv, &mixed()));
    insta::assert_snapshot!(
        "report_csv_allocated",
        render(ReportFormat::Csv, &allocated())
    );
    insta::assert_snapshot!("report_csv_empty", render(ReportFormat::Csv, &empty()));
}

#[test]
fn report_json() {
    insta::assert_snapshot!("report_json_mixed", render(ReportFormat::Json, &mixed()));
    insta::assert_snapshot!(
        "report_json_allocated",
        render(ReportFormat::Json, &allocated())
    );
    insta::assert_snapshot!("report_json_empty", render(ReportFormat::Json, &empty()));
}

/// `--show-reported` in every format: the stated cost and the difference
/// per group, empty (`null`, `-`) where nothing was stated, and the
/// summary line.
#[test]
fn report_show_reported() {
    let report = Report {
        reconcile: Some(Default::default()),
        ..mixed()
    };
    for (name, format) in [
        ("table", ReportFormat::Table),
        ("csv", ReportFormat::Csv),
        ("json", ReportFormat::Json),
        ("md", ReportFormat::Md),
    ] {
        insta::assert_snapshot!(format!("report_{name}_reported"), render(format, &report));
    }
}

#[test]
fn report_md() {
    insta::assert_snapshot!("report_md_mixed", render(ReportFormat::Md, &mixed()));
    insta::assert_snapshot!(
        "report_md_allocated",
        render(ReportFormat::Md, &allocated())
    );
    insta::assert_snapshot!("report_md_empty", render(ReportFormat::Md, &empty()));
}

#[test]
fn summary_and_gate_failures() {
    let mut out = Vec::new();
    summary::write(&mixed(), &mut out).unwrap();
    insta::assert_snapshot!("summary_mixed", text(out));
    let mut out = Vec::new();
    summary::write(&empty(), &mut out).unwrap();
    insta::assert_snapshot!("summary_empty", text(out));
    let mut out = Vec::new();
    summary::gate_failures(&verdicts(), &mut out).unwrap();
    insta::assert_snapshot!("gate_failures", text(out));
}

/// The CSV contract of docs/design.md, by hand.
#[test]
fn report_csv_contract() {
    let csv = render(ReportFormat::Csv, &mixed());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "team,model,day,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests"
    );
    // No total row: a header and one row per group.
    assert_eq!(lines.len(), 1 + mixed().groups.len());
    // Cache writes are 5-minute + 1-hour; the tie rounds to even.
    assert_eq!(
        lines[1],
        "search,gpt-4o,2026-10-03,3,1200,300,500,150,12.345678,0"
    );
    assert_eq!(
        lines[2],
        "(unattributed),claude-sonnet-4,2026-10-03,2,10,5,0,0,0.000002,0"
    );
    // The formula guard, inside CSV quoting.
    assert_eq!(
        lines[3],
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"a|b\"\")\",gpt-4o-mini,2026-10-04,1,4,1,0,0,0.000000,0"
    );
    assert_eq!(
        lines[5],
        "search,(unattributed),2026-10-05,1,7,0,0,0,0.000000,1"
    );

    let csv = render(ReportFormat::Csv, &allocated());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "team,model,day,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,allocated_cost_usd,unpriced_requests"
    );
    assert!(lines[1].ends_with(",12.345678,12.345680,0"), "{}", lines[1]);
    assert!(lines[2].ends_with(",0.000002,0.000000,0"), "{}", lines[2]);

    assert_eq!(
        render(ReportFormat::Csv, &empty()),
        "team,month,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n"
    );
}

/// The JSON contract of docs/design.md, by hand.
#[test]
fn report_json_contract() {
    let v: serde_json::Value = serde_json::from_str(&render(ReportFormat::Json, &mixed())).unwrap();
    assert_eq!(v["by"], serde_json::json!(["team", "model", "day"]));
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    let g0 = &groups[0];
    assert_eq!(g0["team"], "search");
    assert_eq!(g0["day"], "2026-10-03");
    assert_eq!(g0["cache_write_tokens"], 150);
    assert_eq!(g0["cache_write_1h_tokens"], 50);
    assert_eq!(g0["cost_usd"], "12.345678");
    assert_eq!(g0["reported_cost_usd"], "12.345000");
    assert!(g0.get("allocated_cost_usd").is_none());
    // A missing value is null, not "(unattributed)"; text is not guarded.
    assert!(groups[1]["team"].is_null());
    assert_eq!(groups[1]["cost_usd"], "0.000002");
    assert_eq!(groups[2]["team"], "=HYPERLINK(\"http://x\",\"a|b\")");
    assert_eq!(groups[3]["model"], "mystery\u{1b}[31m");
    assert_eq!(groups[3]["unpriced_requests"], 3);
    assert!(groups[4]["model"].is_null());
    let totals = &v["totals"];
    assert_eq!(totals["requests"], 10);
    assert_eq!(totals["cost_usd"], "12.345680");
    assert_eq!(totals["unpriced_requests"], 4);
    let a = &v["accounting"];
    assert_eq!(a["lines_read"], 20);
    assert_eq!(a["malformed"], 3);
    assert_eq!(a["malformed_reasons"]["invalid JSON"], 2);
    assert_eq!(a["malformed_samples"][0]["file"], "logs/a.jsonl");
    assert_eq!(a["malformed_samples"][0]["line"], 4);
    assert_eq!(a["unattributed"]["team"]["requests"], 2);
    assert_eq!(a["unattributed"]["team"]["tokens"], 15);
    assert_eq!(a["unattributed"]["team"]["cost_usd"], "0.000002");
    assert_eq!(a["unattributed"]["project"]["requests"], 1);
    assert_eq!(a["unpriced"]["mystery\u{1b}[31m"], 3);
    assert_eq!(a["unpriced"]["(no model)"], 1);
    assert_eq!(a["unreadable"][0]["path"], "logs/missing.jsonl");
    assert_eq!(a["owners"]["stale_rows"][0], "owners.csv:7: team=ghost");

    let v: serde_json::Value =
        serde_json::from_str(&render(ReportFormat::Json, &allocated())).unwrap();
    assert_eq!(v["groups"][0]["allocated_cost_usd"], "12.345680");
    assert_eq!(v["groups"][1]["allocated_cost_usd"], "0.000000");

    let v: serde_json::Value = serde_json::from_str(&render(ReportFormat::Json, &empty())).unwrap();
    assert_eq!(v["groups"], serde_json::json!([]));
    assert_eq!(v["totals"]["cost_usd"], "0.000000");
    assert!(v["accounting"].get("owners").is_none());
}

#[test]
fn coverage_formats() {
    let formats = [
        ("table", CoverageFormat::Table),
        ("csv", CoverageFormat::Csv),
        ("json", CoverageFormat::Json),
        ("github", CoverageFormat::Github),
        ("junit", CoverageFormat::Junit),
    ];
    for (name, format) in formats {
        insta::assert_snapshot!(
            format!("coverage_{name}_mixed"),
            render_coverage(format, &mixed(), &verdicts())
        );
        insta::assert_snapshot!(
            format!("coverage_{name}_empty"),
            render_coverage(format, &empty(), &[])
        );
    }
    // Without gates, missing fields and unpriced models are warnings.
    insta::assert_snapshot!(
        "coverage_github_mixed_no_gates",
        render_coverage(CoverageFormat::Github, &mixed(), &[])
    );
}

/// The coverage CSV columns and JSON gates, by hand.
#[test]
fn coverage_contract() {
    let csv = render_coverage(CoverageFormat::Csv, &mixed(), &verdicts());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "kind,field,value,service,requests,tokens,cost_usd,requests_pct,tokens_pct,cost_pct"
    );
    assert_eq!(lines[1], "unattributed,team,,,2,15,0.000002,20.0,0.7,0.0");
    // top = 1: one offender per field; a formula-like offender is guarded.
    assert_eq!(
        lines[2],
        "offender,team,,batch-worker,1,9,0.000001,10.0,0.4,0.0"
    );
    assert_eq!(
        lines[4],
        "offender,project,,'=cron,1,7,0.000000,10.0,0.3,0.0"
    );
    assert_eq!(lines[7], "attribution,,none,,3,22,0.000002,30.0,1.0,0.0");

    let v: serde_json::Value = serde_json::from_str(&render_coverage(
        CoverageFormat::Json,
        &mixed(),
        &verdicts(),
    ))
    .unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["required"], serde_json::json!(["team", "project"]));
    assert_eq!(v["fields"][0]["gate"]["passed"], false);
    assert_eq!(v["fields"][0]["more_offenders"], 1);
    assert_eq!(v["fields"][1]["gate"]["passed"], true);
    assert_eq!(v["owners"]["none"]["requests"], 3);
    assert_eq!(v["gates"].as_array().unwrap().len(), 4);
    let v: serde_json::Value =
        serde_json::from_str(&render_coverage(CoverageFormat::Json, &empty(), &[])).unwrap();
    assert_eq!(v["passed"], true);
}
