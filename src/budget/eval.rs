//! From a budget row's sums to its figures: spent, forecast, remaining,
//! share and status (docs/design.md, Budgets). Everything in integer
//! pico-dollars; the forecast's one division is rounded half-even.

use super::period::bounds;
use super::sink::{RowSums, WEEK_SECS};
use super::{Budget, Budgets};
use crate::money::{div_half_even, Money};
use crate::time::Timestamp;

/// The shortest run-rate window that gives a forecast.
pub const MIN_WINDOW_SECS: i64 = 86_400;

/// Where a budget stands, the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Spent more than the amount.
    Over,
    /// The forecast is above the amount.
    ForecastOver,
    /// Spent at least `warn_pct` of the amount.
    Warn,
    /// None of these.
    Ok,
}

impl Status {
    /// The name in every output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Over => "over",
            Status::ForecastOver => "forecast-over",
            Status::Warn => "warn",
            Status::Ok => "ok",
        }
    }
}

/// One evaluated budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The row of the file.
    pub budget: Budget,
    /// The parent's `scope:value` (with `:period` when the file needs it).
    pub parent: Option<String>,
    /// How deep under roots (0 for a row without a parent).
    pub depth: usize,
    /// The period's UTC bounds `[start, end)`.
    pub period: (Timestamp, Timestamp),
    /// Exact cost in `[start, T)`.
    pub spent: Money,
    /// The month-end (period-end) forecast; `None` when the run-rate
    /// window is shorter than a day.
    pub forecast: Option<Money>,
    /// `amount - spent`, pico-dollars, negative when over.
    pub remaining: i128,
    /// `spent / amount` in hundredths of a percent, half-even; `None` for
    /// an amount of zero.
    pub share_bp: Option<u128>,
    /// The status.
    pub status: Status,
    /// Unpriced usage in the period: model, requests, tokens, sorted.
    pub unpriced: Vec<(Option<String>, u128, u128)>,
    /// The roll-up: the sum of the spent of its direct children of the
    /// same period; `None` when it has none (docs/design.md, Budgets).
    pub children_spent: Option<Money>,
    /// The sum of those children's forecasts; `None` without such
    /// children or when one of them has no forecast.
    pub children_forecast: Option<Money>,
}

/// The evaluation of every row, in display order (each parent followed
/// by its children, in file order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// T.
    pub as_of: Timestamp,
    /// The run-rate window `[start, T)`, `None` when no record was read.
    pub window: Option<(Timestamp, Timestamp)>,
    /// The rows.
    pub lines: Vec<Line>,
}

impl Evaluation {
    /// Returns true if and only if a row is over.
    pub fn any_over(&self) -> bool {
        self.lines.iter().any(|l| l.status == Status::Over)
    }

    /// Returns true if and only if a row is over or forecast to be.
    pub fn any_forecast_over(&self) -> bool {
        self.lines
            .iter()
            .any(|l| matches!(l.status, Status::Over | Status::ForecastOver))
    }
}

/// The status of the definition: over, forecast-over, warn, ok.
pub fn status(
    amount: Money,
    spent: Money,
    forecast: Option<Money>,
    warn_milli_pct: u128,
) -> Status {
    if spent > amount {
        Status::Over
    } else if forecast.is_some_and(|f| f > amount) {
        Status::ForecastOver
    } else if spent.0 * 100_000 >= warn_milli_pct * amount.0 {
        Status::Warn
    } else {
        Status::Ok
    }
}

/// `spent + window_cost * (end - T) / len(W)`, the division half-even;
/// `None` when W is shorter than a day.
pub fn forecast(spent: Money, window_cost: Money, window_len: i64, to_end: i64) -> Option<Money> {
    if window_len < MIN_WINDOW_SECS {
        return None;
    }
    let projected = div_half_even(window_cost.0 * to_end.max(0) as u128, window_len as u128);
    Some(spent + Money(projected))
}

