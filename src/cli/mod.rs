//! The whole command line: the tree here, each subcommand's options in
//! its own file. Doc comments are the help text.

mod bill;
mod budget;
mod common;
mod coverage;
mod export;
mod merge;
mod normalize;
mod rates;
mod report;
mod sources;

use clap::{Parser, Subcommand};

pub use bill::BillArgs;
pub use budget::BudgetArgs;
pub use common::{AttributionArgs, FilterArgs, GateArgs, InputArgs, OutputArgs, ReconcileArgs};
pub use coverage::CoverageArgs;
pub use export::ExportArgs;
pub use merge::MergeArgs;
pub use normalize::{NormalizeArgs, NormalizeFormat};
pub use rates::{RatesArgs, RatesFormat};
pub use report::ReportArgs;
pub use sources::SourcesArgs;

/// Who spent what: LLM spend by team, cost center, service and model, from
/// the gateway logs and usage exports you already have, priced exactly.
#[derive(Debug, Parser)]
#[command(name = "llmspend", version, propagate_version = true)]
pub struct Cli {
    /// Read settings from this config file instead of `llmspend.toml` (in
    /// this folder or a parent) or `$XDG_CONFIG_HOME/llmspend/config.toml`.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Price usage logs and break the cost down by any dimensions.
    Report(ReportArgs),
    /// How much spend cannot be attributed, and who sends it: per required
    /// field, with gates for CI.
    Coverage(CoverageArgs),
    /// Show the rate card in effect, or which row prices a model on a date.
    Rates(RatesArgs),
    /// Sum partials (`report --format partial`, one per file or task) into
    /// the report of the whole, in any report format.
    Merge(MergeArgs),
    /// List the log formats llmspend reads and how each is recognised.
    Sources(SourcesArgs),
    /// Spent, forecast, share and status of each budget of a budgets file,
    /// as of the latest record (or `--as-of`), with gates for cron and CI.
    Budget(BudgetArgs),
    /// One invoice per customer for a month: cost with a margin, per model
    /// or in total.
    Bill(BillArgs),
    /// Write priced usage as a FOCUS 1.2 dataset (CSV or Parquet) to load
    /// next to the cloud bill, or llmspend's own priced records.
    Export(ExportArgs),
    /// Write one priced row per usage record (schema llmspend.usage.v1)
    /// as Parquet or JSONL, for Spark, Trino, Athena or DuckDB to group.
    Normalize(NormalizeArgs),
    /// Print a shell completion script: `llmspend completions bash >
    /// ~/.local/share/bash-completion/completions/llmspend`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `llmspend man > llmspend.1`.
    Man,
    /// Show the effective settings of the config file and where each
    /// comes from (`file:line` or the built-in default).
    Config,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dimension::Dimension;
    use crate::gate::Basis;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    fn report(args: &[&str]) -> ReportArgs {
        let mut all = vec!["llmspend", "report"];
        all.extend(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Report(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn by_takes_a_comma_list_and_defaults_to_team_model() {
        assert_eq!(report(&["x"]).by, [Dimension::Team, Dimension::Model]);
        assert_eq!(
            report(&["x", "--by", "cost_center,day"]).by,
            [Dimension::CostCenter, Dimension::Day]
        );
        assert!(Cli::try_parse_from(["llmspend", "report", "x", "--by", "colour"]).is_err());
    }

    #[test]
    fn where_and_map_are_repeatable() {
        let r = report(&[
            "x",
            "--where",
            "team=search",
            "--where",
            "environment!=dev",
            "--map",
            "team=a.b",
        ]);
        assert_eq!(r.filter.wheres.len(), 2);
        assert_eq!(r.input.maps, ["team=a.b"]);
    }

    fn coverage(args: &[&str]) -> CoverageArgs {
        let mut all = vec!["llmspend", "coverage"];
        all.extend(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Coverage(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn coverage_defaults_to_cost_center_by_service_and_api_key() {
        let c = coverage(&["x"]);
        assert_eq!(c.gates.require, [Dimension::CostCenter]);
        assert_eq!(c.by, [Dimension::Service, Dimension::ApiKey]);
        let c = coverage(&["x", "--require", "cost_center,team", "--basis", "cost"]);
        assert_eq!(c.gates.require, [Dimension::CostCenter, Dimension::Team]);
        assert_eq!(c.gates.basis, Basis::Cost);
    }

    #[test]
    fn gates_and_aliases_parse_on_report() {
        let r = report(&[
            "x",
            "--max-unattributed",
            "2.5",
            "--alias",
            "department=cost_center",
            "--alias",
            "squad=team",
        ]);
        assert_eq!(r.gates.max_unattributed.as_deref(), Some("2.5"));
        assert_eq!(r.attribution.aliases.len(), 2);
        assert!(Cli::try_parse_from(["llmspend", "report", "x", "--owners-override"]).is_err());
    }

    #[test]
    fn month_is_taken_as_text_and_checked_in_config() {
        assert_eq!(
            report(&["x", "--month", "2026-10"]).filter.month.as_deref(),
            Some("2026-10")
        );
    }
}
