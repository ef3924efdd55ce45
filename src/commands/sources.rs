//! `llmspend sources`: each adapter, what it reads, how it is recognised.

use std::io::Write;

use crate::exit::ExitStatus;
use crate::sources::REGISTRY;

/// Runs `sources`.
pub fn run() -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    for s in REGISTRY {
        writeln!(
            out,
            "{}\n  reads: {}\n  recognised by: {}",
            s.name(),
            s.about(),
            s.signature()
        )?;
    }
    Ok(ExitStatus::Success)
}
