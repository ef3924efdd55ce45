//! CSV framing for the worker: records found without the `csv` crate where
//! a line is plain, and read by it where quotes or stray carriage returns
//! make a record span lines, with physical line numbers kept for every
//! record and blank line.

use memchr::memchr;

use crate::input::chunk::CsvState;
use crate::parse::csv_row::{plain_line, CsvRow};
use crate::record::{Ignored, Reason};
use crate::sources::{Parser, Sink};

/// A CSV record whose quoted field is still open at the end of the input.
pub const UNCLOSED_QUOTE: Reason = Reason::Other("CSV row with an unclosed quote");

/// A chunk's bytes for the `csv` crate, which drops a byte order mark
/// wherever its parser starts (at a new reader or after a seek). Reading
/// starts at each chunk and at each record the fast path hands over, so a
/// BOM there would vanish while the same bytes read as part of the whole
/// file are a row: chunking would change the report. Handing over one byte
/// first after every seek keeps every BOM (the file's own one is stripped
/// by `process_chunk`). One reader, whose parser tables are costly to
/// build, serves the whole chunk.
struct SeekKeepBom<'a> {
    bytes: &'a [u8],
    pos: usize,
    fresh: bool,
}

impl std::io::Read for SeekKeepBom<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        let n = if std::mem::take(&mut self.fresh) {
            1
        } else {
            buf.len()
        };
        let n = n.min(buf.len()).min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl std::io::Seek for SeekKeepBom<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let std::io::SeekFrom::Start(at) = to else {
            return Err(std::io::Error::other("only absolute seeks"));
        };
        self.pos = usize::try_from(at).unwrap_or(usize::MAX);
        self.fresh = true;
        Ok(at)
    }
}

/// The `csv` crate's reader over one chunk, built on first use.
type ChunkReader<'a> = Option<csv::Reader<SeekKeepBom<'a>>>;

/// What CSV framing needs of the worker beyond a parser's sink.
pub(super) trait CsvTarget: Sink {
    /// Returns true if and only if the record on the line last set by
    /// [`Sink::at_line`] need not be parsed (a rescan for duplicates that
    /// holds none there).
    fn unneeded(&self) -> bool;
}

/// Buffers reused from chunk to chunk.
#[derive(Default)]
pub(super) struct CsvScratch {
    row: csv::ByteRecord,
    ends: Vec<usize>,
}

/// CSV records. The `csv` crate skips empty lines and reports a
/// record's position as where it began scanning, so positions are kept
/// here instead: every empty line between records is counted `blank` at
/// its own physical line, and a record's line is where its first byte
/// is. A quoted field still open at the end of the input (an unclosed
/// quote) makes its first line malformed, and reading resumes on the
/// next line, so it does not swallow the rest of the file. A record
/// longer than `--max-line-bytes` is malformed like a long line.
///
/// A line without a quote and without a CR (other than the one of its
/// CRLF) is one record whose fields are the bytes between commas: it is
/// split here, which is what the `csv` crate would do with it, at a
/// fraction of the cost. Every other line starts a record the `csv`
/// crate reads ([`csv_record`]). Returns the chunk's physical lines.
pub(super) fn csv_chunk<T: CsvTarget>(
    t: &mut T,
    scratch: &mut CsvScratch,
    bytes: &[u8],
    parser: &dyn Parser,
    first: bool,
    max_line: usize,
) -> u64 {
    let mut row = std::mem::take(&mut scratch.row);
    let mut header_pending = first;
    // Bytes before `cursor` are accounted for; `line` is the physical
    // line `cursor` is on.
    let mut cursor = 0usize;
    let mut line = 1u64;
    let mut ended = false;
    let mut reader: ChunkReader<'_> = None;
    let mut ends = std::mem::take(&mut scratch.ends);
    while cursor < bytes.len() {
        let Some(plain) = plain_line(bytes, cursor, &mut ends) else {
            let at = (cursor, line);
            let buffers = (&mut row, &mut ends);
            let limits = (max_line, &mut header_pending);
            let found = csv_record(t, bytes, at, &mut reader, buffers, parser, limits);
            match found {
                Some((c, l)) => (cursor, line) = (c, l),
                None => {
                    ended = true;
                    break;
                }
            }
            continue;
        };
        let content = plain.content();
        t.at_line(line);
        if content.is_empty() {
            // The csv crate skips empty lines.
            t.blank();
        } else if std::mem::take(&mut header_pending) {
            t.ignored(Ignored::Header);
        } else if content.len() > max_line {
            t.malformed(Reason::LineTooLong);
        } else if !t.unneeded() {
            parser.parse_csv(&CsvRow::of_plain(&plain, &ends), t);
        }
        line += u64::from(plain.next > plain.end);
        cursor = plain.next;
    }
    scratch.ends = ends;
    scratch.row = row;
    let unterminated = u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
    let counted = || memchr::memchr_iter(b'\n', bytes).count() as u64 + unterminated;
    if ended {
        return counted();
    }
    let physical = line - 1 + unterminated;
    debug_assert_eq!(physical, counted());
    physical
}

