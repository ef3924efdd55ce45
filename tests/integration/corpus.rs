//! The bad-input corpus (`tests/corpus/`, see its README): for every fault,
//! exactly which lines are parsed, malformed (and why), blank or ignored,
//! and the exact totals of the valid lines, priced with `card.csv`
//! (gpt-4o: $2 input, $8 output per million tokens).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

/// A corpus file.
fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

/// Every fault file of the corpus (not the card, not the README).
const FILES: &[&str] = &[
    "bad_utf8.jsonl",
    "blank.jsonl",
    "bom.jsonl",
    "bom_crlf.csv",
    "controls.jsonl",
    "counts.jsonl",
    "crlf.jsonl",
    "dup_keys.jsonl",
    "empty.csv",
    "empty.jsonl",
    "formula.csv",
    "formula.jsonl",
    "no_final_newline.jsonl",
    "not_object.jsonl",
    "nul_tail.csv",
    "nul_tail.jsonl",
    "quoted_newline.csv",
    "ragged.csv",
    "stray_quote.csv",
    "timestamps.jsonl",
    "truncated.jsonl",
    "unclosed_quote.csv",
];

/// `report --format json --rates card.csv` over `paths`, exit 0.
fn report_json(paths: &[&Path], extra: &[&str]) -> Value {
    let mut cmd = llmspend();
    cmd.args(["report", "--format", "json", "--rates"])
        .arg(corpus("card.csv"))
        .args(extra)
        .args(paths);
    json(&stdout_ok(&mut cmd))
}

fn report(name: &str) -> Value {
    report_json(&[&corpus(name)], &["--by", "team"])
}

/// The bucket counts: lines_read, parsed, filtered, duplicate, malformed,
/// blank, ignored.
#[derive(Debug, PartialEq, Eq)]
struct Buckets {
    read: u64,
    parsed: u64,
    malformed: u64,
    blank: u64,
    ignored: u64,
}

fn buckets(v: &Value) -> Buckets {
    let a = &v["accounting"];
    let n = |k: &str| a[k].as_u64().unwrap_or_else(|| panic!("{k}: {a}"));
    assert_eq!(n("filtered"), 0);
    assert_eq!(n("duplicate"), 0);
    let b = Buckets {
        read: n("lines_read"),
        parsed: n("parsed"),
        malformed: n("malformed"),
        blank: n("blank"),
        ignored: n("ignored"),
    };
    assert_eq!(
        b.parsed + b.malformed + b.blank + b.ignored,
        b.read,
        "unbalanced: {b:?}"
    );
    b
}

fn b(read: u64, parsed: u64, malformed: u64, blank: u64, ignored: u64) -> Buckets {
    Buckets {
        read,
        parsed,
        malformed,
        blank,
        ignored,
    }
}

/// The malformed samples as (line, reason).
fn samples(v: &Value) -> Vec<(u64, String)> {
    v["accounting"]["malformed_samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["line"].as_u64().unwrap(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn s(line: u64, reason: &str) -> (u64, String) {
    (line, reason.to_string())
}

/// Totals: (requests, input, output, cost) with the cost as the card
/// prices it: 2 micro-dollars per input token, 8 per output token.
fn totals(v: &Value) -> (u128, u128, u128, String) {
    let t = &v["totals"];
    let n = |k: &str| -> u128 { t[k].to_string().parse().unwrap() };
    (
        n("requests"),
        n("input_tokens"),
        n("output_tokens"),
        t["cost_usd"].as_str().unwrap().to_string(),
    )
}

/// Totals read from the CSV report (`--by source`: one row), exact past
/// u64 (the test's JSON parser would turn such numbers into floats).
fn csv_totals(paths: &[&Path]) -> (u128, u128, u128, String) {
    let mut cmd = llmspend();
    cmd.args(["report", "--by", "source", "--format", "csv", "--rates"])
        .arg(corpus("card.csv"))
        .args(paths);
    let rows = csv_rows(&stdout_ok(&mut cmd));
    assert_eq!(rows.len(), 2, "{rows:?}");
    let n = |i: usize| -> u128 { rows[1][i].parse().unwrap() };
    assert_eq!((n(4), n(5)), (0, 0), "{rows:?}");
    (n(1), n(2), n(3), rows[1][6].clone())
}

fn priced(requests: u128, input: u128, output: u128) -> (u128, u128, u128, String) {
    let micro = input * 2 + output * 8;
    (
        requests,
        input,
        output,
        format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000),
    )
}

