//! `--show-reported`, `--explain-difference` and the accounting warnings
//! through the binary, on fixtures shaped like each real format
//! (tests/fixtures/reconcile/). Expected figures are worked out by hand in
//! the comments, from the rate card's list prices.

use crate::util::*;

fn csv(args: &[&str]) -> String {
    stdout_ok(
        llmspend()
            .arg("report")
            .args(args)
            .args(["--format", "csv"]),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = stdout_ok(
        llmspend()
            .arg("report")
            .args(args)
            .args(["--format", "json"]),
    );
    serde_json::from_str(&out).unwrap()
}

/// One month of an OpenAI usage export and the cost export of the same
/// month, reconciled per day, model and project.
#[test]
fn openai_usage_and_cost_exports_reconcile_per_day_and_model() {
    let dir = "tests/fixtures/reconcile/openai";
    let by = ["--by", "day,model,project", "--show-reported"];
    let out = csv(&[&[dir][..], &by].concat());
    // 2026-10-01 gpt-4o (2.50 / 1.25 cached / 10.00 per MTok): 150,000 x
    // 2.50 + 50,000 x 1.25 + 30,000 x 10 = 0.375 + 0.0625 + 0.3 = 0.7375;
    // the invoice says the same. gpt-4o-mini (0.15 / 0.60): 1,000,000 x
    // 0.15 + 100,000 x 0.60 = 0.21; the invoice bills output at 0.07, so
    // 0.22 and -0.01. 2026-10-02 gpt-4o: 40,000 x 2.50 + 4,000 x 10 =
    // 0.14 both sides; a gpt-4o-mini charge of 0.005 with no usage row:
    // -0.005.
    let expected = "\
day,model,project,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests,reported_cost_usd,difference_usd
2026-10-01,gpt-4o-2024-08-06,proj_search,40,150000,30000,50000,0,0.737500,0,0.737500,0.000000
2026-10-01,gpt-4o-mini-2024-07-18,proj_checkout,100,1000000,100000,0,0,0.210000,0,0.220000,-0.010000
2026-10-02,gpt-4o-2024-08-06,proj_search,10,40000,4000,0,0,0.140000,0,0.140000,0.000000
2026-10-02,gpt-4o-mini-2024-07-18,proj_checkout,0,0,0,0,0,0.000000,0,0.005000,-0.005000
";
    assert_eq!(out, expected);
    let j = json(&[&[dir][..], &by].concat());
    let r = &j["reconciliation"];
    assert_eq!(r["reported_cost_usd"], "1.102500");
    assert_eq!(r["cost_usd"], "1.087500");
    assert_eq!(r["difference_usd"], "-0.015000");
    assert_eq!(r["unreported_cost_share_pct"], 0.0);
    assert_eq!(j["totals"]["difference_usd"], "-0.015000");
    // Without the flag: no difference, no reconciliation, the same
    // reported cost per group.
    let plain = json(&[dir, "--by", "day,model,project"]);
    assert!(plain.get("reconciliation").is_none());
    assert!(plain["groups"][0].get("difference_usd").is_none());
    assert_eq!(plain["groups"][1]["reported_cost_usd"], "0.220000");
}

/// A group with no stated cost is empty in CSV and `null` in JSON, with
/// and without the flag; never `0.000000`.
#[test]
fn no_reported_cost_is_empty_never_zero() {
    let dir = TestDir::new();
    let logs = dir.create(
        "gw.jsonl",
        concat!(
            r#"{"timestamp":"2026-10-01T10:00:00Z","model":"gpt-4o","team":"a","input_tokens":1000000,"output_tokens":0,"cost":2.4}"#,
            "\n",
            r#"{"timestamp":"2026-10-01T10:00:00Z","model":"gpt-4o","team":"b","input_tokens":1000000,"output_tokens":0}"#,
            "\n",
            r#"{"timestamp":"2026-10-01T10:00:00Z","model":"gpt-4o","team":"c","input_tokens":0,"output_tokens":0,"cost":0}"#,
            "\n"
        ),
    );
    let p = logs.to_str().unwrap();
    let out = csv(&[p, "--by", "team", "--show-reported"]);
    assert_eq!(
        out,
        "team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests,reported_cost_usd,difference_usd\n\
         a,1,1000000,0,0,0,2.500000,0,2.400000,0.100000\n\
         b,1,1000000,0,0,0,2.500000,0,,\n\
         c,1,0,0,0,0,0.000000,0,0.000000,0.000000\n"
    );
    for args in [
        vec![p, "--by", "team"],
        vec![p, "--by", "team", "--show-reported"],
    ] {
        let j = json(&args);
        assert_eq!(j["groups"][1]["team"], "b");
        assert!(j["groups"][1]["reported_cost_usd"].is_null());
        assert_eq!(j["groups"][2]["reported_cost_usd"], "0.000000");
    }
    let table = stdout_ok(llmspend().args(["report", p, "--by", "team", "--show-reported"]));
    // Half of the priced cost ($2.50 of $5.00) is in team b, which states none.
    assert!(
        table.contains("reported: $2.400000 stated by the sources; priced: $5.000000; difference (llmspend - reported, over the 2 groups that state a cost): $0.100000; 50.0% of priced cost ($2.500000, 1 groups) has no reported cost"),
        "{table}"
    );
}

/// A stated cost is read exactly from its decimal text, also in
/// exponent form (Python writes small floats so).
#[test]
fn reported_cost_is_exact() {
    let dir = TestDir::new();
    let logs = dir.create(
        "gw.jsonl",
        concat!(
            r#"{"timestamp":"2026-10-01T10:00:00Z","model":"gpt-4o","input_tokens":1,"output_tokens":0,"cost":4.635e-05}"#,
            "\n",
            r#"{"timestamp":"2026-10-01T10:00:00Z","model":"gpt-4o","input_tokens":1,"output_tokens":0,"cost":"0.000000000001"}"#,
            "\n",
        ),
    );
    let j = json(&[logs.to_str().unwrap(), "--by", "model"]);
    // 0.00004635 + 0.000000000001, at six decimals 0.000046.
    assert_eq!(j["groups"][0]["reported_cost_usd"], "0.000046");
    let partial = stdout_ok(llmspend().args([
        "report",
        logs.to_str().unwrap(),
        "--by",
        "model",
        "--format",
        "partial",
    ]));
    assert!(
        partial.contains(r#""reported_cost_usd":"0.000046350001""#),
        "{partial}"
    );
}

fn warnings(j: &serde_json::Value) -> Vec<(String, u64, u64, String, Vec<String>)> {
    j["accounting"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["requests"].as_u64().unwrap(),
                w["tokens"].as_u64().unwrap(),
                w["amount_usd"].as_str().unwrap().to_string(),
                w["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

const OTEL: &str = "tests/fixtures/reconcile/otel";
const OPENLLMETRY: &str = "tests/fixtures/reconcile/otel/openllmetry_anthropic.jsonl";
const OPENINFERENCE: &str = "tests/fixtures/reconcile/otel/openinference_openai.jsonl";

/// OpenLLMetry 0.62 Anthropic spans: A streamed, writes merged (2,000);
/// B not streamed, no writes; C streamed with the 1-hour split given
/// (1,000 of 3,000). An OpenInference span has no cache attribute at all.
#[test]
fn lossy_and_buggy_instrumentations_are_named() {
    let j = json(&[OTEL, "--by", "model"]);
    let w = |code: &str, r, t, usd: &str, file: &str| {
        (
            code.to_string(),
            r,
            t,
            usd.to_string(),
            vec![file.to_string()],
        )
    };
    assert_eq!(
        warnings(&j),
        vec![
            // 2,000 writes x (6.00 - 3.75) per MTok if all were 1-hour.
            w(
                "cache_writes_5m_1h_merged",
                1,
                2000,
                "0.004500",
                OPENLLMETRY
            ),
            // A and C: one output token each at $15 per MTok.
            w(
                "openllmetry_streamed_output_plus_one",
                2,
                2,
                "0.000030",
                OPENLLMETRY
            ),
            w(
                "cache_inclusive_input_without_split",
                1,
                3000,
                "0.000000",
                OPENINFERENCE
            ),
        ]
    );
    // Sonnet 4.5 (3 / 0.30 / 3.75 / 6.00 1h / 15): A 2,000 in + 8,000
    // read + 2,000 writes + 501 out = 0.023415; B 1,000 + 100 out =
    // 0.0045; C 2,000 in + 2,000 5m + 1,000 1h + 200 out = 0.0225. The
    // OpenInference gpt-4o-mini span: 3,000 x 0.15 + 200 x 0.60 = 0.00057.
    assert_eq!(j["groups"][0]["cost_usd"], "0.050415");
    assert_eq!(j["groups"][0]["cache_write_1h_tokens"], 1000);
    assert_eq!(j["totals"]["cost_usd"], "0.050985");
    assert_eq!(j["totals"]["output_tokens"], 1001);

    let fixed = json(&[OTEL, "--by", "model", "--correct-known-bugs"]);
    assert_eq!(fixed["totals"]["output_tokens"], 999);
    assert_eq!(fixed["totals"]["cost_usd"], "0.050955");
    let codes: Vec<_> = warnings(&fixed)
        .into_iter()
        .map(|w| (w.0, w.1, w.2, w.3))
        .collect();
    assert!(codes.contains(&(
        "openllmetry_streamed_output_plus_one_corrected".into(),
        2,
        2,
        "0.000030".into()
    )));
    assert!(!codes
        .iter()
        .any(|c| c.0 == "openllmetry_streamed_output_plus_one"));
    // The table's summary names them too, and the CSV's (on stderr).
    let table = stdout_ok(llmspend().args(["report", OTEL]));
    assert!(
        table.contains("warning: cache_writes_5m_1h_merged: 1 OpenLLMetry Anthropic span gives"),
        "{table}"
    );
    let out = run(llmspend().args(["report", OTEL, "--format", "csv"]), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: openllmetry_streamed_output_plus_one: 2 streamed"),
        "{err}"
    );
}

/// LiteLLM's top-level `prompt_tokens` with no `metadata.usage_object`:
/// the 10,000 input tokens of the gpt-4o line are named.
#[test]
fn litellm_without_usage_object_is_named() {
    let j = json(&["tests/fixtures/reconcile/litellm"]);
    assert_eq!(
        warnings(&j),
        vec![(
            "cache_inclusive_input_without_split".to_string(),
            1,
            10000,
            "0.000000".to_string(),
            vec!["tests/fixtures/reconcile/litellm/standard_logging.jsonl".to_string()]
        )]
    );
}

/// Anthropic's Console usage CSV and cost CSV of one day: the cost CSV
/// names models for people (`Claude Sonnet 4.5`), mapped to ids by
/// rates/display_names.csv; a `200k-1M` usage row is priced at the
/// long-context rates.
#[test]
fn anthropic_console_exports_reconcile_with_display_names_and_context_window() {
    let out = csv(&[
        "tests/fixtures/reconcile/anthropic",
        "--by",
        "day,model,project",
        "--show-reported",
    ]);
    // Sonnet 4.5, 0-200k: 1M x 3.00 + 100k x 15.00 = 4.50; 200k-1M at
    // the long-context rates: 1M x 6.00 + 100k x 22.50 = 8.25; billed
    // 3.00 + 1.50 + 6.00 + 2.25 = 12.75. Haiku 4.5: 120k x 1.00 + 5k x
    // 1.25 + 1k x 2.00 + 300k x 0.10 + 40k x 5.00 = 0.35825; the Console
    // bills each line in cents: 0.12 + 0.01 + 0.03 + 0.20 = 0.36. With a
    // time dimension rows are in time order, then by name.
    let expected = "\
day,model,project,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests,reported_cost_usd,difference_usd
2026-10-04,claude-haiku-4-5-20251001,Default,0,120000,40000,300000,6000,0.358250,0,0.360000,-0.001750
2026-10-04,claude-sonnet-4-5-20250929,Default,0,2000000,200000,0,0,12.750000,0,12.750000,0.000000
";
    assert_eq!(out, expected);
    // Nothing is left untiered: the usage rows say their context window.
    let j = json(&["tests/fixtures/reconcile/anthropic"]);
    assert_eq!(j["accounting"]["long_context_tier_not_applied"], 0);
    assert_eq!(j["accounting"]["warnings"], serde_json::json!([]));
}

/// `--correct-known-bugs` changes the counts, so it is part of what a
/// partial is of: `merge` refuses partials that disagree on it (exit 2,
/// naming both files and the flag) and adds those that agree.
#[test]
fn merge_refuses_partials_that_disagree_on_correct_known_bugs() {
    let dir = TestDir::new();
    let otel = "tests/fixtures/reconcile/otel/openllmetry_anthropic.jsonl";
    let partial = |name: &str, extra: &[&str]| {
        let text = stdout_ok(
            llmspend()
                .args(["report", otel, "--format", "partial"])
                .args(extra),
        );
        dir.create(name, &text)
    };
    let fixed = partial("fixed.jsonl", &["--correct-known-bugs"]);
    let fixed2 = partial("fixed2.jsonl", &["--correct-known-bugs"]);
    let asis = partial("asis.jsonl", &[]);
    let out = run(llmspend().arg("merge").args([&fixed, &asis]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--correct-known-bugs differ"), "{err}");
    assert!(
        err.contains(&*fixed.to_string_lossy()) && err.contains(&*asis.to_string_lossy()),
        "{err}"
    );
    let ok = stdout_ok(
        llmspend()
            .arg("merge")
            .args([&fixed, &fixed2])
            .args(["--format", "json"]),
    );
    // Each partial read the same file: the OpenLLMetry spans' 801 output
    // tokens as logged (1,001 of the folder less the OpenInference span's
    // 200) less the 2 corrected, twice.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ok).unwrap()["totals"]["output_tokens"],
        1598
    );
}
