//! `llmspend budget`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, InputArgs, OutputArgs};
use crate::render::budget::BudgetFormat;

/// `llmspend budget`.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Files and folders to read, as for `report`; `-` reads standard
    /// input (then `--as-of` is needed: the input cannot be read twice).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The budgets: CSV `scope,value,period,amount_usd,warn_pct,parent`.
    #[arg(long, value_name = "FILE")]
    pub budgets: PathBuf,
    /// The as-of time: RFC 3339, or a date meaning its 00:00 in `--tz`
    /// (default: the latest record's timestamp).
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BudgetFormat::Table)]
    pub format: BudgetFormat,
    /// Exit 1 when any budget is over.
    #[arg(long)]
    pub fail_over: bool,
    /// Exit 1 when any budget is over or forecast to be over.
    #[arg(long)]
    pub fail_forecast: bool,
    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,
    /// Where the output goes.
    #[command(flatten)]
    pub output: OutputArgs,
    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,
}
