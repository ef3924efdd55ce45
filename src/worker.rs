//! The worker: one per rayon task, owning its scratch, its partial groups,
//! its partial ledger and its price cache. No locks below this line.
//!
//! [`Worker::process_chunk`] runs steps 3 to 8 of the data flow for one
//! chunk: cut it into units as the parser's framing says, parse each unit
//! through the source, then filter, price and aggregate every record at
//! once (the [`Sink`] implementation). Sequential and parallel runs call the
//! same function.

use memchr::memchr;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::accounting::{Ledger, RelOrigin};
use crate::aggregate::{Dimension, GroupKey, Groups, Totals};
use crate::dedupe::{self, Seen};
use crate::enrich::ownership::{OwnerMap, OWNERS};
use crate::enrich::{route, values, OwnerOrigin, TextView};
use crate::filter::{Where, Window};
use crate::input::chunk::CsvState;
use crate::parse::csv_row::{plain_line, CsvRow};
use crate::price::card::RateCard;
use crate::price::{Priced, Pricer};
use crate::record::{Field, FieldSet, Reason, UsageRecord};
use crate::sources::{Framing, Parser, Sink};

/// A CSV record whose quoted field is still open at the end of the input.
pub const UNCLOSED_QUOTE: Reason = Reason::Other("CSV row with an unclosed quote");

/// A chunk's bytes for the `csv` crate, which drops a byte order mark
/// wherever its parser starts (at a new reader or after a seek). Reading
/// starts at each chunk and at each record the fast path hands over, so a
/// BOM there would vanish while the same bytes read as part of the whole
/// file are a row: chunking would change the report. Handing over one byte
/// first after every seek keeps every BOM (the file's own one is stripped
/// by `process_chunk`). One reader, whose parser tables are costly to
/// build, serves the whole chunk.
struct SeekKeepBom<'a> {
    bytes: &'a [u8],
    pos: usize,
    fresh: bool,
}

impl std::io::Read for SeekKeepBom<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        let n = if std::mem::take(&mut self.fresh) {
            1
        } else {
            buf.len()
        };
        let n = n.min(buf.len()).min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl std::io::Seek for SeekKeepBom<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let std::io::SeekFrom::Start(at) = to else {
            return Err(std::io::Error::other("only absolute seeks"));
        };
        self.pos = usize::try_from(at).unwrap_or(usize::MAX);
        self.fresh = true;
        Ok(at)
    }
}

/// The `csv` crate's reader over one chunk, built on first use.
type ChunkReader<'a> = Option<csv::Reader<SeekKeepBom<'a>>>;

/// What every worker of a run shares, read-only.
pub struct Plan<'c> {
    /// `--by`, in order.
    pub dims: Vec<Dimension>,
    /// The time window.
    pub window: Window,
    /// `--where` conditions, all of which must pass.
    pub wheres: Vec<Where>,
    /// The merged rate card.
    pub card: &'c RateCard,
    /// Seconds east of UTC for day/week/month grouping (`--tz`).
    pub tz_offset: i64,
    /// Longest line accepted, in bytes.
    pub max_line_bytes: usize,
    /// Sum the costs sources state (`reported_cost`): only output that
    /// shows them asks, since most rows state one and reading it is a
    /// float parse per row.
    pub reported_cost: bool,
    /// Enrichment, dedupe and the required fields.
    pub attribution: AttributionPlan<'c>,
}

/// The attribution part of a [`Plan`]: off by default.
#[derive(Debug, Clone, Default)]
pub struct AttributionPlan<'c> {
    /// Fields every request should carry (`--require`): their unattributed
    /// figures are gathered, and a record is attributed when it has all.
    pub required: Vec<Field>,
    /// Group requests that lack a required field by these (coverage `--by`);
    /// empty gathers no offenders.
    pub offender_dims: Vec<Dimension>,
    /// Count a repeated request id once.
    pub dedupe: bool,
    /// `--owners`.
    pub owners: Option<&'c OwnerMap>,
    /// `--owners-override`.
    pub owners_override: bool,
    /// Fold ids out of routes.
    pub route_templates: bool,
    /// Sum records by how their owner was found (request or map).
    pub track_origin: bool,
    /// `--normalize-values`: owner values in one spelling.
    pub normalize_values: bool,
    /// Fields whose distinct values (with requests) are collected, to find
    /// inconsistent spellings.
    pub value_fields: Vec<Field>,
}

