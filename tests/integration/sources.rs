//! The real-source adapters on fixtures shaped like each documented format
//! (`tests/fixtures/<source>/`), priced with the embedded rate card.

use crate::util::*;

/// Runs `report ARGS --format csv` and returns the rows (header included).
///
/// The last column, `unpriced_requests`, is checked and left out: these
/// tests are about what each source reads (the column has its own test in
/// `accounting.rs`).
fn report_csv(args: &[&str]) -> Vec<Vec<String>> {
    let mut rows = csv_rows(&stdout_ok(
        llmspend()
            .arg("report")
            .args(args)
            .args(["--format", "csv"]),
    ));
    assert_eq!(
        rows[0].last().map(String::as_str),
        Some("unpriced_requests")
    );
    for r in &mut rows {
        r.pop();
    }
    rows
}

/// Runs `report ARGS --format json` and returns the document.
fn report_json(args: &[&str]) -> serde_json::Value {
    json(&stdout_ok(
        llmspend()
            .arg("report")
            .args(args)
            .args(["--format", "json"]),
    ))
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn counts(v: &serde_json::Value) -> [u64; 7] {
    let a = &v["accounting"];
    [
        "lines_read",
        "parsed",
        "filtered",
        "duplicate",
        "malformed",
        "blank",
        "ignored",
    ]
    .map(|k| a[k].as_u64().unwrap_or(u64::MAX))
}

/// LiteLLM's proxy logs: the files at the top of `tests/fixtures/litellm/`
/// (`daily/` and `export/` are other inputs).
const LITELLM_LOGS: [&str; 4] = [
    "tests/fixtures/litellm/spend_logs.csv",
    "tests/fixtures/litellm/spend_logs.json",
    "tests/fixtures/litellm/spend_logs.jsonl",
    "tests/fixtures/litellm/standard_logging.jsonl",
];

#[test]
fn litellm_folder_by_team_prices_cache_inclusive_prompts() {
    let rows = report_csv(&[&LITELLM_LOGS[..], &["--by", "team"]].concat());
    assert_eq!(
        rows,
        vec![
            row(&[
                "team",
                "requests",
                "input_tokens",
                "output_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "cost_usd"
            ]),
            row(&["payments", "4", "2650", "1280", "13400", "1800", "0.019605"]),
            row(&["search", "2", "2100", "700", "2000", "1000", "0.009150"]),
            row(&["(unattributed)", "1", "1000", "200", "0", "0", "0.004500"]),
            row(&["t-search", "2", "4600", "1100", "1400", "0", "0.001455"]),
        ]
    );
}

#[test]
fn litellm_accounting_and_reported_cost_reconcile() {
    let v = report_json(&[&LITELLM_LOGS[..], &["--by", "source"]].concat());
    // 5 JSONL lines (1 blank, 1 truncated), 2 array rows, CSV header + 2, 2 payload lines.
    assert_eq!(counts(&v), [12, 9, 0, 0, 1, 1, 1]);
    assert_eq!(v["groups"][0]["source"], "litellm");
    assert_eq!(v["totals"]["cost_usd"], "0.034710");
    // LiteLLM's own `spend` / `response_cost` agree with the list prices.
    assert_eq!(v["groups"][0]["reported_cost_usd"], "0.034710");
    assert_eq!(v["accounting"]["malformed_samples"][0]["line"], 5);
    assert_eq!(
        v["accounting"]["unattributed"]["team"]["cost_usd"],
        "0.004500"
    );
}

#[test]
fn litellm_each_shape_by_attribution() {
    let rows = report_csv(&[
        "tests/fixtures/litellm/spend_logs.csv",
        "--by",
        "team,cost_center,environment,api_key",
    ]);
    assert_eq!(
        rows[1..],
        [
            row(&[
                "payments",
                "CC-1042",
                "prod",
                "checkout-bot",
                "1",
                "500",
                "300",
                "4000",
                "500",
                "0.009075"
            ]),
            row(&[
                "search",
                "CC-100",
                "(unattributed)",
                "77b1c2d3",
                "1",
                "2000",
                "500",
                "0",
                "0",
                "0.000600"
            ]),
        ]
    );
    let rows = report_csv(&[
        "tests/fixtures/litellm/standard_logging.jsonl",
        "--by",
        "team,service,customer",
    ]);
    assert_eq!(
        rows[1..],
        [
            row(&[
                "search",
                "(unattributed)",
                "(unattributed)",
                "1",
                "100",
                "200",
                "2000",
                "1000",
                "0.008550"
            ]),
            row(&[
                "payments",
                "invoicing",
                "initech",
                "1",
                "1000",
                "300",
                "200",
                "0",
                "0.000345"
            ]),
        ]
    );
    let rows = report_csv(&[
        "tests/fixtures/litellm/spend_logs.json",
        "--by",
        "customer,model",
    ]);
    assert_eq!(
        rows[1..],
        [
            row(&[
                "acme-corp",
                "claude-haiku-4-5-20251001",
                "1",
                "1000",
                "500",
                "8000",
                "1000",
                "0.005550"
            ]),
            row(&[
                "globex",
                "gpt-4o-mini",
                "1",
                "4000",
                "1000",
                "0",
                "0",
                "0.001200"
            ]),
        ]
    );
}

#[test]
fn litellm_can_be_forced_with_source() {
    let dir = TestDir::new();
    // No detection signature (no `request_id`): only --source reads it as LiteLLM.
    let path = dir.create(
        "export.log",
        r#"{"id":"r1","startTime":1791277200.5,"model":"gpt-4o","custom_llm_provider":"openai","prompt_tokens":1000,"completion_tokens":0,"request_tags":["team:ops"],"metadata":{"usage_object":{"prompt_tokens":1000,"completion_tokens":0,"prompt_tokens_details":{"cached_tokens":1000}}}}
"#,
    );
    let p = path.to_str().unwrap();
    let rows = report_csv(&[p, "--source", "litellm", "--by", "team,source"]);
    assert_eq!(
        rows[1],
        row(&["ops", "litellm", "1", "0", "0", "1000", "0", "0.001250"])
    );
    let rows = report_csv(&[p, "--by", "team,source"]);
    assert_eq!(rows[1][1], "gateway");
}

#[test]
fn claude_code_dedupes_streamed_and_resumed_copies_and_keeps_the_1h_writes() {
    let rows = report_csv(&["tests/fixtures/claude-code", "--by", "project,model"]);
    assert_eq!(
        rows[1..],
        [
            row(&[
                "/home/ana/checkout",
                "claude-sonnet-4-5-20250929",
                "3",
                "10",
                "630",
                "36000",
                "2800",
                "0.032580"
            ]),
            row(&[
                "/home/ana/search",
                "claude-haiku-4-5-20251001",
                "1",
                "100",
                "700",
                "5000",
                "1000",
                "0.005350"
            ]),
        ]
    );
    for threads in ["1", "2"] {
        let v = report_json(&[
            "tests/fixtures/claude-code",
            "--by",
            "source",
            "--threads",
            threads,
        ]);
        // 8 + 3 + 2 lines: 4 responses; 3 streamed copies and 2 copies in the
        // resumed session; summary, user, tool-result and synthetic lines ignored.
        assert_eq!(counts(&v), [13, 4, 0, 5, 0, 0, 4]);
        assert_eq!(v["groups"][0]["source"], "claude-code");
        assert_eq!(v["groups"][0]["cache_write_1h_tokens"], 800);
        assert_eq!(v["totals"]["cost_usd"], "0.037930");
    }
}

#[test]
fn claude_code_on_stdin_dedupes_within_the_stream() {
    let text = include_str!(
        "../fixtures/claude-code/projects/-home-ana-checkout/6f1c2b8e-5a3d-4c1e-9b7a-0d2e4f6a8c10.jsonl"
    );
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "-",
                "--source",
                "claude-code",
                "--by",
                "model",
                "--format",
                "csv",
            ])
            .write_stdin(text),
    );
    let rows = csv_rows(&out);
    assert_eq!(
        rows[1],
        row(&[
            "claude-sonnet-4-5-20250929",
            "2",
            "8",
            "570",
            "22000",
            "2800",
            "0.027474",
            "0"
        ])
    );
}

