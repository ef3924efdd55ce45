//! `normalize` to Parquet: the schema read back with the `parquet` crate
//! (types, nullability, `day` in the file), the rows' exact costs sum to
//! the report, a re-run replaces its own files, and OUT is checked before
//! any input is read.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use arrow_array::{Array, Date32Array, Decimal128Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{ConvertedType, LogicalType, Repetition, TimeUnit};
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::util::*;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect()
}

#[test]
fn the_schema_reads_back_with_types_nullability_and_day_in_the_file() {
    let dir = TestDir::new();
    let out = dir.path().join("usage");
    run(
        llmspend()
            .args(["normalize", "samples/", "--quiet", "-o"])
            .arg(&out),
        0,
    );
    let files = parquet_files(&out);
    assert!(files.len() > 1, "{files:?}");
    let f = SerializedFileReader::new(fs::File::open(&files[0]).unwrap()).unwrap();
    let schema = f.metadata().file_metadata().schema_descr();
    let cols: Vec<_> = schema
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(cols.len(), 30);
    assert_eq!(cols[0], "timestamp");
    assert_eq!(cols[29], "source_line");
    let by_name = |n: &str| {
        schema
            .columns()
            .iter()
            .find(|c| c.name() == n)
            .unwrap()
            .clone()
    };
    let ts = by_name("timestamp");
    assert_eq!(
        ts.logical_type_ref(),
        Some(&LogicalType::Timestamp {
            is_adjusted_to_u_t_c: true,
            unit: TimeUnit::MICROS
        })
    );
    assert_eq!(
        ts.self_type().get_basic_info().repetition(),
        Repetition::REQUIRED
    );
    assert_eq!(by_name("day").converted_type(), ConvertedType::DATE);
    let cost = by_name("cost_usd");
    assert_eq!(
        cost.logical_type_ref(),
        Some(&LogicalType::Decimal {
            scale: 12,
            precision: 38
        })
    );
    assert_eq!(
        cost.self_type().get_basic_info().repetition(),
        Repetition::REQUIRED
    );
    let rep = by_name("reported_cost_usd");
    assert_eq!(
        rep.self_type().get_basic_info().repetition(),
        Repetition::OPTIONAL
    );
    assert_eq!(
        by_name("team").logical_type_ref(),
        Some(&LogicalType::String)
    );
    assert_eq!(
        by_name("team").self_type().get_basic_info().repetition(),
        Repetition::OPTIONAL
    );
    assert_eq!(
        by_name("priced").physical_type(),
        parquet::basic::Type::BOOLEAN
    );
    assert_eq!(
        by_name("requests").physical_type(),
        parquet::basic::Type::INT64
    );
    assert_eq!(
        f.metadata().row_group(0).column(0).compression(),
        parquet::basic::Compression::SNAPPY
    );

    // Every file's `day` is its folder's; costs sum to the report per team.
    let mut teams: BTreeMap<String, i128> = BTreeMap::new();
    let mut rows = 0;
    for path in &files {
        let folder = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let reader = ParquetRecordBatchReaderBuilder::try_new(fs::File::open(path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let b = batch.unwrap();
            rows += b.num_rows();
            let day = b
                .column_by_name("day")
                .unwrap()
                .as_any()
                .downcast_ref::<Date32Array>()
                .unwrap();
            let cost = b
                .column_by_name("cost_usd")
                .unwrap()
                .as_any()
                .downcast_ref::<Decimal128Array>()
                .unwrap();
            let team = b
                .column_by_name("team")
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap();
            for i in 0..b.num_rows() {
                let d = day.value_as_date(i).unwrap().format("%Y-%m-%d").to_string();
                assert_eq!(format!("day={d}"), folder);
                let t = if team.is_null(i) {
                    "(unattributed)"
                } else {
                    team.value(i)
                };
                *teams.entry(t.to_string()).or_default() += cost.value(i);
            }
        }
    }
    let report =
        json(&stdout_ok(llmspend().args([
            "report", "samples/", "--format", "json", "--by", "team",
        ])));
    assert_eq!(
        rows as u64,
        report["accounting"]["parsed"].as_u64().unwrap()
    );
    for g in report["groups"].as_array().unwrap() {
        let team = g["team"].as_str().unwrap_or("(unattributed)");
        let p = teams[team];
        let (q, r) = (p / 1_000_000, p % 1_000_000);
        let q = if r > 500_000 || (r == 500_000 && q % 2 == 1) {
            q + 1
        } else {
            q
        };
        assert_eq!(
            format!("{}.{:06}", q / 1_000_000, q % 1_000_000),
            g["cost_usd"],
            "{team}"
        );
    }
    let manifest = files_under(&out.join("_llmspend"));
    assert_eq!(manifest.len(), 1, "{manifest:?}");
    let m = json(&fs::read_to_string(&manifest[0]).unwrap());
    assert_eq!(m["schema"], "llmspend.usage.v1");
    assert_eq!(m["accounting"], report["accounting"]);
    assert_eq!(m["rates_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_rerun_replaces_its_own_files_and_another_run_adds_its_own() {
    let dir = TestDir::new();
    let out = dir.path().join("usage");
    let normalize = |extra: &[&str]| {
        run(
            llmspend()
                .args(["normalize", "samples/", "--quiet", "-o"])
                .arg(&out)
                .args(extra),
            0,
        );
        files_under(&out)
            .into_iter()
            .map(|p| (p.clone(), fs::read(&p).unwrap()))
            .collect::<Vec<_>>()
    };
    let first = normalize(&[]);
    let second = normalize(&[]);
    assert_eq!(first, second);
    assert!(first
        .iter()
        .all(|(p, _)| !p.file_name().unwrap().to_string_lossy().starts_with('.')));
    let third = normalize(&["--run-id", "retry-7"]);
    let parts = parquet_files(&out).len();
    assert_eq!(parts, 2 * parquet_files_count(&first));
    assert_eq!(third.len(), 2 * first.len());
    // A narrower re-run of the same id drops the days it no longer has.
    normalize(&["--run-id", "retry-7", "--since", "2026-10-15"]);
    let kept: Vec<_> = parquet_files(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("retry-7"))
        .collect();
    assert!(!kept.is_empty());
    assert!(
        kept.iter().all(|p| p.to_string_lossy().as_ref()
            >= out.join("day=2026-10-15").to_string_lossy().as_ref()),
        "{kept:?}"
    );
}

fn parquet_files_count(files: &[(PathBuf, Vec<u8>)]) -> usize {
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "parquet"))
        .count()
}

#[test]
fn out_is_checked_before_reading() {
    let dir = TestDir::new();
    // Another schema version in OUT.
    let out = dir.path().join("usage");
    fs::create_dir_all(out.join("_llmspend")).unwrap();
    fs::write(
        out.join("_llmspend/run-x.json"),
        r#"{"schema":"llmspend.usage.v2"}"#,
    )
    .unwrap();
    let o = run(
        llmspend().args(["normalize", "samples/", "-o"]).arg(&out),
        2,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("llmspend.usage.v2"));
    // Not writable: under a regular file. A missing input is not read first.
    let file = dir.create("plain", "x");
    let o = run(
        llmspend()
            .args(["normalize", "no/such/input", "-o"])
            .arg(file.join("usage")),
        2,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot create"), "{err}");
    assert!(!err.contains("no/such/input"), "{err}");
}

#[test]
fn a_days_file_is_split_past_the_size_limit_and_a_rerun_drops_old_splits() {
    let dir = TestDir::new();
    let out = dir.path().join("usage");
    let count = |max: &str| {
        run(
            llmspend()
                .args(["normalize", "samples/", "--quiet", "--run-id", "r1"])
                .args(["--max-file-bytes", max, "-o"])
                .arg(&out),
            0,
        );
        parquet_files(&out)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("day=2026-10-01"))
            .collect::<Vec<_>>()
    };
    let split = count("1");
    assert!(split.len() > 1, "{split:?}");
    assert!(
        split.iter().any(|p| p.ends_with("part-r1.1.parquet")),
        "{split:?}"
    );
    let whole = count("1000000000");
    assert_eq!(whole.len(), 1, "{whole:?}");
    assert!(whole[0].ends_with("part-r1.parquet"));
}

/// `llmspend ARGS` under a file-size limit of `kib` KiB: a write past it
/// fails with EFBIG, as on a full disk (SIGXFSZ ignored).
#[cfg(unix)]
fn limited(kib: u32, args: &[&str]) -> std::process::Output {
    let mut script = format!(
        "trap '' XFSZ; ulimit -f {kib}; exec '{}'",
        env!("CARGO_BIN_EXE_llmspend")
    );
    for a in args {
        script += &format!(" '{a}'");
    }
    // bash counts `ulimit -f` in KiB (dash in 512-byte blocks).
    std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LLMSPEND_NO_CONFIG", "1")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_full_disk_exits_2_and_leaves_no_partial_file() {
    let dir = TestDir::new();
    let out = dir.path().join("usage");
    let o = out.to_str().unwrap();
    // A first run, complete: a later failed run must leave it as it was.
    stdout_ok(llmspend().args([
        "normalize",
        "samples/gateway.jsonl",
        "-q",
        "-o",
        o,
        "--run-id",
        "r",
    ]));
    let before: Vec<(PathBuf, Vec<u8>)> = files_under(&out)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    // Each day file of samples/ is ~15 KiB: the limit fails the first.
    let r = limited(
        8,
        &["normalize", "samples/", "-q", "-o", o, "--run-id", "r"],
    );
    assert_eq!(
        r.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("File too large"), "{err}");
    let after: Vec<(PathBuf, Vec<u8>)> = files_under(&out)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert_eq!(after, before, "the failed run changed the folder");
    // Into an empty folder: no file at all, not even a temporary one. A
    // first day of one row (~9 KiB of Parquet) fits under the limit and
    // the next days (~15 KiB) do not: the first must not be left behind.
    let mut text = String::from(
        &fs::read_to_string("samples/gateway.jsonl").unwrap()[..]
            .lines()
            .next()
            .unwrap()
            .replace("2026-10-01", "2026-09-01"),
    );
    text.push('\n');
    text += &fs::read_to_string("samples/gateway.jsonl").unwrap();
    let input = dir.create("two-sizes.jsonl", text);
    let fresh = dir.path().join("fresh");
    let r = limited(
        12,
        &[
            "normalize",
            input.to_str().unwrap(),
            "-q",
            "-o",
            fresh.to_str().unwrap(),
        ],
    );
    assert_eq!(
        r.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert_eq!(files_under(&fresh), Vec::<PathBuf>::new());
    // Without the limit the same run writes the small first day.
    stdout_ok(llmspend().args([
        "normalize",
        input.to_str().unwrap(),
        "-q",
        "-o",
        fresh.to_str().unwrap(),
    ]));
    let small = files_under(&fresh)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("day=2026-09-01"))
        .expect("a 2026-09-01 file");
    let size = fs::metadata(&small).unwrap().len();
    assert!(
        size < 12 << 10,
        "{size}: the first day no longer fits the limit"
    );
    // JSONL to a file: the same.
    let jsonl = dir.path().join("usage.jsonl");
    let r = limited(
        8,
        &["normalize", "samples/", "-q", "-o", jsonl.to_str().unwrap()],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(!jsonl.exists());
    assert_eq!(
        fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.'))
            .count(),
        0,
        "a temporary file was left"
    );
}
