//! `--explain-difference`: llmspend's cost minus the stated cost, broken
//! down by cause, record by record, in pico-dollars (docs/reconcile.md).
//!
//! Per record that states a cost `R` and carries tokens, priced `C` by
//! llmspend (or not priced):
//! - not priced: the whole `-R` is **unpriced**;
//! - priced: `C - R` is split in this order:
//!   1. **rounding**, when `R` is a whole number of cents (and not zero)
//!      and `C - R` is within half a cent, the most a rounding to cents
//!      can move a figure: all of it (a larger difference is not a
//!      rounding, and is left to the next step whole);
//!   2. otherwise it is **cache semantics** when llmspend could not read the
//!      cache split the source priced with (no split at all; 5-minute and
//!      1-hour writes in one count), **unpriced** when some of its tokens
//!      (audio, image) have no price in the card, else **price basis**: the
//!      source priced the same tokens with other rates.
//!
//! Records without tokens (provider cost exports: a stated cost, nothing
//! to price) are not split: matched against usage records of the same
//! group, what they leave is the group's **unexplained** rest, as is the
//! priced cost of records in a group that state none. The parts are
//! integer sums, so they add up exactly across partials and `merge`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::totals::Causes;
use crate::money::Money;
use crate::price::card::Rate;
use crate::record::{note, Tokens};

/// One cent in pico-dollars.
pub const CENT: u128 = 10_000_000_000;

/// The causes of one record's difference (module doc).
#[inline]
pub fn of_record(cost: Option<Money>, reported: u128, tokens: &Tokens, notes: u8) -> Causes {
    let mut c = Causes::default();
    if tokens.is_zero() {
        return c;
    }
    let Some(cost) = cost else {
        c.unpriced = -(reported as i128);
        return c;
    };
    let d = cost.0 as i128 - reported as i128;
    if reported > 0 && reported % CENT == 0 && d.unsigned_abs() <= CENT / 2 {
        c.rounding = d;
        return c;
    }
    let rest = d;
    if notes & note::UNPRICED_MODALITY != 0 {
        c.unpriced = rest;
    } else if notes & (note::NO_CACHE_SPLIT | note::CACHE_WRITES_MERGED) != 0 {
        c.cache_semantics = rest;
    } else {
        c.price_basis = rest;
    }
    c
}

/// The records whose difference is price basis, per rate-card row that
/// priced them: what each side charged for the same tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRowSums {
    /// Records.
    pub records: u128,
    /// Their tokens: uncached input, output, cache read, 5-minute and
    /// 1-hour cache writes.
    pub tokens: [u128; 5],
    /// llmspend's cost of them, pico-dollars.
    pub priced: u128,
    /// The source's cost of them before any rounding to cents (the stated
    /// cost plus the rounding part), pico-dollars.
    pub reported: u128,
}

impl PriceRowSums {
    /// Adds one record.
    pub fn add(&mut self, t: &Tokens, priced: Money, reported: u128, rounding: i128) {
        self.records += 1;
        let counts = [
            t.input,
            t.output,
            t.cache_read,
            t.cache_write,
            t.cache_write_1h,
        ];
        for (sum, n) in self.tokens.iter_mut().zip(counts) {
            *sum += u128::from(n);
        }
        self.priced += priced.0;
        self.reported = self
            .reported
            .saturating_add_signed(rounding)
            .saturating_add(reported);
    }

    /// Adds other sums.
    pub fn merge(&mut self, o: &PriceRowSums) {
        self.records += o.records;
        for (a, b) in self.tokens.iter_mut().zip(o.tokens) {
            *a += b;
        }
        self.priced += o.priced;
        self.reported += o.reported;
    }

    /// Takes away sums added before.
    pub fn subtract(&mut self, o: &PriceRowSums) {
        self.records -= o.records;
        for (a, b) in self.tokens.iter_mut().zip(o.tokens) {
            *a -= b;
        }
        self.priced -= o.priced;
        self.reported -= o.reported;
    }

    /// The source's cost over llmspend's, six decimals rounded half-even
    /// (`5.000000`: the source charged five times the card); `None` when
    /// llmspend's is zero.
    pub fn ratio(&self) -> Option<String> {
        (self.priced > 0).then(|| {
            let num = self.reported.saturating_mul(1_000_000);
            let (q, r) = (num / self.priced, num % self.priced);
            let twice = r.saturating_mul(2);
            let units = if twice > self.priced || (twice == self.priced && q % 2 == 1) {
                q + 1
            } else {
                q
            };
            format!("{}.{:06}", units / 1_000_000, units % 1_000_000)
        })
    }

    /// The per-MTok rate the stated cost implies, when it can be derived
    /// exactly: the records carry one kind of token only, and the cost
    /// divides into a whole number of pico-dollars per MTok. `(kind, rate
    /// in pico-dollars per MTok)`.
    pub fn implied_rate(&self) -> Option<(&'static str, u128)> {
        let mut kinds = self.tokens.iter().enumerate().filter(|(_, &n)| n > 0);
        let (i, &n) = kinds.next()?;
        if kinds.next().is_some() {
            return None;
        }
        let scaled = self.reported.checked_mul(1_000_000)?;
        (scaled % n == 0).then(|| (TOKEN_KINDS[i], scaled / n))
    }
}

/// The token kinds of [`PriceRowSums::tokens`], in order.
pub const TOKEN_KINDS: [&str; 5] = [
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
];

/// Price-basis sums per rate-card row, keyed by [`row_label`].
pub type PriceRows = BTreeMap<String, PriceRowSums>;

