//! Filters: the time window (`--since`, `--until`, `--month`; instants,
//! half-open) and `--where dim=value` / `dim!=value`.

use std::fmt;

use crate::dimension::Dimension;
use crate::record::Timestamp;
use crate::report::UNATTRIBUTED;
use crate::time;

/// A half-open UTC window `[since, until)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// First second inside, inclusive.
    pub since: Option<Timestamp>,
    /// First second outside, exclusive.
    pub until: Option<Timestamp>,
}

impl Window {
    /// Returns true if and only if `t` is inside the window.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// The window of a month `YYYY-MM`.
    pub fn month(text: &str) -> Option<Window> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        if !(1..=12).contains(&m) {
            return None;
        }
        let start = time::days_from_civil(y, m, 1);
        let end = if m == 12 {
            time::days_from_civil(y + 1, 1, 1)
        } else {
            time::days_from_civil(y, m + 1, 1)
        };
        Some(Window {
            since: Some(start * 86_400),
            until: Some(end * 86_400),
        })
    }

    /// Intersects two windows.
    pub fn and(self, o: Window) -> Window {
        let max = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let min = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Window {
            since: max(self.since, o.since),
            until: min(self.until, o.until),
        }
    }
}

/// Parses a `--since`/`--until` bound: a date (midnight UTC) or a timestamp.
pub fn parse_bound(text: &str) -> Option<Timestamp> {
    time::parse_timestamp(text)
}

/// One `--where` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    /// The dimension tested.
    pub dim: Dimension,
    /// The value; `None` matches a missing value (written empty or
    /// `(unattributed)`).
    pub value: Option<String>,
    /// For time dimensions, the period number of `value`.
    pub period: Option<i64>,
    /// `!=` rather than `=`.
    pub negate: bool,
}

/// Why a `--where` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhereError(pub String);

impl fmt::Display for WhereError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WhereError {}

impl fmt::Display for Where {
    /// The condition as `--where` takes it: `dim=value` or `dim!=value`,
    /// a missing value written empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.negate { "!=" } else { "=" };
        write!(f, "{}{op}{}", self.dim, self.value.as_deref().unwrap_or(""))
    }
}

impl std::str::FromStr for Where {
    type Err = WhereError;

    fn from_str(text: &str) -> Result<Where, WhereError> {
        let (dim, value, negate) = if let Some((d, v)) = text.split_once("!=") {
            (d, v, true)
        } else if let Some((d, v)) = text.split_once('=') {
            (d, v, false)
        } else {
            return Err(WhereError(format!(
                "`{text}` is not DIM=VALUE or DIM!=VALUE"
            )));
        };
        let dim = Dimension::from_name(dim.trim()).ok_or_else(|| {
            WhereError(format!(
                "unknown dimension `{}`; dimensions are {}",
                dim.trim(),
                Dimension::ALL.map(|d| d.name()).join(", ")
            ))
        })?;
        if dim == Dimension::RateModel {
            return Err(WhereError(
                "rate_model is known only once a record is priced, after --where; filter on model or model_family".into(),
            ));
        }
        let value = value.trim();
        let value = (!value.is_empty() && value != UNATTRIBUTED).then(|| value.to_string());
        let period = match (&value, dim.is_time()) {
            (Some(v), true) => Some(time_period(dim, v).ok_or_else(|| {
                WhereError(format!(
                    "`{v}` is not a {} (YYYY-MM-DD, YYYY-Www or YYYY-MM)",
                    dim.name()
                ))
            })?),
            _ => None,
        };
        Ok(Where {
            dim,
            value,
            period,
            negate,
        })
    }
}

fn time_period(dim: Dimension, v: &str) -> Option<i64> {
    match dim {
        Dimension::Day => crate::time::parse_date(v),
        Dimension::Month => {
            let w = Window::month(v)?;
            Some(dim.period(w.since? / 86_400))
        }
        Dimension::Week => {
            let (y, w) = v.split_once("-W")?;
            let (y, w): (i32, i64) = (y.parse().ok()?, w.parse().ok()?);
            // The Monday of ISO week 1 is the Monday on or before Jan 4.
            let jan4 = time::days_from_civil(y, 1, 4);
            let monday1 = Dimension::Week.period(jan4);
            (1..=53).contains(&w).then_some(monday1 + (w - 1) * 7)
        }
        _ => None,
    }
}

impl Where {
    /// Returns true if and only if a record passes, given its text value or
    /// period number for this dimension.
    pub fn passes(&self, text: Option<&str>, period: Option<i64>) -> bool {
        let equal = if self.dim.is_time() {
            self.period == period
        } else {
            self.value.as_deref() == text
        };
        equal != self.negate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_windows_are_half_open() {
        let w = Window::month("2026-10").unwrap();
        assert!(w.contains(time::parse_timestamp("2026-10-01T00:00:00Z").unwrap()));
        assert!(w.contains(time::parse_timestamp("2026-10-31T23:59:59Z").unwrap()));
        assert!(!w.contains(time::parse_timestamp("2026-11-01T00:00:00Z").unwrap()));
        assert!(!w.contains(time::parse_timestamp("2026-10-31T23:30:00-02:00").unwrap()));
        assert!(Window::month("2026-13").is_none());
        assert!(Window::month("2026-1").is_none());
        let dec = Window::month("2026-12").unwrap();
        assert_eq!(dec.until, Some(time::days_from_civil(2027, 1, 1) * 86_400));
    }

    #[test]
    fn where_parses_equal_not_equal_and_missing() {
        let w: Where = "team=search".parse().unwrap();
        assert!(w.passes(Some("search"), None) && !w.passes(Some("x"), None));
        let w: Where = "cost_center!=".parse().unwrap();
        assert!(w.passes(Some("CC-1"), None) && !w.passes(None, None));
        let w: Where = "team=(unattributed)".parse().unwrap();
        assert!(w.passes(None, None));
        let w: Where = "day=2026-10-03".parse().unwrap();
        assert!(w.passes(None, crate::time::parse_date("2026-10-03")));
        let w: Where = "week=2026-W40".parse().unwrap();
        let sat = time::days_from_civil(2026, 10, 3);
        assert!(w.passes(None, Some(Dimension::Week.period(sat))));
        assert!("colour=red"
            .parse::<Where>()
            .unwrap_err()
            .0
            .contains("unknown dimension"));
        assert!("team".parse::<Where>().is_err());
        assert!("day=yesterday".parse::<Where>().is_err());
    }
}
