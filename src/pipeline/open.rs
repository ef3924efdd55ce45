//! Opening an input: mapping or streaming is decided in `input/`; here a
//! sample of the head is taken (after a byte order mark), wide encodings
//! are refused by name, the source is detected (or forced), and a stream
//! is decompressed and counted for progress.

use std::io::{Cursor, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use indicatif::ProgressBar;

use super::options::ReadOptions;
use crate::accounting::Unrecognized;
use crate::input::decompress;
use crate::input::Input;
use crate::sources::{self, Parser, Sample};

use crate::sources::contract::SAMPLE_BYTES;

pub(super) fn sample_of(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    &bytes[..bytes.len().min(SAMPLE_BYTES)]
}

/// Names a UTF-16 or UTF-32 encoding, by its byte order mark or, without
/// one, by the NUL bytes around printable ASCII in the first four bytes
/// (`{\0"\0`).
/// Such a file is refused with that name rather than read as lines that
/// are all malformed. NUL padding alone (a crashed log) is not text.
pub(super) fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    let text = |b: u8| (0x20..0x7F).contains(&b);
    match head {
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32LE"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        [a, 0, 0, 0, ..] if text(*a) => Some("UTF-32LE"),
        [0, 0, 0, a, ..] if text(*a) => Some("UTF-32BE"),
        [a, 0, b, 0, ..] if text(*a) && text(*b) => Some("UTF-16LE"),
        [0, a, 0, b, ..] if text(*a) && text(*b) => Some("UTF-16BE"),
        _ => None,
    }
}

/// Why an input is not read: it could not be read (exit 2), or it was
/// read and no source recognises it (named, not counted).
#[derive(Debug)]
pub(super) enum OpenFailure {
    /// An I/O or decompression error, or a wide encoding.
    Unreadable(String),
    /// No source recognises the file.
    Unrecognized(Unrecognized),
}

impl From<String> for OpenFailure {
    fn from(e: String) -> Self {
        OpenFailure::Unreadable(e)
    }
}

/// What the first bytes of a file look like, for a person deciding what
/// it is: a CSV header, a JSON object's keys, text or binary.
pub fn shape(head: &[u8]) -> String {
    let first = head
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let Ok(text) = std::str::from_utf8(first) else {
        let bytes: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!("binary (first bytes {})", bytes.join(" "));
    };
    if text.chars().any(|c| c.is_control() && c != '\t') {
        let bytes: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!("binary (first bytes {})", bytes.join(" "));
    }
    if let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) {
        let keys: Vec<&str> = o.keys().map(String::as_str).take(12).collect();
        return format!("JSON object with keys {}", keys.join(", "));
    }
    let clipped: String = text.chars().take(80).collect();
    if text.contains(',') {
        format!("CSV header `{clipped}`")
    } else {
        format!("text `{clipped}`")
    }
}

/// Recognises the format from a sample, or says why not.
pub(super) fn open_parser(
    input: &Input,
    head: &[u8],
    options: &ReadOptions,
) -> Result<(Box<dyn Parser>, &'static str), OpenFailure> {
    if let Some(encoding) = wide_encoding(head) {
        return Err(OpenFailure::Unreadable(format!(
            "the file is {encoding}; convert it to UTF-8 (e.g. `iconv -f {encoding} -t UTF-8`)"
        )));
    }
    let unrecognized = |reason: String| {
        OpenFailure::Unrecognized(Unrecognized {
            path: input.display(),
            shape: shape(head),
            reason,
        })
    };
    let sample = Sample {
        path: input.path(),
        head,
    };
    let source = match options.source {
        Some(s) => s,
        None => sources::detect(&sample).ok_or_else(|| {
            unrecognized(format!(
                "no source recognises this file; force one with --source ({})",
                sources::names().join(", ")
            ))
        })?,
    };
    let parser = source
        .open(&sample, &options.source_options)
        .map_err(|reason| unrecognized(reason + &map_hint(sample.first_line())))?;
    Ok((parser, source.name()))
}

/// Recognises the format of a mapped file from its head, then drops the
/// head's pages: every file of a run is opened before any is read, so
/// pages sampled and kept would make resident memory grow with the number
/// of files (64 KiB or more each: 330 MB on a 5,000-file Claude Code tree),
/// not with the data in flight. They fault back in from the page cache
/// when the file is read.
pub(super) fn open_mapped(
    input: &Input,
    bytes: &crate::input::mmap::Bytes,
    options: &ReadOptions,
) -> Result<(Box<dyn Parser>, &'static str), OpenFailure> {
    let head = sample_of(bytes);
    let opened = open_parser(input, head, options);
    bytes.release(head);
    opened
}

/// For a JSON object line a source refused: the keys it holds and the
/// `--map` options that would read them (docs/design.md, Exit codes).
fn map_hint(first: &[u8]) -> String {
    if first.first() != Some(&b'{') {
        return String::new();
    }
    let keys = crate::hints::keys_of(first);
    let maps = crate::hints::map_suggestions(&keys);
    if maps.is_empty() {
        return String::new();
    }
    let keys: Vec<&str> = keys.iter().map(String::as_str).take(12).collect();
    format!("; keys seen: {}; try {}", keys.join(", "), maps.join(" "))
}

/// Opens a streamed file again, from the start, decompressed.
pub(super) fn reopen(
    input: &Input,
    _options: &ReadOptions,
) -> Result<Box<dyn Read + Send>, String> {
    let Input::File(path) = input else {
        return Err("standard input cannot be read twice".into());
    };
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let count = Arc::new(AtomicU64::new(0));
    let (reader, _) = decompress::open(file, path, count).map_err(|e| e.to_string())?;
    Ok(reader)
}

/// A reader that reports the bytes it passes to the progress bar.
pub(super) struct Progressing<'p, R> {
    inner: R,
    bar: &'p ProgressBar,
}

impl<'p, R> Progressing<'p, R> {
    pub(super) fn new(inner: R, bar: &'p ProgressBar) -> Self {
        Progressing { inner, bar }
    }
}

impl<R: Read> Read for Progressing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// A stream ready to be cut into chunks: its parser, the source's name, and
/// the (decompressed) bytes with the sampled head put back in front.
pub(super) type OpenedStream<'r> = (
    Box<dyn Parser>,
    &'static str,
    Cursor<Vec<u8>>,
    Box<dyn Read + Send + 'r>,
);

/// Decompresses (if need be) and samples a stream, and recognises its
/// format. `count` counts the raw bytes read, for progress.
/// Returns `Ok(None)` for an empty stream when `allow_empty`.
pub(super) fn open_stream<'r>(
    input: &Input,
    raw: impl Read + Send + 'r,
    count: Arc<AtomicU64>,
    options: &ReadOptions,
    allow_empty: bool,
) -> Result<Option<OpenedStream<'r>>, OpenFailure> {
    let (mut reader, _) = decompress::open(raw, input.path(), count).map_err(|e| e.to_string())?;
    let head = decompress::read_head(&mut reader, SAMPLE_BYTES + 3).map_err(|e| e.to_string())?;
    if head.is_empty() && allow_empty {
        return Ok(None);
    }
    let (parser, name) = open_parser(input, sample_of(&head), options)?;
    Ok(Some((parser, name, Cursor::new(head), reader)))
}
