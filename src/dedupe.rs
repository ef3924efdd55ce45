//! Dropping repeated `request_id`s, deterministically and in parallel.
//!
//! Which occurrence counts: the one earliest in (file, line) order, where
//! file ids follow the sorted path order of the run. So the answer does not
//! depend on `--threads`, chunk size or the order paths were given in.
//!
//! How, without a first pass over the input:
//! 1. Every worker counts every record as usual and also keeps, per
//!    distinct id, a 64-bit hash of the id and the earliest position it saw
//!    it at ([`Seen`]). When a hash is seen again (in the same worker, or
//!    when two workers' maps are merged), the later of the two positions
//!    has lost: its chunk is noted for a rescan. Each occurrence but the
//!    winner loses exactly once, at a moment its position is known, so the
//!    rescan set covers every chunk holding a duplicate.
//! 2. After the merge, only the chunks in the rescan set are read again,
//!    by workers that count just the records whose id is known and whose
//!    position is not the kept one. That partial is subtracted from the
//!    totals (integer sums, so exactly) and its records move from `parsed`
//!    to `duplicate`.
//!
//! Memory is the hash map: a 24-byte entry per distinct id plus the hash
//! table's control byte and free slots. Two different ids with the same
//! 64-bit hash would be taken for one (for 100 million ids, a chance of
//! about 3 in 10 000).

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::accounting::RelOrigin;

/// A position packed small: file id, chunk index, line within the chunk.
/// Orders like [`RelOrigin`].
pub type Pos = [u32; 3];

/// Packs a relative origin (lines beyond `u32::MAX` within one chunk are
/// clamped, which only a multi-gigabyte single-line-per-byte chunk reaches).
pub fn pos(at: RelOrigin) -> Pos {
    [
        at.file,
        at.chunk,
        u32::try_from(at.line).unwrap_or(u32::MAX),
    ]
}

/// A 64-bit hash of a request id, the same in every worker and every run.
pub fn hash_id(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    // Fx is fast but weak in its low bits; finish with a strong mixer
    // (splitmix64) so the table and the collision odds behave as random.
    let mut z = h.finish() ^ (id.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The ids seen so far, with the earliest position of each, and the chunks
/// that hold a later (losing) occurrence.
#[derive(Debug, Default)]
pub struct Seen {
    /// Id hash -> earliest position.
    pub first: FxHashMap<u64, Pos>,
    /// `(file, chunk)` of every chunk that holds a losing occurrence.
    pub rescan: FxHashSet<(u32, u32)>,
}

impl Seen {
    /// Notes an occurrence of `hash` at `at`.
    #[inline]
    pub fn see(&mut self, hash: u64, at: Pos) {
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(at);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let loser = if at < *o.get() {
                    std::mem::replace(o.get_mut(), at)
                } else {
                    at
                };
                self.rescan.insert((loser[0], loser[1]));
            }
        }
    }

    /// Adds another set; commutative. The smaller map is folded into the
    /// larger one.
    pub fn merge(&mut self, mut o: Seen) {
        if o.first.len() > self.first.len() {
            std::mem::swap(self, &mut o);
        }
        self.rescan.extend(o.rescan);
        self.first.reserve(o.first.len());
        for (hash, at) in o.first {
            self.see(hash, at);
        }
    }

    /// Returns true if and only if the occurrence of `hash` at `at` is a
    /// duplicate: a different occurrence is the kept one.
    pub fn is_duplicate(&self, hash: u64, at: Pos) -> bool {
        self.first.get(&hash).is_some_and(|kept| *kept != at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_occurrence_wins_in_any_merge_order() {
        let h = hash_id("req-1");
        let occurrences = [[0, 2, 5], [0, 0, 9], [1, 0, 1], [0, 0, 3]];
        let mut results = Vec::new();
        for split in 0..=occurrences.len() {
            let (a, b) = occurrences.split_at(split);
            let (mut sa, mut sb) = (Seen::default(), Seen::default());
            a.iter().for_each(|&p| sa.see(h, p));
            b.iter().for_each(|&p| sb.see(h, p));
            sb.merge(sa);
            let mut rescan: Vec<_> = sb.rescan.iter().copied().collect();
            rescan.sort_unstable();
            results.push((sb.first[&h], rescan));
        }
        for r in &results {
            assert_eq!(r, &([0, 0, 3], vec![(0, 0), (0, 2), (1, 0)]));
        }
    }

    #[test]
    fn hashes_are_stable_and_spread() {
        assert_eq!(hash_id("a"), hash_id("a"));
        assert_ne!(hash_id("a"), hash_id("b"));
        assert_ne!(hash_id(""), hash_id("\0"));
    }
}
