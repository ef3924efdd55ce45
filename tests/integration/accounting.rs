//! Nothing silent (issue 16): every file, line, field and price llmspend
//! cannot use is named on stderr and in the JSON accounting, and the exit
//! status says so. One test per item, each asserting the exit status, the
//! buckets and reasons, and the name on stderr and in JSON.

use serde_json::{json as j, Value};

use crate::util::*;

const LINE: &str = r#"{"timestamp":"2026-10-03T09:14:02Z","team":"search","model":"gpt-4o","input_tokens":1000,"output_tokens":100}"#;

/// Runs `llmspend ARGS` expecting `code`: (stdout, stderr).
fn go(args: &[&str], code: i32) -> (String, String) {
    let out = run(llmspend().args(args), code);
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The buckets: read, parsed, filtered, duplicate, malformed, blank, ignored.
fn buckets(v: &Value) -> [u64; 7] {
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
    .map(|k| a[k].as_u64().unwrap())
}

#[test]
fn item4_unreadable_inputs_exit_2_with_the_report_written_and_named_first() {
    let dir = TestDir::new();
    let good = dir.create("logs/a.jsonl", format!("{LINE}\n"));
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    dir.create("empty/readme.txt", "not a log");
    let empty = dir.path().join("empty");
    let missing = dir.path().join("missing.jsonl");
    let paths = [
        good.to_str().unwrap(),
        empty.to_str().unwrap(),
        missing.to_str().unwrap(),
    ];
    let args = |format: &'static str| {
        let mut a = vec!["report", "--format", format];
        a.extend(paths);
        a
    };
    let (csv, stderr) = go(&args("csv"), 2);
    // The report is still written in full.
    assert!(csv.contains("search,gpt-4o,1,1000,100"), "{csv}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("INCOMPLETE: 2 of 3 inputs unreadable: "),
        "{stderr}"
    );
    assert!(
        first.contains("missing.jsonl") && first.contains("empty"),
        "{first}"
    );
    assert!(
        stderr.contains(&format!("no log files found in {}", empty.display())),
        "{stderr}"
    );
    let (out, _) = go(&args("json"), 2);
    let v = json(&out);
    assert_eq!(buckets(&v), [1, 1, 0, 0, 0, 0, 0]);
    let unreadable = v["accounting"]["unreadable"].as_array().unwrap();
    let got: Vec<(&str, &str)> = unreadable
        .iter()
        .map(|u| (u["path"].as_str().unwrap(), u["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].0.ends_with("empty") && got[0].1.starts_with("no log files found in "));
    assert!(got[1].0.ends_with("missing.jsonl") && got[1].1.contains("No such file"));
    // The table (summary on stdout) says so on stderr too.
    let (table, stderr) = go(&args("table"), 2);
    assert!(table.contains("INCOMPLETE: 2 of 3"), "{table}");
    assert!(stderr.contains("llmspend: INCOMPLETE: 2 of 3"), "{stderr}");
    // --skip-unreadable: the same report, still named, exit 0.
    let mut skip = args("csv");
    skip.push("--skip-unreadable");
    let (same, stderr) = go(&skip, 0);
    assert_eq!(same, csv);
    assert!(stderr.starts_with("INCOMPLETE: 2 of 3"), "{stderr}");
    // An empty window is a usage error.
    let (_, stderr) = go(
        &[
            "report",
            paths[0],
            "--since",
            "2026-11-01",
            "--until",
            "2026-10-01",
        ],
        2,
    );
    assert!(stderr.contains("--since"), "{stderr}");
}

#[test]
fn item3_nothing_parsed_exits_2_with_the_keys_seen_and_a_map_hint() {
    let dir = TestDir::new();
    let f = dir.create(
        "odd.jsonl",
        "{\"ts\":\"2026-10-01T00:00:00Z\",\"llm\":{\"name\":\"gpt-4o\"},\"tokens\":{\"in\":10,\"out\":5},\"owner\":{\"team\":\"a\"}}\n".repeat(3),
    );
    let path = f.to_str().unwrap();
    // JSON objects with no model or token count at any path the gateway
    // reads: the file is not recognised (docs/sources.md, gateway), and
    // its keys and the `--map` options that would read them are named.
    let (out, stderr) = go(&["report", "--format", "json", path], 2);
    assert_eq!(out, "");
    assert!(
        stderr.contains("no input could be read")
            && stderr.contains("odd.jsonl: none of the 3 JSON objects"),
        "{stderr}"
    );
    assert!(
        stderr.contains("keys seen: ts, llm.name, tokens.in, tokens.out, owner.team"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--map model=llm.name --map input_tokens=tokens.in --map output_tokens=tokens.out --map team=owner.team"),
        "{stderr}"
    );
    // Lines that are read and hold nothing to count: exit 2, the lines
    // named, the keys seen and the same hint.
    let g = dir.create(
        "cc/odd.jsonl",
        "{\"type\":\"user\",\"sessionId\":\"s\",\"timestamp\":\"2026-10-03T09:00:00Z\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n".repeat(3),
    );
    let (out, stderr) = go(
        &[
            "report",
            "--format",
            "json",
            "--source",
            "claude-code",
            g.to_str().unwrap(),
        ],
        2,
    );
    let v = json(&out);
    assert_eq!(buckets(&v), [3, 0, 0, 0, 0, 0, 3]);
    assert_eq!(
        v["accounting"]["ignored_reasons"],
        j!({"not a usage event": 3})
    );
    assert!(
        stderr.contains("no usage record was parsed from any input"),
        "{stderr}"
    );
    assert!(
        stderr.contains("keys seen in ") && stderr.contains("type, sessionId, timestamp"),
        "{stderr}"
    );
    // The hint works.
    let (csv, _) = go(
        &[
            "report",
            "--format",
            "csv",
            "--map",
            "model=llm.name",
            "--map",
            "input_tokens=tokens.in",
            "--map",
            "output_tokens=tokens.out",
            "--map",
            "team=owner.team",
            path,
        ],
        0,
    );
    assert!(csv.contains("a,gpt-4o,3,30,15"), "{csv}");
    // --map model=... alone: records with a model and no token count.
    let (_, stderr) = go(&["report", "--map", "model=llm.name", path], 0);
    assert!(
        stderr.contains("warning: no token count was found in any of 3 records"),
        "{stderr}"
    );
    assert!(stderr.contains("--map input_tokens=tokens.in"), "{stderr}");
    // A --map that matches nothing is named.
    let good = dir.create("good.jsonl", format!("{LINE}\n"));
    let (_, stderr) = go(
        &["report", "--map", "team=meta.owner", good.to_str().unwrap()],
        0,
    );
    assert!(
        stderr.contains("--map team=meta.owner matched no key"),
        "{stderr}"
    );
}

#[test]
fn item2_unrecognised_files_are_named_and_ignored_lines_have_reasons() {
    let dir = TestDir::new();
    dir.create("logs/gateway.jsonl", format!("{LINE}\n{LINE}\n"));
    let alone = dir.path().join("logs");
    let alone = go(&["report", "--format", "json", alone.to_str().unwrap()], 0).0;
    dir.create(
        "logs/finance_notes.csv",
        "date,amount,memo\n2026-10-01,12.50,lunch\n2026-10-02,3.00,taxi\n",
    );
    let logs = dir.path().join("logs");
    let logs = logs.to_str().unwrap();
    let (out, stderr) = go(&["report", "--format", "json", logs], 0);
    let mut v = json(&out);
    // Named, with the shape of its first bytes and why.
    let u = &v["accounting"]["unrecognized_files"];
    assert_eq!(u.as_array().unwrap().len(), 1, "{u}");
    assert!(u[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("finance_notes.csv"));
    assert_eq!(u[0]["shape"], "CSV header `date,amount,memo`");
    assert!(u[0]["reason"]
        .as_str()
        .unwrap()
        .contains("names a model or a token count (columns: date, amount, memo)"));
    assert!(
        stderr.contains("unrecognized (not read): ")
            && stderr.contains("finance_notes.csv: CSV header `date,amount,memo`"),
        "{stderr}"
    );
    // And not counted: the numbers are those of the run without it.
    v["accounting"]["unrecognized_files"] = j!([]);
    assert_eq!(v, json(&alone));
    assert_eq!(buckets(&v), [2, 2, 0, 0, 0, 0, 0]);
    // In a recognised file, a line with nothing to count is ignored with a
    // reason: a Claude Code user prompt is not a usage event.
    let cc = dir.create(
        "cc/session.jsonl",
        concat!(
            r#"{"type":"user","sessionId":"s","timestamp":"2026-10-03T09:00:00Z","message":{"role":"user","content":"hi"}}"#,
            "\n",
            r#"{"type":"assistant","sessionId":"s","requestId":"req_1","timestamp":"2026-10-03T09:00:01Z","message":{"id":"msg_1","model":"claude-sonnet-4-5-20250929","role":"assistant","usage":{"input_tokens":10,"output_tokens":5}}}"#,
            "\n"
        ),
    );
    let (out, stderr) = go(
        &[
            "report",
            "--format",
            "json",
            "--source",
            "claude-code",
            cc.to_str().unwrap(),
        ],
        0,
    );
    let v = json(&out);
    assert_eq!(buckets(&v), [2, 1, 0, 0, 0, 0, 1]);
    assert_eq!(
        v["accounting"]["ignored_reasons"],
        j!({"not a usage event": 1})
    );
    assert!(stderr.contains("ignored: not a usage event: 1"), "{stderr}");
}

#[test]
fn item2_a_jsonl_file_of_other_data_is_named_but_health_checks_first_are_read() {
    let dir = TestDir::new();
    dir.create("logs/gateway.jsonl", format!("{LINE}\n{LINE}\n"));
    let alone = dir.path().join("logs");
    let alone = go(&["report", "--format", "json", alone.to_str().unwrap()], 0).0;
    // JSON objects, none with a model or a token count at any path read.
    dir.create(
        "logs/ledger.jsonl",
        concat!(
            r#"{"date":"2026-10-01","amount":12.5,"memo":"x"}"#,
            "\n",
            r#"{"date":"2026-10-02","amount":3,"memo":"taxi","user":"ann"}"#,
            "\n\n",
        ),
    );
    let logs = dir.path().join("logs");
    let (out, stderr) = go(&["report", "--format", "json", logs.to_str().unwrap()], 0);
    let mut v = json(&out);
    let u = &v["accounting"]["unrecognized_files"];
    assert_eq!(u.as_array().unwrap().len(), 1, "{u}");
    assert!(u[0]["path"].as_str().unwrap().ends_with("ledger.jsonl"));
    assert_eq!(u[0]["shape"], "JSON object with keys date, amount, memo");
    assert!(
        u[0]["reason"].as_str().unwrap().starts_with(
            "none of the 2 JSON objects in the first 1 KiB has a model or a token count"
        ),
        "{u}"
    );
    assert!(
        stderr.contains("ledger.jsonl: JSON object with keys date, amount, memo"),
        "{stderr}"
    );
    v["accounting"]["unrecognized_files"] = j!([]);
    assert_eq!(v, json(&alone));
    // A gateway log whose first lines are health checks is still read: one
    // usage line in the sampled head is enough.
    let health = r#"{"timestamp":"2026-10-03T09:00:00Z","event":"health","status":"ok"}"#;
    let gw = dir.create(
        "hc/gateway.jsonl",
        format!("{health}\n{health}\n{health}\n{LINE}\n"),
    );
    let (out, _) = go(&["report", "--format", "json", gw.to_str().unwrap()], 0);
    let v = json(&out);
    assert_eq!(v["accounting"]["unrecognized_files"], j!([]));
    assert_eq!(buckets(&v), [4, 1, 0, 0, 0, 0, 3]);
    // The same health checks alone: nothing to read, the file is named.
    let only = dir.create("hc2/events.jsonl", format!("{health}\n{health}\n"));
    let (out, stderr) = go(&["report", "--format", "json", only.to_str().unwrap()], 2);
    assert_eq!(out, "");
    assert!(
        stderr.contains("no input could be read")
            && stderr.contains("events.jsonl: none of the 2 JSON objects"),
        "{stderr}"
    );
}

#[test]
fn item1_a_card_with_litellm_provider_names_prices_those_logs() {
    let dir = TestDir::new();
    let card = dir.create(
        "card.csv",
        "provider,model,input_per_mtok,output_per_mtok\nvertex_ai,gemini-2.0-flash-001,0.1,0.4\n",
    );
    let logs = dir.create(
        "logs.jsonl",
        concat!(
            r#"{"timestamp":"2026-10-03T09:14:02Z","provider":"vertex_ai","model":"gemini-2.0-flash-001","input_tokens":1000000,"output_tokens":1000000}"#,
            "\n",
            r#"{"timestamp":"2026-10-03T09:14:02Z","provider":"Vertex_AI_Beta","model":"gemini-2.0-flash-001","input_tokens":1000000}"#,
            "\n",
        ),
    );
    let (card, logs) = (card.to_str().unwrap(), logs.to_str().unwrap());
    let (out, stderr) = go(
        &[
            "report",
            "--format",
            "json",
            "--by",
            "provider,model",
            "--rates",
            card,
            logs,
        ],
        0,
    );
    let v = json(&out);
    assert_eq!(buckets(&v), [2, 2, 0, 0, 0, 0, 0]);
    assert_eq!(v["groups"][0]["provider"], "google");
    assert_eq!(v["groups"][0]["cost_usd"], "0.600000");
    assert_eq!(v["groups"][0]["unpriced_requests"], 0);
    assert_eq!(v["accounting"]["unpriced"], j!({}));
    assert!(!stderr.contains("unpriced"), "{stderr}");
    for provider in [None, Some("vertex_ai"), Some("google"), Some("gemini")] {
        let mut args = vec!["rates", "gemini-2.0-flash-001", "--rates", card];
        if let Some(p) = provider {
            args.extend(["--provider", p]);
        }
        let (out, _) = go(&args, 0);
        assert!(out.contains("is priced by "), "{provider:?}: {out}");
        assert!(out.contains("card.csv:2"), "{provider:?}: {out}");
    }
}

#[test]
fn item8_rates_suggests_the_nearest_names_by_edit_distance() {
    let (out, _) = go(&["rates", "gpt4o"], 0);
    assert!(out.contains("unpriced"), "{out}");
    let near = out
        .lines()
        .find_map(|l| l.strip_prefix("nearest rate-card models: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(near.split(", ").next(), Some("gpt-4o"), "{out}");
}

#[test]
fn item8_an_unpriced_group_never_shows_as_zero_dollars() {
    let dir = TestDir::new();
    let logs = dir.create(
        "logs.jsonl",
        [
            LINE,
            r#"{"timestamp":"2026-10-03T09:14:02Z","team":"search","model":"acme-llm-7b","input_tokens":50,"output_tokens":5}"#,
            r#"{"timestamp":"2026-10-03T09:14:02Z","team":"ml","model":"acme-llm-7b","input_tokens":70,"output_tokens":7}"#,
        ]
        .join("\n"),
    );
    let logs = logs.to_str().unwrap();
    // CSV: `unpriced_requests` appended last.
    let (csv, stderr) = go(&["report", "--by", "team", "--format", "csv", logs], 0);
    let rows = csv_rows(&csv);
    assert_eq!(rows[0].last().unwrap(), "unpriced_requests");
    assert_eq!(
        rows[0][..7],
        [
            "team",
            "requests",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cost_usd"
        ]
    );
    let search = rows.iter().find(|r| r[0] == "search").unwrap();
    let ml = rows.iter().find(|r| r[0] == "ml").unwrap();
    assert_eq!((search[1].as_str(), search[7].as_str()), ("2", "1"));
    assert_eq!(
        (ml[1].as_str(), ml[6].as_str(), ml[7].as_str()),
        ("1", "0.000000", "1")
    );
    // The summary names the model and gives a row to add.
    assert!(
        stderr.contains("unpriced (tokens counted, cost not): acme-llm-7b (2 requests"),
        "{stderr}"
    );
    assert!(
        stderr.contains("PROVIDER,acme-llm-7b,INPUT_USD,OUTPUT_USD"),
        "{stderr}"
    );
    // JSON.
    let (out, _) = go(&["report", "--by", "team", "--format", "json", logs], 0);
    let v = json(&out);
    assert_eq!(v["accounting"]["unpriced"]["acme-llm-7b"], 2);
    let groups = v["groups"].as_array().unwrap();
    let ml = groups.iter().find(|g| g["team"] == "ml").unwrap();
    assert_eq!(ml["unpriced_requests"], 1);
    // Table and Markdown: `+?` and `unpriced`, never 0.0000, explained.
    for format in ["table", "md"] {
        let (out, _) = go(&["report", "--by", "team", "--format", format, logs], 0);
        let line = |team: &str| {
            out.lines()
                .find(|l| l.contains(&format!(" {team} ")))
                .unwrap_or_else(|| panic!("{out}"))
                .to_string()
        };
        assert!(line("search").contains("0.0035 +?"), "{out}");
        assert!(line("ml").contains("unpriced"), "{out}");
        assert!(!line("ml").contains("0.0000"), "{out}");
        assert!(
            out.contains("+?: the cost leaves out 2 unpriced requests"),
            "{out}"
        );
    }
}

#[test]
fn item7_a_nul_padded_tail_is_malformed() {
    let dir = TestDir::new();
    let mut bytes = format!("{LINE}\n{LINE}\n").into_bytes();
    bytes.extend([0u8; 4096]);
    let f = dir.create("crashed.jsonl", &bytes);
    let (out, stderr) = go(&["report", "--format", "json", f.to_str().unwrap()], 0);
    let v = json(&out);
    assert_eq!(buckets(&v), [3, 2, 0, 0, 1, 0, 0]);
    assert_eq!(
        v["accounting"]["malformed_reasons"],
        j!({"NUL bytes (file cut short?)": 1})
    );
    let sample = &v["accounting"]["malformed_samples"][0];
    assert!(sample["file"].as_str().unwrap().ends_with("crashed.jsonl"));
    assert_eq!(sample["line"], 3);
    assert!(
        stderr.contains("crashed.jsonl:3: NUL bytes (file cut short?)"),
        "{stderr}"
    );
    // The same from a stream.
    let out = run(
        llmspend()
            .args(["report", "-", "--format", "json"])
            .write_stdin(bytes),
        0,
    );
    let v = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(buckets(&v), [3, 2, 0, 0, 1, 0, 0]);
}

#[test]
fn item10_quiet_prints_only_the_warnings_that_change_the_numbers() {
    let dir = TestDir::new();
    let logs = dir.create(
        "logs.jsonl",
        format!(
            "{LINE}\n{}\n{{\"broken\":\n",
            r#"{"timestamp":"2026-10-03T09:14:02Z","team":"ml","model":"acme-llm-7b","input_tokens":70}"#
        ),
    );
    let notes = dir.create("notes.csv", "date,amount,memo\n2026-10-01,1,x\n");
    let missing = dir.path().join("missing.jsonl");
    let paths = [
        logs.to_str().unwrap(),
        notes.to_str().unwrap(),
        missing.to_str().unwrap(),
    ];
    let mut args = vec!["report", "--format", "csv", "--fail-on-unpriced"];
    args.extend(paths);
    let (loud_out, loud) = go(&args, 2);
    assert!(
        loud.contains("lines: 3 read") && loud.contains("unattributed:"),
        "{loud}"
    );
    assert!(loud.contains("unrecognized (not read)"), "{loud}");
    args.push("-q");
    let (out, stderr) = go(&args, 2);
    assert_eq!(out, loud_out, "the data is the same");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("INCOMPLETE: 1 of 3 inputs unreadable: "),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("unreadable: ") && lines[1].contains("missing.jsonl"),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with("unpriced (tokens counted, cost not): acme-llm-7b"),
        "{stderr}"
    );
    assert!(stderr.contains("llmspend: gate failed: "), "{stderr}");
    for quiet in ["lines:", "unattributed:", "malformed:", "unrecognized"] {
        assert!(!stderr.contains(quiet), "{quiet} in\n{stderr}");
    }
    // Nothing to warn about: nothing on stderr.
    let good = dir.create("good.jsonl", format!("{LINE}\n"));
    let (_, stderr) = go(
        &["report", "-q", "--format", "json", good.to_str().unwrap()],
        0,
    );
    assert_eq!(stderr, "");
}
