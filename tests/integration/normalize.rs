//! `normalize`: one row per kept record in the schema llmspend.usage.v1.
//! Summing the rows' exact `cost_usd` and rounding once, half-even, gives
//! the report's figures; the trailer carries the report's accounting;
//! standard input is named by `--stdin-name` and may be gzip or zstd.

use std::io::Write;

use serde_json::Value;

use crate::util::*;

const COLUMNS: [&str; 30] = [
    "timestamp",
    "day",
    "provider",
    "model",
    "rate_model",
    "service_tier",
    "requests",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "team",
    "cost_center",
    "project",
    "service",
    "route",
    "environment",
    "customer",
    "user",
    "api_key",
    "owner_source",
    "request_id",
    "status",
    "cost_usd",
    "priced",
    "reported_cost_usd",
    "source",
    "source_file",
    "source_line",
];

/// Rows and trailer of normalize's JSONL.
fn parse(text: &str) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> = text.lines().map(json).collect();
    let trailer = lines.pop().expect("a trailer");
    assert_eq!(trailer["_llmspend"], "accounting");
    (lines, trailer)
}

/// `12.345678901234` as pico-dollars; exactly 12 decimals asserted.
fn pico(v: &Value) -> u128 {
    let s = v.as_str().expect("money is a string");
    let (whole, frac) = s.split_once('.').unwrap();
    assert_eq!(frac.len(), 12, "{s}");
    whole.parse::<u128>().unwrap() * 1_000_000_000_000 + frac.parse::<u128>().unwrap()
}