impl Plan<'_> {
    /// What [`Worker::account`] reads for this plan: the text fields of
    /// pricing (provider, model, service tier), the unattributed shares
    /// (team, cost center), dedupe (request id), and whatever the
    /// dimensions, filters and attribution name; the stated cost if asked.
    /// An ownership map may match on any field, so with one every field is
    /// read.
    pub fn fields_read(&self) -> FieldSet {
        let fields = self.text_fields_read();
        match self.reported_cost {
            true => fields.with_reported_cost(),
            false => fields,
        }
    }

    fn text_fields_read(&self) -> FieldSet {
        let a = &self.attribution;
        if a.owners.is_some() {
            return Field::ALL.into_iter().collect();
        }
        let named = |d: &Dimension| d.field();
        [
            Field::Provider,
            Field::Model,
            Field::ServiceTier,
            Field::Team,
            Field::CostCenter,
            Field::RequestId,
        ]
        .into_iter()
        .chain(self.dims.iter().filter_map(named))
        .chain(self.wheres.iter().filter_map(|w| w.dim.field()))
        .chain(a.offender_dims.iter().filter_map(named))
        .chain(a.required.iter().copied())
        .chain(a.value_fields.iter().copied())
        .collect()
    }
}

/// Per required field: what lacks it, and who sends it.
#[derive(Debug, Default)]
pub struct RequiredPart {
    /// Records without the field.
    pub missing: Totals,
    /// The same, per offender key (`offender_dims`).
    pub offenders: FxHashMap<GroupKey, Totals>,
}

/// Whether a worker counts records or picks out duplicates to subtract.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'p> {
    /// Count every record; note request ids.
    Count,
    /// Count only the records that are duplicates under the kept positions.
    Duplicates(&'p Seen),
}

/// Coverage figures a worker gathers beside the groups.
#[derive(Debug, Default)]
pub struct CoverageParts {
    /// All parsed records.
    pub total: Totals,
    /// Records without a team.
    pub no_team: Totals,
    /// Records without a cost center.
    pub no_cost_center: Totals,
    /// Unpriced models (worker-interned id, or `u32::MAX` for no model) ->
    /// (requests, tokens).
    pub unpriced: FxHashMap<u32, (u128, u128)>,
    /// Requests whose service tier had no row and were priced at standard.
    pub tier_fallback: u128,
    /// Aggregated rows a long-context tier could have repriced.
    pub tier_skipped: u128,
    /// Per required field (in `required` order).
    pub required: Vec<RequiredPart>,
    /// Records whose required fields all came with the request.
    pub by_request: Totals,
    /// Records attributed with help from the ownership map.
    pub by_map: Totals,
    /// Ownership map rows that matched, a bit per row.
    pub owner_hits: Vec<u64>,
    /// Per `value_fields` entry: interned value -> requests.
    pub values: Vec<FxHashMap<u32, u128>>,
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

/// A per-thread worker.
pub struct Worker<'p> {
    plan: &'p Plan<'p>,
    pricer: Pricer<'p>,
    /// Groups of this worker.
    pub groups: Groups,
    /// Ledger of this worker.
    pub ledger: Ledger,
    /// Coverage of this worker.
    pub coverage: CoverageParts,
    /// Physical line count per (file, chunk) this worker processed.
    pub chunk_lines: Vec<((u32, u32), u64)>,
    /// Request ids seen by this worker.
    pub seen: Seen,
    mode: Mode<'p>,
    at: RelOrigin,
    /// Rescanning for duplicates: the repeated ids whose first occurrence
    /// in this chunk was met (that one is the kept occurrence).
    firsts: FxHashSet<u64>,
    csv_row: csv::ByteRecord,
    csv_ends: Vec<usize>,
    route_buf: String,
    value_bufs: [String; OWNERS.len()],
}

