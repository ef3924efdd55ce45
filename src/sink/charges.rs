//! The charge tally: the sink of `export --format focus|focus-parquet`.
//!
//! A FOCUS row is a charge: the tokens of one token type priced by one
//! rate-card row over one charge period, for one provider, model, service
//! tier, project and tag set (docs/focus.md, "One row per charge"). Per
//! worker this sums each priced record's tokens by that key; the cost of a
//! charge is computed once, from its token sum and the row's unit price, so
//! it equals the sum of the records' exact costs (price x tokens is linear
//! and never rounded).
//!
//! The same sink also runs the group tally of `report`, so the export's
//! stderr accounting (unpriced models, unattributed shares, line buckets)
//! is report's, figure for figure. Outputs are sums: they merge by addition
//! and duplicates are subtracted, so dedupe works as in `report`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::tally::{GroupTally, Tally};
use super::{Consumer, PricedRecord, RecordSink};
use crate::aggregate::Interner;
use crate::dimension::Dimension;
use crate::money::{Money, TokenPrice};
use crate::price::card::Rate;
use crate::record::{Field, Tokens};
use crate::report::Sums;
use crate::worker::Plan;

/// A token type: each has its own unit price, so its own charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenType {
    /// Uncached input.
    Input,
    /// Output.
    Output,
    /// Cache reads.
    CacheRead,
    /// 5-minute (or unspecified) cache writes.
    CacheWrite,
    /// 1-hour cache writes.
    CacheWrite1h,
}

impl TokenType {
    /// Every token type.
    pub const ALL: [TokenType; 5] = [
        TokenType::Input,
        TokenType::Output,
        TokenType::CacheRead,
        TokenType::CacheWrite,
        TokenType::CacheWrite1h,
    ];

    /// The `x_TokenType` value.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Input => "input",
            TokenType::Output => "output",
            TokenType::CacheRead => "cache_read",
            TokenType::CacheWrite => "cache_write",
            TokenType::CacheWrite1h => "cache_write_1h",
        }
    }

    /// The `SkuMeter` value.
    pub fn meter(self) -> &'static str {
        match self {
            TokenType::Input => "Input Tokens",
            TokenType::Output => "Output Tokens",
            TokenType::CacheRead => "Cache Read Tokens",
            TokenType::CacheWrite => "Cache Write Tokens",
            TokenType::CacheWrite1h => "Cache Write Tokens (1h)",
        }
    }

    /// This type's tokens of a record.
    pub fn of(self, t: &Tokens) -> u64 {
        match self {
            TokenType::Input => t.input,
            TokenType::Output => t.output,
            TokenType::CacheRead => t.cache_read,
            TokenType::CacheWrite => t.cache_write,
            TokenType::CacheWrite1h => t.cache_write_1h,
        }
    }

    /// This type's price on a rate-card row (defaults already applied when
    /// the card was read: cache prices fall back to the input price).
    pub fn price(self, rate: &Rate) -> TokenPrice {
        match self {
            TokenType::Input => rate.input,
            TokenType::Output => rate.output,
            TokenType::CacheRead => rate.cache_read,
            TokenType::CacheWrite => rate.cache_write,
            TokenType::CacheWrite1h => rate.cache_write_1h,
        }
    }
}

/// How long a charge period is (`--period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    /// One UTC hour.
    Hour,
    /// One UTC day.
    Day,
    /// One UTC calendar month.
    Month,
}

impl Period {
    /// The start of the period holding `ts` (seconds since the epoch, UTC).
    pub fn start(self, ts: i64) -> i64 {
        match self {
            Period::Hour => ts.div_euclid(3600) * 3600,
            Period::Day => ts.div_euclid(86_400) * 86_400,
            Period::Month => month_start(ts),
        }
    }

    /// The end (exclusive) of the period that starts at `start`.
    pub fn end(self, start: i64) -> i64 {
        match self {
            Period::Hour => start + 3600,
            Period::Day => start + 86_400,
            Period::Month => next_month(start),
        }
    }
}

/// The first instant of the UTC month holding `ts`.
pub fn month_start(ts: i64) -> i64 {
    let (y, m, _) = crate::time::civil_from_days(ts.div_euclid(86_400));
    crate::time::days_from_civil(y, m, 1) * 86_400
}

