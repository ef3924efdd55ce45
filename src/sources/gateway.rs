//! `gateway`: generic gateway logs, one JSON object per line or CSV with a
//! header (DESIGN.md, "Generic gateway logs").
//!
//! Each canonical field is looked up at the top level, then under the
//! containers `metadata`, `attributes`, `tags`, `labels` (and a few more,
//! nested up to two deep), under common aliases, and in `key:value` strings
//! of tag arrays. The shallower place wins, and a canonical name beats an
//! alias at the same depth. `--map FIELD=dotted.path` beats everything.
//!
//! A key repeated in one object (or a column repeated in a CSV header) is
//! read at its first occurrence; later ones are ignored. (JSON leaves
//! duplicate names undefined; first-wins is what the priority rule gives.)
//!
//! Tokens: a provider-shaped usage object (`usage`, `usage_object`,
//! `usageMetadata`) is read with that object's semantics, whoever served
//! the request; otherwise flat canonical fields are read as disjoint counts.
//! See [`usage`](crate::parse::usage) for the shapes.
//!
//! A JSON line is read by the scanner walk in `fast` (the hot path:
//! borrowed values, unknown keys skipped in place); a line it gives up on
//! (malformed, or an escape where a value is read) is read again by the
//! serde visitors below with serde_json, the reference for both the values
//! and the malformed reason. The walk and the visitors share every
//! decision (`Place::decide`, the containers, the usage steps).

mod fast;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use csv::ByteRecord;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::parse::collect::{
    self as collect, cost_of, count_of, time_of, Collected, Slot, Winners,
};

use crate::parse::csv_row::CsvRow;
use crate::parse::csv_row::{csv_row_fits, read_csv_header};
use crate::parse::json::{read_object_reference, KeySeed, ObjectVisit, ScalarSeed};
use crate::parse::keymap::KeyMap;
use crate::parse::scalar::Scalar;
use crate::record::{FieldSet, Reason, UsageRecord};
use crate::sources::{Framing, Parser, Sample, Sink, Source, SourceOptions};

use crate::parse::aliases::{alias, alias_with, leak_name, ALIASES};
use crate::parse::usage::{UsageCtx, UsageObj};

/// The generic gateway source.
pub struct Gateway;

/// What a key of a gateway object means: a slot (canonical name or alias)
/// and/or a container to descend into.
#[derive(Debug, Clone, Copy, Default)]
struct KeyInfo {
    alias: Option<(Slot, u8, &'static str)>,
    container: Option<Container>,
    /// The decision at each nesting level when no `--map` path is alive,
    /// worked out once when the table is built.
    by_level: [Decision; LEVELS],
}

/// Nesting levels canonical keys are read at: 0 to `MAX_LEVEL + 1`.
const LEVELS: usize = MAX_LEVEL as usize + 2;

/// Every key the gateway reader knows ([`ALIASES`] and the containers), in
/// a [`KeyMap`]: one hash of a few bytes and one comparison per key,
/// instead of a scan of ~90 names.
static KEYS: std::sync::LazyLock<KeyMap<KeyInfo>> = std::sync::LazyLock::new(|| {
    let mut entries: Vec<(&'static str, KeyInfo)> = Vec::new();
    let mut add = |key: &'static str, f: &dyn Fn(&mut KeyInfo)| {
        let i = match entries.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                entries.push((key, KeyInfo::default()));
                entries.len() - 1
            }
        };
        f(&mut entries[i].1);
    };
    for &(key, slot, rank) in ALIASES {
        // The first entry of a key wins, as a scan of the list would.
        add(key, &|info| {
            info.alias.get_or_insert((slot, rank, key));
        });
    }
    for &key in CONTAINERS {
        add(key, &|info| info.container = container(key));
    }
    for (_, info) in &mut entries {
        let base = *info;
        for (level, d) in info.by_level.iter_mut().enumerate() {
            *d = decision(base, level as u8, None, 0);
        }
    }
    KeyMap::new(entries)
});

