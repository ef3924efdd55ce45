//! `bill --format csv`: `customer,name,line,requests,input_tokens,
//! output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,margin_pct,
//! amount_usd`, one row per invoice line, sorted by customer then line, no
//! subtotal or total rows; `cost_usd` six decimals, `amount_usd` two.

use std::io::{self, Write};

use super::text::{cents, cost, margin_text};
use crate::bill::Bill;
use crate::render::sanitize::csv_cell;

/// The columns, in order.
pub const COLUMNS: [&str; 11] = [
    "customer",
    "name",
    "line",
    "requests",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "margin_pct",
    "amount_usd",
];

pub(super) fn render(bill: &Bill, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for inv in &bill.invoices {
        for l in &inv.lines {
            let t = &l.totals;
            w.write_record([
                csv_cell(&inv.customer).into_owned(),
                csv_cell(&inv.name).into_owned(),
                csv_cell(&l.line).into_owned(),
                t.requests.to_string(),
                t.input_tokens.to_string(),
                t.output_tokens.to_string(),
                t.cache_read_tokens.to_string(),
                t.cache_write_tokens().to_string(),
                cost(t.cost),
                margin_text(inv.margin),
                cents(l.amount_cents),
            ])?;
        }
    }
    w.flush()
}
