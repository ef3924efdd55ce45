//! The passes over chunks every schedule shares: process chunks in
//! parallel into a consumer's merged output, the document parsers' first
//! pass, and the dedupe rescan that takes repeated request ids away.

use crate::plan::Plan;
use crate::sink::Consumer;
use crate::sources;
use crate::worker::{Chunk, Done, Mode, Worker};

/// Reads again the chunks that hold a losing occurrence of a request id
/// (and are in `chunks`) and takes their records away from `total`;
/// `release` is called after each chunk (a mapped one drops its pages
/// again).
pub(super) fn drop_duplicates<C: Consumer>(
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
pub(super) fn needs_rescan<O>(total: &mut Done<O>, file: u32) -> bool {
    if total.seen.rescan.is_empty() && total.seen.is_empty() {
        return false;
    }
    total.seen.finish();
    total.seen.rescan.iter().any(|(f, _)| *f == file)
}

/// Runs every document parser's first pass ([`Parser::prepare`]) to the
/// end before any chunk is parsed.
pub(super) fn prepare(chunks: &[Chunk<'_>], after: &(dyn Fn(&Chunk<'_>) + Sync)) {
    use rayon::prelude::*;
    chunks
        .par_iter()
        .filter(|c| c.parser.framing() == sources::Framing::Document)
        .for_each(|c| {
            c.parser.prepare(c.bytes);
            after(c);
        });
}

/// Processes chunks in parallel; `done` runs after each one.
///
/// One worker per thread takes the next chunk from a shared counter until
/// none is left. A worker's tables (interned strings, groups) then exist
/// once per thread rather than once per piece of work the scheduler split
/// off, and a run with millions of groups merges them once per thread.
pub(super) fn process<C: Consumer>(
    chunks: &[Chunk<'_>],
    plan: &Plan<'_>,
    consumer: &C,
    mode: Mode<'_>,
    done: &(dyn Fn(&Chunk<'_>) + Sync),
) -> Done<C::Output> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().min(chunks.len()).max(1);
    (0..workers)
        .into_par_iter()
        .map(|_| {
            let mut w = Worker::new(plan, mode, consumer.sink());
            while let Some(c) = chunks.get(next.fetch_add(1, Ordering::Relaxed)) {
                w.process_chunk(c);
                done(c);
            }
            w.finish(consumer)
        })
        .reduce(Done::default, |a, b| {
            a.merge(b, |x, y| consumer.merge(x, y))
        })
}
