//! Dropping repeated `request_id`s, deterministically and in parallel.
//!
//! Which occurrence counts: the one earliest in (file, chunk) order, and
//! within that chunk the first one read, where file ids follow the sorted
//! path order of the run. So the answer does not depend on `--threads`,
//! chunk size or the order paths were given in.
//!
//! How, without a first pass over the input:
//! 1. Every worker counts every record as usual and also appends, per
//!    record with an id, a 64-bit hash of the id and the number of its
//!    block (a run of [`BLOCK_LINES`] lines of a chunk) among the worker's
//!    blocks, which a small per-worker table of chunks resolves ([`Seen`]):
//!    12 bytes, no hashing into a table, no lock. Entries go to fixed-size
//!    blocks, so growing never copies, and merging two workers moves
//!    blocks.
//! 2. After the merge, [`Seen::finish`] gathers the blocks into one vector,
//!    in 256 buckets by the hash's top byte, sorts each bucket by hash in
//!    place (in parallel, each within a core's cache) and keeps, of each
//!    hash, the entry of the earliest block. Every other entry of a hash
//!    is a duplicate, and its block is noted for a rescan. (Standard input is
//!    finished once per batch, so its entries become further sorted runs,
//!    merged like a binary counter.)
//! 3. Only the chunks that hold a noted block are read again, and of a
//!    line-framed chunk only the lines of its noted blocks are parsed, by
//!    workers that count just the records that are not the kept
//!    occurrence: every occurrence of a repeated id outside its kept block,
//!    and every one but the first inside it. That partial is subtracted
//!    from the totals (integer sums, so exactly) and its records move from
//!    `parsed` to `duplicate`. (Retries and replays spread duplicates
//!    thinly: at 0.1% of 4 MiB chunks' records, most chunks hold one, but
//!    few blocks do.)
//!
//! Memory: 12 bytes per record that has an id while reading and while the
//! entry blocks are gathered (each is freed once copied), then 12 bytes per
//! distinct id, plus a small set of the repeated ids' hashes and of the
//! blocks that hold a duplicate. On a virtual
//! machine every page touched for the first time is expensive (most of the
//! cost of dedupe was once vectors doubling and being appended), so each
//! entry is written twice at most. Two different ids with the same 64-bit
//! hash would be taken for one (for 100 million ids, a chance of about 3 in
//! 10 000).

use std::hash::Hasher;

use rustc_hash::{FxHashSet, FxHasher};

use crate::accounting::RelOrigin;

/// Where a record was read, as far as dedupe needs it: file id, chunk
/// index and block of lines in the chunk. Orders like the physical
/// position.
pub type Pos = [u32; 3];

/// Lines of a chunk per block: the unit of a rescan. Small, so a rescan
/// parses few lines beside each duplicate; large enough that the set of
/// blocks holding one stays small.
pub const BLOCK_LINES: u64 = 32;

/// The last block of a chunk: lines past `MAX_BLOCK * BLOCK_LINES` (only
/// in a chunk of tens of millions of lines) share it.
const MAX_BLOCK: u32 = (1 << 20) - 1;

/// The block of physical line `line` (from 1) of a chunk.
pub fn block_of(line: u64) -> u32 {
    let block = line.saturating_sub(1) / BLOCK_LINES;
    u32::try_from(block).map_or(MAX_BLOCK, |b| b.min(MAX_BLOCK))
}