const BAD_JSON: &str = "invalid JSON";
const NUL_TAIL: &str = "NUL bytes (file cut short?)";
const NOT_OBJECT: &str = "not one JSON object";
const BAD_UTF8: &str = "invalid UTF-8";
const BAD_ROW: &str = "unreadable CSV row";
const TOO_LONG: &str = "line longer than --max-line-bytes";

#[test]
fn truncated_json_lines_are_malformed_alone() {
    let v = report("truncated.jsonl");
    assert_eq!(buckets(&v), b(7, 3, 4, 0, 0));
    assert_eq!(
        samples(&v),
        [
            s(2, BAD_JSON),
            s(4, BAD_JSON),
            s(5, BAD_JSON),
            s(7, BAD_JSON)
        ]
    );
    assert_eq!(totals(&v), priced(3, 600, 60));
}

#[test]
fn lines_that_are_not_one_object() {
    // Arrays, scalars and two objects on a line are valid JSON but not one
    // object; an object followed by text is invalid JSON; `{}` and an
    // object without usage carry no usage: ignored.
    let v = report("not_object.jsonl");
    assert_eq!(buckets(&v), b(12, 2, 8, 0, 2));
    let mut expected: Vec<_> = [2, 3, 4, 5, 6].map(|l| s(l, NOT_OBJECT)).to_vec();
    expected.push(s(8, BAD_JSON));
    assert_eq!(samples(&v), expected);
    assert_eq!(v["accounting"]["malformed_reasons"][NOT_OBJECT], 7);
    assert_eq!(totals(&v), priced(2, 3, 3));
}

#[test]
fn blank_and_whitespace_lines_are_blank() {
    let v = report("blank.jsonl");
    assert_eq!(buckets(&v), b(9, 3, 0, 6, 0));
    assert_eq!(totals(&v), priced(3, 6, 0));
}

#[test]
fn crlf_endings_are_one_line_each() {
    // Line 6 holds two objects joined by a bare CR.
    let v = report("crlf.jsonl");
    assert_eq!(buckets(&v), b(7, 3, 2, 2, 0));
    assert_eq!(samples(&v), [s(4, BAD_JSON), s(6, NOT_OBJECT)]);
    assert_eq!(totals(&v), priced(3, 60, 6));
}

#[test]
fn a_byte_order_mark_is_skipped_at_the_start_and_after_cat() {
    // Line 3 starts with a second BOM, as `cat a.jsonl b.jsonl` leaves it.
    let v = report("bom.jsonl");
    assert_eq!(buckets(&v), b(3, 3, 0, 0, 0));
    assert_eq!(totals(&v), priced(3, 24, 24));
}

#[test]
fn empty_files_are_zero_lines_not_errors() {
    for name in ["empty.jsonl", "empty.csv"] {
        let v = report(name);
        assert_eq!(buckets(&v), b(0, 0, 0, 0, 0), "{name}");
        assert_eq!(v["accounting"]["unreadable"], serde_json::json!([]));
        assert_eq!(totals(&v), priced(0, 0, 0));
    }
}

#[test]
fn a_last_line_without_newline_counts() {
    let v = report("no_final_newline.jsonl");
    assert_eq!(buckets(&v), b(2, 2, 0, 0, 0));
    assert_eq!(totals(&v), priced(2, 11, 11));
}

#[test]
fn a_nul_padded_tail_and_a_half_written_line_are_malformed() {
    // A log cut by a crash: line 3 is half written then NUL padded, line 4
    // is 4 KiB of NULs without a newline: malformed, so the crash shows
    // (issue 16, item 7), not blank.
    let v = report("nul_tail.jsonl");
    assert_eq!(buckets(&v), b(4, 2, 2, 0, 0));
    assert_eq!(samples(&v), [s(3, BAD_JSON), s(4, NUL_TAIL)]);
    assert_eq!(totals(&v), priced(2, 3, 3));
    let v = report("nul_tail.csv");
    assert_eq!(buckets(&v), b(4, 2, 1, 0, 1));
    assert_eq!(samples(&v), [s(4, NUL_TAIL)]);
    assert_eq!(totals(&v), priced(2, 3, 3));
}

