//! Hand-written scenarios for `report`, checked against exact CSV and JSON.

use crate::util::*;

/// A rate card with round prices, so expected costs are easy to check.
const CARD: &str = "provider,model,effective_from,effective_to,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,service_tier,above_input_tokens
openai,gpt-4o,,,2.50,10.00,1.25,,,,
openai,o3,,2025-06-10,10.00,40.00,2.50,,,,
openai,o3,2025-06-10,,2.00,8.00,0.50,,,,
anthropic,claude-sonnet-4-5,,,3.00,15.00,0.30,3.75,6.00,,
anthropic,claude-sonnet-4-5,,,6.00,22.50,0.60,7.50,12.00,,200000
";

const LINES: &str = r#"{"timestamp":"2026-10-03T09:14:02Z","team":"payments","cost_center":"CC-1042","model":"anthropic/claude-sonnet-4-5-20250929","usage":{"prompt_tokens":1650,"completion_tokens":180,"cache_read_input_tokens":1200,"cache_creation_input_tokens":300}}
{"timestamp":"2026-10-04T10:00:00+02:00","metadata":{"team":"search"},"model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":1000,"completion_tokens":100,"prompt_tokens_details":{"cached_tokens":400}}}
{"timestamp":"2026-10-31T23:30:00-02:00","team":"search","cost_center":"CC-7","model":"gpt-4o","input_tokens":1000000,"output_tokens":0}
not json at all
{"ts":1759482842000,"team":"search","cost_center":"CC-7","model":"o3","input_tokens":"1000","output_tokens":"10"}

{"timestamp":"2026-10-05 08:00:00","team":"payments","cost_center":"CC-1042","model":"acme-llm-7b","input_tokens":5,"output_tokens":5}
"#;

fn setup() -> (TestDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = TestDir::new();
    let card = dir.create("card.csv", CARD);
    let logs = dir.create("logs/gateway.jsonl", LINES);
    (dir, card, logs)
}

#[test]
fn csv_by_team_is_exact_and_follows_the_contract() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "team", "--format", "csv", "--rates"])
            .arg(&card)
            .arg(&logs),
    );
    // payments: 0.004635 (sonnet, the docs/sources.md example) + unpriced acme.
    // search: gpt-4o 600*2.5 + 400*1.25 + 100*10 = 0.003; 1M*2.5 = 2.5;
    //         o3 on 2025-10-03 (after the cut): 1000*2 + 10*8 = 0.00208.
    assert_eq!(
        out,
        "team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n\
         search,3,1001600,110,400,0,2.505080,0\n\
         payments,2,155,185,1200,300,0.004635,1\n"
    );
}

#[test]
fn month_honours_offsets_and_the_summary_goes_to_stderr() {
    let (_dir, card, logs) = setup();
    let out = run(
        llmspend()
            .args([
                "report",
                "--by",
                "team,model",
                "--month",
                "2026-10",
                "--format",
                "csv",
                "--rates",
            ])
            .arg(&card)
            .arg(&logs),
        0,
    );
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    // The 2026-10-31T23:30-02:00 line is November UTC; o3 is 2025: both filtered.
    assert_eq!(rows.len(), 4, "{rows:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("lines: 7 read = 3 parsed + 2 filtered + 0 duplicate + 1 malformed + 1 blank + 0 ignored"), "{stderr}");
    assert!(stderr.contains("gateway.jsonl:4: invalid JSON"), "{stderr}");
    assert!(
        stderr.contains("unpriced (tokens counted, cost not): acme-llm-7b (1 request, 10 tokens)"),
        "{stderr}"
    );
}

#[test]
fn json_carries_groups_totals_and_accounting() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "--by",
                "cost_center",
                "--format",
                "json",
                "--rates",
            ])
            .arg(&card)
            .arg(&logs),
    );
    let v = json(&out);
    assert_eq!(v["groups"][0]["cost_center"], "CC-7");
    assert_eq!(v["groups"][0]["cost_usd"], "2.502080");
    assert_eq!(v["groups"][2]["cost_center"], serde_json::Value::Null);
    assert_eq!(v["totals"]["cost_usd"], "2.509715");
    assert_eq!(v["totals"]["requests"], 5);
    let a = &v["accounting"];
    assert_eq!(
        (
            a["lines_read"].as_u64(),
            a["parsed"].as_u64(),
            a["malformed"].as_u64(),
            a["blank"].as_u64()
        ),
        (Some(7), Some(5), Some(1), Some(1))
    );
    assert_eq!(a["malformed_samples"][0]["line"], 4);
    assert_eq!(a["unattributed"]["cost_center"]["requests"], 1);
    assert_eq!(a["unattributed"]["cost_center"]["cost_usd"], "0.003000");
    assert_eq!(a["unpriced"]["acme-llm-7b"], 1);
}

