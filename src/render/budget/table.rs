//! `budget --format table`: for people. One row per budget, children
//! indented under their parents; money with two decimals; a forecast that
//! does not exist is `n/a`; unpriced usage beside the row it touches and
//! listed under the table; a parent's roll-up (its same-period children's
//! spent and forecast summed) in the last two columns; then the run's
//! summary.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};

use super::figures::{Figures, View};
use crate::budget::period::format_instant;
use crate::render::sanitize::terminal;
use crate::render::summary;
use crate::report::UNATTRIBUTED;

pub(super) fn render(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let eval = view.eval;
    let at = |t| format_instant(t, view.tz_offset);
    match eval.window {
        Some((from, to)) => writeln!(
            out,
            "as of {}; run rate over {} to {}",
            at(eval.as_of),
            at(from),
            at(to)
        )?,
        None => writeln!(out, "as of {}; no records, no run rate", at(eval.as_of))?,
    }
    let mut grid = Table::new();
    grid.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    grid.set_header([
        "budget",
        "period",
        "from",
        "amount",
        "spent",
        "share",
        "forecast",
        "remaining",
        "status",
        "unpriced",
        "children spent",
        "children forecast",
    ]);
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    let mut notes = Vec::new();
    for l in &eval.lines {
        let f = Figures::of(l, view.tz_offset, 2);
        let name = format!("{}{}", "  ".repeat(l.depth), terminal(&l.budget.key()));
        let unpriced: u128 = l.unpriced.iter().map(|u| u.1).sum();
        for (model, requests, tokens) in &l.unpriced {
            notes.push(format!(
                "  {} {}: {} ({}, {}) has no rate-card row; its cost is not in spent",
                terminal(&l.budget.key()),
                f.period,
                terminal(model.as_deref().unwrap_or(UNATTRIBUTED)),
                summary::requests(*requests),
                summary::tokens(*tokens),
            ));
        }
        grid.add_row(vec![
            Cell::new(name),
            Cell::new(f.period),
            Cell::new(&f.period_start[..10]),
            right(f.amount),
            right(f.spent),
            right(f.share.map_or("n/a".into(), |s| format!("{s}%"))),
            right(f.forecast.unwrap_or_else(|| "n/a".into())),
            right(f.remaining),
            Cell::new(f.status),
            right(if unpriced == 0 {
                String::new()
            } else {
                format!("{unpriced} req")
            }),
            right(f.children_spent.unwrap_or_default()),
            right(f.children_forecast.unwrap_or_else(|| {
                if l.children_spent.is_some() {
                    "n/a".into()
                } else {
                    String::new()
                }
            })),
        ]);
    }
    writeln!(out, "{grid}")?;
    if !notes.is_empty() {
        writeln!(out, "unpriced usage in budgets:")?;
        for n in notes {
            writeln!(out, "{n}")?;
        }
    }
    writeln!(out)?;
    summary::write(view.report, out)
}
