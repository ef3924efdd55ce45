//! The groups of a partial: a map from dimension values to totals that is
//! cheap with millions of groups.
//!
//! The groups live in one vector, in the order they were added, beside
//! their hashes; a hash table holds only their positions. Compared with a
//! hash map of (values, totals) pairs this matters three ways when a run
//! has a group per user or customer:
//!
//! - growing the table moves 4-byte positions and reads hashes from a
//!   dense array, instead of moving 190-byte entries and rehashing every
//!   key's text (a cache miss per group);
//! - an empty slot of the table costs 4 bytes, not an entry's size, so the
//!   table's spare room (up to half of it after growing) is cheap;
//! - [`GroupMap::into_groups`] hands the vector to the report as it is, so
//!   finishing does not copy every group once more.
//!
//! Equality ignores order: two maps are equal when they hold the same
//! groups with the same totals, whatever order they were merged in.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::totals::{Group, GroupValues, Totals};

/// Dimension values -> totals; see the module documentation.
///
/// A map made of a worker's groups, whose values are distinct by
/// construction, is not indexed until something looks a group up
/// (`hashes` is then shorter than `groups`): the one map of a one-thread
/// run, and the smaller map of each merge, are never indexed at all.
#[derive(Clone, Default)]
pub struct GroupMap {
    groups: Vec<Group>,
    hashes: Vec<u64>,
    index: HashTable<u32>,
}

fn hash_of(values: &[Option<String>]) -> u64 {
    FxBuildHasher.hash_one(values)
}

/// Group `at`'s hash: stored when its map is indexed, else computed.
fn stored_or_hashed(hashes: &[u64], at: usize, values: &[Option<String>]) -> u64 {
    match hashes.get(at) {
        Some(&hash) => hash,
        None => hash_of(values),
    }
}

impl GroupMap {
    /// An empty map with room for `n` groups.
    pub fn with_capacity(n: usize) -> GroupMap {
        GroupMap {
            groups: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
        }
    }

    /// A map of `groups`, kept in place. Groups with equal values are
    /// added up (the vector is then rebuilt).
    pub fn from_groups(groups: Vec<Group>) -> GroupMap {
        let mut map = GroupMap {
            hashes: groups.iter().map(|g| hash_of(&g.values)).collect(),
            index: HashTable::with_capacity(groups.len()),
            groups,
        };
        let GroupMap {
            groups,
            hashes,
            index,
        } = &mut map;
        for (at, &hash) in hashes.iter().enumerate() {
            let values = &groups[at].values;
            if index
                .find(hash, |&i| groups[i as usize].values == *values)
                .is_some()
            {
                let groups = std::mem::take(groups);
                return groups.into_iter().map(|g| (g.values, g.totals)).collect();
            }
            let position = u32::try_from(at).expect("fewer than 4 billion groups");
            index.insert_unique(hash, position, |&i| hashes[i as usize]);
        }
        map
    }

    /// A map of `groups` whose values are all different, kept in place and
    /// indexed only when first needed.
    pub fn from_distinct(groups: Vec<Group>) -> GroupMap {
        GroupMap {
            groups,
            hashes: Vec::new(),
            index: HashTable::new(),
        }
    }

    /// The hash of group `at`'s values, stored or computed.
    fn hash_at(&self, at: usize) -> u64 {
        stored_or_hashed(&self.hashes, at, &self.groups[at].values)
    }

    fn indexed(&self) -> bool {
        self.hashes.len() == self.groups.len()
    }

