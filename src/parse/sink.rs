//! The sink: where a parser reports each unit it reads, and the one
//! vocabulary every parser and the worker share for a unit's outcome.

use crate::record::{Ignored, Reason, UsageRecord};

/// Where a parser reports each unit it reads. The pipeline's worker
/// implements it: it enriches, filters, prices and aggregates a record at
/// once, so a record may borrow from the unit and is never stored.
///
/// Every report is one unit of the accounting (`lines_read`): a line, a CSV
/// row, or one record of a document or of a line that holds several (a
/// trace line with many spans), so the buckets always add up.
pub trait Sink {
    /// A usage record.
    fn record(&mut self, record: UsageRecord<'_>);
    /// What a row became, as [`Collected::finish`](crate::parse::collect::Collected::finish)
    /// gives it: a record, ignored (no usage at all), or malformed.
    fn outcome(&mut self, finished: Result<Option<UsageRecord<'_>>, Reason>) {
        match finished {
            Ok(Some(record)) => self.record(record),
            Ok(None) => self.ignored(Ignored::NoUsage),
            Err(reason) => self.malformed(reason),
        }
    }
    /// A unit that cannot be used, and why.
    fn malformed(&mut self, reason: Reason);
    /// A unit that carries no usage (a page envelope, a non-LLM span), and
    /// why: counted per reason.
    fn ignored(&mut self, why: Ignored);
    /// An empty or whitespace-only line.
    fn blank(&mut self);
    /// A record already reported under the same request id (a streaming
    /// snapshot, a repeated content block): counted, not totalled.
    fn duplicate(&mut self);
    /// For document framing: the physical line (from 1) the next report
    /// belongs to. Line framing sets this itself.
    fn at_line(&mut self, _line: u64) {}
    /// The trailer of llmspend's normalized JSONL: the accounting of the
    /// run that wrote the rows before it, added to this run's (not itself
    /// a unit read).
    fn trailer(&mut self, _trailer: crate::accounting::Trailer) {}
}
