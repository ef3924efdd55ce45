//! Compressed inputs: `.gz` (every member of a multi-member file) and
//! `.zst`, decompressed as streams, never whole in memory.
//!
//! The format is picked by the magic bytes at the start of the data, and by
//! the file name when the bytes say nothing (so a truncated or mislabelled
//! `x.jsonl.gz` fails with the decoder's message rather than being read as
//! text). A guard stops a stream that inflates to more than
//! [`MAX_RATIO`] times its compressed size once past [`RATIO_FREE_BYTES`]:
//! real logs compress 5-50x, so such a file is a decompression bomb or a
//! corrupt one, and the run says so for that file instead of filling
//! memory or running for hours.

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

/// Decompressed bytes above this many times the compressed bytes read so
/// far stop the stream (after [`RATIO_FREE_BYTES`]).
pub const MAX_RATIO: u64 = 1000;

/// Decompressed bytes always allowed before the ratio is checked.
pub const RATIO_FREE_BYTES: u64 = 64 << 20;

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

/// Stops a decompressed stream that inflates beyond [`MAX_RATIO`].
struct Guard<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    out: u64,
    format: Compression,
    free: u64,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.out > self.free {
            let input = self.compressed.load(Ordering::Relaxed).max(1);
            if self.out / input > MAX_RATIO {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} data inflates more than {MAX_RATIO}x ({} bytes from {input}); \
                         refusing it as a likely decompression bomb",
                        self.format.name(),
                        self.out
                    ),
                ));
            }
        }
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
/// must count the raw bytes read from `raw` (see [`Counting`]); the guard
/// compares against it.
pub fn open<'r, R: Read + Send + 'r>(
    raw: R,
    path: &Path,
    compressed: Arc<AtomicU64>,
) -> io::Result<(Box<dyn Read + Send + 'r>, Option<Compression>)> {
    open_guarded(raw, path, compressed, RATIO_FREE_BYTES)
}

fn open_guarded<'r, R: Read + Send + 'r>(
    mut raw: R,
    path: &Path,
    compressed: Arc<AtomicU64>,
    free: u64,
) -> io::Result<(Box<dyn Read + Send + 'r>, Option<Compression>)> {
    let magic = read_head(&mut raw, 4)?;
    let format = Compression::from_magic(&magic).or_else(|| Compression::from_path(path));
    let raw = Cursor::new(magic).chain(raw);
    let reader: Box<dyn Read + Send + 'r> = match format {
        None => return Ok((Box::new(raw), None)),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Some(Compression::Zstd) => Box::new(zstd::stream::read::Decoder::new(raw)?),
    };
    let guarded = Guard {
        inner: reader,
        compressed,
        out: 0,
        format: format.unwrap_or(Compression::Gzip),
        free,
    };
    Ok((Box::new(guarded), format))
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
        read_all_free(raw, name, RATIO_FREE_BYTES)
    }

    fn read_all_free(raw: &[u8], name: &str, free: u64) -> io::Result<Vec<u8>> {
        let count = Arc::new(AtomicU64::new(0));
        let raw = Counting::new(raw, count.clone());
        let (mut r, _) = open_guarded(raw, Path::new(name), count, free)?;
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
    fn a_decompression_bomb_is_refused() {
        let zeros = vec![b'\n'; 8 << 20];
        let z = zstd::encode_all(&zeros[..], 1).unwrap();
        assert!(
            z.len() as u64 * MAX_RATIO < zeros.len() as u64,
            "{}",
            z.len()
        );
        let err = read_all_free(&z, "bomb.zst", 1 << 20).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
        // Below the ratio-free allowance the same data is fine.
        assert_eq!(read_all(&z, "bomb.zst").unwrap().len(), zeros.len());
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
