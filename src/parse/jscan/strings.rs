//! Strings for the scanner: the end of a string is found sixteen or
//! thirty-two bytes a step (SSE2 on x86_64, a word at a time elsewhere),
//! stopping at quotes, escapes, control bytes and bytes from 0x80 up, where
//! UTF-8 is checked.

use super::{Bail, Cursor, Scan, HI, LO};

/// Bit 7 of each byte of `w` that is zero (exact for the lowest such byte;
/// a higher byte may be flagged by the borrow, which callers never look at).
#[inline(always)]
pub(super) fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(LO) & !w & HI
}

impl<'a> Cursor<'a> {
    /// At a byte >= 0x80 inside a string: checks the run of such bytes as
    /// UTF-8 and gives the offset after it. A run between ASCII bytes is
    /// whole characters if the line is UTF-8, so each run is checked alone.
    #[cold]
    #[inline(never)]
    pub(super) fn utf8_run(&self, i: usize) -> Scan<usize> {
        let rest = self.buf.get(i..).ok_or(Bail)?;
        let end = rest.iter().position(|b| b.is_ascii()).unwrap_or(rest.len());
        std::str::from_utf8(&rest[..end]).map_err(|_| Bail)?;
        Ok(i + end)
    }

    /// From inside a string, the offset of the next `"`, `\`, control
    /// byte or byte >= 0x80 (or the end of the line).
    #[inline(always)]
    pub(super) fn string_stop(&self, mut i: usize) -> usize {
        let buf = self.buf;
        // 32 bytes a step, as two 16-byte masks joined: a string shorter
        // than 32 bytes (most values) ends without a data-dependent branch.
        #[cfg(target_arch = "x86_64")]
        while let Some(block) = buf.get(i..i + 32) {
            let stops = sse2::stops(&block[..16]) | sse2::stops(&block[16..]) << 16;
            if stops != 0 {
                return i + stops.trailing_zeros() as usize;
            }
            i += 32;
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(block) = buf.get(i..i + 16) {
            let stops = sse2::stops(block);
            if stops != 0 {
                return i + stops.trailing_zeros() as usize;
            }
            i += 16;
        }
        while let Some(chunk) = buf.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let stops = zero_bytes(w ^ (LO * u64::from(b'"')))
                | zero_bytes(w ^ (LO * u64::from(b'\\')))
                | (w.wrapping_sub(LO * 0x20) & !w & HI)
                | (w & HI);
            if stops != 0 {
                return i + (stops.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&b) = buf.get(i) {
            if b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b) {
                break;
            }
            i += 1;
        }
        i
    }

    /// After the opening quote: the string, borrowed. Bails on an escape
    /// (the value would have to be unescaped) or a control byte.
    #[inline(always)]
    pub(super) fn plain_str(&mut self) -> Scan<&'a str> {
        let start = self.pos;
        let mut end = self.string_stop(start);
        loop {
            match self.buf.get(end) {
                Some(b'"') => break,
                Some(&b) if b >= 0x80 => end = self.string_stop(self.utf8_run(end)?),
                _ => return Err(Bail),
            }
        }
        self.pos = end + 1;
        let bytes = self.buf.get(start..end).ok_or(Bail)?;
        // SAFETY: every byte of `bytes` is ASCII or in a run of bytes >=
        // 0x80 that `utf8_run` checked as UTF-8: `string_stop` stops at
        // each such run, and this loop goes on only past a checked one.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    }

    /// After the opening quote: skips the string, checking its escapes as
    /// serde_json does (a `\u` needs four hex digits; which code point they
    /// name is not checked for a value nobody reads).
    #[inline(always)]
    pub(super) fn skip_str(&mut self) -> Scan<()> {
        let mut i = self.pos;
        loop {
            i = self.string_stop(i);
            match self.buf.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    i += match self.buf.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
                        Some(b'u') => {
                            let hex = self.buf.get(i + 2..i + 6).ok_or(Bail)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Bail);
                            }
                            6
                        }
                        _ => return Err(Bail),
                    };
                }
                Some(&b) if b >= 0x80 => i = self.utf8_run(i)?,
                _ => return Err(Bail),
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// For 16 bytes of a string: a bit per `"`, `\\`, control byte or
    /// byte from 0x80 up. SSE2 is part of every x86_64 CPU, so no runtime
    /// detection is needed.
    #[inline(always)]
    pub fn stops(block: &[u8]) -> u32 {
        assert!(block.len() >= 16);
        // SAFETY: the block holds at least 16 bytes (checked above), the
        // load is unaligned, and SSE2 is always enabled on x86_64.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let slash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
            let any = _mm_or_si128(_mm_or_si128(quote, slash), control);
            // Bit 7 of the byte itself flags bytes >= 0x80.
            _mm_movemask_epi8(_mm_or_si128(any, v)) as u32
        }
    }
}
