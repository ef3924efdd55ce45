//! The worker: one per rayon task, owning its scratch, its string table,
//! its price cache, its ledger and its sink. No locks below this line.
//!
//! [`Worker::process_chunk`] runs the per-record steps of the data flow for
//! one chunk: cut it into units as the parser's framing says, parse each
//! unit through the source (the worker is the source's [`Sink`]), then
//! enrich, admit (window, `--where`, dedupe), price, and hand the priced
//! record to the run's [`RecordSink`]. Sequential and parallel runs call
//! the same function. CSV framing is in [`csv_records`].

mod csv_records;

pub use crate::plan::{AttributionPlan, Plan};
pub use csv_records::UNCLOSED_QUOTE;
use csv_records::{csv_chunk, CsvScratch, CsvTarget};

use memchr::memchr;
use rustc_hash::FxHashSet;

use crate::accounting::{Ledger, LedgerSums, RelOrigin};
use crate::aggregate::Interner;
use crate::dedupe::{self, Seen};
use crate::dimension::Dimension;
use crate::enrich::ownership::OWNERS;
use crate::enrich::{route, values, TextView};
use crate::price::{Priced, Pricer};
use crate::record::{Field, Ignored, Reason, UsageRecord, NUL_TAIL};
use crate::sink::{Consumer, PricedRecord, RecordSink};
use crate::sources::{Framing, Parser, Sink};

/// Whether a worker counts records or picks out duplicates to subtract.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'p> {
    /// Count every record; note request ids.
    Count,
    /// Count only the records that are duplicates under the kept positions.
    Duplicates(&'p Seen),
}

/// One chunk of input to process.
#[derive(Clone, Copy)]
pub struct Chunk<'a> {
    /// File id.
    pub file: u32,
    /// Index of the chunk within its file.
    pub index: u32,
    /// The bytes, starting at a record boundary.
    pub bytes: &'a [u8],
    /// The file's parser.
    pub parser: &'a dyn Parser,
    /// Returns true if and only if this chunk starts the file (skip a BOM,
    /// and a CSV header).
    pub first: bool,
}

/// A per-thread worker; `S` is what it hands priced records to.
pub struct Worker<'p, S> {
    plan: &'p Plan<'p>,
    pricer: Pricer<'p>,
    /// Strings of this worker: models and providers for the price cache,
    /// and whatever the sink keys by.
    interner: Interner,
    sink: S,
    ledger: Ledger,
    /// Physical line count per (file, chunk) this worker processed.
    chunk_lines: Vec<((u32, u32), u64)>,
    /// Ownership map rows that matched, a bit per row.
    owner_hits: Vec<u64>,
    /// Request ids seen by this worker.
    seen: Seen,
    mode: Mode<'p>,
    at: RelOrigin,
    /// Rescanning for duplicates: the repeated ids whose first occurrence
    /// in this chunk was met (that one is the kept occurrence).
    firsts: FxHashSet<u64>,
    csv: CsvScratch,
    route_buf: String,
    value_bufs: [String; OWNERS.len()],
}

/// What a worker leaves when it is done: its sink's output and the
/// run-level figures every consumer shares.
#[derive(Default)]
pub struct Done<O> {
    /// The sink's output.
    pub out: O,
    /// Line accounting.
    pub ledger: LedgerSums,
    /// Physical line count per (file, chunk) processed.
    pub chunk_lines: Vec<((u32, u32), u64)>,
    /// Ownership map rows that matched, a bit per row.
    pub owner_hits: Vec<u64>,
    /// Request ids seen.
    pub seen: Seen,
}

impl<O> Done<O> {
    /// Adds another worker's results; `merge` adds the outputs.
    pub fn merge(self, o: Done<O>, merge: impl FnOnce(O, O) -> O) -> Done<O> {
        let mut ledger = self.ledger;
        ledger.merge(o.ledger);
        let mut chunk_lines = self.chunk_lines;
        chunk_lines.extend(o.chunk_lines);
        let (mut hits, other) = if self.owner_hits.len() >= o.owner_hits.len() {
            (self.owner_hits, o.owner_hits)
        } else {
            (o.owner_hits, self.owner_hits)
        };
        for (mine, theirs) in hits.iter_mut().zip(other) {
            *mine |= theirs;
        }
        let mut seen = self.seen;
        seen.merge(o.seen);
        Done {
            out: merge(self.out, o.out),
            ledger,
            chunk_lines,
            owner_hits: hits,
            seen,
        }
    }
}