/// The position of a record read at `at`.
pub fn pos(at: RelOrigin) -> Pos {
    [at.file, at.chunk, block_of(at.line)]
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

/// An occurrence: the id hash (high, low word) and the number of its
/// block ([`Seen::chunks`] resolves it).
type Entry = [u32; 3];

/// Entries per block: big enough that the block list stays short, small
/// enough that a run with few ids touches little memory.
const BLOCK: usize = 1 << 16;

/// Buckets of the sort in [`Seen::finish`], by the top bits of the hash.
const BUCKET_BITS: u32 = 8;
const BUCKETS: usize = 1 << BUCKET_BITS;

fn hash_of(e: &Entry) -> u64 {
    u64::from(e[0]) << 32 | u64::from(e[1])
}

/// The ids seen so far, and after [`Seen::finish`] the kept block of each
/// and the blocks (and their chunks) that hold a duplicate.
#[derive(Debug, Default)]
pub struct Seen {
    /// Every chunk an entry names, in the order noted, as `[file, chunk,
    /// first]`: its blocks are numbered from `first` on, so an entry's
    /// block number falls in the chunk with the greatest `first` not past
    /// it. One row per chunk a worker read (a row per block would grow
    /// with the input).
    chunks: Vec<[u32; 3]>,
    /// The first block number past every chunk in `chunks`.
    blocks_numbered: u32,
    /// Entries not yet finished, in any order: blocks of at most [`BLOCK`],
    /// each with the offset its chunk indices have into `chunks` (blocks
    /// merged in from another set keep their entries untouched).
    pending: Vec<(u32, Vec<Entry>)>,
    /// Finished entries: sorted runs, one entry per hash across all runs,
    /// each naming the kept (earliest) chunk. Runs are merged like a binary
    /// counter, so there are O(log n) of them; a run of files is one.
    runs: Vec<Vec<Entry>>,
    /// `(file, chunk)` of every chunk that holds a duplicate.
    pub rescan: FxHashSet<(u32, u32)>,
    /// Every block that holds a duplicate.
    blocks: FxHashSet<Pos>,
    /// Hashes that occur more than once: a small set that answers "not a
    /// duplicate" for most records of a rescanned chunk without touching
    /// the large sorted runs.
    repeated: FxHashSet<u64>,
}

/// The position of block `number` under `chunks` (see [`Seen::chunks`]).
fn block_at(chunks: &[[u32; 3]], number: u32) -> Pos {
    let i = chunks.partition_point(|c| c[2] <= number);
    let [file, chunk, first] = chunks[i.saturating_sub(1)];
    [file, chunk, number - first]
}

/// Merges two sorted runs with no hash in common.
fn merge_runs(a: Vec<Entry>, b: Vec<Entry>) -> Vec<Entry> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if hash_of(&a[i]) <= hash_of(&b[j]) {
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

/// What [`Seen::finish`] notes of a losing occurrence.
struct Losers<'a> {
    chunks: &'a [[u32; 3]],
    rescan: &'a mut FxHashSet<(u32, u32)>,
    blocks: &'a mut FxHashSet<Pos>,
    repeated: &'a mut FxHashSet<u64>,
}

impl Losers<'_> {
    fn at(&self, e: &Entry) -> Pos {
        block_at(self.chunks, e[2])
    }

    /// Of two occurrences of one hash, returns the kept one (the earlier
    /// block; of one block, either: its first record is kept on rescan)
    /// and notes the other.
    fn settle(&mut self, a: Entry, b: Entry) -> Entry {
        let (keep, lose) = if self.at(&b) < self.at(&a) {
            (b, a)
        } else {
            (a, b)
        };
        let at = self.at(&lose);
        self.rescan.insert((at[0], at[1]));
        self.blocks.insert(at);
        self.repeated.insert(hash_of(&lose));
        keep
    }
}

impl Seen {
    /// Notes an occurrence of `hash` in the block at `at`.
    #[inline]
    pub fn see(&mut self, hash: u64, at: Pos) {
        let [file, chunk, block] = at;
        let first = match self.chunks.last() {
            Some(&[f, c, first]) if [f, c] == [file, chunk] => first,
            _ => {
                self.chunks.push([file, chunk, self.blocks_numbered]);
                self.blocks_numbered
            }
        };
        // Past 2^32 blocks (10^11 lines in one worker) numbers saturate and
        // such entries would share the last block: far past any input.
        let number = first.saturating_add(block);
        self.blocks_numbered = self.blocks_numbered.max(number.saturating_add(1));
        let e = [(hash >> 32) as u32, hash as u32, number];
        match self.pending.last_mut() {
            Some((0, block)) if block.len() < BLOCK => block.push(e),
            _ => {
                let mut block = Vec::with_capacity(BLOCK);
                block.push(e);
                self.pending.push((0, block));
            }
        }
    }

