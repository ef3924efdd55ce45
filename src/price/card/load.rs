//! Reading rate-card CSV (`rates/*.csv`, embedded or `--rates`) into the
//! card: columns found by header name, every value checked, and every
//! error naming the file, the line and the column.

use std::path::{Path, PathBuf};

use crate::money::TokenPrice;
use crate::time::parse_date;

use super::{Layer, Rate, RateCard, RateCardError};

const REQUIRED: [&str; 4] = ["provider", "model", "input_per_mtok", "output_per_mtok"];
const OPTIONAL: [&str; 10] = [
    "effective_from",
    "effective_to",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "service_tier",
    "above_input_tokens",
    // Appended (docs/design.md, "Rate card"): an older card without them
    // still loads, and its audio and image tokens are unpriced.
    "audio_input_per_mtok",
    "audio_output_per_mtok",
    "image_input_per_mtok",
];

/// The physical line a CSV record starts on. The `csv` crate gives the
/// position where it began scanning, before the empty and `#` comment lines
/// it skipped; an error must name the record's own line.
fn record_line(text: &str, pos: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut at = (pos.byte() as usize).min(bytes.len());
    let mut line = pos.line();
    while at < bytes.len() {
        match bytes[at] {
            b'\r' => at += 1,
            b'\n' => {
                at += 1;
                line += 1;
            }
            b'#' => match memchr::memchr(b'\n', &bytes[at..]) {
                Some(i) => {
                    at += i + 1;
                    line += 1;
                }
                None => break,
            },
            _ => break,
        }
    }
    line
}

impl RateCard {
    /// Adds the rows of `--rates PATH`: a CSV file or a folder of them.
    pub fn add_path(&mut self, path: &Path) -> Result<(), RateCardError> {
        let io_err = |e: std::io::Error| RateCardError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read: {e}"),
        };
        let mut files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .map_err(io_err)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        files.sort();
        if files.is_empty() {
            return Err(RateCardError {
                file: path.display().to_string(),
                line: 0,
                message: "no .csv rate files in this folder".into(),
            });
        }
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| RateCardError {
                file: file.display().to_string(),
                line: 0,
                message: format!("cannot read: {e}"),
            })?;
            self.add_csv(&file.display().to_string(), &text, Layer::User)?;
        }
        Ok(())
    }

    /// Parses one rate CSV and adds its rows, checking that no two rows tie.
    pub fn add_csv(&mut self, file: &str, text: &str, layer: Layer) -> Result<(), RateCardError> {
        let err = |line: u64, message: String| RateCardError {
            file: file.to_string(),
            line,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = loop {
            match records.next() {
                None => return Err(err(0, "no header row".into())),
                Some(Err(e)) => {
                    return Err(err(e.position().map_or(0, |p| p.line()), e.to_string()))
                }
                Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(r)) => break r,
            }
        };
        let header_line = header.position().map_or(1, |p| record_line(text, p));
        let names: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
        if names == super::names_table::HEADER {
            return self.add_display_names(file, records);
        }
        for name in &names {
            if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
                return Err(err(
                    header_line,
                    format!(
                        "unknown column `{name}`; columns are {}",
                        REQUIRED
                            .iter()
                            .chain(OPTIONAL.iter())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let col = |name: &str| names.iter().position(|n| n == name);
        for name in REQUIRED {
            if col(name).is_none() {
                return Err(err(
                    header_line,
                    format!("missing required column `{name}`"),
                ));
            }
        }
        let start = self.rows.len();
        for record in records {
            let record =
                record.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = record.position().map_or(0, |p| record_line(text, p));
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != names.len() {
                return Err(err(
                    line,
                    format!(
                        "{} fields, but the header has {}",
                        record.len(),
                        names.len()
                    ),
                ));
            }
            let cell = |name: &str| col(name).map(|i| record[i].trim()).unwrap_or("");
            let price = |name: &str| -> Result<Option<TokenPrice>, RateCardError> {
                let v = cell(name);
                if v.is_empty() {
                    return Ok(None);
                }
                TokenPrice::parse_per_mtok(v)
                    .map(Some)
                    .map_err(|e| err(line, format!("column `{name}`: {e}")))
            };
            let required = |name: &str| -> Result<TokenPrice, RateCardError> {
                price(name)?.ok_or_else(|| err(line, format!("column `{name}` is empty")))
            };
            let date = |name: &str| -> Result<Option<i64>, RateCardError> {
                let v = cell(name);
                if v.is_empty() {
                    return Ok(None);
                }
                parse_date(v).map(Some).ok_or_else(|| {
                    err(
                        line,
                        format!("column `{name}`: `{v}` is not a YYYY-MM-DD date"),
                    )
                })
            };
            let provider = super::names::canonical_provider(cell("provider")).into_owned();
            let model = cell("model").to_ascii_lowercase();
            if provider.is_empty() {
                return Err(err(line, "column `provider` is empty".into()));
            }
            if model.is_empty() {
                return Err(err(line, "column `model` is empty".into()));
            }
            let input = required("input_per_mtok")?;
            let output = required("output_per_mtok")?;
            let cache_write = price("cache_write_per_mtok")?.unwrap_or(input);
            let from = date("effective_from")?;
            let to = date("effective_to")?;
            if let (Some(f), Some(t)) = (from, to) {
                if t <= f {
                    return Err(err(
                        line,
                        "column `effective_to`: must be after effective_from".into(),
                    ));
                }
            }
            let above = match cell("above_input_tokens") {
                "" => None,
                v => Some(v.parse::<u64>().map_err(|_| {
                    err(
                        line,
                        format!(
                            "column `above_input_tokens`: `{v}` is not a whole number of tokens"
                        ),
                    )
                })?),
            };
            let tier = match cell("service_tier").to_ascii_lowercase().as_str() {
                "" | "standard" => None,
                t => Some(t.to_string()),
            };
            self.rows.push(Rate {
                provider,
                model,
                from,
                to,
                input,
                output,
                cache_read: price("cache_read_per_mtok")?.unwrap_or(input),
                cache_write,
                cache_write_1h: price("cache_write_1h_per_mtok")?.unwrap_or(cache_write),
                audio_input: price("audio_input_per_mtok")?,
                audio_output: price("audio_output_per_mtok")?,
                image_input: price("image_input_per_mtok")?,
                tier,
                above,
                file: file.to_string(),
                line,
                layer,
            });
        }
        self.check_ties(start)
    }

    fn check_ties(&self, start: usize) -> Result<(), RateCardError> {
        for (i, new) in self.rows.iter().enumerate().skip(start) {
            for old in &self.rows[..i] {
                let same = old.layer == new.layer
                    && old.provider == new.provider
                    && old.model == new.model
                    && old.tier == new.tier
                    && old.above == new.above;
                let overlap = old.from.max(new.from).unwrap_or(i64::MIN)
                    < old.to.unwrap_or(i64::MAX).min(new.to.unwrap_or(i64::MAX));
                if same && overlap {
                    return Err(RateCardError {
                        file: new.file.clone(),
                        line: new.line,
                        message: format!(
                            "row ties with {}:{} (same provider, model, service_tier and above_input_tokens on overlapping dates)",
                            old.file, old.line
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}
