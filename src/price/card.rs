//! The rate card: parsing `rates/*.csv` (embedded and `--rates`, one
//! parser) and resolving which row prices a model on a day.
//!
//! Contract: DESIGN.md, "Rate card". Columns are found by header name;
//! `provider`, `model`, `input_per_mtok`, `output_per_mtok` are required.
//! Every error names the file, the line and the column.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::money::TokenPrice;
use crate::time::parse_date;

/// Which layer a row came from; `--rates` rows beat embedded rows at equal
/// specificity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Compiled into the binary from `rates/`.
    Embedded,
    /// Given with `--rates`.
    User,
}

/// One row of the rate card, with defaults already applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    /// `openai`, `anthropic`, ... or `*`.
    pub provider: String,
    /// Exact model id or a glob with `*`, lowercase.
    pub model: String,
    /// First day (days since 1970-01-01) the price applies, inclusive.
    pub from: Option<i64>,
    /// First day it no longer applies, exclusive.
    pub to: Option<i64>,
    /// Uncached input.
    pub input: TokenPrice,
    /// Output.
    pub output: TokenPrice,
    /// Cache reads.
    pub cache_read: TokenPrice,
    /// 5-minute (or unspecified) cache writes.
    pub cache_write: TokenPrice,
    /// 1-hour cache writes.
    pub cache_write_1h: TokenPrice,
    /// `None` for standard, else the tier the row prices.
    pub tier: Option<String>,
    /// Long-context threshold on total input.
    pub above: Option<u64>,
    /// Where the row was read.
    pub file: String,
    /// Physical line in that file, from 1.
    pub line: u64,
    /// Embedded or `--rates`.
    pub layer: Layer,
}

impl Rate {
    /// Returns true if and only if the row applies on `day`.
    pub fn in_force(&self, day: i64) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day < t)
    }

    /// Returns true if and only if the model pattern is a glob.
    pub fn is_glob(&self) -> bool {
        self.model.contains('*')
    }

    /// Specificity for resolution: exact beats glob, then a longer literal
    /// part, then `--rates` over embedded.
    fn specificity(&self) -> (bool, usize, Layer) {
        (
            !self.is_glob(),
            self.model.chars().filter(|&c| c != '*').count(),
            self.layer,
        )
    }

    /// Returns true if and only if the row's pattern matches a lowercase model id.
    pub fn matches_model(&self, model: &str) -> bool {
        glob_match(&self.model, model)
    }
}

/// Matches `text` against a pattern where `*` is any run of characters.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// An invalid rate card: fatal, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RateCardError {
    /// The file.
    pub file: String,
    /// The physical line, from 1 (0 when the file itself is the problem).
    pub line: u64,
    /// What is wrong, naming the column.
    pub message: String,
}

/// The merged rate card.
#[derive(Debug, Clone, Default)]
pub struct RateCard {
    rows: Vec<Rate>,
}

const REQUIRED: [&str; 4] = ["provider", "model", "input_per_mtok", "output_per_mtok"];
const OPTIONAL: [&str; 7] = [
    "effective_from",
    "effective_to",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "service_tier",
    "above_input_tokens",
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
    /// The card compiled into the binary.
    pub fn embedded() -> Result<RateCard, RateCardError> {
        let mut card = RateCard::default();
        for (name, text) in crate::price::embedded::FILES {
            card.add_csv(name, text, Layer::Embedded)?;
        }
        Ok(card)
    }

    /// Every row, embedded first, in file order.
    pub fn rows(&self) -> &[Rate] {
        &self.rows
    }

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
            let provider = cell("provider").to_ascii_lowercase();
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

    /// Returns true if and only if some row names this provider.
    pub fn knows_provider(&self, provider: &str) -> bool {
        self.rows.iter().any(|r| r.provider == provider)
    }

    /// Finds the rows that can price `model` (lowercase) from `provider`,
    /// most specific first, trying the full id, then without a routing
    /// prefix, then (Bedrock) without an inference-profile prefix and then
    /// without the vendor prefix and `-v1:0` version, then without a dated
    /// snapshot suffix.
    pub fn candidates(&self, provider: Option<&str>, model: &str) -> Option<Candidates<'_>> {
        let provider = provider.filter(|p| self.knows_provider(p));
        let mut tried = Vec::with_capacity(5);
        tried.push((model.to_string(), MatchKind::Full));
        let unprefixed = model.rsplit_once('/').map(|(_, m)| m);
        if let Some(m) = unprefixed {
            tried.push((m.to_string(), MatchKind::PrefixDropped));
        }
        let mut base = unprefixed.unwrap_or(model);
        // A Bedrock inference profile without a row of its own is priced as
        // its base model (regional profiles of newer Claude models cost
        // more, so rates/bedrock.csv lists them explicitly), then as the
        // vendor's own id without the `-v1:0` version.
        if let Some(m) = drop_profile(base) {
            tried.push((m.to_string(), MatchKind::ProfileDropped));
            base = m;
        }
        if let Some(m) = drop_model_version(base) {
            tried.push((m.to_string(), MatchKind::ProfileDropped));
            base = m;
        }
        if let Some(m) = drop_snapshot(base) {
            tried.push((m.to_string(), MatchKind::SnapshotDropped));
        }
        for (id, kind) in tried {
            let mut rows: Vec<&Rate> = self
                .rows
                .iter()
                .filter(|r| r.provider == "*" || provider.is_none_or(|p| r.provider == p))
                .filter(|r| r.matches_model(&id))
                .collect();
            if rows.is_empty() {
                continue;
            }
            rows.sort_by(|a, b| {
                b.specificity()
                    .cmp(&a.specificity())
                    .then_with(|| a.model.cmp(&b.model))
                    .then_with(|| a.provider.cmp(&b.provider))
            });
            let groups = rows
                .iter()
                .map(|r| {
                    let first = rows
                        .iter()
                        .position(|o| o.layer == r.layer && o.model == r.model);
                    first.unwrap_or(0) as u32
                })
                .collect();
            return Some(Candidates {
                id,
                kind,
                rows,
                groups,
            });
        }
        None
    }
}

