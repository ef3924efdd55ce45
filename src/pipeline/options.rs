//! How a run reads its inputs: threads, a forced source, source options,
//! chunk size, memory mapping, progress.

use crate::input::chunk::CHUNK_BYTES;
use crate::sources::{Source, SourceOptions};

/// How the run reads its inputs.
#[derive(Clone)]
pub struct ReadOptions {
    /// Worker threads.
    pub threads: usize,
    /// `--source NAME`: skip detection.
    pub source: Option<&'static dyn Source>,
    /// Options for every source (`--map`).
    pub source_options: SourceOptions,
    /// Target chunk size in bytes.
    pub chunk_bytes: usize,
    /// Memory-map plain files.
    pub mmap: bool,
    /// Show a progress bar on stderr (already decided: a terminal and not
    /// `--quiet`).
    pub progress: bool,
    /// `--stdin-name`: what standard input is called in the output.
    pub stdin_name: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            threads: 1,
            source: None,
            source_options: SourceOptions::default(),
            chunk_bytes: CHUNK_BYTES,
            mmap: true,
            progress: false,
            stdin_name: None,
        }
    }
}
