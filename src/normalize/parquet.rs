//! Normalized rows as Parquet (arrow-rs, Snappy): `OUT/day=YYYY-MM-DD/
//! part-<run>.parquet`, one file per day per run, and the run's manifest
//! `OUT/_llmspend/run-<run>.json`. Every file is written under a
//! dot-prefixed temporary name in its folder and renamed when whole, so a
//! failed run (a full disk) leaves no visible partial file, and a re-run
//! with the same run id replaces its own files (docs/normalize.md).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{Cell, Row, Type, COLUMNS, SCHEMA};

/// Rows per record batch handed to the writer.
const BATCH: usize = 64 << 10;

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("writing Parquet: {e}"))
}

/// The Arrow schema of [`COLUMNS`].
pub fn arrow_schema() -> Schema {
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|c| {
            let ty = match c.ty {
                Type::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                Type::Date => DataType::Date32,
                Type::Text => DataType::Utf8,
                Type::Int => DataType::Int64,
                Type::Bool => DataType::Boolean,
                Type::Decimal => DataType::Decimal128(38, 12),
            };
            Field::new(c.name, ty, c.nullable)
        })
        .collect();
    Schema::new(fields)
}

fn batch(schema: &Arc<Schema>, rows: &[&Row], files: &[String]) -> io::Result<RecordBatch> {
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(COLUMNS.len());
    for (i, c) in COLUMNS.iter().enumerate() {
        let cells = rows.iter().map(|r| r.cell(i, files));
        let a: ArrayRef = match c.ty {
            Type::Timestamp => Arc::new(
                TimestampMicrosecondArray::from(
                    cells
                        .map(|c| match c {
                            Cell::Timestamp(t) => t.saturating_mul(1_000_000),
                            _ => 0,
                        })
                        .collect::<Vec<i64>>(),
                )
                .with_timezone("UTC"),
            ),
            Type::Date => Arc::new(Date32Array::from(
                cells
                    .map(|c| match c {
                        Cell::Date(d) => i32::try_from(d).unwrap_or(i32::MAX),
                        _ => 0,
                    })
                    .collect::<Vec<i32>>(),
            )),
            Type::Text => Arc::new(StringArray::from(
                cells
                    .map(|c| match c {
                        Cell::Text(t) => t,
                        _ => None,
                    })
                    .collect::<Vec<Option<&str>>>(),
            )),
            Type::Int => Arc::new(Int64Array::from(
                cells
                    .map(|c| match c {
                        Cell::Int(n) => i64::try_from(n).unwrap_or(i64::MAX),
                        _ => 0,
                    })
                    .collect::<Vec<i64>>(),
            )),
            Type::Bool => Arc::new(BooleanArray::from(
                cells
                    .map(|c| matches!(c, Cell::Bool(true)))
                    .collect::<Vec<bool>>(),
            )),
            Type::Decimal => Arc::new(
                Decimal128Array::from(
                    cells
                        .map(|c| match c {
                            Cell::Decimal(d) => d.and_then(|p| i128::try_from(p).ok()),
                            _ => None,
                        })
                        .collect::<Vec<Option<i128>>>(),
                )
                .with_precision_and_scale(38, 12)
                .map_err(err)?,
            ),
        };
        arrays.push(a);
    }
    RecordBatch::try_new(schema.clone(), arrays).map_err(err)
}

/// Checks OUT before any input is read: it is (or can be made) a folder
/// we can write to, and holds no other schema version.
pub fn prepare(out: &Path) -> anyhow::Result<()> {
    let meta = out.join("_llmspend");
    fs::create_dir_all(&meta)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", meta.display()))?;
    tempfile::Builder::new()
        .prefix(".llmspend-check")
        .tempfile_in(&meta)
        .map_err(|e| anyhow::anyhow!("cannot write to {}: {e}", out.display()))?;
    for entry in fs::read_dir(&meta)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if !(name.starts_with("run-") && name.ends_with(".json")) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        let schema = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["schema"].as_str().map(str::to_string));
        if schema.as_deref() != Some(SCHEMA) {
            anyhow::bail!(
                "{} holds another schema ({}, in {}); write {SCHEMA} to another folder",
                out.display(),
                schema.as_deref().unwrap_or("unknown"),
                path.display()
            );
        }
    }
    Ok(())
}