/// Pico-dollars rounded half-even to 6 decimals, as the report writes them.
fn usd6(p: u128) -> String {
    let (q, r) = (p / 1_000_000, p % 1_000_000);
    let q = if r > 500_000 || (r == 500_000 && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    format!("{}.{:06}", q / 1_000_000, q % 1_000_000)
}

#[test]
fn rows_sum_to_the_report_and_the_trailer_is_its_accounting() {
    let text = stdout_ok(llmspend().args(["normalize", "samples/", "-o", "-", "--quiet"]));
    let (rows, trailer) = parse(&text);
    let report = json(&stdout_ok(llmspend().args([
        "report",
        "samples/",
        "--format",
        "json",
        "--by",
        "team,model",
    ])));
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, COLUMNS);
        let ts = r["timestamp"].as_str().unwrap();
        assert!(ts.ends_with('Z') && ts.len() == 20, "{ts}");
        assert_eq!(&ts[..10], r["day"].as_str().unwrap());
        assert_eq!(r["priced"], r["rate_model"].is_string());
    }
    // Group sums of exact costs, rounded once, are the report's.
    let mut groups = std::collections::BTreeMap::<(String, String), u128>::new();
    for r in &rows {
        let key = |k: &str| r[k].as_str().unwrap_or("(unattributed)").to_string();
        *groups.entry((key("team"), key("model"))).or_default() += pico(&r["cost_usd"]);
    }
    let want: std::collections::BTreeMap<(String, String), String> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let key = |k: &str| g[k].as_str().unwrap_or("(unattributed)").to_string();
            (
                (key("team"), key("model")),
                g["cost_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let got: std::collections::BTreeMap<_, _> =
        groups.into_iter().map(|(k, p)| (k, usd6(p))).collect();
    assert_eq!(got, want);
    let total: u128 = rows.iter().map(|r| pico(&r["cost_usd"])).sum();
    assert_eq!(usd6(total), report["totals"]["cost_usd"]);
    let cw: u64 = rows
        .iter()
        .map(|r| r["cache_write_tokens"].as_u64().unwrap())
        .sum();
    let cw1: u64 = rows
        .iter()
        .map(|r| r["cache_write_1h_tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(cw + cw1, report["totals"]["cache_write_tokens"]);
    let a = &report["accounting"];
    assert_eq!(trailer["records"], rows.len());
    assert_eq!(trailer["records"], a["parsed"]);
    for k in [
        "lines_read",
        "filtered",
        "duplicate",
        "malformed",
        "blank",
        "ignored",
        "malformed_samples",
    ] {
        assert_eq!(trailer[k], a[k], "{k}");
    }
    assert_eq!(trailer["schema"], "llmspend.usage.v1");
    assert_eq!(trailer["rates_sha256"].as_str().unwrap().len(), 64);
    // Rows come in (file, line) order.
    let pos: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["source_file"].as_str().unwrap().into(),
                r["source_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
}

const LOG: &str = r#"{"timestamp":"2026-10-01T23:30:00-02:00","model":"gpt-4o","team":"a","request_id":"r1","usage":{"prompt_tokens":25,"completion_tokens":0}}
{"timestamp":"2026-10-02T00:10:00Z","model":"gpt-4o","team":"b","request_id":"r2","usage":{"prompt_tokens":10,"completion_tokens":3}}
not json
{"timestamp":"2026-10-02T00:20:00Z","model":"no-such-model-x","request_id":"r3","usage":{"prompt_tokens":10,"completion_tokens":3}}
"#;

#[test]
fn dedupe_keeps_the_earliest_row_across_files_and_lines_are_physical() {
    let dir = TestDir::new();
    let a = dir.create("a.jsonl", LOG);
    let b = dir.create("b.jsonl", format!("\n{}", LOG.lines().nth(1).unwrap()));
    let text = stdout_ok(
        llmspend()
            .args(["normalize", "-o", "-", "--quiet", "--tz", "+02:00"])
            .arg(&a)
            .arg(&b),
    );
    let (rows, trailer) = parse(&text);
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["r1", "r2", "r3"]);
    assert_eq!(trailer["duplicate"], 1);
    assert_eq!(trailer["malformed"], 1);
    assert_eq!(trailer["blank"], 1);
    assert_eq!(rows[1]["source_line"], 2);
    assert_eq!(rows[2]["source_line"], 4);
    // 23:30 at -02:00 is 01:30 UTC, 03:30 at +02:00.
    assert_eq!(rows[0]["timestamp"], "2026-10-02T01:30:00Z");
    assert_eq!(rows[0]["day"], "2026-10-02");
    assert_eq!(rows[1]["day"], "2026-10-02");
    assert_eq!(rows[2]["priced"], false);
    assert_eq!(rows[2]["cost_usd"], "0.000000000000");
    assert_eq!(rows[2]["rate_model"], Value::Null);
    assert_eq!(rows[2]["team"], Value::Null);
    assert_eq!(rows[2]["owner_source"], Value::Null);
    assert_eq!(rows[0]["owner_source"], "request");
    // 25 tokens at $2.50/MTok: exactly 0.0000625.
    assert_eq!(rows[0]["cost_usd"], "0.000062500000");
    let text = stdout_ok(
        llmspend()
            .args(["normalize", "-o", "-", "--quiet", "--no-dedupe"])
            .arg(&a)
            .arg(&b),
    );
    let (rows, trailer) = parse(&text);
    assert_eq!(rows.len(), 4);
    assert_eq!(trailer["duplicate"], 0);
    assert_eq!(rows[3]["source_file"], b.display().to_string());
    assert_eq!(rows[3]["source_line"], 2);
}

fn on_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    llmspend()
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn stdin_is_named_and_its_compression_detected() {
    let name = "s3://logs/part-0002.jsonl.gz";
    for bytes in [
        LOG.as_bytes().to_vec(),
        gzip(LOG.as_bytes()),
        zstd::encode_all(LOG.as_bytes(), 3).unwrap(),
    ] {
        let out = on_stdin(
            &["normalize", "-", "-o", "-", "--quiet", "--stdin-name", name],
            &bytes,
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let (rows, trailer) = parse(std::str::from_utf8(&out.stdout).unwrap());
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r["source_file"] == name));
        assert_eq!(trailer["malformed_samples"][0]["file"], name);
        assert_eq!(trailer["malformed_samples"][0]["line"], 3);
        let out = on_stdin(
            &["report", "-", "--format", "partial", "--stdin-name", name],
            &bytes,
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(name), "{text}");
        assert!(!text.contains(r#""-""#), "{text}");
    }
}

#[test]
fn a_corrupt_gzip_stream_on_stdin_keeps_the_lines_before_the_damage() {
    let many: String = (0..2000)
        .map(|i| format!("{{\"timestamp\":\"2026-10-02T00:00:00Z\",\"model\":\"gpt-4o\",\"request_id\":\"q{i}\",\"usage\":{{\"prompt_tokens\":{i},\"completion_tokens\":1}}}}\n"))
        .collect();
    let mut bytes = gzip(many.as_bytes());
    let cut = bytes.len() * 2 / 3;
    bytes.truncate(cut);
    let out = on_stdin(
        &[
            "normalize",
            "-",
            "-o",
            "-",
            "--quiet",
            "--stdin-name",
            "cut.gz",
        ],
        &bytes,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let (rows, _) = parse(&text);
    assert!(rows.len() > 100, "{}", rows.len());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.gz"), "{err}");
}

#[test]
fn accounting_file_is_the_json_reports_accounting() {
    let dir = TestDir::new();
    let acc = dir.path().join("acc.json");
    let report = json(&stdout_ok(
        llmspend().args(["report", "samples/", "--format", "json"]),
    ));
    for cmd in [
        vec!["report", "samples/", "--quiet"],
        vec!["coverage", "samples/", "--quiet"],
        vec!["normalize", "samples/", "--quiet", "-o", "-"],
        vec!["export", "samples/", "--quiet"],
    ] {
        let _ = std::fs::remove_file(&acc);
        stdout_ok(llmspend().args(&cmd).arg("--accounting").arg(&acc));
        let got = json(&std::fs::read_to_string(&acc).unwrap());
        assert_eq!(got, report["accounting"], "{cmd:?}");
    }
}

#[test]
fn quiet_says_nothing_on_a_complete_run() {
    let dir = TestDir::new();
    let f = dir.create(
        "one.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","request_id":"r1","team":"t","model":"gpt-4o","input_tokens":10,"output_tokens":2}
"#,
    );
    let out = dir.path().join("out.jsonl");
    let quiet = run(
        llmspend()
            .arg("normalize")
            .arg(&f)
            .arg("-o")
            .arg(&out)
            .arg("-q"),
        0,
    );
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let told = run(llmspend().arg("normalize").arg(&f).arg("-o").arg(&out), 0);
    assert!(String::from_utf8_lossy(&told.stderr).contains("wrote 1 rows to"));
}
