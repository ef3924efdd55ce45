//! The one integration test binary: runs the real `llmspend` on fixtures.

mod accounting;
mod audio;
mod bill;
mod budget;
mod budget_rollup;
mod compressed;
mod corpus;
mod coverage;
mod daily;
mod daily_more;
mod determinism;
mod explain;
mod export;
#[cfg(unix)]
mod files;
mod focus_validator;
mod fuzz;
mod golden;
mod html;
mod interop;
mod layout;
mod merge;
mod normalize;
mod normalize_parquet;
mod normalize_stream;
mod props;
mod reconcile;
mod report;
mod sources;
mod two_stage;
mod util;
