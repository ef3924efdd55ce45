//! A memo of the days of `YYYY-MM-DD` dates, for timestamps of the form
//! most logs write (`YYYY-MM-DDTHH:MM:SS[.f]Z`): a log of a month has 31
//! dates, and each is checked and turned into days once per worker
//! instead of on every line (docs/internals.md, typed templates).
//!
//! Exactness: [`DayMemo::parse`] answers only for a string whose first
//! ten bytes are those of a string read by [`time::rfc3339_utc`] (the
//! reader [`time::parse_timestamp`] tries first for a string of 20 bytes
//! or more), checks the rest of the string as that reader does, and so
//! gives the same value; anything else goes to `parse_timestamp`. A test compares the two on generated and damaged
//! strings.

use crate::record::Timestamp;
use crate::time;

/// Slots, by the two digits of the date's day of month.
const SLOTS: usize = 64;

/// Dates already read, with their days since the epoch.
#[derive(Debug)]
pub struct DayMemo {
    /// The first ten bytes of a string read in the form, and its days.
    slots: [Option<([u8; 10], i64)>; SLOTS],
}

impl Default for DayMemo {
    fn default() -> Self {
        DayMemo {
            slots: [None; SLOTS],
        }
    }
}

impl DayMemo {
    /// What [`time::parse_timestamp`] gives for `text`.
    #[inline]
    pub fn parse(&mut self, text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        let Some(date) = b.get(..10) else {
            return time::parse_timestamp(text);
        };
        let slot = usize::from((date[8] & 3) << 4 | (date[9] & 0xF));
        if let Some((known, days)) = self.slots[slot] {
            if known == date {
                if let Some(secs) = time_of_day(b) {
                    return Some(days * 86_400 + secs);
                }
            }
        }
        // Remember the date only of a string that reader reads (its checks
        // of the date are what a later answer of the memo relies on).
        let Some(parsed) = time::rfc3339_utc(b) else {
            return time::parse_timestamp(text);
        };
        if let Some(secs) = time_of_day(b) {
            let mut key = [0u8; 10];
            key.copy_from_slice(date);
            self.slots[slot] = Some((key, (parsed - secs).div_euclid(86_400)));
        }
        Some(parsed)
    }
}

/// For a string in the form `YYYY-MM-DDTHH:MM:SS[.f]Z` (its first ten
/// bytes not checked here), the seconds of its time of day, checked as
/// `time`'s reader of that form checks them; `None` for anything else.
#[inline]
fn time_of_day(b: &[u8]) -> Option<i64> {
    if b.len() < 20 || b[b.len() - 1] != b'Z' || b[10] != b'T' {
        return None;
    }
    // `HH:MM:SS` as one word: after the XOR with `00:00:00` a digit is
    // its value (0 to 9; no other byte gives one) and a colon is 0.
    let mut word = [0u8; 8];
    word.copy_from_slice(&b[11..19]);
    let t = u64::from_le_bytes(word) ^ u64::from_le_bytes(*b"00:00:00");
    let over_9 = ((t & 0x7F7F_7F7F_7F7F_7F7F).wrapping_add(0x7676_7676_7676_7676) | t)
        & 0x8080_8080_8080_8080;
    if over_9 != 0 || t & 0x0000_FF00_00FF_0000 != 0 {
        return None;
    }
    match &b[19..b.len() - 1] {
        [] => {}
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {}
        _ => return None,
    }
    let num = |i: u32| ((t >> (8 * i)) & 0xFF) as i64 * 10 + ((t >> (8 * i + 8)) & 0xFF) as i64;
    let (hour, minute, second) = (num(0), num(3), num(6));
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::testing::xorshift;

    /// Generated and damaged timestamps read through one memo, in a
    /// random order: each as `parse_timestamp` reads it.
    #[test]
    fn the_memo_reads_as_parse_timestamp_reads() {
        let mut next = xorshift(0xda7e_0018);
        let mut memo = DayMemo::default();
        let alphabet = b"0123456789-T:.Z +x";
        for i in 0..200_000u64 {
            let mut s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
                [2024, 2026, 1970, 9999][(next() % 4) as usize],
                1 + next() % 13,
                next() % 33,
                next() % 25,
                next() % 61,
                next() % 62,
                ["", ".358", ".", ".1x"][(next() % 4) as usize],
            )
            .into_bytes();
            if i % 3 == 0 {
                let at = (next() % s.len() as u64) as usize;
                s[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            if i % 11 == 0 {
                s.truncate((next() % s.len() as u64) as usize);
            }
            let s = String::from_utf8(s).unwrap();
            assert_eq!(memo.parse(&s), time::parse_timestamp(&s), "{s}");
        }
        for s in [
            "1759482842",
            "",
            "2026-10-18",
            "2026-10-18 08:28:14Z",
            "2026-10-18T08:28:14+00:00",
        ] {
            assert_eq!(memo.parse(s), time::parse_timestamp(s), "{s}");
        }
    }
}
