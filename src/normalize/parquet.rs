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
/// synced and closed, waiting to be renamed to `path`. Dropped before
/// that, the temporary file is removed.
struct Staged {
    temp: tempfile::TempPath,
    path: PathBuf,
}

/// A temporary file beside `path`, dot-prefixed (engines skip it).
fn temp_beside(path: &Path) -> io::Result<(fs::File, tempfile::TempPath)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    Ok(temp.into_parts())
}

/// Writes a file under a dot-prefixed temporary name beside `path`;
/// [`Staged::persist`] renames it.
fn stage(path: &Path, write: impl FnOnce(&mut fs::File) -> io::Result<()>) -> io::Result<Staged> {
    let (mut file, temp) = temp_beside(path)?;
    write(&mut file)?;
    file.sync_all()?;
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

/// Rows of a day gathered before they go to its writer as a batch.
const DAY_BATCH: usize = 2048;
/// Days with a file open at once; past it the day written to least
/// recently is closed (its next rows go on in its next part file).
const OPEN_DAYS: usize = 64;
/// Bytes of unfinished row groups over every open day; past it the
/// largest is flushed as a row group.
const ROW_GROUP_BUDGET: usize = 64 << 20;

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

/// A file of a day being written.
struct Open {
    writer: ArrowWriter<fs::File>,
    temp: tempfile::TempPath,
    path: PathBuf,
    /// Memory its unfinished row group takes, as last measured.
    in_progress: usize,
}

/// One day of the run: rows waiting for a batch, the file being written,
/// the number of its next file.
struct Day {
    dir: PathBuf,
    rows: Vec<Row>,
    open: Option<Open>,
    next_part: usize,
    /// When it was last written to (for closing the least recent).
    used: u64,
}

/// The Parquet writer of a run: rows come in (file, line) order and go to
/// their day's file as they come, in batches; a day's file is closed past
/// `max_bytes` (the next one begun), row groups are flushed when the
/// unfinished ones grow past [`ROW_GROUP_BUDGET`], and at most
/// [`OPEN_DAYS`] files are open, so memory does not grow with the input
/// (docs/normalize.md). Every file stays under its temporary name until
/// [`Writer::finish`].
pub struct Writer {
    out: PathBuf,
    run: String,
    max_bytes: usize,
    rows_per_batch: usize,
    props: WriterProperties,
    schema: Arc<Schema>,
    days: BTreeMap<i64, Day>,
    staged: Vec<Staged>,
    made: Vec<PathBuf>,
    tick: u64,
}

impl Writer {
    /// The writer of run `run` into `out`, splitting day files past
    /// `max_bytes`.
    pub fn new(out: &Path, run: &str, max_bytes: usize) -> Self {
        let max_bytes = max_bytes.max(1);
        Writer {
            out: out.to_path_buf(),
            run: run.to_string(),
            max_bytes,
            // The size is checked between batches: a small limit (tests)
            // checks every few rows.
            rows_per_batch: if max_bytes < 64 << 20 { 16 } else { DAY_BATCH },
            props: WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("llmspend {}", env!("CARGO_PKG_VERSION")))
                .build(),
            schema: Arc::new(arrow_schema()),
            days: BTreeMap::new(),
            staged: Vec::new(),
            made: Vec::new(),
            tick: 0,
        }
    }

    /// Takes the next row.
    pub fn push(&mut self, row: Row, files: &[String]) -> io::Result<()> {
        let key = row.day;
        if !self.days.contains_key(&key) {
            let dir = self
                .out
                .join(format!("day={}", crate::time::format_day(key)));
            if !dir.exists() {
                fs::create_dir_all(&dir)?;
                self.made.push(dir.clone());
            }
            let day = Day {
                dir,
                rows: Vec::new(),
                open: None,
                next_part: 0,
                used: 0,
            };
            self.days.insert(key, day);
        }
        self.tick += 1;
        let tick = self.tick;
        let Some(day) = self.days.get_mut(&key) else {
            return Ok(());
        };
        day.used = tick;
        day.rows.push(row);
        if day.rows.len() >= self.rows_per_batch {
            self.write_batch(key, files)?;
        }
        Ok(())
    }

    /// Writes day `key`'s waiting rows to its file (opened if needed, and
    /// closed past the size limit).
    fn write_batch(&mut self, key: i64, files: &[String]) -> io::Result<()> {
        let needs_file = self.days.get(&key).is_some_and(|d| d.open.is_none());
        if needs_file {
            self.keep_open_below(OPEN_DAYS, files)?;
        }
        let (schema, props, run) = (&self.schema, &self.props, &self.run);
        let Some(day) = self.days.get_mut(&key) else {
            return Ok(());
        };
        if day.rows.is_empty() {
            return Ok(());
        }
        if day.open.is_none() {
            let path = day.dir.join(part_name(run, day.next_part));
            day.next_part += 1;
            let (file, temp) = temp_beside(&path)?;
            let writer =
                ArrowWriter::try_new(file, schema.clone(), Some(props.clone())).map_err(err)?;
            day.open = Some(Open {
                writer,
                temp,
                path,
                in_progress: 0,
            });
        }
        let rows: Vec<&Row> = day.rows.iter().collect();
        let b = batch(schema, &rows, files)?;
        drop(rows);
        day.rows.clear();
        let Some(open) = day.open.as_mut() else {
            return Ok(());
        };
        open.writer.write(&b).map_err(err)?;
        open.in_progress = open.writer.memory_size();
        let size = open.writer.bytes_written() + open.writer.in_progress_size();
        let full = size >= self.max_bytes;
        if full {
            self.close(key)?;
        }
        self.within_budget()
    }

    /// Flushes the largest unfinished row groups while they add up past
    /// the budget.
    fn within_budget(&mut self) -> io::Result<()> {
        loop {
            let open = self.days.values_mut().filter_map(|d| d.open.as_mut());
            let (total, largest) = open.fold((0, None::<&mut Open>), |(t, big), o| {
                let size = o.in_progress;
                let bigger = match big {
                    Some(b) if b.in_progress >= size => Some(b),
                    _ => Some(o),
                };
                (t + size, bigger)
            });
            let Some(o) = largest.filter(|_| total > ROW_GROUP_BUDGET) else {
                return Ok(());
            };
            o.writer.flush().map_err(err)?;
            o.in_progress = o.writer.memory_size();
        }
    }

    /// Closes the least recently written days until fewer than `limit`
    /// have a file open.
    fn keep_open_below(&mut self, limit: usize, files: &[String]) -> io::Result<()> {
        while self.days.values().filter(|d| d.open.is_some()).count() >= limit {
            let Some(key) = self
                .days
                .iter()
                .filter(|(_, d)| d.open.is_some())
                .min_by_key(|(_, d)| d.used)
                .map(|(k, _)| *k)
            else {
                return Ok(());
            };
            // Its waiting rows first, into the file still open.
            let rows = self
                .days
                .get_mut(&key)
                .map(|d| std::mem::take(&mut d.rows))
                .unwrap_or_default();
            if !rows.is_empty() {
                let rows: Vec<&Row> = rows.iter().collect();
                let b = batch(&self.schema, &rows, files)?;
                if let Some(o) = self.days.get_mut(&key).and_then(|d| d.open.as_mut()) {
                    o.writer.write(&b).map_err(err)?;
                }
            }
            self.close(key)?;
        }
        Ok(())
    }

    /// Finishes day `key`'s open file and stages it.
    fn close(&mut self, key: i64) -> io::Result<()> {
        let Some(open) = self.days.get_mut(&key).and_then(|d| d.open.take()) else {
            return Ok(());
        };
        let Open {
            writer, temp, path, ..
        } = open;
        // Writes the last row group and the footer.
        let file = writer.into_inner().map_err(err)?;
        file.sync_all()?;
        drop(file);
        self.staged.push(Staged { temp, path });
        Ok(())
    }

    /// Writes what is left, the manifest last, then renames every file to
    /// its name and removes this run's other files (days or splits it no
    /// longer has). On an error every temporary file and the folders the
    /// run made are removed, and the run's earlier files stay.
    pub fn finish(
        mut self,
        files: &[String],
        manifest: &serde_json::Value,
    ) -> io::Result<Vec<PathBuf>> {
        let done = (|| -> io::Result<Staged> {
            let keys: Vec<i64> = self.days.keys().copied().collect();
            for key in keys {
                self.write_batch(key, files)?;
                self.close(key)?;
            }
            let manifest_path = self
                .out
                .join("_llmspend")
                .join(format!("run-{}.json", self.run));
            stage(&manifest_path, |f| {
                serde_json::to_writer_pretty(&mut *f, manifest)?;
                io::Write::write_all(f, b"\n")
            })
        })();
        match done {
            Ok(manifest) => self.persist(manifest),
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }

    /// Removes every temporary file and the folders the run made.
    pub fn abandon(mut self) {
        self.days.clear();
        self.staged.clear();
        for dir in std::mem::take(&mut self.made) {
            let _ = fs::remove_dir(dir);
        }
    }

    fn persist(mut self, manifest: Staged) -> io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for s in std::mem::take(&mut self.staged) {
            written.push(s.persist()?);
        }
        written.sort();
        let out = &self.out;
        // A re-run replaces its files: days or splits it no longer has go.
        for entry in fs::read_dir(out)?.flatten() {
            if !entry.file_name().to_string_lossy().starts_with("day=") {
                continue;
            }
            for f in fs::read_dir(entry.path())?.flatten() {
                let path = f.path();
                if is_part_of(&f.file_name().to_string_lossy(), &self.run)
                    && written.binary_search(&path).is_err()
                {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        manifest.persist()?;
        Ok(written)
    }
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
