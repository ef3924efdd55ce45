//! Option groups shared by several subcommands.

use std::path::PathBuf;

use clap::Args;

use crate::dimension::Dimension;
use crate::filter::Where;
use crate::gate::Basis;

/// How owners are found and duplicates dropped.
#[derive(Debug, Args)]
#[command(next_help_heading = "Attribution")]
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
#[command(next_help_heading = "Gates")]
pub struct GateArgs {
    /// Fields every request must carry, comma-separated (for coverage and
    /// `--max-unattributed`).
    #[arg(
        long,
        value_parser = Dimension::parse_arg,
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
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Only records at or after WHEN: YYYY-MM-DD, YYYY-MM, a timestamp,
    /// today, yesterday or Nd (N days before today); dates in --tz.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only records before WHEN (exclusive); the forms of --since.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only records in this month of --tz: YYYY-MM, last or this.
    #[arg(long, value_name = "MONTH")]
    pub month: Option<String>,
    /// Only records where DIM=VALUE (or DIM!=VALUE); repeatable, all must
    /// hold. An empty VALUE or `(unattributed)` means missing.
    #[arg(long = "where", value_name = "DIM=VALUE")]
    pub wheres: Vec<Where>,
    /// Time zone for day/week/month groups and the window's dates: UTC, a
    /// fixed offset (+02:00, -05:00) or a name (Europe/Berlin).
    #[arg(
        long,
        default_value = "UTC",
        value_name = "ZONE",
        allow_hyphen_values = true
    )]
    pub tz: String,
}

/// How inputs are read and priced.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// A rate-card CSV or a folder of them; its rows beat the embedded
    /// card's at equal specificity.
    #[arg(long, value_name = "PATH", help_heading = "Pricing")]
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
    /// The name standard input goes by in `source_file`, malformed-line
    /// samples and partials (default `-`), e.g. the object it was read from.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Correct the known bugs of instrumentations that llmspend detects
    /// (OpenLLMetry's +1 output token on streamed Anthropic spans): the
    /// corrected requests are counted in the warnings. By default counts
    /// are priced as logged, with a warning.
    #[arg(long)]
    pub correct_known_bugs: bool,
    /// Target chunk size for parallel reading (for tests and tuning).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,
}

/// Where the report goes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress output; on stderr only the warnings that change the
    /// numbers: unreadable inputs, unpriced models, failed gates.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write the run's accounting (the JSON report's `accounting`
    /// object) to FILE.
    #[arg(long, value_name = "FILE")]
    pub accounting: Option<PathBuf>,
}

/// Reconciliation with the cost the sources state (docs/design.md,
/// Reconciliation).
#[derive(Debug, Args)]
#[command(next_help_heading = "Reconciliation")]
pub struct ReconcileArgs {
    /// Show the cost the sources state (`reported_cost_usd`) and llmspend's
    /// cost minus it (`difference_usd`) per group, and a summary line.
    #[arg(long)]
    pub show_reported: bool,
    /// With --show-reported: break each difference beyond --tolerance down
    /// by cause (price basis, cache semantics, unpriced, rounding,
    /// unexplained), summing exactly (docs/reconcile.md).
    #[arg(long, requires = "show_reported")]
    pub explain_difference: bool,
    /// Differences within this are not explained: dollars (`0.05`), a
    /// share of the reported cost (`2%`), or either (`0.01,1%`, the
    /// default: a group is explained when its difference exceeds both).
    #[arg(long, requires = "explain_difference", value_name = "USD|PCT")]
    pub tolerance: Option<String>,
}
