//! The outputs of `bill`, one file per format: `table`, `csv`, `json`,
//! `md` (docs/design.md, Bill). A renderer reads the finished [`Bill`] and
//! never recomputes an amount.

mod csv;
mod json;
mod markdown;
mod table;
#[cfg(test)]
mod tests;
mod text;

use std::io::{self, Write};

use crate::bill::Bill;

/// An output format of `bill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BillFormat {
    /// A table for people, with invoice totals and what is unbilled.
    Table,
    /// One row per invoice line, no totals (the public CSV contract).
    Csv,
    /// One JSON object: invoices with lines and totals, unbilled, accounting.
    Json,
    /// One Markdown section per customer, to paste into an invoice email.
    Md,
}

impl BillFormat {
    /// Returns true if and only if the summary belongs on stderr.
    pub fn is_data(self) -> bool {
        matches!(self, BillFormat::Csv | BillFormat::Json)
    }
}

/// What `--lines` can split an invoice by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BillLines {
    /// One line per model.
    Model,
}

/// Writes the bill in `format`.
pub fn render(format: BillFormat, bill: &Bill, out: &mut dyn Write) -> io::Result<()> {
    match format {
        BillFormat::Table => table::render(bill, out),
        BillFormat::Csv => csv::render(bill, out),
        BillFormat::Json => json::render(bill, out),
        BillFormat::Md => markdown::render(bill, out),
    }
}
