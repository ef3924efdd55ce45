//! The whole command line in one place. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::allocate::Allocate;
use crate::dimension::Dimension;
use crate::export::ExportFormat;
use crate::filter::Where;
use crate::gate::Basis;
use crate::render::bill::{BillFormat, BillLines};
use crate::render::budget::BudgetFormat;
use crate::render::coverage::CoverageFormat;
use crate::render::ReportFormat;
use crate::sink::charges::Period;

/// Who spent what: LLM spend by team, cost center, service and model, from
/// the gateway logs and usage exports you already have, priced exactly.
#[derive(Debug, Parser)]
#[command(name = "llmspend", version, propagate_version = true)]
pub struct Cli {
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
}

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

/// `llmspend sources`.
#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// Also list, per source, every key path read for each canonical
    /// field, in the order tried.
    #[arg(long)]
    pub fields: bool,
}

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

/// `llmspend report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files and folders to read (folders: *.jsonl, *.ndjson, *.json,
    /// *.csv, *.log, also ending in .gz or .zst, recursively); `-` reads
    /// standard input. Gzip and zstd inputs are detected and decompressed.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Group by these dimensions, comma-separated, in this order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "team,model",
        value_name = "DIMS"
    )]
    pub by: Vec<Dimension>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// Where the report goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,

    /// Checks that fail the run (exit 1).
    #[command(flatten)]
    pub gates: GateArgs,

    /// Spread the unattributed cost over the attributed groups and show it
    /// as an `allocated_cost_usd` column beside `cost_usd` (an estimate;
    /// the measured cost is never changed).
    #[arg(long, value_enum, value_name = "HOW")]
    pub allocate_unattributed: Option<Allocate>,
}

/// `llmspend coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Files and folders to read (folders: *.jsonl, *.ndjson, *.json,
    /// *.csv, *.log, recursively); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Group the offenders (who sends requests without a required field) by
    /// these dimensions, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "service,api_key",
        value_name = "DIMS"
    )]
    pub by: Vec<Dimension>,

    /// How many offenders to list per required field.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Table)]
    pub format: CoverageFormat,

    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// Where the report goes.
    #[command(flatten)]
    pub output: OutputArgs,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,

    /// Checks that fail the run (exit 1).
    #[command(flatten)]
    pub gates: GateArgs,
}

/// How owners are found and duplicates dropped.
#[derive(Debug, Args)]
pub struct AttributionArgs {
    /// Count every record, even when its request_id was seen before (by
    /// default a repeated request_id counts once: the occurrence earliest
    /// in (file path, line) order is kept).
    #[arg(long)]
    pub no_dedupe: bool,
    /// An ownership map: CSV `field,value,team,cost_center,project,service,
    /// environment,customer`, where `field` is api_key, service, user,
    /// customer, project, model or route (a path prefix).
    #[arg(long, value_name = "FILE")]
    pub owners: Option<PathBuf>,
    /// Values from the ownership map beat values on the request.
    #[arg(long, requires = "owners")]
    pub owners_override: bool,
    /// An extra key name for a canonical field in gateway logs, e.g.
    /// `department=cost_center`; repeatable.
    #[arg(long = "alias", value_name = "KEY=FIELD")]
    pub aliases: Vec<String>,
    /// Group routes as logged, without folding ids into `{id}`.
    #[arg(long)]
    pub raw_routes: bool,
    /// Group owner values (team, cost_center, project, service,
    /// environment, customer) by one spelling: lower case, `-` between
    /// words, `search-team` as `search` for team.
    #[arg(long)]
    pub normalize_values: bool,
}

/// Checks that fail the run (exit 1); the output is written in full anyway.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Fields every request must carry, comma-separated (for coverage and
    /// `--max-unattributed`).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "cost_center",
        value_name = "FIELDS"
    )]
    pub require: Vec<Dimension>,
    /// Fail when more than PCT percent (0-100) lacks a required field.
    #[arg(long, value_name = "PCT")]
    pub max_unattributed: Option<String>,
    /// What `--max-unattributed` measures.
    #[arg(long, value_enum, default_value_t = Basis::Requests)]
    pub basis: Basis,
    /// Fail when more than PCT percent (0-100) of the lines read are
    /// malformed.
    #[arg(long, value_name = "PCT")]
    pub max_malformed: Option<String>,
    /// Fail when any model has no rate-card row.
    #[arg(long)]
    pub fail_on_unpriced: bool,
}

/// Which records count.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only records at or after this date or timestamp (UTC).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only records before this date or timestamp (UTC, exclusive).
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only records in this month (UTC), YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Only records where DIM=VALUE (or DIM!=VALUE); repeatable, all must
    /// hold. An empty VALUE or `(unattributed)` means missing.
    #[arg(long = "where", value_name = "DIM=VALUE")]
    pub wheres: Vec<Where>,
    /// Time zone for day/week/month groups: UTC or a fixed offset (+02:00).
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,
}

/// How inputs are read and priced.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A rate-card CSV or a folder of them; its rows beat the embedded
    /// card's at equal specificity.
    #[arg(long, value_name = "PATH")]
    pub rates: Option<PathBuf>,
    /// Read every input as this source instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Read a canonical field from this dotted path (JSON) or column (CSV);
    /// repeatable, e.g. --map team=meta.owner.team.
    #[arg(long = "map", value_name = "FIELD=PATH")]
    pub maps: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Read files instead of memory-mapping them.
    #[arg(long)]
    pub no_mmap: bool,
    /// Lines longer than this are malformed.
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    pub max_line_bytes: usize,
    /// Exit 0 even when some inputs cannot be read (they are still named
    /// in the summary); by default a run with unreadable inputs exits 2.
    #[arg(long)]
    pub skip_unreadable: bool,
    /// Target chunk size for parallel reading (for tests and tuning).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,
}

/// Where the report goes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress output; on stderr only the warnings that change the
    /// numbers: unreadable inputs, unpriced models, failed gates.
    #[arg(short, long)]
    pub quiet: bool,
}

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
}

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

#[cfg(test)]
mod tests {
    use super::*;
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