impl<'p> Worker<'p> {
    /// A fresh worker.
    pub fn new(plan: &'p Plan<'p>) -> Self {
        Self::with_mode(plan, Mode::Count)
    }

    /// A worker in the given mode.
    pub fn with_mode(plan: &'p Plan<'p>, mode: Mode<'p>) -> Self {
        let a = &plan.attribution;
        let coverage = CoverageParts {
            required: a.required.iter().map(|_| RequiredPart::default()).collect(),
            owner_hits: vec![0; a.owners.map_or(0, |m| m.len().div_ceil(64))],
            values: a
                .value_fields
                .iter()
                .map(|_| FxHashMap::default())
                .collect(),
            ..CoverageParts::default()
        };
        Worker {
            plan,
            pricer: Pricer::new(plan.card),
            groups: Groups::default(),
            ledger: Ledger::default(),
            coverage,
            chunk_lines: Vec::new(),
            seen: Seen::default(),
            mode,
            firsts: FxHashSet::default(),
            at: RelOrigin {
                file: 0,
                chunk: 0,
                line: 0,
            },
            csv_row: csv::ByteRecord::new(),
            csv_ends: Vec::new(),
            route_buf: String::new(),
            value_bufs: Default::default(),
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
            Framing::Csv => self.csv(bytes, chunk.parser, chunk.first),
            Framing::Document => self.document(bytes, chunk.parser),
        };
        self.chunk_lines.push(((chunk.file, chunk.index), lines));
    }

    /// Physical lines. A line of only whitespace and NUL bytes is blank:
    /// a log cut by a crash often ends in NUL padding (the file was extended
    /// before the data reached the disk), which carries no record and must
    /// not count as malformed. NULs inside a line make it malformed.
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
                self.blank();
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

    /// CSV records. The `csv` crate skips empty lines and reports a
    /// record's position as where it began scanning, so positions are kept
    /// here instead: every empty line between records is counted `blank` at
    /// its own physical line, and a record's line is where its first byte
    /// is. A quoted field still open at the end of the input (an unclosed
    /// quote) makes its first line malformed, and reading resumes on the
    /// next line, so it does not swallow the rest of the file. A record
    /// longer than `--max-line-bytes` is malformed like a long line.
    ///
    /// A line without a quote and without a CR (other than the one of its
    /// CRLF) is one record whose fields are the bytes between commas: it is
    /// split here, which is what the `csv` crate would do with it, at a
    /// fraction of the cost. Every other line starts a record the `csv`
    /// crate reads ([`Worker::csv_record`]).
    fn csv(&mut self, bytes: &[u8], parser: &dyn Parser, first: bool) -> u64 {
        let mut row = std::mem::take(&mut self.csv_row);
        let mut header_pending = first;
        // Bytes before `cursor` are accounted for; `line` is the physical
        // line `cursor` is on.
        let mut cursor = 0usize;
        let mut line = 1u64;
        let mut ended = false;
        let mut reader: ChunkReader<'_> = None;
        let mut ends = std::mem::take(&mut self.csv_ends);
        while cursor < bytes.len() {
            let Some(plain) = plain_line(bytes, cursor, &mut ends) else {
                let at = (cursor, line);
                let buffers = (&mut row, &mut ends);
                let found =
                    self.csv_record(bytes, at, &mut reader, buffers, parser, &mut header_pending);
                match found {
                    Some((c, l)) => (cursor, line) = (c, l),
                    None => {
                        ended = true;
                        break;
                    }
                }
                continue;
            };
            let content = plain.content();
            self.at.line = line;
            if content.is_empty() {
                // The csv crate skips empty lines.
                self.blank();
            } else if std::mem::take(&mut header_pending) {
                self.ignored();
            } else if content.len() > self.plan.max_line_bytes {
                self.malformed(Reason::LineTooLong);
            } else if !self.unneeded() {
                parser.parse_csv(&CsvRow::of_plain(&plain, &ends), self);
            }
            line += u64::from(plain.next > plain.end);
            cursor = plain.next;
        }
        self.csv_ends = ends;
        self.csv_row = row;
        let unterminated = u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
        let counted = || memchr::memchr_iter(b'\n', bytes).count() as u64 + unterminated;
        if ended {
            return counted();
        }
        let physical = line - 1 + unterminated;
        debug_assert_eq!(physical, counted());
        physical
    }

