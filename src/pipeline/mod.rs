//! The run: every input through its source and the workers, their results
//! merged (scheduling only: what is kept of a record is the sink's).
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

mod documents;
mod open;
mod options;
mod ordered;
use ordered::PendingStream;
mod passes;
mod stream;

use std::io::Read;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::accounting::Unrecognized;
use crate::dedupe::Seen;
use crate::input::chunk::{split_csv_parallel, split_scanned};
use crate::input::decompress::Counting;
use crate::input::{mmap, Input};
use crate::report::{Partial, Sums};
use crate::sink::tally::Tally;
use crate::sink::Consumer;
use crate::sources::{self, Parser, SourceOptions};
use crate::worker::{Chunk, Done, Mode, Plan};
pub use open::shape;
use open::{open_mapped, open_stream, reopen, OpenFailure, Progressing};
pub use options::ReadOptions;
use passes::{drop_duplicates, needs_rescan, prepare, process};
use stream::{read_batches, read_file, Streamed};

/// What the reading of a run leaves: the merged results of every worker,
/// and what was read with which source.
pub struct Run<O> {
    /// The workers' results, merged, duplicates taken away.
    pub done: Done<O>,
    /// The inputs by file id: their names as given.
    pub files: Vec<String>,
    /// Per input read: its name and the source that read it.
    pub sources: Vec<(String, &'static str)>,
    /// Inputs that could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    /// Files no source recognises: named, not counted.
    pub unrecognized: Vec<Unrecognized>,
}

/// Reads every input into the group tally: the partial of `report` and
/// `coverage`, ready to merge or finish.
pub fn tally(inputs: &[Input], plan: &Plan<'_>, options: &ReadOptions) -> anyhow::Result<Partial> {
    let run = run(inputs, plan, options, &Tally { plan })?;
    let mut partial = run.into_partial(plan, |sums| (sums, ())).0;
    // Not a plan's: sources apply it while reading (docs/design.md,
    // Warnings), and partials that differ on it must not be added.
    partial.meta.correct_known_bugs = options.source_options.correct_known_bugs;
    Ok(partial)
}

impl<O> Run<O> {
    /// The partial of this run: `split` takes the consumer's output apart
    /// into the group tally's sums (for the accounting and the report)
    /// and whatever else the consumer kept, which is returned beside it.
    pub fn into_partial<T>(
        self,
        plan: &Plan<'_>,
        split: impl FnOnce(O) -> (Sums, T),
    ) -> (Partial, T) {
        let Run {
            done,
            files,
            sources,
            unreadable,
            unrecognized,
        } = self;
        let (sums, rest) = split(done.out);
        let partial = Partial {
            meta: plan.meta(),
            files,
            sources: sources
                .into_iter()
                .map(|(f, s)| (f, s.to_string()))
                .collect(),
            unreadable,
            unrecognized,
            sums: Sums {
                ledger: done.ledger,
                chunk_lines: done.chunk_lines,
                owner_hits: done.owner_hits,
                ..sums
            },
        };
        (partial, rest)
    }
}

/// An input opened and recognised.
struct Opened {
    id: u32,
    parser: Box<dyn Parser>,
    bytes: mmap::Bytes,
}

/// The inputs' names by file id, as `source_file` and samples give them:
/// the path as given, `--stdin-name` (else `-`) for standard input.
pub fn names(inputs: &[Input], options: &ReadOptions) -> Vec<String> {
    let stdin_name = options.stdin_name.as_deref().unwrap_or("-");
    inputs
        .iter()
        .map(|input| match input {
            Input::Stdin => stdin_name.to_string(),
            Input::File(_) => input.display(),
        })
        .collect()
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
    // Sources skip the text fields nothing reads: reading a value costs
    // more than stepping over it.
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
    let mut unrecognized = Vec::new();
    let mut failed = |input: &Input, e: OpenFailure| match e {
        OpenFailure::Unreadable(e) => unreadable.push((input.display(), e)),
        OpenFailure::Unrecognized(u) => unrecognized.push(u),
    };
    let names = names(inputs, options);
    let mut used_sources = Vec::new();
    let mut opened = Vec::new();
    let mut streams = Vec::new();
    let mut documents = Vec::new();
    let mut stdin_ids = Vec::new();
    // `--stdin-name`: standard input's name in source_file, samples and
    // partials.
    let stdin_name = options.stdin_name.clone().unwrap_or_else(|| "-".into());
    for (i, input) in inputs.iter().enumerate() {
        let id = i as u32;
        match input {
            Input::Stdin => stdin_ids.push(id),
            Input::File(path) => match mmap::open(path, options.mmap) {
                Err(e) => failed(input, OpenFailure::Unreadable(e.to_string())),
                Ok(mmap::Opened::Stream(file)) => {
                    let count = Arc::new(AtomicU64::new(0));
                    let raw = Counting::new(Progressing::new(file, &progress), count.clone());
                    match open_stream(input, raw, count, options, false) {
                        Err(e) => failed(input, e),
                        Ok(None) => unreachable!("empty streams are refused above"),
                        Ok(Some((parser, name, head, rest))) => {
                            used_sources.push((input.display(), name));
                            if parser.framing() == sources::Framing::Document {
                                // Read when its turn comes (documents.rs).
                                documents.push(documents::Pending { id, input, parser });
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
                Ok(mmap::Opened::Mapped(bytes)) => match open_mapped(input, &bytes, options) {
                    Err(e) => failed(input, e),
                    Ok((parser, name)) => {
                        used_sources.push((input.display(), name));
                        opened.push(Opened { id, parser, bytes });
                    }
                },
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
    // The first pass reads every document, and dedupe reads chunks again:
    // drop each one's pages after it (they fault back in when it is read
    // next), so a large input is not resident all at once.
    let release = |c: &Chunk<'_>| {
        if let Ok(i) = opened.binary_search_by_key(&c.file, |o| o.id) {
            opened[i].bytes.release(c.bytes);
        }
    };
    pool.install(|| prepare(&chunks, &release));
    let lengths = pool.install(|| documents::prepare(&documents, options));
    // After a chunk: drop its pages (flat memory) and report progress.
    // `opened` is in id order. Dropped pages fault back in if a chunk is
    // read again for dedupe.
    let done = |c: &Chunk<'_>| {
        if let Ok(i) = opened.binary_search_by_key(&c.file, |o| o.id) {
            opened[i].bytes.release(c.bytes);
            progress.inc(c.bytes.len() as u64);
        }
    };
    let threads = options.threads.max(1);
    // A consumer that needs its records in (file, line) order (normalize
    // streams its rows out): one input at a time, in id order.
    let (mut partial, mut unread, streamed, mut rereadable) = if consumer.in_file_order() {
        let progress = |n| progress.inc(n);
        ordered::process_in_order(
            inputs.len(),
            &chunks,
            &documents,
            &lengths,
            streams,
            plan,
            consumer,
            options,
            &pool,
            &done,
            &progress,
        )
    } else {
        let mut partial = pool.install(|| process(&chunks, plan, consumer, Mode::Count, &done));
        let (read, unread) = pool.install(|| {
            documents::process(&documents, &lengths, plan, consumer, options, &|n| {
                progress.inc(n)
            })
        });
        partial = partial.merge(read, |a, b| consumer.merge(a, b));
        // Many streamed files: one task per file. Few: each file in turn, its
        // chunks in parallel batches, so one big live or compressed file still
        // uses every core.
        let mut rereadable = Vec::new();
        let streamed: Vec<(String, Streamed<C::Output>)> = if streams.len() >= threads {
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
        (partial, unread, streamed, rereadable)
    };
    for (i, len) in lengths.into_iter().enumerate() {
        if let Err(e) = len {
            unread.push((i, e));
        }
    }
    // A stream that ends in damage (a cut gzip or zstd stream) is named
    // unreadable, and the lines before the damage count; one that gave
    // nothing is only named.
    let mut damaged = Vec::new();
    for (display, result) in streamed {
        let Streamed { done, failure } = result;
        if let Some(e) = failure {
            if done.ledger.counts.lines_read == 0 {
                used_sources.retain(|(f, _)| *f != display);
                rereadable.retain(|(_, input, _)| input.display() != display);
            }
            damaged.push(display.clone());
            unreadable.push((display, e));
        }
        partial = partial.merge(done, |a, b| consumer.merge(a, b));
    }
    // Documents: read again from disk for dedupe, like streams.
    unread.sort_by_key(|(i, _)| *i);
    for (i, d) in documents.into_iter().enumerate() {
        match unread.binary_search_by_key(&i, |(j, _)| *j) {
            Ok(at) => {
                let display = d.input.display();
                used_sources.retain(|(f, _)| *f != display);
                unreadable.push((display, unread[at].1.clone()));
            }
            Err(_) => rereadable.push((d.id, d.input, d.parser)),
        }
    }
    for id in stdin_ids {
        let count = Arc::new(AtomicU64::new(0));
        let raw = Counting::new(Progressing::new(std::io::stdin(), &progress), count.clone());
        let input = Input::Stdin;
        let result = open_stream(&input, raw, count, options, true).map(|opened| {
            let (parser, name, head, rest) = opened?;
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
            Some((r, name))
        });
        match result {
            Ok(Some((Streamed { done, failure }, name))) => {
                if let Some(e) = failure {
                    unreadable.push((stdin_name.clone(), e));
                }
                used_sources.push((stdin_name.clone(), name));
                partial = partial.merge(done, |a, b| consumer.merge(a, b));
            }
            Ok(None) => used_sources.push((stdin_name.clone(), "(empty)")),
            Err(OpenFailure::Unreadable(e)) => unreadable.push((stdin_name.clone(), e)),
            Err(OpenFailure::Unrecognized(u)) => unrecognized.push(Unrecognized {
                path: stdin_name.clone(),
                ..u
            }),
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
            match r.failure {
                // Its damage is named already.
                Some(e) if !damaged.contains(&input.display()) => Err(e),
                _ => Ok(()),
            }
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
    progress.finish_and_clear();
    used_sources.sort();
    Ok(Run {
        done: partial,
        files: names,
        sources: used_sources,
        unreadable,
        unrecognized,
    })
}
