//! `gateway`: generic gateway logs, one JSON object per line or CSV with a
//! header (docs/sources.md, gateway).
//!
//! Each canonical field is looked up at the top level, then under the
//! containers `metadata`, `attributes`, `tags`, `labels` (and a few more,
//! nested up to two deep), under common aliases, and in `key:value` strings
//! of tag arrays. The shallower place wins, and a canonical name beats an
//! alias at the same depth. `--map FIELD=dotted.path` beats everything.
//!
//! A key the reader reads that is repeated in one object (or a read column
//! repeated in a CSV header) makes the line malformed, `duplicate key`
//! (docs/sources.md, duplicate keys): JSON leaves duplicate names
//! undefined, so no occurrence is trusted. Unread keys may repeat.
//!
//! Tokens: a provider-shaped usage object (`usage`, `usage_object`,
//! `usageMetadata`) is read with that object's semantics, whoever served
//! the request; otherwise flat canonical fields are read as disjoint counts.
//! See [`usage`](crate::parse::usage) for the shapes.
//!
//! A JSON line is read by the scanner walk in `learned` (the hot path:
//! borrowed values, unknown keys skipped in place); a line it gives up on
//! (malformed, or an escape where a value is read) is read again by the
//! serde visitors of `reference` with serde_json, the reference for both
//! the values and the malformed reason. The walk and the visitors share
//! every decision (`place`: `Place::decide`, the containers; the usage
//! steps). CSV is read by `csv_reader`.

mod csv_reader;
mod learned;
mod place;
mod reference;
mod template;
mod typed;

pub use csv_reader::GatewayCsv;
pub use place::GatewayJson;

use std::path::Path;

use crate::parse::aliases::{alias, leak_name};
use crate::parse::collect::Collected;
use crate::parse::csv_row::read_csv_header;
use crate::parse::json::read_object_reference;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::Reason;
use crate::sources::contract::{Parser, Sample, Source, SourceOptions, SAMPLE_BYTES};

use place::MapPath;
use reference::Visit;

/// The generic gateway source.
pub struct Gateway;

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
        if learned::collect(self, line, out).is_ok() {
            return Ok(());
        }
        out.clear();
        self.collect_with(line, out, read_object_reference)
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
        let mut values = typed::Values::default();
        if let Ok(len) = learned::typed_line(self, rest, &mut values) {
            let unit = rest[..len].strip_suffix(b"\r").unwrap_or(&rest[..len]);
            if unit.len() > max {
                return None;
            }
            values.report("gateway", sink);
            return Some(len);
        }
        let mut out = Collected::default();
        let len = learned::collect_line(self, rest, &mut out).ok()?;
        let unit = rest[..len].strip_suffix(b"\r").unwrap_or(&rest[..len]);
        if unit.len() > max {
            return None;
        }
        sink.outcome(out.finish("gateway"));
        Some(len)
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

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        place::field_paths()
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
        let reader = GatewayJson::new(options)?;
        if let Some(objects) = reader.no_usage_in(sample.head) {
            return Err(format!(
                "none of the {objects} JSON objects in the first {} KiB has a model or a token count at any path the gateway reads (docs/sources.md, gateway)",
                sample.head.len().div_ceil(1024)
            ));
        }
        Ok(Box::new(reader))
    }
}

impl GatewayJson {
    /// For detection: `Some(n)` when every non-blank line of `head` (the
    /// sampled first bytes) is a JSON object, there is at least one, and
    /// not one has a model or a token count at any path this reader reads
    /// (its `--map` and `--alias` included): a JSON Lines file of some
    /// other data, named as unrecognised rather than read as lines that
    /// are all ignored. A line that is not an object (a truncated line, an
    /// array) makes the file read, its lines counted as malformed; a last
    /// line cut by the sample's end is skipped. Usage events that start
    /// after the sample are not seen: the rule is on the sample only
    /// (docs/sources.md, gateway).
    fn no_usage_in(&self, head: &[u8]) -> Option<usize> {
        let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
        if !head.ends_with(b"\n") && head.len() >= SAMPLE_BYTES {
            lines.pop();
        }
        let mut objects = 0;
        for line in lines {
            let line = line.trim_ascii();
            if line.iter().all(|&b| b == 0) {
                continue;
            }
            let mut out = Collected::default();
            if self.collect(line, &mut out).is_err() || out.has_usage() {
                return None;
            }
            objects += 1;
        }
        (objects > 0).then_some(objects)
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
mod detect_tests;
#[cfg(test)]
mod dup_tests;
#[cfg(test)]
mod template_tests;
#[cfg(test)]
mod tests;
