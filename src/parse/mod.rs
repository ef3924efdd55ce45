//! Parsing machinery the source adapters share, with no knowledge of any
//! vendor's format: the byte-level JSON scanner and the serde helpers over
//! borrowed input, key maps and learned key orders, CSV rows, the count
//! readers, and the collector that turns candidate values into a record.
//!
//! Adapters (`crate::sources`) build on these; nothing here imports an
//! adapter.

pub mod aliases;
pub mod attribution;
pub mod bucket_pages;
pub mod collect;
pub mod counts;
pub mod csv_row;
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
