//! `--format table`: for people. A comfy-table with a share-of-cost column
//! and a total row, then the summary. Log-sourced text is escaped.

use std::io::{self, Write};

use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table as Grid,
};

use super::renderer::Renderer;
use super::sanitize::terminal;
use super::summary::{self, thousands};
use crate::money::percent;
use crate::report::Report;
use crate::report::{Totals, UNATTRIBUTED};

/// The table renderer.
pub struct Table;

/// Columns after the dimensions, shared with the Markdown renderer.
pub const HEADERS: [&str; 7] = [
    "requests",
    "input",
    "output",
    "cache read",
    "cache write",
    "cost (USD)",
    "share",
];

/// The mark after a cost that leaves out unpriced requests.
pub const UNPRICED_MARK: &str = "+?";

/// The metric cells of one row, formatted for people. A cost that leaves
/// out unpriced requests is marked `+?`; a group with no priced request
/// shows `unpriced` (and no share), never `0.0000`.
pub fn metric_cells(t: &Totals, all: &Totals) -> [String; 7] {
    let all_unpriced = t.unpriced_requests > 0 && t.unpriced_requests >= t.requests;
    let (cost, share) = if all_unpriced {
        ("unpriced".to_string(), "?".to_string())
    } else if t.unpriced_requests > 0 {
        (
            format!("{} {UNPRICED_MARK}", t.cost.to_usd_string(4)),
            format!("{}%", percent(t.cost.0, all.cost.0)),
        )
    } else {
        (
            t.cost.to_usd_string(4),
            format!("{}%", percent(t.cost.0, all.cost.0)),
        )
    };
    [
        thousands(t.requests),
        thousands(t.input_tokens),
        thousands(t.output_tokens),
        thousands(t.cache_read_tokens),
        thousands(t.cache_write_tokens()),
        cost,
        share,
    ]
}

/// The headers `--show-reported` adds, last.
pub const RECONCILE_HEADERS: [&str; 2] = ["reported (USD)", "difference"];

/// The `--show-reported` cells of one row: the stated cost and llmspend's
/// cost minus it, `-` for both when no record stated a cost (never
/// `0.0000`).
pub fn reconcile_cells(t: &Totals) -> [String; 2] {
    match (t.reported(), t.difference()) {
        (Some(r), Some(d)) => [r.to_usd_string(4), crate::money::signed_usd(d, 4)],
        _ => ["-".to_string(), "-".to_string()],
    }
}

/// The footer that explains the marks, if any cost leaves requests out.
pub fn unpriced_footer(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let n = report.totals.unpriced_requests;
    if n == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{UNPRICED_MARK}: the cost leaves out {} unpriced requests (no rate-card row for their model); `unpriced`: none of the group's requests could be priced",
        thousands(n)
    )
}

impl Renderer for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut grid = Grid::new();
        grid.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        let dims = report.dims.len();
        let allocated = report.allocated.as_ref();
        let show = report.reconcile.is_some();
        grid.set_header(
            report
                .dims
                .iter()
                .map(|d| d.name())
                .chain(HEADERS)
                .chain(allocated.map(|_| "allocated (estimate)"))
                .chain(RECONCILE_HEADERS.iter().copied().filter(|_| show)),
        );
        let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
        for (i, g) in report.groups.iter().enumerate() {
            let mut row: Vec<Cell> = g
                .values
                .iter()
                .map(|v| Cell::new(terminal(v.as_deref().unwrap_or(UNATTRIBUTED))))
                .collect();
            row.extend(metric_cells(&g.totals, &report.totals).map(right));
            if let Some(a) = allocated {
                row.push(right(a[i].to_usd_string(4)));
            }
            if show {
                row.extend(reconcile_cells(&g.totals).map(right));
            }
            grid.add_row(row);
        }
        let mut total: Vec<Cell> = (0..dims)
            .map(|i| Cell::new(if i == 0 { "total" } else { "" }))
            .collect();
        total.extend(metric_cells(&report.totals, &report.totals).map(right));
        if allocated.is_some() {
            total.push(right(report.totals.cost.to_usd_string(4)));
        }
        if show {
            let s = report.reconciliation();
            total.push(right(s.reported.to_usd_string(4)));
            total.push(right(crate::money::signed_usd(s.difference, 4)));
        }
        grid.add_row(total);
        writeln!(out, "{grid}")?;
        unpriced_footer(report, out)?;
        summary::write(report, out)
    }
}
