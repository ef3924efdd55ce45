//! The ledger: every input unit lands in exactly one bucket (parsed,
//! filtered, duplicate, malformed, blank, ignored), and malformed ones keep
//! the first few `file:line` samples per reason.
//!
//! Workers see chunk-relative line numbers; samples are kept as
//! `(file, chunk, line in chunk)`, which orders exactly like the absolute
//! position, and are turned into physical line numbers after the merge,
//! once every chunk's line count is known.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::record::{Ignored, Reason};

/// How many `file:line` samples are kept per reason.
pub const SAMPLES_PER_REASON: usize = 5;

/// A position before line numbers are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RelOrigin {
    /// File id.
    pub file: u32,
    /// Chunk index within the file.
    pub chunk: u32,
    /// Physical line within the chunk, from 1.
    pub line: u64,
}

/// The bucket counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Units read: lines, CSV records incl. the header, and records of a
    /// document or of a line that holds several.
    pub lines_read: u64,
    /// Counted in the totals.
    pub parsed: u64,
    /// Outside the window or `--where`.
    pub filtered: u64,
    /// A repeated request id.
    pub duplicate: u64,
    /// Unusable, with a reason.
    pub malformed: u64,
    /// Empty or whitespace-only.
    pub blank: u64,
    /// Carries no usage by design (a header row, a non-LLM event).
    pub ignored: u64,
}

impl Counts {
    /// Adds another set of counts.
    pub fn merge(&mut self, o: &Counts) {
        self.lines_read += o.lines_read;
        self.parsed += o.parsed;
        self.filtered += o.filtered;
        self.duplicate += o.duplicate;
        self.malformed += o.malformed;
        self.blank += o.blank;
        self.ignored += o.ignored;
    }

    /// Units that were usage records, whether counted or not (parsed,
    /// filtered or duplicate).
    pub fn records(&self) -> u64 {
        self.parsed + self.filtered + self.duplicate
    }

    /// Returns true if and only if the buckets add up to the units read.
    pub fn balanced(&self) -> bool {
        self.parsed + self.filtered + self.duplicate + self.malformed + self.blank + self.ignored
            == self.lines_read
    }
}

/// Per-worker ledger.
#[derive(Debug, Default)]
pub struct Ledger {
    /// The bucket counts.
    pub counts: Counts,
    /// Per reason: how many, and the earliest positions.
    pub reasons: FxHashMap<Reason, (u64, Vec<RelOrigin>)>,
    /// Ignored units per reason.
    pub ignored: FxHashMap<Ignored, u64>,
    /// The earliest positions of units with no model or token counts:
    /// lines of some other data, named so the file can be found.
    pub unusable: Vec<RelOrigin>,
    /// What trailers of llmspend's normalized JSONL brought in.
    pub imported: Imported,
    /// Malformed units per reason, from trailers.
    pub imported_reasons: BTreeMap<String, u64>,
    /// Ignored units per reason, from trailers.
    pub imported_ignored: BTreeMap<String, u64>,
}

/// The accounting a trailer of normalized JSONL carries (source
/// `llmspend`, docs/distributed.md): the run that wrote the rows counted
/// these lines, so a run over its rows adds them rather than counting the
/// rows as lines read. Samples are named by the file the writing run read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Malformed samples, named, the earliest per reason by (path, line).
    #[serde(default)]
    pub samples: Vec<Sample>,
    /// Samples of units with no usage, named, the earliest.
    #[serde(default)]
    pub ignored_samples: Vec<Sample>,
    /// Each rate-card hash the trailers carried, with the first file id
    /// (of this run) whose trailer carried it: more than one is an error.
    #[serde(default)]
    pub rates: BTreeMap<String, u32>,
}

/// One trailer line, as the `llmspend` source reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trailer {
    /// The counts (`parsed` unused: the rows are counted as read).
    pub counts: Counts,
    /// Malformed units per reason.
    pub reasons: BTreeMap<String, u64>,
    /// Ignored units per reason.
    pub ignored: BTreeMap<String, u64>,
    /// Malformed samples.
    pub samples: Vec<Sample>,
    /// Samples of units with no usage.
    pub ignored_samples: Vec<Sample>,
    /// The hash of the rate card that priced the rows.
    pub rates_sha256: String,
}

/// Orders samples by path (the order a run numbers its files in), line
/// and reason.
fn by_path(a: &Sample, b: &Sample) -> std::cmp::Ordering {
    (std::path::Path::new(&a.file), a.line, &a.reason).cmp(&(
        std::path::Path::new(&b.file),
        b.line,
        &b.reason,
    ))
}

/// Keeps the earliest [`SAMPLES_PER_REASON`] samples of each reason, in
/// path order.
fn keep_earliest_named(samples: &mut Vec<Sample>) {
    samples.sort_by(by_path);
    samples.dedup();
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    samples.retain(|s| {
        let n = per.entry(s.reason.clone()).or_default();
        *n += 1;
        *n <= SAMPLES_PER_REASON
    });
}

