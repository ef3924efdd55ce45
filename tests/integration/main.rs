//! The one integration test binary: runs the real `llmspend` on fixtures.

mod accounting;
mod bill;
mod budget;
mod budget_rollup;
mod compressed;
mod corpus;
mod coverage;
mod daily;
mod determinism;
mod export;
#[cfg(unix)]
mod files;
mod focus_validator;
mod fuzz;
mod golden;
mod html;
mod layout;
mod merge;
mod props;
mod report;
mod sources;
mod util;
