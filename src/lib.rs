//! llmspend: who spent what on LLM APIs, from the logs that already exist.
//!
//! ```text
//! paths, dirs, "-"     input/          list files; mmap plain files, stream stdin and .gz/.zst
//!   -> chunks          input/chunk.rs  split at record boundaries (a few MiB each) for rayon
//!   -> source          sources/        detect each file's format once; one adapter per format
//!                      parse/          the machinery adapters share: JSON scanner, key maps,
//!                                      CSV rows, counts, usage shapes, the parser's Sink
//!                      time.rs         timestamps in every accepted form, civil days
//!   -> UsageRecord     record.rs       the one normalized row every later step sees
//!   -> enrich          enrich/         route templates, ownership map, value spellings
//!   -> admit           filter.rs       --since/--until/--month/--where (values: dimension.rs)
//!                      dedupe.rs       a repeated request_id counts once
//!   -> price           price/          rate card lookup: provider, model, date, tier
//!                      money.rs        exact pico-dollars; rounded once, half-even, for display
//!   -> PricedRecord    sink/           handed to the run's RecordSink, one per worker
//!   -> sink            sink/tally.rs   group tally of report and coverage -> report::Sums
//!   -> Partial         report/         merged sums and their Meta; Partial::finish -> Report
//!   -> gates           gate.rs         verdicts (allocate.rs: --allocate-unattributed)
//!   -> render          render/         ReportFormat: table, csv, json, md;
//!                                      render/coverage.rs CoverageFormat: table, csv, json, github, junit
//!   -> output          output.rs       stdout or -o (temporary file, renamed when whole); summary on stderr
//! ```
//! `worker/` runs the per-record steps (source to sink) for one chunk,
//! reading the run's [`plan::Plan`] (`plan.rs`: dimensions, window,
//! `--where`, rate card, fields read), which every worker shares
//! read-only; `pipeline/` only schedules the chunks and merges the
//! workers' outputs, generic over a [`sink::Consumer`]; `commands/` has
//! one file per subcommand and `config.rs` turns the command line into a
//! `Config` (the one library module that reads [`cli`]). Adding a format,
//! a consumer of priced records or a subcommand: docs/design.md, "How to
//! add"; one line per module: docs/design.md, "Layout". Money is exact
//! (pico-dollars, integer sums): see [`money`].

#![warn(missing_docs)]

pub mod accounting;
pub mod aggregate;
pub mod allocate;
pub mod bill;
pub mod budget;
pub mod cli;
pub mod commands;
pub mod config;
pub mod csvfile;
pub mod dedupe;
pub mod dimension;
pub mod enrich;
pub mod error;
pub mod exit;
pub mod export;
pub mod filter;
pub mod gate;
pub mod hints;
pub mod input;
pub mod money;
pub mod normalize;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod plan;
pub mod price;
pub mod progress;
pub mod record;
pub mod render;
pub mod report;
pub mod settings;
pub mod sink;
pub mod sources;
pub mod time;
pub mod worker;
pub mod zone;

pub use cli::Cli;
pub use exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    commands::run(cli)
}
