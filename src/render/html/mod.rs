//! `--format html`: one self-contained page for people (docs/design.md,
//! "Report HTML"). Files by concern: [`style`] (head, policy, stylesheet),
//! [`escape`] (text and embedded JSON), [`charts`] (plotters to inline
//! SVG), [`tables`] (groups, accounting, inputs), [`page`] (the report
//! page), [`coverage`] (the coverage page).
//!
//! The page loads nothing: no script runs (the policy says
//! `script-src 'none'`), no font, image or style comes from elsewhere. The
//! machine-readable report is embedded as
//! `<script type="application/json" id="llmspend-report">`: the text of
//! `--format json` with `<`, `>` and `&` written as `\u` escapes, so it
//! parses to the same value.
//!
//! Charts read only what the command hands over: the report and, for the
//! charts, a [`Charts`] of two more reports of the same logs (one run with
//! `--by FIRST,day` projected onto `FIRST`), so no total is recomputed
//! from anything else.

pub mod charts;
pub mod coverage;
pub mod escape;
pub mod page;
pub mod style;
pub mod tables;

use std::io::{self, Write};

use super::renderer::Renderer;
use crate::report::Report;

pub use page::Charts;

/// The HTML renderer of a report alone: the page without charts (the
/// command uses [`page::write`] with [`Charts`]).
pub struct Html;

impl Renderer for Html {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        page::write(report, None, out)
    }
}

#[cfg(test)]
mod tests;