/// Keys of nested objects the reader descends into (see [`container`]).
const CONTAINERS: &[&str] = &[
    "metadata",
    "attributes",
    "properties",
    "requestMetadata",
    "request_metadata",
    "spend_logs_metadata",
    "response",
    "context",
    "tags",
    "labels",
    "request_tags",
    "usage",
    "usage_object",
    "usageMetadata",
];

/// What a nested object under a key is to the gateway reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// Holds canonical keys one level down.
    Nested,
    /// Like `Nested`, and an array of `key:value` strings is read too.
    Tags,
    /// A provider-shaped usage object.
    Usage,
}

fn container(key: &str) -> Option<Container> {
    Some(match key {
        "metadata"
        | "attributes"
        | "properties"
        | "requestMetadata"
        | "request_metadata"
        | "spend_logs_metadata"
        | "response"
        | "context" => Container::Nested,
        "tags" | "labels" | "request_tags" => Container::Tags,
        "usage" | "usage_object" | "usageMetadata" => Container::Usage,
        _ => return None,
    })
}

/// Nested containers deeper than this are skipped.
const MAX_LEVEL: u8 = 2;

/// A `--map FIELD=dotted.path` override, split into its segments.
#[derive(Debug, Clone)]
struct MapPath {
    segments: Vec<String>,
    slot: Slot,
    name: &'static str,
}

fn priority(level: u8, rank: u8) -> u8 {
    1 + level * 8 + rank.min(7)
}

/// The JSON Lines reader of the gateway source.
#[derive(Debug, Clone)]
pub struct GatewayJson {
    maps: Vec<MapPath>,
    extra: Vec<(String, Slot)>,
    /// The text fields the run reads; the learned walk skips the others.
    fields: FieldSet,
}

impl GatewayJson {
    /// A reader with the given `--map` overrides (at most 64).
    pub fn new(options: &SourceOptions) -> Result<Self, String> {
        if options.map.len() > 64 {
            return Err("at most 64 --map overrides are supported".into());
        }
        let maps = options
            .map
            .iter()
            .map(|(slot, path)| MapPath {
                segments: path.split('.').map(str::to_string).collect(),
                slot: *slot,
                name: leak_name(*slot),
            })
            .collect();
        Ok(GatewayJson {
            maps,
            extra: options.aliases.clone(),
            fields: options.fields,
        })
    }

    /// Parses one line into `out`, or gives the reason it is malformed:
    /// with the scanner, or (for a line it bails on) with serde_json.
    pub fn collect<'de>(&self, line: &'de [u8], out: &mut Collected<'de>) -> Result<(), Reason> {
        if fast::collect(self, line, out).is_ok() {
            return Ok(());
        }
        out.clear();
        self.collect_with(line, out, read_object_reference)
    }

    /// The mask with a bit for every `--map` path.
    fn all_maps(&self) -> u64 {
        if self.maps.is_empty() {
            0
        } else {
            u64::MAX >> (64 - self.maps.len())
        }
    }

    /// What [`GatewayJson::collect`] reads from `line`, and what serde_json
    /// alone (the reference) reads, each as its result and candidates in
    /// debug form: for tests and fuzzing, which require the two equal for
    /// every line.
    pub fn scanner_and_reference(&self, line: &[u8]) -> (String, String) {
        let mut fast = Collected::default();
        let fast_result = self.collect(line, &mut fast);
        let mut reference = Collected::default();
        let reference_result = self.collect_with(line, &mut reference, read_object_reference);
        (
            format!("{fast_result:?} {fast:?}"),
            format!("{reference_result:?} {reference:?}"),
        )
    }

    fn collect_with<'de, 'o, 'c>(
        &'c self,
        line: &'de [u8],
        out: &'o mut Collected<'de>,
        read: fn(&'de [u8], &mut Visit<'o, 'c, 'de>) -> Result<(), Reason>,
    ) -> Result<(), Reason> {
        let all = self.all_maps();
        read(
            line,
            &mut Visit {
                out,
                maps: &self.maps,
                extra: &self.extra,
                mask: all,
            },
        )
    }
}

