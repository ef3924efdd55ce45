//! A small, read-only map from the JSON keys an adapter knows to what they
//! mean, for the hot path: one hash of a few bytes, a probe or two, and one
//! word-wise comparison per key, with no allocation. Most keys of a real
//! line (latencies, user agents, ids) are unknown and end at an empty slot.
//!
//! Adapters build one per key set, once (`LazyLock`), from a list.

/// An open-addressing map from `&'static str` keys to copyable values.
/// Each slot holds its key inline as little-endian words (keys of at most
/// [`INLINE`] bytes), so a probe compares registers, never follows a
/// pointer and never calls `memcmp`. The probed part (length, first and
/// last word: 24 bytes a slot) is apart from the rest of the key and from
/// the values, which may be large, so the table stays in L1 cache. Longer
/// keys, which no adapter has today, sit in a short list compared byte by
/// byte.
pub struct KeyMap<V> {
    heads: Box<[Head]>,
    mids: Box<[[u64; 2]]>,
    values: Box<[Option<V>]>,
    long: Vec<(&'static str, V)>,
    mask: usize,
}

/// The probed part of a slot; `len == EMPTY` marks a free one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    first: u64,
    last: u64,
    len: u32,
}

const EMPTY: u32 = u32::MAX;

/// Keys longer than this are not stored inline.
pub const INLINE: usize = 32;

/// A key of at most [`INLINE`] bytes as its length and the words that
/// determine it: the first eight bytes, the last eight (they overlap for
/// short keys), and bytes 8..16 and 16..24 where the key reaches them.
/// Two strings are equal exactly when their `Words` are: the interner
/// uses them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    len: usize,
    first: u64,
    last: u64,
    mid: [u64; 2],
}

impl Words {
    /// The words of `key`, if it has at most [`INLINE`] bytes.
    #[inline(always)]
    pub fn of(key: &[u8]) -> Option<Words> {
        let n = key.len();
        if n > INLINE {
            return None;
        }
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&key[at..at + 8]);
            u64::from_le_bytes(w)
        };
        let (first, last) = if n >= 8 {
            (word(0), word(n - 8))
        } else {
            let w = short_word(key);
            (w, w)
        };
        let mid = [
            if n > 16 { word(8) } else { 0 },
            if n > 24 { word(16) } else { 0 },
        ];
        Some(Words {
            len: n,
            first,
            last,
            mid,
        })
    }

    /// A hash of every word, for large tables whose keys share their
    /// first and last bytes (model names): take its high bits.
    #[inline(always)]
    pub fn hash64(&self) -> u64 {
        (self.first
            ^ self.last.rotate_left(29)
            ^ self.mid[0].rotate_left(13)
            ^ self.mid[1].rotate_left(47)
            ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// A hash of the words for the small key tables (its first and last
    /// words tell the keys of one adapter apart).
    #[inline(always)]
    fn hash(&self) -> usize {
        let h = (self.first ^ self.last.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize
    }
}

/// A key of fewer than eight bytes as a zero-padded little-endian word,
/// from loads that overlap instead of a `memcpy` of variable length (a
/// library call on every lookup).
#[inline(always)]
fn short_word(key: &[u8]) -> u64 {
    let n = key.len();
    if n >= 4 {
        let half = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&key[at..at + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        // The bytes the two halves share are the same on both sides.
        half(0) | half(n - 4) << ((n - 4) * 8)
    } else if n > 0 {
        let byte = |at: usize| u64::from(key[at]) << (at * 8);
        byte(0) | byte(n / 2) | byte(n - 1)
    } else {
        0
    }
}

impl Words {
    fn head(&self) -> Head {
        Head {
            first: self.first,
            last: self.last,
            len: self.len as u32,
        }
    }
}

impl<V: Copy> KeyMap<V> {
    /// A map of `entries`; a repeated key keeps its first value.
    pub fn new(entries: impl IntoIterator<Item = (&'static str, V)>) -> KeyMap<V> {
        let entries: Vec<_> = entries.into_iter().collect();
        let size = (entries.len() * 4).max(8).next_power_of_two();
        let free = Head {
            first: 0,
            last: 0,
            len: EMPTY,
        };
        let mut heads = vec![free; size].into_boxed_slice();
        let mut mids = vec![[0u64; 2]; size].into_boxed_slice();
        let mut values = vec![None; size].into_boxed_slice();
        let mut long: Vec<(&'static str, V)> = Vec::new();
        let mask = size - 1;
        for (key, value) in entries {
            let Some(words) = Words::of(key.as_bytes()) else {
                if !long.iter().any(|(k, _)| *k == key) {
                    long.push((key, value));
                }
                continue;
            };
            let mut i = words.hash() & mask;
            loop {
                if heads[i].len == EMPTY {
                    heads[i] = words.head();
                    mids[i] = words.mid;
                    values[i] = Some(value);
                    break;
                }
                if heads[i] == words.head() && mids[i] == words.mid {
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        KeyMap {
            heads,
            mids,
            values,
            long,
            mask,
        }
    }

    /// The slot of `words`, if the key is in the map (inline keys only),
    /// and how many slots the search inspected.
    #[inline]
    fn find(&self, words: &Words) -> (Option<usize>, usize) {
        let head = words.head();
        let mut i = words.hash() & self.mask;
        let mut probes = 1;
        loop {
            let h = &self.heads[i];
            if h.len == EMPTY {
                return (None, probes);
            }
            if *h == head && (words.len <= 16 || self.mids[i] == words.mid) {
                return (Some(i), probes);
            }
            i = (i + 1) & self.mask;
            probes += 1;
        }
    }

    /// The value of `key`, if it is in the map.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        let Some(words) = Words::of(key.as_bytes()) else {
            return self.long.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
        };
        self.values[self.find(&words).0?].as_ref()
    }

    /// How many slots a lookup of `key` inspects (for tests of the hash).
    pub fn probes(&self, key: &str) -> usize {
        Words::of(key.as_bytes()).map_or(1, |words| self.find(&words).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_agree_with_string_equality_at_every_length() {
        let keys: Vec<&'static str> = vec![
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopqrstuvwx",
            "abcdefghijklmnopqrstuvwxy",
            "abcdefghijklmnopqrstuvwxyz012345",
            "abcdefghijklmnopqrstuvwxyz0123456",
            "cache_creation_input_tokens",
        ];
        let map = KeyMap::new(keys.iter().enumerate().map(|(i, k)| (*k, i)));
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(map.get(k), Some(&i), "{k}");
        }
        for miss in [
            "cache_creation_input_tokenz",
            "xache_creation_input_tokens",
            "cache_creation_inpxt_tokens",
            "abcdefghijklmnopqrstuvwxyz012346",
            "abcdefghijklmnopqrstuvwxyz0123457",
            "abcdefghijklmnopqrstuvwXyz012345",
            "abcdefghijklmnopqrstuvwy",
            "abcdefghijklmnoq",
            "abcdefgi",
            "abce",
            "b",
        ] {
            assert_eq!(map.get(miss), None, "{miss}");
        }
    }

    #[test]
    fn first_value_wins_and_unknown_keys_are_absent() {
        let m = KeyMap::new([("a", 1), ("bb", 2), ("a", 3)]);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(m.get("bb"), Some(&2));
        assert_eq!(m.get("c"), None);
        assert_eq!(m.get(""), None);
    }
}