    /// Adds another set. Finished runs of `o` are taken as pending again,
    /// so merging is correct whatever was finished where.
    pub fn merge(&mut self, mut o: Seen) {
        let keep_self = !self.runs.is_empty() || o.runs.is_empty();
        if !keep_self {
            std::mem::swap(self, &mut o);
        }
        let base = self.blocks_numbered;
        self.chunks.extend(
            o.chunks
                .iter()
                .map(|&[f, c, first]| [f, c, first.saturating_add(base)]),
        );
        self.blocks_numbered = self.blocks_numbered.saturating_add(o.blocks_numbered);
        let moved = o.runs.drain(..).map(|run| (0, run));
        self.pending
            .extend(moved.chain(o.pending).map(|(b, block)| (b + base, block)));
        self.rescan.extend(o.rescan);
        self.blocks.extend(o.blocks);
        self.repeated.extend(o.repeated);
    }

    fn find_mut(runs: &mut [Vec<Entry>], hash: u64) -> Option<&mut Entry> {
        for run in runs {
            if let Ok(i) = run.binary_search_by_key(&hash, hash_of) {
                return Some(&mut run[i]);
            }
        }
        None
    }

    /// The pending blocks as one vector, chunk indices made absolute, in
    /// [`BUCKETS`] buckets by the top bits of the hash (so sorting each
    /// bucket sorts the whole), with where each bucket starts. Each block
    /// is freed once copied, so the peak is one copy plus a block.
    fn gather(&mut self) -> (Vec<Entry>, Vec<usize>) {
        let pending = std::mem::take(&mut self.pending);
        let bucket = |e: &Entry| (e[0] >> (32 - BUCKET_BITS)) as usize;
        let mut starts = vec![0usize; BUCKETS + 1];
        for (_, block) in &pending {
            for e in block {
                starts[bucket(e) + 1] += 1;
            }
        }
        for b in 0..BUCKETS {
            starts[b + 1] += starts[b];
        }
        let mut all = vec![[0u32; 3]; starts[BUCKETS]];
        let mut next = starts.clone();
        for (base, block) in pending {
            for e in &block {
                let at = &mut next[bucket(e)];
                all[*at] = [e[0], e[1], e[2] + base];
                *at += 1;
            }
        }
        (all, starts)
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
        let (mut new, starts) = self.gather();
        // By hash: one hash's occurrences side by side, in any order (which
        // is kept is decided by chunk position below), so the sort compares
        // one u64, not three words. In parallel: this runs once, after the
        // workers, on every id.
        {
            use rayon::prelude::*;
            let mut buckets: Vec<&mut [Entry]> = Vec::with_capacity(BUCKETS);
            let mut rest = &mut new[..];
            for b in 0..BUCKETS {
                let (bucket, tail) = rest.split_at_mut(starts[b + 1] - starts[b]);
                buckets.push(bucket);
                rest = tail;
            }
            // A bucket fits a core's cache (ten million ids make 40,000 a
            // bucket), where one sort of all of them went to memory.
            buckets
                .into_par_iter()
                .for_each(|bucket| bucket.sort_unstable_by_key(hash_of));
        }
        let mut losers = Losers {
            chunks: &self.chunks,
            rescan: &mut self.rescan,
            blocks: &mut self.blocks,
            repeated: &mut self.repeated,
        };
        let mut kept = 0;
        let mut i = 0;
        while i < new.len() {
            let mut best = new[i];
            i += 1;
            while i < new.len() && hash_of(&new[i]) == hash_of(&best) {
                best = losers.settle(best, new[i]);
                i += 1;
            }
            if let Some(old) = Self::find_mut(&mut self.runs, hash_of(&best)) {
                *old = losers.settle(*old, best);
                continue;
            }
            new[kept] = best;
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

    /// For an id seen more than once, the block whose first occurrence of
    /// it is the kept one; `None` for an id seen once (or never): no
    /// occurrence of it is a duplicate. Only meaningful after
    /// [`Seen::finish`].
    pub fn kept(&self, hash: u64) -> Option<Pos> {
        if !self.repeated.contains(&hash) {
            return None;
        }
        self.runs.iter().find_map(|run| {
            let i = run.binary_search_by_key(&hash, hash_of).ok()?;
            Some(block_at(&self.chunks, run[i][2]))
        })
    }

    /// Returns true if and only if the block at `at` holds a duplicate
    /// (after [`Seen::finish`]): a rescan need not parse other blocks.
    pub fn holds_duplicate(&self, at: Pos) -> bool {
        self.blocks.contains(&at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_chunk_wins_in_any_merge_order() {
        let h = hash_id("req-1");
        let occurrences = [[0, 2, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]];
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
            results.push((sb.len(), sb.kept(h), rescan));
        }
        for r in &results {
            // [0, 0] holds two occurrences: it is read again too, and its
            // first one is kept there.
            assert_eq!(r, &(1, Some([0, 0, 0]), vec![(0, 0), (0, 2), (1, 0)]));
        }
    }

    #[test]
    fn an_id_seen_once_is_never_a_duplicate() {
        let mut s = Seen::default();
        s.see(hash_id("a"), [0, 0, 0]);
        s.see(hash_id("b"), [0, 1, 0]);
        s.see(hash_id("b"), [0, 1, 0]);
        s.finish();
        assert_eq!(s.kept(hash_id("a")), None);
        assert_eq!(s.kept(hash_id("b")), Some([0, 1, 0]));
        assert_eq!(s.kept(hash_id("never")), None);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn blocks_and_merged_sets_keep_their_chunks_apart() {
        // More entries than a block, in two sets whose chunk tables differ.
        let (mut a, mut b) = (Seen::default(), Seen::default());
        for i in 0..(BLOCK as u32 + 10) {
            a.see(hash_id(&format!("a{i}")), [0, i / 1000, i % 1000 / 32]);
        }
        for i in 0..2000u32 {
            // Ids a0..a1999 again, in a later file.
            b.see(hash_id(&format!("a{i}")), [1, i / 500, i % 500 / 32]);
        }
        b.merge(a);
        b.finish();
        assert_eq!(b.len(), BLOCK + 10);
        assert_eq!(b.kept(hash_id("a1999")), Some([0, 1, 999 / 32]));
        assert_eq!(b.kept(hash_id("a1000")), Some([0, 1, 0]));
        let mut rescan: Vec<_> = b.rescan.iter().copied().collect();
        rescan.sort_unstable();
        assert_eq!(rescan, vec![(1, 0), (1, 1), (1, 2), (1, 3)]);
        // Every block of file 1 holds a loser, none of file 0.
        assert_eq!(b.blocks.len(), 4 * 500_usize.div_ceil(32));
        assert!(b.blocks.iter().all(|p| p[0] == 1));
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
                [0, i / 100, i % 100 / 10],
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
        assert_eq!(batched.blocks, once.blocks);
        for &(h, _) in &all {
            assert_eq!(batched.kept(h), once.kept(h));
        }
        let distinct: FxHashSet<u64> = all.iter().map(|(h, _)| *h).collect();
        assert_eq!(once.len(), distinct.len());
    }

    #[test]
    fn only_blocks_with_a_losing_occurrence_are_noted() {
        let mut s = Seen::default();
        s.see(hash_id("once"), [0, 0, 0]);
        s.see(hash_id("twice"), [0, 0, 1]);
        s.see(hash_id("in-one-block"), [0, 0, 2]);
        s.see(hash_id("in-one-block"), [0, 0, 2]);
        s.see(hash_id("twice"), [0, 3, 5]);
        s.finish();
        assert_eq!(s.kept(hash_id("twice")), Some([0, 0, 1]));
        // The kept block of "twice" holds no loser; that of
        // "in-one-block" holds its second occurrence.
        let mut blocks: Vec<_> = s.blocks.iter().copied().collect();
        blocks.sort_unstable();
        assert_eq!(blocks, vec![[0, 0, 2], [0, 3, 5]]);
        assert!(s.holds_duplicate([0, 3, 5]) && !s.holds_duplicate([0, 0, 1]));
        let mut rescan: Vec<_> = s.rescan.iter().copied().collect();
        rescan.sort_unstable();
        assert_eq!(rescan, vec![(0, 0), (0, 3)]);
    }

    #[test]
    fn lines_fall_in_blocks_of_block_lines() {
        assert_eq!(block_of(0), 0);
        assert_eq!(block_of(1), 0);
        assert_eq!(block_of(BLOCK_LINES), 0);
        assert_eq!(block_of(BLOCK_LINES + 1), 1);
        assert_eq!(block_of(u64::MAX), MAX_BLOCK);
        assert_eq!(block_of(u64::from(MAX_BLOCK) * BLOCK_LINES + 1), MAX_BLOCK);
    }

    #[test]
    fn hashes_are_stable_and_spread() {
        assert_eq!(hash_id("a"), hash_id("a"));
        assert_ne!(hash_id("a"), hash_id("b"));
        assert_ne!(hash_id(""), hash_id("\0"));
    }
}
