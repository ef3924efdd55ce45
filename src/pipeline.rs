//! The run: every input through its source and the workers, merged into
//! one [`Report`].
//!
//! Files are opened in their sorted order, each detected once. Mapped files
//! are cut into chunks and all chunks of all of them go to rayon together,
//! so one large file still uses every core; each chunk's pages are released
//! once it is processed, so resident memory stays flat. Streams (compressed
//! files, `--no-mmap`, special files) are read chunk by chunk, one rayon
//! task per file, so several compressed files decompress in parallel.
//! Standard input is read in batches of chunks parsed in parallel. Nothing
//! has to fit in memory whole. Per-worker partials become string-keyed
//! [`Partial`]s and are summed: the only synchronization.

use std::io::{Cursor, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use indicatif::ProgressBar;

use rustc_hash::FxHashMap;

use crate::accounting::{Accounting, Ledger};
use crate::aggregate::{sort_groups, Dimension, Group, GroupValues, Totals};
use crate::input::chunk::{split_scanned, StreamChunks, CHUNK_BYTES};
use crate::input::decompress::{self, Counting};
use crate::input::{mmap, Input};
use crate::sources::{self, Parser, Sample, Source, SourceOptions};
use crate::worker::{Chunk, Plan, Worker};

/// How the run reads its inputs.
#[derive(Clone)]
pub struct ReadOptions {
    /// Worker threads.
    pub threads: usize,
    /// `--source NAME`: skip detection.
    pub source: Option<&'static dyn Source>,
    /// Options for every source (`--map`).
    pub source_options: SourceOptions,
    /// Target chunk size in bytes.
    pub chunk_bytes: usize,
    /// Memory-map plain files.
    pub mmap: bool,
    /// Show a progress bar on stderr (already decided: a terminal and not
    /// `--quiet`).
    pub progress: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            threads: 1,
            source: None,
            source_options: SourceOptions::default(),
            chunk_bytes: CHUNK_BYTES,
            mmap: true,
            progress: false,
        }
    }
}

/// Unattributed shares, unpriced models and pricing notes of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Parsed records without a team.
    pub no_team: Totals,
    /// Parsed records without a cost center.
    pub no_cost_center: Totals,
    /// Unpriced models (`None`: no model field) with requests and tokens,
    /// most requests first.
    pub unpriced: Vec<(Option<String>, u128, u128)>,
    /// Requests priced at standard because their tier had no row.
    pub tier_fallback: u128,
    /// Aggregated rows that a long-context tier could have repriced.
    pub tier_skipped: u128,
}

/// The merged result of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// `--by`.
    pub dims: Vec<Dimension>,
    /// Groups, sorted by cost desc then values asc.
    pub groups: Vec<Group>,
    /// Totals over all groups.
    pub totals: Totals,
    /// Line accounting.
    pub accounting: Accounting,
    /// Coverage.
    pub coverage: Coverage,
    /// Per input: its name and the source that read it.
    pub sources: Vec<(String, &'static str)>,
}

/// Per-worker results with string keys: plain data, merged by addition.
#[derive(Debug, Default)]
pub struct Partial {
    groups: FxHashMap<GroupValues, Totals>,
    ledger: Ledger,
    total: Totals,
    no_team: Totals,
    no_cost_center: Totals,
    unpriced: FxHashMap<Option<String>, (u128, u128)>,
    tier_fallback: u128,
    tier_skipped: u128,
    chunk_lines: Vec<((u32, u32), u64)>,
}

impl Partial {
    fn from_worker(w: Worker<'_>, dims: &[Dimension]) -> Partial {
        let unpriced = w
            .coverage
            .unpriced
            .iter()
            .map(|(&id, &v)| {
                (
                    (id != u32::MAX).then(|| w.groups.interner.get(id).to_string()),
                    v,
                )
            })
            .collect();
        Partial {
            unpriced,
            groups: w.groups.into_values(dims),
            ledger: w.ledger,
            total: w.coverage.total,
            no_team: w.coverage.no_team,
            no_cost_center: w.coverage.no_cost_center,
            tier_fallback: w.coverage.tier_fallback,
            tier_skipped: w.coverage.tier_skipped,
            chunk_lines: w.chunk_lines,
        }
    }

