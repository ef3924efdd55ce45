//! `llmspend bill`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, InputArgs, OutputArgs};
use crate::dimension::Dimension;
use crate::render::bill::BillFormat;
use crate::render::bill::BillLines;

/// `llmspend bill`.
#[derive(Debug, Args)]
pub struct BillArgs {
    /// Files and folders to read, as for `report`; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// One invoice per value of this dimension.
    #[arg(long, default_value = "customer", value_name = "DIM")]
    pub by: Dimension,
    /// The margin in percent for customers the customers file does not
    /// list (default 0); may be negative, not below -100.
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub margin: Option<String>,
    /// Customers: CSV `customer,margin_pct,name`.
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,
    /// One line per model instead of one line per invoice.
    #[arg(long, value_enum, value_name = "LINES")]
    pub lines: Option<BillLines>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BillFormat::Table)]
    pub format: BillFormat,
    /// Which records count (`--month` is required).
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
