//! `bill --format table`: for people. Every invoice line, a total row per
//! invoice, the unbilled usage, then the run's summary.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};

use super::text::{cents, margin_text};
use crate::bill::Bill;
use crate::render::sanitize::terminal;
use crate::render::summary::{self, thousands};

pub(super) fn render(bill: &Bill, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "invoices for {} by {}", bill.month, bill.by)?;
    let mut grid = Table::new();
    grid.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    grid.set_header([
        bill.by,
        "name",
        "line",
        "requests",
        "tokens",
        "cost (USD)",
        "margin",
        "amount (USD)",
    ]);
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    for inv in &bill.invoices {
        for l in &inv.lines {
            grid.add_row(vec![
                Cell::new(terminal(&inv.customer)),
                Cell::new(terminal(&inv.name)),
                Cell::new(terminal(&l.line)),
                right(thousands(l.totals.requests)),
                right(thousands(l.totals.tokens())),
                right(l.totals.cost.to_usd_string(4)),
                right(format!("{}%", margin_text(inv.margin))),
                right(cents(l.amount_cents)),
            ]);
        }
        if inv.lines.len() == 1 {
            continue;
        }
        grid.add_row(vec![
            Cell::new(terminal(&inv.customer)),
            Cell::new(""),
            Cell::new("invoice total"),
            right(thousands(inv.totals.requests)),
            right(thousands(inv.totals.tokens())),
            right(inv.totals.cost.to_usd_string(4)),
            Cell::new(""),
            right(cents(inv.amount_cents)),
        ]);
    }
    writeln!(out, "{grid}")?;
    let u = &bill.unbilled;
    if u.requests > 0 {
        writeln!(
            out,
            "unbilled (no {}): {}, {} USD, billed to nobody",
            bill.by,
            summary::requests(u.requests),
            u.cost.to_usd_string(4)
        )?;
    }
    for inv in &bill.invoices {
        for (model, n) in &inv.unpriced {
            writeln!(
                out,
                "unpriced for {}: {} ({}) has no rate-card row and is not billed",
                terminal(&inv.customer),
                terminal(model),
                summary::requests(*n)
            )?;
        }
    }
    writeln!(out)?;
    summary::write(&bill.report, out)
}