    /// Adds another partial; commutative and associative.
    pub fn merge(mut self, o: Partial) -> Partial {
        for (k, t) in o.groups {
            self.groups.entry(k).or_default().merge(&t);
        }
        self.ledger.merge(o.ledger);
        self.total.merge(&o.total);
        self.no_team.merge(&o.no_team);
        self.no_cost_center.merge(&o.no_cost_center);
        for (k, (r, t)) in o.unpriced {
            let e = self.unpriced.entry(k).or_default();
            e.0 += r;
            e.1 += t;
        }
        self.tier_fallback += o.tier_fallback;
        self.tier_skipped += o.tier_skipped;
        self.chunk_lines.extend(o.chunk_lines);
        self
    }
}

/// An input opened and recognised.
struct Opened {
    id: u32,
    parser: Box<dyn Parser>,
    bytes: mmap::Bytes,
}

const SAMPLE_BYTES: usize = 64 << 10;

fn sample_of(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    &bytes[..bytes.len().min(SAMPLE_BYTES)]
}

/// Recognises the format from a sample, or says why not.
fn open_parser(
    input: &Input,
    head: &[u8],
    options: &ReadOptions,
) -> Result<(Box<dyn Parser>, &'static str), String> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(
            "the file is UTF-16; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)".into(),
        );
    }
    let sample = Sample {
        path: input.path(),
        head,
    };
    let source = match options.source {
        Some(s) => s,
        None => sources::detect(&sample).ok_or_else(|| {
            format!(
                "no source recognises this file; force one with --source ({})",
                sources::names().join(", ")
            )
        })?,
    };
    let parser = source.open(&sample, &options.source_options)?;
    Ok((parser, source.name()))
}

/// Reads every input and returns the merged report.
pub fn run(inputs: &[Input], plan: &Plan<'_>, options: &ReadOptions) -> anyhow::Result<Report> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()?;
    let total_bytes = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum();
    let progress = crate::progress::bar(total_bytes, options.progress);
    let mut unreadable = Vec::new();
    let mut names = Vec::new();
    let mut used_sources = Vec::new();
    let mut opened = Vec::new();
    let mut streams = Vec::new();
    let mut stdin_ids = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let id = i as u32;
        names.push(input.display());
        match input {
            Input::Stdin => stdin_ids.push(id),
            Input::File(path) => match mmap::open(path, options.mmap) {
                Err(e) => unreadable.push((input.display(), e.to_string())),
                Ok(mmap::Opened::Stream(file)) => streams.push((id, input, file)),
                Ok(mmap::Opened::Mapped(bytes)) => {
                    match open_parser(input, sample_of(&bytes), options) {
                        Err(e) => unreadable.push((input.display(), e)),
                        Ok((parser, name)) => {
                            used_sources.push((input.display(), name));
                            opened.push(Opened { id, parser, bytes });
                        }
                    }
                }
            },
        }
    }
    let mut chunks = Vec::new();
    for o in &opened {
        let framing = o.parser.framing();
        // Finding record boundaries reads pages (every one for CSV, for quote
        // parity): drop them as the scan goes, so only chunks in flight are
        // resident.
        let release = |r: std::ops::Range<usize>| o.bytes.release(&o.bytes[r]);
        for (index, range) in split_scanned(&o.bytes, framing, options.chunk_bytes, release)
            .into_iter()
            .enumerate()
        {
            chunks.push(Chunk {
                file: o.id,
                index: index as u32,
                bytes: &o.bytes[range],
                parser: o.parser.as_ref(),
                first: index == 0,
            });
        }
    }
    // After a chunk: drop its pages (flat memory) and report progress.
    // `opened` is in id order.
    let done = |c: &Chunk<'_>| {
        if let Ok(i) = opened.binary_search_by_key(&c.file, |o| o.id) {
            opened[i].bytes.release(c.bytes);
        }
        progress.inc(c.bytes.len() as u64);
    };
    let mut partial = pool.install(|| process(&chunks, plan, &done));
    drop(chunks);
    drop(opened);
    let streamed: Vec<_> = pool.install(|| {
        use rayon::prelude::*;
        streams
            .into_par_iter()
            .map(|(id, input, file)| {
                let count = Arc::new(AtomicU64::new(0));
                let raw = Counting::new(Progressing::new(file, &progress), count.clone());
                (input, read_file(id, input, raw, count, plan, options))
            })
            .collect()
    });
    for (input, result) in streamed {
        match result {
            Ok((p, name)) => {
                used_sources.push((input.display(), name));
                partial = partial.merge(p);
            }
            Err(e) => unreadable.push((input.display(), e)),
        }
    }
    for id in stdin_ids {
        let count = Arc::new(AtomicU64::new(0));
        let raw = Counting::new(Progressing::new(std::io::stdin(), &progress), count.clone());
        match read_stream(id, raw, count, plan, options, &pool) {
            Ok(Some((p, name))) => {
                used_sources.push(("-".to_string(), name));
                partial = partial.merge(p);
            }
            Ok(None) => used_sources.push(("-".to_string(), "(empty)")),
            Err(e) => unreadable.push(("-".to_string(), e)),
        }
    }
    progress.finish_and_clear();
    Ok(finish(partial, plan, names, unreadable, used_sources))
}

