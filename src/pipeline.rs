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
use crate::dedupe::Seen;
use crate::input::chunk::{split_csv_parallel, split_scanned, StreamChunks, CHUNK_BYTES};
use crate::input::decompress::{self, Counting};
use crate::input::{mmap, Input};
use crate::record::Field;
use crate::sources::{self, Parser, Sample, Source, SourceOptions};
use crate::worker::{Chunk, Mode, Plan, Worker};

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
    /// Per required field (`--require`), in order.
    pub required: Vec<FieldCoverage>,
    /// The dimensions offenders are grouped by.
    pub offender_dims: Vec<Dimension>,
    /// Records whose required fields all came with the request.
    pub by_request: Totals,
    /// Records attributed with help from the ownership map.
    pub by_map: Totals,
    /// Ownership map rows that matched no record (`file:line: field=value`).
    pub stale_owners: Vec<String>,
    /// Returns true if and only if an ownership map was used.
    pub owners_used: bool,
    /// Values of one field that differ only in spelling (same
    /// [`crate::enrich::values::key`]), each with its requests, most first.
    pub inconsistent: Vec<(Field, Vec<(String, u128)>)>,
}

/// The unattributed figures of one required field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCoverage {
    /// The field.
    pub field: Field,
    /// Records without it.
    pub missing: Totals,
    /// Who sends them, grouped by the offender dimensions, worst (most
    /// cost, then most requests) first.
    pub offenders: Vec<Group>,
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
    /// `--allocate-unattributed`: per group (in order), the estimated cost
    /// with the unattributed cost spread in; `None` when not asked for.
    pub allocated: Option<Vec<crate::money::Money>>,
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
    required: Vec<(Totals, FxHashMap<GroupValues, Totals>)>,
    by_request: Totals,
    by_map: Totals,
    owner_hits: Vec<u64>,
    values: Vec<FxHashMap<String, u128>>,
    seen: Seen,
}

fn subtract_map<K: std::hash::Hash + Eq>(map: &mut FxHashMap<K, Totals>, o: FxHashMap<K, Totals>) {
    for (k, t) in o {
        if let Some(mine) = map.get_mut(&k) {
            mine.subtract(&t);
            if *mine == Totals::default() {
                map.remove(&k);
            }
        }
    }
}

