//! `budget --format json`: `{"as_of", "budgets", "unpriced",
//! "accounting"}`. Money is a six-decimal string, `forecast_usd` null when
//! there is none, `share_pct` a number with two decimals (written from
//! integers, never through a float); `children_spent_usd` and
//! `children_forecast_usd` (the roll-up, appended last) null when the row
//! has no child of its period, the latter also when one has no forecast.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::figures::{Figures, View};
use crate::budget::period::format_instant;
use crate::render::json::{accounting, WireAccounting};
use crate::report::UNATTRIBUTED;

#[derive(Serialize)]
struct Wire<'a> {
    as_of: String,
    budgets: Vec<WireBudget>,
    unpriced: Vec<WireUnpriced<'a>>,
    accounting: WireAccounting<'a>,
}

#[derive(Serialize)]
struct WireBudget {
    scope: &'static str,
    value: Option<String>,
    period: &'static str,
    period_start: String,
    period_end: String,
    amount_usd: String,
    spent_usd: String,
    forecast_usd: Option<String>,
    remaining_usd: String,
    share_pct: Option<Box<RawValue>>,
    status: &'static str,
    parent: Option<String>,
    children_spent_usd: Option<String>,
    children_forecast_usd: Option<String>,
}

/// Unpriced usage inside a budget's period: its requests were counted,
/// their cost is not in `spent_usd`.
#[derive(Serialize)]
struct WireUnpriced<'a> {
    scope: &'static str,
    value: Option<&'a str>,
    period: &'static str,
    model: &'a str,
    requests: u128,
    tokens: u128,
}

pub(super) fn render(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let budgets = view
        .eval
        .lines
        .iter()
        .map(|l| {
            let f = Figures::of(l, view.tz_offset, 6);
            WireBudget {
                scope: f.scope,
                value: f.value,
                period: f.period,
                period_start: f.period_start,
                period_end: f.period_end,
                amount_usd: f.amount,
                spent_usd: f.spent,
                forecast_usd: f.forecast,
                remaining_usd: f.remaining,
                share_pct: f
                    .share
                    .map(|s| RawValue::from_string(s).expect("digits and a point")),
                status: f.status,
                parent: f.parent,
                children_spent_usd: f.children_spent,
                children_forecast_usd: f.children_forecast,
            }
        })
        .collect();
    let unpriced = view
        .eval
        .lines
        .iter()
        .flat_map(|l| {
            l.unpriced
                .iter()
                .map(move |(model, requests, tokens)| WireUnpriced {
                    scope: l.budget.scope.name(),
                    value: l.budget.value.as_deref(),
                    period: l.budget.period.name(),
                    model: model.as_deref().unwrap_or(UNATTRIBUTED),
                    requests: *requests,
                    tokens: *tokens,
                })
        })
        .collect();
    let wire = Wire {
        as_of: format_instant(view.eval.as_of, view.tz_offset),
        budgets,
        unpriced,
        accounting: accounting(view.report),
    };
    serde_json::to_writer_pretty(&mut *out, &wire)?;
    out.write_all(b"\n")
}
