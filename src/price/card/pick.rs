//! Which rows of the card can price a request: the candidates for a model
//! id (as written, then with prefixes and a snapshot suffix dropped), and
//! the pick among them by day, service tier and request size.

use std::fmt;

use super::names::{drop_model_version, drop_profile, drop_snapshot, is_standard_tier};
use super::{Rate, RateCard};

impl RateCard {
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
