//! The rate card: its rows ([`Rate`], with the layer each came from) and
//! the merged card. Reading `rates/*.csv` (embedded and `--rates`, one
//! parser) is in `load`, finding the row that prices a model on a day in
//! [`pick`], and the model-id and tier rules both use in [`names`].
//!
//! Contract: docs/design.md, "Rate card". Columns are found by header name;
//! `provider`, `model`, `input_per_mtok`, `output_per_mtok` are required.
//! Every error names the file, the line and the column.

use crate::money::TokenPrice;

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
    /// Audio input (`audio_input_per_mtok`); `None`: no price, audio input
    /// is unpriced (never priced as text).
    pub audio_input: Option<TokenPrice>,
    /// Audio output (`audio_output_per_mtok`); `None` as above.
    pub audio_output: Option<TokenPrice>,
    /// Image input (`image_input_per_mtok`); `None` as above.
    pub image_input: Option<TokenPrice>,
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
    /// Display names (`Claude Sonnet 4.5`) -> model ids, from a names
    /// table in the rate card folder (`names_table.rs`).
    display_names: Vec<(String, String)>,
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

    /// Returns true if and only if some row names this provider.
    pub fn knows_provider(&self, provider: &str) -> bool {
        self.rows.iter().any(|r| r.provider == provider)
    }
}

mod load;
pub mod names;
mod names_table;
pub mod pick;

#[cfg(test)]
mod tests;