#[test]
fn invalid_utf8_in_a_value_that_is_read_is_malformed() {
    // Lines 2, 4, 7: bad bytes in a value or key llmspend reads. Line 3:
    // bad bytes in a field it skips (a prompt): the usage is intact and
    // counts. Line 5: a lone surrogate escape; line 6: not JSON at all.
    let v = report("bad_utf8.jsonl");
    assert_eq!(buckets(&v), b(8, 3, 5, 0, 0));
    assert_eq!(
        samples(&v),
        [
            s(2, BAD_UTF8),
            s(4, BAD_UTF8),
            s(5, BAD_JSON),
            s(6, BAD_JSON),
            s(7, BAD_UTF8)
        ]
    );
    assert_eq!(totals(&v), priced(3, 1 + 4 + 64, 0));
}

#[test]
fn token_counts_must_be_non_negative_integers() {
    let v = report("counts.jsonl");
    let c = |field: &str, why: &str| format!("invalid count in `{field}`: {why}");
    let reasons = &v["accounting"]["malformed_reasons"];
    for (why, n) in [
        ("negative", 2),                                   // -1, "-5"
        ("fractional", 2),                                 // 1.5, "2.5"
        ("out of range", 2),                               // 2^64 as a number and as a string
        ("not a number", 1),                               // "NaN"
        ("exponent notation", 1),                          // "1e3"
        ("boolean", 1),                                    // true
        ("not an integer", 3),                             // "abc", "0x10", {}
        ("not an integer (exponent or decimal point)", 1), // 1e3
    ] {
        assert_eq!(reasons[c("input_tokens", why)], n, "{why}: {reasons}");
    }
    assert_eq!(reasons[c("output_tokens", "negative")], 1);
    assert_eq!(reasons[c("usage.prompt_tokens", "fractional")], 1);
    assert_eq!(reasons[c("requests", "negative")], 1);
    // Line 13: `{}` as a count is not an integer either (regression: it
    // was read as a missing count). Lines 17-23: "42", 42, " 7 ", null, "",
    // 0, u64::MAX.
    assert_eq!(buckets(&v), b(23, 7, 16, 0, 0));
    assert_eq!(samples(&v)[0], s(1, &c("input_tokens", "negative")));
    let max = u128::from(u64::MAX);
    assert_eq!(
        csv_totals(&[&corpus("counts.jsonl")]),
        priced(7, 42 + 42 + 7 + max, 6)
    );
}

#[test]
fn token_sums_past_u64_are_exact_in_every_format() {
    // Regression: the JSON renderer panicked on a u128 sum above u64::MAX.
    let dir = TestDir::new();
    let line = r#"{"timestamp":"2026-10-03T09:14:02Z","team":"t","model":"gpt-4o","input_tokens":18446744073709551615}"#;
    let f = dir.create("big.jsonl", format!("{line}\n{line}\n{line}\n"));
    let sum = 3 * u128::from(u64::MAX);
    assert_eq!(csv_totals(&[&f]), priced(3, sum, 0));
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "team", "--format", "json", "--rates"])
            .arg(corpus("card.csv"))
            .arg(&f),
    );
    assert_eq!(
        out.matches(&format!("\"input_tokens\": {sum},")).count(),
        2,
        "{out}"
    );
    for format in ["table", "md"] {
        let out = stdout_ok(
            llmspend()
                .args(["report", "--format", format, "--rates"])
                .arg(corpus("card.csv"))
                .arg(&f),
        );
        assert!(out.contains("55,340,232,221,128,654,845"), "{out}");
    }
}

#[test]
fn unpriced_token_sums_do_not_saturate() {
    // Regression: an unpriced model's tokens were summed per record with a
    // saturating u64 total, losing the 5 output tokens here.
    let dir = TestDir::new();
    let f = dir.create(
        "unpriced.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","model":"acme-7b","input_tokens":18446744073709551615,"output_tokens":5}"#,
    );
    let out = run(
        llmspend()
            .args(["report", "--format", "csv", "--rates"])
            .arg(corpus("card.csv"))
            .arg(&f),
        0,
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("acme-7b (1 request, 18,446,744,073,709,551,620 tokens)"),
        "{stderr}"
    );
}