    /// Reads the record that starts at `cursor` (on physical line `line`)
    /// with the `csv` crate into the worker's buffers, counting the empty
    /// lines before it as blank; returns where the next record starts and
    /// its line, or `None` when the input holds no further record (only
    /// empty lines, counted).
    fn csv_record<'b>(
        &mut self,
        bytes: &'b [u8],
        (cursor, line): (usize, u64),
        reader: &mut ChunkReader<'b>,
        (row, ends): (&mut csv::ByteRecord, &mut Vec<usize>),
        parser: &dyn Parser,
        header_pending: &mut bool,
    ) -> Option<(usize, u64)> {
        let reader = reader.get_or_insert_with(|| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(1024)
                .from_reader(SeekKeepBom {
                    bytes,
                    pos: 0,
                    fresh: true,
                });
            // Headers are never read from this reader: set, so that
            // seeking does not read a record as them first.
            r.set_byte_headers(csv::ByteRecord::new());
            r
        });
        let mut start_at = csv::Position::new();
        start_at.set_byte(cursor as u64);
        let sought = reader.seek_raw(std::io::SeekFrom::Start(cursor as u64), start_at);
        match sought.and_then(|()| reader.read_byte_record(row)) {
            Ok(false) => {
                self.csv_blank_lines(&bytes[cursor..], line);
                None
            }
            Ok(true) => {
                let mut end = (reader.position().byte() as usize).min(bytes.len());
                if end > 0 && bytes[end - 1] == b'\r' {
                    // The csv crate stops after the CR of a CRLF (or of a
                    // doubled CR CR LF): the rest of the line ending is this
                    // record's, not an empty line.
                    let crs = bytes[end..].iter().take_while(|&&b| b == b'\r').count();
                    if bytes.get(end + crs) == Some(&b'\n') {
                        end += crs + 1;
                    }
                }
                let gap = bytes[cursor..end]
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                let mut line = self.csv_blank_lines(&bytes[cursor..cursor + gap], line);
                let start = cursor + gap;
                let raw = &bytes[start..end];
                self.at.line = line;
                if end == bytes.len() && CsvState::FieldStart.advance(raw).in_quotes() {
                    self.malformed(UNCLOSED_QUOTE);
                    return memchr(b'\n', raw).map(|i| (start + i + 1, line + 1));
                }
                let content = raw.strip_suffix(b"\n").unwrap_or(raw);
                let content = content.strip_suffix(b"\r").unwrap_or(content);
                if std::mem::take(header_pending) {
                    self.ignored();
                } else if content.len() > self.plan.max_line_bytes {
                    self.malformed(Reason::LineTooLong);
                } else {
                    parser.parse_csv(&CsvRow::of_record(row, ends), self);
                }
                line += memchr::memchr_iter(b'\n', raw).count() as u64;
                Some((end, line))
            }
            Err(_) => {
                // Reading from memory, the csv crate reports no errors for
                // byte records; count one and stop.
                self.at.line = line;
                self.malformed(Reason::BadCsvRow);
                None
            }
        }
    }

    /// Counts the empty lines in `gap` (line terminators only) as blank,
    /// from physical line `line`; returns the line after them.
    fn csv_blank_lines(&mut self, gap: &[u8], mut line: u64) -> u64 {
        for _ in memchr::memchr_iter(b'\n', gap) {
            self.at.line = line;
            self.blank();
            line += 1;
        }
        line
    }

    fn document(&mut self, bytes: &[u8], parser: &dyn Parser) -> u64 {
        self.at.line = 1;
        parser.parse_unit(bytes, self);
        memchr::memchr_iter(b'\n', bytes).count() as u64 + 1
    }

    fn intern(&mut self, value: Option<&str>) -> u32 {
        value.map_or(u32::MAX, |v| self.groups.interner.intern(v))
    }
}