/// Reads the record that starts at `cursor` (on physical line `line`)
/// with the `csv` crate into the worker's buffers, counting the empty
/// lines before it as blank; returns where the next record starts and
/// its line, or `None` when the input holds no further record (only
/// empty lines, counted).
fn csv_record<'b, T: CsvTarget>(
    t: &mut T,
    bytes: &'b [u8],
    (cursor, line): (usize, u64),
    reader: &mut ChunkReader<'b>,
    (row, ends): (&mut csv::ByteRecord, &mut Vec<usize>),
    parser: &dyn Parser,
    (max_line, header_pending): (usize, &mut bool),
) -> Option<(usize, u64)> {
    let reader = reader.get_or_insert_with(|| {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1024)
            .from_reader(SeekKeepBom {
                bytes,
                pos: 0,
                fresh: true,
            });
        // Headers are never read from this reader: set, so that
        // seeking does not read a record as them first.
        r.set_byte_headers(csv::ByteRecord::new());
        r
    });
    let mut start_at = csv::Position::new();
    start_at.set_byte(cursor as u64);
    let sought = reader.seek_raw(std::io::SeekFrom::Start(cursor as u64), start_at);
    match sought.and_then(|()| reader.read_byte_record(row)) {
        Ok(false) => {
            csv_blank_lines(t, &bytes[cursor..], line);
            None
        }
        Ok(true) => {
            let mut end = (reader.position().byte() as usize).min(bytes.len());
            if end > 0 && bytes[end - 1] == b'\r' {
                // The csv crate stops after the CR of a CRLF (or of a
                // doubled CR CR LF): the rest of the line ending is this
                // record's, not an empty line.
                let crs = bytes[end..].iter().take_while(|&&b| b == b'\r').count();
                if bytes.get(end + crs) == Some(&b'\n') {
                    end += crs + 1;
                }
            }
            let gap = bytes[cursor..end]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let mut line = csv_blank_lines(t, &bytes[cursor..cursor + gap], line);
            let start = cursor + gap;
            let raw = &bytes[start..end];
            t.at_line(line);
            if end == bytes.len() && CsvState::FieldStart.advance(raw).in_quotes() {
                t.malformed(UNCLOSED_QUOTE);
                return memchr(b'\n', raw).map(|i| (start + i + 1, line + 1));
            }
            let content = raw.strip_suffix(b"\n").unwrap_or(raw);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if std::mem::take(header_pending) {
                t.ignored(Ignored::Header);
            } else if content.len() > max_line {
                t.malformed(Reason::LineTooLong);
            } else {
                parser.parse_csv(&CsvRow::of_record(row, ends), t);
            }
            line += memchr::memchr_iter(b'\n', raw).count() as u64;
            Some((end, line))
        }
        Err(_) => {
            // Reading from memory, the csv crate reports no errors for
            // byte records; count one and stop.
            t.at_line(line);
            t.malformed(Reason::BadCsvRow);
            None
        }
    }
}

/// Counts the empty lines in `gap` (line terminators only) as blank,
/// from physical line `line`; returns the line after them.
fn csv_blank_lines<T: CsvTarget>(t: &mut T, gap: &[u8], mut line: u64) -> u64 {
    for _ in memchr::memchr_iter(b'\n', gap) {
        t.at_line(line);
        t.blank();
        line += 1;
    }
    line
}