#[test]
fn duplicate_read_keys_are_malformed_and_named() {
    // Flat counts, text fields, usage objects, timestamps, nested
    // containers: every repeated key that is read makes its line
    // malformed, whichever occurrence would be good; an unread key may
    // repeat.
    let v = report("dup_keys.jsonl");
    assert_eq!(buckets(&v), b(8, 1, 7, 0, 0));
    assert_eq!(
        samples(&v),
        [
            s(1, "duplicate key `input_tokens`"),
            s(2, "duplicate key `team`"),
            s(3, "duplicate key `prompt_tokens`"),
            s(4, "duplicate key `timestamp`"),
            s(5, "duplicate key `input_tokens`"),
            s(6, "duplicate key `cost_center`"),
            s(7, "duplicate key `metadata`"),
        ]
    );
    assert_eq!(
        v["accounting"]["malformed_reasons"]["duplicate key `input_tokens`"],
        2
    );
    // Line 8: `note` and `metadata.trace` repeat, and are never read.
    assert_eq!(totals(&v), priced(1, 2, 0));
}

#[test]
fn every_documented_timestamp_form_and_garbage_ones() {
    let v = report_json(&[&corpus("timestamps.jsonl")], &["--by", "day"]);
    // 19 text forms and 6 numeric ones of 2025-10-03T09:14:02Z (plus a
    // JSON 0.0e0, epoch 0), `ts` and `created_at` aliases, one -02:00 offset
    // that is the next day in UTC; 19 unreadable (an array and an object
    // included: regression, they were read as missing) and 3 missing ones.
    assert_eq!(buckets(&v), b(50, 28, 22, 0, 0));
    let days: Vec<(String, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["day"].as_str().unwrap().to_string(),
                g["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days,
        // In time order: `--by day` sorts by time (issue 24).
        [
            ("1970-01-01".to_string(), 1),
            ("2025-10-03".to_string(), 26),
            ("2025-10-04".to_string(), 1)
        ]
    );
    let reasons = &v["accounting"]["malformed_reasons"];
    assert_eq!(reasons["unreadable timestamp"], 19);
    assert_eq!(reasons["no timestamp"], 3);
    assert_eq!(samples(&v)[0], s(29, "unreadable timestamp"));
    assert_eq!(totals(&v), priced(28, 27 + 100, 0));
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    // 10,000 levels in skipped values are skipped at any depth; a line that
    // is only a deep array is not an object; an unclosed deep object is
    // invalid JSON; a --map path that descends past serde_json's limit of
    // 128 levels is malformed with that reason.
    let nest =
        |open: &str, inner: &str, close: &str| open.repeat(10_000) + inner + &close.repeat(10_000);
    let arrays = nest("[", "", "]");
    let t = r#""timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o""#;
    let lines = [
        format!(r#"{{{t},"meta":{arrays},"input_tokens":1}}"#),
        format!(
            r#"{{{t},"metadata":{},"input_tokens":2}}"#,
            nest(r#"{"a":"#, "1", "}")
        ),
        format!(r#"{{{t},"tags":{arrays},"input_tokens":4}}"#),
        format!(r#"{{{t},"usage":{{"prompt_tokens_details":{arrays}}},"input_tokens":8}}"#),
        format!(r#"{{{t},"team":{arrays},"input_tokens":16}}"#),
        arrays.clone(),
        "{".repeat(10_000),
        format!(
            r#"{{{t},"input_tokens":32,"m":{}}}"#,
            nest(r#"{"m":"#, "0", "}")
        ),
    ];
    let dir = TestDir::new();
    let f = dir.create("deep.jsonl", lines.join("\n") + "\n");
    let v = report_json(&[&f], &["--by", "team"]);
    assert_eq!(buckets(&v), b(8, 6, 2, 0, 0));
    assert_eq!(samples(&v), [s(6, NOT_OBJECT), s(7, BAD_JSON)]);
    assert_eq!(totals(&v), priced(6, 63, 0));
    let path = vec!["m"; 200].join(".");
    let v = report_json(&[&f], &["--by", "team", "--map", &format!("team={path}")]);
    let reasons = &v["accounting"]["malformed_reasons"];
    assert_eq!(
        reasons["JSON nested deeper than 128 levels"], 1,
        "{reasons}"
    );
}

#[test]
fn a_100_mb_line_is_too_long_under_a_small_limit_and_fine_otherwise() {
    let dir = TestDir::new();
    let pad = "x".repeat(100 << 20);
    let good = r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","input_tokens":1}"#;
    let f = dir.create(
        "huge.jsonl",
        format!(
            "{good}\n{{\"timestamp\":\"2026-10-03T09:14:02Z\",\"model\":\"gpt-4o\",\"input_tokens\":2,\"pad\":\"{pad}\"}}\n{good}\n"
        ),
    );
    drop(pad);
    let v = report_json(&[&f], &["--max-line-bytes", "1000"]);
    assert_eq!(buckets(&v), b(3, 2, 1, 0, 0));
    assert_eq!(samples(&v), [s(2, TOO_LONG)]);
    assert_eq!(totals(&v), priced(2, 2, 0));
    // From stdin the line is cut at the limit and skipped, never held whole.
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "-",
                "--format",
                "json",
                "--max-line-bytes",
                "1000",
            ])
            .arg("--rates")
            .arg(corpus("card.csv"))
            .pipe_stdin(&f)
            .unwrap(),
    );
    let v = json(&out);
    assert_eq!(buckets(&v), b(3, 2, 1, 0, 0));
    assert_eq!(samples(&v), [s(2, TOO_LONG)]);
    assert_eq!(totals(&v), priced(2, 2, 0));
    let v = report_json(&[&f], &["--max-line-bytes", "200000000"]);
    assert_eq!(buckets(&v), b(3, 3, 0, 0, 0));
    assert_eq!(totals(&v), priced(3, 4, 0));
}

#[test]
fn max_line_bytes_holds_for_csv_rows_and_stdin() {
    let dir = TestDir::new();
    let cell = "y".repeat(5000);
    let f = dir.create(
        "long.csv",
        format!(
            "timestamp,team,model,input_tokens\n2026-10-03T09:14:02Z,a,gpt-4o,1\n2026-10-03T09:14:02Z,\"{cell}\",gpt-4o,2\n2026-10-03T09:14:02Z,b,gpt-4o,4\n"
        ),
    );
    let v = report_json(&[&f], &["--max-line-bytes", "1000"]);
    assert_eq!(buckets(&v), b(4, 2, 1, 0, 1));
    assert_eq!(samples(&v), [s(3, TOO_LONG)]);
    assert_eq!(totals(&v), priced(2, 5, 0));
    let v = report_json(&[&f], &[]);
    assert_eq!(totals(&v), priced(3, 7, 0));
    let good = r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","input_tokens":1}"#;
    let text = format!("{good}\n{{\"pad\":\"{cell}\"}}\n{good}\n");
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "-",
                "--format",
                "json",
                "--max-line-bytes",
                "1000",
            ])
            .args(["--chunk-bytes", "64", "--rates"])
            .arg(corpus("card.csv"))
            .write_stdin(text),
    );
    let v = json(&out);
    assert_eq!(buckets(&v), b(3, 2, 1, 0, 0));
    assert_eq!(samples(&v), [s(2, TOO_LONG)]);
}

#[test]
fn utf16_and_utf32_files_are_refused_naming_the_encoding() {
    let dir = TestDir::new();
    let text = "{\"timestamp\":\"2026-10-03T09:14:02Z\",\"model\":\"gpt-4o\",\"input_tokens\":1}\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let cases = [
        (
            "bom-le.jsonl",
            [&[0xFF, 0xFE][..], &le].concat(),
            "UTF-16LE",
        ),
        (
            "bom-be.jsonl",
            [&[0xFE, 0xFF][..], &be].concat(),
            "UTF-16BE",
        ),
        ("no-bom-le.jsonl", le.clone(), "UTF-16LE"),
        ("no-bom-be.csv", be.clone(), "UTF-16BE"),
        (
            "utf32.jsonl",
            text.chars()
                .flat_map(|c| (c as u32).to_le_bytes())
                .collect(),
            "UTF-32LE",
        ),
    ];
    for (name, bytes, encoding) in &cases {
        let f = dir.create(name, bytes);
        let out = run(llmspend().args(["report"]).arg(&f), 2);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("no input could be read"), "{err}");
        assert!(
            err.contains(&format!("the file is {encoding}; convert it to UTF-8")),
            "{name}: {err}"
        );
    }
    // Beside a good file: reported, and the good file read.
    let bad = dir.create("z.jsonl", &cases[0].1);
    let out = run(
        llmspend()
            .args(["report", "--format", "json", "--rates"])
            .arg(corpus("card.csv"))
            .arg(&bad)
            .arg(corpus("no_final_newline.jsonl")),
        2,
    );
    let v = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(totals(&v), priced(2, 11, 11));
    let unreadable = v["accounting"]["unreadable"].to_string();
    assert!(unreadable.contains("UTF-16LE"), "{unreadable}");
}

