//! Time: Unix timestamps in all the forms of docs/design.md, and calendar days
//! (civil dates, `YYYY-MM-DD` parsed and written).
//! Hand-written rather than chrono because a timestamp is read once per row
//! in the hot path and must not allocate.

/// Seconds since the Unix epoch, UTC.
pub type Timestamp = i64;

/// Parses a timestamp given as text: RFC 3339 with any offset, ISO without a
/// zone (UTC), `T` or space between date and time, a date alone (midnight
/// UTC), or epoch seconds / ms / µs / ns as digits (told apart by magnitude),
/// optionally with a fraction (float epoch seconds).
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    // Gateways write one form per log, nearly always one of two: tried
    // first without trimming or searching (the general path is a visible
    // share of reading JSONL). Each answers only what the general path
    // would, and leaves everything else to it.
    let b = text.as_bytes();
    match b.first() {
        Some(b'0'..=b'9') if b.len() <= 19 && b.iter().all(u8::is_ascii_digit) => {
            let v = b.iter().fold(0, |v, &d| v * 10 + u64::from(d - b'0'));
            epoch_from_int(v)
        }
        _ => rfc3339_utc(b).or_else(|| parse_timestamp_general(text)),
    }
}

/// `YYYY-MM-DDTHH:MM:SS` with an optional fraction, then `Z`: the form
/// most logs write. `None` for anything else, valid or not.
pub(crate) fn rfc3339_utc(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let shape = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if shape.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let digit = |i: usize| b[i].wrapping_sub(b'0');
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if digits.iter().any(|&i| digit(i) > 9) {
        return None;
    }
    match &b[19..b.len() - 1] {
        [] => {}
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {}
        _ => return None,
    }
    let num = |i: usize| u32::from(digit(i)) * 10 + u32::from(digit(i + 1));
    let (year, month, day) = (num(0) * 100 + num(2), num(5), num(8));
    let (hour, minute, second) = (num(11), num(14), num(17));
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year as i32, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year as i32, month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// [`parse_timestamp`] for every form.
fn parse_timestamp_general(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    let bytes = t.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    if bytes.len() >= 10 && bytes[4] == b'-' {
        return parse_iso(bytes);
    }
    parse_epoch_text(t)
}

/// Parses an epoch given as a JSON integer, by magnitude.
pub fn epoch_from_int(v: u64) -> Option<Timestamp> {
    let secs = if v < 100_000_000_000 {
        v
    } else if v < 100_000_000_000_000 {
        v / 1_000
    } else if v < 100_000_000_000_000_000 {
        v / 1_000_000
    } else {
        v / 1_000_000_000
    };
    i64::try_from(secs).ok()
}

/// Parses an epoch given as a JSON float (LiteLLM writes float seconds).
pub fn epoch_from_float(v: f64) -> Option<Timestamp> {
    if !v.is_finite() || !(0.0..1e20).contains(&v) {
        return None;
    }
    epoch_from_int(v.floor() as u64)
}

fn parse_epoch_text(t: &str) -> Option<Timestamp> {
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    if whole.is_empty() || whole.len() > 20 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    epoch_from_int(whole.parse().ok()?)
}

fn two(b: &[u8], at: usize) -> Option<u32> {
    let hi = *b.get(at)?;
    let lo = *b.get(at + 1)?;
    if hi.is_ascii_digit() && lo.is_ascii_digit() {
        Some(u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
    } else {
        None
    }
}

fn parse_iso(b: &[u8]) -> Option<Timestamp> {
    let year = two(b, 0)? * 100 + two(b, 2)?;
    if b[4] != b'-' || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = two(b, 5)?;
    let day = two(b, 8)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year as i32, month) {
        return None;
    }
    let days = days_from_civil(year as i32, month, day);
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if b[10] != b'T' && b[10] != b't' && b[10] != b' ' {
        return None;
    }
    let hour = two(b, 11)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = two(b, 14)?;
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = two(b, i + 1)?;
        i += 3;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = parse_offset(&b[i..])?;
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(local - offset)
}

/// Parses a zone designator into seconds east of UTC; no zone is UTC.
fn parse_offset(b: &[u8]) -> Option<i64> {
    let b = match b {
        [b' ', rest @ ..] => rest,
        _ => b,
    };
    match b {
        [] | [b'Z'] | [b'z'] | [b'U', b'T', b'C'] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let hours = two(rest, 0)?;
            let minutes = match rest.len() {
                2 => 0,
                4 => two(rest, 2)?,
                5 if rest[2] == b':' => two(rest, 3)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let secs = i64::from(hours * 3600 + minutes * 60);
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => None,
    }
}

/// Returns true if and only if `year` is a Gregorian leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (y, m, d) = (num(&text[..4])?, num(&text[5..7])?, num(&text[8..])?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y as i32, m) {
        return None;
    }
    Some(days_from_civil(y as i32, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_759_482_842; // 2025-10-03T09:14:02Z

    #[test]
    fn accepts_every_documented_timestamp_form() {
        for form in [
            "2025-10-03T09:14:02Z",
            "2025-10-03T09:14:02.118Z",
            "2025-10-03T09:14:02.874000Z",
            "2025-10-03T09:14:02.874000",
            "2025-10-03 09:14:02.874000",
            "2025-10-03 09:14:02",
            "2025-10-03t09:14:02z",
            "2025-10-03T11:14:02+02:00",
            "2025-10-03T11:14:02+0200",
            "2025-10-03T04:14:02-05:00",
            "2025-10-03T09:14:02,5Z",
            "2025-10-03 09:14:02 UTC",
            "1759482842",
            "1759482842.874",
            "1759482842874",
            "1759482842874000",
            "1759482842874000000",
        ] {
            assert_eq!(parse_timestamp(form), Some(T), "{form}");
        }
        assert_eq!(
            parse_timestamp("2025-10-03"),
            Some(T - (9 * 3600 + 14 * 60 + 2))
        );
        assert_eq!(parse_timestamp("2025-10-03T09:14Z"), Some(T - 2));
    }

    #[test]
    fn the_common_forms_read_as_the_general_path_reads_them() {
        let seeds = [
            "2025-10-03T09:14:02Z",
            "2025-10-03T09:14:02.118Z",
            "2024-02-29T23:59:60.5Z",
            "2025-12-31T00:00:00.000000Z",
            "1759482842",
            "1759482842874",
            "0000000001",
            "99999999999999999999",
        ];
        let bytes = [
            b'0', b'1', b'2', b'3', b'5', b'9', b':', b'-', b'.', b'T', b'Z', b' ', b'/', b'a',
            0xFF,
        ];
        let mut tried = 0;
        for seed in seeds {
            let mut forms = vec![seed.to_string(), format!(" {seed}")];
            for i in 0..=seed.len() {
                // Byte i dropped.
                forms.push(format!("{}{}", &seed[..i], seed.get(i + 1..).unwrap_or("")));
                forms.push(seed[..i].to_string());
                for &b in &bytes {
                    let mut v = seed.as_bytes().to_vec();
                    if i < v.len() {
                        v[i] = b;
                    } else {
                        v.push(b);
                    }
                    forms.push(String::from_utf8_lossy(&v).into_owned());
                }
            }
            for form in forms {
                assert_eq!(
                    parse_timestamp(&form),
                    parse_timestamp_general(&form),
                    "{form:?}"
                );
                tried += 1;
            }
        }
        assert!(tried > 1000);
    }

    #[test]
    fn offsets_move_records_across_month_ends() {
        // 23:30 at -02:00 on Oct 31 is already November in UTC.
        let t = parse_timestamp("2026-10-31T23:30:00-02:00").unwrap();
        assert_eq!(format_day(t.div_euclid(86_400)), "2026-11-01");
    }

    #[test]
    fn rejects_garbage_timestamps() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-02-30",
            "2025-10-03T25:00:00Z",
            "2025-10-03T09:14:02+25:00",
            "2025-10-03T09:14:02 PST",
            "2025/10/03",
            "-1759482842",
            "1759482842.",
            "1.7e9",
            "NaN",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn numeric_epochs_by_magnitude() {
        assert_eq!(epoch_from_int(1_759_482_842), Some(T));
        assert_eq!(epoch_from_int(1_759_482_842_000), Some(T));
        assert_eq!(epoch_from_float(1_759_482_842.874), Some(T));
        assert_eq!(epoch_from_float(-1.0), None);
        assert_eq!(epoch_from_float(f64::NAN), None);
    }

    #[test]
    fn calendar_round_trips() {
        for days in [-1_000_000, -1, 0, 1, 19_000, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(days_from_civil(2024, 2, 29)), "2024-02-29");
    }
}
