//! `llmspend coverage`, the gates (on `coverage` and `report`), request-id
//! dedupe, the ownership map, aliases and route templates, through the
//! real binary.

use crate::util::*;

const CARD: &str = "provider,model,input_per_mtok,output_per_mtok
openai,gpt-4o,2.50,10.00
";

/// 4 parsed records (one a duplicate of r2), 1 malformed line, 1 unpriced.
/// gpt-4o at 1000 in + 100 out = $0.0035 per request.
const LINES: &str = r#"{"timestamp":"2026-10-03T09:00:00Z","team":"search","cost_center":"CC-1","service":"web","api_key":"k1","model":"gpt-4o","input_tokens":1000,"output_tokens":100,"request_id":"r1"}
{"timestamp":"2026-10-03T09:00:01Z","team":"search","service":"batch","api_key":"k2","model":"gpt-4o","input_tokens":1000,"output_tokens":100,"request_id":"r2"}
{"timestamp":"2026-10-03T09:00:02Z","service":"batch","api_key":"k2","model":"gpt-4o","input_tokens":1000,"output_tokens":100,"request_id":"r2"}
{"timestamp":"2026-10-03T09:00:03Z","service":"cron","model":"acme-7b","input_tokens":10,"output_tokens":10}
not json
{"timestamp":"2026-10-03T09:00:04Z","team":"growth","cost_center":"CC-2","service":"web","api_key":"k1","model":"gpt-4o","input_tokens":1000,"output_tokens":100}
"#;

fn setup() -> (TestDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = TestDir::new();
    let card = dir.create("card.csv", CARD);
    let logs = dir.create("logs/a.jsonl", LINES);
    (dir, card, logs)
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn coverage_json_has_shares_offenders_unpriced_and_accounting() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args([
                "coverage",
                "--require",
                "cost_center,team",
                "--format",
                "json",
            ])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
    );
    let v = json(&out);
    assert_eq!(v["required"], serde_json::json!(["cost_center", "team"]));
    let cc = &v["fields"][0];
    assert_eq!(cc["field"], "cost_center");
    // r2 (kept: the first occurrence) and the cron line lack a cost center.
    assert_eq!(cc["unattributed"]["requests"], 2);
    assert_eq!(cc["unattributed"]["requests_pct"], 50.0);
    assert_eq!(cc["unattributed"]["cost_usd"], "0.003500");
    assert_eq!(cc["unattributed"]["cost_pct"], 33.3);
    assert_eq!(cc["offenders"][0]["service"], "batch");
    assert_eq!(cc["offenders"][0]["api_key"], "k2");
    assert_eq!(cc["offenders"][0]["requests"], 1);
    assert_eq!(cc["offenders"][0]["cost_usd"], "0.003500");
    assert_eq!(cc["offenders"][1]["service"], "cron");
    assert_eq!(cc["offenders"][1]["api_key"], serde_json::Value::Null);
    assert_eq!(v["fields"][1]["field"], "team");
    assert_eq!(v["fields"][1]["unattributed"]["requests"], 1);
    assert_eq!(v["unpriced"]["acme-7b"], 1);
    let a = &v["accounting"];
    assert_eq!(a["lines_read"], 6);
    assert_eq!(a["parsed"], 4);
    assert_eq!(a["duplicate"], 1);
    assert_eq!(a["malformed"], 1);
    assert_eq!(v["owners"]["request"]["requests"], 2);
    assert_eq!(v["passed"], true);
}

#[test]
fn coverage_table_is_the_default_and_lists_offenders_worst_first() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args(["coverage", "--rates"])
            .arg(&card)
            .arg(&logs),
    );
    assert!(out.contains("cost_center (required):"), "{out}");
    assert!(out.contains("unattributed: 2 requests (50.0%)"), "{out}");
    let batch = out.find("│ batch").expect("batch row");
    let cron = out.find("│ cron").expect("cron row");
    assert!(batch < cron, "{out}");
    assert!(out.contains("lines: 6 read = 4 parsed"), "{out}");
}

