//! Compressed inputs (`.gz`, multi-member, and `.zst`) and streamed files
//! read exactly like their plain originals.

use std::io::Write;

use crate::util::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Two gzip members, split in the middle of the data (as `cat a.gz b.gz`).
fn gzip_two_members(data: &[u8]) -> Vec<u8> {
    let mid = data.len() / 2;
    let mut out = gzip(&data[..mid]);
    out.extend(gzip(&data[mid..]));
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

fn report_csv(path: &std::path::Path, extra: &[&str]) -> String {
    stdout_ok(
        llmspend()
            .args(["report", "--format", "csv", "--by", "team,model,day"])
            .args(extra)
            .arg(path),
    )
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap()
}

#[test]
fn gzip_and_zstd_files_report_like_the_plain_file() {
    for name in ["gateway.jsonl", "gateway.csv"] {
        let plain = sample(name);
        let dir = TestDir::new();
        let want = report_csv(&dir.create(name, &plain), &[]);
        assert!(want.lines().count() > 3, "{want}");
        for (suffix, bytes) in [("gz", gzip_two_members(&plain)), ("zst", zstd(&plain))] {
            let path = dir.create(&format!("{name}.{suffix}"), bytes);
            assert_eq!(report_csv(&path, &[]), want, "{name}.{suffix}");
            assert_eq!(
                report_csv(&path, &["--threads", "1", "--chunk-bytes", "300"]),
                want,
                "{name}.{suffix}, small chunks"
            );
        }
        // Streamed plain files (no mmap) and tiny chunks agree too.
        let path = dir.path().join(name);
        assert_eq!(
            report_csv(&path, &["--no-mmap", "--chunk-bytes", "100"]),
            want
        );
    }
}

#[test]
fn compressed_stdin_is_detected_by_its_magic_bytes() {
    let plain = sample("gateway.jsonl");
    let dir = TestDir::new();
    let want = report_csv(&dir.create("gateway.jsonl", &plain), &[]);
    for bytes in [gzip(&plain), zstd(&plain)] {
        let got = stdout_ok(
            llmspend()
                .args(["report", "-", "--format", "csv", "--by", "team,model,day"])
                .write_stdin(bytes),
        );
        assert_eq!(got, want);
    }
}

#[test]
fn folders_include_compressed_logs_and_a_bad_archive_is_reported() {
    let plain = sample("gateway.jsonl");
    let dir = TestDir::new();
    let want = report_csv(&dir.create("one/gateway.jsonl", &plain), &[]);
    dir.create("many/a.jsonl.gz", gzip(&plain));
    dir.create("many/notes.txt.gz", gzip(b"not a log"));
    let many = dir.path().join("many");
    assert_eq!(report_csv(&many, &[]), want);
    dir.create("many/broken.jsonl.gz", b"{\"this is\":\"not gzip\"}\n");
    let out = run(
        llmspend()
            .args(["report", "--format", "csv", "--by", "team,model,day"])
            .arg(&many),
        2,
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("broken.jsonl.gz"), "{stderr}");
    assert!(
        stderr.starts_with("INCOMPLETE: 1 of 2 inputs unreadable: "),
        "{stderr}"
    );
}

/// Writes five valid gateway lines with one line of `bomb_bytes` between
/// the second and the third.
fn line_bomb(bomb_bytes: usize, w: &mut dyn Write) {
    let line = |i: usize| {
        format!(
            "{{\"timestamp\":\"2026-10-03T09:14:0{i}Z\",\"model\":\"gpt-4o\",\"team\":\"t{i}\",\"input_tokens\":{i}}}\n"
        )
    };
    for i in 1..=2 {
        w.write_all(line(i).as_bytes()).unwrap();
    }
    let block = vec![b'x'; 1 << 20];
    let mut left = bomb_bytes;
    w.write_all(b"{\"model\":\"").unwrap();
    while left > 0 {
        let n = left.min(block.len());
        w.write_all(&block[..n]).unwrap();
        left -= n;
    }
    w.write_all(b"\"}\n").unwrap();
    for i in 3..=5 {
        w.write_all(line(i).as_bytes()).unwrap();
    }
}

/// Runs `report --format json` on `path` with the address space limited
/// to about 1 GB (`ulimit -v`), so holding the bomb line (over 1 GiB) in
/// memory would fail the run; returns the JSON.
fn report_bounded(path: &std::path::Path) -> serde_json::Value {
    let out = run(
        assert_cmd::Command::new("sh")
            .args(["-c", "ulimit -v 1000000 && exec \"$@\"", "sh"])
            .arg(assert_cmd::cargo::cargo_bin("llmspend"))
            .args([
                "report",
                "--format",
                "json",
                "--threads",
                "2",
                "--by",
                "team",
            ])
            .arg(path)
            .env("MALLOC_ARENA_MAX", "2"),
        0,
    );
    json(&String::from_utf8(out.stdout).unwrap())
}

fn assert_bomb_read(v: &serde_json::Value, name: &str) {
    let a = &v["accounting"];
    assert_eq!(a["lines_read"], 6, "{name}: {a}");
    assert_eq!(a["parsed"], 5, "{name}: {a}");
    assert_eq!(a["malformed"], 1, "{name}: {a}");
    assert_eq!(
        a["malformed_reasons"]["line longer than --max-line-bytes"], 1,
        "{name}: {a}"
    );
    assert_eq!(a["malformed_samples"][0]["line"], 3, "{name}: {a}");
    assert_eq!(a["unreadable"], serde_json::json!([]), "{name}: {a}");
    assert_eq!(v["totals"]["input_tokens"], 1 + 2 + 3 + 4 + 5, "{name}");
}

#[test]
fn a_zstd_line_bomb_is_one_line_too_long_in_bounded_memory() {
    let dir = TestDir::new();
    let path = dir.path().join("bomb.jsonl.zst");
    let file = std::fs::File::create(&path).unwrap();
    // A streaming encoder without a pledged size: no content size in the
    // frame header.
    let mut e = zstd::stream::write::Encoder::new(file, 1).unwrap();
    line_bomb(1100 << 20, &mut e);
    e.finish().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 200 << 10, "{size}");
    assert_bomb_read(&report_bounded(&path), "zstd");
}

#[test]
fn a_gzip_line_bomb_is_one_line_too_long_in_bounded_memory() {
    let dir = TestDir::new();
    let path = dir.path().join("bomb.jsonl.gz");
    let file = std::fs::File::create(&path).unwrap();
    let mut e = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    line_bomb(1100 << 20, &mut e);
    e.finish().unwrap();
    assert_bomb_read(&report_bounded(&path), "gzip");
}
