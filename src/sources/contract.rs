//! The contract every adapter implements: a [`Source`] (a format: its name,
//! how it is recognised, how a file of it is opened) and the [`Parser`] it
//! opens per file, with what they are given (a [`Sample`] of the file, the
//! run's [`SourceOptions`]). The registry in the parent module lists the
//! sources; this module knows none of them.

use std::path::Path;

use crate::parse::collect::Slot;
use crate::parse::csv_row::CsvRow;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{FieldSet, Reason};
use crate::sources::claude_code::claims::Claims;

/// The most bytes a [`Sample`] holds: a head this long may end in a cut
/// line.
pub const SAMPLE_BYTES: usize = 64 << 10;

/// The first bytes of a file, for detection and for reading a header.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The file's path as given (or `-` for stdin).
    pub path: &'a Path,
    /// The first bytes (at most 64 KiB), without a UTF-8 byte order mark.
    pub head: &'a [u8],
}

impl<'a> Sample<'a> {
    /// The lowercase file extension, ignoring a compression suffix.
    pub fn extension(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        name.rsplit_once('.')
            .map(|(_, ext)| ext.to_string())
            .unwrap_or_default()
    }

    /// The first non-blank line of the head.
    pub fn first_line(&self) -> &'a [u8] {
        self.head
            .split(|&b| b == b'\n')
            .map(trim_ascii)
            .find(|l| !l.is_empty())
            .unwrap_or(&[])
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// Options every source may honour.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// `--map FIELD=dotted.path` overrides, as given.
    pub map: Vec<(Slot, String)>,
    /// `--alias KEY=FIELD`: extra key names for canonical fields.
    pub aliases: Vec<(String, Slot)>,
    /// The text fields the run reads (the worker's `Plan::fields_read`). A source may
    /// leave the others out of its records, unread. Only the model decides
    /// whether a row is a record (a row without model or tokens is
    /// ignored), so the model is always read and the rest changes only the
    /// work, never a row's outcome.
    pub fields: FieldSet,
    /// Scratch shared by every parser of one run.
    pub run: std::sync::Arc<RunScratch>,
    /// `--correct-known-bugs`: a source corrects the counts of
    /// instrumentations with a known bug (and says so in the warnings).
    pub correct_known_bugs: bool,
}

/// What the parsers of one run share: state a source needs to see every
/// file of the run at once (filled by [`Parser::prepare`]).
#[derive(Debug, Default)]
pub struct RunScratch {
    /// Claude Code responses seen across transcripts (cross-file dedupe).
    pub claude_code: Claims,
}

/// A per-file parser, built once by [`Source::open`] and shared by every
/// worker reading that file.
pub trait Parser: Send + Sync {
    /// How the input must be cut for [`Parser::parse_unit`].
    fn framing(&self) -> Framing;

    /// A first pass over a whole file, run for every file of the run
    /// (document framing) before any unit is parsed, so that a source can
    /// see across files, e.g. to find a response copied into another file.
    /// The default does nothing.
    fn prepare(&self, _document: &[u8]) {}

    /// Parses one line (without its line ending) or one document.
    fn parse_unit(&self, _unit: &[u8], sink: &mut dyn Sink) {
        sink.malformed(Reason::Other("this source does not read lines"));
    }

    /// For line framing: reads the line that starts `rest` while finding
    /// its end, instead of having the caller find the end first (a second
    /// pass over every line). Returns the line's length (`rest[len]` is its
    /// `\n`, or `len` is `rest.len()`) after reporting exactly what
    /// [`Parser::parse_unit`] would report for it, or `None` having
    /// reported nothing: for a line it did not read whole, or longer than
    /// `max` bytes without its line ending. The caller then splits the
    /// line and calls `parse_unit`. The default always declines.
    fn parse_line(&self, _rest: &[u8], _max: usize, _sink: &mut dyn Sink) -> Option<usize> {
        None
    }

    /// Parses one CSV record.
    fn parse_csv(&self, _row: &CsvRow<'_>, sink: &mut dyn Sink) {
        sink.malformed(Reason::Other("this source does not read CSV"));
    }
}

/// A log or export format.
pub trait Source: Sync {
    /// The name users pass to `--source`; equals the file stem.
    fn name(&self) -> &'static str;
    /// One line on what it reads, for `llmspend sources`.
    fn about(&self) -> &'static str;
    /// How it is recognised, for `llmspend sources`.
    fn signature(&self) -> &'static str;
    /// Returns true if and only if the sample looks like this format.
    fn recognizes(&self, sample: &Sample<'_>) -> bool;
    /// Builds the parser for one file, or says why the file cannot be read.
    fn open(&self, sample: &Sample<'_>, options: &SourceOptions)
        -> Result<Box<dyn Parser>, String>;
    /// For `llmspend sources --fields`: each canonical field this source
    /// reads and the key paths it tries for it, in order, worked out from
    /// the adapter's own tables (a table beside the wire structs, see
    /// [`listed`], checked both ways by the adapter's `field_check` test).
    /// Empty for a source whose fields are fixed by its wire format
    /// (docs/sources.md describes them).
    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        Vec::new()
    }
}

/// A source's table of key paths per canonical field (beside its wire
/// structs) as [`Source::fields`] gives it.
pub fn listed(fields: &[(&'static str, &[&str])]) -> Vec<(&'static str, Vec<String>)> {
    fields
        .iter()
        .map(|(f, paths)| (*f, paths.iter().map(|p| p.to_string()).collect()))
        .collect()
}

/// A source's table of key paths per canonical field, beside its wire
/// structs.
pub type FieldTable = &'static [(&'static str, &'static [&'static str])];

/// The tables of a source read in several shapes (pages, a CSV export) as
/// one [`Source::fields`] list: each field in order of first appearance,
/// its paths shape by shape, a path of a tagged shape marked with the tag
/// (`start_time (CSV)`, `line_item (CSV; note)`) unless an earlier shape
/// lists the same path for the field.
pub fn merged(shapes: &[(&str, FieldTable)]) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (tag, table) in shapes {
        for (field, paths) in listed(table) {
            let have: Vec<String> = out
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            let paths = paths.into_iter().filter(|p| !have.contains(p)).map(|p| {
                match (tag.is_empty(), p.split_once(" (")) {
                    (true, _) => p,
                    (false, _) if p.starts_with('(') => format!("({tag}: {}", &p[1..]),
                    (false, Some((path, note))) => format!("{path} ({tag}; {note}"),
                    (false, None) => format!("{p} ({tag})"),
                }
            });
            match out.iter_mut().find(|(f, _)| *f == field) {
                Some((_, have)) => have.extend(paths),
                None => out.push((field, paths.collect())),
            }
        }
    }
    out
}
