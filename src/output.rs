//! Where a command's data goes: standard output, or the `-o` file.
//!
//! A file is written to a temporary file in the same folder and renamed
//! over the target only once the whole output is written, so a run that
//! fails (an unreadable input, a full disk, a panic) never leaves a
//! partial or empty file where a spreadsheet or a later job would take it
//! for a result. The temporary file is created when the command starts, so
//! an unwritable folder fails before any log is read. Data is streamed
//! through a buffer, never held whole. The summary and messages for people
//! go to standard error ([`stderr`]).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

/// A command's data output, opened.
#[derive(Debug)]
pub struct Output {
    target: Option<(PathBuf, NamedTempFile)>,
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output { target: None }
    }

    /// `-o PATH` if given, else standard output. Creates the temporary file
    /// beside `PATH` now.
    pub fn create(path: Option<&Path>) -> anyhow::Result<Output> {
        let Some(path) = path else {
            return Ok(Output::stdout());
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Output {
            target: Some((path.to_path_buf(), temp)),
        })
    }

    /// The `-o` path, if any.
    pub fn path(&self) -> Option<&Path> {
        self.target.as_ref().map(|(p, _)| p.as_path())
    }

    /// Writes the data with `write` and, for a file, puts it in place.
    /// Nothing is left at the target if `write` fails.
    pub fn write(self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        match self.target {
            None => {
                let stdout = io::stdout().lock();
                let mut out = BufWriter::with_capacity(64 << 10, stdout);
                write(&mut out)?;
                out.flush()
            }
            Some((path, temp)) => {
                let mut out = BufWriter::with_capacity(64 << 10, temp.as_file());
                write(&mut out)?;
                out.flush()?;
                drop(out);
                keep_permissions(&path, &temp)?;
                temp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

/// Gives the temporary file the permissions a newly created file would
/// have (or the replaced file's), not the owner-only mode of a temporary
/// file: the output is for others to read.
fn keep_permissions(path: &Path, temp: &NamedTempFile) -> io::Result<()> {
    let perms = match fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                return Ok(());
            }
        }
    };
    temp.as_file().set_permissions(perms)
}

/// Writes with `write` to standard error (the summary, messages).
pub fn stderr(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut err = io::stderr().lock();
    write(&mut err)?;
    err.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_once_written_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        let out = Output::create(Some(&path)).unwrap();
        assert!(!path.exists());
        out.write(|w| w.write_all(b"a,b\n")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"a,b\n");
        let out = Output::create(Some(&path)).unwrap();
        let failed = out.write(|w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"a,b\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn an_unwritable_folder_fails_at_once() {
        let err = Output::create(Some(Path::new("/no/such/folder/x.csv"))).unwrap_err();
        assert!(format!("{err:#}").starts_with("cannot create /no/such/folder/x.csv"));
    }
}