#[test]
fn max_unattributed_gates_exit_0_1_and_2_on_coverage_and_report() {
    let (_dir, card, logs) = setup();
    for (cmd, pct, basis, code) in [
        ("coverage", "50", "requests", 0),
        ("coverage", "49.9", "requests", 1),
        ("coverage", "33.4", "cost", 0),
        ("coverage", "33.3", "cost", 1),
        ("report", "50", "requests", 0),
        ("report", "10", "tokens", 1),
        ("report", "100.1", "requests", 2),
        ("coverage", "-1", "requests", 2),
        ("coverage", "ten", "requests", 2),
    ] {
        let out = run(
            llmspend()
                .args([cmd, "--format", "csv", "--basis", basis])
                .arg(format!("--max-unattributed={pct}"))
                .arg("--rates")
                .arg(&card)
                .arg(&logs),
            code,
        );
        let stderr = text(out.stderr);
        match code {
            0 => assert!(!stderr.contains("gate failed"), "{stderr}"),
            1 => {
                assert!(
                    stderr.contains("llmspend: gate failed: ")
                        && stderr.contains("lack cost_center"),
                    "{stderr}"
                );
                // stdout still carries the full output.
                assert!(text(out.stdout).lines().count() > 1);
            }
            _ => assert!(stderr.contains("--max-unattributed"), "{stderr}"),
        }
    }
}

#[test]
fn max_malformed_and_fail_on_unpriced_gates() {
    let (_dir, card, logs) = setup();
    // 1 of 6 lines malformed = 16.7%.
    let base = |args: &[&str], code| {
        let mut cmd = llmspend();
        cmd.args(args).arg("--rates").arg(&card).arg(&logs);
        text(run(&mut cmd, code).stderr)
    };
    base(&["report", "--max-malformed", "16.7"], 0);
    let err = base(&["report", "--max-malformed", "16.6"], 1);
    assert!(
        err.contains("16.7% of lines are malformed (1 of 6; limit 16.6%)"),
        "{err}"
    );
    base(&["coverage", "--max-malformed", "101"], 2);
    let err = base(&["coverage", "--fail-on-unpriced"], 1);
    assert!(
        err.contains("gate failed: unpriced models: acme-7b"),
        "{err}"
    );
    base(
        &["report", "--fail-on-unpriced", "--where", "service=web"],
        0,
    );
}

#[test]
fn github_format_annotates_failures_as_errors_and_the_rest_as_warnings() {
    let (_dir, card, logs) = setup();
    let out = run(
        llmspend()
            .args(["coverage", "--format", "github", "--max-unattributed", "5"])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
        1,
    );
    let stdout = text(out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "::error title=llmspend coverage::cost_center unattributed: 2 requests (50.0%25)"
        ),
        "{stdout}"
    );
    assert!(
        lines.contains(&"::error title=llmspend coverage::requests without cost_center: service=batch api_key=k2 (1 request, $0.003500)"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"::warning title=llmspend coverage::unpriced models: acme-7b"),
        "{stdout}"
    );
    let out = stdout_ok(
        llmspend()
            .args(["coverage", "--format", "github"])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
    );
    assert!(out.starts_with("::warning "), "{out}");
    assert!(!out.contains("::error"), "{out}");
}

