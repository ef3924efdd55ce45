//! The metrics of a group and the finished groups: integer sums only, so
//! merging in any order gives the same figures, and one total order on
//! groups (cost descending, then values ascending), so output is
//! deterministic.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::record::Tokens;

/// The metrics of a group (or of all records): integer sums only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// API requests.
    pub requests: u128,
    /// Uncached input tokens.
    pub input_tokens: u128,
    /// Output tokens.
    pub output_tokens: u128,
    /// Cache-read tokens.
    pub cache_read_tokens: u128,
    /// 5-minute (or unspecified) cache-write tokens.
    pub cache_write_5m_tokens: u128,
    /// 1-hour cache-write tokens.
    pub cache_write_1h_tokens: u128,
    /// Priced cost, pico-dollars.
    pub cost: Money,
    /// Requests whose model had no rate; their tokens count, cost does not.
    pub unpriced_requests: u128,
    /// Sum of costs the sources stated, pico-dollars (reconciliation).
    pub reported_cost: u128,
    /// Records that stated a cost (a stated $0 counts): with none, the
    /// group has no reported cost at all (`null`, never `0.000000`).
    #[serde(default)]
    pub reported_records: u128,
    /// Where the difference of the records that state a cost comes from
    /// (`--explain-difference`; docs/reconcile.md).
    #[serde(default, skip_serializing_if = "Causes::is_zero")]
    pub causes: Causes,
}

/// Parts of llmspend's cost minus the stated cost, pico-dollars, by cause
/// (docs/reconcile.md); whatever the group's difference has beyond their
/// sum is unexplained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Causes {
    /// The source priced with other rates than llmspend's card.
    pub price_basis: i128,
    /// Cache reads or writes llmspend could not price as the source did
    /// (no cache split; 5-minute and 1-hour writes in one count).
    pub cache_semantics: i128,
    /// Stated costs of records (or parts) llmspend did not price.
    pub unpriced: i128,
    /// A stated cost rounded to whole cents per line.
    pub rounding: i128,
}

impl Causes {
    /// The names of the causes, in display order, `unexplained` last.
    pub const NAMES: [&'static str; 5] = [
        "price_basis",
        "cache_semantics",
        "unpriced",
        "rounding",
        "unexplained",
    ];

    /// Returns true if and only if every part is zero.
    pub fn is_zero(&self) -> bool {
        *self == Causes::default()
    }

    /// The parts in [`Causes::NAMES`] order, with the unexplained rest of
    /// `difference`: they add up to it exactly.
    pub fn parts(&self, difference: i128) -> [i128; 5] {
        let named = self.price_basis + self.cache_semantics + self.unpriced + self.rounding;
        [
            self.price_basis,
            self.cache_semantics,
            self.unpriced,
            self.rounding,
            difference - named,
        ]
    }

    fn add(&mut self, o: &Causes, sign: i128) {
        self.price_basis += sign * o.price_basis;
        self.cache_semantics += sign * o.cache_semantics;
        self.unpriced += sign * o.unpriced;
        self.rounding += sign * o.rounding;
    }
}

impl Totals {
    /// Adds one record.
    pub fn add(
        &mut self,
        requests: u64,
        tokens: &Tokens,
        cost: Option<Money>,
        reported: Option<(u128, &Causes)>,
    ) {
        self.requests += u128::from(requests);
        self.input_tokens += u128::from(tokens.input);
        self.output_tokens += u128::from(tokens.output);
        self.cache_read_tokens += u128::from(tokens.cache_read);
        self.cache_write_5m_tokens += u128::from(tokens.cache_write);
        self.cache_write_1h_tokens += u128::from(tokens.cache_write_1h);
        match cost {
            Some(c) => self.cost += c,
            None => self.unpriced_requests += u128::from(requests),
        }
        if let Some((c, causes)) = reported {
            self.reported_cost = self.reported_cost.saturating_add(c);
            self.reported_records += 1;
            self.causes.add(causes, 1);
        }
    }

