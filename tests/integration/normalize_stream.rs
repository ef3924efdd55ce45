//! `normalize` streams its rows (docs/normalize.md): chunks finished out of
//! order go back into (file, line) order through a bounded window, repeats
//! of a request id are dropped as they go by, and memory does not grow
//! with the input. The input order is the byte order of `source_file`, the
//! order the SQL and Spark recipes sort by.

use std::collections::HashSet;

use serde_json::Value;

use crate::util::*;

/// A gateway line with request id `id`, team `team`.
fn line(id: &str, team: &str, n: u32) -> String {
    format!(
        r#"{{"timestamp":"2026-10-{:02}T10:{:02}:00Z","provider":"openai","model":"gpt-4o","request_id":"{id}","team":"{team}","usage":{{"prompt_tokens":{},"completion_tokens":7}}}}"#,
        1 + n % 28,
        n % 60,
        100 + n
    )
}

fn rows_and_trailer(text: &str) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> = text.lines().map(json).collect();
    let trailer = lines.pop().expect("a trailer");
    assert_eq!(trailer["_llmspend"], "accounting");
    (lines, trailer)
}

/// The rule in SQL over every row: the first of each request id in
/// (source_file, source_line) order, ids-less rows all kept.
fn first_of_each_id(rows: &[Value]) -> Vec<Value> {
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| {
        let key = |r: &Value| {
            (
                r["source_file"].as_str().unwrap().to_string(),
                r["source_line"].as_u64().unwrap(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut seen = HashSet::new();
    sorted
        .into_iter()
        .filter(|r| match r["request_id"].as_str() {
            Some(id) => seen.insert(id.to_string()),
            None => true,
        })
        .collect()
}

#[test]
fn cross_file_duplicates_through_the_window_keep_the_earliest_row() {
    let dir = TestDir::new();
    // Overlapping windows, a re-shipped file, id-less lines, repeats
    // inside one file, and a gzipped file read as a stream.
    let mut a = String::new();
    for n in 0..600 {
        a += &line(&format!("r{n}"), "a", n);
        a.push('\n');
        if n % 50 == 0 {
            a += "{\"timestamp\":\"2026-10-03T00:00:00Z\",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n";
            a += "not json\n";
        }
    }
    let mut b = String::new();
    for n in 300..900 {
        b += &line(&format!("r{}", n % 750), "b", n);
        b.push('\n');
    }
    let fa = dir.create("a.jsonl", &a);
    let fb = dir.create("b.jsonl", &b);
    let fc = dir.create("c-again.jsonl", &a);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b.as_bytes()).unwrap();
    let fd = dir.create("d.jsonl.gz", gz.finish().unwrap());
    let normalize = |extra: &[&str]| {
        stdout_ok(
            llmspend()
                .args(["normalize", "-o", "-", "-q"])
                .args(extra)
                .arg(&fa)
                .arg(&fb)
                .arg(&fc)
                .arg(&fd),
        )
    };
    let small = normalize(&["--chunk-bytes", "1500", "--threads", "4"]);
    let (rows, trailer) = rows_and_trailer(&small);
    // The same rows whatever the chunking and threads.
    assert_eq!(small, normalize(&["--threads", "1"]));
    assert_eq!(
        small,
        normalize(&["--chunk-bytes", "700", "--threads", "3"])
    );
    // Every row, then the rule in SQL: the same rows in the same order.
    let every = normalize(&["--no-dedupe", "--chunk-bytes", "1500"]);
    let (all, all_trailer) = rows_and_trailer(&every);
    assert_eq!(all_trailer["duplicate"], 0);
    let want = first_of_each_id(&all);
    assert_eq!(rows.len(), want.len());
    assert!(rows == want, "rows differ from the first of each id");
    assert!(rows.len() < all.len() && rows.iter().any(|r| r["request_id"].is_null()));
    // The accounting is report's.
    let report = json(&stdout_ok(
        llmspend()
            .args(["report", "-q", "--format", "json", "--chunk-bytes", "1500"])
            .arg(&fa)
            .arg(&fb)
            .arg(&fc)
            .arg(&fd),
    ));
    let counts = &report["accounting"];
    assert_eq!(trailer["duplicate"], counts["duplicate"]);
    assert_eq!(trailer["records"].as_u64(), Some(rows.len() as u64));
    assert_eq!(
        (all.len() - rows.len()) as u64,
        trailer["duplicate"].as_u64().unwrap()
    );
}

#[test]
fn inputs_are_ordered_by_the_bytes_of_their_names() {
    // `a-b.jsonl` < `a.jsonl` < `a/b.jsonl` as bytes ('-' < '.' < '/');
    // by path components `a/b.jsonl` would come first.
    let dir = TestDir::new();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    dir.create("a/b.jsonl", line("same", "slash", 1) + "\n");
    dir.create("a-b.jsonl", line("same", "dash", 2) + "\n");
    dir.create("a.jsonl", line("same", "dot", 3) + "\n");
    let text = stdout_ok(llmspend().current_dir(dir.path()).args([
        "normalize",
        "-o",
        "-",
        "-q",
        "a",
        "a.jsonl",
        "a-b.jsonl",
    ]));
    let (rows, trailer) = rows_and_trailer(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["team"], "dash");
    assert_eq!(rows[0]["source_file"], "a-b.jsonl");
    assert_eq!(trailer["duplicate"], 2);
    let every = stdout_ok(llmspend().current_dir(dir.path()).args([
        "normalize",
        "-o",
        "-",
        "-q",
        "--no-dedupe",
        "a",
        "a.jsonl",
        "a-b.jsonl",
    ]));
    let (all, _) = rows_and_trailer(&every);
    let files: Vec<&str> = all
        .iter()
        .map(|r| r["source_file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["a-b.jsonl", "a.jsonl", "a/b.jsonl"]);
    assert_eq!(first_of_each_id(&all), rows);
    // report keeps the same one.
    let csv = stdout_ok(llmspend().current_dir(dir.path()).args([
        "report",
        "-q",
        "--by",
        "team",
        "--format",
        "csv",
        "a",
        "a.jsonl",
        "a-b.jsonl",
    ]));
    assert!(csv.contains("\ndash,"), "{csv}");
    assert!(!csv.contains("slash") && !csv.contains("\ndot,"), "{csv}");
}

/// Rows are written as they are read, not held for the whole run: under a
/// data-segment limit far below what the run's rows take in memory, the
/// run still succeeds (a run holding its rows, about 1 KB each, fails).
#[cfg(target_os = "linux")]
#[test]
fn memory_does_not_grow_with_the_input() {
    let dir = TestDir::new();
    let mut text = String::with_capacity(80 << 20);
    let mut n = 0u32;
    // About 60 MB, 200 000 rows: well over 150 MB held as rows.
    while text.len() < 60 << 20 {
        text += &line(
            &format!("req-{n:08}-{}", "x".repeat(40)),
            "team-with-a-long-name",
            n,
        );
        text.push('\n');
        n += 1;
    }
    let input = dir.create("big.jsonl", &text);
    // An old file is mapped (one written in the last seconds is streamed,
    // src/input/mmap.rs).
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&input)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    drop(text);
    let out = dir.path().join("out.jsonl");
    let script = format!(
        "ulimit -d {}; exec '{}' normalize '{}' -o '{}' -q --threads 2 --chunk-bytes 262144",
        100 << 10,
        env!("CARGO_BIN_EXE_llmspend"),
        input.display(),
        out.display()
    );
    let run = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("LLMSPEND_NO_CONFIG", "1")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count() as u32, n + 1);
}