impl<'p, S: RecordSink> Worker<'p, S> {
    /// A worker in the given mode, handing records to `sink`.
    pub fn new(plan: &'p Plan<'p>, mode: Mode<'p>, sink: S) -> Self {
        let a = &plan.attribution;
        Worker {
            plan,
            pricer: Pricer::new(plan.card),
            interner: Interner::default(),
            sink,
            ledger: Ledger::default(),
            chunk_lines: Vec::new(),
            owner_hits: vec![0; a.owners.map_or(0, |m| m.len().div_ceil(64))],
            seen: Seen::default(),
            mode,
            firsts: FxHashSet::default(),
            at: RelOrigin {
                file: 0,
                chunk: 0,
                line: 0,
            },
            csv: CsvScratch::default(),
            route_buf: String::new(),
            value_bufs: Default::default(),
        }
    }

    /// The line buckets so far.
    pub fn counts(&self) -> &crate::accounting::Counts {
        &self.ledger.counts
    }

    /// Finishes: the sink's output by `consumer`, and the shared figures.
    pub fn finish<C: Consumer<Sink = S>>(mut self, consumer: &C) -> Done<C::Output> {
        // Only ids are turned back into text from here on.
        self.interner.release_index();
        Done {
            out: consumer.output(self.sink, &self.interner),
            ledger: self.ledger.into_sums(),
            chunk_lines: self.chunk_lines,
            owner_hits: self.owner_hits,
            seen: self.seen,
        }
    }

    /// Processes one chunk.
    pub fn process_chunk(&mut self, chunk: &Chunk<'_>) {
        self.at = RelOrigin {
            file: chunk.file,
            chunk: chunk.index,
            line: 0,
        };
        self.firsts.clear();
        let mut bytes = chunk.bytes;
        if chunk.first {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let lines = match chunk.parser.framing() {
            Framing::Lines => self.lines(bytes, chunk.parser),
            Framing::Csv => {
                let mut scratch = std::mem::take(&mut self.csv);
                let max_line = self.plan.max_line_bytes;
                let n = csv_chunk(
                    self,
                    &mut scratch,
                    bytes,
                    chunk.parser,
                    chunk.first,
                    max_line,
                );
                self.csv = scratch;
                n
            }
            Framing::Document => self.document(bytes, chunk.parser),
        };
        self.chunk_lines.push(((chunk.file, chunk.index), lines));
        let counting = matches!(self.mode, Mode::Count);
        self.sink
            .chunk_done(chunk.file, chunk.index, lines, counting);
    }

    /// Physical lines. A line of only whitespace is blank; one of only
    /// whitespace and NUL bytes is malformed ([`NUL_TAIL`]): a log cut by a
    /// crash often ends in NUL padding (the file was extended before the
    /// data reached the disk), and the crash must show. NULs inside a line
    /// make it malformed too.
    fn lines(&mut self, bytes: &[u8], parser: &dyn Parser) -> u64 {
        let mut rest = bytes;
        let mut line = 0;
        while !rest.is_empty() {
            line += 1;
            self.at.line = line;
            if self.unneeded() {
                rest = memchr(b'\n', rest).map_or(&rest[rest.len()..], |i| &rest[i + 1..]);
                continue;
            }
            if let Some(len) = parser.parse_line(rest, self.plan.max_line_bytes, self) {
                rest = rest.get(len + 1..).unwrap_or_default();
                continue;
            }
            let (unit, next) = match memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            let unit = unit.strip_suffix(b"\r").unwrap_or(unit);
            // A byte order mark starts the file (stripped above) or, in
            // files joined with `cat`, any line.
            let unit = unit.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(unit);
            if unit.len() > self.plan.max_line_bytes {
                self.malformed(Reason::LineTooLong);
            } else if unit.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
                if unit.contains(&0) {
                    self.malformed(NUL_TAIL);
                } else {
                    self.blank();
                }
            } else {
                parser.parse_unit(unit, self);
            }
        }
        line
    }

