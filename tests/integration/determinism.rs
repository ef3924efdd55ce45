//! Byte-identical output for any thread count, chunk size and file order.

use crate::util::*;

fn generated(lines: usize, seed: u64) -> String {
    // A deterministic mix of shapes, attribution and bad lines.
    let models = [
        "gpt-4o-2024-08-06",
        "claude-sonnet-4-5-20250929",
        "gemini-2.5-pro",
        "o3",
        "acme-7b",
    ];
    let teams = ["search", "payments", "", "growth"];
    let mut x = seed;
    let mut out = String::new();
    for i in 0..lines {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let model = models[r % models.len()];
        let team = teams[(r / 7) % teams.len()];
        let day = 1 + (r / 11) % 28;
        match r % 23 {
            0 => out.push_str("{\"broken\":\n"),
            1 => out.push('\n'),
            _ => out.push_str(&format!(
                "{{\"timestamp\":\"2026-10-{day:02}T12:00:{:02}Z\",\"team\":\"{team}\",\"cost_center\":\"CC-{}\",\"model\":\"{model}\",\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"prompt_tokens_details\":{{\"cached_tokens\":{}}}}}}}\n",
                i % 60,
                r % 3,
                1000 + r % 5000,
                r % 700,
                r % 1000
            )),
        }
    }
    out
}

#[test]
fn threads_chunks_and_file_order_give_identical_csv() {
    let dir = TestDir::new();
    let a = dir.create("a.jsonl", generated(3000, 1));
    let b = dir.create("b.jsonl", generated(2000, 2));
    let base = |extra: &[&str], files: &[&std::path::Path]| {
        let mut cmd = llmspend();
        cmd.args(["report", "--by", "team,model,day", "--format", "csv"])
            .args(extra)
            .args(files);
        let out = run(&mut cmd, 0);
        (out.stdout, out.stderr)
    };
    let reference = base(&["--threads", "1"], &[&a, &b]);
    assert!(reference.0.len() > 1000);
    for (extra, files) in [
        (vec!["--threads", "2"], vec![&b, &a]),
        (
            vec!["--threads", "8", "--chunk-bytes", "1000"],
            vec![&a, &b],
        ),
        (vec!["--threads", "3", "--chunk-bytes", "77"], vec![&b, &a]),
        (vec!["--threads", "2", "--no-mmap"], vec![&a, &b]),
    ] {
        let files: Vec<&std::path::Path> = files.into_iter().map(|p| p.as_path()).collect();
        assert_eq!(base(&extra, &files), reference, "{extra:?}");
    }
}

#[test]
fn one_file_split_in_many_gives_the_same_totals() {
    let dir = TestDir::new();
    let text = generated(1500, 9);
    dir.create("whole/all.jsonl", &text);
    for (i, chunk) in text.lines().collect::<Vec<_>>().chunks(100).enumerate() {
        dir.create(&format!("split/part{i:03}.jsonl"), chunk.join("\n") + "\n");
    }
    let csv = |sub: &str| {
        stdout_ok(
            llmspend()
                .args(["report", "--by", "team,model", "--format", "csv"])
                .arg(dir.path().join(sub)),
        )
    };
    assert_eq!(csv("whole"), csv("split"));
}

/// Sets a file's modification time an hour back, so it is mapped (files
/// written in the last seconds are streamed, see `input/mmap.rs`).
fn age(path: &std::path::Path) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
}

#[test]
fn mapped_and_streamed_files_give_identical_reports_with_duplicates() {
    let dir = TestDir::new();
    // Request ids repeat across and within files.
    let mut a = String::new();
    let mut b = String::new();
    for i in 0..3000 {
        let line = format!(
            "{{\"timestamp\":\"2026-10-{:02}T00:00:00Z\",\"request_id\":\"r{}\",\"team\":\"t{}\",\"model\":\"gpt-4o\",\"input_tokens\":{},\"output_tokens\":1}}\n",
            1 + i % 28,
            i % 1700,
            i % 5,
            100 + i
        );
        if i % 2 == 0 {
            a.push_str(&line);
        } else {
            b.push_str(&line);
        }
    }
    let fa = dir.create("a.jsonl", &a);
    let fb = dir.create("b.jsonl", &b);
    let report = |extra: &[&str]| {
        let out = run(
            llmspend()
                .args([
                    "report",
                    "--by",
                    "team,day",
                    "--format",
                    "json",
                    "--chunk-bytes",
                    "5000",
                ])
                .args(extra)
                .arg(&fa)
                .arg(&fb),
            0,
        );
        let mut v = json(&String::from_utf8(out.stdout).unwrap());
        v["sources"] = serde_json::Value::Null;
        v
    };
    let streamed = report(&["--threads", "2"]);
    assert_eq!(streamed["accounting"]["duplicate"], 1300, "{streamed}");
    age(&fa);
    age(&fb);
    for threads in ["1", "2", "3"] {
        assert_eq!(
            report(&["--threads", threads]),
            streamed,
            "mapped, {threads} threads"
        );
    }
    assert_eq!(report(&["--no-mmap"]), streamed);
}
