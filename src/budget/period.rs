//! Where a budget's period starts and ends, in `--tz`, and the instants of
//! the outputs as RFC 3339 in that offset. A period is the day, ISO week
//! (from Monday) or calendar month containing the as-of time.

use super::Period;
use crate::time::{self, civil_from_days, days_from_civil, Timestamp};

/// The UTC bounds `[start, end)` of the period containing `t`, with the
/// calendar read `tz_offset` seconds east of UTC.
pub fn bounds(period: Period, t: Timestamp, tz_offset: i64) -> (Timestamp, Timestamp) {
    let day = (t + tz_offset).div_euclid(86_400);
    let (first, next) = match period {
        Period::Day => (day, day + 1),
        Period::Week => {
            let monday = day - (day + 3).rem_euclid(7);
            (monday, monday + 7)
        }
        Period::Month => {
            let (y, m, _) = civil_from_days(day);
            let next = if m == 12 {
                days_from_civil(y + 1, 1, 1)
            } else {
                days_from_civil(y, m + 1, 1)
            };
            (days_from_civil(y, m, 1), next)
        }
    };
    (first * 86_400 - tz_offset, next * 86_400 - tz_offset)
}

/// Parses `--as-of`: an RFC 3339 timestamp, or a date meaning its 00:00 in
/// `--tz`.
pub fn parse_as_of(text: &str, tz_offset: i64) -> Option<Timestamp> {
    let text = text.trim();
    match time::parse_date(text) {
        Some(day) => Some(day * 86_400 - tz_offset),
        None if text.len() >= 19 => time::parse_timestamp(text),
        None => None,
    }
}

/// `t` as RFC 3339 in the offset: `2026-10-01T00:00:00+02:00`, `Z` for UTC.
pub fn format_instant(t: Timestamp, tz_offset: i64) -> String {
    let local = t + tz_offset;
    let day = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let zone = if tz_offset == 0 {
        "Z".to_string()
    } else {
        let sign = if tz_offset < 0 { '-' } else { '+' };
        let m = tz_offset.abs() / 60;
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    };
    format!(
        "{}T{:02}:{:02}:{:02}{zone}",
        time::format_day(day),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        time::parse_timestamp(text).unwrap()
    }

    #[test]
    fn periods_contain_the_as_of_time() {
        let t = at("2026-10-20T15:30:00Z");
        assert_eq!(
            bounds(Period::Day, t, 0),
            (at("2026-10-20T00:00:00Z"), at("2026-10-21T00:00:00Z"))
        );
        // 2026-10-20 is a Tuesday.
        assert_eq!(
            bounds(Period::Week, t, 0),
            (at("2026-10-19T00:00:00Z"), at("2026-10-26T00:00:00Z"))
        );
        assert_eq!(
            bounds(Period::Month, t, 0),
            (at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z"))
        );
        let dec = at("2026-12-31T23:00:00Z");
        assert_eq!(bounds(Period::Month, dec, 0).1, at("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn the_time_zone_moves_the_boundary() {
        // 23:30 UTC on Oct 31 is Nov 1 at 01:30 in +02:00.
        let t = at("2026-10-31T23:30:00Z");
        assert_eq!(
            bounds(Period::Month, t, 7200),
            (at("2026-10-31T22:00:00Z"), at("2026-11-30T22:00:00Z"))
        );
        assert_eq!(bounds(Period::Month, t, 0).0, at("2026-10-01T00:00:00Z"));
        assert_eq!(
            format_instant(at("2026-10-31T22:00:00Z"), 7200),
            "2026-11-01T00:00:00+02:00"
        );
        assert_eq!(
            format_instant(at("2026-10-31T22:00:05Z"), -19800),
            "2026-10-31T16:30:05-05:30"
        );
        assert_eq!(format_instant(0, 0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn a_week_crosses_a_month_end() {
        // Friday 2026-10-30 -> Monday 2026-10-26 to Monday 2026-11-02.
        let t = at("2026-10-30T12:00:00Z");
        assert_eq!(
            bounds(Period::Week, t, 0),
            (at("2026-10-26T00:00:00Z"), at("2026-11-02T00:00:00Z"))
        );
    }

    #[test]
    fn as_of_is_a_timestamp_or_a_local_midnight() {
        assert_eq!(
            parse_as_of("2026-10-20", 7200),
            Some(at("2026-10-19T22:00:00Z"))
        );
        assert_eq!(
            parse_as_of("2026-10-20T10:00:00+02:00", 0),
            Some(at("2026-10-20T08:00:00Z"))
        );
        assert_eq!(parse_as_of("yesterday", 0), None);
        assert_eq!(parse_as_of("12345", 0), None);
    }
}
