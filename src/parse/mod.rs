//! Parsing machinery the source adapters share, and the vocabulary several
//! of them use. Adapters (`crate::sources`) build on these; nothing here
//! imports an adapter.
//!
//! Machinery, with no knowledge of any vendor's format:
//! - [`jscan`]: the byte-level JSON scanner (the hot path);
//! - [`json`]: serde helpers over borrowed input, array documents;
//! - [`keymap`], [`keyorder`]: known-key lookup and learned key orders;
//! - [`csv_row`]: a CSV record as parsers see it, header and width checks;
//! - [`scalar`], [`counts`], [`collect`]: a value as delivered, count
//!   readers, and the collector that turns candidate values into a record;
//! - [`sink`] and [`Framing`]: where a parser reports, how its input is cut.
//!
//! Shared vocabulary:
//! - [`aliases`]: canonical field names and their common aliases;
//! - [`attribution`]: attribution fields picked from free tags;
//! - [`usage`]: provider usage-object shapes and their token semantics;
//! - [`bucket_pages`]: provider report pages of time buckets.

pub mod aliases;
pub mod attribution;
pub mod bucket_pages;
pub mod cache_detail;
pub mod collect;
pub mod counts;
pub mod csv_row;
pub mod daymemo;
pub mod dupkeys;
pub mod jscan;
pub mod json;
pub mod keymap;
pub mod keyorder;
pub mod scalar;
pub mod sink;
#[cfg(test)]
pub mod testing;
pub mod usage;

/// How a parser wants its input cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One unit per physical line (JSON Lines, plain logs).
    Lines,
    /// One unit per CSV record; the header was read by `open`.
    Csv,
    /// The whole file is one unit (a JSON document).
    Document,
}