/// One line's walk, runnable with either parser (see [`read_object`]).
struct Visit<'o, 'c, 'de> {
    out: &'o mut Collected<'de>,
    maps: &'c [MapPath],
    extra: &'c [(String, Slot)],
    mask: u64,
}

impl<'de> ObjectVisit<'de> for Visit<'_, '_, 'de> {
    fn visit<D: de::Deserializer<'de>>(&mut self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(Node {
            out: &mut *self.out,
            place: Place::root(self.maps, self.extra, self.mask),
        })
    }
    fn reset(&mut self) {
        self.out.clear();
    }
}

impl Parser for GatewayJson {
    fn framing(&self) -> Framing {
        Framing::Lines
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        let mut out = Collected::default();
        if let Err(reason) = self.collect(unit, &mut out) {
            return sink.malformed(reason);
        }
        sink.outcome(out.finish("gateway"))
    }

    fn parse_line(&self, rest: &[u8], max: usize, sink: &mut dyn Sink) -> Option<usize> {
        let mut out = Collected::default();
        let len = fast::collect_line(self, rest, &mut out).ok()?;
        let unit = rest[..len].strip_suffix(b"\r").unwrap_or(&rest[..len]);
        if unit.len() > max {
            return None;
        }
        sink.outcome(out.finish("gateway"));
        Some(len)
    }
}

/// For a key at `depth`, the map path that ends here (if any) and the mask
/// of map paths that continue below it.
fn map_step(maps: &[MapPath], mask: u64, depth: usize, key: &str) -> (Option<usize>, u64) {
    let mut ends = None;
    let mut child = 0u64;
    let mut m = mask;
    while m != 0 {
        let i = m.trailing_zeros() as usize;
        m &= m - 1;
        let path = &maps[i];
        if path.segments.get(depth).is_some_and(|s| s == key) {
            if path.segments.len() == depth + 1 {
                ends.get_or_insert(i);
            } else {
                child |= 1 << i;
            }
        }
    }
    (ends, child)
}

/// What to do with the value under a key.
#[derive(Debug, Clone, Copy, Default)]
struct Decision {
    /// Offer a scalar value to this slot at this priority, naming it so.
    slot: Option<(Slot, u8, &'static str)>,
    /// Descend into an object value.
    descend: Option<Descend>,
}

#[derive(Debug, Clone, Copy)]
struct Descend {
    container: Option<Container>,
    level: Option<u8>,
    mask: u64,
}

/// A JSON object being walked for canonical keys and map paths.
struct Node<'c, 'de> {
    out: &'c mut Collected<'de>,
    place: Place<'c>,
}

/// Where in a line a key sits, for [`Place::decide`].
#[derive(Clone, Copy)]
struct Place<'c> {
    maps: &'c [MapPath],
    extra: &'c [(String, Slot)],
    /// Canonical keys are read here, at this nesting level.
    level: Option<u8>,
    /// Map paths alive at this depth.
    mask: u64,
    depth: usize,
}

impl<'c> Place<'c> {
    /// The top level of a line, where every map path is alive.
    fn root(maps: &'c [MapPath], extra: &'c [(String, Slot)], mask: u64) -> Self {
        Place {
            maps,
            extra,
            level: Some(0),
            mask,
            depth: 0,
        }
    }

    #[inline]
    fn decide(&self, key: &str) -> Decision {
        if self.mask == 0 && self.extra.is_empty() {
            // No `--map` path alive here and no `--alias`: the common case,
            // one lookup.
            return match (self.level, KEYS.get(key)) {
                (Some(level), Some(info)) => info.by_level[usize::from(level).min(LEVELS - 1)],
                _ => Decision::default(),
            };
        }
        let mut d = Decision::default();
        let (ends, child_mask) = if self.mask == 0 {
            (None, 0)
        } else {
            map_step(self.maps, self.mask, self.depth, key)
        };
        let Some(level) = self.level else {
            // Only map paths are followed below a non-container.
            if let Some(i) = ends {
                d.slot = Some((self.maps[i].slot, 0, self.maps[i].name));
            }
            if child_mask != 0 {
                d.descend = Some(Descend {
                    container: None,
                    level: None,
                    mask: child_mask,
                });
            }
            return d;
        };
        let info = KEYS.get(key).copied().unwrap_or_default();
        let ends = ends.map(|i| (self.maps[i].slot, 0, self.maps[i].name));
        let mut info = info;
        if !self.extra.is_empty() {
            if let Some(found) = alias_with(self.extra, key) {
                info.alias = Some(found);
            }
        }
        decision(info, level, ends, child_mask)
    }
}

