//! The mmap-or-read decision, in one place, and the one `unsafe` block.
//!
//! Plain regular files are memory-mapped (no copy, pages shared with the
//! page cache); anything else is read into memory. If mapping fails the
//! file is read instead, silently, as ripgrep does.
//!
//! # Files that change while read
//! - Appended to: a run reads a file up to the size seen when it was
//!   opened, mapped or read (bytes appended later are for the next run).
//!   A last line still being written is whatever it is at that size,
//!   usually malformed (`invalid JSON`), never a crash.
//! - Truncated: reading a mapped page past the new end raises SIGBUS, which
//!   would kill the process. So a file modified in the last
//!   [`RECENT_SECS`] seconds (or with a modification time in the future)
//!   is read, not mapped: a log being written or rotated by
//!   `copytruncate` is live, and reading it costs one copy. An older file
//!   is mapped; truncating a file nobody has written to for ten seconds while
//!   llmspend reads it is the one case left, and `--no-mmap` closes it.
//!   A file truncated while it is read (not mapped) simply ends early.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, SystemTime};

use memmap2::Mmap;

/// A file modified less than this many seconds ago is read, not mapped.
pub const RECENT_SECS: u64 = 10;

/// The bytes of one input.
pub enum Bytes {
    /// A mapped file.
    Mapped(Mmap),
    /// Bytes read into memory.
    Owned(Vec<u8>),
}

impl Bytes {
    /// Returns true if and only if the bytes are a memory map.
    pub fn is_mapped(&self) -> bool {
        matches!(self, Bytes::Mapped(_))
    }
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

/// Opens a file for reading, mapping it when `allow_mmap` and it is a
/// non-empty regular file that has not been modified recently.
pub fn open(path: &Path, allow_mmap: bool) -> io::Result<Bytes> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if allow_mmap && meta.is_file() && meta.len() > 0 && !recently_modified(&meta) {
        // SAFETY: the map is read-only and lives as long as the run reads
        // the file. The contract, as in ripgrep, is that the file is not
        // truncated while mapped: if another process truncates it, reading
        // the lost pages raises SIGBUS and the process dies. Files written
        // in the last RECENT_SECS are read instead (see the module doc);
        // appended bytes past the size seen at open are simply not read.
        if let Ok(map) = unsafe { Mmap::map(&file) } {
            return Ok(Bytes::Mapped(map));
        }
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    if meta.is_file() {
        // The size seen at open, as for a map: not what was appended since.
        (&file).take(meta.len()).read_to_end(&mut buf)?;
    } else {
        (&file).read_to_end(&mut buf)?;
    }
    Ok(Bytes::Owned(buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn age(path: &Path, secs: u64) {
        let f = File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(secs))
            .unwrap();
    }

    #[test]
    fn a_fresh_file_is_read_and_an_old_one_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"line 1\nline 2\n").unwrap();
        assert!(!open(&path, true).unwrap().is_mapped());
        age(&path, 3600);
        assert!(open(&path, true).unwrap().is_mapped());
        assert!(!open(&path, false).unwrap().is_mapped());
    }

    #[test]
    fn a_file_appended_to_after_open_is_read_up_to_the_size_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        for old in [false, true] {
            std::fs::write(&path, b"line 1\n").unwrap();
            if old {
                age(&path, 3600);
            }
            let bytes = open(&path, true).unwrap();
            assert_eq!(bytes.is_mapped(), old);
            let mut f = File::options().append(true).open(&path).unwrap();
            f.write_all(b"line 2\n").unwrap();
            assert_eq!(&bytes[..], b"line 1\n");
        }
    }

    #[test]
    fn a_live_file_truncated_after_open_keeps_its_bytes() {
        // Would be SIGBUS if the fresh file had been mapped.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, vec![b'x'; 1 << 16]).unwrap();
        let bytes = open(&path, true).unwrap();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        assert_eq!(bytes.len(), 1 << 16);
        assert!(bytes.iter().all(|&b| b == b'x'));
    }
}