#[test]
fn a_file_whose_first_line_is_bad_is_still_read() {
    // Regression: detection looked at the first line only, so a file that
    // began with an array, a truncated line or NULs was refused whole.
    let dir = TestDir::new();
    let good = r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","input_tokens":1}"#;
    for (first, malformed, blank) in [
        ("[1,2]", 1, 0),
        ("garbage", 1, 0),
        ("\"timestamp\":1}", 1, 0),
        ("\0\0\0\0", 1, 0),
    ] {
        let f = dir.create("first.jsonl", format!("{first}\n{good}\n{good}\n"));
        let v = report_json(&[&f], &[]);
        assert_eq!(buckets(&v), b(3, 2, malformed, blank, 0), "{first:?}");
        assert_eq!(totals(&v), priced(2, 2, 0));
    }
    // A .jsonl file is JSON Lines even when no line is an object: its
    // lines are malformed, not the file refused. Without the extension
    // and without an object line, no source claims it.
    let f = dir.create("only.jsonl", "[1,2]\n42\n");
    let out = run(llmspend().args(["report", "--format", "json"]).arg(&f), 2);
    let v = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(buckets(&v), b(2, 0, 2, 0, 0));
    let f = dir.create("only.log", "[1,2]\n42\n");
    let out = run(llmspend().args(["report"]).arg(&f), 2);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("only.log: no source recognises this file"),
        "{err}"
    );
}