impl Partial {
    fn from_worker(w: Worker<'_>, plan: &Plan<'_>) -> Partial {
        let dims = &plan.dims;
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
        let offender_dims = &plan.attribution.offender_dims;
        let required = w
            .coverage
            .required
            .into_iter()
            .map(|r| {
                (
                    r.missing,
                    w.groups.interner.values_of(r.offenders, offender_dims),
                )
            })
            .collect();
        Partial {
            unpriced,
            required,
            by_request: w.coverage.by_request,
            by_map: w.coverage.by_map,
            owner_hits: w.coverage.owner_hits,
            values: w
                .coverage
                .values
                .iter()
                .map(|m| {
                    m.iter()
                        .map(|(&id, &n)| (w.groups.interner.get(id).to_string(), n))
                        .collect()
                })
                .collect(),
            seen: w.seen,
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
        if self.required.len() < o.required.len() {
            self.required
                .resize_with(o.required.len(), Default::default);
        }
        for (mine, (missing, offenders)) in self.required.iter_mut().zip(o.required) {
            mine.0.merge(&missing);
            for (k, t) in offenders {
                mine.1.entry(k).or_default().merge(&t);
            }
        }
        self.by_request.merge(&o.by_request);
        self.by_map.merge(&o.by_map);
        if self.owner_hits.len() < o.owner_hits.len() {
            self.owner_hits.resize(o.owner_hits.len(), 0);
        }
        for (mine, theirs) in self.owner_hits.iter_mut().zip(o.owner_hits) {
            *mine |= theirs;
        }
        if self.values.len() < o.values.len() {
            self.values.resize_with(o.values.len(), Default::default);
        }
        for (mine, theirs) in self.values.iter_mut().zip(o.values) {
            for (v, n) in theirs {
                *mine.entry(v).or_default() += n;
            }
        }
        self.seen.merge(o.seen);
        self
    }

    /// Takes away the records of `dup`, a partial of duplicates counted
    /// before, and moves them from `parsed` to `duplicate`.
    fn subtract(&mut self, dup: Partial) {
        subtract_map(&mut self.groups, dup.groups);
        let n = dup.ledger.counts.parsed;
        self.ledger.counts.parsed -= n;
        self.ledger.counts.duplicate += n;
        self.total.subtract(&dup.total);
        self.no_team.subtract(&dup.no_team);
        self.no_cost_center.subtract(&dup.no_cost_center);
        for (k, (r, t)) in dup.unpriced {
            if let Some(e) = self.unpriced.get_mut(&k) {
                e.0 -= r;
                e.1 -= t;
                if *e == (0, 0) {
                    self.unpriced.remove(&k);
                }
            }
        }
        self.tier_fallback -= dup.tier_fallback;
        self.tier_skipped -= dup.tier_skipped;
        for (mine, (missing, offenders)) in self.required.iter_mut().zip(dup.required) {
            mine.0.subtract(&missing);
            subtract_map(&mut mine.1, offenders);
        }
        self.by_request.subtract(&dup.by_request);
        self.by_map.subtract(&dup.by_map);
        for (mine, theirs) in self.values.iter_mut().zip(dup.values) {
            for (v, n) in theirs {
                if let Some(e) = mine.get_mut(&v) {
                    *e -= n;
                    if *e == 0 {
                        mine.remove(&v);
                    }
                }
            }
        }
    }

    /// Reads again the chunks that hold a losing occurrence of a request
    /// id (and are in `chunks`) and subtracts those records; `release` is
    /// called after each chunk (a mapped one drops its pages again).
    fn drop_duplicates(
        &mut self,
        chunks: &[Chunk<'_>],
        plan: &Plan<'_>,
        pool: &rayon::ThreadPool,
        release: &(dyn Fn(&Chunk<'_>) + Sync),
    ) {
        if !plan.attribution.dedupe {
            return;
        }
        pool.install(|| self.seen.finish());
        if self.seen.rescan.is_empty() {
            return;
        }
        let todo: Vec<Chunk<'_>> = chunks
            .iter()
            .filter(|c| self.seen.rescan.remove(&(c.file, c.index)))
            .copied()
            .collect();
        if todo.is_empty() {
            return;
        }
        let dup = pool.install(|| process(&todo, plan, Mode::Duplicates(&self.seen), release));
        self.subtract(dup);
    }

    /// Returns true if and only if some chunk of input `file` holds a later
    /// occurrence of a request id, under the occurrences seen so far.
    fn needs_rescan(&mut self, file: u32) -> bool {
        if self.seen.rescan.is_empty() && self.seen.is_empty() {
            return false;
        }
        self.seen.finish();
        self.seen.rescan.iter().any(|(f, _)| *f == file)
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

/// Names a UTF-16 or UTF-32 encoding, by its byte order mark or, without
/// one, by the NUL bytes around printable ASCII in the first four bytes
/// (`{\0"\0`).
/// Such a file is refused with that name rather than read as lines that
/// are all malformed. NUL padding alone (a crashed log) is not text.
fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    let text = |b: u8| (0x20..0x7F).contains(&b);
    match head {
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32LE"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        [a, 0, 0, 0, ..] if text(*a) => Some("UTF-32LE"),
        [0, 0, 0, a, ..] if text(*a) => Some("UTF-32BE"),
        [a, 0, b, 0, ..] if text(*a) && text(*b) => Some("UTF-16LE"),
        [0, a, 0, b, ..] if text(*a) && text(*b) => Some("UTF-16BE"),
        _ => None,
    }
}

/// Recognises the format from a sample, or says why not.
fn open_parser(
    input: &Input,
    head: &[u8],
    options: &ReadOptions,
) -> Result<(Box<dyn Parser>, &'static str), String> {
    if let Some(encoding) = wide_encoding(head) {
        return Err(format!(
            "the file is {encoding}; convert it to UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)"
        ));
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

/// A streamed input whose format is known.
struct PendingStream<'r> {
    id: u32,
    input: &'r Input,
    parser: Box<dyn Parser>,
    reader: Box<dyn Read + Send + 'r>,
}

/// Reads every input and returns the merged report.
///
/// Order: open and detect every input; read streamed *documents* whole
/// (a document is one unit anyway); run the document parsers' first pass
/// ([`Parser::prepare`], e.g. cross-file dedupe) over all documents; then
/// process every mapped chunk and document in parallel, then the streamed
/// line and CSV files, then stdin.
pub fn run(inputs: &[Input], plan: &Plan<'_>, options: &ReadOptions) -> anyhow::Result<Report> {
    // Sources may skip the text fields nothing reads: 7% of the instructions
    // of a `--by team,model` JSONL run, 11% of a CSV one (cachegrind).
    let options = &ReadOptions {
        source_options: SourceOptions {
            fields: plan.fields_read(),
            ..options.source_options.clone()
        },
        ..options.clone()
    };
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
    let mut documents: Vec<(u32, Box<dyn Parser>, Vec<u8>)> = Vec::new();
    let mut stdin_ids = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let id = i as u32;
        names.push(input.display());
        match input {
            Input::Stdin => stdin_ids.push(id),
            Input::File(path) => match mmap::open(path, options.mmap) {
                Err(e) => unreadable.push((input.display(), e.to_string())),
                Ok(mmap::Opened::Stream(file)) => {
                    let count = Arc::new(AtomicU64::new(0));
                    let raw = Counting::new(Progressing::new(file, &progress), count.clone());
                    match open_stream(input, raw, count, options, false) {
                        Err(e) => unreadable.push((input.display(), e)),
                        Ok(None) => unreachable!("empty streams are refused above"),
                        Ok(Some((parser, name, head, rest))) => {
                            used_sources.push((input.display(), name));
                            if parser.framing() == sources::Framing::Document {
                                let mut bytes = head.into_inner();
                                if let Err(e) = { rest }.read_to_end(&mut bytes) {
                                    used_sources.pop();
                                    unreadable.push((input.display(), e.to_string()));
                                    continue;
                                }
                                documents.push((id, parser, bytes));
                            } else {
                                streams.push(PendingStream {
                                    id,
                                    input,
                                    parser,
                                    reader: Box::new(head.chain(rest)),
                                });
                            }
                        }
                    }
                }
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
        let ranges = match framing {
            sources::Framing::Csv => {
                pool.install(|| split_csv_parallel(&o.bytes, options.chunk_bytes, release))
            }
            _ => split_scanned(&o.bytes, framing, options.chunk_bytes, release),
        };
        for (index, range) in ranges.into_iter().enumerate() {
            chunks.push(Chunk {
                file: o.id,
                index: index as u32,
                bytes: &o.bytes[range],
                parser: o.parser.as_ref(),
                first: index == 0,
            });
        }
    }
    for (id, parser, bytes) in &documents {
        chunks.push(Chunk {
            file: *id,
            index: 0,
            bytes,
            parser: parser.as_ref(),
            first: true,
        });
    }
    // The first pass reads every document, and dedupe reads chunks again:
    // drop each one's pages after it (they fault back in when it is read
    // next), so a large input is not resident all at once.
    let release = |c: &Chunk<'_>| {
        if let Ok(i) = opened.binary_search_by_key(&c.file, |o| o.id) {
            opened[i].bytes.release(c.bytes);
        }
    };
    pool.install(|| prepare(&chunks, &release));
    // After a chunk: drop its pages (flat memory) and report progress.
    // `opened` is in id order. Dropped pages fault back in if a chunk is
    // read again for dedupe.
    let done = |c: &Chunk<'_>| {
        if let Ok(i) = opened.binary_search_by_key(&c.file, |o| o.id) {
            opened[i].bytes.release(c.bytes);
            progress.inc(c.bytes.len() as u64);
        }
    };
    let mut partial = pool.install(|| process(&chunks, plan, Mode::Count, &done));
    // Many streamed files: one task per file. Few: each file in turn, its
    // chunks in parallel batches, so one big live or compressed file still
    // uses every core.
    let threads = options.threads.max(1);
    let mut rereadable = Vec::new();
    let streamed: Vec<(String, Result<Partial, String>)> = if streams.len() >= threads {
        let (jobs, keep): (Vec<_>, Vec<_>) = streams
            .into_iter()
            .map(|s| {
                let again = (s.id, s.input, s.parser);
                ((s.id, s.input.display(), s.reader), again)
            })
            .unzip();
        rereadable = keep;
        pool.install(|| {
            use rayon::prelude::*;
            jobs.into_par_iter()
                .zip(rereadable.par_iter())
                .map(|((id, display, reader), (_, _, parser))| {
                    (
                        display,
                        read_file(id, parser.as_ref(), reader, plan, options),
                    )
                })
                .collect()
        })
    } else {
        let mut out = Vec::new();
        for s in streams {
            let result = read_batches(
                s.id,
                s.parser.as_ref(),
                s.reader,
                plan,
                options,
                &pool,
                None,
            );
            out.push((s.input.display(), result));
            rereadable.push((s.id, s.input, s.parser));
        }
        out
    };
    for (display, result) in streamed {
        match result {
            Ok(p) => partial = partial.merge(p),
            Err(e) => {
                used_sources.retain(|(f, _)| *f != display);
                rereadable.retain(|(_, input, _)| input.display() != display);
                unreadable.push((display, e));
            }
        }
    }
    for id in stdin_ids {
        let count = Arc::new(AtomicU64::new(0));
        let raw = Counting::new(Progressing::new(std::io::stdin(), &progress), count.clone());
        let input = Input::Stdin;
        let result = open_stream(&input, raw, count, options, true).and_then(|opened| {
            let Some((parser, name, head, rest)) = opened else {
                return Ok(None);
            };
            // Stdin is the last input and cannot be read twice: each batch
            // drops its duplicates while its bytes are still in memory.
            let mut total = std::mem::take(&mut partial);
            let r = read_batches(
                id,
                parser.as_ref(),
                head.chain(rest),
                plan,
                options,
                &pool,
                Some(&mut total),
            );
            partial = total;
            r.map(|p| Some((p, name)))
        });
        match result {
            Ok(Some((p, name))) => {
                used_sources.push(("-".to_string(), name));
                partial = partial.merge(p);
            }
            Ok(None) => used_sources.push(("-".to_string(), "(empty)")),
            Err(e) => unreadable.push(("-".to_string(), e)),
        }
    }
    // Every input has been seen: the kept occurrence of each request id is
    // final, so the chunks holding later occurrences can be read again:
    // mapped files and documents from memory, streamed files from disk.
    partial.drop_duplicates(&chunks, plan, &pool, &release);
    for (id, input, parser) in &rereadable {
        if !partial.needs_rescan(*id) {
            continue;
        }
        let reread = reopen(input, options).and_then(|reader| {
            let mut total = std::mem::take(&mut partial);
            let r = read_batches(
                *id,
                parser.as_ref(),
                reader,
                plan,
                options,
                &pool,
                Some(&mut total),
            );
            partial = total;
            r
        });
        if let Err(e) = reread {
            unreadable.push((
                input.display(),
                format!("while reading again for dedupe: {e}"),
            ));
        }
    }
    partial.seen = Seen::default();
    drop(chunks);
    drop(opened);
    drop(documents);
    progress.finish_and_clear();
    Ok(finish(partial, plan, names, unreadable, used_sources))
}

/// Opens a streamed file again, from the start, decompressed.
fn reopen(input: &Input, _options: &ReadOptions) -> Result<Box<dyn Read + Send>, String> {
    let Input::File(path) = input else {
        return Err("standard input cannot be read twice".into());
    };
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let count = Arc::new(AtomicU64::new(0));
    let (reader, _) = decompress::open(file, path, count).map_err(|e| e.to_string())?;
    Ok(reader)
}

/// Runs every document parser's first pass ([`Parser::prepare`]) to the
/// end before any chunk is parsed.
fn prepare(chunks: &[Chunk<'_>], after: &(dyn Fn(&Chunk<'_>) + Sync)) {
    use rayon::prelude::*;
    chunks
        .par_iter()
        .filter(|c| c.parser.framing() == sources::Framing::Document)
        .for_each(|c| {
            c.parser.prepare(c.bytes);
            after(c);
        });
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
fn read_file(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    options: &ReadOptions,
) -> Result<Partial, String> {
    let framing = parser.framing();
    let mut stream =
        StreamChunks::new(reader, options.chunk_bytes).with_max_line(plan.max_line_bytes);
    let mut worker = Worker::with_mode(plan, Mode::Count);
    let mut index = 0u32;
    while let Some(bytes) = stream.next_chunk(framing).map_err(|e| e.to_string())? {
        worker.process_chunk(&Chunk {
            file: id,
            index,
            bytes: &bytes,
            parser,
            first: index == 0,
        });
        index += 1;
    }
    Ok(Partial::from_worker(worker, plan))
}

/// Reads a stream in batches of chunks, one batch in memory at a time, each
/// batch parsed in parallel.
///
/// With `dedupe: None` every record is counted into the returned partial.
/// With `Some(total)`, for a stream that is the last input (stdin) or read
/// again after every input was seen: each batch is first counted into
/// `total` (when reading for the first time, i.e. stdin) and then the
/// batch's chunks that hold later occurrences of a request id are dropped
/// from `total` while their bytes are in memory. A re-read (the stream's
/// records are already in `total`) only drops duplicates.
fn read_batches(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    options: &ReadOptions,
    pool: &rayon::ThreadPool,
    mut dedupe: Option<&mut Partial>,
) -> Result<Partial, String> {
    let framing = parser.framing();
    let mut stream =
        StreamChunks::new(reader, options.chunk_bytes).with_max_line(plan.max_line_bytes);
    let rereading = match dedupe.as_deref_mut() {
        Some(total) => total.needs_rescan(id),
        None => false,
    };
    let mut pending = Vec::new();
    let mut counted = Partial::default();
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
                parser,
                first: index == 0 && i == 0,
            })
            .collect();
        if framing == sources::Framing::Document && !rereading {
            prepare(&chunks, &|_| ());
        }
        index += chunks.len() as u32;
        match dedupe.as_deref_mut() {
            None => {
                counted =
                    counted.merge(pool.install(|| process(&chunks, plan, Mode::Count, &|_| ())));
            }
            Some(total) => {
                if !rereading {
                    let p = pool.install(|| process(&chunks, plan, Mode::Count, &|_| ()));
                    *total = std::mem::take(total).merge(p);
                }
                total.drop_duplicates(&chunks, plan, pool, &|_| ());
            }
        }
        pending.clear();
        if done {
            break;
        }
    }
    Ok(counted)
}

/// Processes chunks in parallel; `done` runs after each one.
fn process(
    chunks: &[Chunk<'_>],
    plan: &Plan<'_>,
    mode: Mode<'_>,
    done: &(dyn Fn(&Chunk<'_>) + Sync),
) -> Partial {
    use rayon::prelude::*;
    chunks
        .par_iter()
        .fold(
            || Worker::with_mode(plan, mode),
            |mut w, c| {
                w.process_chunk(c);
                done(c);
                w
            },
        )
        .map(|w| Partial::from_worker(w, plan))
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
    let a = &plan.attribution;
    let required = a
        .required
        .iter()
        .zip(
            p.required
                .into_iter()
                .chain(std::iter::repeat_with(Default::default)),
        )
        .map(|(&field, (missing, offenders))| {
            let mut offenders = sort_groups(offenders);
            offenders.sort_by(|x, y| {
                (y.totals.cost, y.totals.requests).cmp(&(x.totals.cost, x.totals.requests))
            });
            FieldCoverage {
                field,
                missing,
                offenders,
            }
        })
        .collect();
    let stale_owners = a.owners.map(|m| m.stale(&p.owner_hits)).unwrap_or_default();
    let mut inconsistent = Vec::new();
    for (&field, values) in a.value_fields.iter().zip(p.values) {
        let mut by_key: std::collections::BTreeMap<String, Vec<(String, u128)>> =
            std::collections::BTreeMap::new();
        for (v, n) in values {
            by_key
                .entry(crate::enrich::values::key(field, &v))
                .or_default()
                .push((v, n));
        }
        for (_, mut variants) in by_key {
            if variants.len() > 1 {
                variants.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                inconsistent.push((field, variants));
            }
        }
    }
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
            required,
            offender_dims: a.offender_dims.clone(),
            by_request: p.by_request,
            by_map: p.by_map,
            stale_owners,
            owners_used: a.owners.is_some(),
            inconsistent,
        },
        sources,
        allocated: None,
    }
}
