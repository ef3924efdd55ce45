//! Where one worker's groups live until the worker is done.
//!
//! With several dimensions (or a time dimension) a group is found by its
//! [`GroupKey`] in a hash map. With one dimension that is not a time, the
//! key is a single interned id, and the interner has already told values
//! apart: the group is found by indexing a table with the id, so a run
//! with millions of distinct users or customers (`--by user`) does no
//! second hash lookup per record, and the groups are stored densely, in
//! the order they were first seen.
//!
//! Otherwise (`--by customer,day`, `--by team,model`) the groups are also
//! summed in a dense vector, in the order first seen, with their keys in a
//! flat vector beside it and a hash table of positions: growing the table
//! moves 4-byte positions, not whole groups, and the groups become the
//! report's without being copied.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::aggregate::{GroupKey, Interner};
use crate::dimension::Dimension;
use crate::report::{Group, GroupMap, Totals};

/// One worker's groups.
pub(super) enum Groups {
    /// One non-time dimension: `index[slot]` is the group's position + 1
    /// (0: none yet), where `slot` is the key's one slot (interned id + 1,
    /// 0 for a missing value).
    One {
        index: Vec<u32>,
        slots: Vec<u32>,
        /// Values are filled in at the end: the totals are summed in
        /// the vector the report will hold, never copied.
        groups: Vec<Group>,
    },
    /// Any other `--by`: group `i`'s key is `keys[i * width..][..width]`
    /// (the first `width` slots of its [`GroupKey`]).
    Many {
        width: usize,
        keys: Vec<u32>,
        index: HashTable<u32>,
        groups: Vec<Group>,
    },
}

impl Groups {
    /// The table for grouping by `dims`.
    pub(super) fn new(dims: &[Dimension]) -> Groups {
        match dims {
            [d] if !d.is_time() => Groups::One {
                index: Vec::new(),
                slots: Vec::new(),
                groups: Vec::new(),
            },
            _ => Groups::Many {
                width: dims.len(),
                keys: Vec::new(),
                index: HashTable::new(),
                groups: Vec::new(),
            },
        }
    }

    /// The totals of the group with `key`, created empty the first time.
    #[inline]
    pub(super) fn entry(&mut self, key: &GroupKey) -> &mut Totals {
        match self {
            Groups::One {
                index,
                slots,
                groups,
            } => {
                let slot = key[0];
                let at = slot as usize;
                if at >= index.len() {
                    index.resize(at + 1, 0);
                }
                let pos = match index[at] {
                    0 => {
                        slots.push(slot);
                        groups.push(Group {
                            values: Vec::new(),
                            totals: Totals::default(),
                        });
                        index[at] = groups.len() as u32;
                        groups.len() - 1
                    }
                    n => n as usize - 1,
                };
                &mut groups[pos].totals
            }
            Groups::Many {
                width,
                keys,
                index,
                groups,
            } => {
                let width = *width;
                let key = &key[..width];
                let hash = FxBuildHasher.hash_one(key);
                let found = index.find(hash, |&i| &keys[i as usize * width..][..width] == key);
                let at = match found {
                    Some(&i) => i as usize,
                    None => {
                        let at = groups.len();
                        let position = u32::try_from(at).expect("fewer than 4 billion groups");
                        index.insert_unique(hash, position, |&i| {
                            FxBuildHasher.hash_one(&keys[i as usize * width..][..width])
                        });
                        keys.extend_from_slice(key);
                        groups.push(Group::default());
                        at
                    }
                };
                &mut groups[at].totals
            }
        }
    }

