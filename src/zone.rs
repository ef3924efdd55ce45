//! `--tz` and the dates people type: a time zone (UTC, a fixed offset, or
//! a named IANA zone with its daylight-saving rules, from chrono-tz), the
//! local day of an instant, the first instant of a local day, and the
//! window of `--month last|this|YYYY-MM` and of `--since`/`--until`
//! (`YYYY-MM-DD`, `YYYY-MM`, a timestamp, `today`, `yesterday`, `30d`),
//! all taken in the zone (docs/design.md, "Time zones and windows").

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

use crate::filter::Window;
use crate::record::Timestamp;
use crate::time;

/// A time zone for days, weeks, months and the dates of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// UTC or a fixed offset, seconds east of UTC.
    Fixed(i64),
    /// A named zone (`Europe/Berlin`): its offset changes with DST.
    Named(Tz),
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::Fixed(0)
    }
}

/// The accepted forms of `--since` and `--until`, for error messages.
pub const WHEN_FORMS: &str = "YYYY-MM-DD, YYYY-MM, an RFC 3339 timestamp (2026-10-01T09:00:00Z), today, yesterday, or Nd for N days before today (7d, 30d)";

impl Zone {
    /// Parses `--tz`: `UTC`, `Z`, a fixed offset `+HH:MM` / `-HHMM`, or an
    /// IANA name (`Europe/Berlin`, `America/New_York`).
    pub fn parse(text: &str) -> Option<Zone> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Some(Zone::Fixed(0));
        }
        if let Some(sign) = match t.as_bytes().first()? {
            b'+' => Some(1),
            b'-' => Some(-1),
            _ => None,
        } {
            let digits: String = t[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (h, m): (i64, i64) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
            return (h <= 14 && m < 60).then_some(Zone::Fixed(sign * (h * 3600 + m * 60)));
        }
        t.parse::<Tz>().ok().map(Zone::Named)
    }

    /// The fixed offset, `None` for a named zone.
    pub fn fixed(self) -> Option<i64> {
        match self {
            Zone::Fixed(o) => Some(o),
            Zone::Named(_) => None,
        }
    }

    /// Seconds east of UTC at instant `t`.
    pub fn offset_at(self, t: Timestamp) -> i64 {
        match self {
            Zone::Fixed(o) => o,
            Zone::Named(tz) => match chrono::DateTime::from_timestamp(t, 0) {
                Some(utc) => i64::from(
                    tz.offset_from_utc_datetime(&utc.naive_utc())
                        .fix()
                        .local_minus_utc(),
                ),
                None => 0,
            },
        }
    }

    /// The local day of instant `t`, days since 1970-01-01.
    #[inline]
    pub fn local_day(self, t: Timestamp) -> i64 {
        (t + self.offset_at(t)).div_euclid(86_400)
    }

    /// The first instant of local day `day` (after a DST gap at midnight,
    /// the first instant that exists).
    pub fn start_of_day(self, day: i64) -> Timestamp {
        if let Zone::Fixed(o) = self {
            return day * 86_400 - o;
        }
        // Offsets are within ±26 hours; the local day only moves forward
        // in that range, so the first instant of `day` is found by halving.
        let (mut lo, mut hi) = (day * 86_400 - 26 * 3600, day * 86_400 + 26 * 3600);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.local_day(mid) >= day {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// The first instant of month `m` (1-12) of `year`.
    pub fn start_of_month(self, year: i32, m: u32) -> Timestamp {
        self.start_of_day(time::days_from_civil(year, m, 1))
    }
}

/// Now, or `LLMSPEND_NOW` (an RFC 3339 timestamp) when set, so tests of
/// `today`, `30d` and `--month last` do not depend on the clock.
pub fn now() -> Timestamp {
    std::env::var("LLMSPEND_NOW")
        .ok()
        .and_then(|t| time::parse_timestamp(&t))
        .unwrap_or_else(|| chrono::Utc::now().timestamp())
}

/// Parses `YYYY-MM` into (year, month); `Err` says why not.
fn year_month(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("`{text}` is not YYYY-MM, `last` or `this`");
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) {
        return Err(format!("`{text}`: month {m} is out of range (01 to 12)"));
    }
    Ok((y, m))
}

/// The month `--month` names (`last`, `this` or `YYYY-MM`), as (year,
/// month), `this` being the month of `now` in `zone`.
pub fn month_of(text: &str, zone: Zone, now: Timestamp) -> Result<(i32, u32), String> {
    let t = text.trim();
    let (y, m, _) = time::civil_from_days(zone.local_day(now));
    match t {
        "this" => Ok((y, m)),
        "last" if m == 1 => Ok((y - 1, 12)),
        "last" => Ok((y, m - 1)),
        _ => year_month(t),
    }
}

/// The window of a month in `zone`: from its first local midnight to the
/// next month's.
pub fn month_window(year: i32, m: u32, zone: Zone) -> Window {
    let (ny, nm) = if m == 12 {
        (year + 1, 1)
    } else {
        (year, m + 1)
    };
    Window {
        since: Some(zone.start_of_month(year, m)),
        until: Some(zone.start_of_month(ny, nm)),
    }
}

