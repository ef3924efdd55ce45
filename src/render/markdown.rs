//! `--format md`: a Markdown table with a total row, then the summary as
//! a fenced block, for tickets and wikis.

use std::io::{self, Write};

use super::renderer::Renderer;
use super::sanitize::terminal;
use super::summary;
use super::table::{metric_cells, HEADERS};
use crate::report::Report;
use crate::report::UNATTRIBUTED;

/// The Markdown renderer.
pub struct Markdown;

fn escape(text: &str) -> String {
    terminal(text).replace('|', "\\|")
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let header: Vec<&str> = report
            .dims
            .iter()
            .map(|d| d.name())
            .chain(HEADERS)
            .collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        let align: Vec<&str> = (0..header.len())
            .map(|i| if i < report.dims.len() { "---" } else { "---:" })
            .collect();
        writeln!(out, "|{}|", align.join("|"))?;
        for g in &report.groups {
            let mut cells: Vec<String> = g
                .values
                .iter()
                .map(|v| escape(v.as_deref().unwrap_or(UNATTRIBUTED)))
                .collect();
            cells.extend(metric_cells(&g.totals, &report.totals));
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        let mut total: Vec<String> = (0..report.dims.len())
            .map(|i| {
                if i == 0 {
                    "**total**".to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        total.extend(metric_cells(&report.totals, &report.totals).map(|c| format!("**{c}**")));
        writeln!(out, "| {} |", total.join(" | "))?;
        if report.totals.unpriced_requests > 0 {
            writeln!(out)?;
            super::table::unpriced_footer(report, out)?;
        }
        writeln!(out, "\n```text")?;
        summary::write(report, out)?;
        writeln!(out, "```")
    }
}
