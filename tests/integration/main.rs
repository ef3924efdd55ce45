//! The one integration test binary: runs the real `llmspend` on fixtures.

mod coverage;
mod determinism;
mod report;
mod util;