impl Imported {
    /// Adds another's samples and hashes.
    pub fn merge(&mut self, o: Imported) {
        if !o.samples.is_empty() {
            self.samples.extend(o.samples);
            keep_earliest_named(&mut self.samples);
        }
        if !o.ignored_samples.is_empty() {
            self.ignored_samples.extend(o.ignored_samples);
            keep_earliest_named(&mut self.ignored_samples);
        }
        for (sha, file) in o.rates {
            let at = self.rates.entry(sha).or_insert(file);
            *at = (*at).min(file);
        }
    }

    /// Two different rate-card hashes, each with the first file id that
    /// carried it.
    pub fn rates_conflict(&self) -> Option<[(&str, u32); 2]> {
        let mut it = self.rates.iter();
        let a = it.next()?;
        let b = it.next()?;
        Some([(a.0.as_str(), *a.1), (b.0.as_str(), *b.1)])
    }
}

impl Ledger {
    /// Adds a trailer read in file `file`.
    pub fn import(&mut self, t: Trailer, file: u32) {
        let c = &t.counts;
        self.counts.merge(&Counts { parsed: 0, ..*c });
        let mut imported = Imported {
            samples: t.samples,
            ignored_samples: t.ignored_samples,
            rates: BTreeMap::from([(t.rates_sha256, file)]),
        };
        keep_earliest_named(&mut imported.samples);
        keep_earliest_named(&mut imported.ignored_samples);
        self.imported.merge(imported);
        for (why, n) in t.reasons {
            *self.imported_reasons.entry(why).or_default() += n;
        }
        for (why, n) in t.ignored {
            *self.imported_ignored.entry(why).or_default() += n;
        }
    }

    /// Counts an ignored unit at `at`.
    pub fn ignored(&mut self, why: Ignored, at: RelOrigin) {
        self.counts.ignored += 1;
        *self.ignored.entry(why).or_default() += 1;
        if why == Ignored::NoUsage {
            keep_earliest(&mut self.unusable, at);
        }
    }

    /// Counts a malformed unit at `at`.
    pub fn malformed(&mut self, reason: Reason, at: RelOrigin) {
        self.counts.malformed += 1;
        let (n, samples) = self.reasons.entry(reason).or_default();
        *n += 1;
        keep_earliest(samples, at);
    }

    /// The ledger with its reasons as text: what a partial carries.
    pub fn into_sums(self) -> LedgerSums {
        let mut sums = LedgerSums {
            counts: self.counts,
            reasons: BTreeMap::new(),
            ignored: self
                .ignored
                .into_iter()
                .map(|(why, n)| (why.to_string(), n))
                .collect(),
            unusable: self.unusable,
            imported: self.imported,
        };
        for (reason, (n, samples)) in self.reasons {
            sums.add_reason(reason.to_string(), n, samples);
        }
        for (reason, n) in self.imported_reasons {
            sums.add_reason(reason, n, Vec::new());
        }
        for (why, n) in self.imported_ignored {
            *sums.ignored.entry(why).or_default() += n;
        }
        sums
    }
}

/// A ledger whose reasons are text: plain data that merges in any order
/// and can be written out and read back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerSums {
    /// The bucket counts.
    pub counts: Counts,
    /// Per reason: how many, and the earliest positions.
    pub reasons: BTreeMap<String, (u64, Vec<RelOrigin>)>,
    /// Ignored units per reason.
    #[serde(default)]
    pub ignored: BTreeMap<String, u64>,
    /// The earliest units with no model or token counts.
    #[serde(default)]
    pub unusable: Vec<RelOrigin>,
    /// What trailers of normalized JSONL brought in.
    #[serde(default, skip_serializing_if = "Imported::is_empty")]
    pub imported: Imported,
}

impl Imported {
    /// Returns true if and only if no trailer was read.
    pub fn is_empty(&self) -> bool {
        *self == Imported::default()
    }
}

impl LedgerSums {
    fn add_reason(&mut self, reason: String, n: u64, samples: Vec<RelOrigin>) {
        let (mine, kept) = self.reasons.entry(reason).or_default();
        *mine += n;
        for s in samples {
            keep_earliest(kept, s);
        }
    }

    /// Adds another ledger.
    pub fn merge(&mut self, o: LedgerSums) {
        self.counts.merge(&o.counts);
        for (why, n) in o.ignored {
            *self.ignored.entry(why).or_default() += n;
        }
        for at in o.unusable {
            keep_earliest(&mut self.unusable, at);
        }
        self.imported.merge(o.imported);
        for (reason, (n, samples)) in o.reasons {
            self.add_reason(reason, n, samples);
        }
    }

