//! `bill --format json`: `{"month", "by", "invoices", "unbilled",
//! "accounting"}`; each invoice has its lines and totals, and the unpriced
//! requests it was not billed for. Money is a string: cost with six
//! decimals, amounts with two.

use std::io::{self, Write};

use serde::Serialize;

use super::text::{cents, cost, margin_text};
use crate::bill::Bill;
use crate::render::json::{accounting, WireAccounting};
use crate::report::Totals;

#[derive(Serialize)]
struct Wire<'a> {
    month: &'a str,
    by: &'a str,
    invoices: Vec<WireInvoice<'a>>,
    unbilled: WireMetrics,
    accounting: WireAccounting<'a>,
}

#[derive(Serialize)]
struct WireInvoice<'a> {
    customer: &'a str,
    name: &'a str,
    /// A JSON number, as every percentage (money stays a string).
    margin_pct: serde_json::Value,
    lines: Vec<WireLine<'a>>,
    #[serde(flatten)]
    totals: WireMetrics,
    amount_usd: String,
    unpriced: Vec<WireUnpriced>,
}

#[derive(Serialize)]
struct WireLine<'a> {
    line: &'a str,
    #[serde(flatten)]
    metrics: WireMetrics,
    amount_usd: String,
}

#[derive(Serialize)]
struct WireMetrics {
    requests: u128,
    input_tokens: u128,
    output_tokens: u128,
    cache_read_tokens: u128,
    cache_write_tokens: u128,
    cost_usd: String,
    unpriced_requests: u128,
}

#[derive(Serialize)]
struct WireUnpriced {
    model: String,
    requests: u128,
}

fn metrics(t: &Totals) -> WireMetrics {
    WireMetrics {
        requests: t.requests,
        input_tokens: t.input_tokens,
        output_tokens: t.output_tokens,
        cache_read_tokens: t.cache_read_tokens,
        cache_write_tokens: t.cache_write_tokens(),
        cost_usd: cost(t.cost),
        unpriced_requests: t.unpriced_requests,
    }
}

pub(super) fn render(bill: &Bill, out: &mut dyn Write) -> io::Result<()> {
    let invoices = bill
        .invoices
        .iter()
        .map(|inv| WireInvoice {
            customer: &inv.customer,
            name: &inv.name,
            margin_pct: serde_json::from_str(&margin_text(inv.margin))
                .unwrap_or(serde_json::Value::Null),
            lines: inv
                .lines
                .iter()
                .map(|l| WireLine {
                    line: &l.line,
                    metrics: metrics(&l.totals),
                    amount_usd: cents(l.amount_cents),
                })
                .collect(),
            totals: metrics(&inv.totals),
            amount_usd: cents(inv.amount_cents),
            unpriced: inv
                .unpriced
                .iter()
                .map(|(model, requests)| WireUnpriced {
                    model: model.clone(),
                    requests: *requests,
                })
                .collect(),
        })
        .collect();
    let wire = Wire {
        month: &bill.month,
        by: bill.by,
        invoices,
        unbilled: metrics(&bill.unbilled),
        accounting: accounting(&bill.report),
    };
    serde_json::to_writer_pretty(&mut *out, &wire)?;
    out.write_all(b"\n")
}