/// The decision for a key at a canonical nesting `level`, given the slot of
/// a `--map` path that ends here (which beats an alias) and the mask of map
/// paths that continue below.
fn decision(
    info: KeyInfo,
    level: u8,
    mapped: Option<(Slot, u8, &'static str)>,
    child_mask: u64,
) -> Decision {
    let mut d = Decision::default();
    if mapped.is_some() {
        d.slot = mapped;
    } else if let Some((slot, rank, name)) = info.alias {
        d.slot = Some((slot, priority(level, rank), name));
    }
    let container = info.container.filter(|_| level <= MAX_LEVEL);
    if container.is_some() || child_mask != 0 {
        d.descend = Some(Descend {
            container,
            level: match container {
                Some(Container::Nested | Container::Tags) => Some(level + 1),
                _ => None,
            },
            mask: child_mask,
        });
    }
    d
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let place = self.place;
        while let Some(decision) = map.next_key_seed(KeySeed(|k: &str| place.decide(k)))? {
            if decision.slot.is_none() && decision.descend.is_none() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            map.next_value_seed(Value {
                out: &mut *self.out,
                maps: place.maps,
                extra: place.extra,
                decision,
                depth: place.depth + 1,
            })?;
        }
        Ok(())
    }
}

/// The value under a key: a scalar for a slot, or an object to descend into.
struct Value<'c, 'de> {
    out: &'c mut Collected<'de>,
    maps: &'c [MapPath],
    extra: &'c [(String, Slot)],
    decision: Decision,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Value<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Value<'_, 'de> {
    fn scalar(self, value: Scalar<'de>) {
        if let Some((slot, prio, name)) = self.decision.slot {
            self.out.offer(slot, prio, value, name);
        }
    }

    /// An object or array where a count or a timestamp belongs: offered as
    /// text that no count or timestamp parses, so the record is malformed
    /// ("not an integer", "unreadable timestamp") rather than read as if
    /// the field were missing. Text fields and costs stay missing.
    fn composite(self, shown: &'static str) {
        composite(self.out, self.decision, shown);
    }
}

/// An object or array where a count or a timestamp belongs: offered as
/// text that no count or timestamp parses (see `Value::composite`); both
/// the serde visitors and the scanner walk call this.
fn composite(out: &mut Collected<'_>, decision: Decision, shown: &'static str) {
    if let Some((slot @ (Slot::Count(_) | Slot::Time), prio, name)) = decision.slot {
        out.offer(slot, prio, Scalar::Str(shown.into()), name);
    }
}

impl<'de> Visitor<'de> for Value<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.scalar(Scalar::Str(v.into()));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.scalar(Scalar::Str(v.to_string().into()));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::U64(v));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.scalar(if v >= 0 {
            Scalar::U64(v as u64)
        } else {
            Scalar::I64(v)
        });
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::F64(v));
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool(v));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(descend) = self.decision.descend else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            self.composite("{…}");
            return Ok(());
        };
        if descend.container == Some(Container::Usage) {
            let mut usage = UsageObj::default();
            UsageCtx::Root.visit(&mut usage, map)?;
            if self.out.usage.is_none() {
                self.out.usage = usage.tokens();
            }
            return Ok(());
        }
        Node {
            out: self.out,
            place: Place {
                maps: self.maps,
                extra: self.extra,
                level: descend.level,
                mask: descend.mask,
                depth: self.depth,
            },
        }
        .visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let is_tags = matches!(
            self.decision.descend,
            Some(Descend {
                container: Some(Container::Tags),
                ..
            })
        );
        let level = self.decision.descend.and_then(|d| d.level);
        match level {
            Some(level) if is_tags => {
                while let Some(item) = seq.next_element_seed(ScalarSeed)? {
                    if let Some(Scalar::Str(s)) = item {
                        offer_tag(self.out, self.extra, level, s);
                    }
                }
            }
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                self.composite("[…]");
            }
        }
        Ok(())
    }
}

