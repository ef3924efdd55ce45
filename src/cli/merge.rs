//! `llmspend merge`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{OutputArgs, ReconcileArgs};
use crate::allocate::Allocate;
use crate::dimension::Dimension;
use crate::render::ReportFormat;

/// `llmspend merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partials written by `report --format partial`; `-` reads standard
    /// input.
    #[arg(required = true, value_name = "PARTIAL")]
    pub paths: Vec<PathBuf>,

    /// Roll the groups up to these dimensions (some of the partials'),
    /// comma-separated; default: the partials' own.
    #[arg(long, value_delimiter = ',', value_name = "DIMS")]
    pub by: Vec<Dimension>,

    /// Output format (`partial` writes the merged partial, to merge again).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// As for `report`: spread the unattributed cost over the attributed
    /// groups in an `allocated_cost_usd` column.
    #[arg(long, value_enum, value_name = "HOW")]
    pub allocate_unattributed: Option<Allocate>,

    /// Where the report goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Reconciliation with the cost the sources state.
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
}
