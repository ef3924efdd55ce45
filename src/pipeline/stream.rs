//! Streamed inputs (compressed files, `--no-mmap`, special files, stdin):
//! read chunk by chunk with one worker per file, or in batches of chunks
//! parsed in parallel, so nothing has to fit in memory whole.

use std::io::Read;

use super::options::ReadOptions;
use super::passes::{drop_duplicates, needs_rescan, prepare, process};
use crate::input::chunk::StreamChunks;
use crate::plan::Plan;
use crate::sink::Consumer;
use crate::sources::{self, Parser};
use crate::worker::{Chunk, Done, Mode, Worker};

/// Reads one streamed file in this task, chunk by chunk, with one worker.
pub(super) fn read_file<C: Consumer>(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
) -> Streamed<C::Output> {
    let framing = parser.framing();
    let mut stream =
        StreamChunks::new(reader, options.chunk_bytes).with_max_line(plan.max_line_bytes);
    let mut worker = Worker::new(plan, Mode::Count, consumer.sink());
    let mut index = 0u32;
    let mut failure = None;
    loop {
        let bytes = match stream.next_chunk(framing) {
            Ok(Some(b)) => b,
            Ok(None) => break,
            Err(e) => {
                failure = Some(e.to_string());
                break;
            }
        };
        worker.process_chunk(&Chunk {
            file: id,
            index,
            bytes: &bytes,
            parser,
            first: index == 0,
        });
        index += 1;
    }
    Streamed {
        done: worker.finish(consumer),
        failure,
    }
}

/// What reading a stream gave: the records read, and why it stopped early
/// (a damaged gzip or zstd stream, a read error), if it did. The lines
/// before the damage are counted, as a damaged file's are.
pub(super) struct Streamed<O> {
    /// The workers' results.
    pub done: Done<O>,
    /// Why the stream ended early.
    pub failure: Option<String>,
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
pub(super) fn read_batches<C: Consumer>(
    id: u32,
    parser: &dyn Parser,
    reader: impl Read,
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
    pool: &rayon::ThreadPool,
    mut dedupe: Option<&mut Done<C::Output>>,
) -> Streamed<C::Output> {
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
    let mut failure = None;
    loop {
        let mut done = false;
        while pending.len() < batch {
            match stream.next_chunk(framing) {
                Ok(Some(c)) => pending.push(c),
                Ok(None) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    // The chunks before the damage are still read.
                    failure = Some(e.to_string());
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
    Streamed {
        done: counted,
        failure,
    }
}