    /// Indexes the groups of a map made by [`GroupMap::from_distinct`].
    fn index_all(&mut self) {
        if self.indexed() {
            return;
        }
        let GroupMap {
            groups,
            hashes,
            index,
        } = self;
        hashes.extend(groups[hashes.len()..].iter().map(|g| hash_of(&g.values)));
        index.clear();
        index.reserve(groups.len(), |&i| hashes[i as usize]);
        for (at, &hash) in hashes.iter().enumerate() {
            index.insert_unique(hash, at as u32, |&i| hashes[i as usize]);
        }
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Returns true if and only if there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    fn find(&self, hash: u64, values: &[Option<String>]) -> Option<usize> {
        let groups = &self.groups;
        if !self.indexed() {
            // Only comparisons and tests look into a map not indexed yet.
            return groups.iter().position(|g| g.values == values);
        }
        self.index
            .find(hash, |&i| groups[i as usize].values == values)
            .map(|&i| i as usize)
    }

    /// The totals of the group with `values`, created empty the first time.
    pub fn entry(&mut self, values: GroupValues) -> &mut Totals {
        self.index_all();
        let hash = hash_of(&values);
        let at = match self.find(hash, &values) {
            Some(at) => at,
            None => self.push(hash, values, Totals::default()),
        };
        &mut self.groups[at].totals
    }

    fn push(&mut self, hash: u64, values: GroupValues, totals: Totals) -> usize {
        let at = self.groups.len();
        let position = u32::try_from(at).expect("fewer than 4 billion groups");
        let hashes = &self.hashes;
        self.index
            .insert_unique(hash, position, |&i| hashes[i as usize]);
        self.groups.push(Group { values, totals });
        self.hashes.push(hash);
        at
    }

    /// Sets the totals of `values`; returns the ones it had, if any.
    pub fn insert(&mut self, values: GroupValues, totals: Totals) -> Option<Totals> {
        self.index_all();
        let hash = hash_of(&values);
        match self.find(hash, &values) {
            Some(at) => Some(std::mem::replace(&mut self.groups[at].totals, totals)),
            None => {
                self.push(hash, values, totals);
                None
            }
        }
    }

    /// The totals of `values`, if it is a group.
    pub fn get(&self, values: &[Option<String>]) -> Option<&Totals> {
        self.find(hash_of(values), values)
            .map(|at| &self.groups[at].totals)
    }

    /// The groups, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&GroupValues, &Totals)> {
        self.groups.iter().map(|g| (&g.values, &g.totals))
    }

    /// The groups, in the order they were added, without a copy.
    pub fn into_groups(self) -> Vec<Group> {
        self.groups
    }

    /// Adds another map's groups; commutative and associative up to order.
    /// The smaller map is added into the larger, whose hashes are reused.
    /// The smaller one is taken from its end a block at a time and given
    /// back to the allocator as it goes, so both are not whole at once.
    pub fn merge(&mut self, other: GroupMap) {
        const BLOCK: usize = 1 << 15;
        let other = if self.len() < other.len() {
            std::mem::replace(self, other)
        } else {
            other
        };
        self.index_all();
        let GroupMap {
            groups: mut theirs,
            hashes: their_hashes,
            index,
        } = other;
        drop(index);
        self.groups.reserve(theirs.len());
        self.hashes.reserve(theirs.len());
        self.index.reserve(theirs.len(), {
            let hashes = &self.hashes;
            move |&i| hashes[i as usize]
        });
        while !theirs.is_empty() {
            let from = theirs.len().saturating_sub(BLOCK);
            for (at, g) in (from..).zip(theirs.drain(from..)) {
                let hash = stored_or_hashed(&their_hashes, at, &g.values);
                match self.find(hash, &g.values) {
                    Some(at) => self.groups[at].totals.merge(&g.totals),
                    None => {
                        self.push(hash, g.values, g.totals);
                    }
                }
            }
            theirs.shrink_to_fit();
        }
    }

    /// Takes away totals added before (duplicates found after a merge);
    /// a group left with nothing at all is removed.
    pub fn subtract(&mut self, other: GroupMap) {
        self.index_all();
        let mut emptied = false;
        for (at, g) in other.groups.iter().enumerate() {
            if let Some(at) = self.find(other.hash_at(at), &g.values) {
                let mine = &mut self.groups[at].totals;
                mine.subtract(&g.totals);
                emptied |= *mine == Totals::default();
            }
        }
        if emptied {
            // Removing in one pass and re-indexing keeps this linear however
            // many groups empty out.
            let kept: Vec<(Group, u64)> = std::mem::take(&mut self.groups)
                .into_iter()
                .zip(std::mem::take(&mut self.hashes))
                .filter(|(g, _)| g.totals != Totals::default())
                .collect();
            *self = GroupMap::with_capacity(kept.len());
            for (g, hash) in kept {
                self.push(hash, g.values, g.totals);
            }
        }
    }
}

impl std::fmt::Debug for GroupMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for GroupMap {
    fn eq(&self, other: &GroupMap) -> bool {
        self.len() == other.len()
            && self.groups.iter().enumerate().all(|(at, g)| {
                match other.find(self.hash_at(at), &g.values) {
                    Some(at) => other.groups[at].totals == g.totals,
                    None => false,
                }
            })
    }
}