#[test]
fn junit_has_a_testcase_per_required_field_failing_with_its_gate() {
    let (_dir, card, logs) = setup();
    let out = run(
        llmspend()
            .args([
                "coverage",
                "--format",
                "junit",
                "--require",
                "team,cost_center",
                "--max-unattributed",
                "30",
            ])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
        1,
    );
    let xml = text(out.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains(r#"<testsuites name="llmspend coverage" tests="2" failures="1">"#),
        "{xml}"
    );
    let team = xml.find(r#"name="team""#).unwrap();
    let cc = xml.find(r#"name="cost_center""#).unwrap();
    assert!(team < cc);
    // team: 1 of 4 = 25% passes; cost_center: 50% fails.
    assert!(!xml[team..cc].contains("<failure"), "{xml}");
    assert!(
        xml[cc..].contains(r#"<failure message="50.0% of requests lack cost_center (limit 30%)">"#),
        "{xml}"
    );
}

#[test]
fn coverage_csv_rows_by_kind() {
    let (_dir, card, logs) = setup();
    let out = stdout_ok(
        llmspend()
            .args(["coverage", "--format", "csv", "--by", "service"])
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
    );
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "kind",
            "field",
            "value",
            "service",
            "requests",
            "tokens",
            "cost_usd",
            "requests_pct",
            "tokens_pct",
            "cost_pct"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "unattributed",
            "cost_center",
            "",
            "",
            "2",
            "1120",
            "0.003500",
            "50.0",
            "33.7",
            "33.3"
        ]
    );
    assert_eq!(rows[2][..5], ["offender", "cost_center", "", "batch", "1"]);
    assert!(rows.iter().any(|r| r[0] == "unpriced" && r[2] == "acme-7b"));
}

#[test]
fn require_and_format_misuse_are_usage_errors() {
    let (_dir, _card, logs) = setup();
    run(
        llmspend().args(["coverage", "--require", "day"]).arg(&logs),
        2,
    );
    run(
        llmspend()
            .args(["coverage", "--require", "team,team"])
            .arg(&logs),
        2,
    );
    run(
        llmspend().args(["report", "--format", "junit"]).arg(&logs),
        2,
    );
    run(
        llmspend().args(["coverage", "--format", "md"]).arg(&logs),
        2,
    );
}

/// `n` log lines with pseudo-random days, teams and tokens; `id(i, r)`
/// gives line `i`'s request id (or none) from its random draw `r`.
fn lines_with_ids(seed: u64, n: usize, id: impl Fn(usize, usize) -> Option<String>) -> String {
    let teams = ["search", "payments", "", "growth"];
    let mut x = seed;
    let mut out = String::new();
    for i in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let id = id(i, r).map_or(String::new(), |id| format!(",\"request_id\":\"{id}\""));
        out.push_str(&format!(
            "{{\"timestamp\":\"2026-10-{:02}T12:00:00Z\",\"team\":\"{}\",\"model\":\"gpt-4o\",\"input_tokens\":{},\"output_tokens\":{}{id}}}\n",
            1 + i % 28,
            teams[r / 7 % 4],
            1000 + r % 3000,
            r % 500
        ));
    }
    out
}

fn dup_lines(seed: u64, n: usize) -> String {
    // Many request ids repeated, with different teams and tokens per
    // occurrence, so which occurrence is kept shows in the totals.
    lines_with_ids(seed, n, |_, r| {
        (r % 5 != 0).then(|| format!("req-{}", r % (n / 3).max(1)))
    })
}

#[test]
fn dedupe_keeps_the_earliest_occurrence_for_any_threads_chunks_and_file_order() {
    let dir = TestDir::new();
    let a = dir.create("a.jsonl", dup_lines(1, 2000));
    let b = dir.create("b.jsonl", dup_lines(2, 1500));
    let base = |extra: &[&str], files: &[&std::path::Path]| {
        let mut cmd = llmspend();
        cmd.args(["report", "--by", "team,day", "--format", "csv"])
            .args(extra)
            .args(files);
        let out = run(&mut cmd, 0);
        (text(out.stdout), text(out.stderr))
    };
    let reference = base(&["--threads", "1"], &[&a, &b]);
    assert!(reference.1.contains(" duplicate "), "{}", reference.1);
    assert!(!reference.1.contains("+ 0 duplicate"), "{}", reference.1);
    for (extra, files) in [
        (vec!["--threads", "2"], vec![&b, &a]),
        (vec!["--threads", "2", "--chunk-bytes", "900"], vec![&a, &b]),
        (vec!["--threads", "3", "--chunk-bytes", "77"], vec![&b, &a]),
        (
            vec!["--threads", "1", "--chunk-bytes", "5000"],
            vec![&b, &a],
        ),
    ] {
        let files: Vec<&std::path::Path> = files.into_iter().map(|p| p.as_path()).collect();
        assert_eq!(base(&extra, &files), reference, "{extra:?}");
    }
    // The same data through stdin (the second file) gives the same answer.
    let mut cmd = llmspend();
    cmd.args([
        "report",
        "--by",
        "team,day",
        "--format",
        "csv",
        "--threads",
        "2",
        "--chunk-bytes",
        "500",
    ])
    .arg(&a)
    .arg("-")
    .write_stdin(dup_lines(2, 1500));
    let out = run(&mut cmd, 0);
    assert_eq!(text(out.stdout), reference.0);
}

/// Requests and input tokens per team of the first occurrence of each
/// request id (and of every line without one), in the order of `texts`.
fn first_occurrences(texts: &[&str]) -> std::collections::BTreeMap<String, (u64, u64)> {
    let mut seen = std::collections::HashSet::new();
    let mut per_team = std::collections::BTreeMap::new();
    for line in texts.iter().flat_map(|t| t.lines()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("generated line");
        if let Some(id) = v.get("request_id").and_then(|i| i.as_str()) {
            if !seen.insert(id.to_string()) {
                continue;
            }
        }
        let team = v["team"].as_str().unwrap_or_default();
        let team = if team.is_empty() {
            "(unattributed)"
        } else {
            team
        };
        let e = per_team.entry(team.to_string()).or_insert((0, 0));
        e.0 += 1;
        e.1 += v["input_tokens"].as_u64().unwrap_or_default();
    }
    per_team
}

#[test]
fn dedupe_keeps_the_first_occurrence_in_file_order_within_and_across_chunks() {
    assert_dedupe_keeps_first_occurrences(&dup_lines(3, 1200), &dup_lines(4, 900));
}

/// Lines with unique ids but for a few that repeat an earlier one (from
/// either file), with other teams and tokens: retries spread thinly, as
/// real logs have them, so most blocks of a rescanned chunk hold none.
fn sparse_dup_lines(seed: u64, n: usize, prefix: &str, other: &str) -> String {
    lines_with_ids(seed, n, |i, r| {
        Some(match r % 97 {
            0 if i > 0 => format!("{prefix}-{}", r / 97 % i),
            1 => format!("{other}-{}", r / 97 % n),
            _ => format!("{prefix}-{i}"),
        })
    })
}

#[test]
fn dedupe_keeps_the_first_occurrence_of_thinly_spread_repeats() {
    let (ta, tb) = (
        sparse_dup_lines(5, 4000, "a", "b"),
        sparse_dup_lines(6, 3000, "b", "a"),
    );
    assert_dedupe_keeps_first_occurrences(&ta, &tb);
}

/// Runs a `--by team` report of files `a.jsonl` (`ta`) and `b.jsonl`
/// (`tb`) with many chunk sizes, streamed and mapped, and checks requests
/// and input tokens per team against the first occurrence of each id.
fn assert_dedupe_keeps_first_occurrences(ta: &str, tb: &str) {
    let dir = TestDir::new();
    let a = dir.create("a.jsonl", ta);
    let b = dir.create("b.jsonl", tb);
    let expected = first_occurrences(&[ta, tb]);
    // Files written a moment ago are streamed (and read again from disk
    // for dedupe), not mapped; 100000 bytes a chunk once cut those two
    // reads differently and kept the wrong occurrences.
    let age = |p: &std::path::Path| {
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let f = std::fs::File::options().write(true).open(p).unwrap();
        f.set_modified(hour_ago).unwrap();
    };
    let runs = ["64", "700", "70000", "100000"].map(|c| (c, false));
    let aged = ["64", "70000", "100000"].map(|c| (c, true));
    for (chunk, old) in runs.into_iter().chain(aged) {
        if old {
            // An hour old: mapped, not streamed.
            age(&a);
            age(&b);
        }
        let out = run(
            llmspend()
                .args(["report", "--by", "team", "--format", "csv"])
                .args(["--threads", "2", "--chunk-bytes", chunk])
                .arg(&b)
                .arg(&a),
            0,
        );
        let err = text(out.stderr);
        let got: std::collections::BTreeMap<String, (u64, u64)> = text(out.stdout)
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[0].to_string(),
                    (f[1].parse().unwrap(), f[2].parse().unwrap()),
                )
            })
            .collect();
        assert_eq!(got, expected, "--chunk-bytes {chunk}, aged {old}: {err}");
    }
}

