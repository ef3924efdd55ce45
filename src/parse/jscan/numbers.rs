//! Numbers for the scanner: an integer of up to seven digits is read as
//! one word (a digit mask and a multiply-and-shift), longer ones digit by
//! digit; anything past what an `f64` or a `u64` holds exactly bails.

use super::{Bail, Cursor, Scan, HI, LO};
use crate::parse::scalar::Scalar;

/// How many of the bytes of `w` (little-endian: the first byte lowest)
/// are ASCII digits before the first one that is not; 8 if all are.
#[inline(always)]
pub(super) fn digit_run(w: u64) -> usize {
    // Per byte, on its low seven bits (so no sum carries into the next
    // byte): `+ 0x50` sets bit 7 from 0x30 up, `+ 0x46` from 0x3A up.
    let low = w & !HI;
    let from_0 = low.wrapping_add(LO * 0x50);
    let from_colon = low.wrapping_add(LO * 0x46);
    let digits = from_0 & !from_colon & !w & HI;
    ((!digits & HI).trailing_zeros() / 8) as usize
}

/// The value of the first `len` bytes of `w` (1 to 7), all digits.
#[inline(always)]
pub(super) fn digits_value(w: u64, len: usize) -> u64 {
    // Digits minus '0' (a borrow only runs up, into the bytes after them),
    // moved to the top so that zero bytes lead; then the digits are paired,
    // the pairs paired and the fours joined (simdjson's eight digits).
    let mut v = w.wrapping_sub(LO * u64::from(b'0')) << (8 * (8 - len));
    v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pairs = 0x0000_00FF_0000_00FF;
    let high = (v & pairs).wrapping_mul(100 + (1_000_000 << 32));
    let low = ((v >> 16) & pairs).wrapping_mul(1 + (10_000 << 32));
    high.wrapping_add(low) >> 32
}

impl<'a> Cursor<'a> {
    /// A number, read as serde_json reads it: an integer that fits is a
    /// `u64` (or, negative, an `i64`); anything else is an `f64`.
    pub(super) fn number(&mut self) -> Scan<Scalar<'a>> {
        let start = self.pos;
        let (negative, value, integer) = self.number_shape()?;
        if integer {
            if !negative {
                return Ok(Scalar::U64(value));
            }
            // serde_json: `-0` is a float, and beyond i64 a float too.
            let neg = (value as i64).wrapping_neg();
            if neg < 0 {
                return Ok(Scalar::I64(neg));
            }
            return Ok(Scalar::F64(-(value as f64)));
        }
        let bytes = self.buf.get(start..self.pos).ok_or(Bail)?;
        // SAFETY: `number_shape` stepped only over a sign, digits, a point
        // and an exponent: ASCII. (Unchecked because every line states a
        // cost: a check would run on every line for bytes known to pass.)
        let text = unsafe { std::str::from_utf8_unchecked(bytes) };
        let v: f64 = text.parse().map_err(|_| Bail)?;
        if !v.is_finite() {
            return Err(Bail);
        }
        Ok(Scalar::F64(v))
    }

    /// Checks the grammar of a number and steps over it: whether it is
    /// negative, its integer value, and whether it is an integer that fits
    /// a `u64` (no fraction, no exponent, no overflow).
    #[inline(always)]
    pub(super) fn number_shape(&mut self) -> Scan<(bool, u64, bool)> {
        let negative = self.buf.get(self.pos) == Some(&b'-');
        self.pos += usize::from(negative);
        let (value, overflow) = match self.buf.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                (0, false)
            }
            Some(b'1'..=b'9') => self.integer_digits(),
            _ => return Err(Bail),
        };
        let mut integer = !overflow;
        if self.buf.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            self.digits()?;
            integer = false;
        }
        if matches!(self.buf.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.buf.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
            integer = false;
        }
        Ok((negative, value, integer))
    }

    /// The digits at the cursor (at least one), stepped over: their value,
    /// and whether it overflowed a `u64`.
    #[inline(always)]
    pub(super) fn integer_digits(&mut self) -> (u64, bool) {
        // Up to seven digits (token counts, latencies) in one word, without
        // a loop: a loop's exit depends on the number's length, which a
        // branch predictor cannot know.
        if let Some(chunk) = self.buf.get(self.pos..self.pos + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let len = digit_run(w);
            if len < 8 {
                self.pos += len;
                return (digits_value(w, len), false);
            }
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        while let Some(&d @ b'0'..=b'9') = self.buf.get(self.pos) {
            match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
            {
                Some(v) => value = v,
                None => overflow = true,
            }
            self.pos += 1;
        }
        (value, overflow)
    }

    pub(super) fn digits(&mut self) -> Scan<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.buf.get(self.pos) {
            self.pos += 1;
        }
        if self.pos == start {
            Err(Bail)
        } else {
            Ok(())
        }
    }
}