impl Eq for GroupMap {}

impl FromIterator<(GroupValues, Totals)> for GroupMap {
    /// Groups met twice are added up.
    fn from_iter<I: IntoIterator<Item = (GroupValues, Totals)>>(iter: I) -> GroupMap {
        let iter = iter.into_iter();
        let mut map = GroupMap::with_capacity(iter.size_hint().0);
        for (values, totals) in iter {
            map.entry(values).merge(&totals);
        }
        map
    }
}

impl IntoIterator for GroupMap {
    type Item = (GroupValues, Totals);
    type IntoIter = std::iter::Map<std::vec::IntoIter<Group>, fn(Group) -> (GroupValues, Totals)>;

    fn into_iter(self) -> Self::IntoIter {
        self.groups.into_iter().map(|g| (g.values, g.totals))
    }
}

#[cfg(test)]
impl GroupMap {
    fn without(mut self, values: &[&str]) -> GroupMap {
        let gone: GroupMap = values
            .iter()
            .map(|x| {
                let k = vec![Some(x.to_string())];
                let t = self.get(&k).cloned().unwrap_or_default();
                (k, t)
            })
            .collect();
        self.subtract(gone);
        self
    }
}

// Tests only: a lookup that panics has no place in the program itself.
#[cfg(test)]
impl std::ops::Index<&GroupValues> for GroupMap {
    type Output = Totals;

    fn index(&self, values: &GroupValues) -> &Totals {
        self.get(values).expect("no such group")
    }
}

/// Written as a list of `[values, totals]` pairs sorted by values, so the
/// same groups always serialize alike.
impl Serialize for GroupMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut pairs: Vec<(&GroupValues, &Totals)> = self.iter().collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(pairs)
    }
}

impl<'de> Deserialize<'de> for GroupMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<GroupMap, D::Error> {
        let pairs: Vec<(GroupValues, Totals)> = Vec::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn t(requests: u128, cost: u128) -> Totals {
        Totals {
            requests,
            cost: Money(cost),
            ..Totals::default()
        }
    }

    fn v(s: &[&str]) -> GroupValues {
        s.iter()
            .map(|x| (!x.is_empty()).then(|| x.to_string()))
            .collect()
    }

    #[test]
    fn entry_insert_get_and_order_of_arrival() {
        let mut m = GroupMap::default();
        m.entry(v(&["b"])).merge(&t(1, 10));
        m.entry(v(&["a"])).merge(&t(2, 20));
        m.entry(v(&["b"])).merge(&t(3, 30));
        m.entry(v(&[""])).merge(&t(4, 40));
        assert_eq!(m.len(), 3);
        assert_eq!(m[&v(&["b"])], t(4, 40));
        assert_eq!(m.get(&v(&[""])), Some(&t(4, 40)));
        assert_eq!(m.get(&v(&["c"])), None);
        assert_eq!(m.insert(v(&["a"]), t(9, 9)), Some(t(2, 20)));
        assert_eq!(m.insert(v(&["c"]), t(1, 1)), None);
        let order: Vec<_> = m.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(order, [v(&["b"]), v(&["a"]), v(&[""]), v(&["c"])]);
    }

    #[test]
    fn merge_equals_adding_every_group_whatever_the_order() {
        // Many groups, so the tables grow past their first size.
        let part = |from: u128, to: u128| -> GroupMap {
            (from..to)
                .map(|i| (v(&[&format!("u{}", i % 700), "x"]), t(1, i)))
                .collect()
        };
        let whole = part(0, 3000);
        let mut ab = part(0, 1000);
        ab.merge(part(1000, 3000));
        let mut ba = part(1000, 3000);
        ba.merge(part(0, 1000));
        assert_eq!(ab, whole);
        assert_eq!(ba, whole);
        assert_eq!(whole.len(), 700);
        let requests: u128 = whole.iter().map(|(_, t)| t.requests).sum();
        assert_eq!(requests, 3000);
    }

