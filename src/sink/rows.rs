//! The row consumer: one row per priced record, kept with where it was
//! read, beside the group tally (for the accounting). `export --format
//! csv|parquet` uses it with its own row types ([`Row`]); `normalize`
//! streams its rows instead (`src/normalize/stream.rs`).
//!
//! Each worker keeps its rows; merged outputs are concatenated, and the
//! rows are put in (file, chunk, line) order at the end, which is (file
//! path, physical line) order: the same for any `--threads` and file
//! order. Dedupe stays on: the records a rescan finds to be repeats are
//! taken out by their position and request id.

use std::marker::PhantomData;

use rustc_hash::FxHashMap;

use crate::accounting::RelOrigin;
use crate::aggregate::Interner;
use crate::report::Sums;
use crate::sink::tally::{GroupTally, Tally};
use crate::sink::{Consumer, PricedRecord, RecordSink};
use crate::worker::Plan;

/// A row a row consumer keeps.
pub trait Row: Send + Sized {
    /// The row of a priced record.
    fn of(p: &PricedRecord<'_>) -> Self;
    /// Where its record was read.
    fn at(&self) -> RelOrigin;
    /// Its record's request id.
    fn request_id(&self) -> Option<&str>;
}

/// One worker's rows and its group tally.
pub struct RowSink<'p, R> {
    tally: GroupTally<'p>,
    rows: Vec<R>,
}

impl<R: Row> RecordSink for RowSink<'_, R> {
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        self.tally.accept(p, interner);
        self.rows.push(R::of(p));
    }
}

/// The consumer keeping rows of type `R`.
pub struct Rows<'p, R> {
    plan: &'p Plan<'p>,
    row: PhantomData<fn() -> R>,
}

impl<'p, R> Rows<'p, R> {
    /// The consumer of a run with `plan`.
    pub fn new(plan: &'p Plan<'p>) -> Self {
        Rows {
            plan,
            row: PhantomData,
        }
    }
}

/// The merged output: the group tally's sums and the rows.
#[derive(Debug)]
pub struct RowOutput<R> {
    /// The group tally (accounting).
    pub sums: Sums,
    /// The rows, in no particular order until [`RowOutput::into_sorted`].
    pub rows: Vec<R>,
}

impl<R> Default for RowOutput<R> {
    fn default() -> Self {
        RowOutput {
            sums: Sums::default(),
            rows: Vec::new(),
        }
    }
}

impl<R: Row> RowOutput<R> {
    /// The rows in (file, chunk, line) order.
    pub fn into_sorted(self) -> Vec<R> {
        let mut rows = self.rows;
        // Stable: records of one position come from one chunk, one worker,
        // in reading order.
        rows.sort_by_key(Row::at);
        rows
    }
}

impl<'p, R: Row> Consumer for Rows<'p, R> {
    type Sink = RowSink<'p, R>;
    type Output = RowOutput<R>;

    fn sink(&self) -> RowSink<'p, R> {
        RowSink {
            tally: Tally { plan: self.plan }.sink(),
            rows: Vec::new(),
        }
    }

    fn output(&self, sink: RowSink<'p, R>, interner: &Interner) -> RowOutput<R> {
        RowOutput {
            sums: Tally { plan: self.plan }.output(sink.tally, interner),
            rows: sink.rows,
        }
    }

    fn merge(&self, a: RowOutput<R>, b: RowOutput<R>) -> RowOutput<R> {
        let mut rows = a.rows;
        rows.extend(b.rows);
        RowOutput {
            sums: a.sums.merge(b.sums),
            rows,
        }
    }

    fn subtract(&self, total: &mut RowOutput<R>, dup: RowOutput<R>) {
        total.sums.subtract(dup.sums);
        drop_rows(&mut total.rows, &dup.rows);
    }
}

/// Takes each of `gone` out of `rows` once, by position and request id
/// (a position may hold several records): one pass over `rows`.
fn drop_rows<R: Row>(rows: &mut Vec<R>, gone: &[R]) {
    if gone.is_empty() {
        return;
    }
    // Per position, the request ids to take and how many of each.
    let mut left: FxHashMap<RelOrigin, Vec<(Option<&str>, usize)>> = FxHashMap::default();
    for r in gone {
        let ids = left.entry(r.at()).or_default();
        match ids.iter_mut().find(|(id, _)| *id == r.request_id()) {
            Some((_, n)) => *n += 1,
            None => ids.push((r.request_id(), 1)),
        }
    }
    let mut remaining = gone.len();
    rows.retain(|r| {
        if remaining == 0 {
            return true;
        }
        let Some(ids) = left.get_mut(&r.at()) else {
            return true;
        };
        match ids
            .iter_mut()
            .find(|(id, n)| *n > 0 && *id == r.request_id())
        {
            Some((_, n)) => {
                *n -= 1;
                remaining -= 1;
                false
            }
            None => true,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct T(RelOrigin, Option<String>, u32);

    impl Row for T {
        fn of(_: &PricedRecord<'_>) -> Self {
            unreachable!()
        }
        fn at(&self) -> RelOrigin {
            self.0
        }
        fn request_id(&self) -> Option<&str> {
            self.1.as_deref()
        }
    }

    fn t(line: u64, id: Option<&str>, tag: u32) -> T {
        let at = RelOrigin {
            file: 0,
            chunk: 0,
            line,
        };
        T(at, id.map(String::from), tag)
    }

    #[test]
    fn each_repeat_is_taken_out_once_by_position_and_id() {
        let mut rows = vec![
            t(1, Some("a"), 0),
            t(2, Some("a"), 1),
            // One line holding two records of one id (a trace line).
            t(3, Some("b"), 2),
            t(3, Some("b"), 3),
            t(4, None, 4),
        ];
        drop_rows(&mut rows, &[t(2, Some("a"), 9), t(3, Some("b"), 9)]);
        let tags: Vec<u32> = rows.iter().map(|r| r.2).collect();
        assert_eq!(tags, [0, 3, 4]);
        drop_rows(&mut rows, &[]);
        assert_eq!(rows.len(), 3);
    }
}
