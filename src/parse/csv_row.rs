//! One CSV record as CSV parsers see it: its fields, borrowed.
//!
//! The worker hands a parser either a plain line split at its commas (no
//! copy: the fields are the bytes between them) or a record the `csv` crate
//! read (quoted fields, unescaped into its buffer). Both are a byte slice
//! and the end offset of each field; they differ only in whether one
//! separator byte sits between fields.

use std::ops::Range;

use csv::ByteRecord;

use crate::parse::sink::Sink;
use crate::record::{Reason, NUL_TAIL};

/// The fields of one CSV record.
#[derive(Debug, Clone, Copy)]
pub struct CsvRow<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    /// Bytes between one field's end and the next one's start.
    gap: usize,
    /// Every byte was seen to be below 0x80 (by [`plain_line`]).
    ascii: bool,
}

impl<'a> CsvRow<'a> {
    /// A plain line whose fields end at `ends` (offsets into `line`, the
    /// last one `line.len()`), each separated from the next by a comma.
    pub fn split(line: &'a [u8], ends: &'a [usize]) -> Self {
        debug_assert_eq!(ends.last(), Some(&line.len()));
        CsvRow {
            bytes: line,
            ends,
            gap: 1,
            ascii: false,
        }
    }

    /// The plain line `plain` split at its commas, `ends` as [`plain_line`]
    /// left them.
    pub fn of_plain(plain: &Plain<'a>, ends: &'a [usize]) -> Self {
        CsvRow {
            ascii: plain.ascii,
            ..CsvRow::split(plain.content, ends)
        }
    }

    /// A record the `csv` crate read; `ends` is a buffer to hold its field
    /// ends.
    pub fn of_record(record: &'a ByteRecord, ends: &'a mut Vec<usize>) -> Self {
        ends.clear();
        ends.extend((0..record.len()).filter_map(|i| record.range(i).map(|r| r.end)));
        CsvRow {
            bytes: record.as_slice(),
            ends,
            gap: 0,
            ascii: false,
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Returns true if and only if the record has no field.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Where field `i` lies in [`CsvRow::as_slice`].
    #[inline]
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + self.gap,
        };
        Some(start..end)
    }

    /// Field `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.range(i).map(|r| &self.bytes[r])
    }

    /// The bytes the fields are slices of (with the separators, for a
    /// plain line).
    pub fn as_slice(&self) -> &'a [u8] {
        self.bytes
    }

    /// The record's bytes as text, or `None` if they are not UTF-8. Free
    /// for a plain ASCII line: the split already looked at every byte.
    pub fn text(&self) -> Option<&'a str> {
        if self.ascii {
            // SAFETY: `ascii` is set only by `of_plain`, from a `Plain`
            // whose `ascii` says `plain_line` saw every byte of this very
            // slice (`content`, private to this module) below 0x80; ASCII
            // is UTF-8.
            return Some(unsafe { std::str::from_utf8_unchecked(self.bytes) });
        }
        std::str::from_utf8(self.bytes).ok()
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// A plain line found by [`plain_line`]: where its content ends (before
/// the line ending) and where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plain<'a> {
    /// The end of the line's content.
    pub end: usize,
    /// The start of the next line (`end` when the input ends here).
    pub next: usize,
    /// The content, as scanned.
    content: &'a [u8],
    /// No byte of `content` is >= 0x80.
    ascii: bool,
}

impl<'a> Plain<'a> {
    /// The line without its ending.
    pub fn content(&self) -> &'a [u8] {
        self.content
    }
}

/// Reads the line of `bytes` that starts at `start` if it is *plain*: no
/// `"` and no CR other than the one of a CRLF ending. Such a line is one
/// CSV record whose fields are the bytes between its commas (the `csv`
/// crate reads it so); their ends, relative to `start`, are pushed to
/// `ends`. Returns `None`, having scanned no further than the first quote
/// or CR, for any other line: it needs the `csv` crate.
#[inline]
pub fn plain_line<'a>(bytes: &'a [u8], start: usize, ends: &mut Vec<usize>) -> Option<Plain<'a>> {
    ends.clear();
    let mut i = start;
    let mut high = 0u32;
    #[cfg(target_arch = "x86_64")]
    while let Some(block) = bytes.get(i..i + 16) {
        let (mut commas, stops, highs) = sse2::classify(block);
        if stops != 0 {
            let at = stops.trailing_zeros();
            let before = (1u32 << at) - 1;
            commas &= before;
            high |= highs & before;
            push_bits(ends, commas, i - start);
            return finish(bytes, (start, i + at as usize), high == 0, ends);
        }
        high |= highs;
        push_bits(ends, commas, i - start);
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        match b {
            b',' => ends.push(i - start),
            b'\n' | b'\r' | b'"' => return finish(bytes, (start, i), high == 0, ends),
            _ => high |= u32::from(b >= 0x80),
        }
        i += 1;
    }
    ends.push(bytes.len() - start);
    Some(Plain {
        end: bytes.len(),
        next: bytes.len(),
        content: &bytes[start..],
        ascii: high == 0,
    })
}

/// The line scanned from `start` stopped at `stop` (a newline, CR or
/// quote); `ascii` if no byte before the stop is >= 0x80.
#[inline]
fn finish<'a>(
    bytes: &'a [u8],
    (start, stop): (usize, usize),
    ascii: bool,
    ends: &mut Vec<usize>,
) -> Option<Plain<'a>> {
    let next = match bytes[stop] {
        b'\n' => stop + 1,
        b'\r' if bytes.get(stop + 1) == Some(&b'\n') => stop + 2,
        _ => return None,
    };
    ends.push(stop - start);
    Some(Plain {
        end: stop,
        next,
        content: &bytes[start..stop],
        ascii,
    })
}

