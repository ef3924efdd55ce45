//! Source `llmspend`: `report`, `coverage` and `merge` over llmspend's own
//! normalized JSONL (docs/distributed.md, the two-stage job). Costs are
//! taken as written, trailers bring their runs' accounting, normalized
//! rows are not lines read, and trailers of different rate cards are an
//! error. The job itself (normalize per file with --no-dedupe, a shuffle
//! by request_id, `report - --format partial` per partition, merge) gives
//! `report`'s bytes and accounting.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

const A: &str = r#"{"timestamp":"2026-10-01T10:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":25,"output_tokens":10,"team":"search","cost_center":"cc1","request_id":"r1"}
{"timestamp":"2026-10-01T23:30:00-02:00","provider":"openai","model":"gpt-4o-mini","input_tokens":"1000","output_tokens":7,"team":"=HYPERLINK(1)","request_id":"r2"}
not json
{"timestamp":1790000000000,"provider":"anthropic","model":"claude-sonnet-4-5","input_tokens":3,"output_tokens":5,"cache_creation_input_tokens":40,"team":"ads","cost_center":"cc2","request_id":"r3"}

{"timestamp":"2026-10-02T01:00:00Z","provider":"acme","model":"acme-7b","input_tokens":9,"output_tokens":9,"team":"ads"}
{"timestamp":"2026-10-02T01:00:00Z","provider":"acme","model":"acme-7b","input_tokens":9,"output_tokens":9,"team":"ads"}
"#;

const B: &str = r#"{"timestamp":"2026-10-01T10:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":25,"output_tokens":10,"team":"search","cost_center":"cc1","request_id":"r1"}
{"timestamp":"2026-10-03T00:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":77,"output_tokens":1,"team":"search","request_id":"r4"}
{"timestamp":"2026-10-03T00:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":-1,"output_tokens":1,"team":"search","request_id":"r5"}
{"timestamp":"2026-10-03T00:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":77,"output_tokens":1,"team":"search","request_id":"r2"}
"#;

const BYS: [&str; 2] = ["team,model", "day,cost_center"];

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Two gateway files with request_ids crossing them.
fn logs(dir: &TestDir) -> Vec<PathBuf> {
    vec![dir.create("a.jsonl", A), dir.create("b.jsonl", B)]
}

/// Stage 1: each file on stdin, `normalize - --no-dedupe`, named by path.
fn normalized(files: &[PathBuf], extra: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for f in files {
        let out = run(
            llmspend()
                .args(["normalize", "-", "--stdin-name", s(f), "--format", "jsonl"])
                .args(["--no-dedupe", "-q", "-o", "-"])
                .args(extra)
                .write_stdin(std::fs::read(f).unwrap()),
            0,
        );
        lines.extend(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(String::from),
        );
    }
    lines
}

/// Stage 2, the shuffle: rows keyed by request_id (id-less rows by their
/// position) into `n` partitions, each sorted by (source_file,
/// source_line); the trailers go last into partition 0.
fn shuffle(lines: &[String], n: usize) -> Vec<String> {
    let mut parts: Vec<Vec<(u8, String, u64, &str)>> = vec![Vec::new(); n];
    for l in lines {
        let v = json(l);
        if v.get("_llmspend").is_some() {
            parts[0].push((1, String::new(), 0, l));
            continue;
        }
        let file = v["source_file"].as_str().unwrap().to_string();
        let line = v["source_line"].as_u64().unwrap();
        let key = match v["request_id"].as_str() {
            Some(id) => id.to_string(),
            None => format!("{file}:{line}"),
        };
        let p = key.bytes().map(usize::from).sum::<usize>() % n;
        parts[p].push((0, file, line, l));
    }
    parts
        .into_iter()
        .map(|mut p| {
            p.sort();
            p.iter().map(|r| format!("{}\n", r.3)).collect()
        })
        .collect()
}

/// Stage 3: `report - --format partial` over each partition; the first
/// forces `--source llmspend`, the others are detected.
fn partials(dir: &TestDir, parts: &[String], by: &str) -> Vec<PathBuf> {
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let input = dir.create(&format!("part-{by}-{i}.jsonl"), part);
            let mut c = llmspend();
            c.args(["report", "-", "--by", by, "--format", "partial", "-q"])
                .write_stdin(std::fs::read(&input).unwrap());
            if i == 0 {
                c.args(["--source", "llmspend"]);
            }
            dir.create(&format!("p-{by}-{i}.jsonl"), run(&mut c, 0).stdout)
        })
        .collect()
}

