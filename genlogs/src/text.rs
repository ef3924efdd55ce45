//! Text helpers, hand-rolled so the hot loop avoids `format!`: numbers,
//! ids and the timestamp encodings.

use crate::calendar::civil_from_days;
use crate::rng::Rng;

pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap());
}

pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Zero-padded decimal of exactly `width` digits (v < 10^width).
fn push_padded(out: &mut String, mut v: u64, width: usize) {
    if width == 2 {
        out.push((b'0' + (v / 10 % 10) as u8) as char);
        out.push((b'0' + (v % 10) as u8) as char);
        return;
    }
    let mut buf = [b'0'; 20];
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.push_str(std::str::from_utf8(&buf[..width]).unwrap());
}

pub(crate) fn push_hex(out: &mut String, v: u64, digits: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (4 * i)) & 0xf) as usize] as char);
    }
}

/// `n` base62 characters.
pub(crate) fn push_base62(out: &mut String, rng: &mut Rng, n: usize) {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut left = n;
    while left > 0 {
        let mut v = rng.next_u64();
        for _ in 0..left.min(10) {
            out.push(ALPHABET[(v % 62) as usize] as char);
            v /= 62;
        }
        left -= left.min(10);
    }
}

/// A version-4-looking UUID whose low 62 bits are `unique`.
pub(crate) fn push_uuid(out: &mut String, hi: u64, unique: u64) {
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (unique & ((1 << 62) - 1)) | (0b10 << 62);
    push_hex(out, hi >> 32, 8);
    out.push('-');
    push_hex(out, hi >> 16, 4);
    out.push('-');
    push_hex(out, hi, 4);
    out.push('-');
    push_hex(out, lo >> 48, 4);
    out.push('-');
    push_hex(out, lo, 12);
}

/// A non-negative decimal with up to 8 fractional digits, trailing zeros trimmed.
pub(crate) fn push_decimal(out: &mut String, v: f64) {
    let scaled = (v * 1e8).round() as u64;
    push_u64(out, scaled / 100_000_000);
    out.push('.');
    let mut frac = scaled % 100_000_000;
    let mut width = 8;
    while width > 1 && frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    push_padded(out, frac, width);
}

/// Calendar date and time of day from epoch milliseconds.
struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
    milli: u64,
}

impl DateTime {
    fn from_ms(ms: i64) -> DateTime {
        let secs = ms.div_euclid(1000);
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u64;
        DateTime {
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod / 60 % 60,
            second: sod % 60,
            milli: ms.rem_euclid(1000) as u64,
        }
    }

    /// `YYYY-MM-DD<sep>HH:MM:SS`
    fn push(&self, out: &mut String, sep: char) {
        push_padded(out, self.year as u64, 4);
        out.push('-');
        push_padded(out, self.month as u64, 2);
        out.push('-');
        push_padded(out, self.day as u64, 2);
        out.push(sep);
        push_padded(out, self.hour, 2);
        out.push(':');
        push_padded(out, self.minute, 2);
        out.push(':');
        push_padded(out, self.second, 2);
    }
}

/// `2026-10-03T09:14:02.118Z`
pub(crate) fn push_rfc3339_z(out: &mut String, ms: i64) {
    let dt = DateTime::from_ms(ms);
    dt.push(out, 'T');
    out.push('.');
    push_padded(out, dt.milli, 3);
    out.push('Z');
}

/// `2026-10-03T11:14:02+02:00` (local time at `offset_min` east of UTC).
pub(crate) fn push_rfc3339_offset(out: &mut String, ms: i64, offset_min: i64) {
    DateTime::from_ms(ms + offset_min * 60_000).push(out, 'T');
    out.push(if offset_min < 0 { '-' } else { '+' });
    let abs = offset_min.unsigned_abs();
    push_padded(out, abs / 60, 2);
    out.push(':');
    push_padded(out, abs % 60, 2);
}

/// `2026-10-03 09:14:02.118000` (UTC, no zone designator).
pub(crate) fn push_space_naive(out: &mut String, ms: i64) {
    let dt = DateTime::from_ms(ms);
    dt.push(out, ' ');
    out.push('.');
    push_padded(out, dt.milli * 1000, 6);
}
