//! Where a command's data goes: standard output, or the `-o` file.
//!
//! A file is written to a temporary file in the same folder and renamed
//! over the target only once the whole output is written, so a run that
//! fails (an unreadable input, a full disk, a panic) never leaves a
//! partial or empty file where a spreadsheet or a later job would take it
//! for a result. The temporary file is created when the command starts, so
//! an unwritable folder fails before any log is read. A target that exists
//! and is not a regular file (`/dev/null`, a named pipe, `/dev/stdout`) is
//! written in place: renaming over it would replace the device or pipe
//! with a file. A symbolic link is followed, so the file it points to is
//! replaced, not the link. Data is streamed through a buffer, never held
//! whole. The summary and messages for people
//! go to standard error ([`stderr`]).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

/// A command's data output, opened.
#[derive(Debug)]
pub struct Output {
    path: Option<PathBuf>,
    target: Target,
}

#[derive(Debug)]
enum Target {
    Stdout,
    /// A regular file (or none yet): written beside it, then renamed.
    Replace {
        path: PathBuf,
        temp: NamedTempFile,
    },
    /// A device, pipe or socket: written in place.
    InPlace(fs::File),
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output {
            path: None,
            target: Target::Stdout,
        }
    }

    /// `-o PATH` if given, else standard output. Creates the temporary file
    /// beside `PATH` now.
    pub fn create(path: Option<&Path>) -> anyhow::Result<Output> {
        let Some(path) = path else {
            return Ok(Output::stdout());
        };
        let cannot = || format!("cannot create {}", path.display());
        let target = match fs::metadata(path) {
            Ok(m) if !m.is_file() && !m.is_dir() => Target::InPlace(
                fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(cannot)?,
            ),
            _ => {
                // Follow a link to the file it names.
                let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
                let dir = match real.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let name = real
                    .file_name()
                    .map_or("out".into(), |n| n.to_string_lossy());
                let temp = tempfile::Builder::new()
                    .prefix(&format!(".{name}."))
                    .suffix(".tmp")
                    .tempfile_in(&dir)
                    .with_context(cannot)?;
                Target::Replace { path: real, temp }
            }
        };
        Ok(Output {
            path: Some(path.to_path_buf()),
            target,
        })
    }

    /// The `-o` path, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Writes the data with `write` and, for a file, puts it in place.
    /// Nothing is left at the target if `write` fails.
    pub fn write(self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        match self.target {
            Target::Stdout => {
                let stdout = io::stdout().lock();
                let mut out = BufWriter::with_capacity(64 << 10, stdout);
                write(&mut out)?;
                out.flush()
            }
            Target::InPlace(file) => {
                let mut out = BufWriter::with_capacity(64 << 10, file);
                write(&mut out)?;
                out.flush()
            }
            Target::Replace { path, temp } => {
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

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_and_a_link_is_followed() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        let out = Output::create(Some(&fifo)).unwrap();
        out.write(|w| w.write_all(b"through the pipe\n")).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe\n");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

        let real = dir.path().join("real.csv");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        Output::create(Some(&link))
            .unwrap()
            .write(|w| w.write_all(b"new"))
            .unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn an_unwritable_folder_fails_at_once() {
        let err = Output::create(Some(Path::new("/no/such/folder/x.csv"))).unwrap_err();
        assert!(format!("{err:#}").starts_with("cannot create /no/such/folder/x.csv"));
    }
}
