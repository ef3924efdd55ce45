//! Cutting bytes into chunks for the workers, at record boundaries.
//!
//! A chunk always ends just after a line feed (or at the end of the input),
//! and for CSV only where that line feed is outside a quoted field, so no
//! record is split between two workers and a malformed line never takes a
//! valid neighbour with it.

use std::io::{self, Read};
use std::ops::Range;

use memchr::memchr;

use crate::sources::Framing;

/// The default chunk size: large enough to amortize scheduling, small
/// enough to spread a file over every core.
pub const CHUNK_BYTES: usize = 4 << 20;

/// Splits `bytes` into ranges of about `target` bytes at record boundaries.
pub fn split(bytes: &[u8], framing: Framing, target: usize) -> Vec<Range<usize>> {
    split_scanned(bytes, framing, target, |_| ())
}

/// [`split`], calling `scanned` with each range it read to find a chunk's
/// end (all of it for CSV, for quote parity; from the target size to the
/// next line feed otherwise), so a mapped input can release those pages as
/// the scan goes.
pub fn split_scanned(
    bytes: &[u8],
    framing: Framing,
    target: usize,
    mut scanned: impl FnMut(Range<usize>),
) -> Vec<Range<usize>> {
    let target = target.max(1);
    if framing == Framing::Document || bytes.len() <= target {
        #[allow(clippy::single_range_in_vec_init)]
        return vec![0..bytes.len()];
    }
    let mut ranges = Vec::with_capacity(bytes.len() / target + 1);
    let mut start = 0;
    let mut in_quotes = false;
    let mut scanned_to = 0;
    while start < bytes.len() {
        let want = (start + target).min(bytes.len());
        let end = match framing {
            Framing::Csv => {
                // Carry quote parity from where the last scan stopped.
                in_quotes ^= memchr::memchr_iter(b'"', &bytes[scanned_to..want]).count() % 2 == 1;
                let (end, parity) = csv_boundary(bytes, want, in_quotes);
                in_quotes = parity;
                scanned(scanned_to..end);
                scanned_to = end;
                end
            }
            _ => {
                let end = match memchr(b'\n', &bytes[want..]) {
                    Some(i) => want + i + 1,
                    None => bytes.len(),
                };
                scanned(want..end);
                end
            }
        };
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// From `at` with quote state `in_quotes`, finds the end of the CSV record
/// (just after a line feed outside quotes). Returns the end and the quote
/// state there (always outside quotes unless the input ended inside one).
fn csv_boundary(bytes: &[u8], at: usize, mut in_quotes: bool) -> (usize, bool) {
    let mut i = at;
    while i < bytes.len() {
        match memchr::memchr2(b'"', b'\n', &bytes[i..]) {
            None => return (bytes.len(), in_quotes),
            Some(j) => {
                i += j;
                if bytes[i] == b'"' {
                    in_quotes = !in_quotes;
                } else if !in_quotes {
                    return (i + 1, false);
                }
                i += 1;
            }
        }
    }
    (bytes.len(), in_quotes)
}

/// Reads a stream into owned chunks of about `target` bytes, each ending at
/// a line boundary, so stdin never has to fit in memory whole.
pub struct StreamChunks<R> {
    reader: R,
    target: usize,
    carry: Vec<u8>,
    done: bool,
}

impl<R: Read> StreamChunks<R> {
    /// Chunks of about `target` bytes from `reader`.
    pub fn new(reader: R, target: usize) -> Self {
        StreamChunks {
            reader,
            target: target.max(1),
            carry: Vec::new(),
            done: false,
        }
    }

    /// The next chunk, `Ok(None)` at the end of the stream. CSV streams are
    /// cut at line feeds too: a quoted line feed on a boundary is joined back
    /// by reading on until the quotes balance.
    pub fn next_chunk(&mut self, framing: Framing) -> io::Result<Option<Vec<u8>>> {
        if self.done && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        while !self.done && buf.len() < self.target {
            let old = buf.len();
            buf.resize(old + self.target.max(64 << 10), 0);
            let n = loop {
                match self.reader.read(&mut buf[old..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            buf.truncate(old + n);
            if n == 0 {
                self.done = true;
            }
        }
        if self.done || framing == Framing::Document {
            if framing == Framing::Document && !self.done {
                // A document is one unit: read it all.
                self.reader.read_to_end(&mut buf)?;
                self.done = true;
            }
            return Ok((!buf.is_empty()).then_some(buf));
        }
        let cut = match framing {
            Framing::Csv => last_csv_boundary(&buf),
            _ => memchr::memrchr(b'\n', &buf).map(|i| i + 1),
        };
        match cut {
            Some(cut) => {
                self.carry = buf.split_off(cut);
                Ok(Some(buf))
            }
            None => {
                // One record longer than the target: keep reading.
                self.carry = buf;
                self.target = self.target.saturating_mul(2);
                self.next_chunk(framing)
            }
        }
    }
}

fn last_csv_boundary(buf: &[u8]) -> Option<usize> {
    let mut in_quotes = false;
    let mut last = None;
    for (i, &b) in buf.iter().enumerate() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == b'\n' && !in_quotes {
            last = Some(i + 1);
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(bytes: &[u8], framing: Framing, target: usize) -> Vec<&[u8]> {
        split(bytes, framing, target)
            .into_iter()
            .map(|r| &bytes[r])
            .collect()
    }

    #[test]
    fn line_chunks_end_after_line_feeds_and_cover_everything() {
        let data = b"aaa\nbb\ncccc\nd";
        let p = pieces(data, Framing::Lines, 2);
        assert_eq!(p, [&b"aaa\n"[..], b"bb\n", b"cccc\n", b"d"]);
        assert_eq!(p.concat(), data);
    }

    #[test]
    fn csv_chunks_never_split_a_quoted_line_feed() {
        let data = b"h1,h2\n\"a\nb\nc\",1\nx,2\n\"q\"\"\n\",3\n";
        for target in 1..data.len() + 2 {
            let p = pieces(data, Framing::Csv, target);
            assert_eq!(p.concat(), data);
            for piece in &p {
                let quotes = piece.iter().filter(|&&b| b == b'"').count();
                assert_eq!(
                    quotes % 2,
                    0,
                    "target {target}: {:?}",
                    String::from_utf8_lossy(piece)
                );
            }
        }
    }

    #[test]
    fn stream_chunks_end_at_line_boundaries() {
        let data: Vec<u8> = (0..1000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let mut s = StreamChunks::new(&data[..], 100);
        let mut all = Vec::new();
        while let Some(chunk) = s.next_chunk(Framing::Lines).unwrap() {
            assert_eq!(chunk.last(), Some(&b'\n'));
            all.extend(chunk);
        }
        assert_eq!(all, data);
    }

    #[test]
    fn stream_csv_chunks_keep_quoted_records_whole() {
        let data = b"h\n\"a\nb\",1\n\"c\nd\",2\n".repeat(50);
        let mut s = StreamChunks::new(&data[..], 7);
        let mut all = Vec::new();
        while let Some(chunk) = s.next_chunk(Framing::Csv).unwrap() {
            assert_eq!(chunk.iter().filter(|&&b| b == b'"').count() % 2, 0);
            all.extend(chunk);
        }
        assert_eq!(all, data);
    }
}
