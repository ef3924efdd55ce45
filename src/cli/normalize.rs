//! `llmspend normalize`'s options.

use std::path::PathBuf;

use clap::Args;

use super::common::{AttributionArgs, FilterArgs, InputArgs};
use crate::normalize::ddl::Engine;

/// What `normalize` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NormalizeFormat {
    /// Parquet files under the folder OUT, one per day (`day=YYYY-MM-DD/`).
    Parquet,
    /// JSON lines to the file OUT or `-` (standard output), with an
    /// accounting trailer.
    Jsonl,
}

/// `llmspend normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Files and folders to read, as for `report`; `-` reads standard input.
    #[arg(required_unless_present = "print_ddl", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Where the rows go: a folder for Parquet, a file or `-` for JSONL.
    #[arg(short, long, value_name = "OUT", required_unless_present = "print_ddl")]
    pub output: Option<PathBuf>,

    /// `parquet` (the default when OUT is a folder or has no extension)
    /// or `jsonl` (the default for `-` and `*.jsonl`).
    #[arg(long, value_enum)]
    pub format: Option<NormalizeFormat>,

    /// Names the run's Parquet files (`part-<RUN>.parquet`) and manifest;
    /// by default derived from the inputs, options and rate card, so a
    /// re-run replaces its own files.
    #[arg(long, value_name = "RUN")]
    pub run_id: Option<String>,

    /// Print the CREATE TABLE (or view) for the Parquet files of this
    /// schema in ENGINE's SQL, and read nothing.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub print_ddl: Option<Engine>,

    /// With --print-ddl: where the files are (default: -o, else `usage`).
    #[arg(long, value_name = "URL", requires = "print_ddl")]
    pub location: Option<String>,

    /// Which records count.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// How inputs are read and priced.
    #[command(flatten)]
    pub input: InputArgs,

    /// How owners are found and duplicates dropped.
    #[command(flatten)]
    pub attribution: AttributionArgs,

    /// Also write the run's accounting (the JSON report's) to FILE.
    #[arg(long, value_name = "FILE")]
    pub accounting: Option<PathBuf>,

    /// No progress output; on stderr only the warnings that change the
    /// numbers.
    #[arg(short, long)]
    pub quiet: bool,
}