/// How a model id was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The id as written.
    Full,
    /// After dropping a routing prefix such as `openai/`.
    PrefixDropped,
    /// After dropping the prefix and a dated snapshot suffix.
    SnapshotDropped,
    /// After dropping a Bedrock inference-profile prefix (`us.`, `global.`,
    /// ...) or a Bedrock vendor prefix and `-v1:0` version suffix.
    ProfileDropped,
}

impl fmt::Display for MatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MatchKind::Full => "the full model id",
            MatchKind::PrefixDropped => "the model id without its routing prefix",
            MatchKind::SnapshotDropped => "the model id without its dated snapshot suffix",
            MatchKind::ProfileDropped => "the base model of a Bedrock inference profile",
        })
    }
}

/// The rows that can price one model, most specific first.
#[derive(Debug, Clone)]
pub struct Candidates<'c> {
    /// The id that matched.
    pub id: String,
    /// How it was derived from the record's model.
    pub kind: MatchKind,
    /// Matching rows, most specific first.
    pub rows: Vec<&'c Rate>,
    /// For each row, the index of the first row of the same model and
    /// layer: [`Candidates::pick`] compares these instead of model names
    /// (a string comparison per row per record).
    groups: Vec<u32>,
}

/// What [`Candidates::pick`] chose for one request.
#[derive(Debug, Clone, Copy)]
pub struct Pick<'c> {
    /// The row that prices the request.
    pub rate: &'c Rate,
    /// The record's tier had no row; the standard row was used.
    pub tier_fallback: bool,
    /// An aggregated row whose input exceeds a long-context threshold that
    /// a single request would have been repriced at.
    pub tier_skipped: bool,
}

impl<'c> Candidates<'c> {
    /// Picks the row for a request on `day` of `tier` with `total_input`
    /// input tokens; `aggregated` rows are never long-context tiered.
    pub fn pick(
        &self,
        day: i64,
        tier: Option<&str>,
        total_input: u64,
        aggregated: bool,
    ) -> Option<Pick<'c>> {
        // No allocation here: this runs once per record.
        let top = self.rows.iter().position(|r| r.in_force(day))?;
        // Specificity is a function of (model, layer), so "same specificity
        // and same model" is "same model and layer": the row's group.
        let group = self.groups[top];
        let in_group = || {
            self.rows
                .iter()
                .zip(&self.groups)
                .filter(move |(r, g)| **g == group && r.in_force(day))
                .map(|(r, _)| r)
        };
        let tier = tier.filter(|t| !is_standard_tier(t));
        let has_tier_row = tier.is_some() && in_group().any(|r| r.tier.as_deref() == tier);
        let want = if has_tier_row { tier } else { None };
        let rows = || in_group().filter(move |r| r.tier.as_deref() == want);
        let base = rows().find(|r| r.above.is_none()).copied();
        let tiered = rows()
            .filter(|r| r.above.is_some_and(|n| total_input > n))
            .max_by_key(|r| r.above)
            .copied();
        let (rate, tier_skipped) = match (tiered, aggregated) {
            (Some(t), false) => (t, false),
            (Some(_), true) => (base?, true),
            (None, _) => (base?, false),
        };
        Some(Pick {
            rate,
            tier_fallback: tier.is_some() && !has_tier_row,
            tier_skipped,
        })
    }
}