    /// Returns true if and only if this is a rescan and the block of the
    /// line at `self.at` holds no duplicate: its records need not be read
    /// (a rescan counts only duplicates).
    #[inline]
    fn unneeded(&self) -> bool {
        match self.mode {
            Mode::Count => false,
            Mode::Duplicates(seen) => !seen.holds_duplicate(dedupe::pos(self.at)),
        }
    }

    fn document(&mut self, bytes: &[u8], parser: &dyn Parser) -> u64 {
        self.at.line = 1;
        parser.parse_unit(bytes, self);
        memchr::memchr_iter(b'\n', bytes).count() as u64 + 1
    }

    fn intern(&mut self, value: Option<&str>) -> u32 {
        value.map_or(u32::MAX, |v| self.interner.intern(v))
    }
}

impl<S: RecordSink> Worker<'_, S> {
    /// Route templates, the ownership map and `--normalize-values` on the
    /// text view, then [`Worker::account`]. Folded values live in
    /// per-worker buffers, so nothing is allocated per record.
    fn enrich(&mut self, r: &UsageRecord<'_>, text: TextView<'_>) {
        let a = &self.plan.attribution;
        let mut route_buf = std::mem::take(&mut self.route_buf);
        let mut bufs = std::mem::take(&mut self.value_bufs);
        // A view that lives only as long as the buffers it may point into.
        let mut text: TextView<'_> = text;
        if a.route_templates {
            if let Some(raw) = text[Field::Route as usize] {
                if route::template(raw, &mut route_buf) {
                    text[Field::Route as usize] = Some(route_buf.as_str());
                }
            }
        }
        let from_map = match a.owners {
            Some(map) => map.apply(&mut text, a.owners_override, &mut self.owner_hits),
            None => 0,
        };
        if a.normalize_values {
            for (buf, f) in bufs.iter_mut().zip(OWNERS) {
                if let Some(v) = text[f as usize] {
                    if values::normalize(f, v, buf) {
                        let buf: &String = buf;
                        text[f as usize] = Some(buf.as_str());
                    }
                }
            }
        }
        self.account(r, &text, from_map);
        self.value_bufs = bufs;
        self.route_buf = route_buf;
    }

    /// Admits (window, `--where`, dedupe), prices and hands to the sink one
    /// record whose text fields (after enrichment) are `text`; `from_map`
    /// has a bit per field the ownership map set.
    fn account(&mut self, r: &UsageRecord<'_>, text: &TextView<'_>, from_map: u32) {
        let plan = self.plan;
        let get = |f: Field| text[f as usize];
        let at = dedupe::pos(self.at);
        let id = if plan.attribution.dedupe {
            get(Field::RequestId)
        } else {
            None
        };
        // Picking out duplicates: most records are not even repeated ids,
        // so decide that before pricing; which occurrence is the kept one
        // is decided once the window and --where have passed it, below.
        let mut repeated = None;
        if let Mode::Duplicates(kept) = self.mode {
            let hash = id.map(dedupe::hash_id);
            match hash.and_then(|h| Some((h, kept.kept(h)?))) {
                Some(found) => repeated = Some(found),
                None => return,
            }
        }
        // A console's display name (`Claude Sonnet 4.5`) groups and prices
        // as the model id the card's names table gives it.
        let model = get(Field::Model);
        let model = model
            .and_then(|m| self.pricer.model_of_display_name(m))
            .or(model);
        let model_id = self.intern(model);
        let provider_raw_id = self.intern(get(Field::Provider));
        let resolved =
            self.pricer
                .resolve((provider_raw_id, model_id), get(Field::Provider), model);
        let provider = resolved.provider.as_deref();
        let utc_day = r.timestamp.div_euclid(86_400);
        // A named zone's offset changes with DST; a fixed one is `tz_offset`.
        let local_day = match plan.zone {
            crate::zone::Zone::Named(_) => plan.zone.local_day(r.timestamp),
            crate::zone::Zone::Fixed(_) => (r.timestamp + plan.tz_offset).div_euclid(86_400),
        };
        let value = |d: Dimension| -> Option<&str> {
            match d {
                Dimension::Provider => provider,
                Dimension::Source => Some(r.source),
                Dimension::ModelFamily => get(Field::Model).map(crate::price::card::names::family),
                d => d.field().and_then(get),
            }
        };
        let passes = plan.window.contains(r.timestamp)
            && plan.wheres.iter().all(|w| {
                w.passes(
                    value(w.dim),
                    w.dim.is_time().then(|| w.dim.period(local_day)),
                )
            });
        match self.mode {
            Mode::Count => {
                if !passes {
                    self.ledger.counts.filtered += 1;
                    return;
                }
                if let Some(id) = id {
                    self.seen.see(dedupe::hash_id(id), at);
                }
            }
            Mode::Duplicates(_) if !passes => return,
            Mode::Duplicates(_) => {
                // The first occurrence in its kept chunk counts as read.
                if let Some((hash, kept_at)) = repeated {
                    if kept_at == at && self.firsts.insert(hash) {
                        return;
                    }
                }
            }
        }
        self.ledger.counts.parsed += 1;
        let tier = get(Field::ServiceTier);
        let (cost, rate, tier_fallback, tier_skipped) = match r.written_cost {
            // Normalized JSONL: priced once, by the run that wrote it.
            Some(cost) => (cost.map(crate::money::Money), None, false, false),
            None => match resolved.price_noted(utc_day, tier, &r.tokens, r.requests, r.notes) {
                Priced::Cost {
                    cost,
                    rate,
                    tier_fallback,
                    tier_skipped,
                } => (Some(cost), Some(rate), tier_fallback, tier_skipped),
                Priced::Unpriced => (None, None, false, false),
            },
        };
        // Audio and image tokens, at their own columns (docs/design.md).
        let mut unpriced_modal = 0;
        let cost = match (cost, rate) {
            (Some(text), Some(rate)) if !r.modal.is_zero() => {
                let (modal, unpriced) = crate::price::modal_cost(rate, &r.modal);
                unpriced_modal = unpriced;
                Some(text + modal)
            }
            _ => cost,
        };
        let skipped_tier = match tier_skipped {
            true => resolved.skipped_tier(utc_day, tier, &r.tokens),
            false => None,
        };
        let record = PricedRecord {
            record: r,
            text,
            provider,
            model_id,
            cost,
            rate,
            tier_fallback,
            tier_skipped,
            skipped_tier,
            unpriced_modal,
            local_day,
            from_map,
            at: self.at,
        };
        self.sink.accept(&record, &mut self.interner);
    }
}

