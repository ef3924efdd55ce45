//! The seam between a priced record and what consumes it.
//!
//! The worker takes each parsed record through its steps: enrich (route
//! templates, ownership map, value spellings), admit (window, `--where`,
//! dedupe), price; then it hands the priced record to a [`RecordSink`]. A
//! sink never filters, prices or looks at input bytes, and the worker never
//! knows what a sink keeps. This is ripgrep's searcher/printer split: the
//! worker is the searcher, a priced record is the match, and each consumer
//! (the group tally of `report` and `coverage` today; a row writer, a FOCUS
//! charge tally or a budget tally tomorrow) is a printer.
//!
//! The scheduler is generic over a [`Consumer`]: it makes one sink per
//! worker, turns each finished sink into an output and merges the outputs.
//!
//! # Dedupe and sinks
//! Dedupe never holds every request id in a table while reading: the first
//! pass counts every record and notes (hash, position) per id; after every
//! input was seen, the chunks holding a later occurrence of an id are read
//! again in the worker's `Mode::Duplicates` and what they hand to
//! a sink is subtracted ([`Consumer::subtract`]). That works for sums. A
//! consumer that writes rows as they come (`normalize`) asks for the inputs
//! in file order ([`Consumer::in_file_order`]), gets each finished chunk
//! ([`RecordSink::chunk_done`]) and drops repeats itself in that order
//! (`src/normalize/stream.rs`). Otherwise, a consumer whose output cannot
//! be subtracted runs with dedupe off, and every row it gets carries the `request_id` and its
//! position ([`PricedRecord::at`]: file id, chunk, line in the chunk, which
//! orders exactly like (file path, physical line); the line itself is
//! known once every chunk's line count is, after the run): the engine
//! downstream keeps, of each `request_id`, the row earliest in that order,
//! the rule `report` applies (docs/design.md, Dedupe).

pub mod charges;
mod groups;
pub mod rows;
pub mod tally;

use crate::accounting::RelOrigin;
use crate::aggregate::Interner;
use crate::dimension::Dimension;
use crate::enrich::TextView;
use crate::money::Money;
use crate::price::card::Rate;
use crate::record::{Field, UsageRecord};

/// A record that passed the filters and was priced.
pub struct PricedRecord<'r> {
    /// The record as the source read it (timestamp, requests, tokens,
    /// stated cost, source name).
    pub record: &'r UsageRecord<'r>,
    /// Its text fields after enrichment.
    pub text: &'r TextView<'r>,
    /// The canonical provider (as logged, or inferred from the model).
    pub provider: Option<&'r str>,
    /// The model, interned in the worker's [`Interner`]; `u32::MAX` when
    /// the record has none.
    pub model_id: u32,
    /// The exact cost; `None` when no rate-card row prices the model.
    pub cost: Option<Money>,
    /// The rate-card row that priced it (with its dates, tier and
    /// long-context threshold); `None` when unpriced. A FOCUS charge is
    /// keyed by it (docs/focus.md).
    pub rate: Option<&'r Rate>,
    /// Returns true if and only if its service tier had no row and the
    /// standard row priced it.
    pub tier_fallback: bool,
    /// Returns true if and only if it is an aggregated row that a
    /// long-context tier could have repriced.
    pub tier_skipped: bool,
    /// With `tier_skipped`: the long-context row a single request would
    /// have been priced at (for the cost at risk).
    pub skipped_tier: Option<&'r Rate>,
    /// Audio and image tokens of the record whose rate-card column is
    /// empty: counted, not priced, warned about (`cost` has the priced
    /// parts only).
    pub unpriced_modal: u64,
    /// The day in `--tz`, days since the epoch.
    pub local_day: i64,
    /// A bit per [`Field`] (by `Field as usize`) the ownership map set.
    pub from_map: u32,
    /// Where it was read: file id, chunk and physical line in the chunk.
    pub at: RelOrigin,
}

impl PricedRecord<'_> {
    /// The value of a text field, `None` when missing.
    #[inline]
    pub fn get(&self, f: Field) -> Option<&str> {
        self.text[f as usize]
    }

    /// The value of a non-time dimension: the canonical provider, the
    /// source's name, or a text field.
    #[inline]
    pub fn value(&self, d: Dimension) -> Option<&str> {
        match d {
            Dimension::Provider => self.provider,
            Dimension::Source => Some(self.record.source),
            Dimension::RateModel => self.rate.map(|r| r.model.as_str()),
            Dimension::ModelFamily => self
                .get(Field::Model)
                .map(crate::price::card::names::family),
            d => d.field().and_then(|f| self.get(f)),
        }
    }
}

/// What a worker hands each priced record to.
pub trait RecordSink {
    /// Takes one priced record. `interner` is the worker's table of
    /// strings, shared with the price cache, for sinks that key by text.
    fn accept(&mut self, record: &PricedRecord<'_>, interner: &mut Interner);

    /// The worker finished chunk `chunk` of input `file`, of `lines`
    /// physical lines; `counting` is false on a dedupe rescan (the records
    /// handed over since the last call were repeats). A sink that streams
    /// its records out in order hands the chunk's on here.
    fn chunk_done(&mut self, _file: u32, _chunk: u32, _lines: u64, _counting: bool) {}
}

/// What a run's sinks become: the scheduler makes a sink per worker, turns
/// each into an output when the worker is done, and adds the outputs up.
pub trait Consumer: Sync {
    /// The per-worker sink.
    type Sink: RecordSink + Send;
    /// A finished sink's result, merged across workers.
    type Output: Send + Default;
    /// A fresh sink.
    fn sink(&self) -> Self::Sink;
    /// A finished sink's result; `interner` resolves the ids it keeps.
    fn output(&self, sink: Self::Sink, interner: &Interner) -> Self::Output;
    /// Adds two outputs; commutative and associative, so the result does
    /// not depend on threads or chunking.
    fn merge(&self, a: Self::Output, b: Self::Output) -> Self::Output;
    /// Takes away `dup`, the output of the records found to be repeats of
    /// a request id counted before. Only called when dedupe is on.
    fn subtract(&self, total: &mut Self::Output, dup: Self::Output);

    /// Returns true if and only if the consumer needs the inputs read one
    /// after another in id order, each one's chunks handed out in index
    /// order (`pipeline/ordered.rs`): a consumer that writes rows in
    /// (file, line) order as they come.
    fn in_file_order(&self) -> bool {
        false
    }
}