impl Worker<'_> {
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
        let mut hits = std::mem::take(&mut self.coverage.owner_hits);
        let from_map = match a.owners {
            Some(map) => map.apply(&mut text, a.owners_override, &mut hits),
            None => 0,
        };
        self.coverage.owner_hits = hits;
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

    /// Filters, dedupes, prices and aggregates one record whose text fields
    /// (after enrichment) are `text`; `from_map` has a bit per field the
    /// ownership map set.
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
        let model_id = self.intern(get(Field::Model));
        let provider_raw_id = self.intern(get(Field::Provider));
        let resolved = self.pricer.resolve(
            (provider_raw_id, model_id),
            get(Field::Provider),
            get(Field::Model),
        );
        let provider = resolved.provider.as_deref();
        let utc_day = r.timestamp.div_euclid(86_400);
        let local_day = (r.timestamp + plan.tz_offset).div_euclid(86_400);
        let value = |d: Dimension| -> Option<&str> {
            match d {
                Dimension::Provider => provider,
                Dimension::Source => Some(r.source),
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
        let priced = resolved.price(utc_day, get(Field::ServiceTier), &r.tokens, r.requests);
        let cost = match priced {
            Priced::Cost {
                cost,
                tier_fallback,
                tier_skipped,
            } => {
                if tier_fallback {
                    self.coverage.tier_fallback += u128::from(r.requests);
                }
                if tier_skipped {
                    self.coverage.tier_skipped += u128::from(r.requests);
                }
                Some(cost)
            }
            Priced::Unpriced => None,
        };
        let mut key: GroupKey = [0; crate::aggregate::MAX_DIMS];
        for (slot, &d) in key.iter_mut().zip(&plan.dims) {
            *slot = if d.is_time() {
                d.period(local_day) + 1
            } else if d == Dimension::Model {
                // Interned above for the price cache: no second lookup.
                match model_id {
                    u32::MAX => 0,
                    id => i64::from(id) + 1,
                }
            } else {
                match value(d) {
                    Some(v) => i64::from(self.groups.interner.intern(v)) + 1,
                    None => 0,
                }
            };
        }
        let add = |t: &mut Totals| t.add(r.requests, &r.tokens, cost, r.reported_cost);
        add(self.groups.map.entry(key).or_default());
        add(&mut self.coverage.total);
        if get(Field::Team).is_none() {
            add(&mut self.coverage.no_team);
        }
        if get(Field::CostCenter).is_none() {
            add(&mut self.coverage.no_cost_center);
        }
        let a = &plan.attribution;
        let mut origin = OwnerOrigin::Request;
        for (i, &f) in a.required.iter().enumerate() {
            if get(f).is_some() {
                if from_map & (1 << f as usize) != 0 && origin == OwnerOrigin::Request {
                    origin = OwnerOrigin::Map;
                }
                continue;
            }
            origin = OwnerOrigin::None;
            add(&mut self.coverage.required[i].missing);
            if !a.offender_dims.is_empty() {
                let mut key: GroupKey = [0; crate::aggregate::MAX_DIMS];
                for (slot, &d) in key.iter_mut().zip(&a.offender_dims) {
                    *slot = if d.is_time() {
                        d.period(local_day) + 1
                    } else {
                        match value(d) {
                            Some(v) => i64::from(self.groups.interner.intern(v)) + 1,
                            None => 0,
                        }
                    };
                }
                add(self.coverage.required[i].offenders.entry(key).or_default());
            }
        }
        if a.track_origin {
            match origin {
                OwnerOrigin::Request => add(&mut self.coverage.by_request),
                OwnerOrigin::Map => add(&mut self.coverage.by_map),
                OwnerOrigin::None => {}
            }
        }
        for (i, &f) in a.value_fields.iter().enumerate() {
            if let Some(v) = get(f) {
                let id = self.groups.interner.intern(v);
                *self.coverage.values[i].entry(id).or_default() += u128::from(r.requests);
            }
        }
        if cost.is_none() {
            let entry = self.coverage.unpriced.entry(model_id).or_default();
            entry.0 += u128::from(r.requests);
            // In u128: `Tokens::total` saturates at u64::MAX.
            let t = &r.tokens;
            entry.1 += [
                t.input,
                t.output,
                t.cache_read,
                t.cache_write,
                t.cache_write_1h,
            ]
            .map(u128::from)
            .iter()
            .sum::<u128>();
        }
    }
}

