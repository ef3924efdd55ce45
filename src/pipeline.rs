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
//! has to fit in memory whole. Each worker hands its priced records to a
//! sink of the run's [`Consumer`]; the finished workers' outputs are added
//! up: the only synchronization.

use std::io::{Cursor, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use indicatif::ProgressBar;

use crate::dedupe::Seen;
use crate::input::chunk::{split_csv_parallel, split_scanned, StreamChunks, CHUNK_BYTES};
use crate::input::decompress::{self, Counting};
use crate::input::{mmap, Input};
use crate::report::{Partial, Sums};
use crate::sink::tally::Tally;
use crate::sink::Consumer;
use crate::sources::{self, Parser, Sample, Source, SourceOptions};
use crate::worker::{Chunk, Done, Mode, Plan, Worker};

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

/// What the reading of a run leaves: the merged results of every worker,
/// and what was read with which source.
pub struct Run<O> {
    /// The workers' results, merged, duplicates taken away.
    pub done: Done<O>,
    /// The inputs by file id: their names as given.
    pub files: Vec<String>,
    /// Per input read: its name and the source that read it.
    pub sources: Vec<(String, &'static str)>,
    /// Inputs that could not be read or recognised, with why.
    pub unreadable: Vec<(String, String)>,
}

/// Reads every input into the group tally: the partial of `report` and
/// `coverage`, ready to merge or finish.
pub fn tally(inputs: &[Input], plan: &Plan<'_>, options: &ReadOptions) -> anyhow::Result<Partial> {
    let Run {
        done,
        files,
        sources,
        unreadable,
    } = run(inputs, plan, options, &Tally { plan })?;
    Ok(Partial {
        meta: plan.meta(),
        files,
        sources: sources
            .into_iter()
            .map(|(f, s)| (f, s.to_string()))
            .collect(),
        unreadable,
        sums: Sums {
            ledger: done.ledger,
            chunk_lines: done.chunk_lines,
            owner_hits: done.owner_hits,
            ..done.out
        },
    })
}

/// Reads again the chunks that hold a losing occurrence of a request id
/// (and are in `chunks`) and takes their records away from `total`;
/// `release` is called after each chunk (a mapped one drops its pages
/// again).
fn drop_duplicates<C: Consumer>(
    total: &mut Done<C::Output>,
    chunks: &[Chunk<'_>],
    plan: &Plan<'_>,
    consumer: &C,
    pool: &rayon::ThreadPool,
    release: &(dyn Fn(&Chunk<'_>) + Sync),
) {
    if !plan.attribution.dedupe {
        return;
    }
    pool.install(|| total.seen.finish());
    if total.seen.rescan.is_empty() {
        return;
    }
    let todo: Vec<Chunk<'_>> = chunks
        .iter()
        .filter(|c| total.seen.rescan.remove(&(c.file, c.index)))
        .copied()
        .collect();
    if todo.is_empty() {
        return;
    }
    let dup = pool.install(|| {
        process(
            &todo,
            plan,
            consumer,
            Mode::Duplicates(&total.seen),
            release,
        )
    });
    let n = dup.ledger.counts.parsed;
    total.ledger.counts.parsed -= n;
    total.ledger.counts.duplicate += n;
    consumer.subtract(&mut total.out, dup.out);
}

/// Returns true if and only if some chunk of input `file` holds a later
/// occurrence of a request id, under the occurrences seen so far.
fn needs_rescan<O>(total: &mut Done<O>, file: u32) -> bool {
    if total.seen.rescan.is_empty() && total.seen.is_empty() {
        return false;
    }
    total.seen.finish();
    total.seen.rescan.iter().any(|(f, _)| *f == file)
}

/// A streamed file's results, or why it could not be read.
type FileResult<O> = Result<Done<O>, String>;

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

/// Reads every input through workers that hand priced records to sinks
/// of `consumer`, and returns their merged results.
///
/// Order: open and detect every input; read streamed *documents* whole
/// (a document is one unit anyway); run the document parsers' first pass
/// ([`Parser::prepare`], e.g. cross-file dedupe) over all documents; then
/// process every mapped chunk and document in parallel, then the streamed
/// line and CSV files, then stdin.
pub fn run<C: Consumer>(
    inputs: &[Input],
    plan: &Plan<'_>,
    options: &ReadOptions,
    consumer: &C,
) -> anyhow::Result<Run<C::Output>> {
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
    let mut partial = pool.install(|| process(&chunks, plan, consumer, Mode::Count, &done));
    // Many streamed files: one task per file. Few: each file in turn, its
    // chunks in parallel batches, so one big live or compressed file still
    // uses every core.
    let threads = options.threads.max(1);
    let mut rereadable = Vec::new();
    let streamed: Vec<(String, FileResult<C::Output>)> = if streams.len() >= threads {
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
                        read_file(id, parser.as_ref(), reader, plan, consumer, options),
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
                consumer,
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
            Ok(p) => partial = partial.merge(p, |a, b| consumer.merge(a, b)),
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
                consumer,
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
                partial = partial.merge(p, |a, b| consumer.merge(a, b));
            }
            Ok(None) => used_sources.push(("-".to_string(), "(empty)")),
            Err(e) => unreadable.push(("-".to_string(), e)),
        }
    }
    // Every input has been seen: the kept occurrence of each request id is
    // final, so the chunks holding later occurrences can be read again:
    // mapped files and documents from memory, streamed files from disk.
    drop_duplicates(&mut partial, &chunks, plan, consumer, &pool, &release);
    for (id, input, parser) in &rereadable {
        if !needs_rescan(&mut partial, *id) {
            continue;
        }
        let reread = reopen(input, options).and_then(|reader| {
            let mut total = std::mem::take(&mut partial);
            let r = read_batches(
                *id,
                parser.as_ref(),
                reader,
                plan,
                consumer,
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
    used_sources.sort();
    Ok(Run {
        done: partial,
        files: names,
        sources: used_sources,
        unreadable,
    })
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
fn read_file<C: Consumer>(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
) -> Result<Done<C::Output>, String> {
    let framing = parser.framing();
    let mut stream =
        StreamChunks::new(reader, options.chunk_bytes).with_max_line(plan.max_line_bytes);
    let mut worker = Worker::new(plan, Mode::Count, consumer.sink());
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
    Ok(worker.finish(consumer))
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
#[allow(clippy::too_many_arguments)]
fn read_batches<C: Consumer>(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
    pool: &rayon::ThreadPool,
    mut dedupe: Option<&mut Done<C::Output>>,
) -> Result<Done<C::Output>, String> {
    let framing = parser.framing();
    let mut stream =
        StreamChunks::new(reader, options.chunk_bytes).with_max_line(plan.max_line_bytes);
    let rereading = match dedupe.as_deref_mut() {
        Some(total) => needs_rescan(total, id),
        None => false,
    };
    let mut pending = Vec::new();
    let mut counted = Done::default();
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
                let p = pool.install(|| process(&chunks, plan, consumer, Mode::Count, &|_| ()));
                counted = counted.merge(p, |a, b| consumer.merge(a, b));
            }
            Some(total) => {
                if !rereading {
                    let p = pool.install(|| process(&chunks, plan, consumer, Mode::Count, &|_| ()));
                    *total = std::mem::take(total).merge(p, |a, b| consumer.merge(a, b));
                }
                drop_duplicates(total, &chunks, plan, consumer, pool, &|_| ());
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
fn process<C: Consumer>(
    chunks: &[Chunk<'_>],
    plan: &Plan<'_>,
    consumer: &C,
    mode: Mode<'_>,
    done: &(dyn Fn(&Chunk<'_>) + Sync),
) -> Done<C::Output> {
    use rayon::prelude::*;
    chunks
        .par_iter()
        .fold(
            || Worker::new(plan, mode, consumer.sink()),
            |mut w, c| {
                w.process_chunk(c);
                done(c);
                w
            },
        )
        .map(|w| w.finish(consumer))
        .reduce(Done::default, |a, b| {
            a.merge(b, |x, y| consumer.merge(x, y))
        })
}