/// The first instant of the UTC month after the one holding `ts`.
pub fn next_month(ts: i64) -> i64 {
    let (y, m, _) = crate::time::civil_from_days(ts.div_euclid(86_400));
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    crate::time::days_from_civil(y, m, 1) * 86_400
}

/// What a charge is keyed by, in text: mergeable across workers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChargeKey {
    /// Charge period start, seconds since the epoch (UTC).
    pub start: i64,
    /// Canonical provider.
    pub provider: String,
    /// The model as logged (as `report --by model` shows it).
    pub model: String,
    /// The record's service tier (`standard` when none or a standard name).
    pub tier: String,
    /// The index of the rate-card row that priced it.
    pub rate: usize,
    /// The token type.
    pub token: TokenType,
    /// The project, if any.
    pub project: Option<String>,
    /// The `--tags` values, in `--tags` order; `None` when missing.
    pub tags: Vec<Option<String>>,
}

/// Charges by key: token sums (cost follows from the row's price).
pub type Charges = BTreeMap<ChargeKey, u128>;

/// A worker's charge key, by interned ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct IdKey {
    start: i64,
    provider: u32,
    model: u32,
    tier: u32,
    rate: usize,
    token: TokenType,
    project: u32,
    tags: Box<[u32]>,
}

/// What the export needs to key charges.
#[derive(Debug, Clone)]
pub struct ChargePlan {
    /// `--tags`, in order.
    pub tags: Vec<Dimension>,
    /// `--period`.
    pub period: Period,
}

/// One worker's charges and its group tally (for the accounting).
pub struct ChargeSink<'p> {
    plan: &'p Plan<'p>,
    charges: &'p ChargePlan,
    tally: GroupTally<'p>,
    sums: FxHashMap<IdKey, u128>,
    scratch: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl RecordSink for ChargeSink<'_> {
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        self.tally.accept(p, interner);
        let Some(rate) = p.rate else {
            // Unpriced: no row (docs/focus.md); the tally names the model.
            return;
        };
        let rows = self.plan.card.rows();
        let size = std::mem::size_of::<Rate>().max(1);
        let index = (rate as *const Rate as usize).wrapping_sub(rows.as_ptr() as usize) / size;
        debug_assert!(std::ptr::eq(&rows[index], rate));
        let mut id = |v: Option<&str>| v.map_or(NONE, |v| interner.intern(v));
        let provider = id(p
            .provider
            .or(Some(rate.provider.as_str()))
            .filter(|v| *v != "*")
            .or(Some("unknown")));
        let tier = match p.get(Field::ServiceTier) {
            Some(t) if !crate::price::card::names::is_standard_tier(t) => t.to_ascii_lowercase(),
            _ => "standard".to_string(),
        };
        let tier = id(Some(&tier));
        let project = id(p.get(Field::Project));
        self.scratch.clear();
        for &d in &self.charges.tags {
            let v = p.value(d);
            self.scratch.push(v.map_or(NONE, |v| interner.intern(v)));
        }
        let start = self.charges.period.start(p.record.timestamp);
        for token in TokenType::ALL {
            let n = token.of(&p.record.tokens);
            if n == 0 {
                continue;
            }
            let key = IdKey {
                start,
                provider,
                model: p.model_id,
                tier,
                rate: index,
                token,
                project,
                tags: self.scratch.as_slice().into(),
            };
            *self.sums.entry(key).or_default() += u128::from(n);
        }
    }
}

/// The consumer of `export`'s FOCUS formats: [`ChargeSink`] per worker.
pub struct ChargeTally<'p> {
    /// The run's plan.
    pub plan: &'p Plan<'p>,
    /// Tags and period.
    pub charges: &'p ChargePlan,
}

/// The merged output: report's sums and the charges.
#[derive(Debug, Default)]
pub struct ChargeOutput {
    /// The group tally (accounting, totals, unpriced models).
    pub sums: Sums,
    /// Token sums per charge.
    pub charges: Charges,
}

impl<'p> Consumer for ChargeTally<'p> {
    type Sink = ChargeSink<'p>;
    type Output = ChargeOutput;

