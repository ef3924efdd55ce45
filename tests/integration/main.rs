//! The one integration test binary: runs the real `llmspend` on fixtures.

mod corpus;
mod determinism;
mod files;
mod fuzz;
mod props;
mod report;
mod util;