#[test]
fn dedupe_counts_a_repeated_id_once_and_no_dedupe_counts_all() {
    let dir = TestDir::new();
    let card = dir.create("card.csv", CARD);
    let first = dir.create(
        "1.jsonl",
        "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"team\":\"first\",\"model\":\"gpt-4o\",\"input_tokens\":1000000,\"request_id\":\"x\"}\n",
    );
    let second = dir.create(
        "2.jsonl",
        "{\"timestamp\":\"2026-09-01T00:00:00Z\",\"team\":\"second\",\"model\":\"gpt-4o\",\"input_tokens\":2000000,\"request_id\":\"x\"}\n{\"timestamp\":\"2026-09-01T00:00:00Z\",\"team\":\"second\",\"model\":\"gpt-4o\",\"input_tokens\":1,\"request_id\":\"x\"}\n",
    );
    let csv = |extra: &[&str], files: [&std::path::Path; 2]| {
        let mut cmd = llmspend();
        cmd.args(["report", "--by", "team", "--format", "csv", "--rates"])
            .arg(&card)
            .args(extra)
            .args(files);
        run(&mut cmd, 0)
    };
    // The kept occurrence is the first in sorted path order (1.jsonl),
    // whatever order the paths are given in.
    for files in [[&first, &second], [&second, &first]] {
        let out = csv(&[], [files[0].as_path(), files[1].as_path()]);
        assert_eq!(
            text(out.stdout),
            "team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\nfirst,1,1000000,0,0,0,2.500000,0\n"
        );
        assert!(text(out.stderr).contains("3 read = 1 parsed + 0 filtered + 2 duplicate"));
    }
    let out = csv(&["--no-dedupe"], [&first, &second]);
    assert_eq!(csv_rows(&text(out.stdout)).len(), 3);
    // A filtered occurrence does not take part: with September excluded the
    // October one is kept even though it comes first anyway; with October
    // excluded, the first September occurrence is kept.
    let out = csv(&["--month", "2026-09"], [&first, &second]);
    assert_eq!(
        text(out.stdout).lines().nth(1),
        Some("second,1,2000000,0,0,0,5.000000,0")
    );
    assert!(text(out.stderr).contains("= 1 parsed + 1 filtered + 1 duplicate"));
}

