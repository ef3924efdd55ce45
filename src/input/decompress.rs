//! Compressed inputs: `.gz` (every member of a multi-member file) and
//! `.zst`, decompressed as streams, never whole in memory.
//!
//! The format is picked by the magic bytes at the start of the data, and by
//! the file name when the bytes say nothing (so a truncated or mislabelled
//! `x.jsonl.gz` fails with the decoder's message rather than being read as
//! text).
//!
//! There is no ratio guard: a stream that inflates a thousandfold (a
//! "decompression bomb", one line of gigabytes) is read like any other.
//! Memory stays bounded because the chunker holds at most
//! `--max-line-bytes` of one line and counts a longer one as malformed
//! (`line longer than --max-line-bytes`, see
//! [`StreamChunks::with_max_line`](crate::input::chunk::StreamChunks::with_max_line)),
//! and the file's other lines are read. The cost of such a file is the
//! time to decompress it (docs/sources.md, compressed files).

use std::io::{self, Chain, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A compression format llmspend reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (RFC 1952), possibly several concatenated members.
    Gzip,
    /// Zstandard frames.
    Zstd,
}

impl Compression {
    /// The format a file name says (`.gz`, `.gzip`, `.zst`, `.zstd`),
    /// case-insensitively.
    pub fn from_path(path: &Path) -> Option<Compression> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".gz") || name.ends_with(".gzip") {
            Some(Compression::Gzip)
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// The format the first bytes of the data say.
    pub fn from_magic(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// The lowercase name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// A reader that counts the bytes it passes, into a shared counter.
pub struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counting<R> {
    /// Counts the bytes read from `inner` into `count`.
    pub fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Counting { inner, count }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads up to `n` bytes (fewer only at the end of the stream).
pub fn read_head(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The first bytes read, put back in front of the rest of the stream.
pub type Rewound<R> = Chain<Cursor<Vec<u8>>, R>;

/// Opens a raw stream for reading: returns the decompressed stream when the
/// magic bytes (or, failing them, `path`'s name) say it is compressed, and
/// the stream itself otherwise, with the compression found. `compressed`
/// counts the raw bytes read from `raw` (see [`Counting`]), for progress.
pub fn open<'r, R: Read + Send + 'r>(
    mut raw: R,
    path: &Path,
    _compressed: Arc<AtomicU64>,
) -> io::Result<(Box<dyn Read + Send + 'r>, Option<Compression>)> {
    let magic = read_head(&mut raw, 4)?;
    let format = Compression::from_magic(&magic).or_else(|| Compression::from_path(path));
    let raw = Cursor::new(magic).chain(raw);
    let reader: Box<dyn Read + Send + 'r> = match format {
        None => Box::new(raw),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Some(Compression::Zstd) => Box::new(zstd::stream::read::Decoder::new(raw)?),
    };
    Ok((reader, format))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(raw: &[u8], name: &str) -> io::Result<Vec<u8>> {
        let count = Arc::new(AtomicU64::new(0));
        let raw = Counting::new(raw, count.clone());
        let (mut r, _) = open(raw, Path::new(name), count)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn multi_member_gzip_is_read_to_the_end() {
        let mut two = gzip(b"{\"a\":1}\n");
        two.extend(gzip(b"{\"b\":2}\n"));
        assert_eq!(
            read_all(&two, "x.jsonl.gz").unwrap(),
            b"{\"a\":1}\n{\"b\":2}\n"
        );
        // The magic bytes are enough, whatever the name says.
        assert_eq!(
            read_all(&two, "x.jsonl").unwrap(),
            b"{\"a\":1}\n{\"b\":2}\n"
        );
    }

    #[test]
    fn zstd_is_read_and_plain_data_passes_through() {
        let z = zstd::encode_all(&b"line 1\nline 2\n"[..], 3).unwrap();
        assert_eq!(read_all(&z, "x.csv.zst").unwrap(), b"line 1\nline 2\n");
        assert_eq!(read_all(b"ab", "x.jsonl").unwrap(), b"ab");
        assert_eq!(read_all(b"", "x.jsonl").unwrap(), b"");
    }

    #[test]
    fn a_mislabelled_file_fails_with_the_decoders_message() {
        assert!(read_all(b"{\"not\":\"gzip\"}\n", "x.jsonl.gz").is_err());
    }

    #[test]
    fn a_stream_that_inflates_a_thousandfold_is_read() {
        let lines = vec![b'\n'; 8 << 20];
        let z = zstd::encode_all(&lines[..], 1).unwrap();
        assert!(z.len() * 1000 < lines.len(), "{}", z.len());
        assert_eq!(read_all(&z, "bomb.zst").unwrap().len(), lines.len());
    }

    #[test]
    fn formats_by_name_and_magic() {
        assert_eq!(
            Compression::from_path(Path::new("a/B.JSONL.GZ")),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::from_path(Path::new("b.csv.zst")),
            Some(Compression::Zstd)
        );
        assert_eq!(Compression::from_path(Path::new("b.csv")), None);
        assert_eq!(
            Compression::from_magic(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(Compression::from_magic(b"{\"a\""), None);
    }
}
