//! Dropping repeated `request_id`s, deterministically and in parallel.
//!
//! Which occurrence counts: the one earliest in (file, chunk) order, and
//! within that chunk the first one read, where file ids follow the sorted
//! path order of the run (the bytes of the names as written, `src/input`).
//! So the answer does not depend on `--threads`, chunk size or the order
//! paths were given in.
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
//!    in 256 buckets by the hash's top byte, sorts each bucket by hash
//!    (each within a core's cache) and keeps, of each hash, the entry of
//!    the earliest block; each step runs in parallel, by block or by
//!    bucket. Every other entry of a hash is a duplicate, and its block is
//!    noted for a rescan. (Standard input is finished once per batch, so
//!    its entries become further sorted runs, merged like a binary
//!    counter.)
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
//! blocks that hold a duplicate. On a virtual machine every page touched
//! for the first time is expensive (a vector that doubles as it grows
//! copies its entries into fresh pages each time), so each entry is
//! written twice at most. Two different ids with the same 64-bit
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

/// What [`Seen::finish`] notes of the losing occurrences in one bucket,
/// and the entries of earlier runs that a new occurrence displaced (the
/// runs are shared by every bucket's task, so those are written after).
#[derive(Default)]
struct Losers {
    rescan: FxHashSet<(u32, u32)>,
    blocks: FxHashSet<Pos>,
    repeated: FxHashSet<u64>,
    displaced: Vec<Entry>,
}

impl Losers {
    /// Of two occurrences of one hash, returns the kept one (the earlier
    /// block; of one block, either: its first record is kept on rescan)
    /// and notes the other.
    fn settle(&mut self, chunks: &[[u32; 3]], a: Entry, b: Entry) -> Entry {
        let at = |e: &Entry| block_at(chunks, e[2]);
        let (keep, lose) = if at(&b) < at(&a) { (b, a) } else { (a, b) };
        let lost = at(&lose);
        self.rescan.insert((lost[0], lost[1]));
        self.blocks.insert(lost);
        self.repeated.insert(hash_of(&lose));
        keep
    }
}

/// Sorts one bucket's entries and moves the earliest occurrence of each
/// hash to its front, against the finished `runs` too (an id already
/// there stays there); gives how many it kept and what lost.
fn settle_bucket(
    bucket: &mut [Entry],
    scratch: &mut Vec<Entry>,
    runs: &[Vec<Entry>],
    chunks: &[[u32; 3]],
) -> (usize, Losers) {
    sort_bucket(bucket, scratch);
    let mut losers = Losers::default();
    let mut kept = 0;
    let mut i = 0;
    while i < bucket.len() {
        let mut best = bucket[i];
        i += 1;
        while i < bucket.len() && hash_of(&bucket[i]) == hash_of(&best) {
            best = losers.settle(chunks, best, bucket[i]);
            i += 1;
        }
        if let Some(old) = find(runs, hash_of(&best)) {
            let keep = losers.settle(chunks, old, best);
            if keep != old {
                losers.displaced.push(keep);
            }
            continue;
        }
        bucket[kept] = best;
        kept += 1;
    }
    (kept, losers)
}

/// Sorts one bucket by hash, so that one hash's occurrences lie side by
/// side (in any order: which is kept is decided by block position).
/// Hashes are uniform, so the bits below the bucket's spread its entries
/// evenly: one counting pass by the next bits, into `scratch`, leaves runs
/// of a few entries to sort. A comparison sort of the whole bucket, whose
/// every compare of random keys is a coin toss for the branch predictor,
/// took most of the time of finishing.
fn sort_bucket(bucket: &mut [Entry], scratch: &mut Vec<Entry>) {
    let n = bucket.len();
    if n < 64 {
        bucket.sort_unstable_by_key(hash_of);
        return;
    }
    // Two to four entries per run.
    let bits = (usize::BITS - (n / 4).leading_zeros()).min(16);
    let shift = 64 - BUCKET_BITS - bits;
    let digit = |e: &Entry| (hash_of(e) >> shift) as usize & ((1 << bits) - 1);
    let mut starts = vec![0usize; (1 << bits) + 1];
    for e in bucket.iter() {
        starts[digit(e) + 1] += 1;
    }
    for d in 0..1 << bits {
        starts[d + 1] += starts[d];
    }
    scratch.clear();
    scratch.resize(n, [0; 3]);
    let mut next = starts.clone();
    for e in bucket.iter() {
        let at = &mut next[digit(e)];
        scratch[*at] = *e;
        *at += 1;
    }
    for run in starts.windows(2) {
        scratch[run[0]..run[1]].sort_unstable_by_key(hash_of);
    }
    bucket.copy_from_slice(scratch);
}

fn find(runs: &[Vec<Entry>], hash: u64) -> Option<Entry> {
    runs.iter().find_map(|run| {
        let i = run.binary_search_by_key(&hash, hash_of).ok()?;
        Some(run[i])
    })
}

