//! The mmap-or-stream decision, in one place, and the `unsafe` blocks.
//!
//! Plain regular files are memory-mapped (no copy, pages shared with the
//! page cache). Everything else is read as a stream in bounded chunks:
//! compressed files (by magic bytes or name), empty and non-regular files,
//! files modified in the last [`RECENT_SECS`] seconds, `--no-mmap`, and any
//! file whose mapping fails (silently, as ripgrep does). Mapped pages are released after each chunk is processed
//! ([`Bytes::release`]), so a run's resident memory does not grow with the
//! input.
//!
//! # Files that change while read
//! - Appended to: a mapped file is read up to the size seen when it was
//!   mapped (bytes appended later are for the next run). A streamed file
//!   is read to the end it has when the reader gets there. A last line
//!   still being written is whatever it is then, usually malformed
//!   (`invalid JSON`), never a crash.
//! - Truncated: reading a mapped page past the new end raises SIGBUS, which
//!   would kill the process. So a file modified in the last
//!   [`RECENT_SECS`] seconds (or with a modification time in the future)
//!   is streamed, not mapped: a log being written or rotated by
//!   `copytruncate` is live. Truncating a file nobody has written to for
//!   ten seconds while llmspend reads it is the one case left, and
//!   `--no-mmap` closes it. A streamed file truncated while read simply
//!   ends early.

use std::fs::{File, Metadata};
use std::io;
use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, SystemTime};

use memmap2::{Mmap, UncheckedAdvice};

use crate::input::decompress::Compression;

/// A file modified less than this many seconds ago is streamed, not mapped.
pub const RECENT_SECS: u64 = 10;

/// Returns true if and only if the file was modified in the last
/// [`RECENT_SECS`] seconds, or its time cannot be told.
fn recently_modified(meta: &Metadata) -> bool {
    let Ok(modified) = meta.modified() else {
        return true;
    };
    match SystemTime::now().duration_since(modified) {
        Ok(age) => age < Duration::from_secs(RECENT_SECS),
        Err(_) => true,
    }
}

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
/// on recent kernels. The 64 KiB default is too small a margin once large
/// folios are mapped, and released pages stay resident; 1 MiB covers them.
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
    if !allow_mmap
        || !meta.is_file()
        || meta.len() == 0
        || Compression::from_path(path).is_some()
        || recently_modified(&meta)
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn age(path: &Path, secs: u64) {
        let f = File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(secs))
            .unwrap();
    }

    fn is_mapped(o: &Opened) -> bool {
        matches!(o, Opened::Mapped(_))
    }

    #[test]
    fn a_fresh_file_is_streamed_and_an_old_one_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"line 1\nline 2\n").unwrap();
        assert!(!is_mapped(&open(&path, true).unwrap()));
        age(&path, 3600);
        assert!(is_mapped(&open(&path, true).unwrap()));
        assert!(!is_mapped(&open(&path, false).unwrap()));
    }

    #[test]
    fn a_mapped_file_appended_to_after_open_is_read_up_to_the_size_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"line 1\n").unwrap();
        age(&path, 3600);
        let Opened::Mapped(bytes) = open(&path, true).unwrap() else {
            panic!("an old file is mapped");
        };
        let mut f = File::options().append(true).open(&path).unwrap();
        f.write_all(b"line 2\n").unwrap();
        assert_eq!(&bytes[..], b"line 1\n");
    }

    #[test]
    fn a_live_file_truncated_after_open_ends_early_without_sigbus() {
        // Would be SIGBUS if the fresh file had been mapped.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, vec![b'x'; 1 << 16]).unwrap();
        let Opened::Stream(mut file) = open(&path, true).unwrap() else {
            panic!("a fresh file is streamed");
        };
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(10)
            .unwrap();
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).unwrap();
        assert_eq!(rest.len(), 10);
    }
}