#[test]
fn csv_with_bom_crlf_and_blank_lines() {
    // Regression: the csv crate skips empty lines (they went uncounted) and
    // gave the next record the empty line's number.
    let v = report("bom_crlf.csv");
    assert_eq!(buckets(&v), b(7, 3, 1, 2, 1));
    assert_eq!(
        samples(&v),
        [s(6, "invalid count in `input_tokens`: not an integer")]
    );
    assert_eq!(totals(&v), priced(3, 60, 6));
}

#[test]
fn ragged_csv_rows_are_malformed_alone() {
    let v = report("ragged.csv");
    assert_eq!(buckets(&v), b(6, 2, 3, 0, 1));
    assert_eq!(samples(&v), [s(3, BAD_ROW), s(4, BAD_ROW), s(5, BAD_ROW)]);
    assert_eq!(totals(&v), priced(2, 5, 0));
}

#[test]
fn quoted_newlines_keep_physical_line_numbers() {
    // Records span lines 2-3 and 6-8; the bad count on line 5 says so.
    let v = report("quoted_newline.csv");
    assert_eq!(buckets(&v), b(6, 4, 1, 0, 1));
    assert_eq!(
        samples(&v),
        [s(5, "invalid count in `input_tokens`: negative")]
    );
    assert_eq!(totals(&v), priced(4, 15, 15));
    let teams: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["team"].as_str().unwrap())
        .collect();
    assert_eq!(
        teams,
        ["search", "x\n\ny", "say \"hi\"", "multi\nline team"]
    );
}

#[test]
fn an_unclosed_quote_does_not_swallow_the_rest_of_the_file() {
    // Regression: the quoted field ran to the end of the file, the rows
    // after it were lost and the row itself was read as valid.
    let v = report("unclosed_quote.csv");
    assert_eq!(buckets(&v), b(5, 3, 1, 0, 1));
    assert_eq!(samples(&v), [s(3, "CSV row with an unclosed quote")]);
    assert_eq!(totals(&v), priced(3, 13, 13));
}

#[test]
fn a_quote_inside_an_unquoted_field_is_a_literal() {
    let v = report("stray_quote.csv");
    assert_eq!(buckets(&v), b(5, 4, 0, 0, 1));
    assert_eq!(totals(&v), priced(4, 15, 15));
}