/// Reads a `key:value` (or `key=value`) tag string into its canonical slot.
fn offer_tag<'de>(
    out: &mut Collected<'de>,
    extra: &[(String, Slot)],
    level: u8,
    tag: std::borrow::Cow<'de, str>,
) {
    let Some(split) = tag.find([':', '=']) else {
        return;
    };
    let key = tag[..split].trim();
    let Some((slot @ Slot::Text(_), rank, name)) = alias_with(extra, key) else {
        return;
    };
    let value = match &tag {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s[split + 1..].trim()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s[split + 1..].trim().to_string()),
    };
    out.offer(slot, priority(level, rank), Scalar::Str(value), name);
}

/// The CSV reader of the gateway source: a column per canonical slot.
#[derive(Debug, Clone)]
pub struct GatewayCsv {
    columns: Vec<Option<(Slot, u8, &'static str)>>,
    /// Per slot read, its columns in the order they win.
    winners: Vec<SlotColumns>,
}

/// The columns of one slot in the order they win (priority, then
/// position): a row's value is its first non-blank cell among them.
#[derive(Debug, Clone)]
struct SlotColumns {
    slot: Slot,
    columns: Vec<(usize, &'static str)>,
}

impl GatewayCsv {
    /// Maps a header row onto canonical slots; `--map FIELD=column` wins.
    pub fn new(header: &ByteRecord, options: &SourceOptions) -> Result<Self, String> {
        let mut columns = Vec::with_capacity(header.len());
        for cell in header.iter() {
            let name = std::str::from_utf8(cell)
                .map_err(|_| "the CSV header is not valid UTF-8".to_string())?
                .trim();
            let mapped = options
                .map
                .iter()
                .find(|(_, column)| column == name)
                .map(|(slot, _)| (*slot, 0, leak_name(*slot)));
            columns.push(mapped.or_else(|| {
                alias_with(&options.aliases, name).map(|(s, r, n)| (s, priority(0, r), n))
            }));
        }
        if !columns.iter().any(|c| c.is_some()) {
            return Err("no column of the CSV header names a canonical field".into());
        }
        let mut winners: Vec<SlotColumns> = Vec::new();
        for &(slot, _, _) in columns.iter().flatten() {
            if winners.iter().any(|w| w.slot == slot) {
                continue;
            }
            let mut of_slot: Vec<(u8, usize, &'static str)> = columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.filter(|c| c.0 == slot).map(|(_, p, name)| (p, i, name)))
                .collect();
            // Stable: of two columns with one priority the first wins, as
            // with `Collected`.
            of_slot.sort_by_key(|&(prio, _, _)| prio);
            winners.push(SlotColumns {
                slot,
                columns: of_slot.into_iter().map(|(_, i, name)| (i, name)).collect(),
            });
        }
        winners.retain(|w| w.slot.is_read(options.fields));
        Ok(GatewayCsv { columns, winners })
    }
}

impl Parser for GatewayCsv {
    fn framing(&self) -> Framing {
        Framing::Csv
    }

