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
        grid.set_header(
            report
                .dims
                .iter()
                .map(|d| d.name())
                .chain(HEADERS)
                .chain(allocated.map(|_| "allocated (estimate)")),
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
            grid.add_row(row);
        }
        let mut total: Vec<Cell> = (0..dims)
            .map(|i| Cell::new(if i == 0 { "total" } else { "" }))
            .collect();
        total.extend(metric_cells(&report.totals, &report.totals).map(right));
        if allocated.is_some() {
            total.push(right(report.totals.cost.to_usd_string(4)));
        }
        grid.add_row(total);
        writeln!(out, "{grid}")?;
        unpriced_footer(report, out)?;
        summary::write(report, out)
    }
}