    /// Renumbers the files of the samples: `f` becomes `to[f]`; each
    /// reason's samples are then put in order again.
    pub fn renumber_files(&mut self, to: &[u32]) {
        for f in self.imported.rates.values_mut() {
            *f = to[*f as usize];
        }
        for s in &mut self.unusable {
            s.file = to[s.file as usize];
        }
        self.unusable.sort_unstable();
        for (_, samples) in self.reasons.values_mut() {
            for s in samples.iter_mut() {
                s.file = to[s.file as usize];
            }
            samples.sort_unstable();
        }
    }
}

fn keep_earliest(samples: &mut Vec<RelOrigin>, at: RelOrigin) {
    if samples.len() < SAMPLES_PER_REASON {
        samples.push(at);
        samples.sort_unstable();
    } else if at < samples[SAMPLES_PER_REASON - 1] {
        samples[SAMPLES_PER_REASON - 1] = at;
        samples.sort_unstable();
    }
}

/// A malformed sample with its physical position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Sample {
    /// The file as given.
    pub file: String,
    /// The physical line, from 1.
    pub line: u64,
    /// Why it is malformed.
    pub reason: String,
}

/// The merged, resolved accounting of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Bucket counts.
    pub counts: Counts,
    /// Malformed count per reason text.
    pub reasons: BTreeMap<String, u64>,
    /// The first few samples per reason, ordered by file and line.
    pub samples: Vec<Sample>,
    /// Ignored count per reason text.
    pub ignored: BTreeMap<String, u64>,
    /// The first lines with no model or token counts, by file and line.
    pub ignored_samples: Vec<Sample>,
    /// Paths that could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    /// Files read that no source recognised: not counted in any bucket.
    pub unrecognized: Vec<Unrecognized>,
}

/// A file no source recognises, named rather than skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unrecognized {
    /// The file as given.
    pub path: String,
    /// What its first bytes look like (a CSV header, JSON keys, binary).
    pub shape: String,
    /// Why no source reads it.
    pub reason: String,
}

impl Accounting {
    /// Resolves a merged ledger: `first_line(file, chunk)` gives the
    /// physical line the chunk starts at; `name(file)` the file's name.
    pub fn resolve(
        ledger: LedgerSums,
        first_line: impl Fn(u32, u32) -> u64,
        name: impl Fn(u32) -> String,
    ) -> Accounting {
        let mut reasons = BTreeMap::new();
        let mut samples = Vec::new();
        for (text, (n, at)) in ledger.reasons {
            *reasons.entry(text.clone()).or_insert(0) += n;
            for a in at {
                samples.push((
                    a.file,
                    first_line(a.file, a.chunk) + a.line - 1,
                    text.clone(),
                ));
            }
        }
        samples.sort();
        let mut unusable: Vec<(u32, u64)> = ledger
            .unusable
            .iter()
            .map(|a| (a.file, first_line(a.file, a.chunk) + a.line - 1))
            .collect();
        unusable.sort_unstable();
        let mut ignored_samples: Vec<Sample> = unusable
            .into_iter()
            .map(|(file, line)| Sample {
                file: name(file),
                line,
                reason: Ignored::NoUsage.to_string(),
            })
            .collect();
        let mut samples: Vec<Sample> = samples
            .into_iter()
            .map(|(file, line, reason)| Sample {
                file: name(file),
                line,
                reason,
            })
            .collect();
        // Samples named by trailers join those read here, in path order.
        let imported = ledger.imported;
        if !imported.samples.is_empty() {
            samples.extend(imported.samples);
            keep_earliest_named(&mut samples);
        }
        if !imported.ignored_samples.is_empty() {
            ignored_samples.extend(imported.ignored_samples);
            keep_earliest_named(&mut ignored_samples);
        }
        Accounting {
            counts: ledger.counts,
            ignored: ledger.ignored,
            ignored_samples,
            reasons,
            samples,
            unreadable: Vec::new(),
            unrecognized: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_keep_the_earliest_positions_whatever_the_merge_order() {
        let at = |file, chunk, line| RelOrigin { file, chunk, line };
        let mut a = Ledger::default();
        let mut b = Ledger::default();
        for i in (0..10).rev() {
            a.malformed(Reason::InvalidJson, at(0, 1, i + 1));
            b.malformed(Reason::InvalidJson, at(0, 0, i + 1));
        }
        let mut ab = LedgerSums::default();
        ab.merge(a.into_sums());
        ab.merge(b.into_sums());
        let (n, kept) = &ab.reasons[&Reason::InvalidJson.to_string()];
        assert_eq!(*n, 20);
        assert_eq!(kept, &(1..=5).map(|l| at(0, 0, l)).collect::<Vec<_>>());
        let acc = Accounting::resolve(ab, |_, chunk| 1 + u64::from(chunk) * 100, |_| "f".into());
        assert_eq!(acc.samples[0].line, 1);
        assert_eq!(acc.counts.malformed, 20);
    }
}