#[inline]
fn push_bits(ends: &mut Vec<usize>, mut bits: u32, base: usize) {
    while bits != 0 {
        ends.push(base + bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

/// The common start of every CSV parser: a row of only whitespace is
/// reported blank (malformed, [`NUL_TAIL`], if it holds NUL padding), and a row whose width differs from the
/// header's is malformed. Returns true if and only if the row is to be read.
pub fn csv_row_fits(row: &CsvRow<'_>, width: usize, sink: &mut dyn Sink) -> bool {
    let blank = |f: &[u8]| f.iter().all(|b| b.is_ascii_whitespace() || *b == 0);
    if row.len() == 1 && row.get(0).is_some_and(blank) {
        if row.get(0).is_some_and(|f| f.contains(&0)) {
            sink.malformed(NUL_TAIL);
        } else {
            sink.blank();
        }
        return false;
    }
    if row.len() != width {
        sink.malformed(Reason::BadCsvRow);
        return false;
    }
    true
}

/// Reads the header row of a CSV sample.
pub fn read_csv_header(head: &[u8]) -> Result<ByteRecord, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let mut header = ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => Ok(header),
        Ok(false) => Err("empty CSV file: no header".into()),
        Err(e) => Err(format!("unreadable CSV header: {e}")),
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// For 16 bytes: a bit per comma, a bit per newline, CR or quote, and
    /// a bit per byte >= 0x80. (SSE2 is part of every x86_64 CPU.)
    #[inline(always)]
    pub fn classify(block: &[u8]) -> (u32, u32, u32) {
        assert!(block.len() >= 16);
        // SAFETY: the block holds at least 16 bytes (checked above) and the
        // load is unaligned; SSE2 is always enabled on x86_64.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let stops = _mm_or_si128(_mm_or_si128(is(b'\n'), is(b'\r')), is(b'"'));
            (
                _mm_movemask_epi8(is(b',')) as u32,
                _mm_movemask_epi8(stops) as u32,
                _mm_movemask_epi8(v) as u32,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_line_and_a_read_record_give_the_same_fields() {
        let line = b"a,,bc,d";
        let ends = [1, 2, 5, 7];
        let split = CsvRow::split(line, &ends);
        let record = ByteRecord::from(vec!["a", "", "bc", "d"]);
        let mut buf = Vec::new();
        let read = CsvRow::of_record(&record, &mut buf);
        assert_eq!(split.len(), 4);
        assert_eq!(
            split.iter().collect::<Vec<_>>(),
            read.iter().collect::<Vec<_>>()
        );
        assert_eq!(split.get(2), Some(&b"bc"[..]));
        assert_eq!(split.get(4), None);
    }

    #[test]
    fn a_plain_line_is_text_when_ascii_or_valid_utf8_only() {
        let mut ends = Vec::new();
        let long = "x".repeat(40);
        let lines: Vec<Vec<u8>> = vec![
            format!("a,{long},b\n").into_bytes(),
            format!("a,{long},é\n").into_bytes(),
            format!("é,{long}\n").into_bytes(),
            [&b"a,b"[..], &[0xbf]].concat(),
            [long.as_bytes(), &[0xff], long.as_bytes(), b"\n"].concat(),
        ];
        for bytes in lines {
            let p = plain_line(&bytes, 0, &mut ends).unwrap();
            let row = CsvRow::of_plain(&p, &ends);
            let expected = std::str::from_utf8(p.content()).ok();
            assert_eq!(row.text(), expected, "{bytes:?}");
        }
        // High bytes after the line's end do not count against it.
        let clean = [format!("{long},{long}").as_bytes(), b"\n", &[0xff, 0xff]].concat();
        let p = plain_line(&clean, 0, &mut ends).unwrap();
        assert!(CsvRow::of_plain(&p, &ends).text().is_some());
    }

    #[test]
    fn plain_lines_split_at_commas_and_others_need_the_csv_crate() {
        let mut ends = Vec::new();
        let text = b"a,bb,,ccc,dddddddddddddddddddd,e\r\nx,\"q\"\nlast,line";
        let first = plain_line(text, 0, &mut ends).unwrap();
        assert_eq!(&text[..first.end], b"a,bb,,ccc,dddddddddddddddddddd,e");
        assert_eq!(first.next, first.end + 2);
        let row = CsvRow::split(&text[..first.end], &ends);
        let fields: Vec<&[u8]> = row.iter().collect();
        assert_eq!(
            fields,
            [&b"a"[..], b"bb", b"", b"ccc", b"dddddddddddddddddddd", b"e"]
        );
        assert_eq!(plain_line(text, first.next, &mut ends), None);
        let at = text.iter().position(|&b| b == b'l').unwrap();
        let last = plain_line(text, at, &mut ends).unwrap();
        assert_eq!((last.end, last.next), (text.len(), text.len()));
        assert_eq!(ends, [4, 9]);
        // A lone CR, at the end or inside, is a record end for the csv crate.
        assert_eq!(plain_line(b"a,b\r", 0, &mut ends), None);
        assert_eq!(plain_line(b"a,b\rc,d\n", 0, &mut ends), None);
        // Every length around the 16-byte blocks.
        for n in 0..40 {
            let line: Vec<u8> = (0..n)
                .map(|i| if i % 3 == 2 { b',' } else { b'x' })
                .collect();
            let mut with_nl = line.clone();
            with_nl.push(b'\n');
            let p = plain_line(&with_nl, 0, &mut ends).unwrap();
            assert_eq!((p.end, p.next), (n, n + 1));
            let expected: Vec<&[u8]> = line.split(|&b| b == b',').collect();
            assert_eq!(
                CsvRow::split(&line, &ends).iter().collect::<Vec<_>>(),
                expected
            );
        }
    }
}