const OWNERS: &str = "field,value,team,cost_center
api_key,k1,keyteam,
api_key,k2,,CC-KEY
service,cron,ops,CC-OPS
route,/v1/legacy,legacy,CC-OLD
";

#[test]
fn owners_map_fills_missing_owners_and_reports_map_share_and_stale_rows() {
    let (dir, card, logs) = setup();
    let owners = dir.create("owners.csv", OWNERS);
    let out = stdout_ok(
        llmspend()
            .args(["coverage", "--format", "json", "--owners"])
            .arg(&owners)
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
    );
    let v = json(&out);
    assert_eq!(v["fields"][0]["unattributed"]["requests"], 0);
    assert_eq!(v["owners"]["request"]["requests"], 2);
    assert_eq!(v["owners"]["map"]["requests"], 2);
    assert_eq!(v["owners"]["map"]["cost_usd"], "0.003500");
    let stale = v["owners"]["stale_rows"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert!(
        stale[0]
            .as_str()
            .unwrap()
            .ends_with("owners.csv:5: route=/v1/legacy"),
        "{stale:?}"
    );

    // Values on the request win unless --owners-override.
    let report = |extra: &[&str]| {
        stdout_ok(
            llmspend()
                .args(["report", "--by", "team", "--format", "csv", "--owners"])
                .arg(&owners)
                .args(extra)
                .arg("--rates")
                .arg(&card)
                .arg(&logs),
        )
    };
    assert_eq!(
        csv_rows(&report(&[]))[1..]
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect::<Vec<_>>(),
        [("search", "2"), ("growth", "1"), ("ops", "1")]
    );
    assert_eq!(
        csv_rows(&report(&["--owners-override"]))[1..]
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect::<Vec<_>>(),
        [("keyteam", "2"), ("search", "1"), ("ops", "1")]
    );
    let table = stdout_ok(
        llmspend()
            .args(["report", "--owners"])
            .arg(&owners)
            .arg("--rates")
            .arg(&card)
            .arg(&logs),
    );
    assert!(table.contains("owners found: by request"), "{table}");
    assert!(table.contains("stale ownership row"), "{table}");
}

#[test]
fn owners_file_errors_name_file_and_line_and_exit_2() {
    let (dir, _card, logs) = setup();
    for (body, want) in [
        (
            "field,value,team,colour\n",
            "owners.csv:1: unknown column `colour`",
        ),
        (
            "field,value,team\napi_key,k1,a\nservice,web,b\napi_key,k1,c\n",
            "owners.csv:4: conflicts with line 2 for api_key=k1",
        ),
        (
            "field,value,team\nhostname,x,a\n",
            "owners.csv:2: `hostname` is not a field",
        ),
        (
            "field,value,team\napi_key,,a\n",
            "owners.csv:2: empty `value`",
        ),
    ] {
        let owners = dir.create("owners.csv", body);
        let out = run(
            llmspend()
                .args(["report", "--owners"])
                .arg(&owners)
                .arg(&logs),
            2,
        );
        let err = text(out.stderr);
        assert!(err.starts_with("llmspend: error: "), "{err}");
        assert!(err.contains(want), "{err}");
    }
    run(
        llmspend()
            .args(["coverage", "--owners", "no/such/owners.csv"])
            .arg(&logs),
        2,
    );
}

#[test]
fn routes_fold_ids_unless_raw_routes() {
    let dir = TestDir::new();
    let logs = dir.create(
        "r.jsonl",
        "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"route\":\"/v1/users/8812/chat\",\"model\":\"gpt-4o\",\"input_tokens\":1}\n\
         {\"timestamp\":\"2026-10-01T00:00:00Z\",\"route\":\"/v1/users/17/chat\",\"model\":\"gpt-4o\",\"input_tokens\":1}\n\
         {\"timestamp\":\"2026-10-01T00:00:00Z\",\"route\":\"/v1/threads/0b7e4c2a-9d1f-4e0a-8c3b-2f6d5e4a1b09\",\"model\":\"gpt-4o\",\"input_tokens\":1}\n",
    );
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "route", "--format", "csv"])
            .arg(&logs),
    );
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3, "{out}");
    assert!(out.contains("/v1/users/{id}/chat,2,"), "{out}");
    assert!(out.contains("/v1/threads/{id},1,"), "{out}");
    let out = stdout_ok(
        llmspend()
            .args(["report", "--by", "route", "--format", "csv", "--raw-routes"])
            .arg(&logs),
    );
    assert_eq!(csv_rows(&out).len(), 4, "{out}");
}