impl<S: RecordSink> CsvTarget for Worker<'_, S> {
    #[inline]
    fn unneeded(&self) -> bool {
        Worker::unneeded(self)
    }
}

impl<S: RecordSink> Sink for Worker<'_, S> {
    fn record(&mut self, r: UsageRecord<'_>) {
        // A normalized row's line was counted by the run that wrote it.
        if r.written_cost.is_none() {
            self.ledger.counts.lines_read += 1;
        }
        let a = &self.plan.attribution;
        let text: TextView<'_> = std::array::from_fn(|i| r.text[i].as_deref());
        if !(a.route_templates || a.owners.is_some() || a.normalize_values) {
            return self.account(&r, &text, 0);
        }
        self.enrich(&r, text);
    }

    fn malformed(&mut self, reason: Reason) {
        self.ledger.counts.lines_read += 1;
        self.ledger.malformed(reason, self.at);
    }

    fn ignored(&mut self, why: Ignored) {
        self.ledger.counts.lines_read += 1;
        self.ledger.ignored(why, self.at);
    }

    fn blank(&mut self) {
        self.ledger.counts.lines_read += 1;
        self.ledger.counts.blank += 1;
    }

    fn duplicate(&mut self) {
        self.ledger.counts.lines_read += 1;
        self.ledger.counts.duplicate += 1;
    }

    fn at_line(&mut self, line: u64) {
        self.at.line = line;
    }

    fn trailer(&mut self, trailer: crate::accounting::Trailer) {
        self.ledger.import(trailer, self.at.file);
    }
}
