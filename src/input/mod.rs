//! Input: which files a run reads, and their bytes.
//!
//! `input/` owns bytes and positions (file, line) and never looks inside a
//! line. Paths and folders are expanded into a sorted, de-duplicated file
//! list, so file ids (and so which malformed samples are shown) do not
//! depend on the order the user gave them in. A path that cannot be read is
//! reported and the others are processed.

pub mod chunk;
pub mod decompress;
pub mod mmap;

use std::path::{Path, PathBuf};

/// File name endings read when recursing into a folder.
pub const EXTENSIONS: [&str; 5] = ["jsonl", "ndjson", "json", "csv", "log"];

/// One input of a run.
///
/// Inputs are ordered by the bytes of the path as written (standard input
/// last): the order of `source_file` as a string, which is what SQL's
/// `ORDER BY source_file` and the Spark recipes sort by, so dedupe's
/// (file, line) order is the same inside llmspend and in any engine
/// (docs/distributed.md). Not the path's component order: `a/b` comes
/// after `a-b` and `a.jsonl`.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// The key inputs are ordered and compared by.
    fn key(&self) -> (bool, &[u8]) {
        match self {
            Input::File(p) => (false, p.as_os_str().as_encoded_bytes()),
            Input::Stdin => (true, &[]),
        }
    }
}

impl PartialEq for Input {
    fn eq(&self, o: &Input) -> bool {
        self.key() == o.key()
    }
}

impl Eq for Input {}

impl PartialOrd for Input {
    fn partial_cmp(&self, o: &Input) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Input {
    fn cmp(&self, o: &Input) -> std::cmp::Ordering {
        self.key().cmp(&o.key())
    }
}

impl Input {
    /// The name used in messages and `file:line` samples.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// The path, or `-` for stdin.
    pub fn path(&self) -> &Path {
        match self {
            Input::File(p) => p,
            Input::Stdin => Path::new("-"),
        }
    }
}

/// A path that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path as given or found.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Compression suffixes accepted after one of [`EXTENSIONS`] in a folder
/// (`x.jsonl.gz`, `x.csv.zst`).
pub const COMPRESSED: [&str; 4] = ["gz", "gzip", "zst", "zstd"];

/// Returns true if and only if a file found in a folder should be read: its
/// name ends with one of [`EXTENSIONS`], optionally followed by one of
/// [`COMPRESSED`].
pub fn wanted(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = COMPRESSED
        .iter()
        .find_map(|c| name.strip_suffix(c)?.strip_suffix('.'))
        .unwrap_or(&name);
    EXTENSIONS.iter().any(|ext| {
        name.strip_suffix(ext)
            .is_some_and(|stem| stem.ends_with('.'))
    })
}

/// Expands the given paths (files, folders, `-`) into the sorted inputs of
/// the run and the paths that could not be read.
///
/// Folders are walked following symlinks, but each real folder at most
/// once: a symlink back to a folder being walked is a loop (reported, not
/// followed), and a second link to a folder already read is skipped; a
/// file reached under two names is read once. So no file is counted twice
/// through two paths. The depth guard stays as a last resort.
pub fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut walk = Walk::default();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let (files, errors, walked) = (inputs.len(), problems.len(), walk.seen.len());
                walk.dir(path, &mut inputs, &mut problems, 0);
                // A folder that yields nothing is an input that could not
                // be read, not an empty month (docs/design.md, Exit codes);
                // one already walked under another name is not.
                let new = walk.seen.len() > walked;
                if new && inputs.len() == files && problems.len() == errors {
                    problems.push(Problem {
                        path: path.display().to_string(),
                        message: format!(
                            "no log files found in {} (read: *.{{{}}}, optionally .gz or .zst)",
                            path.display(),
                            EXTENSIONS.join(",")
                        ),
                    });
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
            Err(e) => problems.push(Problem {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
    inputs.sort();
    inputs.dedup();
    // The same file spelled two ways (`a.jsonl`, `./a.jsonl`, a symlink) is
    // read once, under the first name in sorted order.
    let mut files = std::collections::HashSet::new();
    inputs.retain(|i| match i {
        Input::File(p) => files.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
        Input::Stdin => true,
    });
    (inputs, problems)
}

/// Folders seen by one discovery, by their canonical path.
#[derive(Default)]
struct Walk {
    /// Every folder walked so far.
    seen: std::collections::HashSet<PathBuf>,
    /// The folders on the current path from a root, innermost last.
    stack: Vec<PathBuf>,
}

impl Walk {
    fn dir(
        &mut self,
        dir: &Path,
        inputs: &mut Vec<Input>,
        problems: &mut Vec<Problem>,
        depth: usize,
    ) {
        let problem = |problems: &mut Vec<Problem>, message: String| {
            problems.push(Problem {
                path: dir.display().to_string(),
                message,
            })
        };
        // Deep trees are almost always a symlink loop.
        if depth > 64 {
            return problem(
                problems,
                "folder nesting deeper than 64 (symlink loop?)".into(),
            );
        }
        let real = match std::fs::canonicalize(dir) {
            Ok(real) => real,
            Err(e) => return problem(problems, e.to_string()),
        };
        if self.stack.contains(&real) {
            return problem(
                problems,
                format!("symlink loop: {} is already being read", real.display()),
            );
        }
        if !self.seen.insert(real.clone()) {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return problem(problems, e.to_string()),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => paths.push(e.path()),
                Err(e) => problem(problems, e.to_string()),
            }
        }
        paths.sort();
        self.stack.push(real);
        for path in paths {
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.dir(&path, inputs, problems, depth + 1),
                Ok(_) if wanted(&path) => inputs.push(Input::File(path)),
                Ok(_) => {}
                Err(e) => problems.push(Problem {
                    path: path.display().to_string(),
                    message: e.to_string(),
                }),
            }
        }
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_sorted_and_filtered_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir(p.join("sub")).unwrap();
        for name in [
            "b.jsonl",
            "a.csv",
            "sub/c.ndjson",
            "notes.txt",
            "x.LOG",
            "d.jsonl.gz",
            "e.csv.zst",
            "f.gz",
            "g.txt.zst",
        ] {
            std::fs::write(p.join(name), "").unwrap();
        }
        let (inputs, problems) =
            discover(&[p.to_path_buf(), p.join("a.csv"), p.join("missing.jsonl")]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| i.path().strip_prefix(p).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "a.csv",
                "b.jsonl",
                "d.jsonl.gz",
                "e.csv.zst",
                "sub/c.ndjson",
                "x.LOG"
            ]
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].path.ends_with("missing.jsonl"));
        std::fs::create_dir(p.join("empty")).unwrap();
        std::fs::write(p.join("empty/notes.txt"), "x").unwrap();
        let (inputs, problems) = discover(&[p.join("empty")]);
        assert!(inputs.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("no log files found in "));
    }
}
