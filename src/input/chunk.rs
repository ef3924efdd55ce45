//! Cutting bytes into chunks for the workers, at record boundaries.
//!
//! A chunk always ends just after a line feed (or at the end of the input),
//! and for CSV only where that line feed is outside a quoted field, so no
//! record is split between two workers and a malformed line never takes a
//! valid neighbour with it.

use std::io::{self, Read};
use std::ops::Range;

use memchr::memchr;

use crate::parse::Framing;

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
    let mut state = CsvState::FieldStart;
    let mut scanned_to = 0;
    while start < bytes.len() {
        let want = (start + target).min(bytes.len());
        let end = match framing {
            Framing::Csv => {
                // Carry the quote state from where the last scan stopped.
                state = state.advance(&bytes[scanned_to..want]);
                let end = next_record_end(bytes, want, state).unwrap_or(bytes.len());
                state = CsvState::FieldStart;
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

/// [`split_scanned`] for CSV, with the quote-parity scan run in parallel:
/// the input is cut after line feeds as if no quoted field held one, each
/// piece's quote state at its end is found on its own (all pieces at once,
/// on the current rayon pool), and the cut stands if no piece but the last
/// ends inside quotes. Then every cut is a record end, and the very one the
/// sequential scan picks (the first line feed past the target outside
/// quotes). Otherwise, when a quoted field spans a cut, the sequential scan
/// decides. A serial pass over every byte of a large CSV file would keep
/// every worker waiting until it ends.
pub fn split_csv_parallel(
    bytes: &[u8],
    target: usize,
    scanned: impl Fn(Range<usize>) + Sync,
) -> Vec<Range<usize>> {
    use rayon::prelude::*;
    // Finding the line feeds maps pages (whole large folios, on recent
    // kernels) around every cut: those are released too.
    let ranges = split_scanned(bytes, Framing::Lines, target, &scanned);
    let last = ranges.len().saturating_sub(1);
    let spans_a_cut = ranges.par_iter().enumerate().any(|(i, r)| {
        let quoted = CsvState::FieldStart.advance(&bytes[r.clone()]).in_quotes();
        scanned(r.clone());
        quoted && i < last
    });
    if !spans_a_cut {
        return ranges;
    }
    split_scanned(bytes, Framing::Csv, target, scanned)
}

/// Where a CSV reader is inside a record, as the `csv` crate reads it
/// (RFC 4180, `""` escapes a quote): a quote opens a quoted field only at
/// the start of a field; anywhere else it is a literal byte. Chunk
/// boundaries and the worker's unclosed-quote check both follow it, so a
/// stray quote inside an unquoted field never moves a chunk boundary into
/// the middle of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvState {
    /// At the start of a field (or of a record).
    #[default]
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a closing quote, or the
    /// first half of `""`.
    QuoteInQuoted,
}

impl CsvState {
    /// The state after one byte.
    pub fn step(self, b: u8) -> CsvState {
        use CsvState::*;
        match (self, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (QuoteInQuoted, b'"') | (FieldStart, b'"') => Quoted,
            (_, b',' | b'\n' | b'\r') => FieldStart,
            _ => Unquoted,
        }
    }

    /// The state after `bytes`. Jumps from quote to quote: outside quotes,
    /// a run without a quote ends in `FieldStart` after a separator or line
    /// end and in `Unquoted` otherwise, whatever came before it, so a
    /// quote-free file is scanned at memchr speed.
    pub fn advance(mut self, bytes: &[u8]) -> CsvState {
        let mut rest = bytes;
        loop {
            if self == CsvState::Quoted {
                match memchr(b'"', rest) {
                    Some(j) => {
                        rest = &rest[j + 1..];
                        self = CsvState::QuoteInQuoted;
                        continue;
                    }
                    None => return self,
                }
            }
            let quote = memchr(b'"', rest);
            let run = &rest[..quote.unwrap_or(rest.len())];
            if let Some(&last) = run.last() {
                self = if matches!(last, b',' | b'\n' | b'\r') {
                    CsvState::FieldStart
                } else {
                    CsvState::Unquoted
                };
            }
            let Some(j) = quote else {
                return self;
            };
            self = self.step(b'"');
            rest = &rest[j + 1..];
        }
    }

    /// Returns true if and only if a line feed here would be inside a
    /// quoted field (and so not end the record).
    pub fn in_quotes(self) -> bool {
        self == CsvState::Quoted
    }
}

/// From `at` in quote state `state`, the end of the CSV record: just after
/// the first line feed outside quotes, or `None` if the input ends first.
pub fn next_record_end(bytes: &[u8], at: usize, mut state: CsvState) -> Option<usize> {
    let mut i = at;
    while i < bytes.len() {
        if state.in_quotes() {
            let j = memchr(b'"', &bytes[i..])?;
            i += j + 1;
            state = CsvState::QuoteInQuoted;
            continue;
        }
        if bytes[i] == b'\n' {
            return Some(i + 1);
        }
        state = state.step(bytes[i]);
        i += 1;
    }
    None
}

/// Reads a stream into owned chunks of about `target` bytes, each ending at
/// a line boundary, so stdin never has to fit in memory whole.
pub struct StreamChunks<R> {
    reader: R,
    target: usize,
    carry: Vec<u8>,
    done: bool,
    max_line: usize,
    /// A read error met after some whole records: returned by the next
    /// call, once they are handed out.
    failed: Option<io::Error>,
}

impl<R: Read> StreamChunks<R> {
    /// Chunks of about `target` bytes from `reader`.
    pub fn new(reader: R, target: usize) -> Self {
        StreamChunks {
            reader,
            target: target.max(1),
            carry: Vec::new(),
            done: false,
            max_line: usize::MAX,
            failed: None,
        }
    }

    /// Bounds the memory a single line can take (`--max-line-bytes`): a
    /// line (or CSV record) longer than `max` is cut to just over `max`
    /// bytes, which the worker counts as one line too long, and the rest of
    /// it is skipped unread. Without this a stream holding one endless line
    /// (a decompression bomb) would be read into memory whole.
    pub fn with_max_line(mut self, max: usize) -> Self {
        self.max_line = max;
        self
    }

    /// Reads and drops bytes through the next line feed (for CSV, the next
    /// one outside quotes, from quote state `csv`); what follows it becomes
    /// the carry.
    fn skip_line(&mut self, mut csv: Option<CsvState>) -> io::Result<()> {
        let mut scratch = vec![0; 64 << 10];
        while !self.done {
            let n = match self.reader.read(&mut scratch) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            let read = &scratch[..n];
            let end = match csv {
                Some(state) => next_record_end(read, 0, state),
                None => memchr(b'\n', read).map(|i| i + 1),
            };
            if n == 0 {
                self.done = true;
            } else if let Some(end) = end {
                self.carry = read[end..].to_vec();
                return Ok(());
            } else if let Some(state) = csv {
                csv = Some(state.advance(read));
            }
        }
        Ok(())
    }

    /// The stream broke (a cut gzip member, a damaged zstd frame): the
    /// whole records read before the damage are handed out, then `e`; the
    /// record the damage cut is dropped.
    fn damaged(
        &mut self,
        mut buf: Vec<u8>,
        framing: Framing,
        e: io::Error,
    ) -> io::Result<Option<Vec<u8>>> {
        self.done = true;
        self.carry.clear();
        let cut = match framing {
            Framing::Csv => last_csv_boundary(&buf),
            Framing::Document => None,
            _ => memchr::memrchr(b'\n', &buf).map(|i| i + 1),
        };
        match cut {
            Some(cut) if cut > 0 => {
                buf.truncate(cut);
                self.failed = Some(e);
                Ok(Some(buf))
            }
            _ => Err(e),
        }
    }

    /// The next chunk, `Ok(None)` at the end of the stream. CSV streams are
    /// cut at line feeds too: a quoted line feed on a boundary is joined back
    /// by reading on until the quotes balance.
    pub fn next_chunk(&mut self, framing: Framing) -> io::Result<Option<Vec<u8>>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.done && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        while !self.done && buf.len() < self.target {
            let old = buf.len();
            // Grow by at most 8 MiB a read: `target` may be huge (a whole file).
            let step = (self.target - old.min(self.target)).clamp(64 << 10, 8 << 20);
            buf.resize(old + step, 0);
            let n = loop {
                match self.reader.read(&mut buf[old..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        buf.truncate(old);
                        return self.damaged(buf, framing, e);
                    }
                    Ok(n) => break n,
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
        // Cut within the first `target` bytes only: how many bytes the reads
        // happened to return (a sampled head put back, a decoder's short
        // reads) must not move a boundary, or a file read again for dedupe
        // would be cut into other chunks than the first time.
        let window = self.target.min(buf.len());
        let cut = match framing {
            Framing::Csv => last_csv_boundary(&buf[..window]),
            _ => memchr::memrchr(b'\n', &buf[..window]).map(|i| i + 1),
        };
        match cut {
            Some(cut) => {
                self.carry = buf.split_off(cut);
                Ok(Some(buf))
            }
            None if window > self.max_line.saturating_add(1) => {
                // Two bytes over the limit, so it stays over it after a CR
                // is stripped. A CSV record this long is cut the same way
                // (at the next line feed, quoted or not): it is malformed
                // whatever its quotes, and memory stays bounded.
                let rest = buf.split_off(self.max_line + 2);
                let csv = (framing == Framing::Csv).then(|| CsvState::FieldStart.advance(&buf));
                if csv.is_some_and(CsvState::in_quotes) {
                    // Close the quoted field the cut is in, so the worker
                    // reads one record too long, not an unclosed quote.
                    buf.push(b'"');
                }
                buf.push(b'\n');
                let end = match csv {
                    Some(state) => next_record_end(&rest, 0, state),
                    None => memchr(b'\n', &rest).map(|i| i + 1),
                };
                match end {
                    Some(end) => self.carry = rest[end..].to_vec(),
                    None => {
                        let state = csv.map(|state| state.advance(&rest));
                        self.skip_line(state)?
                    }
                }
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
    // The last line feed is almost always outside quotes: check it (and a
    // few before it) with the quote-to-quote scan, each O(n) at memchr
    // speed; fall back to walking every record if quoted line feeds pile up
    // at the end.
    let mut end = buf.len();
    for _ in 0..4 {
        let p = memchr::memrchr(b'\n', &buf[..end])?;
        if !CsvState::FieldStart.advance(&buf[..p]).in_quotes() {
            return Some(p + 1);
        }
        end = p;
    }
    let mut last = None;
    let mut at = 0;
    while let Some(end) = next_record_end(buf, at, CsvState::FieldStart) {
        last = Some(end);
        at = end;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_equals_stepping_byte_by_byte() {
        let samples: [&[u8]; 8] = [
            b"a,b,c\n",
            b"\"a,\n\"\",b",
            b"x\"y\",z\r\n\"\"\"q",
            b"\"\"",
            b"\"a\"b,c",
            b",,\n\"",
            b"abc",
            b"",
        ];
        for start in [
            CsvState::FieldStart,
            CsvState::Unquoted,
            CsvState::Quoted,
            CsvState::QuoteInQuoted,
        ] {
            for bytes in samples {
                for cut in 0..=bytes.len() {
                    let slow = bytes[..cut].iter().fold(start, |s, &b| s.step(b));
                    assert_eq!(
                        start.advance(&bytes[..cut]),
                        slow,
                        "{start:?} {:?}",
                        &bytes[..cut]
                    );
                }
            }
        }
    }

    #[test]
    fn an_endless_line_on_a_stream_is_cut_not_held_in_memory() {
        // 8 MiB without a line feed, then two short lines, read 4 KiB at a
        // time with a 1000-byte line limit.
        let data = [vec![b'x'; 8 << 20], b"\nnext\nlast".to_vec()].concat();
        let mut s = StreamChunks::new(&data[..], 4096).with_max_line(1000);
        let mut chunks = Vec::new();
        while let Some(chunk) = s.next_chunk(Framing::Lines).unwrap() {
            assert!(chunk.len() < 70 << 10, "{}", chunk.len());
            chunks.push(chunk);
        }
        let all = chunks.concat();
        let lines: Vec<&[u8]> = all.split(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 1002);
        assert_eq!(&lines[1..], [&b"next"[..], b"last"]);
    }

    #[test]
    fn an_endless_csv_record_on_a_stream_is_cut_too() {
        let data = [
            b"h,n\na,1\n".to_vec(),
            vec![b'x'; 8 << 20],
            b"\nb,2\n".to_vec(),
        ]
        .concat();
        let mut s = StreamChunks::new(&data[..], 4096).with_max_line(1000);
        let mut chunks = Vec::new();
        while let Some(chunk) = s.next_chunk(Framing::Csv).unwrap() {
            assert!(chunk.len() < 70 << 10, "{}", chunk.len());
            chunks.push(chunk);
        }
        let all = chunks.concat();
        let lines: Vec<&[u8]> = all.split(|&b| b == b'\n').collect();
        assert_eq!(
            lines.len(),
            5,
            "{:?}",
            lines.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert_eq!(lines[2].len(), 1002);
        assert_eq!(lines[3], b"b,2");
    }

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

    fn csv_records(bytes: &[u8]) -> Vec<csv::ByteRecord> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        r.byte_records().map(Result::unwrap).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            failure_persistence: None,
            ..Default::default()
        })]

        /// Cutting CSV where `split` cuts, then reading each piece alone,
        /// gives exactly the records the csv crate reads from the whole:
        /// the quote state machine agrees with the csv crate, stray and
        /// doubled quotes, CRs and empty lines included.
        #[test]
        fn csv_pieces_read_like_the_whole(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"ab,\"\"\n\n\r".to_vec()), 0..120),
            target in 1usize..40,
        ) {
            let whole = csv_records(&bytes);
            let pieces: Vec<csv::ByteRecord> = split(&bytes, Framing::Csv, target)
                .into_iter()
                .flat_map(|r| csv_records(&bytes[r]))
                .collect();
            proptest::prop_assert_eq!(pieces, whole);
            let mut s = StreamChunks::new(&bytes[..], target);
            let mut streamed = Vec::new();
            while let Some(chunk) = s.next_chunk(Framing::Csv).unwrap() {
                streamed.extend(csv_records(&chunk));
            }
            proptest::prop_assert_eq!(streamed, csv_records(&bytes));
        }
    }

    /// A reader that returns at most a varying few bytes a read, as a
    /// decoder or a sampled head put back in front does.
    struct Trickle<'a> {
        bytes: &'a [u8],
        reads: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            let n = out
                .len()
                .min(self.bytes.len())
                .min(1 + self.reads * 7919 % 70_000);
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn stream_pieces(reader: impl Read, framing: Framing, target: usize) -> Vec<Vec<u8>> {
        let mut s = StreamChunks::new(reader, target).with_max_line(150_000);
        std::iter::from_fn(|| s.next_chunk(framing).unwrap()).collect()
    }

    #[test]
    fn stream_chunk_boundaries_do_not_depend_on_read_sizes() {
        // Re-reading a stream for dedupe relies on chunk i being the same
        // bytes both times.
        let data: Vec<u8> = (0..6000)
            .flat_map(|i| {
                format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "x".repeat(i % 97)).into_bytes()
            })
            .collect();
        for framing in [Framing::Lines, Framing::Csv] {
            for target in [1000, 65_536, 70_000, 100_000, 131_072, 200_000] {
                let whole = stream_pieces(&data[..], framing, target);
                let trickled = stream_pieces(
                    Trickle {
                        bytes: &data,
                        reads: 0,
                    },
                    framing,
                    target,
                );
                assert_eq!(whole.concat(), data);
                assert!(whole == trickled, "{framing:?} target {target}");
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
