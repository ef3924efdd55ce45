//! The one integration test binary: runs the real `llmspend` on fixtures.

mod corpus;
mod determinism;
mod files;
mod props;
mod report;
mod shuffle;
mod sources;
mod util;
