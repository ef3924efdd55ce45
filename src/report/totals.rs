//! The metrics of a group and the finished groups: integer sums only, so
//! merging in any order gives the same figures, and one total order on
//! groups (cost descending, then values ascending), so output is
//! deterministic.
//!
//! A run can hold millions of groups (`--by user`), so the causes of a
//! stated-cost difference, which most groups never have, live behind a
//! pointer that only a group with such a difference allocates.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::Money;
use crate::record::Tokens;

/// The metrics of a group (or of all records): integer sums only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "CauseSums::is_zero")]
    pub causes: CauseSums,
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

/// The causes summed over a group's records; nothing is allocated until
/// a record brings a cause that is not zero. Absent and all-zero causes
/// are equal, and both serialize as absent.
#[derive(Debug, Clone, Default)]
pub struct CauseSums(Option<Box<Causes>>);

impl CauseSums {
    /// Returns true if and only if every part is zero.
    pub fn is_zero(&self) -> bool {
        self.0.as_deref().is_none_or(Causes::is_zero)
    }

    /// The sums (all zero when none).
    pub fn get(&self) -> Causes {
        self.0.as_deref().copied().unwrap_or_default()
    }

    /// The parts, with the unexplained rest of `difference`
    /// ([`Causes::parts`]).
    pub fn parts(&self, difference: i128) -> [i128; 5] {
        self.get().parts(difference)
    }

    fn add(&mut self, c: &Causes, sign: i128) {
        if !c.is_zero() {
            self.0.get_or_insert_default().add(c, sign);
        }
    }

    fn add_sums(&mut self, c: &CauseSums, sign: i128) {
        if let Some(c) = &c.0 {
            self.add(c, sign);
        }
    }
}

impl From<Causes> for CauseSums {
    fn from(c: Causes) -> CauseSums {
        CauseSums((!c.is_zero()).then(|| Box::new(c)))
    }
}

impl PartialEq for CauseSums {
    fn eq(&self, other: &CauseSums) -> bool {
        self.get() == other.get()
    }
}

impl Eq for CauseSums {}

