//! The one integration test binary: runs the real `llmspend` on fixtures.

mod determinism;
mod report;
mod sources;
mod util;