    fn parse_csv(&self, row: &CsvRow<'_>, sink: &mut dyn Sink) {
        if !csv_row_fits(row, self.columns.len(), sink) {
            return;
        }
        // One UTF-8 check for the whole row (the common case); a cell is
        // then a slice of it, and each slot takes its first non-blank cell
        // among its columns, without a `Collected` per row (its offers,
        // finish and drop were 12% of a CSV profile). A row that is not
        // UTF-8 is read cell by cell.
        match row.text() {
            Some(whole) => self.parse_text_row(row, whole, sink),
            None => self.parse_cells(row, sink),
        }
    }
}

impl GatewayCsv {
    fn parse_text_row(&self, row: &CsvRow<'_>, whole: &str, sink: &mut dyn Sink) {
        let mut record = UsageRecord::new("gateway");
        let mut winners = Winners::default();
        for SlotColumns { slot, columns } in &self.winners {
            for &(i, name) in columns {
                let Some(range) = row.range(i) else {
                    continue;
                };
                let Some(text) = whole.get(range) else {
                    // Not on character boundaries of the row: cell by cell.
                    return self.parse_cells(row, sink);
                };
                if collect::is_blank(text) {
                    continue;
                }
                let cell = || Scalar::Str(Cow::Borrowed(text));
                match *slot {
                    Slot::Text(f) => record.text[f as usize] = Some(Cow::Borrowed(text)),
                    Slot::Time => winners.time = Some(time_of(cell())),
                    Slot::Count(c) => winners.counts[c as usize] = Some(count_of(name, cell())),
                    Slot::Cost => winners.cost = Some(cost_of(cell())),
                }
                break;
            }
        }
        sink.outcome(winners.finish(record))
    }

    /// A row read cell by cell, each checked as UTF-8 on its own.
    fn parse_cells(&self, row: &CsvRow<'_>, sink: &mut dyn Sink) {
        let mut out = Collected::default();
        for (i, column) in self.columns.iter().enumerate() {
            let Some((slot, prio, name)) = *column else {
                continue;
            };
            let Some(range) = row.range(i) else {
                continue;
            };
            let text = match std::str::from_utf8(&row.as_slice()[range]) {
                Ok(text) => text,
                Err(_) => return sink.malformed(Reason::InvalidUtf8),
            };
            out.offer_str(slot, prio, text, name);
        }
        sink.outcome(out.finish("gateway"))
    }
}

/// Returns true if and only if the sample is CSV: a `.csv` name, or (for
/// stdin and other names) a first line that is a header of at least two
/// comma-separated columns, one of which names a canonical field or alias.
fn is_csv(sample: &Sample<'_>) -> bool {
    if sample.extension() == "csv" {
        return true;
    }
    let first = sample.first_line();
    if first.first() == Some(&b'{') || !first.contains(&b',') {
        return false;
    }
    let Ok(header) = std::str::from_utf8(first) else {
        return false;
    };
    header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .any(|c| alias(c).is_some())
}

impl Source for Gateway {
    fn name(&self) -> &'static str {
        "gateway"
    }

    fn about(&self) -> &'static str {
        "generic gateway logs: JSON Lines or CSV with canonical fields, aliases, nested metadata/tags and provider usage objects"
    }

    fn signature(&self) -> &'static str {
        "catch-all: a .csv file with a header naming canonical fields, or lines that are JSON objects"
    }

    /// A `.jsonl` / `.ndjson` file, or any line of the sample that starts
    /// with `{` (not only the first), makes the file JSON Lines: a file
    /// whose first line is truncated, an array or NUL padding is still
    /// read, its bad lines counted as malformed, rather than the whole file
    /// refused.
    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        if is_csv(sample) || matches!(sample.extension().as_str(), "jsonl" | "ndjson") {
            return true;
        }
        is_blank(sample.head)
            || sample
                .head
                .split(|&b| b == b'\n')
                .any(|l| l.trim_ascii_start().first() == Some(&b'{'))
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        if is_csv(sample) && !is_blank(sample.head) {
            // An empty (or blank) CSV file has no header: read as lines,
            // it is zero or more blank lines, not an unreadable file.
            let header = read_csv_header(sample.head)?;
            return Ok(Box::new(GatewayCsv::new(&header, options)?));
        }
        Ok(Box::new(GatewayJson::new(options)?))
    }
}

/// Returns true if and only if `bytes` holds only whitespace and NULs.
fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0)
}

/// The path used when none is known.
pub fn stdin_path() -> &'static Path {
    Path::new("-")
}

#[cfg(test)]
mod tests;
