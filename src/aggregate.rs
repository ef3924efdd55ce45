//! Grouping: the per-worker map `GroupKey -> Totals`, its merge, and the
//! final deterministic sort.
//!
//! A worker interns every dimension value it sees into its own table, so
//! the per-record work is hash lookups on borrowed strings; a string is
//! copied only the first time a worker sees it. Partials become
//! string-keyed [`Partial`]s (plain data that can be serialized and merged
//! in any order) before the merge, and the merge is integer addition, so
//! the result is independent of thread count and file order.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::parse::keymap::Words;
use crate::record::{Field, Tokens};
use crate::time::{civil_from_days, format_day};

/// A dimension of `--by` and `--where`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    clap::ValueEnum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Dimension {
    /// Owning team.
    Team,
    /// Cost center.
    CostCenter,
    /// OpenAI project, Anthropic workspace.
    Project,
    /// Calling service.
    Service,
    /// HTTP route.
    Route,
    /// Deployment environment.
    Environment,
    /// End customer.
    Customer,
    /// User or principal.
    User,
    /// API key alias or id.
    ApiKey,
    /// Provider (canonical, or inferred from the model).
    Provider,
    /// Model id as logged.
    Model,
    /// Service tier.
    ServiceTier,
    /// The adapter that read the row.
    Source,
    /// UTC date (or `--tz`), YYYY-MM-DD.
    Day,
    /// ISO week, YYYY-Www.
    Week,
    /// Month, YYYY-MM.
    Month,
}

impl Dimension {
    /// Every dimension, in the order of DESIGN.md.
    pub const ALL: [Dimension; 16] = [
        Dimension::Team,
        Dimension::CostCenter,
        Dimension::Project,
        Dimension::Service,
        Dimension::Route,
        Dimension::Environment,
        Dimension::Customer,
        Dimension::User,
        Dimension::ApiKey,
        Dimension::Provider,
        Dimension::Model,
        Dimension::ServiceTier,
        Dimension::Source,
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
    ];

    /// The name used on the command line and as a CSV column.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Source => "source",
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
            other => other.field().map(Field::name).unwrap_or(""),
        }
    }

    /// The record field this dimension reads, if it is a text field.
    pub fn field(self) -> Option<Field> {
        Some(match self {
            Dimension::Team => Field::Team,
            Dimension::CostCenter => Field::CostCenter,
            Dimension::Project => Field::Project,
            Dimension::Service => Field::Service,
            Dimension::Route => Field::Route,
            Dimension::Environment => Field::Environment,
            Dimension::Customer => Field::Customer,
            Dimension::User => Field::User,
            Dimension::ApiKey => Field::ApiKey,
            Dimension::Provider => Field::Provider,
            Dimension::Model => Field::Model,
            Dimension::ServiceTier => Field::ServiceTier,
            _ => return None,
        })
    }

    /// Looks a dimension up by name.
    pub fn from_name(name: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Returns true if and only if the dimension is a period of time.
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Week | Dimension::Month)
    }

    /// The period number of a local day for a time dimension: the day, the
    /// Monday of its ISO week, or `year * 12 + month - 1`.
    pub fn period(self, day: i64) -> i64 {
        match self {
            Dimension::Week => day - (day + 3).rem_euclid(7),
            Dimension::Month => {
                let (y, m, _) = civil_from_days(day);
                i64::from(y) * 12 + i64::from(m) - 1
            }
            _ => day,
        }
    }

    /// Formats a period number of a time dimension.
    pub fn format_period(self, n: i64) -> String {
        match self {
            Dimension::Week => {
                // ISO week: the week containing the Thursday.
                let thursday = n + 3;
                let (year, _, _) = civil_from_days(thursday);
                let jan1 = crate::time::days_from_civil(year, 1, 1);
                let week = (thursday - jan1) / 7 + 1;
                format!("{year:04}-W{week:02}")
            }
            Dimension::Month => format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1),
            _ => format_day(n),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
}

impl Totals {
    /// Adds one record.
    pub fn add(
        &mut self,
        requests: u64,
        tokens: &Tokens,
        cost: Option<Money>,
        reported: Option<u128>,
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
        self.reported_cost = self.reported_cost.saturating_add(reported.unwrap_or(0));
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

/// The most dimensions one `--by` can list (each at most once).
pub const MAX_DIMS: usize = Dimension::ALL.len();

/// A group's key inside one worker: per dimension, 0 for a missing value,
/// else an interned id + 1 or a period number + 1 (for time dimensions,
/// stored as `i64`).
pub type GroupKey = [i64; MAX_DIMS];

/// Strings seen by one worker, each stored once.
///
/// Dimension values are short (a team, a model name), so a value of at
/// most [`INLINE`](crate::parse::keymap::INLINE) bytes is found by its
/// [`Words`] in an open-addressing table: register compares, no `memcmp`
/// and no pointer to follow (the hash map this replaces was 5% of a CSV
/// profile, and most of the 3.8% in `memcmp`). Longer values go to a hash
/// map.
#[derive(Debug, Default)]
pub struct Interner {
    /// Slots of `(words, id)`; `None` is free. A power of two long, at
    /// most half full.
    slots: Vec<Option<(Words, u32)>>,
    /// The values too long for a slot.
    long: FxHashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The id of `s`, copying it only the first time.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let Some(words) = Words::of(s.as_bytes()) else {
            return self.intern_long(s);
        };
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut i = self.start(&words);
            while let Some((w, id)) = &self.slots[i] {
                if *w == words {
                    return *id;
                }
                i = (i + 1) & mask;
            }
        }
        self.add_inline(s, words)
    }