fn find_mut(runs: &mut [Vec<Entry>], hash: u64) -> Option<&mut Entry> {
    runs.iter_mut().find_map(|run| {
        let i = run.binary_search_by_key(&hash, hash_of).ok()?;
        Some(&mut run[i])
    })
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

    /// The pending blocks as one vector, block numbers made absolute, in
    /// [`BUCKETS`] buckets by the top bits of the hash (so sorting each
    /// bucket sorts the whole), with where each bucket starts. In
    /// parallel, a task per block, each block freed once copied, so the
    /// peak is one copy plus the blocks in flight.
    fn gather(&mut self) -> (Vec<Entry>, Vec<usize>) {
        use rayon::prelude::*;
        let pending = std::mem::take(&mut self.pending);
        let bucket = |e: &Entry| (e[0] >> (32 - BUCKET_BITS)) as usize;
        let counts: Vec<Vec<usize>> = pending
            .par_iter()
            .map(|(_, block)| {
                let mut n = vec![0; BUCKETS];
                block.iter().for_each(|e| n[bucket(e)] += 1);
                n
            })
            .collect();
        let mut starts = vec![0usize; BUCKETS + 1];
        for b in 0..BUCKETS {
            starts[b + 1] = starts[b] + counts.iter().map(|n| n[b]).sum::<usize>();
        }
        let mut all = vec![[0u32; 3]; starts[BUCKETS]];
        // Each block's share of each bucket, cut from `all` in bucket
        // order: disjoint slices, so the blocks are copied side by side.
        let mut shares: Vec<Vec<&mut [Entry]>> =
            counts.iter().map(|_| Vec::with_capacity(BUCKETS)).collect();
        let mut rest = &mut all[..];
        for b in 0..BUCKETS {
            for (share, n) in shares.iter_mut().zip(&counts) {
                let (piece, tail) = std::mem::take(&mut rest).split_at_mut(n[b]);
                share.push(piece);
                rest = tail;
            }
        }
        pending
            .into_par_iter()
            .zip(shares)
            .for_each(|((base, block), mut share)| {
                let mut next = [0usize; BUCKETS];
                for e in &block {
                    let b = bucket(e);
                    share[b][next[b]] = [e[0], e[1], e[2] + base];
                    next[b] += 1;
                }
            });
        (all, starts)
    }

    /// Sorts the pending entries, keeps the earliest occurrence of each id
    /// (against the finished runs too) and notes the chunk of every other
    /// one in `rescan`. Bucket by bucket, in parallel (this runs once,
    /// after the workers, on every id); the cost is the pending entries'
    /// sort plus a lookup each in the runs, so calling it once per stdin
    /// batch stays cheap.
    pub fn finish(&mut self) {
        use rayon::prelude::*;
        if self.pending.is_empty() {
            return;
        }
        let (mut new, starts) = self.gather();
        let mut buckets: Vec<&mut [Entry]> = Vec::with_capacity(BUCKETS);
        let mut rest = &mut new[..];
        for b in 0..BUCKETS {
            let (bucket, tail) = std::mem::take(&mut rest).split_at_mut(starts[b + 1] - starts[b]);
            buckets.push(bucket);
            rest = tail;
        }
        let (runs, chunks) = (&self.runs, &self.chunks);
        let settled: Vec<(usize, Losers)> = buckets
            .into_par_iter()
            .map_init(Vec::new, |scratch, bucket| {
                settle_bucket(bucket, scratch, runs, chunks)
            })
            .collect();
        // Each bucket's kept entries lead its part: close the gaps.
        let mut kept = 0;
        for (b, (n, losers)) in settled.into_iter().enumerate() {
            new.copy_within(starts[b]..starts[b] + n, kept);
            kept += n;
            self.rescan.extend(losers.rescan);
            self.blocks.extend(losers.blocks);
            self.repeated.extend(losers.repeated);
            for e in losers.displaced {
                if let Some(old) = find_mut(&mut self.runs, hash_of(&e)) {
                    *old = e;
                }
            }
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
        find(&self.runs, hash).map(|e| block_at(&self.chunks, e[2]))
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
    fn buckets_sort_as_a_comparison_sort_would() {
        let mut x = 11u64;
        let mut scratch = Vec::new();
        for n in [0, 1, 63, 64, 65, 300, 5000, 70_000] {
            let mut bucket: Vec<Entry> = (0..n)
                .map(|i| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    // One bucket: the top bits equal; some hashes repeated.
                    let h = (x >> BUCKET_BITS) % (n as u64 / 3 + 1) * 0x9E37_79B9;
                    [(h >> 32) as u32 & (u32::MAX >> BUCKET_BITS), h as u32, i]
                })
                .collect();
            let mut want: Vec<u64> = bucket.iter().map(hash_of).collect();
            want.sort_unstable();
            sort_bucket(&mut bucket, &mut scratch);
            let got: Vec<u64> = bucket.iter().map(hash_of).collect();
            assert_eq!(got, want, "{n}");
        }
    }

    #[test]
    fn a_later_batch_with_an_earlier_occurrence_takes_its_place() {
        let mut s = Seen::default();
        s.see(hash_id("x"), [0, 5, 0]);
        s.finish();
        let mut earlier = Seen::default();
        earlier.see(hash_id("x"), [0, 1, 2]);
        s.merge(earlier);
        s.finish();
        assert_eq!(s.len(), 1);
        assert_eq!(s.kept(hash_id("x")), Some([0, 1, 2]));
        assert_eq!(s.rescan.iter().copied().collect::<Vec<_>>(), vec![(0, 5)]);
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