    fn sink(&self) -> ChargeSink<'p> {
        ChargeSink {
            plan: self.plan,
            charges: self.charges,
            tally: Tally { plan: self.plan }.sink(),
            sums: FxHashMap::default(),
            scratch: Vec::new(),
        }
    }

    fn output(&self, sink: ChargeSink<'p>, interner: &Interner) -> ChargeOutput {
        let text = |id: u32| (id != NONE).then(|| interner.get(id).to_string());
        let charges = sink
            .sums
            .into_iter()
            .map(|(k, n)| {
                let key = ChargeKey {
                    start: k.start,
                    provider: text(k.provider).unwrap_or_default(),
                    model: text(k.model).unwrap_or_default(),
                    tier: text(k.tier).unwrap_or_default(),
                    rate: k.rate,
                    token: k.token,
                    project: text(k.project),
                    tags: k.tags.iter().map(|&t| text(t)).collect(),
                };
                (key, n)
            })
            .collect();
        ChargeOutput {
            sums: Tally { plan: self.plan }.output(sink.tally, interner),
            charges,
        }
    }

    fn merge(&self, a: ChargeOutput, b: ChargeOutput) -> ChargeOutput {
        let (mut big, small) = if a.charges.len() >= b.charges.len() {
            (a.charges, b.charges)
        } else {
            (b.charges, a.charges)
        };
        for (k, n) in small {
            *big.entry(k).or_default() += n;
        }
        ChargeOutput {
            sums: a.sums.merge(b.sums),
            charges: big,
        }
    }

    fn subtract(&self, total: &mut ChargeOutput, dup: ChargeOutput) {
        total.sums.subtract(dup.sums);
        for (k, n) in dup.charges {
            if let Some(t) = total.charges.get_mut(&k) {
                *t = t.saturating_sub(n);
                if *t == 0 {
                    total.charges.remove(&k);
                }
            }
        }
    }
}

/// The exact cost of a charge: its tokens at the row's price for its type.
pub fn charge_cost(rate: &Rate, token: TokenType, tokens: u128) -> Money {
    Money(u128::from(token.price(rate).0) * tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_utc_hours_days_and_months() {
        // 2026-10-31T23:30:00Z
        let ts = crate::time::days_from_civil(2026, 10, 31) * 86_400 + 23 * 3600 + 1800;
        let day = crate::time::days_from_civil(2026, 10, 31) * 86_400;
        assert_eq!(Period::Hour.start(ts), day + 23 * 3600);
        assert_eq!(Period::Hour.end(day + 23 * 3600), day + 86_400);
        assert_eq!(Period::Day.start(ts), day);
        assert_eq!(Period::Day.end(day), day + 86_400);
        let oct = crate::time::days_from_civil(2026, 10, 1) * 86_400;
        let nov = crate::time::days_from_civil(2026, 11, 1) * 86_400;
        assert_eq!(Period::Month.start(ts), oct);
        assert_eq!(Period::Month.end(oct), nov);
        let dec = crate::time::days_from_civil(2026, 12, 5) * 86_400;
        assert_eq!(
            next_month(dec),
            crate::time::days_from_civil(2027, 1, 1) * 86_400
        );
    }

    #[test]
    fn a_charge_costs_its_tokens_at_its_types_price_exactly() {
        let mut card = crate::price::card::RateCard::default();
        card.add_csv(
            "t.csv",
            "provider,model,input_per_mtok,output_per_mtok,cache_write_per_mtok\nopenai,m,0.15,0.6,0.1875\n",
            crate::price::card::Layer::User,
        )
        .unwrap();
        let rate = &card.rows()[0];
        // 12,345,678 tokens at $0.15/MTok = $1.8518517 exactly.
        let c = charge_cost(rate, TokenType::Input, 12_345_678);
        assert_eq!(c.to_usd_string(12), "1.851851700000");
        // Cache reads default to the input price.
        assert_eq!(TokenType::CacheRead.price(rate), rate.input);
        // 1h cache writes default to the cache-write price.
        assert_eq!(TokenType::CacheWrite1h.price(rate).0, 187_500);
    }
}