    #[test]
    fn merge_takes_the_smaller_map_in_blocks() {
        // More groups than one block of the merge, half of them shared.
        let part = |from: u64, to: u64| -> GroupMap {
            (from..to)
                .map(|i| (v(&[&format!("u{i}")]), t(1, u128::from(i))))
                .collect()
        };
        let mut a = part(0, 80_000);
        a.merge(part(40_000, 110_000));
        assert_eq!(a.len(), 110_000);
        for i in [0, 39_999, 40_000, 79_999, 80_000, 109_999] {
            let want = if (40_000..80_000).contains(&i) { 2 } else { 1 };
            assert_eq!(a[&v(&[&format!("u{i}")])].requests, want, "u{i}");
        }
        let mut b = part(40_000, 110_000);
        b.merge(part(0, 80_000));
        assert_eq!(a, b);
    }

    #[test]
    fn a_map_of_distinct_groups_is_indexed_when_first_needed() {
        let g = |s: &str, n| Group {
            values: v(&[s]),
            totals: t(n, n),
        };
        let groups = || vec![g("a", 1), g("b", 2), g("c", 3)];
        let whole = GroupMap::from_groups(groups());
        // Compared and merged either way round before any index exists.
        assert_eq!(GroupMap::from_distinct(groups()), whole);
        assert_eq!(whole, GroupMap::from_distinct(groups()));
        assert_ne!(
            GroupMap::from_distinct(vec![g("a", 1), g("b", 2), g("c", 4)]),
            whole
        );
        let mut m = GroupMap::from_distinct(groups());
        m.merge(GroupMap::from_distinct(vec![g("b", 5), g("d", 1)]));
        assert_eq!(m.len(), 4);
        assert_eq!(m[&v(&["b"])], t(7, 7));
        let mut small = GroupMap::from_distinct(vec![g("b", 5)]);
        small.merge(GroupMap::from_distinct(groups()));
        assert_eq!(small, m.clone().without(&["d"]));
        m.subtract(GroupMap::from_distinct(vec![g("d", 1), g("a", 1)]));
        assert_eq!(m.len(), 2);
        m.entry(v(&["e"])).merge(&t(1, 1));
        assert_eq!(m[&v(&["e"])], t(1, 1));
        assert_eq!(m[&v(&["c"])], t(3, 3));
    }

    #[test]
    fn equality_ignores_order_but_not_totals() {
        let a: GroupMap = [(v(&["x"]), t(1, 1)), (v(&["y"]), t(2, 2))]
            .into_iter()
            .collect();
        let b: GroupMap = [(v(&["y"]), t(2, 2)), (v(&["x"]), t(1, 1))]
            .into_iter()
            .collect();
        let c: GroupMap = [(v(&["y"]), t(2, 3)), (v(&["x"]), t(1, 1))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, GroupMap::default());
    }

    #[test]
    fn subtract_removes_emptied_groups_and_keeps_finding_the_rest() {
        let mut m: GroupMap = (0..500u128)
            .map(|i| (v(&[&i.to_string()]), t(1, i)))
            .collect();
        let dup: GroupMap = (0..500u128)
            .filter(|i| i % 3 == 0)
            .map(|i| (v(&[&i.to_string()]), t(1, i)))
            .chain([(v(&["absent"]), t(1, 1))])
            .collect();
        m.subtract(dup);
        assert_eq!(m.len(), 500 - 167);
        assert_eq!(m.get(&v(&["3"])), None);
        assert_eq!(m[&v(&["4"])], t(1, 4));
        m.entry(v(&["3"])).merge(&t(5, 5));
        assert_eq!(m[&v(&["3"])], t(5, 5));
    }

    #[test]
    fn from_groups_keeps_the_vector_and_adds_up_repeats() {
        let g = |s: &[&str], n| Group {
            values: v(s),
            totals: t(n, n),
        };
        let m = GroupMap::from_groups(vec![g(&["a"], 1), g(&[""], 2), g(&["b"], 3)]);
        assert_eq!(m.len(), 3);
        assert_eq!(m[&v(&[""])], t(2, 2));
        let order: Vec<_> = m.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(order, [v(&["a"]), v(&[""]), v(&["b"])]);
        let m = GroupMap::from_groups(vec![g(&["a"], 1), g(&["b"], 3), g(&["a"], 4)]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[&v(&["a"])], t(5, 5));
    }

    #[test]
    fn serializes_sorted_and_reads_back() {
        let a: GroupMap = [(v(&["y"]), t(2, 2)), (v(&["x", ""]), t(1, 1))]
            .into_iter()
            .collect();
        let text = serde_json::to_string(&a).unwrap();
        assert!(text.starts_with(r#"[[["x",null],"#), "{text}");
        let back: GroupMap = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
    }
}
