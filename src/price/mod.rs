//! Pricing: the only module that multiplies tokens by prices.
//!
//! [`Pricer`] is per worker: it caches, per (provider, model), the rate-card
//! rows that can price it, so the per-record work is a short scan of a few
//! rows for the date, tier and long-context threshold, with no allocation.

pub mod card;
pub mod embedded;

use std::borrow::Cow;
use std::cell::Cell;

use rustc_hash::FxHashMap;

use crate::money::Money;
use crate::record::{Modal, Tokens};
pub use card::names::canonical_provider;
use card::names::is_standard_tier;
use card::pick::{Candidates, DayPick};
use card::{Rate, RateCard};

/// The price of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priced<'c> {
    /// Priced exactly.
    Cost {
        /// The cost in pico-dollars.
        cost: Money,
        /// The rate-card row that priced it (a FOCUS charge is keyed by it).
        rate: &'c Rate,
        /// The record's service tier had no row; priced at standard.
        tier_fallback: bool,
        /// An aggregated row that a long-context tier could have repriced.
        tier_skipped: bool,
    },
    /// No row matches: tokens count, cost is not guessed.
    Unpriced,
}

/// The cost of `tokens` at `rate`.
pub fn cost(rate: &Rate, tokens: &Tokens) -> Money {
    rate.input.times(tokens.input)
        + rate.output.times(tokens.output)
        + rate.cache_read.times(tokens.cache_read)
        + rate.cache_write.times(tokens.cache_write)
        + rate.cache_write_1h.times(tokens.cache_write_1h)
}

/// The audio and image part of a record's cost at `rate`
/// (docs/design.md, "Audio and image tokens"): the cost of the parts whose
/// column has a price, and the tokens of the parts whose column is empty,
/// which are not priced at all (never as text).
pub fn modal_cost(rate: &Rate, modal: &Modal) -> (Money, u64) {
    let mut cost = Money(0);
    let mut unpriced = 0u64;
    for (n, price) in [
        (modal.audio_in, rate.audio_input),
        (modal.audio_out, rate.audio_output),
        (modal.image_in, rate.image_input),
    ] {
        match price {
            _ if n == 0 => {}
            Some(p) => cost += p.times(n),
            None => unpriced = unpriced.saturating_add(n),
        }
    }
    (cost, unpriced)
}

/// Guesses the provider of a model id when the record names none: from a
/// routing prefix (`anthropic/...`), else from the model family.
pub fn infer_provider(model: &str) -> Option<Cow<'static, str>> {
    if let Some((prefix, _)) = model.split_once('/') {
        return Some(canonical_provider(prefix));
    }
    let m = model.to_ascii_lowercase();
    let family = if m.starts_with("claude") {
        "anthropic"
    } else if m.starts_with("gemini") {
        "google"
    } else if m.starts_with("gpt-")
        || m.starts_with("chatgpt")
        || m.starts_with("text-embedding")
        || m.starts_with("o1")
        || m.starts_with("o3")
        || m.starts_with("o4")
    {
        "openai"
    } else {
        return None;
    };
    Some(Cow::Borrowed(family))
}

/// What a (provider, model) pair resolves to, cached per worker.
#[derive(Debug, Clone)]
pub struct Resolved<'c> {
    /// The rows that can price it; `None` when the model is unpriced.
    pub candidates: Option<Candidates<'c>>,
    /// The canonical provider, given or inferred from the model.
    pub provider: Option<Cow<'static, str>>,
    /// The standard-tier picks of the last days priced, one slot per day
    /// modulo [`DAY_PICKS`] (per worker, as the cache that holds this):
    /// a log's lines come in no order of day.
    pub day_pick: [Cell<Option<DayPick<'c>>>; DAY_PICKS],
}

/// Days a (provider, model) remembers its standard-tier pick for: every
/// day of a log two months long is priced from the memo. (One slot, the
/// last day priced, missed on 30 lines of 31 of a month's log whose lines
/// are not sorted by day.)
pub const DAY_PICKS: usize = 64;

