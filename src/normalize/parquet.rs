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

/// Writes `bytes` to `path` through a dot-prefixed temporary file.
fn put(path: &Path, write: impl FnOnce(&mut fs::File) -> io::Result<()>) -> io::Result<()> {
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
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes the rows into per-day files of run `run` under `out`, removes
/// the files of this run for days it no longer has, and writes the
/// manifest last. Returns the files written.
pub fn write(
    out: &Path,
    run: &str,
    rows: &[Row],
    files: &[String],
    manifest: &serde_json::Value,
) -> io::Result<Vec<PathBuf>> {
    let mut days: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        days.entry(r.day).or_default().push(r);
    }
    let schema = Arc::new(arrow_schema());
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("llmspend {}", env!("CARGO_PKG_VERSION")))
        .build();
    let part = format!("part-{run}.parquet");
    let mut written = Vec::new();
    for (day, rows) in &days {
        let dir = out.join(format!("day={}", crate::time::format_day(*day)));
        fs::create_dir_all(&dir)?;
        let path = dir.join(&part);
        put(&path, |f| {
            let mut w =
                ArrowWriter::try_new(f, schema.clone(), Some(props.clone())).map_err(err)?;
            for chunk in rows.chunks(BATCH) {
                w.write(&batch(&schema, chunk, files)?).map_err(err)?;
            }
            w.close().map_err(err)?;
            Ok(())
        })?;
        written.push(path);
    }
    // A re-run replaces its files: days it no longer has lose theirs.
    for entry in fs::read_dir(out)?.flatten() {
        let stale = entry.path().join(&part);
        if entry.file_name().to_string_lossy().starts_with("day=") && !written.contains(&stale) {
            let _ = fs::remove_file(&stale);
        }
    }
    let manifest_path = out.join("_llmspend").join(format!("run-{run}.json"));
    put(&manifest_path, |f| {
        serde_json::to_writer_pretty(&mut *f, manifest)?;
        io::Write::write_all(f, b"\n")
    })?;
    Ok(written)
}
