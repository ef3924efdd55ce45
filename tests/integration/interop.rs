//! The interop test (docs/distributed.md): the recipes of `examples/spark/`
//! and `examples/sql/` run on real pyspark (`local[2]`, session time zone
//! not UTC) and DuckDB, and each result must equal `llmspend report
//! --format csv` byte for byte, `--by team,model` and `--by
//! day,cost_center`.
//!
//! The data comes from `tests/interop/gen.py` (seeded, > 50 MB in 22
//! gzipped files with request_ids crossing files, a re-shipped file, and
//! `edge.jsonl` with half-micro ties, offsets across midnight, epoch ms,
//! formula-like and unpriced values, malformed and blank lines).
//!
//! The engines live in `target/interop-venv` (`tests/interop/setup.sh`,
//! run by `.ci/run`, and by this test when missing). A missing engine fails
//! the test; `LLMSPEND_SKIP_INTEROP=1` skips it locally, saying so.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::util::TestDir;

const BYS: [&str; 2] = ["team,model", "day,cost_center"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_llmspend")
}

/// The venv's `bin/` folder, or `None` when the test is skipped.
fn venv() -> Option<PathBuf> {
    if std::env::var_os("LLMSPEND_SKIP_INTEROP").is_some_and(|v| v == "1") {
        eprintln!(
            "interop test skipped: LLMSPEND_SKIP_INTEROP=1 (it needs pyspark, DuckDB and Java 17+)"
        );
        return None;
    }
    let status = Command::new("bash")
        .arg(root().join("tests/interop/setup.sh"))
        .current_dir(root())
        .status()
        .expect("run tests/interop/setup.sh");
    assert!(
        status.success(),
        "tests/interop/setup.sh failed (see above); set LLMSPEND_SKIP_INTEROP=1 to skip locally"
    );
    Some(root().join("target/interop-venv/bin"))
}

/// Runs a command, asserting success; returns stdout.
fn sh(what: &str, cmd: &mut Command) -> Vec<u8> {
    let t = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("interop: {what}: {:.1}s", t.elapsed().as_secs_f64());
    out.stdout
}

/// `llmspend ARGS`.
fn llmspend(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args).current_dir(root());
    c
}

/// `spark-submit --master local[2]` of an example, with the binary shipped
/// as `--files`, and the session time zone deliberately not UTC.
fn spark(venv: &Path, script: &str, args: &[&str]) -> Command {
    let mut c = Command::new(venv.join("spark-submit"));
    c.current_dir(root())
        .env("PYSPARK_PYTHON", venv.join("python"))
        .env("PYSPARK_DRIVER_PYTHON", venv.join("python"))
        .args(["--master", "local[2]", "--driver-memory", "1g"])
        .args(["--conf", "spark.sql.session.timeZone=America/Los_Angeles"])
        .args(["--conf", "spark.ui.enabled=false"])
        .arg("--files")
        .arg(bin())
        .arg(root().join(script))
        .args(args);
    c
}

/// Asserts two outputs are byte-identical, showing the first differing
/// line.
fn same(what: &str, got: &[u8], want: &[u8]) {
    if got == want {
        return;
    }
    let (g, w) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    let diff = g
        .lines()
        .zip(w.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {}:\n  got:  {a}\n  want: {b}", i + 1))
        .unwrap_or_else(|| format!("{} lines vs {}", g.lines().count(), w.lines().count()));
    panic!("{what} differs from `llmspend report`: {diff}");
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `llmspend report FILES --by BY --format csv` plus options.
fn report(files: &[PathBuf], by: &str, extra: &[&str]) -> Vec<u8> {
    let mut c = llmspend(&["report", "--by", by, "--format", "csv", "-q"]);
    c.args(files).args(extra);
    sh(&format!("report --by {by} {extra:?}"), &mut c)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn spark_and_duckdb_reproduce_the_report_byte_for_byte() {
    let Some(venv) = venv() else { return };
    let start = Instant::now();
    let dir = TestDir::new();
    let python = venv.join("python");
    sh(
        "gen.py",
        Command::new(&python)
            .arg(root().join("tests/interop/gen.py"))
            .arg(dir.path()),
    );
    let logs = dir.path().join("logs");
    let all = vec![logs.clone()];

    // The partials map step with --no-dedupe: a request_id crossing files
    // counts in each partial, as it does in `report --no-dedupe`. One job
    // at the finest grain, rolled up by `merge --by`.
    let merged = dir.path().join("all.partial.jsonl");
    sh(
        "spark partials.py (all files, --no-dedupe)",
        spark(
            &venv,
            "examples/spark/partials.py",
            &[s(&logs), "-o", s(&merged), "--format", "partial"],
        )
        .args(["--by", "team,model,day,cost_center", "--", "--no-dedupe"]),
    );
    for by in BYS {
        let got = sh(
            "merge --by",
            &mut llmspend(&["merge", s(&merged), "--by", by, "--format", "csv", "-q"]),
        );
        same(
            &format!("partials.py --no-dedupe, --by {by}"),
            &got,
            &report(&all, by, &["--no-dedupe"]),
        );
    }

    // With dedupe, on files no request_id crosses (part-0000 and part-0002
    // share none; part-0003 is LiteLLM, edge.jsonl has an in-file
    // duplicate): each partial dedupes its own file, as report does.
    let some: Vec<PathBuf> = [
        "edge.jsonl",
        "part-0000.jsonl.gz",
        "part-0002.jsonl.gz",
        "part-0003.jsonl.gz",
    ]
    .iter()
    .map(|f| logs.join(f))
    .collect();
    let glob = format!("{}/{{edge.jsonl,part-000[023].jsonl.gz}}", s(&logs));
    let out = dir.path().join("some.csv");
    sh(
        "spark partials.py (4 files)",
        &mut spark(
            &venv,
            "examples/spark/partials.py",
            &[&glob, "-o", s(&out), "--by", "team,model"],
        ),
    );
    same(
        "partials.py on 4 files",
        &read(&out),
        &report(&some, "team,model", &[]),
    );

    eprintln!("interop: total {:.1}s", start.elapsed().as_secs_f64());
}
