//! `normalize` streamed: the rows leave as the chunks are read, in (file
//! path, physical line) order, so memory stays flat whatever the input
//! size (docs/normalize.md).
//!
//! - The pipeline reads the inputs in file order ([`Consumer::in_file_order`]);
//!   each worker keeps the rows of the chunk in hand and delivers them when
//!   the chunk is done to the [`Window`], which hands chunks on in order to
//!   the writer (this thread) through a bounded channel.
//! - Dedupe: the writer keeps the first row of each request id as they
//!   stream by, in (file, chunk, block of lines, reading order) order: the
//!   occurrence `report` keeps (`src/dedupe.rs`). The ids are kept as
//!   128-bit SHA-256 prefixes, 16 bytes per distinct id. The group tally
//!   beside (the accounting) runs `report`'s own dedupe; the rows written
//!   must equal its records, checked at the end.

use std::io;
use std::sync::mpsc::sync_channel;

use rustc_hash::FxHashSet;
use sha2::{Digest, Sha256};

use super::window::{Delivery, Window};
use super::{row_of, Row, REQUEST_ID};
use crate::aggregate::Interner;
use crate::input::Input;
use crate::pipeline::{self, ReadOptions};
use crate::plan::Plan;
use crate::report::Sums;
use crate::sink::tally::{GroupTally, Tally};
use crate::sink::{Consumer, PricedRecord, RecordSink};

/// Chunks a window holds beside the one awaited, per thread.
const WINDOW_PER_THREAD: usize = 2;
/// Chunks in order waiting for the writer.
const CHANNEL: usize = 2;

/// The 128-bit hash a request id is kept by.
pub fn id_hash(id: &str) -> u128 {
    let d = Sha256::digest(id.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_le_bytes(b)
}

/// The consumer: the group tally (for the accounting) and the rows of the
/// chunk in hand, delivered to the window.
struct StreamRows<'p> {
    plan: &'p Plan<'p>,
    window: &'p Window<Row>,
}

struct StreamSink<'p> {
    tally: GroupTally<'p>,
    rows: Vec<Row>,
    window: &'p Window<Row>,
    dedupe: bool,
}

impl RecordSink for StreamSink<'_> {
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        self.tally.accept(p, interner);
        self.rows.push(row_of(p));
    }

    fn chunk_done(&mut self, file: u32, chunk: u32, lines: u64, counting: bool) {
        let rows = std::mem::take(&mut self.rows);
        // A rescan's records are repeats: the writer dropped them already.
        if !counting {
            return;
        }
        let ids = match self.dedupe {
            true => rows
                .iter()
                .map(|r| r.text[REQUEST_ID].as_deref().map(id_hash))
                .collect(),
            false => Vec::new(),
        };
        self.window.deliver(Delivery {
            file,
            chunk,
            lines,
            rows,
            ids,
        });
    }
}

impl<'p> Consumer for StreamRows<'p> {
    type Sink = StreamSink<'p>;
    type Output = Sums;

    fn sink(&self) -> StreamSink<'p> {
        StreamSink {
            tally: Tally { plan: self.plan }.sink(),
            rows: Vec::new(),
            window: self.window,
            dedupe: self.plan.attribution.dedupe,
        }
    }

    fn output(&self, sink: StreamSink<'p>, interner: &Interner) -> Sums {
        Tally { plan: self.plan }.output(sink.tally, interner)
    }

    fn merge(&self, a: Sums, b: Sums) -> Sums {
        a.merge(b)
    }

    fn subtract(&self, total: &mut Sums, dup: Sums) {
        total.subtract(dup)
    }

    fn in_file_order(&self) -> bool {
        true
    }
}

/// The writer's side: chunks arrive in order; rows get their physical
/// line, repeats of a request id are dropped, the rest are emitted.
#[derive(Debug, Default)]
pub struct InOrder {
    dedupe: bool,
    seen: FxHashSet<u128>,
    file: Option<u32>,
    next_line: u64,
    /// Rows emitted.
    pub rows: u64,
    /// Rows dropped as repeats.
    pub dropped: u64,
}

impl InOrder {
    /// The writer's side of a run with dedupe on or off.
    pub fn new(dedupe: bool) -> Self {
        InOrder {
            dedupe,
            ..InOrder::default()
        }
    }

    /// Takes the next chunk in order and emits its kept rows in line order.
    pub fn take(
        &mut self,
        d: Delivery<Row>,
        emit: &mut dyn FnMut(Row) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.file != Some(d.file) {
            self.file = Some(d.file);
            self.next_line = 1;
        }
        let start = self.next_line;
        self.next_line += d.lines;
        let mut keep = vec![true; d.rows.len()];
        if self.dedupe {
            // `report` keeps the earliest block of lines, and in it the
            // first record read (src/dedupe.rs): order by block, stably.
            let block = |i: &usize| crate::dedupe::block_of(d.rows[*i].at.line);
            let mut order: Vec<usize> = (0..d.rows.len()).collect();
            if !order.windows(2).all(|w| block(&w[0]) <= block(&w[1])) {
                order.sort_by_key(block);
            }
            for i in order {
                if let Some(Some(h)) = d.ids.get(i) {
                    if !self.seen.insert(*h) {
                        keep[i] = false;
                        self.dropped += 1;
                    }
                }
            }
        }
        let mut rows: Vec<(Row, bool)> = d.rows.into_iter().zip(keep).collect();
        if !rows.windows(2).all(|w| w[0].0.at.line <= w[1].0.at.line) {
            rows.sort_by_key(|(r, _)| r.at.line);
        }
        for (mut row, kept) in rows {
            if kept {
                row.line = start + row.at.line - 1;
                self.rows += 1;
                emit(row)?;
            }
        }
        Ok(())
    }
}

/// What a streamed run leaves: the pipeline's run (its sums are the
/// group tally's, for the accounting), the writer's side (rows written and
/// dropped) and the most chunks the window held at once.
pub struct Streamed {
    /// The pipeline's run.
    pub run: pipeline::Run<Sums>,
    /// The writer's side.
    pub order: InOrder,
    /// The most chunks the window held at once.
    pub peak_held: usize,
}

/// Reads `inputs` with `plan` and hands each kept row to `emit` in (file
/// path, physical line) order as it is read, with the inputs' names by
/// file id (`files`, from [`pipeline::names`]).
pub fn run(
    inputs: &[Input],
    plan: &Plan<'_>,
    options: &ReadOptions,
    files: &[String],
    emit: &mut dyn FnMut(Row, &[String]) -> io::Result<()>,
) -> anyhow::Result<Streamed> {
    let threads = options.threads.max(1);
    let (tx, rx) = sync_channel(CHANNEL);
    let window = Window::new(WINDOW_PER_THREAD * threads, tx);
    let mut order = InOrder::new(plan.attribution.dedupe);
    let mut failed = None;
    let (run, peak_held) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let consumer = StreamRows {
                plan,
                window: &window,
            };
            let run = pipeline::run(inputs, plan, options, &consumer);
            let (held, peak) = window.close();
            debug_assert_eq!(held, 0, "chunks left in the window");
            (run, peak)
        });
        for d in rx {
            // After a failed write the rest is read and dropped, so the
            // workers never wait on a writer that is gone.
            if failed.is_none() {
                if let Err(e) = order.take(d, &mut |row| emit(row, files)) {
                    failed = Some(e);
                }
            }
        }
        reader
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(Streamed {
        run: run?,
        order,
        peak_held,
    })
}