/// Evaluates every row of `budgets` as of `as_of`, from the run's sums and
/// the earliest timestamp read (`None` when nothing was read).
pub fn evaluate(
    budgets: &Budgets,
    sums: &[RowSums],
    earliest: Option<Timestamp>,
    as_of: Timestamp,
    tz_offset: i64,
) -> Evaluation {
    let window_start = earliest.map(|e| e.max(as_of - WEEK_SECS));
    let rows = &budgets.rows;
    // No record is earlier than E: the records since T - 7 days are those
    // of W.
    let forecasts: Vec<Option<Money>> = rows
        .iter()
        .zip(sums)
        .map(|(b, s)| {
            let end = bounds(b.period, as_of, tz_offset).1;
            window_start.and_then(|w0| forecast(s.spent, s.last_week, as_of - w0, end - as_of))
        })
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    for i in display_order(budgets) {
        let b = &rows[i];
        let s = &sums[i];
        let period = bounds(b.period, as_of, tz_offset);
        let forecast = forecasts[i];
        let (children_spent, children_forecast) = roll_up(budgets, sums, &forecasts, i);
        let mut depth = 0;
        let mut at = b.parent;
        while let Some(p) = at {
            depth += 1;
            at = rows[p].parent;
        }
        let parent = b.parent.map(|p| {
            let key = rows[p].key();
            let periods = rows.iter().filter(|r| r.key() == key).count();
            if periods > 1 {
                format!("{key}:{}", rows[p].period.name())
            } else {
                key
            }
        });
        let mut unpriced: Vec<_> = s
            .unpriced
            .iter()
            .map(|(m, &(r, t))| (m.clone(), r, t))
            .collect();
        unpriced.sort();
        lines.push(Line {
            budget: b.clone(),
            parent,
            depth,
            period,
            spent: s.spent,
            forecast,
            remaining: b.amount.0 as i128 - s.spent.0 as i128,
            share_bp: (b.amount.0 > 0).then(|| div_half_even(s.spent.0 * 10_000, b.amount.0)),
            status: status(b.amount, s.spent, forecast, b.warn_milli_pct),
            unpriced,
            children_spent,
            children_forecast,
        });
    }
    Evaluation {
        as_of,
        window: window_start.map(|w| (w, as_of)),
        lines,
    }
}

/// Row `i`'s roll-up: the sums of the spent and of the forecasts of its
/// direct children whose period is its own (the same `[period_start, T)`,
/// so the figures add up). Not the whole subtree: a child's own records
/// already include its children's when the scopes nest (a project within
/// its team), so adding grandchildren would count them twice. The
/// forecast sum is `None` when a summed child has none.
fn roll_up(
    budgets: &Budgets,
    sums: &[RowSums],
    forecasts: &[Option<Money>],
    i: usize,
) -> (Option<Money>, Option<Money>) {
    let rows = &budgets.rows;
    let children: Vec<usize> = (0..rows.len())
        .filter(|&c| rows[c].parent == Some(i) && rows[c].period == rows[i].period)
        .collect();
    if children.is_empty() {
        return (None, None);
    }
    let spent = children
        .iter()
        .fold(Money(0), |acc, &c| acc + sums[c].spent);
    let forecast = children
        .iter()
        .try_fold(Money(0), |acc, &c| forecasts[c].map(|f| acc + f));
    (Some(spent), forecast)
}

/// Rows without a parent in file order, each followed by its children
/// (depth first, file order).
fn display_order(budgets: &Budgets) -> Vec<usize> {
    fn visit(rows: &[Budget], i: usize, out: &mut Vec<usize>) {
        out.push(i);
        for c in 0..rows.len() {
            if rows[c].parent == Some(i) {
                visit(rows, c, out);
            }
        }
    }
    let mut out = Vec::new();
    for i in 0..budgets.rows.len() {
        if budgets.rows[i].parent.is_none() {
            visit(&budgets.rows, i, &mut out);
        }
    }
    out
}

/// A percentage in hundredths as text with two decimals: `83.33`.
pub fn share_text(bp: u128) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USD: u128 = 1_000_000_000_000;

    #[test]
    fn status_is_the_first_that_applies() {
        let amount = Money(100 * USD);
        let warn = 80_000;
        assert_eq!(status(amount, Money(101 * USD), None, warn), Status::Over);
        assert_eq!(
            status(amount, Money(100 * USD), Some(Money(200 * USD)), warn),
            Status::ForecastOver
        );
        assert_eq!(status(amount, Money(100 * USD), None, warn), Status::Warn);
        assert_eq!(
            status(amount, Money(80 * USD), Some(Money(100 * USD)), warn),
            Status::Warn
        );
        assert_eq!(status(amount, Money(80 * USD - 1), None, warn), Status::Ok);
        assert_eq!(status(Money(0), Money(0), None, warn), Status::Warn);
    }

    #[test]
    fn the_forecast_divides_once_half_even() {
        // 7 days of $7 -> $1/day; 10 days left: + $10.
        let f = forecast(Money(3 * USD), Money(7 * USD), WEEK_SECS, 10 * 86_400);
        assert_eq!(f, Some(Money(13 * USD)));
        // A tie: 1 pico over 2 seconds for 1 second is half a pico: to even (0).
        assert_eq!(
            forecast(Money(0), Money(1), 2 * 86_400, 86_400),
            Some(Money(0))
        );
        assert_eq!(
            forecast(Money(0), Money(3), 2 * 86_400, 86_400),
            Some(Money(2))
        );
        assert_eq!(forecast(Money(5), Money(7), 86_399, 10), None);
    }
}
