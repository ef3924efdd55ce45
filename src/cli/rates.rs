//! `llmspend rates`'s options.

use std::path::PathBuf;

use clap::Args;

/// `llmspend rates`.
#[derive(Debug, Args)]
pub struct RatesArgs {
    /// A model id: show the row that prices it and why.
    pub model: Option<String>,
    /// The day to price on, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The provider the model is served by (default: inferred).
    #[arg(long)]
    pub provider: Option<String>,
    /// The service tier (batch, flex, priority).
    #[arg(long)]
    pub tier: Option<String>,
    /// Output format of the card listing (csv: the rate-card columns and
    /// `source`; json: one object per row; prices as decimal strings).
    #[arg(long, value_enum, default_value_t = RatesFormat::Table)]
    pub format: RatesFormat,
    /// A rate-card CSV or folder to add to the embedded card.
    #[arg(long, value_name = "PATH")]
    pub rates: Option<PathBuf>,
}

/// An output format of `rates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RatesFormat {
    /// A table for people.
    Table,
    /// CSV with the rate card's columns, then `source` (file:line).
    Csv,
    /// A JSON array of rows.
    Json,
}
