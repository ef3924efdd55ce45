//! Keys for grouping inside one worker: every dimension value is interned
//! into the worker's own table, so the per-record work is a lookup on a
//! borrowed string, and a string is copied only the first time a worker
//! sees it. A group's key is an array of ids ([`GroupKey`]); when a worker
//! is done, [`Interner::values_of`] turns its keys back into text, so
//! workers (and runs) merge by their values, never by ids.

use rustc_hash::FxHashMap;

use crate::dimension::Dimension;
use crate::parse::keymap::Words;
use crate::report::{GroupValues, Totals};

/// The most dimensions one `--by` can list (each at most once).
pub const MAX_DIMS: usize = Dimension::ALL.len();

/// A group's key inside one worker: per dimension, 0 for a missing value,
/// else an interned id + 1; for a time dimension (never missing) its period
/// number as an `i32`'s bits ([`time_slot`]). 32-bit slots keep a key at 64
/// bytes, which matters with millions of groups.
pub type GroupKey = [u32; MAX_DIMS];

/// The key slot of a time period. Periods fit an `i32`: timestamps are
/// years 0..=9999, at most about 3.7 million days from 1970.
#[inline]
pub fn time_slot(period: i64) -> u32 {
    period as i32 as u32
}

/// Strings seen by one worker, each stored once.
///
/// Dimension values are short (a team, a model name), so a value of at
/// most [`INLINE`](crate::parse::keymap::INLINE) bytes is found by its
/// [`Words`]: register compares, no `memcmp`, where a string-keyed hash
/// map spends its time in `memcmp`. Longer values go to a hash map.
///
/// A worker can meet millions of distinct values (`--by user`), so the
/// table is kept small: a slot is 8 bytes (an id and 32 bits of the hash,
/// which tell most other values apart without reading their words), the
/// words sit in a dense vector by id, and the text of every string is
/// one buffer.
#[derive(Debug, Default)]
pub struct Interner {
    /// Open addressing: per slot, the hash's low 32 bits above the id + 1
    /// (0: free). A power of two long, at most half full.
    slots: Vec<u64>,
    /// Per id, the words of an inline string (of the empty string for a
    /// long one, which is never looked up here).
    words: Vec<Words>,
    /// The values too long for a slot.
    long: FxHashMap<Box<str>, u32>,
    /// Every string's text, one after another; string `id` ends at
    /// `ends[id]`.
    text: String,
    ends: Vec<usize>,
}

impl Interner {
    /// The id of `s`, copying it only the first time.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let Some(words) = Words::of(s.as_bytes()) else {
            return self.intern_long(s);
        };
        let hash = words.hash64();
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut i = self.start(hash);
            loop {
                let slot = self.slots[i];
                if slot == 0 {
                    break;
                }
                let id = (slot as u32).wrapping_sub(1);
                if (slot >> 32) as u32 == hash as u32 && self.words[id as usize] == words {
                    return id;
                }
                i = (i + 1) & mask;
            }
        }
        self.add_inline(s, words, hash)
    }

    #[cold]
    fn add_inline(&mut self, s: &str, words: Words, hash: u64) -> u32 {
        // Every string not in `long` has a slot.
        let inline = self.ends.len() - self.long.len();
        if (inline + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let id = self.push(s, words);
        self.place(hash, id);
        id
    }

    /// The first slot to probe for a hash.
    #[inline(always)]
    fn start(&self, hash: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (hash >> (64 - bits)) as usize
    }

    fn place(&mut self, hash: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.start(hash);
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (hash & 0xFFFF_FFFF) << 32 | u64::from(id + 1);
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let id = slot as u32 - 1;
            let hash = self.words[id as usize].hash64();
            self.place(hash, id);
        }
    }

    fn intern_long(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.long.get(s) {
            return id;
        }
        let none = Words::of(b"").expect("the empty string is inline");
        let id = self.push(s, none);
        self.long.insert(s.into(), id);
        id
    }

    fn push(&mut self, s: &str, words: Words) -> u32 {
        let id = u32::try_from(self.ends.len()).expect("fewer than 4 billion distinct values");
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.words.push(words);
        id
    }

    /// Drops the tables that find a string's id, keeping the strings:
    /// when a worker is done only ids are turned back into text, and with
    /// millions of distinct values the tables are as large as the groups.
    /// Interning afterwards starts the tables afresh, so a string interned
    /// before would get a second id: call this only when no more strings
    /// are interned.
    pub fn release_index(&mut self) {
        self.slots = Vec::new();
        self.words = Vec::new();
        self.long = FxHashMap::default();
    }

    /// The string of an id.
    pub fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = match id {
            0 => 0,
            _ => self.ends[id - 1],
        };
        &self.text[start..self.ends[id]]
    }

    /// Converts a map keyed by this interner's ids into string keys.
    /// Distinct keys give distinct values.
    pub fn values_of<'a>(
        &'a self,
        map: FxHashMap<GroupKey, Totals>,
        dims: &'a [Dimension],
    ) -> impl ExactSizeIterator<Item = (GroupValues, Totals)> + 'a {
        map.into_iter().map(move |(key, totals)| {
            let values = dims
                .iter()
                .zip(key.iter())
                .map(|(&d, &k)| self.value_of(d, k))
                .collect();
            (values, totals)
        })
    }

    /// The text of a [`GroupKey`] slot of dimension `d`.
    pub fn value_of(&self, d: Dimension, slot: u32) -> Option<String> {
        match slot {
            k if d.is_time() => Some(d.format_period(i64::from(k as i32))),
            0 => None,
            k => Some(self.get(k - 1).to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_index_keeps_every_string_by_id() {
        let mut interner = Interner::default();
        let long = "x".repeat(200);
        let ids: Vec<u32> = ["a", "b", long.as_str(), "a"]
            .iter()
            .map(|s| interner.intern(s))
            .collect();
        interner.release_index();
        assert!(interner.slots.is_empty() && interner.long.is_empty() && interner.words.is_empty());
        assert_eq!(ids[0], ids[3]);
        assert_eq!(interner.get(ids[1]), "b");
        assert_eq!(interner.get(ids[2]), long);
    }

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
        assert_eq!(interner.ends.len(), distinct.len());
    }
}