#[test]
fn bedrock_prices_regional_profiles_and_falls_back_to_base_models() {
    let rows = report_csv(&["tests/fixtures/bedrock", "--by", "team"]);
    assert_eq!(
        rows[1..],
        [
            row(&["payments", "3", "812", "538", "14800", "960", "0.024946"]),
            row(&["(unattributed)", "1", "10000", "2000", "0", "0", "0.014400"]),
            row(&["search", "2", "3000", "1500", "20000", "0", "0.013200"]),
        ]
    );
    let rows = report_csv(&["tests/fixtures/bedrock", "--by", "model,user"]);
    let cost = |model: &str| {
        rows.iter()
            .find(|r| r[0] == model)
            .map(|r| (r[1].clone(), r[7].clone()))
    };
    // us. profile of Sonnet 4.5: +10% ($3.30 / $16.50 / $0.33 / $4.125).
    assert_eq!(
        cost("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some(("checkout-svc".into(), "0.015946".into()))
    );
    // global. at base, eu. at +10%.
    assert_eq!(
        cost("global.anthropic.claude-haiku-4-5-20251001-v1:0"),
        Some(("search-indexer".into(), "0.005500".into()))
    );
    assert_eq!(
        cost("eu.anthropic.claude-haiku-4-5-20251001-v1:0"),
        Some(("search-indexer".into(), "0.007700".into()))
    );
    // No row for this profile: priced as the base model.
    assert_eq!(
        cost("apac.anthropic.claude-opus-4-1-20250805-v1:0"),
        Some(("checkout-svc".into(), "0.009000".into()))
    );
    assert_eq!(
        cost("amazon.nova-pro-v1:0"),
        Some(("batch-runner".into(), "0.014400".into()))
    );
    let v = report_json(&["tests/fixtures/bedrock", "--by", "source"]);
    assert_eq!(counts(&v), [6, 6, 0, 0, 0, 0, 0]);
    assert_eq!(
        v["accounting"]["unpriced"]
            ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"],
        1
    );
}

#[test]
fn otel_reports_each_genai_span_with_resource_attribution() {
    let rows = report_csv(&["tests/fixtures/otel", "--by", "team,service,environment"]);
    assert_eq!(
        rows[1..],
        [
            row(&["search", "checkout", "prod", "1", "500", "400", "10000", "1500", "0.016125"]),
            row(&[
                "(unattributed)",
                "billing",
                "prod",
                "1",
                "10000",
                "1000",
                "0",
                "0",
                "0.005500"
            ]),
            row(&["payments", "billing", "prod", "1", "1000", "100", "0", "0", "0.001650"]),
            row(&["payments", "checkout", "prod", "1", "826", "240", "1024", "0", "0.000817"]),
            row(&[
                "growth",
                "search-api",
                "staging",
                "1",
                "2000",
                "200",
                "1000",
                "0",
                "0.000495"
            ]),
        ]
    );
    let rows = report_csv(&["tests/fixtures/otel", "--by", "provider,model"]);
    assert_eq!(rows[1][..2], ["anthropic", "claude-sonnet-4-5-20250929"]);
    assert_eq!(rows[2][..2], ["google", "gemini-2.5-flash"]);
    assert_eq!(
        rows[3][..2],
        ["bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0"]
    );
    let v = report_json(&["tests/fixtures/otel", "--by", "source"]);
    // traces.jsonl: 3 + 2 spans and an empty line-object; trace.json: 2 spans.
    assert_eq!(counts(&v), [8, 5, 0, 0, 0, 0, 3]);
    assert_eq!(v["totals"]["cost_usd"], "0.024587");
}

#[test]
fn a_mixed_folder_detects_each_file_and_names_the_unknown_one() {
    let dir = TestDir::new();
    for (name, text) in [
        ("litellm/spend_logs.jsonl", include_str!("../fixtures/litellm/spend_logs.jsonl")),
        ("litellm/spend_logs.json", include_str!("../fixtures/litellm/spend_logs.json")),
        ("litellm/spend_logs.csv", include_str!("../fixtures/litellm/spend_logs.csv")),
        ("litellm/payloads.jsonl", include_str!("../fixtures/litellm/standard_logging.jsonl")),
        ("cc/session.jsonl", include_str!("../fixtures/claude-code/projects/-home-ana-checkout/6f1c2b8e-5a3d-4c1e-9b7a-0d2e4f6a8c10.jsonl")),
        ("cc/other.jsonl", include_str!("../fixtures/claude-code/projects/-home-ana-search/9a7e3c51-0b2d-4e8f-a1c3-5d7f9b1e3a20.jsonl")),
        ("bedrock.jsonl", include_str!("../fixtures/bedrock/model_invocations.jsonl")),
        ("otel/traces.jsonl", include_str!("../fixtures/otel/traces.jsonl")),
        ("otel/trace.json", include_str!("../fixtures/otel/trace.json")),
        (
            "gateway.jsonl",
            "{\"timestamp\":\"2026-10-03T09:14:02Z\",\"team\":\"ops\",\"model\":\"gpt-4o\",\"input_tokens\":1000,\"output_tokens\":0}\n",
        ),
        ("notes.log", "hello\nnot a log\n"),
    ] {
        dir.create(name, text);
    }
    let rows = report_csv(&[dir.path().to_str().unwrap(), "--by", "source"]);
    assert_eq!(
        rows[1..],
        [
            row(&["bedrock", "6", "13812", "4038", "34800", "960", "0.052546"]),
            row(&["litellm", "9", "10350", "3280", "16800", "2800", "0.034710"]),
            row(&[
                "claude-code",
                "3",
                "108",
                "1270",
                "27000",
                "3800",
                "0.032824"
            ]),
            row(&["otel", "5", "14326", "1940", "12024", "1500", "0.024587"]),
            row(&["gateway", "1", "1000", "0", "0", "0", "0.002500"]),
        ]
    );
    let v = report_json(&[dir.path().to_str().unwrap(), "--by", "source"]);
    // Named as unrecognised (not unreadable: it does not change the exit).
    assert_eq!(v["accounting"]["unreadable"], serde_json::json!([]));
    let unrecognized = v["accounting"]["unrecognized_files"].as_array().unwrap();
    assert_eq!(unrecognized.len(), 1);
    assert!(unrecognized[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("notes.log"));
    assert_eq!(unrecognized[0]["shape"], "text `hello`");
    assert!(unrecognized[0]["reason"]
        .as_str()
        .unwrap()
        .contains("litellm, claude-code, bedrock, otel"));
}

#[test]
fn openai_usage_api_rows_are_aggregated_and_costs_reconcile() {
    let v = report_json(&["tests/fixtures/openai", "--by", "project"]);
    let g = &v["groups"];
    assert_eq!(g[0]["project"], "proj_search");
    // 50 batch requests of gpt-4o-2024-08-06 at $1.25 / $5.00.
    assert_eq!(
        (g[0]["requests"].as_u64(), g[0]["cost_usd"].as_str()),
        (Some(50), Some("0.225000"))
    );
    assert_eq!(g[1]["project"], "proj_checkout");
    // 37 + 12 requests; 52000 - 30000 cached and 10000 - 4000 cached uncached input.
    assert_eq!(g[1]["requests"], 49);
    assert_eq!(g[1]["input_tokens"], 28000);
    assert_eq!(g[1]["cache_read_tokens"], 34000);
    assert_eq!(g[1]["cost_usd"], "0.019860");
    // The Costs API page states $0.01836 for the same day's gpt-4.1-mini rows.
    assert_eq!(g[1]["reported_cost_usd"], "0.018360");
    // A page file: 3 results + 1 empty bucket; costs: 2 results; CSV: header, a row, an empty day.
    assert_eq!(counts(&v), [8, 5, 0, 0, 0, 0, 3]);
}

#[test]
fn anthropic_reports_keep_the_1h_split_and_cents() {
    let v = report_json(&["tests/fixtures/anthropic", "--by", "project"]);
    let g = &v["groups"];
    assert_eq!(g[0]["project"], "wrkspc_checkout");
    // 41250 x 3 + 880000 x 0.30 + 52000 x 3.75 + 8000 x 6 + 19300 x 15 per MTok; never
    // long-context tiered, as the report gives no request count.
    assert_eq!(g[0]["cost_usd"], "0.920250");
    assert_eq!(g[0]["requests"], 0);
    assert_eq!(g[0]["cache_write_1h_tokens"], 8000);
    // Cost report: "26.40" + "28.95" cents.
    assert_eq!(g[0]["reported_cost_usd"], "0.553500");
    assert_eq!(g[1]["project"], "Default");
    assert_eq!(g[1]["cost_usd"], "0.358250");
    assert_eq!(g[2]["project"], "wrkspc_search");
    assert_eq!(g[2]["cost_usd"], "0.010000");
    assert_eq!(counts(&v), [7, 5, 0, 0, 0, 0, 2]);
}

#[test]
fn litellm_daily_team_table_is_read_as_aggregated_rows() {
    let rows = report_csv(&[
        "tests/fixtures/litellm/daily",
        "--by",
        "team",
        "--source",
        "litellm",
    ]);
    assert_eq!(
        rows[1..],
        [
            row(&[
                "t-payments",
                "100",
                "15000",
                "18000",
                "120000",
                "30000",
                "0.463500"
            ]),
            row(&["t-search", "800", "1500000", "100000", "500000", "0", "0.322500"]),
        ]
    );
    // Detected without --source too.
    let v = report_json(&["tests/fixtures/litellm/daily", "--by", "source"]);
    assert_eq!(v["groups"][0]["source"], "litellm");
    assert_eq!(v["groups"][0]["reported_cost_usd"], "0.786000");
}

#[test]
fn sources_lists_every_adapter_before_the_catch_all() {
    let out = stdout_ok(llmspend().arg("sources"));
    let names: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        names,
        [
            "llmspend",
            "litellm",
            "claude-code",
            "bedrock",
            "otel",
            "openai",
            "anthropic",
            "gateway"
        ]
    );
    assert!(out.contains("`schemaType` = `ModelInvocationLog`"));
}

#[test]
fn every_source_can_be_forced_by_name() {
    let dir = TestDir::new();
    // Names that detection would not rely on; --source decides the format.
    let cases = [
        ("bedrock", "bedrock/model_invocations.jsonl", "6"),
        ("otel", "otel/traces.jsonl", "3"),
        ("openai", "openai/usage_completions.json", "87"),
        ("anthropic", "anthropic/usage_report.json", "0"),
    ];
    for (source, fixture, requests) in cases {
        let text = std::fs::read(format!("tests/fixtures/{fixture}")).unwrap();
        let path = dir.create(&format!("{source}.txt"), text);
        let rows = report_csv(&[path.to_str().unwrap(), "--source", source, "--by", "source"]);
        assert_eq!(
            rows[1][..2],
            [source.to_string(), requests.to_string()],
            "{source}"
        );
    }
}

#[test]
fn every_fixture_reads_the_same_for_any_threads_and_chunk_size() {
    let base = |extra: &[&str]| {
        let mut cmd = llmspend();
        cmd.args([
            "report",
            "tests/fixtures",
            "--by",
            "source,team,model,day",
            "--format",
            "json",
        ])
        .args(extra);
        let out = run(&mut cmd, 0);
        (out.stdout, out.stderr)
    };
    let reference = base(&["--threads", "1"]);
    for extra in [
        vec!["--threads", "2"],
        vec!["--threads", "3", "--chunk-bytes", "97"],
        vec!["--threads", "2", "--chunk-bytes", "1", "--no-mmap"],
    ] {
        assert_eq!(base(&extra), reference, "{extra:?}");
    }
}

/// Attribution in forwarded HTTP headers (docs/sources.md, headers):
/// `headers`, `request_headers` and top-level `x-…` keys, any case, `-` or
/// `_`; never `x-api-key`; a canonical key beats a header at one depth.
#[test]
fn headers_attribute_gateway_logs_and_litellm_requester_metadata() {
    let dir = "tests/fixtures/headers/gateway_headers.jsonl";
    let rows = report_csv(&[dir, "--by", "team,cost_center,project,user,api_key"]);
    let got: Vec<Vec<String>> = rows.iter().skip(1).map(|r| r[..6].to_vec()).collect();
    let u = "(unattributed)";
    assert_eq!(
        got,
        [
            row(&[u, "CC-0001", u, u, u, "1"]),
            row(&[u, "CC-3003", "p-9", "u-7", u, "1"]),
            row(&["ads", "CC-2001", u, u, u, "1"]),
            row(&["search", "CC-1042", u, u, u, "1"]),
        ],
        "{rows:?}"
    );
    let v = report_json(&[dir]);
    assert_eq!(
        v["accounting"]["unattributed"]["cost_center"]["requests"],
        0
    );
    let rows = report_csv(&[
        "tests/fixtures/headers/litellm_requester.jsonl",
        "--by",
        "team,cost_center",
    ]);
    let got: Vec<Vec<String>> = rows.iter().skip(1).map(|r| r[..3].to_vec()).collect();
    assert_eq!(
        got,
        [
            row(&["growth", "CC-5005", "1"]),
            row(&["growth", "CC-5006", "1"])
        ],
        "{rows:?}"
    );
}

/// `docs/sources.md` holds exactly what `sources --fields` prints, and the
/// list names the header and requester-metadata paths.
#[test]
fn sources_fields_is_documented_verbatim() {
    let out = stdout_ok(llmspend().args(["sources", "--fields"]));
    assert!(
        out.contains("metadata.requester_metadata.x-cost-center"),
        "{out}"
    );
    assert!(out.contains(", x-cost-center, {C}.cost_center"), "{out}");
    assert!(out.contains("headers | request_headers"), "{out}");
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sources.md"),
    )
    .unwrap();
    let block = format!(
        "<!-- sources --fields: begin -->\n```text\n{out}```\n<!-- sources --fields: end -->"
    );
    assert!(
        doc.contains(&block),
        "docs/sources.md is out of date: paste `llmspend sources --fields` in"
    );
}
