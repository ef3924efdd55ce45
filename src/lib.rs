//! llmspend: who spent what on LLM APIs, from the logs that already exist.
//!
//! ```text
//! paths, dirs, "-"            input/      list files; mmap plain files, stream stdin and .gz/.zst
//!   -> chunks                 input/      split at record boundaries (a few MiB each) for rayon
//!   -> source                 sources/    detect each file's format once; one adapter per format
//!   -> UsageRecord            record.rs   the one normalized row every later step sees
//!   -> enrich                 enrich/     route templates, ownership map
//!   -> filter, dedupe         filter.rs   --since/--until/--month/--where
//!                             dedupe.rs   repeated request_id counts once
//!   -> price                  price/      rate card lookup: provider, model, date, tier
//!   -> aggregate              aggregate.rs per-worker map GroupKey -> Totals, merged at the end
//!   -> render                 render/     table, csv, json, md; coverage and accounting
//! ```
//! `worker.rs` runs the hot path for one chunk; `pipeline.rs` schedules the
//! chunks and merges the per-worker partials; `commands/report.rs` wires
//! the steps. Money is exact (pico-dollars, integer sums): see
//! [`money`].

#![warn(missing_docs)]

pub mod accounting;
pub mod aggregate;
pub mod allocate;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dedupe;
pub mod enrich;
pub mod error;
pub mod exit;
pub mod filter;
pub mod gate;
pub mod input;
pub mod money;
pub mod parse;
pub mod pipeline;
pub mod price;
pub mod progress;
pub mod record;
pub mod render;
pub mod sources;
pub mod time;
pub mod worker;

pub use cli::Cli;
pub use exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    commands::run(cli)
}