#[test]
fn the_two_stage_job_gives_the_report_and_its_accounting() {
    let dir = TestDir::new();
    let files = logs(&dir);
    let lines = normalized(&files, &[]);
    for n in [1, 3] {
        let parts = shuffle(&lines, n);
        for by in BYS {
            let p = partials(&dir, &parts, by);
            let acc = dir.path().join(format!("merged-{n}.json"));
            let got = stdout_ok(llmspend().arg("merge").args(&p).args([
                "--format",
                "csv",
                "-q",
                "--accounting",
                s(&acc),
            ]));
            let want_acc = dir.path().join("report.json");
            let want = stdout_ok(
                llmspend()
                    .args(["report", "--by", by, "--format", "csv", "-q"])
                    .args(["--accounting", s(&want_acc)])
                    .args(&files),
            );
            assert_eq!(got, want, "{n} partitions, --by {by}");
            let (got, want) = (read_json(&acc), read_json(&want_acc));
            assert_eq!(got, want, "{n} partitions: accounting");
        }
    }
    // The data has duplicates across files, malformed and blank lines.
    let acc = read_json(&dir.path().join("report.json"));
    assert_eq!(acc["duplicate"], 2, "{acc}");
    assert_eq!(acc["malformed"], 2);
    assert_eq!(acc["blank"], 1);
}

fn read_json(p: &Path) -> Value {
    json(&std::fs::read_to_string(p).unwrap())
}

#[test]
fn costs_are_taken_as_written_and_rows_are_not_lines_read() {
    let dir = TestDir::new();
    let files = logs(&dir);
    // A card that prices gpt-4o at 100 times nothing like the embedded one.
    let card = dir.create(
        "card.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,1000,2000\n",
    );
    let norm = dir.path().join("usage.jsonl");
    stdout_ok(
        llmspend()
            .args(["normalize", "--format", "jsonl", "-q", "-o", s(&norm)])
            .args(["--rates", s(&card)])
            .args(&files),
    );
    for by in BYS {
        let from_rows = stdout_ok(
            llmspend()
                .args(["report", "--by", by, "--format", "csv", "-q"])
                .arg(&norm),
        );
        let priced_with_card = stdout_ok(
            llmspend()
                .args(["report", "--by", by, "--format", "csv", "-q"])
                .args(["--rates", s(&card)])
                .args(&files),
        );
        assert_eq!(from_rows, priced_with_card, "--by {by}");
    }
    let report = |args: &[&str]| {
        json(&stdout_ok(
            llmspend()
                .args(["report", "--format", "json", "-q"])
                .args(args),
        ))["accounting"]
            .clone()
    };
    let raw = report(&["--rates", s(&card), s(&files[0]), s(&files[1])]);
    let rows = report(&[s(&norm)]);
    // 11 lines read in the two files; the normalized file's rows and its
    // trailer are not lines.
    assert_eq!(rows["lines_read"], 11);
    assert_eq!(rows["lines_read"], raw["lines_read"]);
    assert_eq!(rows, raw);
    // coverage too.
    let cov = |args: &[&str]| {
        stdout_ok(
            llmspend()
                .args(["coverage", "--format", "json", "-q"])
                .args(args),
        )
    };
    assert_eq!(
        cov(&[s(&norm)]),
        cov(&["--rates", s(&card), s(&files[0]), s(&files[1])])
    );
}

#[test]
fn trailers_of_different_rate_cards_are_an_error_naming_the_files() {
    let dir = TestDir::new();
    let files = logs(&dir);
    let card = dir.create(
        "card.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,1000,2000\n",
    );
    let one = dir.path().join("one.jsonl");
    let two = dir.path().join("two.jsonl");
    stdout_ok(
        llmspend()
            .args(["normalize", "--format", "jsonl", "-q", "-o", s(&one)])
            .arg(&files[0]),
    );
    stdout_ok(
        llmspend()
            .args(["normalize", "--format", "jsonl", "-q", "-o", s(&two)])
            .args(["--rates", s(&card)])
            .arg(&files[1]),
    );
    let out = run(
        llmspend().args(["report", "-q", "--source", "llmspend", s(&one), s(&two)]),
        2,
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("different rate cards"), "{err}");
    assert!(err.contains(s(&one)) && err.contains(s(&two)), "{err}");
    // The same in one stream (a shuffle partition), and across partials.
    let mut both = std::fs::read_to_string(&one).unwrap();
    both += &std::fs::read_to_string(&two).unwrap();
    let both = dir.create("both.jsonl", both);
    run(llmspend().args(["coverage", "-q", s(&both)]), 2);
    let p1 = dir.create(
        "p1.jsonl",
        run(
            llmspend().args(["report", "--format", "partial", "-q", s(&one)]),
            0,
        )
        .stdout,
    );
    let p2 = dir.create(
        "p2.jsonl",
        run(
            llmspend().args(["report", "--format", "partial", "-q", s(&two)]),
            0,
        )
        .stdout,
    );
    let out = run(llmspend().args(["merge", "-q", s(&p1), s(&p2)]), 2);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("different rate cards"), "{err}");
    assert!(err.contains(s(&p1)) && err.contains(s(&p2)), "{err}");
}