    /// Adds another total.
    pub fn merge(&mut self, o: &Totals) {
        self.requests += o.requests;
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.cache_read_tokens += o.cache_read_tokens;
        self.cache_write_5m_tokens += o.cache_write_5m_tokens;
        self.cache_write_1h_tokens += o.cache_write_1h_tokens;
        self.cost += o.cost;
        self.unpriced_requests += o.unpriced_requests;
        self.reported_cost = self.reported_cost.saturating_add(o.reported_cost);
        self.reported_records += o.reported_records;
        self.causes.add(&o.causes, 1);
    }

    /// Takes away a total that was added before (duplicates found after
    /// the merge); exact, because every field is an integer sum.
    pub fn subtract(&mut self, o: &Totals) {
        self.requests -= o.requests;
        self.input_tokens -= o.input_tokens;
        self.output_tokens -= o.output_tokens;
        self.cache_read_tokens -= o.cache_read_tokens;
        self.cache_write_5m_tokens -= o.cache_write_5m_tokens;
        self.cache_write_1h_tokens -= o.cache_write_1h_tokens;
        self.cost.0 -= o.cost.0;
        self.unpriced_requests -= o.unpriced_requests;
        self.reported_cost = self.reported_cost.saturating_sub(o.reported_cost);
        self.reported_records -= o.reported_records;
        self.causes.add(&o.causes, -1);
    }

    /// The stated cost, `None` when no record of these stated one.
    pub fn reported(&self) -> Option<Money> {
        (self.reported_records > 0).then_some(Money(self.reported_cost))
    }

    /// llmspend's cost minus the stated one, in pico-dollars; `None` when
    /// nothing was stated.
    pub fn difference(&self) -> Option<i128> {
        self.reported().map(|r| self.cost.0 as i128 - r.0 as i128)
    }

    /// All cache writes, 5-minute and 1-hour (the CSV's `cache_write_tokens`).
    pub fn cache_write_tokens(&self) -> u128 {
        self.cache_write_5m_tokens + self.cache_write_1h_tokens
    }

    /// Every token.
    pub fn tokens(&self) -> u128 {
        self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens()
    }
}

/// A group's dimension values as text; `None` is a missing value.
pub type GroupValues = Vec<Option<String>>;

/// A finished group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Dimension values, in `--by` order.
    pub values: GroupValues,
    /// Its metrics.
    pub totals: Totals,
}

/// The text of a missing dimension value in every output.
pub const UNATTRIBUTED: &str = "(unattributed)";

/// Sorts groups by cost descending, then by the dimension values ascending
/// as displayed: a total order, so output is deterministic.
pub fn sort_groups(map: FxHashMap<GroupValues, Totals>) -> Vec<Group> {
    let mut groups: Vec<Group> = map
        .into_iter()
        .map(|(values, totals)| Group { values, totals })
        .collect();
    // A total order (a value spelled `(unattributed)` and a missing one
    // show alike, so the raw values decide last), compared in place: a
    // run can have millions of groups.
    fn show(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or(UNATTRIBUTED)
    }
    groups.sort_unstable_by(|a, b| {
        b.totals
            .cost
            .cmp(&a.totals.cost)
            .then_with(|| a.values.iter().map(show).cmp(b.values.iter().map(show)))
            .then_with(|| a.values.cmp(&b.values))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_is_cost_desc_then_values_asc() {
        let mut map = FxHashMap::default();
        let t = |c| Totals {
            cost: Money(c),
            ..Totals::default()
        };
        map.insert(vec![Some("b".to_string())], t(5));
        map.insert(vec![None], t(5));
        map.insert(vec![Some("a".to_string())], t(5));
        map.insert(vec![Some("z".to_string())], t(9));
        let order: Vec<_> = sort_groups(map)
            .into_iter()
            .map(|g| g.values[0].clone())
            .collect();
        assert_eq!(
            order,
            [Some("z".into()), None, Some("a".into()), Some("b".into())]
        );
    }
}
