//! `--format md`: a Markdown table with a total row, then the summary as
//! a fenced block, for tickets and wikis.

use std::io::{self, Write};

use super::renderer::Renderer;
use super::sanitize::terminal;
use super::summary;
use super::table::{metric_cells, reconcile_cells, HEADERS, RECONCILE_HEADERS};
use crate::report::Report;
use crate::report::UNATTRIBUTED;

/// The Markdown renderer.
pub struct Markdown;

fn escape(text: &str) -> String {
    terminal(text).replace('|', "\\|")
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let show = report.reconcile.is_some();
        let header: Vec<&str> = report
            .dims
            .iter()
            .map(|d| d.name())
            .chain(HEADERS)
            .chain(RECONCILE_HEADERS.iter().copied().filter(|_| show))
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
            if show {
                cells.extend(reconcile_cells(&g.totals));
            }
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
        if show {
            let s = report.reconciliation();
            total.push(format!("**{}**", s.reported.to_usd_string(4)));
            total.push(format!("**{}**", crate::money::signed_usd(s.difference, 4)));
        }
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