impl Serialize for CauseSums {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CauseSums {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CauseSums, D::Error> {
        Causes::deserialize(d).map(CauseSums::from)
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
        self.causes.add_sums(&o.causes, 1);
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
        self.causes.add_sums(&o.causes, -1);
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
pub fn sort_groups(mut groups: Vec<Group>) -> Vec<Group> {
    // A total order (a value spelled `(unattributed)` and a missing one
    // show alike, so the raw values decide last). A run can have millions
    // of groups: small (cost, position) keys are sorted, the values are read
    // only to break a tie of cost, and each group is then moved once.
    fn show(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or(UNATTRIBUTED)
    }
    // The first 16 bytes of the first value as shown, zero-padded: when
    // they differ they order the values as the whole text would, so most
    // ties of cost are broken without reading the groups.
    fn prefix(values: &[Option<String>]) -> u128 {
        let text = values.first().map_or("", show).as_bytes();
        let mut bytes = [0u8; 16];
        let n = text.len().min(16);
        bytes[..n].copy_from_slice(&text[..n]);
        u128::from_be_bytes(bytes)
    }
    let mut keys: Vec<(u128, u128, u32)> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.totals.cost.0, prefix(&g.values), i as u32))
        .collect();
    keys.sort_unstable_by(|a, b| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| {
            let (x, y) = (&groups[a.2 as usize].values, &groups[b.2 as usize].values);
            x.iter()
                .map(show)
                .cmp(y.iter().map(show))
                .then_with(|| x.cmp(y))
        })
    });
    // Place each group where it belongs by following the permutation's
    // cycles: `order[k]` is the position of the group that goes to `k`.
    // Each group is moved once (a swap would copy it three times).
    let mut order: Vec<u32> = keys.into_iter().map(|(_, _, i)| i).collect();
    for start in 0..order.len() {
        if order[start] as usize == start {
            continue;
        }
        let held = std::mem::take(&mut groups[start]);
        let mut k = start;
        loop {
            let from = order[k] as usize;
            order[k] = k as u32;
            if from == start {
                groups[k] = held;
                break;
            }
            groups[k] = std::mem::take(&mut groups[from]);
            k = from;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_allocated_only_when_not_zero() {
        let tokens = Tokens::default();
        let zero = Causes::default();
        let mut t = Totals::default();
        t.add(1, &tokens, Some(Money(5)), Some((5, &zero)));
        assert!(t.causes.0.is_none());
        assert_eq!(t.reported_records, 1);
        let c = Causes {
            price_basis: -3,
            rounding: 2,
            ..Causes::default()
        };
        t.add(1, &tokens, Some(Money(5)), Some((6, &c)));
        assert_eq!(t.causes.get(), c);
        // Taking the same record away leaves zero causes, equal to none
        // and written as none.
        let mut dup = Totals::default();
        dup.add(1, &tokens, Some(Money(5)), Some((6, &c)));
        t.subtract(&dup);
        assert!(t.causes.0.is_some() && t.causes.is_zero());
        let mut plain = Totals::default();
        plain.add(1, &tokens, Some(Money(5)), Some((5, &zero)));
        assert_eq!(t, plain);
        let text = serde_json::to_string(&t).unwrap();
        assert!(!text.contains("causes"), "{text}");
        assert_eq!(serde_json::from_str::<Totals>(&text).unwrap(), plain);
    }

    #[test]
    fn sort_moves_every_group_to_its_place() {
        // Costs with many ties and values in scrambled order: the result
        // is the plain comparison sort's.
        let groups: Vec<Group> = (0..2000u32)
            .map(|i| Group {
                // Short values, values sharing more than 16 bytes, values
                // that are prefixes of others, and a second dimension.
                values: vec![
                    (i % 7 != 0).then(|| match i % 3 {
                        0 => format!("v{}", (i * 7919) % 2000),
                        1 => format!("customer-0000000000{}", (i * 7919) % 97),
                        _ => "customer-000000000".repeat(1 + (i as usize % 2)),
                    }),
                    Some(format!("{}", i % 5)),
                ],
                totals: Totals {
                    cost: Money(u128::from((i * 31) % 13)),
                    requests: u128::from(i),
                    ..Totals::default()
                },
            })
            .collect();
        let mut expected = groups.clone();
        let show = |v: &Option<String>| v.clone().unwrap_or(UNATTRIBUTED.into());
        expected.sort_by(|a, b| {
            b.totals.cost.cmp(&a.totals.cost).then_with(|| {
                let x: Vec<String> = a.values.iter().map(show).collect();
                let y: Vec<String> = b.values.iter().map(show).collect();
                x.cmp(&y).then_with(|| a.values.cmp(&b.values))
            })
        });
        // Equal keys (missing values at equal cost) may come in any order.
        let key = |g: &Group| (g.totals.cost, g.values.clone());
        let got = sort_groups(groups);
        assert_eq!(got.len(), expected.len());
        assert!(got.iter().map(key).eq(expected.iter().map(key)));
        let mut ids: Vec<u128> = got.iter().map(|g| g.totals.requests).collect();
        ids.sort_unstable();
        assert!(ids.into_iter().eq(0..2000));
    }

    #[test]
    fn sort_is_cost_desc_then_values_asc() {
        let mut map = Vec::new();
        let t = |c| Totals {
            cost: Money(c),
            ..Totals::default()
        };
        map.push(Group {
            values: vec![Some("b".to_string())],
            totals: t(5),
        });
        map.push(Group {
            values: vec![None],
            totals: t(5),
        });
        map.push(Group {
            values: vec![Some("a".to_string())],
            totals: t(5),
        });
        map.push(Group {
            values: vec![Some("z".to_string())],
            totals: t(9),
        });
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
