//! Dropping repeated `request_id`s, deterministically and in parallel.
//!
//! Which occurrence counts: the one earliest in (file, line) order (for
//! records sharing a line, the first read), where
//! file ids follow the sorted path order of the run. So the answer does not
//! depend on `--threads`, chunk size or the order paths were given in.
//!
//! How, without a first pass over the input:
//! 1. Every worker counts every record as usual and also appends, per
//!    record with an id, a 64-bit hash of the id and its position to a
//!    plain vector ([`Seen`]): 20 bytes, no hashing into a table, no lock.
//!    Merging two workers is appending one vector to the other.
//! 2. After the merge, [`Seen::finish`] sorts the vector by (hash,
//!    position) in place and keeps the first entry of each hash: the
//!    earliest occurrence. Every later entry of a hash is a duplicate, and
//!    its chunk is noted for a rescan. (Standard input is finished once
//!    per batch, so its entries become further sorted runs, merged like a
//!    binary counter.)
//! 3. Only the chunks in the rescan set are read again, by workers that
//!    count just the records whose position is not the kept one. That
//!    partial is subtracted from the totals (integer sums, so exactly) and
//!    its records move from `parsed` to `duplicate`.
//!
//! Memory: 20 bytes per record that has an id while reading (a vector's
//! spare capacity is address space, not resident memory), then 20 bytes
//! per distinct id, plus a small set of the repeated ids' hashes (the sort
//! is in place; merging stdin runs copies a run for a moment). Measured:
//! about 30 bytes of peak RSS per distinct id with one thread, 34 with
//! two. Two different ids with the same 64-bit hash would be taken for one
//! (for 100 million ids, a chance of about 3 in 10 000).

use std::hash::Hasher;

use rustc_hash::{FxHashSet, FxHasher};

use crate::accounting::RelOrigin;

/// A record's position packed small: file id, chunk index, and the
/// record's ordinal within the chunk (from 0). Orders like the physical
/// position, and stays distinct even for records that share a line (a
/// JSON document holding many records).
pub type Pos = [u32; 3];

