//! The one trait every report format implements.

use std::io::{self, Write};

use crate::report::Report;

/// Writes a report in one format.
pub trait Renderer: Sync {
    /// Writes the report to `out`.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
