//! `--explain-difference` through the binary, on the fixtures of
//! tests/fixtures/reconcile/explain/: a LiteLLM StandardLoggingPayload log
//! and a gateway JSONL log whose stated costs differ from llmspend's for
//! known reasons. Every expected figure is worked out by hand in the
//! comments from the embedded card's list prices (SOURCES-derived, docs/
//! reconcile.md), and the JSON causes must add up exactly to the
//! difference.

use crate::util::*;

const DIR: &str = "tests/fixtures/reconcile/explain";
const LITELLM: &str = "tests/fixtures/reconcile/explain/litellm_standard_logging.jsonl";
const GATEWAY: &str = "tests/fixtures/reconcile/explain/gateway.jsonl";

fn report(args: &[&str], format: &str) -> String {
    stdout_ok(llmspend().arg("report").args(args).args([
        "--show-reported",
        "--explain-difference",
        "--format",
        format,
    ]))
}

/// The group of `key` = `value` in a JSON report.
fn group<'a>(j: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    j["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g[key] == value)
        .unwrap_or_else(|| panic!("no group {key}={value}"))
}

/// The causes of a group, by name, as exact strings; checks they add up
/// to its exact difference in pico-dollars.
fn causes(g: &serde_json::Value) -> Vec<(String, String)> {
    let e = &g["explanation"];
    let pico = |s: &str| -> i128 {
        let (neg, abs) = s.strip_prefix('-').map_or((false, s), |a| (true, a));
        let (w, f) = abs.split_once('.').unwrap();
        assert_eq!(f.len(), 12, "{s}: not exact");
        let v = w.parse::<i128>().unwrap() * 1_000_000_000_000 + f.parse::<i128>().unwrap();
        if neg {
            -v
        } else {
            v
        }
    };
    let list: Vec<(String, String)> = e["causes"]
        .as_array()
        .unwrap_or_else(|| panic!("no explanation: {g}"))
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_string(),
                c["amount_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let sum: i128 = list.iter().map(|(_, a)| pico(a)).sum();
    assert_eq!(sum, pico(e["difference_usd"].as_str().unwrap()), "{e}");
    list
}

fn named(parts: [&str; 5]) -> Vec<(String, String)> {
    [
        "price_basis",
        "cache_semantics",
        "unpriced",
        "rounding",
        "unexplained",
    ]
    .iter()
    .zip(parts)
    .map(|(n, a)| (n.to_string(), a.to_string()))
    .collect()
}

/// LiteLLM logged o3 at the price before the 2025-06-10 cut (10 / 40 per
/// MTok): 10,000 x 10 + 1,000 x 40 = $0.14. The card's row (2 / 8):
/// 10,000 x 2 + 1,000 x 8 = $0.028. The difference, -$0.112, is all
/// price basis, and both price rows are given.
#[test]
fn a_litellm_cost_at_another_price_is_price_basis() {
    let j = json(&report(&[LITELLM, "--by", "model"], "json"));
    let o3 = group(&j, "model", "o3-2025-04-16");
    assert_eq!(o3["difference_usd"], "-0.112000");
    assert_eq!(
        causes(o3),
        named([
            "-0.112000000000",
            "0.000000000000",
            "0.000000000000",
            "0.000000000000",
            "0.000000000000"
        ])
    );
    let rows = j["reconciliation"]["price_basis"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        row["llmspend_row"],
        "openai/o3 from 2025-06-10 (rates/openai.csv:99): input $2, output $8, cache read $0.5, cache write $2 (5m) / $2 (1h) per MTok"
    );
    assert_eq!(row["records"], 1);
    assert_eq!(row["tokens"]["input"], 10000);
    assert_eq!(row["tokens"]["output"], 1000);
    assert_eq!(row["cost_usd"], "0.028000000000");
    assert_eq!(row["reported_cost_usd"], "0.140000000000");
    // The old price was five times the card on both kinds of token.
    assert_eq!(row["source_to_llmspend_ratio"], "5.000000");
    // Two kinds of token: no single per-MTok rate can be derived.
    assert_eq!(row["implied_rate"], serde_json::Value::Null);
    // The default tolerance ($0.01 or 1%) leaves gpt-4o's +$0.01 alone.
    assert_eq!(
        group(&j, "model", "gpt-4o-2024-08-06")["explanation"],
        serde_json::Value::Null
    );
    assert_eq!(
        j["reconciliation"]["tolerance"],
        "$0.010000 or 1.00% of the reported cost"
    );
}

/// The gateway states each Haiku 4.5 line rounded to cents: 3,000 x
/// 1.00 plus 500 x 5.00 per MTok = $0.0055, stated $0.01. Ten lines: -$0.045, all
/// rounding. The o3 row's difference is far beyond half a cent: never
/// called rounding even though $0.14 is a whole number of cents.
#[test]
fn cents_rounded_costs_are_rounding() {
    let j = json(&report(&[GATEWAY, "--by", "team"], "json"));
    let support = group(&j, "team", "support");
    assert_eq!(support["cost_usd"], "0.055000");
    assert_eq!(support["reported_cost_usd"], "0.100000");
    assert_eq!(
        causes(support),
        named([
            "0.000000000000",
            "0.000000000000",
            "0.000000000000",
            "-0.045000000000",
            "0.000000000000"
        ])
    );
    let o3 = group(
        &json(&report(&[LITELLM, "--by", "model"], "json")),
        "model",
        "o3-2025-04-16",
    )["explanation"]["causes"][3]["amount_usd"]
        .clone();
    assert_eq!(o3, "0.000000000000");
}

/// A model no rate-card row prices: its stated $0.02 is all unpriced.
#[test]
fn an_unpriced_model_is_unpriced() {
    let j = json(&report(&[LITELLM, "--by", "model"], "json"));
    let acme = group(&j, "model", "acme-llm-7b");
    assert_eq!(acme["unpriced_requests"], 1);
    assert_eq!(
        causes(acme),
        named([
            "0.000000000000",
            "0.000000000000",
            "-0.020000000000",
            "0.000000000000",
            "0.000000000000"
        ])
    );
}

/// Team research mixes every cause. llmspend: o3 0.028 + acme unpriced +
/// gpt-4o (top level only, 10,000 x 2.50 + 500 x 10.00) 0.030 + Haiku
/// 0.0055 + gpt-4o-mini without a stated cost (100,000 x 0.15) 0.015 =
/// 0.0785. Stated: 0.14 + 0.02 + 0.02 + 0.01 + a cost-only gateway line
/// 0.03 = 0.22. Difference -0.1415 = price basis -0.112 (o3) + cache
/// semantics +0.010 (gpt-4o: LiteLLM knew 8,000 of its input tokens were
/// cached, llmspend had no split) + unpriced -0.020 + rounding -0.0045
/// (Haiku) + unexplained -0.015 (+0.015 priced with no stated cost, -0.03
/// stated with no tokens).
#[test]
fn a_mix_sums_exactly_in_every_format_and_through_merge() {
    let args = [DIR, "--by", "team"];
    let j = json(&report(&args, "json"));
    let research = group(&j, "team", "research");
    assert_eq!(research["cost_usd"], "0.078500");
    assert_eq!(research["reported_cost_usd"], "0.220000");
    assert_eq!(research["difference_usd"], "-0.141500");
    assert_eq!(
        causes(research),
        named([
            "-0.112000000000",
            "0.010000000000",
            "-0.020000000000",
            "-0.004500000000",
            "-0.015000000000"
        ])
    );
    let csv = report(&args, "csv");
    assert_eq!(
        csv,
        "\
team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests,reported_cost_usd,difference_usd,price_basis_usd,cache_semantics_usd,unpriced_usd,rounding_usd,unexplained_usd
research,6,127000,2400,0,0,0.078500,1,0.220000,-0.141500,-0.112000,0.010000,-0.020000,-0.004500,-0.015000
support,10,30000,5000,0,0,0.055000,0,0.100000,-0.045000,0.000000,0.000000,0.000000,-0.045000,0.000000
"
    );
    let table = report(&args, "table");
    assert!(
        table.contains("difference of team=research: -$0.141500 = price basis -$0.112000 + cache semantics $0.010000 + unpriced -$0.020000 + rounding -$0.004500 + unexplained -$0.015000"),
        "{table}"
    );
    assert!(table.contains("price basis: 1 request priced by llmspend's row openai/o3"));
    let md = report(&args, "md");
    assert!(
        md.contains("difference of team=support: -$0.045000 = rounding -$0.045000"),
        "{md}"
    );

    // One partial per file, merged: byte for byte the report of both.
    let dir = TestDir::new();
    let mut parts = Vec::new();
    for (i, f) in [GATEWAY, LITELLM].iter().enumerate() {
        let p = stdout_ok(llmspend().args(["report", f, "--by", "team", "--format", "partial"]));
        parts.push(dir.create(&format!("p{i}.jsonl"), &p));
    }
    for format in ["json", "csv", "table", "md"] {
        let merged = stdout_ok(llmspend().arg("merge").args(&parts).args([
            "--show-reported",
            "--explain-difference",
            "--format",
            format,
        ]));
        assert_eq!(merged, report(&args, format), "{format}");
    }
}

/// `--tolerance` decides which groups are explained; without
/// `--explain-difference` no cause is shown anywhere.
#[test]
fn tolerance_and_the_flag() {
    let j = json(&report(
        &[DIR, "--by", "team", "--tolerance", "0.05"],
        "json",
    ));
    // |-0.045| <= 0.05: support within; research not.
    assert_eq!(
        group(&j, "team", "support")["explanation"],
        serde_json::Value::Null
    );
    assert!(group(&j, "team", "research")["explanation"].is_object());
    let j = json(&report(
        &[DIR, "--by", "team", "--tolerance", "50%"],
        "json",
    ));
    // 45% of support's $0.10 is within 50%; research's 64% is not.
    assert_eq!(
        group(&j, "team", "support")["explanation"],
        serde_json::Value::Null
    );
    assert!(group(&j, "team", "research")["explanation"].is_object());
    let plain = stdout_ok(llmspend().args([
        "report",
        DIR,
        "--by",
        "team",
        "--show-reported",
        "--format",
        "csv",
    ]));
    assert!(!plain.contains("price_basis_usd"), "{plain}");
    let j = json(&stdout_ok(llmspend().args([
        "report",
        DIR,
        "--show-reported",
        "--format",
        "json",
    ])));
    assert!(j["groups"][0].get("explanation").is_none());
    assert!(j["reconciliation"].get("price_basis").is_none());
    // The flag needs --show-reported.
    run(llmspend().args(["report", DIR, "--explain-difference"]), 2);
}