impl<'c> Resolved<'c> {
    /// Prices a record of this (provider, model) on `day` (UTC days).
    pub fn price(
        &self,
        day: i64,
        tier: Option<&str>,
        tokens: &Tokens,
        requests: u64,
    ) -> Priced<'c> {
        self.price_noted(day, tier, tokens, requests, 0)
    }

    /// [`Resolved::price`] with the record's [`crate::record::note`] bits:
    /// a row the source says ran above the long-context threshold
    /// (Anthropic's `context_window` `200k-1M`) is priced at the highest
    /// tier, one it says ran below at the base row, aggregated or not.
    pub fn price_noted(
        &self,
        day: i64,
        tier: Option<&str>,
        tokens: &Tokens,
        requests: u64,
        notes: u8,
    ) -> Priced<'c> {
        use crate::record::note;
        let Some(candidates) = &self.candidates else {
            return Priced::Unpriced;
        };
        if notes & (note::LONG_CONTEXT | note::SHORT_CONTEXT) != 0 {
            let long = notes & note::LONG_CONTEXT != 0;
            let total = if long { u64::MAX } else { 0 };
            return match candidates.pick(day, tier, total, false) {
                Some(pick) => Priced::Cost {
                    cost: cost(pick.rate, tokens),
                    rate: pick.rate,
                    tier_fallback: pick.tier_fallback,
                    tier_skipped: false,
                },
                None => Priced::Unpriced,
            };
        }
        // A row for many requests, or for an unknown number (0: an aggregated
        // report without a request count), is never long-context tiered.
        let total_input = tokens.total_input();
        let remembered = tier
            .is_none_or(is_standard_tier)
            .then(|| self.day_pick_of(candidates, day))
            .filter(|memo| memo.holds(total_input));
        let pick = match remembered {
            Some(memo) => memo.pick,
            None => candidates.pick(day, tier, total_input, requests != 1),
        };
        match pick {
            Some(pick) => Priced::Cost {
                cost: cost(pick.rate, tokens),
                rate: pick.rate,
                tier_fallback: pick.tier_fallback,
                tier_skipped: pick.tier_skipped,
            },
            None => Priced::Unpriced,
        }
    }

    /// The long-context row an aggregated row was not priced at (when
    /// [`Priced::Cost::tier_skipped`]), for the cost at risk.
    pub fn skipped_tier(&self, day: i64, tier: Option<&str>, tokens: &Tokens) -> Option<&'c Rate> {
        let pick = self
            .candidates
            .as_ref()?
            .pick(day, tier, tokens.total_input(), false)?;
        pick.rate.above.is_some().then_some(pick.rate)
    }

    /// The standard-tier pick of `day`, remembered until another day.
    fn day_pick_of(&self, candidates: &Candidates<'c>, day: i64) -> DayPick<'c> {
        let slot = &self.day_pick[(day as usize) % DAY_PICKS];
        match slot.get() {
            Some(memo) if memo.day == day => memo,
            _ => {
                let memo = candidates.day_pick(day);
                slot.set(Some(memo));
                memo
            }
        }
    }
}

/// A per-worker price resolver with a cache of rate-card candidates.
pub struct Pricer<'c> {
    card: &'c RateCard,
    cache: FxHashMap<(u32, u32), Resolved<'c>>,
}

impl<'c> Pricer<'c> {
    /// A resolver over a card.
    pub fn new(card: &'c RateCard) -> Self {
        Pricer {
            card,
            cache: FxHashMap::default(),
        }
    }

    /// The model id the card's names table gives a display name.
    pub fn model_of_display_name(&self, name: &str) -> Option<&'c str> {
        self.card.model_of_display_name(name)
    }

    /// Resolves a (provider, model) pair; `key` is their interned ids, for
    /// the cache.
    pub fn resolve(
        &mut self,
        key: (u32, u32),
        provider: Option<&str>,
        model: Option<&str>,
    ) -> &Resolved<'c> {
        let card = self.card;
        self.cache.entry(key).or_insert_with(|| {
            let model = model.map(|m| m.trim().to_ascii_lowercase());
            let provider = match (provider, &model) {
                (Some(p), _) => Some(canonical_provider(p)),
                (None, Some(m)) => infer_provider(m),
                (None, None) => None,
            };
            let candidates = model
                .as_deref()
                .and_then(|m| card.candidates(provider.as_deref(), m));
            Resolved {
                candidates,
                provider,
                day_pick: std::array::from_fn(|_| Cell::new(None)),
            }
        })
    }

    /// Resolves and prices in one step.
    #[allow(clippy::too_many_arguments)]
    pub fn price(
        &mut self,
        key: (u32, u32),
        provider: Option<&str>,
        model: Option<&str>,
        day: i64,
        tier: Option<&str>,
        tokens: &Tokens,
        requests: u64,
    ) -> Priced<'c> {
        self.resolve(key, provider, model)
            .price(day, tier, tokens, requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_and_image_are_priced_at_their_columns_or_left_unpriced() {
        let mut card = RateCard::default();
        card.add_csv(
            "t.csv",
            "provider,model,input_per_mtok,output_per_mtok,audio_input_per_mtok,image_input_per_mtok\n\
             openai,m,1,2,40,\n",
            card::Layer::User,
        )
        .unwrap();
        let rate = &card.rows()[0];
        let modal = Modal {
            audio_in: 1_000,
            audio_out: 7,
            image_in: 5,
        };
        // 1,000 x $40 per MTok = $0.04; audio output and image input have
        // no price: 12 tokens unpriced, none priced at the text columns.
        assert_eq!(modal_cost(rate, &modal), (Money(40_000_000_000), 12));
        assert_eq!(modal_cost(rate, &Modal::default()), (Money(0), 0));
    }
}