/// Parses a `--since`/`--until` bound: a date or `YYYY-MM` (its first
/// instant in `zone`), `today`, `yesterday`, `Nd` (the start of the day N
/// days before today in `zone`), or a timestamp (an instant; without an
/// offset, UTC). `Err` lists the accepted forms.
pub fn parse_when(text: &str, zone: Zone, now: Timestamp) -> Result<Timestamp, String> {
    let t = text.trim();
    let today = zone.local_day(now);
    let days_ago = match t {
        "today" => Some(0),
        "yesterday" => Some(1),
        _ => t
            .strip_suffix('d')
            .filter(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<i64>().ok()),
    };
    if let Some(n) = days_ago {
        return Ok(zone.start_of_day(today - n));
    }
    if let Some(day) = time::parse_date(t) {
        return Ok(zone.start_of_day(day));
    }
    if t.len() == 7 && t.as_bytes()[4] == b'-' {
        return match year_month(t) {
            Ok((y, m)) => Ok(zone.start_of_month(y, m)),
            Err(e) => Err(e.replace(", `last` or `this`", "")),
        };
    }
    time::parse_timestamp(t).ok_or_else(|| format!("`{t}` is not a date or time; use {WHEN_FORMS}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Zone {
        Zone::parse("Europe/Berlin").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        time::parse_timestamp(text).unwrap()
    }

    #[test]
    fn zones_are_utc_offsets_or_names() {
        assert_eq!(Zone::parse("UTC"), Some(Zone::Fixed(0)));
        assert_eq!(Zone::parse("-05:00"), Some(Zone::Fixed(-18_000)));
        assert_eq!(Zone::parse("+0530"), Some(Zone::Fixed(19_800)));
        assert!(matches!(
            Zone::parse("America/New_York"),
            Some(Zone::Named(_))
        ));
        assert_eq!(Zone::parse("Europe/Atlantis"), None);
        assert_eq!(Zone::parse("+2"), None);
    }

    #[test]
    fn berlin_days_around_the_end_of_dst_2026() {
        // DST ends Sunday 2026-10-25 at 03:00 CEST (01:00 UTC): Saturday
        // starts at 22:00 UTC of Friday (+02:00), Sunday at 22:00 UTC of
        // Saturday (+02:00), Monday at 23:00 UTC of Sunday (+01:00): the
        // Sunday is 25 hours long.
        let z = berlin();
        let day = |y, m, d| time::days_from_civil(y, m, d);
        assert_eq!(
            z.start_of_day(day(2026, 10, 24)),
            at("2026-10-23T22:00:00Z")
        );
        assert_eq!(
            z.start_of_day(day(2026, 10, 25)),
            at("2026-10-24T22:00:00Z")
        );
        assert_eq!(
            z.start_of_day(day(2026, 10, 26)),
            at("2026-10-25T23:00:00Z")
        );
        assert_eq!(z.local_day(at("2026-10-25T22:30:00Z")), day(2026, 10, 25));
        assert_eq!(z.local_day(at("2026-10-25T23:00:00Z")), day(2026, 10, 26));
        // And the start of DST, 2026-03-29: a 23-hour Sunday.
        assert_eq!(z.start_of_day(day(2026, 3, 30)), at("2026-03-29T22:00:00Z"));
    }

    #[test]
    fn months_and_relative_dates_are_taken_in_the_zone() {
        let now = at("2026-11-15T12:00:00Z");
        let z = Zone::Fixed(7200);
        assert_eq!(month_of("last", z, now), Ok((2026, 10)));
        assert_eq!(month_of("this", z, now), Ok((2026, 11)));
        assert_eq!(
            month_of("last", z, at("2027-01-01T00:30:00Z")),
            Ok((2026, 12))
        );
        assert!(month_of("2026-13", z, now)
            .unwrap_err()
            .contains("out of range"));
        let w = month_window(2026, 10, z);
        assert_eq!(w.since, Some(at("2026-09-30T22:00:00Z")));
        assert_eq!(w.until, Some(at("2026-10-31T22:00:00Z")));
        assert_eq!(parse_when("today", z, now), Ok(at("2026-11-14T22:00:00Z")));
        assert_eq!(
            parse_when("yesterday", z, now),
            Ok(at("2026-11-13T22:00:00Z"))
        );
        assert_eq!(parse_when("30d", z, now), Ok(at("2026-10-15T22:00:00Z")));
        assert_eq!(
            parse_when("2026-10", z, now),
            Ok(at("2026-09-30T22:00:00Z"))
        );
        assert_eq!(
            parse_when("2026-10-02", z, now),
            Ok(at("2026-10-01T22:00:00Z"))
        );
        assert_eq!(
            parse_when("2026-10-02T05:00:00Z", z, now),
            Ok(at("2026-10-02T05:00:00Z"))
        );
        let e = parse_when("last week", z, now).unwrap_err();
        assert!(e.contains("30d") && e.contains("YYYY-MM"), "{e}");
        assert!(parse_when("2026-00", z, now)
            .unwrap_err()
            .contains("out of range"));
    }
}
