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

/// The metric cells of one row, formatted for people.
pub fn metric_cells(t: &Totals, all: &Totals) -> [String; 7] {
    [
        thousands(t.requests),
        thousands(t.input_tokens),
        thousands(t.output_tokens),
        thousands(t.cache_read_tokens),
        thousands(t.cache_write_tokens()),
        t.cost.to_usd_string(4),
        format!("{}%", percent(t.cost.0, all.cost.0)),
    ]
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
        summary::write(report, out)
    }
}
