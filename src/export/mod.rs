//! `llmspend export`'s formats: a FOCUS 1.2 CostAndUsage dataset (one row
//! per charge, `focus.rs`, docs/focus.md) or llmspend's own priced records
//! (one row per usage record, `records.rs`), written as CSV or Parquet
//! from one typed [`table::Table`].

pub mod focus;
pub mod parquet;
pub mod records;
pub mod table;

use std::path::Path;

use crate::dimension::Dimension;
use crate::sink::charges::Period;

/// `export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A FOCUS 1.2 CostAndUsage CSV: one row per charge.
    Focus,
    /// The same FOCUS dataset as Parquet (needs -o).
    FocusParquet,
    /// llmspend's priced records, one row per usage record, as CSV.
    Csv,
    /// llmspend's priced records as Parquet (needs -o).
    Parquet,
}

impl ExportFormat {
    /// Its `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Focus => "focus",
            ExportFormat::FocusParquet => "focus-parquet",
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }

    /// Returns true if and only if it writes Parquet (binary: never to a
    /// terminal or standard output).
    pub fn is_parquet(self) -> bool {
        matches!(self, ExportFormat::FocusParquet | ExportFormat::Parquet)
    }

    /// Returns true if and only if it writes FOCUS charges.
    pub fn is_focus(self) -> bool {
        matches!(self, ExportFormat::Focus | ExportFormat::FocusParquet)
    }

    /// The format a file name's extension asks for, in this format's
    /// family (FOCUS or records), if it contradicts this one: `x.parquet`
    /// with `--format focus` gives `focus-parquet`.
    pub fn contradicted_by(self, path: &Path) -> Option<ExportFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = [".gz", ".zst"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(&name);
        let wants_parquet = if name.ends_with(".parquet") {
            true
        } else if name.ends_with(".csv") {
            false
        } else {
            return None;
        };
        let right = match (self.is_focus(), wants_parquet) {
            (true, true) => ExportFormat::FocusParquet,
            (true, false) => ExportFormat::Focus,
            (false, true) => ExportFormat::Parquet,
            (false, false) => ExportFormat::Csv,
        };
        (right != self).then_some(right)
    }
}

/// What `export` needs beyond a report's config.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// `--format`.
    pub format: ExportFormat,
    /// `--tags`: the dimensions written into `Tags`.
    pub tags: Vec<Dimension>,
    /// `--period`.
    pub period: Period,
}

/// The default `--tags`.
pub const DEFAULT_TAGS: &str = "team,cost_center,service,route,environment,customer";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extension_that_contradicts_the_format_names_the_right_one() {
        let p = Path::new;
        use ExportFormat::*;
        assert_eq!(Focus.contradicted_by(p("x.parquet")), Some(FocusParquet));
        assert_eq!(FocusParquet.contradicted_by(p("x.focus.csv")), Some(Focus));
        assert_eq!(Csv.contradicted_by(p("r.PARQUET")), Some(Parquet));
        assert_eq!(Parquet.contradicted_by(p("r.csv")), Some(Csv));
        assert_eq!(Focus.contradicted_by(p("x.focus.csv")), None);
        assert_eq!(FocusParquet.contradicted_by(p("x.parquet")), None);
        assert_eq!(Focus.contradicted_by(p("x.txt")), None);
        assert_eq!(Focus.contradicted_by(p("/dev/null")), None);
    }
}
