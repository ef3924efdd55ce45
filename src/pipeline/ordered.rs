//! The schedule of a consumer that needs its records in (file, line)
//! order ([`Consumer::in_file_order`], `normalize`): the inputs one after
//! another in id order (the sorted path order dedupe uses), each one's
//! chunks still processed in parallel, handed out in index order. The
//! consumer puts the chunks of the input in flight back in order in a
//! bounded window (docs/normalize.md); nothing else changes: the same
//! workers, the same accounting and dedupe rescans after.

use std::io::Read;

use super::documents;
use super::options::ReadOptions;
use super::passes::process;
use super::stream::{read_batches, Streamed};
use crate::input::Input;
use crate::plan::Plan;
use crate::sink::Consumer;
use crate::sources::Parser;
use crate::worker::{Chunk, Done, Mode};

/// A streamed input whose format is known.
pub(super) struct PendingStream<'r> {
    pub(super) id: u32,
    pub(super) input: &'r Input,
    pub(super) parser: Box<dyn Parser>,
    pub(super) reader: Box<dyn Read + Send + 'r>,
}

/// What [`process_in_order`] gives back: the merged results of mapped
/// files and documents, the documents that could not be read again (by
/// index), the streamed files' results, and the files to read again for
/// dedupe.
pub(super) type InOrder<'r, O> = (
    Done<O>,
    Vec<(usize, String)>,
    Vec<(String, Streamed<O>)>,
    Vec<(u32, &'r Input, Box<dyn Parser>)>,
);

/// Processes every input in id order: a mapped file's chunks in parallel
/// (taken in index order), a document, or a streamed file in parallel
/// batches. Standard input comes after, as in every schedule.
#[allow(clippy::too_many_arguments)]
pub(super) fn process_in_order<'r, C: Consumer>(
    inputs: usize,
    chunks: &[Chunk<'_>],
    docs: &[documents::Pending<'_>],
    lengths: &[Result<u64, String>],
    streams: Vec<PendingStream<'r>>,
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
    pool: &rayon::ThreadPool,
    done: &(dyn Fn(&Chunk<'_>) + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> InOrder<'r, C::Output> {
    let mut partial = Done::default();
    let mut unread = Vec::new();
    let mut streamed = Vec::new();
    let mut rereadable = Vec::new();
    let mut streams = streams.into_iter().peekable();
    for id in 0..inputs as u32 {
        // `chunks` are in (file, index) order.
        let from = chunks.partition_point(|c| c.file < id);
        let to = chunks.partition_point(|c| c.file <= id);
        if from < to {
            let mine = &chunks[from..to];
            let p = pool.install(|| process(mine, plan, consumer, Mode::Count, done));
            partial = partial.merge(p, |a, b| consumer.merge(a, b));
        }
        if let Some(j) = docs.iter().position(|d| d.id == id) {
            let (read, failed) = pool.install(|| {
                documents::process(
                    &docs[j..=j],
                    &lengths[j..=j],
                    plan,
                    consumer,
                    options,
                    progress,
                )
            });
            partial = partial.merge(read, |a, b| consumer.merge(a, b));
            unread.extend(failed.into_iter().map(|(i, e)| (i + j, e)));
        }
        if let Some(s) = streams.next_if(|s| s.id == id) {
            let result = read_batches(
                s.id,
                s.parser.as_ref(),
                s.reader,
                plan,
                consumer,
                options,
                pool,
                None,
            );
            streamed.push((s.input.display(), result));
            rereadable.push((s.id, s.input, s.parser));
        }
    }
    (partial, unread, streamed, rereadable)
}