#[test]
fn aliases_name_extra_keys_for_canonical_fields_in_json_and_csv() {
    let dir = TestDir::new();
    let jsonl = dir.create(
        "a.jsonl",
        "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"department\":\"D-1\",\"metadata\":{\"squad\":\"search\"},\"model\":\"gpt-4o\",\"input_tokens\":1}\n",
    );
    let csv = dir.create(
        "b.csv",
        "timestamp,department,squad,model,input_tokens\n2026-10-01T00:00:00Z,D-2,growth,gpt-4o,1\n",
    );
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "--by",
                "cost_center,team",
                "--format",
                "csv",
                "--alias",
                "department=cost_center",
                "--alias",
                "squad=team",
            ])
            .arg(&jsonl)
            .arg(&csv),
    );
    let rows = csv_rows(&out);
    assert_eq!(rows[1][..3], ["D-1", "search", "1"]);
    assert_eq!(rows[2][..3], ["D-2", "growth", "1"]);
    run(
        llmspend()
            .args(["report", "--alias", "department=colour"])
            .arg(&jsonl),
        2,
    );
    run(
        llmspend()
            .args(["report", "--alias", "department"])
            .arg(&jsonl),
        2,
    );
}

#[test]
fn allocate_unattributed_adds_an_estimate_column_only_when_asked() {
    let (_dir, card, logs) = setup();
    let csv = |extra: &[&str]| {
        stdout_ok(
            llmspend()
                .args(["report", "--by", "cost_center", "--format", "csv"])
                .args(extra)
                .arg("--rates")
                .arg(&card)
                .arg(&logs),
        )
    };
    let plain = csv(&[]);
    assert!(plain.starts_with("cost_center,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n"));
    // CC-1 and CC-2 cost 0.0035 each; (unattributed) 0.0035 is spread.
    let out = csv(&["--allocate-unattributed", "proportional"]);
    assert_eq!(
        out,
        "cost_center,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,allocated_cost_usd,unpriced_requests\n\
         (unattributed),2,1010,110,0,0,0.003500,0.000000,1\n\
         CC-1,1,1000,100,0,0,0.003500,0.005250,0\n\
         CC-2,1,1000,100,0,0,0.003500,0.005250,0\n"
    );
    let out = csv(&["--allocate-unattributed", "even"]);
    assert!(
        out.contains("CC-1,1,1000,100,0,0,0.003500,0.005250,0\n"),
        "{out}"
    );
    let v = json(&stdout_ok(
        llmspend()
            .args([
                "report",
                "--by",
                "cost_center",
                "--format",
                "json",
                "--allocate-unattributed",
                "even",
                "--rates",
            ])
            .arg(&card)
            .arg(&logs),
    ));
    assert_eq!(v["groups"][1]["allocated_cost_usd"], "0.005250");
    assert_eq!(v["groups"][1]["cost_usd"], "0.003500");
}

