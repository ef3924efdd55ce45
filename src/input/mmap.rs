//! The mmap-or-stream decision, in one place, and the `unsafe` blocks.
//!
//! Plain regular files are memory-mapped (no copy, pages shared with the
//! page cache). Everything else is read as a stream in bounded chunks:
//! compressed files (by magic bytes or name), empty and non-regular files,
//! `--no-mmap`, and any file whose mapping fails (silently, as ripgrep
//! does). Mapped pages are released after each chunk is processed
//! ([`Bytes::release`]), so a run's resident memory does not grow with the
//! input.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::Path;

use memmap2::{Mmap, UncheckedAdvice};

use crate::input::decompress::Compression;

/// The bytes of a mapped input.
pub struct Bytes(Mmap);

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// How far around a faulting page Linux may map pages already in the page
/// cache: `fault_around_bytes` (64 KiB by default), and whole large folios
/// on recent kernels. With 64 KiB, a 2 GiB file still left ~90 MB mapped on
/// 6.18; with 1 MiB the peak stayed at 14 MB.
pub const FAULT_AROUND: usize = 1 << 20;

impl Bytes {
    /// Drops the resident pages of `part`, a sub-slice of these bytes that
    /// has been processed and will not be read again, and of the
    /// [`FAULT_AROUND`] bytes on either side: the kernel maps pages around a
    /// faulting one, so reading `part` mapped some pages of its neighbours,
    /// which may have been released already. Pages are dropped
    /// whole, so the first and last may hold bytes of neighbouring chunks; a
    /// worker still reading those simply faults them back in from the page
    /// cache. The call only bounds resident memory. Does nothing for a slice
    /// of other bytes.
    pub fn release(&self, part: &[u8]) {
        let base = self.0.as_ptr() as usize;
        let end = part.as_ptr() as usize + part.len();
        if part.is_empty() || (part.as_ptr() as usize) < base || end > base + self.0.len() {
            return;
        }
        let start = (part.as_ptr() as usize - base).saturating_sub(FAULT_AROUND) + base;
        let end = (end + FAULT_AROUND).min(base + self.0.len());
        // SAFETY: the map is a read-only shared mapping of a file, so
        // MADV_DONTNEED only drops our page-table entries: a later read of
        // these addresses, by this or another thread, faults the same bytes
        // back in from the page cache (under the no-truncation contract of
        // `open`); it never sees zeroes or other data, so no reference into
        // the map can observe a change. The range lies inside the map
        // (checked above); memmap2 aligns its start down to a page.
        let _ = unsafe {
            self.0
                .unchecked_advise_range(UncheckedAdvice::DontNeed, start - base, end - start)
        };
    }
}

/// How an input file is read.
pub enum Opened {
    /// Memory-mapped.
    Mapped(Bytes),
    /// Read as a stream (and decompressed if it is compressed).
    Stream(File),
}

/// Opens a file for reading: mapped when `allow_mmap` and it is a non-empty
/// regular file that is not compressed, a stream otherwise.
pub fn open(path: &Path, allow_mmap: bool) -> io::Result<Opened> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !allow_mmap || !meta.is_file() || meta.len() == 0 || Compression::from_path(path).is_some() {
        return Ok(Opened::Stream(file));
    }
    // SAFETY: the map is read-only and lives as long as the run reads the
    // file. The contract, as in ripgrep, is that the file is not truncated
    // while mapped: if another process truncates it, reading the lost pages
    // raises SIGBUS and the process dies. Log files are appended to, not
    // truncated; appended bytes past the size seen at open are simply not
    // read.
    match unsafe { Mmap::map(&file) } {
        Ok(map) if Compression::from_magic(&map).is_none() => Ok(Opened::Mapped(Bytes(map))),
        _ => Ok(Opened::Stream(file)),
    }
}
