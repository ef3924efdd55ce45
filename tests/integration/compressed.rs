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
