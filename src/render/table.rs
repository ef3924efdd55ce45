//! `--format table`: for people. A comfy-table with a share-of-cost column
//! and a total row, then the summary. Log-sourced text is escaped.

use std::io::{self, Write};

use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ColumnConstraint, ContentArrangement,
    Table as Grid,
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

/// The table's metric headers, short so a table fits a terminal; the
/// Markdown report keeps [`HEADERS`].
pub const SHORT_HEADERS: [&str; 7] = [
    "requests",
    "in",
    "out",
    "cache r",
    "cache w",
    "cost (USD)",
    "share",
];

/// The metric columns a table leaves out, in this order, until it fits
/// the width (indices into [`SHORT_HEADERS`]): cache writes, cache reads,
/// output, input, share, requests. The dimensions and the cost stay; a
/// dimension too wide then wraps (docs/design.md, "Report table").
pub const DROP_ORDER: [usize; 6] = [4, 3, 2, 1, 6, 0];

impl Renderer for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.render_fit(report, None, out)
    }
}

impl Table {
    /// Renders the table to fit `width` columns (`None`: as wide as it
    /// needs): metric columns are left out in [`DROP_ORDER`] until it fits,
    /// then long dimension values wrap; a line below the table names the
    /// columns left out.
    pub fn render_fit(
        &self,
        report: &Report,
        width: Option<usize>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut shown = [true; 7];
        let mut dropped = Vec::new();
        let mut grid = grid_of(report, &shown, None);
        if let Some(w) = width {
            for i in DROP_ORDER {
                if widest(&grid) <= w {
                    break;
                }
                shown[i] = false;
                dropped.push(SHORT_HEADERS[i]);
                grid = grid_of(report, &shown, None);
            }
            grid = grid_of(report, &shown, Some(w));
        }
        writeln!(out, "{grid}")?;
        // The lines under the table wrap at the width too.
        let mut notes = Vec::new();
        if !dropped.is_empty() {
            writeln!(
                notes,
                "left out to fit {} columns: {} (--format csv has them all)",
                width.unwrap_or(0),
                dropped.join(", ")
            )?;
        }
        unpriced_footer(report, &mut notes)?;
        summary::write(report, &mut notes)?;
        let notes = String::from_utf8_lossy(&notes);
        match width {
            Some(w) => out.write_all(wrap(&notes, w).as_bytes()),
            None => out.write_all(notes.as_bytes()),
        }
    }
}

/// Wraps each line longer than `width` characters at spaces, continuing
/// it indented by four; a word longer than the width stays whole.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let indent = " ".repeat(lead + 4);
        let mut used = 0;
        for (i, word) in line.trim_start().split(' ').enumerate() {
            let n = word.chars().count();
            if i == 0 {
                out.push_str(&line[..lead]);
                used = lead;
            } else if used + 1 + n > width {
                out.push('\n');
                out.push_str(&indent);
                used = indent.len();
            } else {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += n;
        }
        out.push('\n');
    }
    out
}

/// The widest line of a rendered grid, in characters.
fn widest(grid: &Grid) -> usize {
    grid.to_string()
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// The grid with the `shown` metric columns; with a width, long dimension
/// values wrap to fit it (numbers never wrap).
fn grid_of(report: &Report, shown: &[bool; 7], width: Option<usize>) -> Grid {
    let mut grid = Grid::new();
    grid.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let dims = report.dims.len();
    let allocated = report.allocated.as_ref();
    let show = report.reconcile.is_some();
    let pick = |cells: [String; 7]| -> Vec<String> {
        cells
            .into_iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(c, _)| c)
            .collect()
    };
    grid.set_header(
        report
            .dims
            .iter()
            .map(|d| d.name().to_string())
            .chain(pick(SHORT_HEADERS.map(String::from)))
            .chain(allocated.map(|_| "allocated (estimate)".to_string()))
            .chain(
                RECONCILE_HEADERS
                    .iter()
                    .map(|h| h.to_string())
                    .filter(|_| show),
            ),
    );
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    for (i, g) in report.groups.iter().enumerate() {
        let mut row: Vec<Cell> = g
            .values
            .iter()
            .map(|v| Cell::new(terminal(v.as_deref().unwrap_or(UNATTRIBUTED))))
            .collect();
        row.extend(
            pick(metric_cells(&g.totals, &report.totals))
                .into_iter()
                .map(right),
        );
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
    total.extend(
        pick(metric_cells(&report.totals, &report.totals))
            .into_iter()
            .map(right),
    );
    if allocated.is_some() {
        total.push(right(report.totals.cost.to_usd_string(4)));
    }
    if show {
        let s = report.reconciliation();
        total.push(right(s.reported.to_usd_string(4)));
        total.push(right(crate::money::signed_usd(s.difference, 4)));
    }
    grid.add_row(total);
    if let Some(w) = width {
        grid.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(w).unwrap_or(u16::MAX));
        let columns = grid.column_count();
        for c in dims..columns {
            if let Some(col) = grid.column_mut(c) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_wrap_at_spaces_and_keep_every_word() {
        let text =
            "short\n  lines: 5,167 read = 5,167 parsed + 0 filtered + 0 duplicate + 0 malformed\n";
        let wrapped = wrap(text, 30);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 30),
            "{wrapped}"
        );
        let words = |t: &str| t.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(words(&wrapped), words(text));
        assert!(wrapped.starts_with("short\n  lines:"));
        assert_eq!(wrap(text, 200), text);
    }
}