/// What [`Candidates::pick`] gives on one day for the standard tier below
/// every long-context threshold, and the lowest threshold of those rows:
/// the answer for most records, worked out once per model and day.
#[derive(Debug, Clone, Copy)]
pub struct DayPick<'c> {
    /// The day it holds for.
    pub day: i64,
    /// The pick for a request of at most `lowest_above` input tokens.
    pub pick: Option<Pick<'c>>,
    /// The lowest long-context threshold in force; `None`: no such row.
    pub lowest_above: Option<u64>,
}

impl<'c> Candidates<'c> {
    /// The standard-tier pick of `day` for requests below every threshold.
    pub fn day_pick(&self, day: i64) -> DayPick<'c> {
        let pick = self.pick(day, None, 0, false);
        let lowest_above = self
            .rows
            .iter()
            .position(|r| r.in_force(day))
            .and_then(|top| {
                let group = self.groups[top];
                self.rows
                    .iter()
                    .zip(&self.groups)
                    .filter(|(r, g)| **g == group && r.in_force(day) && r.tier.is_none())
                    .filter_map(|(r, _)| r.above)
                    .min()
            });
        DayPick {
            day,
            pick,
            lowest_above,
        }
    }
}

impl DayPick<'_> {
    /// Returns true if and only if this answers a standard-tier request of
    /// `total_input` input tokens on its day (single or aggregated alike:
    /// below every threshold, neither is tiered).
    #[inline]
    pub fn holds(&self, total_input: u64) -> bool {
        self.lowest_above.is_none_or(|n| total_input <= n)
    }
}

/// Returns true if and only if a tier name means the standard price.
pub fn is_standard_tier(tier: &str) -> bool {
    // No allocation: this runs per record that names a tier.
    ["", "standard", "default", "auto", "on_demand", "on-demand"]
        .iter()
        .any(|s| tier.eq_ignore_ascii_case(s))
}

/// Bedrock cross-region inference profile prefixes.
const PROFILE_PREFIXES: [&str; 7] = ["us.", "eu.", "apac.", "jp.", "global.", "us-gov.", "ca."];

/// Drops a Bedrock inference-profile prefix (`us.anthropic.claude-...` ->
/// `anthropic.claude-...`); `None` when the id has none.
pub fn drop_profile(model: &str) -> Option<&str> {
    let rest = PROFILE_PREFIXES
        .iter()
        .find_map(|p| model.strip_prefix(p))?;
    // A vendor segment must follow (`anthropic.`, `meta.`, `amazon.`).
    rest.split_once('.')
        .filter(|(vendor, _)| !vendor.is_empty() && vendor.bytes().all(|b| b.is_ascii_lowercase()))
        .map(|_| rest)
}

/// Drops a Bedrock model version suffix (`...-v1:0`, `...-v2`) and the
/// vendor prefix, leaving the provider's own id
/// (`anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929`).
pub fn drop_model_version(model: &str) -> Option<&str> {
    let (vendor, id) = model.split_once('.')?;
    if vendor.is_empty()
        || !vendor
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    let at = id.rfind("-v")?;
    let version = &id[at + 2..];
    let (major, minor) = version.split_once(':').unwrap_or((version, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| &id[..at])
}

/// Drops a dated snapshot suffix: `-2024-05-13`, `-20250929`, `@20250929`,
/// `-0613` style (four digits), and `-latest`.
pub fn drop_snapshot(model: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(m) = model.strip_suffix("-latest") {
        return Some(m);
    }
    let b = model.as_bytes();
    let n = b.len();
    if n > 11 && b[n - 11] == b'-' && b[n - 6] == b'-' && b[n - 3] == b'-' {
        let (y, m, d) = (&model[n - 10..n - 6], &model[n - 5..n - 3], &model[n - 2..]);
        if digits(y) && digits(m) && digits(d) {
            return Some(&model[..n - 11]);
        }
    }
    if n > 9 && (b[n - 9] == b'-' || b[n - 9] == b'@') && digits(&model[n - 8..]) {
        return Some(&model[..n - 9]);
    }
    if n > 5 && b[n - 5] == b'-' && digits(&model[n - 4..]) {
        return Some(&model[..n - 5]);
    }
    None
}

#[cfg(test)]
mod tests;
