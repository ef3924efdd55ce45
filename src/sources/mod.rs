//! Sources: one adapter per log or export format.
//!
//! A source owns the meaning of a vendor's fields and its token semantics
//! (subtract cached tokens or not). Nothing downstream knows which vendor a
//! record came from except through `UsageRecord::source`.
//!
//! Each file's format is detected once, from its name and first bytes
//! ([`detect`]), or forced with `--source NAME`. The chosen source builds a
//! [`Parser`] for the file (reading its CSV header, say), and the pipeline
//! feeds that parser one unit at a time: a line, a CSV row, or the whole
//! document, as the parser's [`Framing`] says.
//!
//! # How to add a source
//! 1. Create `src/sources/<name>.rs` with a unit struct implementing
//!    [`Source`]; `name()` returns the file stem, which is also the value of
//!    `--source`.
//! 2. Implement `recognizes` from the detection signature in SOURCES.md
//!    (cheap: it sees the file name and the first 64 KiB).
//! 3. Implement `open` returning a [`Parser`]; convert vendor fields into a
//!    [`UsageRecord`](crate::record::UsageRecord) with the token semantics of DESIGN.md, and report
//!    every unit through the [`Sink`]: a record, `malformed(reason)`,
//!    `ignored()` or `blank()`. Never return errors for a bad row.
//!    A unit that holds several records (a JSON array document, a trace
//!    line with many spans) reports each, after [`Sink::at_line`] for
//!    documents; a record already reported under the same request id is
//!    [`Sink::duplicate`].
//! 4. Add the struct to [`REGISTRY`], before `gateway` (the catch-all).
//! 5. Add fixtures under `tests/fixtures/<name>/` shaped exactly like the
//!    documented format, with their expected totals (checked in
//!    `tests/integration/sources.rs`).
//!
//! A source that must see every file of a run before parsing any (Claude
//! Code's cross-file dedupe) uses document framing, fills a field of
//! [`RunScratch`] in [`Parser::prepare`] and reads it in `parse_unit`.
//! The machinery adapters build on lives in [`crate::parse`]: [`json`]
//! (borrowed scalars, tag and key/value pickers, array documents),
//! [`collect`] (priorities and value checks), [`bucket_pages`] (provider
//! report pages), [`counts`], and [`crate::time`] for timestamps.
//!
//! [`json`]: crate::parse::json
//! [`collect`]: crate::parse::collect
//! [`bucket_pages`]: crate::parse::bucket_pages
//! [`counts`]: crate::parse::counts

pub mod anthropic;
pub mod bedrock;
pub mod claude_code;
pub mod gateway;
pub mod litellm;
pub mod openai;
pub mod otel;
#[cfg(test)]
pub mod testing;

use std::path::Path;

pub use crate::parse::sink::Sink;
pub use crate::parse::Framing;

use crate::parse::csv_row::CsvRow;
use crate::record::{FieldSet, Reason};

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
    pub map: Vec<(crate::parse::collect::Slot, String)>,
    /// `--alias KEY=FIELD`: extra key names for canonical fields.
    pub aliases: Vec<(String, crate::parse::collect::Slot)>,
    /// The text fields the run reads (the worker's `Plan::fields_read`). A source may
    /// leave the others out of its records, unread. Only the model decides
    /// whether a row is a record (a row without model or tokens is
    /// ignored), so the model is always read and the rest changes only the
    /// work, never a row's outcome.
    pub fields: FieldSet,
    /// Scratch shared by every parser of one run.
    pub run: std::sync::Arc<RunScratch>,
}

/// What the parsers of one run share: state a source needs to see every
/// file of the run at once (filled by [`Parser::prepare`]).
#[derive(Debug, Default)]
pub struct RunScratch {
    /// Claude Code responses seen across transcripts (cross-file dedupe).
    pub claude_code: claude_code::Claims,
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
}

/// Every source, most specific first; `gateway` is the catch-all.
pub static REGISTRY: &[&dyn Source] = &[
    &litellm::Litellm,
    &claude_code::ClaudeCode,
    &bedrock::Bedrock,
    &otel::Otel,
    &openai::Openai,
    &anthropic::Anthropic,
    &gateway::Gateway,
];

/// Finds a source by its `--source` name.
pub fn by_name(name: &str) -> Option<&'static dyn Source> {
    REGISTRY.iter().copied().find(|s| s.name() == name)
}

/// The names of every source, for error messages.
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|s| s.name()).collect()
}

/// Detects the format of a file from its sample: the first source that
/// recognises it, or `None`.
pub fn detect(sample: &Sample<'_>) -> Option<&'static dyn Source> {
    REGISTRY.iter().copied().find(|s| s.recognizes(sample))
}
