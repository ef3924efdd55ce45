//! A small, read-only map from the JSON keys an adapter knows to what they
//! mean, for the hot path: one hash of a few bytes, a probe or two, and one
//! word-wise comparison per key, with no allocation. Most keys of a real
//! line (latencies, user agents, ids) are unknown and end at an empty slot.
//!
//! Adapters build one per key set, once (`LazyLock`), from a list.

/// An open-addressing map from `&'static str` keys to copyable values. The
/// keys are probed in their own compact array (16 bytes a slot, so the
/// table stays in L1 cache); the values, which may be large, sit beside it.
pub struct KeyMap<V> {
    keys: Box<[Option<&'static str>]>,
    values: Box<[Option<V>]>,
    mask: usize,
}

impl<V: Copy> KeyMap<V> {
    /// A map of `entries`; a repeated key keeps its first value.
    pub fn new(entries: impl IntoIterator<Item = (&'static str, V)>) -> KeyMap<V> {
        let entries: Vec<_> = entries.into_iter().collect();
        let size = (entries.len() * 4).max(8).next_power_of_two();
        let mut keys = vec![None; size].into_boxed_slice();
        let mut values = vec![None; size].into_boxed_slice();
        let mask = size - 1;
        for (key, value) in entries {
            let mut i = hash(key.as_bytes()) & mask;
            loop {
                match keys[i] {
                    None => {
                        keys[i] = Some(key);
                        values[i] = Some(value);
                        break;
                    }
                    Some(k) if k == key => break,
                    Some(_) => i = (i + 1) & mask,
                }
            }
        }
        KeyMap { keys, values, mask }
    }

    /// The value of `key`, if it is in the map.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        let mut i = hash(key.as_bytes()) & self.mask;
        loop {
            match self.keys[i] {
                None => return None,
                Some(k) if same_bytes(k.as_bytes(), key.as_bytes()) => {
                    return self.values[i].as_ref()
                }
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }

    /// How many slots a lookup of `key` inspects (for tests of the hash).
    pub fn probes(&self, key: &str) -> usize {
        let mut i = hash(key.as_bytes()) & self.mask;
        let mut n = 1;
        while let Some(k) = self.keys[i] {
            if k == key {
                break;
            }
            i = (i + 1) & self.mask;
            n += 1;
        }
        n
    }
}

/// Mixes the length and three bytes of a key: enough to spread the few
/// dozen keys of an adapter, and far cheaper than hashing every byte.
#[inline]
fn hash(key: &[u8]) -> usize {
    let n = key.len();
    if n == 0 {
        return 0;
    }
    let (a, b, c) = (key[0] as usize, key[n / 2] as usize, key[n - 1] as usize);
    (n.wrapping_mul(0x9E37)
        ^ a.wrapping_mul(0x85EB)
        ^ b.wrapping_mul(0xC2B3)
        ^ c.wrapping_mul(0x27D5))
    .wrapping_mul(0x9E37_79B9)
        >> 7
}

/// Byte equality for short keys with word loads instead of a call to
/// `memcmp` (keys are compared once per JSON key in the hot path).
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    match n {
        0..=3 => a == b,
        4..=7 => {
            let half = |s: &[u8], at: usize| {
                u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]))
            };
            half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
        }
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => {
            word(a, 0) == word(b, 0)
                && word(a, 8) == word(b, 8)
                && word(a, n - 8) == word(b, n - 8)
                && a[16..] == b[16..]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_key_equality_matches_slice_equality() {
        let keys = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "cache_creation_input_tokens",
            "cache_creation_input_tokenz",
            "xache_creation_input_tokens",
            "cache_creation_inpxt_tokens",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
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