    #[cold]
    fn add_inline(&mut self, s: &str, words: Words) -> u32 {
        // Every string not in `long` has a slot.
        let inline = self.strings.len() - self.long.len();
        if (inline + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let id = self.push(s);
        self.place(words, id);
        id
    }

    /// The first slot to probe for `words`.
    #[inline(always)]
    fn start(&self, words: &Words) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (words.hash64() >> (64 - bits)) as usize
    }

    fn place(&mut self, words: Words, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.start(&words);
        while self.slots[i].is_some() {
            i = (i + 1) & mask;
        }
        self.slots[i] = Some((words, id));
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![None; size]);
        for (words, id) in old.into_iter().flatten() {
            self.place(words, id);
        }
    }

    fn intern_long(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.long.get(s) {
            return id;
        }
        let id = self.push(s);
        self.long.insert(s.into(), id);
        id
    }

    fn push(&mut self, s: &str) -> u32 {
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        id
    }

    /// The string of an id.
    pub fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// Converts a map keyed by this interner's ids into string keys.
    pub fn values_of(
        &self,
        map: FxHashMap<GroupKey, Totals>,
        dims: &[Dimension],
    ) -> FxHashMap<GroupValues, Totals> {
        let mut out = FxHashMap::default();
        for (key, totals) in map {
            let values = dims
                .iter()
                .zip(key.iter())
                .map(|(d, &k)| match k {
                    0 => None,
                    k if d.is_time() => Some(d.format_period(k - 1)),
                    k => Some(self.get((k - 1) as u32).to_string()),
                })
                .collect();
            out.entry(values)
                .or_insert_with(Totals::default)
                .merge(&totals);
        }
        out
    }
}

/// Per-worker groups.
#[derive(Debug, Default)]
pub struct Groups {
    /// Dimension values of this worker.
    pub interner: Interner,
    /// Totals per key.
    pub map: FxHashMap<GroupKey, Totals>,
}

/// A group's dimension values as text; `None` is a missing value.
pub type GroupValues = Vec<Option<String>>;

impl Groups {
    /// Converts to string keys for merging with other workers.
    pub fn into_values(self, dims: &[Dimension]) -> FxHashMap<GroupValues, Totals> {
        self.interner.values_of(self.map, dims)
    }
}

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
    groups.sort_by(|a, b| {
        b.totals.cost.cmp(&a.totals.cost).then_with(|| {
            let show = |v: &Option<String>| v.as_deref().unwrap_or(UNATTRIBUTED).to_string();
            a.values.iter().map(show).cmp(b.values.iter().map(show))
        })
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_ids_are_one_per_distinct_string_of_any_length() {
        let mut interner = Interner::default();
        let mut reference: std::collections::HashMap<String, u32> = Default::default();
        // Many values sharing their first and last bytes (as model names
        // do), every length around the inline limit, and the empty string.
        let mut values: Vec<String> = Vec::new();
        for i in 0..3000 {
            values.push(format!("claude-{i}-haiku-20241022"));
        }
        for len in 0..48 {
            values.push("m".repeat(len));
            values.push(format!("{}x", "m".repeat(len)));
        }
        values.push("caf\u{e9} cr\u{e8}me".into());
        for round in 0..2 {
            for v in &values {
                let id = interner.intern(v);
                let want = *reference.entry(v.clone()).or_insert(id);
                assert_eq!(id, want, "{v} in round {round}");
                assert_eq!(interner.get(id), v);
            }
        }
        let distinct: std::collections::HashSet<&String> = values.iter().collect();
        assert_eq!(interner.strings.len(), distinct.len());
    }

    #[test]
    fn periods_format_as_day_iso_week_and_month() {
        let day = crate::time::days_from_civil(2026, 10, 3); // a Saturday
        assert_eq!(
            Dimension::Day.format_period(Dimension::Day.period(day)),
            "2026-10-03"
        );
        assert_eq!(
            Dimension::Week.format_period(Dimension::Week.period(day)),
            "2026-W40"
        );
        assert_eq!(
            Dimension::Month.format_period(Dimension::Month.period(day)),
            "2026-10"
        );
        let jan1 = crate::time::days_from_civil(2027, 1, 1); // a Friday: ISO week 53 of 2026
        assert_eq!(
            Dimension::Week.format_period(Dimension::Week.period(jan1)),
            "2026-W53"
        );
    }

    #[test]
    fn names_round_trip() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_name(d.name()), Some(d));
        }
    }

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