#[test]
fn inconsistent_spellings_are_listed_together_and_normalize_values_merges_them() {
    let dir = TestDir::new();
    let line = |team: &str| {
        format!("{{\"timestamp\":\"2026-10-01T00:00:00Z\",\"team\":\"{team}\",\"model\":\"gpt-4o\",\"input_tokens\":1}}\n")
    };
    let logs = dir.create(
        "a.jsonl",
        [
            line("Search"),
            line("search"),
            line("search"),
            line("search-team"),
            line("payments"),
        ]
        .concat(),
    );
    let v = json(&stdout_ok(
        llmspend().args(["coverage", "--format", "json"]).arg(&logs),
    ));
    assert_eq!(v["inconsistent"][0]["field"], "team");
    let values: Vec<(&str, u64)> = v["inconsistent"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["value"].as_str().unwrap(),
                x["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(values, [("search", 2), ("Search", 1), ("search-team", 1)]);
    assert_eq!(v["inconsistent"].as_array().unwrap().len(), 1);
    let table = stdout_ok(llmspend().args(["coverage"]).arg(&logs));
    assert!(
        table.contains("  team: search (2 requests), Search (1 request), search-team (1 request)"),
        "{table}"
    );
    let out = stdout_ok(
        llmspend()
            .args([
                "report",
                "--by",
                "team",
                "--format",
                "csv",
                "--normalize-values",
            ])
            .arg(&logs),
    );
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3, "{out}");
    assert_eq!(rows[1][..2], ["search", "4"]);
    let v = json(&stdout_ok(
        llmspend()
            .args(["coverage", "--format", "json", "--normalize-values"])
            .arg(&logs),
    ));
    assert_eq!(v["inconsistent"], serde_json::json!([]));
}

#[test]
fn report_json_adds_required_fields_and_owners_only_when_asked() {
    let (dir, card, logs) = setup();
    let owners = dir.create("owners.csv", OWNERS);
    let get = |extra: &[&str]| {
        json(&stdout_ok(
            llmspend()
                .args(["report", "--format", "json"])
                .args(extra)
                .arg("--rates")
                .arg(&card)
                .arg(&logs),
        ))
    };
    let plain = get(&[]);
    let a = &plain["accounting"];
    assert_eq!(
        a["unattributed"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["team", "cost_center"]
    );
    assert!(a.get("owners").is_none());
    let v = get(&[
        "--require",
        "cost_center,api_key",
        "--owners",
        owners.to_str().unwrap(),
    ]);
    let a = &v["accounting"];
    assert_eq!(a["unattributed"]["api_key"]["requests"], 1);
    // k2: cost_center from the map, api_key on the request. cron: no api_key.
    assert_eq!(a["owners"]["map"]["requests"], 1);
    assert_eq!(a["owners"]["stale_rows"].as_array().unwrap().len(), 1);
}

#[test]
fn coverage_output_is_identical_for_any_threads_chunks_and_file_order() {
    let dir = TestDir::new();
    let a = dir.create("a.jsonl", dup_lines(3, 1800));
    let b = dir.create("b.jsonl", dup_lines(4, 1200));
    let owners = dir.create(
        "owners.csv",
        "field,value,cost_center\nmodel,gpt-4o,CC-MODEL\n",
    );
    let run_with = |extra: &[&str], files: [&std::path::Path; 2], format: &str| {
        let mut cmd = llmspend();
        cmd.args([
            "coverage",
            "--require",
            "team,cost_center",
            "--by",
            "team,day",
            "--format",
            format,
        ])
        .args(extra)
        .args(files);
        let out = run(&mut cmd, 0);
        (text(out.stdout), text(out.stderr))
    };
    for format in ["json", "csv"] {
        let reference = run_with(&["--threads", "1"], [&a, &b], format);
        for extra in [
            vec!["--threads", "2"],
            vec!["--threads", "2", "--chunk-bytes", "700"],
            vec!["--threads", "3", "--chunk-bytes", "100"],
        ] {
            assert_eq!(run_with(&extra, [&b, &a], format), reference, "{extra:?}");
        }
        let with_map = run_with(
            &["--threads", "1", "--owners", owners.to_str().unwrap()],
            [&a, &b],
            format,
        );
        assert_eq!(
            run_with(
                &[
                    "--threads",
                    "2",
                    "--chunk-bytes",
                    "300",
                    "--owners",
                    owners.to_str().unwrap()
                ],
                [&b, &a],
                format
            ),
            with_map
        );
    }
}
