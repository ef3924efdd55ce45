//! Keys met twice in one JSON object. A key a source reads (a canonical
//! field, an alias, a container, a token count) that occurs twice makes
//! its line malformed, `duplicate key `KEY``: JSON leaves repeated names
//! undefined, and parsers differ (the first, the last, an error), so the
//! bill would depend on the parser. Keys a source never reads may repeat.
//! See docs/sources.md, duplicate keys.
//!
//! Two sets, one per kind of reader: [`SeenIds`] for the learned walk,
//! whose keys are small ids (a bit each, no hashing), and [`SeenKeys`] for
//! readers that see key text (the serde visitors, `--map` walks).

use std::hash::{BuildHasher, BuildHasherDefault};

use rustc_hash::FxHasher;

use crate::parse::keyorder::{CAPACITY, NONE};

/// The learned key ids met in one object: a bit per id.
#[derive(Default)]
pub struct SeenIds([u64; CAPACITY / 64]);

impl SeenIds {
    /// Notes `id`; returns false if it was met before in this object, or
    /// is [`NONE`] (a key not learned, whose text the caller must compare
    /// some other way).
    #[inline(always)]
    pub fn first(&mut self, id: u16) -> bool {
        let at = usize::from(id);
        let (word, bit) = ((at >> 6) & (CAPACITY / 64 - 1), 1u64 << (at & 63));
        let fresh = self.0[word] & bit == 0 && id != NONE;
        self.0[word] |= bit;
        fresh
    }
}

/// How many keys [`SeenKeys`] holds: more than any object has keys a
/// source reads (the gateway knows about 130 names).
const KEYS: usize = 192;

/// The key texts met in one object, as 64-bit hashes (a repeat is found
/// by an equal hash; two distinct keys of one object share one with
/// probability 2^-64).
pub struct SeenKeys {
    hashes: [u64; KEYS],
    len: usize,
}

impl Default for SeenKeys {
    fn default() -> Self {
        SeenKeys {
            hashes: [0; KEYS],
            len: 0,
        }
    }
}

impl SeenKeys {
    /// Notes `key`; returns false if it was met before in this object.
    pub fn first(&mut self, key: &str) -> bool {
        let hash = BuildHasherDefault::<FxHasher>::default().hash_one(key);
        if self.hashes[..self.len].contains(&hash) {
            return false;
        }
        if self.len < KEYS {
            self.hashes[self.len] = hash;
            self.len += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_occurrence_is_found() {
        let mut ids = SeenIds::default();
        assert!(ids.first(2) && ids.first(3) && ids.first(511));
        assert!(!ids.first(3));
        assert!(!ids.first(NONE));
        let mut keys = SeenKeys::default();
        assert!(keys.first("team") && keys.first("model") && keys.first("Team"));
        assert!(!keys.first("team"));
    }
}
