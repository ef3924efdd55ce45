//! `llmspend report`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, GateArgs, InputArgs, OutputArgs, ReconcileArgs};
use crate::allocate::Allocate;
use crate::dimension::Dimension;
use crate::render::view::SortKey;
use crate::render::ReportFormat;

/// `llmspend report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files and folders to read (folders: *.jsonl, *.ndjson, *.json,
    /// *.csv, *.log, also ending in .gz or .zst, recursively); `-` reads
    /// standard input. Gzip and zstd inputs are detected and decompressed.
    #[arg(
        required = true,
        value_name = "PATH",
        help_heading = "Input",
        display_order = 0
    )]
    pub paths: Vec<PathBuf>,

    // The help's headings follow the first argument of each, in this
    // order (the workflow): Input, Filters, Grouping, Attribution, Pricing
    // (`--rates`, first in InputArgs), Output, Gates, Reconciliation.
    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Group by these dimensions, comma-separated, in this order (case,
    /// spaces and hyphens forgiven: "team, cost-center").
    #[arg(
        long,
        help_heading = "Grouping",
        value_parser = Dimension::parse_arg,
        value_delimiter = ',',
        default_value = "team,model",
        value_name = "DIMS"
    )]
    pub by: Vec<Dimension>,

    /// Order of the groups (default: by time when grouped by day, week or
    /// month, else by cost).
    #[arg(long, value_enum, value_name = "KEY", help_heading = "Grouping")]
    pub sort: Option<SortKey>,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table, help_heading = "Output")]
    pub format: ReportFormat,

    /// Table and md: list the first N groups and fold the rest into one
    /// `(N more)` row (the totals stay exact). Default: 25 on a terminal,
    /// every group otherwise.
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,

    /// Where the report goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Checks that fail the run (exit 1).
    #[command(flatten)]
    pub gates: GateArgs,

    /// Reconciliation with the cost the sources state.
    #[command(flatten)]
    pub reconcile: ReconcileArgs,

    /// Spread the unattributed cost over the attributed groups and show it
    /// as an `allocated_cost_usd` column beside `cost_usd` (an estimate;
    /// the measured cost is never changed).
    #[arg(long, value_enum, value_name = "HOW", help_heading = "Attribution")]
    pub allocate_unattributed: Option<Allocate>,
}