    /// The groups keyed by their values, for merging with other workers.
    pub(super) fn into_values(self, interner: &Interner, dims: &[Dimension]) -> GroupMap {
        match self {
            Groups::One {
                slots, mut groups, ..
            } => {
                for (slot, g) in slots.into_iter().zip(&mut groups) {
                    g.values = vec![interner.value_of(dims[0], slot)];
                }
                GroupMap::from_distinct(groups)
            }
            Groups::Many {
                width,
                keys,
                index,
                mut groups,
            } => {
                drop(index);
                for (key, g) in keys.chunks_exact(width.max(1)).zip(&mut groups) {
                    g.values = dims
                        .iter()
                        .zip(key)
                        .map(|(&d, &k)| interner.value_of(d, k))
                        .collect();
                }
                GroupMap::from_distinct(groups)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::MAX_DIMS;

    fn add(groups: &mut Groups, slot0: u32, slot1: u32, requests: u128) {
        let mut key: GroupKey = [0; MAX_DIMS];
        key[0] = slot0;
        key[1] = slot1;
        groups.entry(&key).requests += requests;
    }

    #[test]
    fn one_dimension_by_index_equals_the_hash_map() {
        let mut interner = Interner::default();
        let ids: Vec<u32> = ["u1", "u2", "u3", "u4"]
            .iter()
            .map(|s| interner.intern(s))
            .collect();
        let dims = [Dimension::User];
        let mut one = Groups::new(&dims);
        let mut many = Groups::Many {
            width: 1,
            keys: Vec::new(),
            index: HashTable::new(),
            groups: Vec::new(),
        };
        assert!(matches!(one, Groups::One { .. }));
        // Missing values (slot 0), repeats, and ids seen out of order.
        for (slot, n) in [
            (ids[2] + 1, 1),
            (0, 2),
            (ids[0] + 1, 3),
            (ids[2] + 1, 4),
            (0, 5),
        ] {
            add(&mut one, slot, 0, n);
            add(&mut many, slot, 0, n);
        }
        let one = one.into_values(&interner, &dims);
        let many = many.into_values(&interner, &dims);
        assert_eq!(one, many);
        assert_eq!(one[&vec![Some("u3".to_string())]].requests, 5);
        assert_eq!(one[&vec![None]].requests, 7);
        assert_eq!(one.len(), 3);
    }

    #[test]
    fn several_dimensions_sum_each_key_once_as_the_table_grows() {
        let mut interner = Interner::default();
        let ids: Vec<u32> = (0..300)
            .map(|i| interner.intern(&format!("c{i}")))
            .collect();
        let dims = [Dimension::Customer, Dimension::Day];
        let mut g = Groups::new(&dims);
        let mut want: std::collections::HashMap<(u32, u32), u128> = Default::default();
        // Keys met in scrambled order, three times each; missing customers.
        for round in 0..3u64 {
            for i in 0..6000u32 {
                let j = (i * 7919) % 6000;
                let slot0 = match j % 301 {
                    300 => 0,
                    c => ids[c as usize] + 1,
                };
                let day = crate::aggregate::time_slot(20_000 + i64::from(j % 20));
                add(&mut g, slot0, day, u128::from(round + 1));
                *want.entry((slot0, day)).or_default() += u128::from(round + 1);
            }
        }
        let map = g.into_values(&interner, &dims);
        assert_eq!(map.len(), want.len());
        for ((slot0, day), n) in want {
            let values = vec![
                slot0.checked_sub(1).map(|id| interner.get(id).to_string()),
                Some(Dimension::Day.format_period(i64::from(day as i32))),
            ];
            assert_eq!(map[&values].requests, n, "{values:?}");
        }
    }

    #[test]
    fn time_and_several_dimensions_use_the_hash_map() {
        assert!(matches!(
            Groups::new(&[Dimension::Day]),
            Groups::Many { .. }
        ));
        let dims = [Dimension::Team, Dimension::Model];
        let mut g = Groups::new(&dims);
        assert!(matches!(g, Groups::Many { .. }));
        add(&mut g, 0, 0, 1);
        add(&mut g, 0, 0, 1);
        let interner = Interner::default();
        assert_eq!(
            g.into_values(&interner, &dims)[&vec![None, None]].requests,
            2
        );
    }
}
