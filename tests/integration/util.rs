//! A small harness: a temp dir with files, and the built binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary folder that files can be written into.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A new empty folder.
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn create(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The built binary, run in the crate root.
pub fn llmspend() -> Command {
    let mut cmd = Command::cargo_bin("llmspend").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    // A terminal's width must not reach the outputs tests compare.
    cmd.env_remove("COLUMNS");
    // Nor a config file of the machine running them (tests of config
    // files remove this).
    cmd.env("LLMSPEND_NO_CONFIG", "1");
    cmd
}

/// Runs and returns the output, asserting the exit code.
pub fn run(cmd: &mut Command, code: i32) -> Output {
    let out = cmd.output().expect("run llmspend");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs, expects exit 0, returns stdout as text.
pub fn stdout_ok(cmd: &mut Command) -> String {
    String::from_utf8(run(cmd, 0).stdout).expect("utf-8 stdout")
}

/// Parses CSV text into rows of cells (header included).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Parses JSON text.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}
