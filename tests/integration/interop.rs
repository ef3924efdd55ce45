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
        // The table --print-ddl creates is external; the warehouse folder
        // Spark makes anyway goes outside the repository.
        .arg("--conf")
        .arg(format!(
            "spark.sql.warehouse.dir={}",
            std::env::temp_dir()
                .join("llmspend-interop-warehouse")
                .display()
        ))
        // 200 shuffle partitions (the default) cost more than they save
        // on two cores.
        .args(["--conf", "spark.sql.shuffle.partitions=4"])
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
    // What every recipe must reproduce, by BYS index.
    // Its accounting, which the two-stage job's merge must equal.
    let report_acc = dir.path().join("report.accounting.json");
    let want: Vec<Vec<u8>> = BYS
        .iter()
        .map(|by| report(&all, by, &["--accounting", s(&report_acc)]))
        .collect();
    let want_all: Vec<Vec<u8>> = BYS
        .iter()
        .map(|by| report(&all, by, &["--no-dedupe"]))
        .collect();
    // The data has request_ids that cross files: dedupe changes the report.
    assert_ne!(want, want_all, "no duplicates in the generated data");

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
    // Each task named its stream with --stdin-name: samples say the URL.
    let text = String::from_utf8(read(&merged)).unwrap();
    let url = format!("\"file\":\"file:{}\"", s(&logs.join("edge.jsonl")));
    assert!(text.contains(&url), "no {url} in the merged partial");
    for (by, want_all) in BYS.iter().zip(&want_all) {
        let got = sh(
            "merge --by",
            &mut llmspend(&["merge", s(&merged), "--by", by, "--format", "csv", "-q"]),
        );
        same(
            &format!("partials.py --no-dedupe, --by {by}"),
            &got,
            want_all,
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

    two_stage_dedupe_in_spark(&venv, &dir, &logs, &want, &report_acc);
    normalized_parquet_in_spark_sql_and_duckdb(&venv, &dir, &logs, &want, &report_acc);
    eprintln!("interop: total {:.1}s", start.elapsed().as_secs_f64());
}

/// The two-stage job of examples/spark/dedupe.py over every file
/// (request_ids crossing files, a re-shipped file): normalize per file
/// with --no-dedupe, shuffle by request_id, `report - --format partial`
/// per partition (source `llmspend`), merge. One job at the finest grain,
/// rolled up by `merge --by`; its merged accounting is `report`'s.
fn two_stage_dedupe_in_spark(
    venv: &Path,
    dir: &TestDir,
    logs: &Path,
    want: &[Vec<u8>],
    report_acc: &Path,
) {
    let merged = dir.path().join("dedupe.partial.jsonl");
    let acc = dir.path().join("dedupe.accounting.json");
    sh(
        "spark dedupe.py (all files)",
        spark(
            venv,
            "examples/spark/dedupe.py",
            &[s(logs), "-o", s(&merged), "--format", "partial"],
        )
        .args([
            "--by",
            "team,model,day,cost_center",
            "--accounting",
            s(&acc),
        ]),
    );
    for (by, want) in BYS.iter().zip(want) {
        let got = sh(
            "merge --by",
            &mut llmspend(&["merge", s(&merged), "--by", by, "--format", "csv", "-q"]),
        );
        same(&format!("dedupe.py, --by {by}"), &got, want);
    }
    // The tasks name their streams by URL (`file:/…`), report by path.
    let got = String::from_utf8(read(&acc))
        .unwrap()
        .replace("\"file:/", "\"/");
    same(
        "dedupe.py's merged accounting",
        got.as_bytes(),
        &read(report_acc),
    );
}

/// The input files of `logs`, sorted.
fn files(logs: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// normalize's Parquet, grouped by Spark SQL (session time zone
/// America/Los_Angeles) and DuckDB: one run over all files, and one run
/// per file deduped in SQL (usage_dedupe.sql).
fn normalized_parquet_in_spark_sql_and_duckdb(
    venv: &Path,
    dir: &TestDir,
    logs: &Path,
    want: &[Vec<u8>],
    report_acc: &Path,
) {
    let one = dir.path().join("usage-one-run");
    sh(
        "normalize (one run)",
        &mut llmspend(&[
            "normalize",
            "--format",
            "parquet",
            "-q",
            "-o",
            s(&one),
            s(logs),
        ]),
    );
    let per = dir.path().join("usage-per-file");
    let t = Instant::now();
    for f in files(logs) {
        let mut c = llmspend(&["normalize", "--format", "parquet", "-q", "-o", s(&per)]);
        c.arg(&f);
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "normalize {}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "interop: normalize per file: {:.1}s",
        t.elapsed().as_secs_f64()
    );

    let queries = |engine: &str| -> Vec<String> {
        BYS.iter()
            .map(|by| format!("examples/sql/{engine}/report_{}.sql", by.replace(',', "_")))
            .chain([format!("examples/sql/{engine}/coverage.sql")])
            .collect()
    };
    // Coverage of team and cost_center: the report's
    // accounting.unattributed (its --accounting file), as CSV.
    let acc = super::util::json(&String::from_utf8(read(report_acc)).unwrap());
    let mut cov = String::from("field,requests,tokens,cost_usd\n");
    for field in ["team", "cost_center"] {
        let u = &acc["unattributed"][field];
        cov += &format!(
            "{field},{},{},{}\n",
            u["requests"],
            u["tokens"],
            u["cost_usd"].as_str().unwrap()
        );
    }
    // The one run is read through the DDL `--print-ddl` generates, run by
    // each engine (a DuckDB view; a Spark table, partitions recovered).
    let ddl = |engine: &str| -> PathBuf {
        let text = sh(
            &format!("normalize --print-ddl {engine}"),
            &mut llmspend(&["normalize", "--print-ddl", engine, "--location", s(&one)]),
        );
        let path = dir.path().join(format!("{engine}.ddl.sql"));
        std::fs::write(&path, text).unwrap();
        path
    };
    let (spark_ddl, duckdb_ddl) = (ddl("spark"), ddl("duckdb"));
    for (usage, dedupe) in [(&one, false), (&per, true)] {
        let what = if dedupe {
            "per-file runs, deduped in SQL"
        } else {
            "one run, through --print-ddl"
        };
        let out = dir.path().join(format!("spark-{dedupe}"));
        let mut args: Vec<&str> = vec![s(usage)];
        let q = queries("spark");
        args.extend(q.iter().map(String::as_str));
        args.extend(["-o", s(&out)]);
        if dedupe {
            args.push("--dedupe");
        } else {
            args.extend(["--ddl", s(&spark_ddl)]);
        }
        sh(
            &format!("spark sql.py ({what})"),
            &mut spark(venv, "examples/spark/sql.py", &args),
        );
        let dout = dir.path().join(format!("duckdb-{dedupe}"));
        let mut c = Command::new(venv.join("python"));
        c.current_dir(root())
            .arg("examples/sql/run_duckdb.py")
            .arg(usage);
        c.args(queries("duckdb")).arg("-o").arg(&dout);
        if dedupe {
            c.arg("--dedupe");
        } else {
            c.arg("--ddl").arg(&duckdb_ddl);
        }
        sh(&format!("duckdb ({what})"), &mut c);
        same(
            &format!("Spark SQL coverage, {what}"),
            &read(&out.join("coverage.csv")),
            cov.as_bytes(),
        );
        same(
            &format!("DuckDB coverage, {what}"),
            &read(&dout.join("coverage.csv")),
            cov.as_bytes(),
        );
        for (by, want) in BYS.iter().zip(want) {
            let name = format!("report_{}.csv", by.replace(',', "_"));
            same(
                &format!("Spark SQL, {what}, --by {by}"),
                &read(&out.join(&name)),
                want,
            );
            same(
                &format!("DuckDB, {what}, --by {by}"),
                &read(&dout.join(&name)),
                want,
            );
        }
    }
}
