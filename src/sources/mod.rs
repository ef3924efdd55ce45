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
//! 1. Create `src/sources/<name>.rs` (tests and sub-parts in
//!    `src/sources/<name>/`) with a unit struct implementing [`Source`];
//!    `name()` returns the file stem, which is also the value of
//!    `--source`.
//! 2. Implement `recognizes` from the detection signature in docs/sources.md
//!    (cheap: it sees the file name and the first 64 KiB).
//! 3. Implement `open` returning a [`Parser`]; convert vendor fields into a
//!    [`UsageRecord`](crate::record::UsageRecord) with the token
//!    semantics of docs/design.md, and report every unit through the [`Sink`]:
//!    a record, `malformed(reason)`, `ignored()` or `blank()`. Never
//!    return errors for a bad row.
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
//!
//! An adapter imports the traits from [`contract`] (never from this module,
//! which imports every adapter for the registry). The machinery adapters build on lives in [`crate::parse`]: [`json`]
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
pub mod contract;
#[cfg(test)]
pub mod field_check;
pub mod gateway;
pub mod litellm;
pub mod llmspend;
pub mod openai;
pub mod otel;
#[cfg(test)]
pub mod testing;

pub use crate::parse::sink::Sink;
pub use crate::parse::Framing;
pub use contract::{Parser, RunScratch, Sample, Source, SourceOptions};

/// Every source, most specific first; `gateway` is the catch-all.
pub static REGISTRY: &[&dyn Source] = &[
    &llmspend::Llmspend,
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_normalized_row_may_name_every_other_source() {
        let others: Vec<&str> = super::names()
            .into_iter()
            .filter(|n| *n != super::llmspend::Llmspend.name())
            .collect();
        assert_eq!(others, super::llmspend::ORIGINS);
    }

    use super::Source;
}