/// The position of the `ordinal`-th record of the chunk at `at`.
pub fn pos(at: RelOrigin, ordinal: u32) -> Pos {
    [at.file, at.chunk, ordinal]
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

/// An occurrence: the id hash (high, low word) and its [`Pos`]. As an
/// array it sorts by hash, then by position.
type Entry = [u32; 5];

fn entry(hash: u64, at: Pos) -> Entry {
    [(hash >> 32) as u32, hash as u32, at[0], at[1], at[2]]
}

/// The ids seen so far, and after [`Seen::finish`] the kept position of
/// each and the chunks that hold a duplicate.
#[derive(Debug, Default)]
pub struct Seen {
    /// Entries not yet finished, in any order.
    pending: Vec<Entry>,
    /// Finished entries: sorted runs, one entry per hash across all runs,
    /// each the kept (earliest) position. Runs are merged like a binary
    /// counter, so there are O(log n) of them; a run of files is one.
    runs: Vec<Vec<Entry>>,
    /// `(file, chunk)` of every chunk that holds a duplicate.
    pub rescan: FxHashSet<(u32, u32)>,
    /// Hashes that occur more than once: a small set that answers "not a
    /// duplicate" for most records of a rescanned chunk without touching
    /// the large sorted runs.
    repeated: FxHashSet<u64>,
}

fn hash_of(e: &Entry) -> u64 {
    u64::from(e[0]) << 32 | u64::from(e[1])
}

/// Merges two sorted runs with no hash in common.
fn merge_runs(a: Vec<Entry>, b: Vec<Entry>) -> Vec<Entry> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl Seen {
    /// Notes an occurrence of `hash` at `at`.
    #[inline]
    pub fn see(&mut self, hash: u64, at: Pos) {
        self.pending.push(entry(hash, at));
    }

    /// Adds another set. Finished runs of `o` are taken as pending again,
    /// so merging is correct whatever was finished where.
    pub fn merge(&mut self, mut o: Seen) {
        let keep_self =
            !self.runs.is_empty() || (o.runs.is_empty() && self.pending.len() >= o.pending.len());
        if !keep_self {
            std::mem::swap(self, &mut o);
        }
        for run in o.runs.drain(..) {
            self.pending.extend(run);
        }
        self.pending.append(&mut o.pending);
        self.rescan.extend(o.rescan);
        self.repeated.extend(o.repeated);
    }

    fn find_mut(&mut self, hash: [u32; 2]) -> Option<&mut Entry> {
        for run in &mut self.runs {
            if let Ok(i) = run.binary_search_by(|e| e[..2].cmp(&hash[..])) {
                return Some(&mut run[i]);
            }
        }
        None
    }

    fn lose(&mut self, e: Entry) {
        self.rescan.insert((e[2], e[3]));
        self.repeated.insert(hash_of(&e));
    }

    /// Sorts the pending entries, keeps the earliest occurrence of each id
    /// (against the finished runs too) and notes the chunk of every other
    /// one in `rescan`. The cost is the pending entries' sort plus a
    /// lookup each in the runs, so calling it once per stdin batch stays
    /// cheap.
    pub fn finish(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut new = std::mem::take(&mut self.pending);
        // By hash, then position: the first entry of a hash is its earliest.
        // In parallel: this runs once, after the workers, on every id.
        {
            use rayon::slice::ParallelSliceMut;
            new.par_sort_unstable();
        }
        let mut kept = 0;
        for i in 0..new.len() {
            let e = new[i];
            if kept > 0 && new[kept - 1][..2] == e[..2] {
                self.lose(e);
                continue;
            }
            let hash = [e[0], e[1]];
            if let Some(old) = self.find_mut(hash) {
                let loser = if e[2..] < old[2..] {
                    std::mem::replace(old, e)
                } else {
                    e
                };
                self.lose(loser);
                continue;
            }
            new[kept] = e;
            kept += 1;
        }
        new.truncate(kept);
        new.shrink_to_fit();
        if !new.is_empty() {
            self.runs.push(new);
        }
        while self.runs.len() >= 2 {
            let n = self.runs.len();
            if self.runs[n - 1].len() * 2 < self.runs[n - 2].len() {
                break;
            }
            let b = self.runs.pop().unwrap_or_default();
            let a = self.runs.pop().unwrap_or_default();
            self.runs.push(merge_runs(a, b));
        }
    }

    /// The number of distinct ids kept (after [`Seen::finish`]).
    pub fn len(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }

    /// Returns true if and only if no id was seen.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.runs.is_empty()
    }

    /// Returns true if and only if the occurrence of `hash` at `at` is a
    /// duplicate: a different occurrence is the kept one. Only meaningful
    /// after [`Seen::finish`].
    pub fn is_duplicate(&self, hash: u64, at: Pos) -> bool {
        if !self.repeated.contains(&hash) {
            return false;
        }
        let key = [(hash >> 32) as u32, hash as u32];
        for run in &self.runs {
            if let Ok(i) = run.binary_search_by(|e| e[..2].cmp(&key[..])) {
                return run[i][2..] != at[..];
            }
        }
        false
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
            sb.finish();
            let mut rescan: Vec<_> = sb.rescan.iter().copied().collect();
            rescan.sort_unstable();
            let dup: Vec<bool> = occurrences.iter().map(|&p| sb.is_duplicate(h, p)).collect();
            results.push((sb.len(), dup, rescan));
        }
        for r in &results {
            assert_eq!(
                r,
                &(
                    1,
                    vec![true, true, true, false],
                    vec![(0, 0), (0, 2), (1, 0)]
                )
            );
        }
    }

    #[test]
    fn batches_finished_one_by_one_agree_with_one_finish() {
        // Pseudo-random ids and positions in increasing order, finished in
        // batches (as stdin is) or all at once (as files are).
        let mut x = 7u64;
        let mut all = Vec::new();
        for i in 0..5000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            all.push((
                hash_id(&format!("id{}", (x >> 33) % 1500)),
                [0, i / 100, i % 100],
            ));
        }
        let mut once = Seen::default();
        for &(h, p) in &all {
            once.see(h, p);
        }
        once.finish();
        let mut batched = Seen::default();
        for batch in all.chunks(137) {
            let mut part = Seen::default();
            for &(h, p) in batch {
                part.see(h, p);
            }
            batched.merge(part);
            batched.finish();
        }
        assert!(batched.runs.len() < 12, "{}", batched.runs.len());
        assert_eq!(batched.len(), once.len());
        assert_eq!(batched.rescan, once.rescan);
        for &(h, p) in &all {
            assert_eq!(batched.is_duplicate(h, p), once.is_duplicate(h, p));
        }
        let dups = all
            .iter()
            .filter(|(h, p)| once.is_duplicate(*h, *p))
            .count();
        assert_eq!(dups + once.len(), all.len());
    }

    #[test]
    fn hashes_are_stable_and_spread() {
        assert_eq!(hash_id("a"), hash_id("a"));
        assert_ne!(hash_id("a"), hash_id("b"));
        assert_ne!(hash_id(""), hash_id("\0"));
    }
}