#[test]
fn stdin_reads_like_a_file() {
    let (_dir, card, logs) = setup();
    let from_file = stdout_ok(
        llmspend()
            .args(["report", "--format", "csv", "--rates"])
            .arg(&card)
            .arg(&logs),
    );
    let from_stdin = stdout_ok(
        llmspend()
            .args(["report", "-", "--format", "csv", "--rates"])
            .arg(&card)
            .write_stdin(LINES),
    );
    assert_eq!(from_file, from_stdin);
}

#[test]
fn where_filters_by_value_and_missing_value() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "--by",
                "team",
                "--format",
                "csv",
                "--where",
                "cost_center=",
                "--rates",
            ])
            .arg(&card)
            .arg(&logs),
    );
    assert_eq!(
        out.lines().nth(1),
        Some("search,1,600,100,400,0,0.003000,0")
    );
}

#[test]
fn csv_input_with_header_names() {
    let dir = TestDir::new();
    let card = dir.create("card.csv", CARD);
    let logs = dir.create(
        "g.csv",
        "timestamp,team,model,prompt_tokens,completion_tokens\n2026-10-01T00:00:00Z,=cmd(),gpt-4o,1000000,0\n2026-10-01T00:00:00Z,search,gpt-4o,x,0\n",
    );
    let out = run(
        llmspend()
            .args(["report", "--by", "team", "--format", "csv", "--rates"])
            .arg(&card)
            .arg(&logs),
        0,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().nth(1),
        Some("'=cmd(),1,1000000,0,0,0,2.500000,0")
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("g.csv:3: invalid count in `prompt_tokens`: not an integer"));
}

#[test]
fn an_invalid_rate_card_is_exit_2_naming_file_line_and_column() {
    let dir = TestDir::new();
    let card = dir.create(
        "bad.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,x,1.5.0,1\n",
    );
    let logs = dir.create("a.jsonl", LINES);
    let out = run(
        llmspend().args(["report", "--rates"]).arg(&card).arg(&logs),
        2,
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("llmspend: error: "), "{err}");
    assert!(err.contains("bad.csv:2: column `input_per_mtok`"), "{err}");
}