#[test]
fn every_corpus_file_gives_one_answer_at_any_chunk_size() {
    // The same JSON report (buckets, sample line numbers, totals) for any
    // chunk size and thread count, and stdin reads like the file.
    for name in FILES {
        let path = corpus(name);
        let reference = report_json(&[&path], &["--threads", "1"]);
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".jsonl") {
            let physical = bytes.iter().filter(|&&b| b == b'\n').count()
                + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
            assert_eq!(buckets(&reference).read, physical as u64, "{name}");
        }
        for (chunk, threads) in [("1", "2"), ("7", "3"), ("64", "2"), ("100000", "1")] {
            let v = report_json(
                &[&path],
                &["--chunk-bytes", chunk, "--threads", threads, "--no-mmap"],
            );
            assert_eq!(v, reference, "{name} --chunk-bytes {chunk}");
        }
        if name.ends_with(".jsonl") {
            let mut cmd = llmspend();
            cmd.args(["report", "-", "--format", "json", "--chunk-bytes", "5"])
                .arg("--rates")
                .arg(corpus("card.csv"))
                .write_stdin(bytes);
            let v = json(&stdout_ok(&mut cmd));
            assert_eq!(samples(&v), samples(&reference), "{name} from stdin");
            assert_eq!(buckets(&v), buckets(&reference), "{name} from stdin");
            assert_eq!(v["totals"], reference["totals"], "{name} from stdin");
        }
    }
}

#[test]
fn formula_like_cells_are_quoted_in_csv_output() {
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "team", "--format", "csv", "--rates"])
            .arg(corpus("card.csv"))
            .arg(corpus("formula.jsonl")),
    );
    let rows = csv_rows(&out);
    let teams: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        teams,
        [
            "a=b",
            "search",
            "'\nLF",
            "'\rCR",
            "'\tTab",
            "'@SUM(A1)",
            "'-2",
            "'+1",
            "'=HYPERLINK(\"http://evil\",\"x\")"
        ]
    );
    // From CSV input too, and in every --by column.
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "model,team", "--format", "csv", "--rates"])
            .arg(corpus("card.csv"))
            .arg(corpus("formula.csv")),
    );
    assert_eq!(
        out,
        "model,team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n\
         gpt-4o,'@x,1,2,0,0,0,0.000004,0\n\
         gpt-4o,'=cmd|' /C calc'!A0,1,1,0,0,0,0.000002,0\n"
    );
}

#[test]
fn control_and_bidi_characters_are_escaped_in_table_and_markdown() {
    for format in ["table", "md"] {
        let out = stdout_ok(
            llmspend()
                .args(["report", "--by", "team", "--format", format, "--rates"])
                .arg(corpus("card.csv"))
                .arg(corpus("controls.jsonl")),
        );
        for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\u{2066}'] {
            assert!(!out.contains(raw), "{format}: raw {raw:?} in\n{out}");
        }
        for escaped in [
            "\\u{1b}[31mred\\u{1b}[0m",
            "a\\u{202e}evil",
            "bell\\u{7}",
            "x\\u{2066}y",
        ] {
            assert!(
                out.contains(escaped),
                "{format}: {escaped} missing in\n{out}"
            );
        }
    }
    // Malformed samples name files, which can hold control characters too.
    let dir = TestDir::new();
    let f = dir.create("evil\u{1b}[2J.jsonl", "{\"a\":\n");
    let out = run(llmspend().args(["report"]).arg(&f), 2);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("evil\\u{1b}[2J.jsonl:1: invalid JSON"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    // And in the error when nothing could be read.
    // (A .jsonl file is always JSON Lines; a .log file must be recognised.)
    let f = dir.create("evil\u{1b}[2J.log", "plain text\n");
    let out = run(llmspend().args(["report"]).arg(&f), 2);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("evil\\u{1b}[2J.log: no source"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_with_success() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // Thousands of groups: far more output than a pipe buffer holds.
    let dir = TestDir::new();
    let mut text = String::new();
    for i in 0..6000 {
        text.push_str(&format!(
            "{{\"timestamp\":\"2026-10-{:02}T09:14:02Z\",\"team\":\"team-{}\",\"model\":\"gpt-4o\",\"route\":\"/v1/route/{i}\",\"input_tokens\":{i}}}\n",
            1 + i % 28,
            i % 7
        ));
    }
    let f = dir.create("many.jsonl", text);
    for format in ["table", "csv", "json", "md"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_llmspend"))
            .args(["report", "--by", "team,model,day,route", "--format", format])
            .arg(&f)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut head = [0u8; 10];
        stdout.read_exact(&mut head).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("error"), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
}
