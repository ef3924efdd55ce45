//! Rendering: the bytes users see. Each report format is one file
//! implementing [`Renderer`]; renderers receive a finished
//! [`Report`](crate::report::Report), write to a writer and never
//! recompute totals. Data goes to stdout or `-o`; the accounting summary goes to stderr for data formats
//! (docs/design.md), below the table for table and md. The coverage
//! formats live in [`coverage`].

pub mod bill;
pub mod budget;
pub mod coverage;
pub mod csv;
pub mod explained;
pub mod html;
pub mod json;
pub mod markdown;
mod renderer;
pub mod sanitize;
pub mod summary;
pub mod table;
#[cfg(test)]
mod tests;
pub mod view;

pub use renderer::Renderer;

/// An output format of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table for people, with a total row, share of cost and the summary.
    Table,
    /// The public CSV contract, for spreadsheets and pivot tables.
    Csv,
    /// One JSON object: groups, totals and accounting.
    Json,
    /// A Markdown table, for tickets and wikis.
    Md,
    /// The exact partial aggregate as JSON Lines, for `llmspend merge`
    /// (one run per file or task, summed elsewhere).
    Partial,
    /// One self-contained HTML page with charts, for people (`-o report.html`).
    Html,
}

impl ReportFormat {
    /// Returns true if and only if the output is machine-readable data, so
    /// the summary belongs on stderr.
    pub fn is_data(self) -> bool {
        matches!(
            self,
            ReportFormat::Csv | ReportFormat::Json | ReportFormat::Partial | ReportFormat::Html
        )
    }

    /// The renderer of a finished report in this format; `None` for the
    /// partial, which is written before it is finished
    /// ([`crate::report::jsonl`]).
    pub fn renderer(self) -> Option<&'static dyn Renderer> {
        match self {
            ReportFormat::Table => Some(&table::Table),
            ReportFormat::Csv => Some(&csv::Csv),
            ReportFormat::Json => Some(&json::Json),
            ReportFormat::Md => Some(&markdown::Markdown),
            ReportFormat::Html => Some(&html::Html),
            ReportFormat::Partial => None,
        }
    }
}