/// A rate-card row as people read it: the row, where it was read, and its
/// per-MTok prices.
pub fn row_label(r: &Rate) -> String {
    let mut s = format!("{}/{}", r.provider, r.model);
    if let Some(t) = &r.tier {
        s.push_str(&format!(" tier {t}"));
    }
    if let Some(f) = r.from {
        s.push_str(&format!(" from {}", crate::time::format_day(f)));
    }
    if let Some(a) = r.above {
        s.push_str(&format!(" above {a} input tokens"));
    }
    s.push_str(&format!(
        " ({}:{}): input ${}, output ${}, cache read ${}, cache write ${} (5m) / ${} (1h) per MTok",
        r.file,
        r.line,
        r.input.display_per_mtok(),
        r.output.display_per_mtok(),
        r.cache_read.display_per_mtok(),
        r.cache_write.display_per_mtok(),
        r.cache_write_1h.display_per_mtok(),
    ));
    s
}

/// Rounds `parts` (pico-dollars, adding up to `total`) to `decimals` so
/// the rounded parts add up to `total` rounded half-even: each part is
/// floored, and the units left go to the largest remainders (the first
/// part on ties). For tables and CSV; JSON gives the exact parts.
pub fn round_parts<const N: usize>(parts: [i128; N], decimals: u32) -> [i128; N] {
    let unit = 10i128.pow(12 - decimals);
    let total: i128 = parts.iter().sum();
    let target = round_half_even(total, unit);
    let mut out = parts.map(|p| p.div_euclid(unit));
    let mut left = target - out.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(parts[i].rem_euclid(unit)));
    for &i in order.iter().cycle().take(N * 2) {
        if left == 0 {
            break;
        }
        if left > 0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out.map(|u| u * unit)
}

fn round_half_even(v: i128, unit: i128) -> i128 {
    let q = v.div_euclid(unit);
    let r = v.rem_euclid(unit);
    if 2 * r > unit || (2 * r == unit && q % 2 != 0) {
        q + 1
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: u64, output: u64) -> Tokens {
        Tokens {
            input,
            output,
            ..Tokens::default()
        }
    }

    #[test]
    fn a_cents_rounded_cost_within_half_a_cent_is_rounding() {
        let t = tokens(1000, 100);
        // Priced $0.0132, stated $0.01: rounding 0.0032.
        let c = of_record(Some(Money(132 * CENT / 100)), CENT, &t, 0);
        assert_eq!(c.rounding, 32 * CENT as i128 / 100);
        assert_eq!(c.price_basis, 0);
        // Half a cent either way still is; priced $0.0200, stated $0.01
        // is not a rounding: all price basis.
        let c = of_record(Some(Money(CENT / 2)), CENT, &t, 0);
        assert_eq!((c.rounding, c.price_basis), (-(CENT as i128) / 2, 0));
        let c = of_record(Some(Money(2 * CENT)), CENT, &t, 0);
        assert_eq!((c.rounding, c.price_basis), (0, CENT as i128));
        // A stated $0 is not a rounded figure.
        let c = of_record(Some(Money(3)), 0, &t, 0);
        assert_eq!((c.rounding, c.price_basis), (0, 3));
        // Nor is $0.004635.
        let c = of_record(Some(Money(4_700_000_000)), 4_635_000_000, &t, 0);
        assert_eq!((c.rounding, c.price_basis), (0, 65_000_000));
    }

    #[test]
    fn unpriced_cache_and_cost_only_records() {
        let t = tokens(1000, 100);
        assert_eq!(of_record(None, 7, &t, 0).unpriced, -7);
        let c = of_record(Some(Money(10)), 4, &t, note::NO_CACHE_SPLIT);
        assert_eq!((c.cache_semantics, c.price_basis), (6, 0));
        let c = of_record(Some(Money(10)), 4, &t, note::CACHE_WRITES_MERGED);
        assert_eq!(c.cache_semantics, 6);
        let c = of_record(Some(Money(10)), 4, &t, note::UNPRICED_MODALITY);
        assert_eq!(c.unpriced, 6);
        assert!(of_record(None, 7, &Tokens::default(), 0).is_zero());
    }

    #[test]
    fn parts_add_up_to_the_difference() {
        let c = Causes {
            price_basis: 5,
            cache_semantics: -2,
            unpriced: -7,
            rounding: 1,
        };
        let p = c.parts(10);
        assert_eq!(p, [5, -2, -7, 1, 13]);
        assert_eq!(p.iter().sum::<i128>(), 10);
    }

    #[test]
    fn rounded_parts_add_up_to_the_rounded_total() {
        // 0.0000004 + 0.0000004 + 0.0000004 = 0.0000012 -> 0.000001.
        let p = round_parts([400_000, 400_000, 400_000], 6);
        assert_eq!(p.iter().sum::<i128>(), 1_000_000);
        let p = round_parts([-1_600_000, 300_000, 0], 6);
        assert_eq!(p.iter().sum::<i128>(), -1_000_000);
        assert_eq!(
            round_parts([5_000_000, -2_000_000], 6),
            [5_000_000, -2_000_000]
        );
    }

    #[test]
    fn implied_rate_only_when_exact() {
        let mut r = PriceRowSums::default();
        // 1000 output tokens stated at $0.04: $40 per MTok.
        r.add(&tokens(0, 1000), Money(8 * CENT / 10), 4 * CENT, 0);
        assert_eq!(r.implied_rate(), Some(("output", 40_000_000_000_000)));
        assert_eq!(r.ratio().as_deref(), Some("5.000000"));
        r.add(&tokens(5, 0), Money(0), 0, 0);
        assert_eq!(r.implied_rate(), None);
        let mut r = PriceRowSums::default();
        r.add(&tokens(3, 0), Money(0), 1, 0);
        assert_eq!(r.implied_rate(), None);
    }
}
