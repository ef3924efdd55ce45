//! `llmspend export`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, InputArgs, OutputArgs};
use crate::dimension::Dimension;
use crate::export::ExportFormat;
use crate::sink::charges::Period;

/// `llmspend export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Files and folders to read, as for `report`; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// What to write: `focus` (FOCUS 1.2 CSV, one row per charge),
    /// `focus-parquet` (the same as Parquet), `csv` or `parquet` (one row
    /// per priced usage record). Parquet needs -o.
    #[arg(long, value_enum, default_value_t = ExportFormat::Focus)]
    pub format: ExportFormat,

    /// The dimensions written into FOCUS `Tags`, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = crate::export::DEFAULT_TAGS,
        value_name = "DIMS"
    )]
    pub tags: Vec<Dimension>,

    /// The length of a FOCUS charge period (UTC).
    #[arg(long, value_enum, default_value_t = Period::Day)]
    pub period: Period,

    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// Where the data goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,
}
