//! The outputs of `budget`, one file per format: `table`, `json`, `csv`,
//! `github` (docs/design.md, Budgets). A renderer reads the evaluation and
//! the run's report and never recomputes a figure.

mod csv;
mod figures;
mod github;
mod json;
mod table;
#[cfg(test)]
mod tests;

use std::io::{self, Write};

pub use figures::{View, COLUMNS};

/// An output format of `budget`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BudgetFormat {
    /// A table for people, children under their parents, then the summary.
    Table,
    /// One JSON object: as_of, budgets, unpriced, accounting.
    Json,
    /// One row per budget, the JSON's columns.
    Csv,
    /// GitHub Actions annotations: `::error` for over, `::warning` for
    /// forecast-over and warn.
    Github,
}

impl BudgetFormat {
    /// Returns true if and only if the summary belongs on stderr.
    pub fn is_data(self) -> bool {
        !matches!(self, BudgetFormat::Table)
    }
}

/// Writes the evaluation in `format`.
pub fn render(format: BudgetFormat, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        BudgetFormat::Table => table::render(view, out),
        BudgetFormat::Json => json::render(view, out),
        BudgetFormat::Csv => csv::render(view, out),
        BudgetFormat::Github => github::render(view, out),
    }
}
