//! Invoices: per `--by` value (customer by default) the month's cost per
//! model or in total, with the customer's margin on top, each line rounded
//! half-even to cents once and the invoice the sum of its rounded lines
//! (docs/design.md, Bill). Built from the group tally of `[by, model]`.

pub mod customers;

pub use customers::{parse_margin, Customers};

use rustc_hash::FxHashMap;

use crate::money::{div_half_even, Money};
use crate::report::{Report, Totals, UNATTRIBUTED};

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// The model, or `total`.
    pub line: String,
    /// Requests, tokens and the exact raw cost.
    pub totals: Totals,
    /// `cost * (1 + margin / 100)` in cents, half-even.
    pub amount_cents: u128,
}

/// One customer's invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// The `--by` value.
    pub customer: String,
    /// Its name from the customers file, or empty.
    pub name: String,
    /// The margin, millionths of a percent.
    pub margin: i128,
    /// The lines, sorted.
    pub lines: Vec<InvoiceLine>,
    /// The sum of the lines' totals.
    pub totals: Totals,
    /// The sum of the lines' rounded amounts, cents.
    pub amount_cents: u128,
    /// Unpriced requests per model, sorted: listed, never billed (a model
    /// with only unpriced usage is no line of its own).
    pub unpriced: Vec<(String, u128)>,
}

/// Every invoice of a month, and what nobody is billed for.
#[derive(Debug, Clone)]
pub struct Bill {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The `--by` dimension's name.
    pub by: &'static str,
    /// One per customer, sorted by customer.
    pub invoices: Vec<Invoice>,
    /// Usage without a customer: listed, never billed.
    pub unbilled: Totals,
    /// The run's report (no groups needed): totals and accounting.
    pub report: Report,
}

/// `cost * (1 + margin / 100)` in cents, rounded half-even once. `margin`
/// is in millionths of a percent, at least -100%.
pub fn amount_cents(cost: Money, margin: i128) -> u128 {
    const HUNDRED_PCT: i128 = 100_000_000;
    let factor = (HUNDRED_PCT + margin).max(0) as u128;
    // pico-dollars -> cents is 1e10; the margin factor is over 1e8.
    div_half_even(
        cost.0.saturating_mul(factor),
        10_000_000_000 * HUNDRED_PCT as u128,
    )
}

/// The invoices from a report grouped by `[by, model]`.
pub fn invoices(
    report: Report,
    month: &str,
    customers: &Customers,
    margin: Option<i128>,
    per_model: bool,
) -> Bill {
    let mut by_customer: FxHashMap<String, Vec<(String, Totals)>> = FxHashMap::default();
    let mut unbilled = Totals::default();
    for g in &report.groups {
        let model = g.values[1]
            .clone()
            .unwrap_or_else(|| UNATTRIBUTED.to_string());
        match &g.values[0] {
            None => unbilled.merge(&g.totals),
            Some(c) => by_customer
                .entry(c.clone())
                .or_default()
                .push((model, g.totals.clone())),
        }
    }
    let mut invoices: Vec<Invoice> = by_customer
        .into_iter()
        .map(|(customer, models)| {
            let (m, name) = match customers.rows.get(&customer) {
                Some((m, name)) => (m.or(margin).unwrap_or(0), name.clone()),
                None => (margin.unwrap_or(0), String::new()),
            };
            let mut unpriced: Vec<(String, u128)> = models
                .iter()
                .filter(|(_, t)| t.unpriced_requests > 0)
                .map(|(model, t)| (model.clone(), t.unpriced_requests))
                .collect();
            unpriced.sort();
            // A model whose every request is unpriced has nothing to bill:
            // it is listed above, and no line (nor part of the total line).
            let priced: Vec<&(String, Totals)> = models
                .iter()
                .filter(|(_, t)| t.unpriced_requests < t.requests || t.cost > Money::ZERO)
                .collect();
            let mut lines: Vec<InvoiceLine> = if per_model {
                priced
                    .iter()
                    .map(|(model, t)| InvoiceLine {
                        line: model.clone(),
                        totals: t.clone(),
                        amount_cents: amount_cents(t.cost, m),
                    })
                    .collect()
            } else if priced.is_empty() {
                Vec::new()
            } else {
                let mut total = Totals::default();
                for (_, t) in &priced {
                    total.merge(t);
                }
                vec![InvoiceLine {
                    line: "total".to_string(),
                    totals: total.clone(),
                    amount_cents: amount_cents(total.cost, m),
                }]
            };
            lines.sort_by(|a, b| a.line.cmp(&b.line));
            let mut totals = Totals::default();
            for l in &lines {
                totals.merge(&l.totals);
            }
            Invoice {
                customer,
                name,
                margin: m,
                amount_cents: lines.iter().map(|l| l.amount_cents).sum(),
                totals,
                lines,
                unpriced,
            }
        })
        .collect();
    invoices.sort_by(|a, b| a.customer.cmp(&b.customer));
    Bill {
        month: month.to_string(),
        by: report.dims[0].name(),
        invoices,
        unbilled,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USD: u128 = 1_000_000_000_000;

    #[test]
    fn a_margin_rounds_to_cents_half_even_once() {
        // $10 at 15% is $11.50.
        assert_eq!(amount_cents(Money(10 * USD), 15_000_000), 1150);
        // $0.125 at 0% is a half-cent tie: to even, 12 cents.
        assert_eq!(amount_cents(Money(USD / 8), 0), 12);
        // $0.375: 37.5 cents -> 38.
        assert_eq!(amount_cents(Money(3 * USD / 8), 0), 38);
        // $0.25 at 10% = $0.275: a tie, to even 28 cents.
        assert_eq!(amount_cents(Money(USD / 4), 10_000_000), 28);
        // $0.05 at 50% = $0.075 -> 8 cents; at -100% nothing.
        assert_eq!(amount_cents(Money(USD / 20), 50_000_000), 8);
        assert_eq!(amount_cents(Money(7 * USD), -100_000_000), 0);
    }
}
