//! The mmap-or-read decision, in one place, and the one `unsafe` block.
//!
//! Plain regular files are memory-mapped (no copy, pages shared with the
//! page cache); anything else is read into memory. If mapping fails the
//! file is read instead, silently, as ripgrep does.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::Path;

use memmap2::Mmap;

/// The bytes of one input.
pub enum Bytes {
    /// A mapped file.
    Mapped(Mmap),
    /// Bytes read into memory.
    Owned(Vec<u8>),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// Opens a file for reading, mapping it when `allow_mmap` and it is a
/// non-empty regular file.
pub fn open(path: &Path, allow_mmap: bool) -> io::Result<Bytes> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if allow_mmap && meta.is_file() && meta.len() > 0 {
        // SAFETY: the map is read-only and lives as long as the run reads
        // the file. The contract, as in ripgrep, is that the file is not
        // truncated while mapped: if another process truncates it, reading
        // the lost pages raises SIGBUS and the process dies. Log files are
        // appended to, not truncated; appended bytes past the size seen at
        // open are simply not read.
        if let Ok(map) = unsafe { Mmap::map(&file) } {
            return Ok(Bytes::Mapped(map));
        }
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    (&file).read_to_end(&mut buf)?;
    Ok(Bytes::Owned(buf))
}
