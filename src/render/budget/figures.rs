//! What every budget format shows: the view a renderer reads, a line's
//! figures as text, and the CSV and JSON columns.

use crate::budget::eval::{share_text, Evaluation, Line};
use crate::budget::period::format_instant;
use crate::money::signed_usd;
use crate::report::Report;

/// What a budget renderer reads.
pub struct View<'a> {
    /// The evaluated budgets.
    pub eval: &'a Evaluation,
    /// The run's report: totals and accounting.
    pub report: &'a Report,
    /// `--tz`, seconds east of UTC, for the instants shown.
    pub tz_offset: i64,
}

/// The figures of a line as text, shared by every format.
pub(super) struct Figures {
    pub(super) scope: &'static str,
    pub(super) value: Option<String>,
    pub(super) period: &'static str,
    pub(super) period_start: String,
    pub(super) period_end: String,
    pub(super) amount: String,
    pub(super) spent: String,
    pub(super) forecast: Option<String>,
    pub(super) remaining: String,
    pub(super) share: Option<String>,
    pub(super) status: &'static str,
    pub(super) parent: Option<String>,
    pub(super) children_spent: Option<String>,
    pub(super) children_forecast: Option<String>,
}

impl Figures {
    pub(super) fn of(l: &Line, tz_offset: i64, decimals: u32) -> Figures {
        let b = &l.budget;
        Figures {
            scope: b.scope.name(),
            value: b.value.clone(),
            period: b.period.name(),
            period_start: format_instant(l.period.0, tz_offset),
            period_end: format_instant(l.period.1, tz_offset),
            amount: b.amount.to_usd_string(decimals),
            spent: l.spent.to_usd_string(decimals),
            forecast: l.forecast.map(|f| f.to_usd_string(decimals)),
            remaining: signed_usd(l.remaining, decimals),
            share: l.share_bp.map(share_text),
            status: l.status.name(),
            parent: l.parent.clone(),
            children_spent: l.children_spent.map(|m| m.to_usd_string(decimals)),
            children_forecast: l.children_forecast.map(|m| m.to_usd_string(decimals)),
        }
    }
}

/// The CSV and JSON columns, in order; the roll-up's two were appended
/// after the twelve (a compatible change).
pub const COLUMNS: [&str; 14] = [
    "scope",
    "value",
    "period",
    "period_start",
    "period_end",
    "amount_usd",
    "spent_usd",
    "forecast_usd",
    "remaining_usd",
    "share_pct",
    "status",
    "parent",
    "children_spent_usd",
    "children_forecast_usd",
];