#[test]
fn unreadable_paths_are_reported_and_the_rest_processed() {
    let (_dir, card, logs) = setup();
    let out = run(
        llmspend()
            .args(["report", "--format", "csv", "nope.jsonl", "--rates"])
            .arg(&card)
            .arg(&logs),
        2,
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unreadable: nope.jsonl"), "{stderr}");
    assert!(
        stderr.starts_with("INCOMPLETE: 1 of 2 inputs unreadable: nope.jsonl\n"),
        "{stderr}"
    );
    let skipped = run(
        llmspend()
            .args([
                "report",
                "--format",
                "csv",
                "nope.jsonl",
                "--skip-unreadable",
            ])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
        0,
    );
    assert_eq!(
        skipped.stdout, out.stdout,
        "the report is written either way"
    );
    let out = run(llmspend().args(["report", "nope.jsonl"]), 2);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no input could be read"));
}

#[test]
fn usage_errors_are_exit_2() {
    run(llmspend().args(["report", "x", "--by", "colour"]), 2);
    run(llmspend().args(["report", "x", "--month", "2026-13"]), 2);
    run(llmspend().args(["report", "x", "--source", "nope"]), 2);
    run(llmspend().args(["report", "x", "--where", "colour=red"]), 2);
}

#[test]
fn rates_explains_which_row_prices_a_model() {
    let out = stdout_ok(llmspend().args([
        "rates",
        "claude-sonnet-4-5-20250929",
        "--date",
        "2026-10-01",
    ]));
    assert!(out.contains("is priced by rates/anthropic.csv:"), "{out}");
    assert!(out.contains("without its dated snapshot suffix"), "{out}");
    let out = stdout_ok(llmspend().args(["rates", "o3", "--date", "2025-06-09"]));
    assert!(out.contains("┆ 10    ┆ 40 "), "{out}");
    let out = stdout_ok(llmspend().args(["rates", "acme-llm-7b"]));
    assert!(out.contains("unpriced"), "{out}");
}

#[test]
fn the_readme_sample_command_works() {
    let out = stdout_ok(llmspend().args(["report", "samples/"]));
    assert!(out.contains("total"), "{out}");
    assert!(out.contains("unattributed:"), "{out}");
}

#[test]
fn csv_on_stdin_is_recognised_by_its_header() {
    let dir = TestDir::new();
    let card = dir.create("card.csv", CARD);
    let text = "timestamp,team,model,prompt_tokens,completion_tokens\n2026-10-01T00:00:00Z,search,gpt-4o,1000000,0\n";
    let file = dir.create("g.csv", text);
    let from_file = stdout_ok(
        llmspend()
            .args(["report", "--by", "team", "--format", "csv", "--rates"])
            .arg(&card)
            .arg(&file),
    );
    let from_stdin = stdout_ok(
        llmspend()
            .args(["report", "-", "--by", "team", "--format", "csv", "--rates"])
            .arg(&card)
            .write_stdin(text),
    );
    assert_eq!(from_stdin, from_file);
    assert_eq!(
        from_stdin.lines().nth(1),
        Some("search,1,1000000,0,0,0,2.500000,0")
    );
}

/// The costs gateway rows state (`cost`, `spend`, `reported_cost_usd` as
/// text) are summed for JSON output, from JSONL and CSV alike, beside the
/// cost priced from the card; output that does not show them skips them.
#[test]
fn json_output_sums_the_costs_gateway_rows_state() {
    let (dir, card, _) = setup();
    let jsonl = dir.create(
        "stated/gateway.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","team":"payments","model":"gpt-4o","input_tokens":1000,"output_tokens":0,"cost":0.0025}
{"timestamp":"2026-10-03T09:15:02Z","team":"payments","model":"gpt-4o","input_tokens":1000,"output_tokens":0,"spend":0.5}
{"timestamp":"2026-10-03T09:16:02Z","team":"payments","model":"gpt-4o","input_tokens":1000,"output_tokens":0,"reported_cost_usd":"0.000001"}
{"timestamp":"2026-10-03T09:17:02Z","team":"payments","model":"gpt-4o","input_tokens":1000,"output_tokens":0}
"#,
    );
    let csv = dir.create(
        "stated-csv/gateway.csv",
        "timestamp,team,model,input_tokens,output_tokens,cost_usd\n\
         2026-10-03T09:14:02Z,payments,gpt-4o,1000,0,0.0025\n\
         2026-10-03T09:15:02Z,payments,gpt-4o,1000,0,0.5\n\
         2026-10-03T09:16:02Z,payments,gpt-4o,1000,0,\n",
    );
    for (logs, stated) in [(&jsonl, "0.502501"), (&csv, "0.502500")] {
        let report = |format: &str| {
            stdout_ok(
                llmspend()
                    .args(["report", "--by", "team", "--format", format, "--rates"])
                    .arg(&card)
                    .arg(logs),
            )
        };
        let v = json(&report("json"));
        assert_eq!(v["groups"][0]["reported_cost_usd"], stated, "{logs:?}");
        assert_eq!(v["totals"]["reported_cost_usd"], stated, "{logs:?}");
        let priced = if logs == &jsonl {
            "0.010000"
        } else {
            "0.007500"
        };
        assert_eq!(v["totals"]["cost_usd"], priced, "{logs:?}");
        let rows = csv_rows(&report("csv"));
        assert_eq!(rows[1][0], "payments");
        assert!(rows[1].contains(&priced.to_string()), "{rows:?}");
    }
}

#[test]
fn a_day_before_1970_is_a_day_not_a_missing_value() {
    let dir = TestDir::new();
    let logs = dir.create(
        "old.jsonl",
        r#"{"timestamp":"1969-12-31T12:00:00Z","team":"a","model":"gpt-4o","input_tokens":10,"output_tokens":5}
{"timestamp":"1969-12-29T00:00:00Z","team":"a","model":"gpt-4o","input_tokens":10,"output_tokens":5}
{"timestamp":"1970-01-01T00:00:00Z","team":"a","model":"gpt-4o","input_tokens":10,"output_tokens":5}
"#,
    );
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "day,week", "--format", "csv"])
            .arg(&logs),
    );
    let days: Vec<_> = csv_rows(&out)
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want = |d: &str, w: &str| (d.to_string(), w.to_string());
    assert_eq!(
        days,
        [
            want("1969-12-29", "1970-W01"),
            want("1969-12-31", "1970-W01"),
            want("1970-01-01", "1970-W01"),
        ]
    );
}