impl Sink for Worker<'_> {
    fn record(&mut self, r: UsageRecord<'_>) {
        self.ledger.counts.lines_read += 1;
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

    fn ignored(&mut self) {
        self.ledger.counts.lines_read += 1;
        self.ledger.counts.ignored += 1;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a `--by team,model` plan with `owners`, changed by `plan_of`,
    /// reads.
    fn fields(owners: Option<&OwnerMap>, plan_of: impl FnOnce(&mut Plan<'_>)) -> FieldSet {
        let card = RateCard::embedded().unwrap();
        let mut plan = Plan {
            dims: vec![Dimension::Team, Dimension::Model],
            window: Window::default(),
            wheres: Vec::new(),
            card: &card,
            tz_offset: 0,
            max_line_bytes: 1 << 20,
            reported_cost: false,
            attribution: AttributionPlan {
                owners,
                ..AttributionPlan::default()
            },
        };
        plan_of(&mut plan);
        plan.fields_read()
    }

    #[test]
    fn a_plan_reads_pricing_attribution_and_what_it_names() {
        let base = [
            Field::Provider,
            Field::Model,
            Field::ServiceTier,
            Field::Team,
            Field::CostCenter,
            Field::RequestId,
        ];
        assert_eq!(fields(None, |_| {}), base.into_iter().collect());
        let with = |more: &[Field]| base.iter().chain(more).copied().collect::<FieldSet>();
        assert_eq!(
            fields(None, |p| p.dims = vec![Dimension::Route, Dimension::Day]),
            with(&[Field::Route])
        );
        assert_eq!(
            fields(None, |p| p.wheres =
                vec!["environment=prod".parse().unwrap()]),
            with(&[Field::Environment])
        );
        assert_eq!(
            fields(None, |p| {
                p.attribution.required = vec![Field::Service];
                p.attribution.offender_dims = vec![Dimension::User];
                p.attribution.value_fields = vec![Field::Project];
            }),
            with(&[Field::Service, Field::User, Field::Project])
        );
    }

    #[test]
    fn an_ownership_map_reads_every_field() {
        let map = OwnerMap::parse(
            std::path::Path::new("owners.csv"),
            b"field,value,team\nservice,checkout,payments\n",
        )
        .unwrap();
        let every: FieldSet = Field::ALL.into_iter().collect();
        assert_eq!(fields(Some(&map), |_| {}), every);
        assert_eq!(
            fields(Some(&map), |p| p.reported_cost = true),
            FieldSet::ALL
        );
    }

    #[test]
    fn the_stated_cost_is_read_only_when_asked() {
        assert!(!fields(None, |_| {}).reads_reported_cost());
        let asked = fields(None, |p| p.reported_cost = true);
        assert!(asked.reads_reported_cost());
        assert_eq!(asked, fields(None, |_| {}).with_reported_cost());
    }
}
