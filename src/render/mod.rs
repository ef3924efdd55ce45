//! Rendering: the bytes users see. Each format is one file implementing
//! [`Renderer`]; renderers receive a finished [`Report`] and never
//! recompute totals. Data goes to stdout; the accounting summary goes to
//! stderr for csv and json (docs/design.md), below the table for table and md.

pub mod coverage;
pub mod csv;
pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod summary;
pub mod table;

use std::io::{self, Write};

use crate::report::Report;

/// An output format of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people, with a total row, share of cost and the summary.
    Table,
    /// The public CSV contract, for spreadsheets and pivot tables.
    Csv,
    /// One JSON object: groups, totals and accounting.
    Json,
    /// A Markdown table, for tickets and wikis.
    Md,
    /// `coverage` only: `::error::`/`::warning::` lines for GitHub Actions.
    Github,
    /// `coverage` only: JUnit XML, a test case per required field.
    Junit,
}

impl Format {
    /// Returns true if and only if stdout carries machine-readable data, so
    /// the summary belongs on stderr.
    pub fn is_data(self) -> bool {
        matches!(
            self,
            Format::Csv | Format::Json | Format::Github | Format::Junit
        )
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Github => "github",
            Format::Junit => "junit",
        }
    }

    /// The renderer of this format.
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            Format::Table => &table::Table,
            Format::Csv => &csv::Csv,
            Format::Json => &json::Json,
            Format::Md => &markdown::Markdown,
            // Coverage formats are rendered by `render::coverage`; a report
            // is never asked for them (config rejects it).
            Format::Github | Format::Junit => &table::Table,
        }
    }
}

/// Writes a report in one format.
pub trait Renderer: Sync {
    /// Writes the report to `out`.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Renders into a byte vector (for tests and snapshots).
pub fn to_bytes(format: Format, report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    format
        .renderer()
        .render(report, &mut out)
        .expect("writing to a Vec cannot fail");
    out
}
