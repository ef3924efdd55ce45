//! `bill --format md`: one section per customer, fit to paste into an
//! invoice email: its lines, the total, and what was not billed.

use std::io::{self, Write};

use super::text::{cents, margin_text};
use crate::bill::Bill;
use crate::render::summary::{requests, thousands};

/// Escapes text for a Markdown table cell or heading.
fn md(text: &str) -> String {
    crate::render::sanitize::terminal(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

pub(super) fn render(bill: &Bill, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# LLM usage invoices, {}", bill.month)?;
    for inv in &bill.invoices {
        writeln!(out)?;
        let title = if inv.name.is_empty() {
            md(&inv.customer)
        } else {
            format!("{} ({})", md(&inv.name), md(&inv.customer))
        };
        writeln!(out, "## {title}")?;
        writeln!(out)?;
        writeln!(out, "| line | requests | tokens | amount (USD) |")?;
        writeln!(out, "|---|---:|---:|---:|")?;
        for l in &inv.lines {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&l.line),
                thousands(l.totals.requests),
                thousands(l.totals.tokens()),
                cents(l.amount_cents)
            )?;
        }
        writeln!(
            out,
            "| **total** | {} | {} | **{}** |",
            thousands(inv.totals.requests),
            thousands(inv.totals.tokens()),
            cents(inv.amount_cents)
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "Usage cost {} USD, margin {}%.",
            inv.totals.cost.to_usd_string(6),
            margin_text(inv.margin)
        )?;
        let unpriced = &inv.unpriced;
        if !unpriced.is_empty() {
            let list: Vec<String> = unpriced
                .iter()
                .map(|(m, n)| format!("{} ({})", md(m), requests(*n)))
                .collect();
            writeln!(out, "Not billed (no price known): {}.", list.join(", "))?;
        }
    }
    let u = &bill.unbilled;
    if u.requests > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "Unbilled usage without a {}: {}, {} USD.",
            bill.by,
            requests(u.requests),
            u.cost.to_usd_string(6)
        )?;
    }
    Ok(())
}