/// A reader that reports the bytes it passes to the progress bar.
struct Progressing<'p, R> {
    inner: R,
    bar: &'p ProgressBar,
}

impl<'p, R> Progressing<'p, R> {
    fn new(inner: R, bar: &'p ProgressBar) -> Self {
        Progressing { inner, bar }
    }
}

impl<R: Read> Read for Progressing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// A stream ready to be cut into chunks: its parser, the source's name, and
/// the (decompressed) bytes with the sampled head put back in front.
type OpenedStream<'r> = (
    Box<dyn Parser>,
    &'static str,
    Cursor<Vec<u8>>,
    Box<dyn Read + Send + 'r>,
);

/// Decompresses (if need be) and samples a stream, and recognises its
/// format. `count` counts the raw bytes read, for the decompression guard.
/// Returns `Ok(None)` for an empty stream when `allow_empty`.
fn open_stream<'r>(
    input: &Input,
    raw: impl Read + Send + 'r,
    count: Arc<AtomicU64>,
    options: &ReadOptions,
    allow_empty: bool,
) -> Result<Option<OpenedStream<'r>>, String> {
    let (mut reader, _) = decompress::open(raw, input.path(), count).map_err(|e| e.to_string())?;
    let head = decompress::read_head(&mut reader, SAMPLE_BYTES + 3).map_err(|e| e.to_string())?;
    if head.is_empty() && allow_empty {
        return Ok(None);
    }
    let (parser, name) = open_parser(input, sample_of(&head), options)?;
    Ok(Some((parser, name, Cursor::new(head), reader)))
}

/// Reads one streamed file in this task, chunk by chunk, with one worker.
fn read_file<'r>(
    id: u32,
    input: &Input,
    raw: impl Read + Send + 'r,
    count: Arc<AtomicU64>,
    plan: &Plan<'_>,
    options: &ReadOptions,
) -> Result<(Partial, &'static str), String> {
    let Some((parser, name, head, rest)) = open_stream(input, raw, count, options, false)? else {
        unreachable!("open_stream returns a parser when empty streams are not allowed")
    };
    let framing = parser.framing();
    let mut stream = StreamChunks::new(head.chain(rest), options.chunk_bytes);
    let mut worker = Worker::new(plan);
    let mut index = 0u32;
    while let Some(bytes) = stream.next_chunk(framing).map_err(|e| e.to_string())? {
        worker.process_chunk(&Chunk {
            file: id,
            index,
            bytes: &bytes,
            parser: parser.as_ref(),
            first: index == 0,
        });
        index += 1;
    }
    Ok((Partial::from_worker(worker, &plan.dims), name))
}

