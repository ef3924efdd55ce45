//! Streamed documents: a Claude Code transcript written in the last
//! seconds, any document under `--no-mmap`, a compressed one, or one that
//! could not be mapped (a tree with more files than the kernel's map
//! limit). Each is read when its turn comes, into a buffer its worker
//! reuses, once for the first pass and once to be parsed, so only the
//! documents in flight are in memory whatever the number of files (they
//! were all held until the end of the run before: 1.37 GB resident on a
//! 1.03 GB tree with `--no-mmap`). The second read stops at the length the
//! first one saw, so a transcript appended to meanwhile is parsed as it
//! was prepared.

use std::io::Read;

use rayon::prelude::*;

use super::open::reopen;
use super::options::ReadOptions;
use crate::input::Input;
use crate::plan::Plan;
use crate::sink::Consumer;
use crate::sources::Parser;
use crate::worker::{Chunk, Done, Mode, Worker};

/// A streamed document, recognised, not yet read.
pub(super) struct Pending<'r> {
    pub(super) id: u32,
    pub(super) input: &'r Input,
    pub(super) parser: Box<dyn Parser>,
}

/// Reads `input` again from the start (decompressed) into `buf`, at most
/// `limit` bytes.
fn read_into(
    input: &Input,
    options: &ReadOptions,
    buf: &mut Vec<u8>,
    limit: u64,
) -> Result<(), String> {
    buf.clear();
    let reader = reopen(input, options)?;
    reader
        .take(limit)
        .read_to_end(buf)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The first pass ([`Parser::prepare`]) over every document; gives each
/// one's length as read, or why it could not be read.
pub(super) fn prepare(docs: &[Pending<'_>], options: &ReadOptions) -> Vec<Result<u64, String>> {
    docs.par_iter()
        .map_init(Vec::new, |buf, d| {
            read_into(d.input, options, buf, u64::MAX)?;
            d.parser.prepare(buf);
            Ok(buf.len() as u64)
        })
        .collect()
}

/// Parses every document that `prepare` read, up to the length it saw;
/// gives the merged results and the documents that could not be read
/// again (by index in `docs`).
pub(super) fn process<C: Consumer>(
    docs: &[Pending<'_>],
    lengths: &[Result<u64, String>],
    plan: &Plan<'_>,
    consumer: &C,
    options: &ReadOptions,
    done: &(dyn Fn(u64) + Sync),
) -> (Done<C::Output>, Vec<(usize, String)>) {
    docs.par_iter()
        .zip(lengths.par_iter())
        .enumerate()
        .filter_map(|(i, (d, len))| len.as_ref().ok().map(|&len| (i, d, len)))
        .fold(
            || {
                let worker = Worker::new(plan, Mode::Count, consumer.sink());
                (worker, Vec::new(), Vec::new())
            },
            |(mut worker, mut buf, mut failed), (i, d, len)| {
                match read_into(d.input, options, &mut buf, len) {
                    Ok(()) => {
                        worker.process_chunk(&Chunk {
                            file: d.id,
                            index: 0,
                            bytes: &buf,
                            parser: d.parser.as_ref(),
                            first: true,
                        });
                        done(len);
                    }
                    Err(e) => failed.push((i, e)),
                }
                (worker, buf, failed)
            },
        )
        .map(|(worker, _, failed)| (worker.finish(consumer), failed))
        .reduce(
            || (Done::default(), Vec::new()),
            |(a, mut fa), (b, fb)| {
                fa.extend(fb);
                (a.merge(b, |x, y| consumer.merge(x, y)), fa)
            },
        )
}