/// A file written under a dot-prefixed temporary name in its folder,
/// synced, waiting to be renamed to `path`.
struct Staged {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes a file under a dot-prefixed temporary name beside `path`;
/// [`Staged::persist`] renames it. Dropped before that, the temporary
/// file is removed: a failed write (a full disk) leaves nothing visible.
fn stage(path: &Path, write: impl FnOnce(&mut fs::File) -> io::Result<()>) -> io::Result<Staged> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    write(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    Ok(Staged {
        temp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Renames the file to its name.
    fn persist(self) -> io::Result<PathBuf> {
        self.temp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }
}

/// Past this size a day's file of a run is closed and the next one
/// begun: `part-<run>.parquet`, `part-<run>.1.parquet`, ...
pub const MAX_FILE_BYTES: usize = 1 << 30;

/// The name of file `n` of a day of run `run` (run ids hold no `.`, so
/// the names of two runs never collide).
fn part_name(run: &str, n: usize) -> String {
    match n {
        0 => format!("part-{run}.parquet"),
        n => format!("part-{run}.{n}.parquet"),
    }
}

/// Returns true if and only if `name` is one of run `run`'s files.
fn is_part_of(name: &str, run: &str) -> bool {
    let Some(rest) = name
        .strip_prefix("part-")
        .and_then(|n| n.strip_prefix(run))
        .and_then(|n| n.strip_suffix(".parquet"))
    else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_prefix('.')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// One day's rows into files of at most about `max_bytes` each.
fn write_day(
    dir: &Path,
    run: &str,
    rows: &[&Row],
    files: &[String],
    props: &WriterProperties,
    max_bytes: usize,
) -> io::Result<Vec<Staged>> {
    let schema = Arc::new(arrow_schema());
    let mut written = Vec::new();
    // The size is checked between batches: a small limit (tests) checks
    // every few rows.
    let rows_per_batch = if max_bytes < 64 << 20 { 16 } else { BATCH };
    let mut batches = rows.chunks(rows_per_batch).peekable();
    while batches.peek().is_some() {
        let path = dir.join(part_name(run, written.len()));
        let staged = stage(&path, |f| {
            let mut w =
                ArrowWriter::try_new(f, schema.clone(), Some(props.clone())).map_err(err)?;
            for chunk in batches.by_ref() {
                w.write(&batch(&schema, chunk, files)?).map_err(err)?;
                if w.bytes_written() + w.in_progress_size() >= max_bytes {
                    break;
                }
            }
            w.close().map_err(err)?;
            Ok(())
        })?;
        written.push(staged);
    }
    Ok(written)
}

/// Writes the rows into per-day files of run `run` under `out` (split
/// past `max_bytes`), removes this run's other files (days or splits it no
/// longer has), and writes the manifest last. Returns the files written.
pub fn write(
    out: &Path,
    run: &str,
    rows: &[Row],
    files: &[String],
    manifest: &serde_json::Value,
    max_bytes: usize,
) -> io::Result<Vec<PathBuf>> {
    let mut days: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        days.entry(r.day).or_default().push(r);
    }
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("llmspend {}", env!("CARGO_PKG_VERSION")))
        .build();
    // Every file is written and synced under a temporary name before any
    // is renamed: a write that fails (a full disk) removes them all and
    // the folders it made, and leaves the previous files of the run.
    let mut staged = Vec::new();
    let mut made = Vec::new();
    let all = (|| -> io::Result<Staged> {
        for (day, rows) in &days {
            let dir = out.join(format!("day={}", crate::time::format_day(*day)));
            if !dir.exists() {
                fs::create_dir_all(&dir)?;
                made.push(dir.clone());
            }
            staged.extend(write_day(&dir, run, rows, files, &props, max_bytes.max(1))?);
        }
        let manifest_path = out.join("_llmspend").join(format!("run-{run}.json"));
        stage(&manifest_path, |f| {
            serde_json::to_writer_pretty(&mut *f, manifest)?;
            io::Write::write_all(f, b"\n")
        })
    })();
    let manifest = match all {
        Ok(m) => m,
        Err(e) => {
            drop(staged);
            for dir in made {
                let _ = fs::remove_dir(dir);
            }
            return Err(e);
        }
    };
    let written = staged
        .into_iter()
        .map(Staged::persist)
        .collect::<io::Result<Vec<PathBuf>>>()?;
    // A re-run replaces its files: days or splits it no longer has go.
    for entry in fs::read_dir(out)?.flatten() {
        if !entry.file_name().to_string_lossy().starts_with("day=") {
            continue;
        }
        for f in fs::read_dir(entry.path())?.flatten() {
            let path = f.path();
            if is_part_of(&f.file_name().to_string_lossy(), run) && !written.contains(&path) {
                let _ = fs::remove_file(&path);
            }
        }
    }
    manifest.persist()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_of_two_runs_never_collide() {
        assert!(is_part_of("part-abc.parquet", "abc"));
        assert!(is_part_of("part-abc.12.parquet", "abc"));
        assert!(!is_part_of("part-abc-1.parquet", "abc"));
        assert!(!is_part_of("part-abc.x.parquet", "abc"));
        assert!(!is_part_of(".part-abc.parquet.x.tmp", "abc"));
        assert!(!is_part_of("part-ab.parquet", "abc"));
        assert_eq!(part_name("r", 0), "part-r.parquet");
        assert_eq!(part_name("r", 2), "part-r.2.parquet");
    }
}
