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
    /// A rate-card CSV or folder to add to the embedded card.
    #[arg(long, value_name = "PATH")]
    pub rates: Option<PathBuf>,
}
