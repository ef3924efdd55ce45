//! `llmspend coverage`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, GateArgs, InputArgs, OutputArgs};
use crate::dimension::Dimension;
use crate::render::coverage::CoverageFormat;

/// `llmspend coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Files and folders to read (folders: *.jsonl, *.ndjson, *.json,
    /// *.csv, *.log, recursively); `-` reads standard input.
    #[arg(
        required = true,
        value_name = "PATH",
        help_heading = "Input",
        display_order = 0
    )]
    pub paths: Vec<PathBuf>,

    // Headings in workflow order, as in `report` (see cli/report.rs).
    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Group the offenders (who sends requests without a required field) by
    /// these dimensions, comma-separated.
    #[arg(
        long,
        help_heading = "Grouping",
        value_parser = Dimension::parse_arg,
        value_delimiter = ',',
        default_value = "service,api_key",
        value_name = "DIMS"
    )]
    pub by: Vec<Dimension>,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Table, help_heading = "Output")]
    pub format: CoverageFormat,

    /// How many offenders to list per required field.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub top: usize,

    /// Where the report goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Checks that fail the run (exit 1).
    #[command(flatten)]
    pub gates: GateArgs,
}