/// Reads a stream (stdin) in batches of chunks, one batch in memory at a
/// time, each batch parsed in parallel.
fn read_stream(
    id: u32,
    raw: impl Read + Send,
    count: Arc<AtomicU64>,
    plan: &Plan<'_>,
    options: &ReadOptions,
    pool: &rayon::ThreadPool,
) -> Result<Option<(Partial, &'static str)>, String> {
    let input = Input::Stdin;
    let Some((parser, name, head, rest)) = open_stream(&input, raw, count, options, true)? else {
        return Ok(None);
    };
    let framing = parser.framing();
    let mut stream = StreamChunks::new(head.chain(rest), options.chunk_bytes);
    let mut pending = Vec::new();
    let mut total = Partial::default();
    let mut index = 0u32;
    let batch = options.threads.max(1) * 2;
    loop {
        let mut done = false;
        while pending.len() < batch {
            match stream.next_chunk(framing).map_err(|e| e.to_string())? {
                Some(c) => pending.push(c),
                None => {
                    done = true;
                    break;
                }
            }
        }
        if framing == sources::Framing::Document && pending.len() > 1 {
            pending = vec![pending.concat()];
        }
        let chunks: Vec<Chunk<'_>> = pending
            .iter()
            .enumerate()
            .map(|(i, bytes)| Chunk {
                file: id,
                index: index + i as u32,
                bytes,
                parser: parser.as_ref(),
                first: index == 0 && i == 0,
            })
            .collect();
        index += chunks.len() as u32;
        total = total.merge(pool.install(|| process(&chunks, plan, &|_| ())));
        pending.clear();
        if done {
            break;
        }
    }
    Ok(Some((total, name)))
}

/// Processes chunks in parallel; `done` runs after each one.
fn process(chunks: &[Chunk<'_>], plan: &Plan<'_>, done: &(dyn Fn(&Chunk<'_>) + Sync)) -> Partial {
    use rayon::prelude::*;
    chunks
        .par_iter()
        .fold(
            || Worker::new(plan),
            |mut w, c| {
                w.process_chunk(c);
                done(c);
                w
            },
        )
        .map(|w| Partial::from_worker(w, &plan.dims))
        .reduce(Partial::default, Partial::merge)
}

fn finish(
    p: Partial,
    plan: &Plan<'_>,
    names: Vec<String>,
    unreadable: Vec<(String, String)>,
    sources: Vec<(String, &'static str)>,
) -> Report {
    let mut lines: FxHashMap<u32, Vec<(u32, u64)>> = FxHashMap::default();
    for ((file, chunk), n) in &p.chunk_lines {
        lines.entry(*file).or_default().push((*chunk, *n));
    }
    let mut starts: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    for (file, mut chunks) in lines {
        chunks.sort_unstable();
        let mut next = 1;
        for (chunk, n) in chunks {
            starts.insert((file, chunk), next);
            next += n;
        }
    }
    let mut accounting = Accounting::resolve(
        p.ledger,
        |file, chunk| starts.get(&(file, chunk)).copied().unwrap_or(1),
        |file| names.get(file as usize).cloned().unwrap_or_default(),
    );
    accounting.unreadable = unreadable;
    let mut unpriced: Vec<_> = p
        .unpriced
        .into_iter()
        .map(|(m, (r, t))| (m, r, t))
        .collect();
    unpriced.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut sources = sources;
    sources.sort();
    Report {
        dims: plan.dims.clone(),
        groups: sort_groups(p.groups),
        totals: p.total,
        accounting,
        coverage: Coverage {
            no_team: p.no_team,
            no_cost_center: p.no_cost_center,
            unpriced,
            tier_fallback: p.tier_fallback,
            tier_skipped: p.tier_skipped,
        },
        sources,
    }
}
