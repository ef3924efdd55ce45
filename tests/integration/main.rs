//! The one integration test binary: runs the real `llmspend` on fixtures.

mod compressed;
mod determinism;
mod report;
mod util;
