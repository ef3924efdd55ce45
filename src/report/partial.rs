//! The partial aggregate: a run's integer sums with string keys, and the
//! description of the run that produced them.
//!
//! Two partials of runs with the same dimensions, required fields, filters
//! and rate card merge by addition; the merge is commutative and
//! associative, so per-thread partials, per-file partials and partials
//! written by separate processes (one per Spark task, say) all sum to the
//! report of the whole. [`Partial::finish`] needs nothing else: it is the
//! only step from sums to a [`Report`].
//!
//! Dedupe is not part of a partial: request ids repeated across partials of
//! separate runs are not found by a merge (each run drops its own repeats).

use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hash;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::groupmap::GroupMap;
use super::model::{Coverage, FieldCoverage, Report};
use super::totals::{sort_groups, Group, GroupValues, Totals};
use crate::accounting::{Accounting, LedgerSums};
use crate::dimension::Dimension;
use crate::record::Field;

/// What a partial is of: everything that must agree for two partials to
/// be added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `--by`, in order.
    pub dims: Vec<Dimension>,
    /// Fields every request should carry (`--require`), in order.
    #[serde(with = "field_names")]
    pub required: Vec<Field>,
    /// The dimensions offenders are grouped by (empty: none gathered).
    pub offender_dims: Vec<Dimension>,
    /// Fields whose spellings are collected.
    #[serde(with = "field_names")]
    pub value_fields: Vec<Field>,
    /// The records admitted.
    pub filters: Filters,
    /// The sha256 of the rate card the costs were priced with (over its
    /// rows, see the plan).
    pub rate_card: String,
    /// Ownership map rows as `file:line: field=value`, in map order; `None`
    /// when no map was used.
    pub owner_rows: Option<Vec<String>>,
    /// `--correct-known-bugs`: counts of instrumentations with a known bug
    /// were corrected. Absent in partials written before it was recorded:
    /// false, the default of the flag.
    #[serde(default)]
    pub correct_known_bugs: bool,
}

/// The filters of a run, as they decide which records count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// First second inside the window (epoch seconds, UTC), if any.
    pub since: Option<i64>,
    /// First second after the window, if any.
    pub until: Option<i64>,
    /// `--where` conditions as written (`team=search`, `env!=dev`).
    pub wheres: Vec<String>,
    /// Seconds east of UTC for day, week and month.
    pub tz_offset: i64,
    /// Returns true if and only if repeated request ids count once.
    pub dedupe: bool,
}

/// Per required field: what lacks it, and who sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredSums {
    /// Records without the field.
    pub missing: Totals,
    /// The same per offender group (the values of `offender_dims`).
    #[serde(with = "pairs")]
    pub offenders: FxHashMap<GroupValues, Totals>,
}

/// Requests per distinct value of one field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValueCounts(#[serde(with = "pairs")] pub FxHashMap<String, u128>);

/// The integer sums of a run or of a part of one: plain data, merged by
/// addition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    /// Totals per group (values in `dims` order).
    pub groups: GroupMap,
    /// Line buckets and malformed samples.
    pub ledger: LedgerSums,
    /// All parsed records.
    pub total: Totals,
    /// Records without a team.
    pub no_team: Totals,
    /// Records without a cost center.
    pub no_cost_center: Totals,
    /// Unpriced models (`None`: no model) -> (requests, tokens).
    #[serde(with = "pairs")]
    pub unpriced: FxHashMap<Option<String>, (u128, u128)>,
    /// Requests priced at standard because their tier had no row.
    pub tier_fallback: u128,
    /// Aggregated rows that a long-context tier could have repriced.
    pub tier_skipped: u128,
    /// Physical lines per (file, chunk) read, to resolve sample positions.
    pub chunk_lines: Vec<((u32, u32), u64)>,
    /// Per required field, in `required` order.
    pub required: Vec<RequiredSums>,
    /// Records whose required fields all came with the request.
    pub by_request: Totals,
    /// Records attributed with help from the ownership map.
    pub by_map: Totals,
    /// Ownership map rows that matched, a bit per row.
    pub owner_hits: Vec<u64>,
    /// Per `value_fields` entry: value -> requests.
    pub values: Vec<ValueCounts>,
    /// Accounting warnings by code (docs/design.md, Warnings).
    #[serde(default)]
    pub warnings: super::warnings::Warnings,
    /// Price-basis records per rate-card row (`--explain-difference`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub price_rows: super::explain::PriceRows,
}

fn merge_map<K: Hash + Eq>(map: &mut FxHashMap<K, Totals>, o: FxHashMap<K, Totals>) {
    if map.len() < o.len() {
        let mine = std::mem::replace(map, o);
        return merge_map(map, mine);
    }
    for (k, t) in o {
        map.entry(k).or_default().merge(&t);
    }
}

fn subtract_map<K: Hash + Eq>(map: &mut FxHashMap<K, Totals>, o: FxHashMap<K, Totals>) {
    for (k, t) in o {
        if let Some(mine) = map.get_mut(&k) {
            mine.subtract(&t);
            if *mine == Totals::default() {
                map.remove(&k);
            }
        }
    }
}

impl Sums {
    /// Adds other sums; commutative and associative.
    pub fn merge(mut self, o: Sums) -> Sums {
        self.groups.merge(o.groups);
        self.ledger.merge(o.ledger);
        self.total.merge(&o.total);
        self.no_team.merge(&o.no_team);
        self.no_cost_center.merge(&o.no_cost_center);
        for (k, (r, t)) in o.unpriced {
            let e = self.unpriced.entry(k).or_default();
            e.0 += r;
            e.1 += t;
        }
        self.tier_fallback += o.tier_fallback;
        self.tier_skipped += o.tier_skipped;
        for (code, w) in o.warnings {
            self.warnings.entry(code).or_default().merge(w);
        }
        for (row, r) in o.price_rows {
            self.price_rows.entry(row).or_default().merge(&r);
        }
        self.chunk_lines.extend(o.chunk_lines);
        if self.required.len() < o.required.len() {
            self.required
                .resize_with(o.required.len(), Default::default);
        }
        for (mine, theirs) in self.required.iter_mut().zip(o.required) {
            mine.missing.merge(&theirs.missing);
            merge_map(&mut mine.offenders, theirs.offenders);
        }
        self.by_request.merge(&o.by_request);
        self.by_map.merge(&o.by_map);
        if self.owner_hits.len() < o.owner_hits.len() {
            self.owner_hits.resize(o.owner_hits.len(), 0);
        }
        for (mine, theirs) in self.owner_hits.iter_mut().zip(o.owner_hits) {
            *mine |= theirs;
        }
        if self.values.len() < o.values.len() {
            self.values.resize_with(o.values.len(), Default::default);
        }
        for (mine, theirs) in self.values.iter_mut().zip(o.values) {
            for (v, n) in theirs.0 {
                *mine.0.entry(v).or_default() += n;
            }
        }
        self
    }

    /// Takes away the records of `dup`, sums of duplicates counted before,
    /// and moves them from `parsed` to `duplicate`.
    pub fn subtract(&mut self, dup: Sums) {
        self.groups.subtract(dup.groups);
        let n = dup.ledger.counts.parsed;
        self.ledger.counts.parsed -= n;
        self.ledger.counts.duplicate += n;
        self.total.subtract(&dup.total);
        self.no_team.subtract(&dup.no_team);
        self.no_cost_center.subtract(&dup.no_cost_center);
        for (k, (r, t)) in dup.unpriced {
            if let Some(e) = self.unpriced.get_mut(&k) {
                e.0 -= r;
                e.1 -= t;
                if *e == (0, 0) {
                    self.unpriced.remove(&k);
                }
            }
        }
        self.tier_fallback -= dup.tier_fallback;
        self.tier_skipped -= dup.tier_skipped;
        for (code, w) in &dup.warnings {
            if let Some(mine) = self.warnings.get_mut(code) {
                mine.subtract(w);
            }
        }
        for (row, r) in &dup.price_rows {
            if let Some(mine) = self.price_rows.get_mut(row) {
                mine.subtract(r);
                if mine.records == 0 {
                    self.price_rows.remove(row);
                }
            }
        }
        for (mine, theirs) in self.required.iter_mut().zip(dup.required) {
            mine.missing.subtract(&theirs.missing);
            subtract_map(&mut mine.offenders, theirs.offenders);
        }
        self.by_request.subtract(&dup.by_request);
        self.by_map.subtract(&dup.by_map);
        for (mine, theirs) in self.values.iter_mut().zip(dup.values) {
            for (v, n) in theirs.0 {
                if let Some(e) = mine.0.get_mut(&v) {
                    *e -= n;
                    if *e == 0 {
                        mine.0.remove(&v);
                    }
                }
            }
        }
    }

    /// Renumbers the files: file `f` becomes `to[f]`.
    fn renumber_files(&mut self, to: &[u32]) {
        for ((file, _), _) in &mut self.chunk_lines {
            *file = to[*file as usize];
        }
        for w in self.warnings.values_mut() {
            for f in &mut w.files {
                *f = to[*f as usize];
            }
            w.files.sort_unstable();
        }
        self.ledger.renumber_files(to);
    }
}

/// A run's sums with what they are of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partial {
    /// What must agree for a merge.
    pub meta: Meta,
    /// The inputs by file id: their names as given.
    pub files: Vec<String>,
    /// Per input read: its name and the source that read it.
    pub sources: Vec<(String, String)>,
    /// Inputs that could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    /// Files that no source recognised.
    #[serde(default)]
    pub unrecognized: Vec<crate::accounting::Unrecognized>,
    /// The sums.
    pub sums: Sums,
}

/// Two partials that cannot be added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError(pub String);

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "partials of different runs cannot be merged: {}", self.0)
    }
}

impl std::error::Error for MergeError {}

impl Partial {
    /// Adds another partial of a run with the same meta. The files of both
    /// are numbered again in path order, the order one run over all of
    /// them numbers them, so which malformed samples are kept and their
    /// order do not depend on how partials were grouped or ordered.
    pub fn merge(mut self, mut o: Partial) -> Result<Partial, MergeError> {
        let (a, b) = (&self.meta, &o.meta);
        let differ = [
            ("dimensions", a.dims != b.dims),
            ("required fields", a.required != b.required),
            ("offender dimensions", a.offender_dims != b.offender_dims),
            ("collected fields", a.value_fields != b.value_fields),
            ("filters", a.filters != b.filters),
            ("rate card", a.rate_card != b.rate_card),
            ("ownership map", a.owner_rows != b.owner_rows),
            (
                "--correct-known-bugs",
                a.correct_known_bugs != b.correct_known_bugs,
            ),
        ];
        if let Some((what, _)) = differ.iter().find(|(_, d)| *d) {
            return Err(MergeError(format!("their {what} differ")));
        }
        let mut all: Vec<(bool, usize)> = (0..self.files.len())
            .map(|i| (false, i))
            .chain((0..o.files.len()).map(|i| (true, i)))
            .collect();
        {
            let name = |&(theirs, i): &(bool, usize)| {
                std::path::Path::new(if theirs { &o.files[i] } else { &self.files[i] })
            };
            all.sort_by(|a, b| name(a).cmp(name(b)));
        }
        let mut mine = vec![0u32; self.files.len()];
        let mut other = vec![0u32; o.files.len()];
        for (new, &(theirs, i)) in all.iter().enumerate() {
            let new = u32::try_from(new).map_err(|_| MergeError("too many files".into()))?;
            match theirs {
                false => mine[i] = new,
                true => other[i] = new,
            }
        }
        let files: Vec<String> = all
            .iter()
            .map(|&(theirs, i)| {
                if theirs {
                    std::mem::take(&mut o.files[i])
                } else {
                    std::mem::take(&mut self.files[i])
                }
            })
            .collect();
        self.sums.renumber_files(&mine);
        o.sums.renumber_files(&other);
        self.files = files;
        self.sources.append(&mut o.sources);
        self.sources.sort();
        self.unreadable.append(&mut o.unreadable);
        self.unreadable.sort();
        self.unrecognized.append(&mut o.unrecognized);
        self.unrecognized.sort();
        self.sums = std::mem::take(&mut self.sums).merge(o.sums);
        Ok(self)
    }

    /// The same partial grouped by `dims`, some of its dimensions in any
    /// order: groups that differ only in the others are added up.
    pub fn roll_up(mut self, dims: &[Dimension]) -> Result<Partial, MergeError> {
        let mut at = Vec::with_capacity(dims.len());
        for d in dims {
            match self.meta.dims.iter().position(|x| x == d) {
                Some(i) => at.push(i),
                None => {
                    return Err(MergeError(format!(
                        "`{d}` is not a dimension of the partials ({})",
                        self.meta
                            .dims
                            .iter()
                            .map(|d| d.name())
                            .collect::<Vec<_>>()
                            .join(",")
                    )))
                }
            }
        }
        let mut groups = GroupMap::default();
        for (values, t) in std::mem::take(&mut self.sums.groups) {
            let key = at.iter().map(|&i| values[i].clone()).collect();
            groups.entry(key).merge(&t);
        }
        self.sums.groups = groups;
        self.meta.dims = dims.to_vec();
        Ok(self)
    }

    /// The report: groups sorted, sample lines resolved, coverage ranked.
    pub fn finish(self) -> Report {
        let Partial {
            meta,
            files,
            mut sources,
            unreadable,
            mut unrecognized,
            sums: p,
        } = self;
        let mut lines: FxHashMap<u32, Vec<(u32, u64)>> = FxHashMap::default();
        for ((file, chunk), n) in &p.chunk_lines {
            lines.entry(*file).or_default().push((*chunk, *n));
        }
        let mut starts: FxHashMap<(u32, u32), u64> = FxHashMap::default();
        for (file, mut chunks) in lines {
            chunks.sort_unstable();
            let mut next = 1;
            for (chunk, n) in chunks {
                starts.insert((file, chunk), next);
                next += n;
            }
        }
        let mut accounting = Accounting::resolve(
            p.ledger,
            |file, chunk| starts.get(&(file, chunk)).copied().unwrap_or(1),
            |file| files.get(file as usize).cloned().unwrap_or_default(),
        );
        accounting.unreadable = unreadable;
        unrecognized.sort();
        accounting.unrecognized = unrecognized;
        let mut unpriced: Vec<_> = p
            .unpriced
            .into_iter()
            .map(|(m, (r, t))| (m, r, t))
            .collect();
        unpriced.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        sources.sort();
        let required = meta
            .required
            .iter()
            .zip(
                p.required
                    .into_iter()
                    .chain(std::iter::repeat_with(Default::default)),
            )
            .map(|(&field, r)| {
                let mut offenders = sort_groups(
                    r.offenders
                        .into_iter()
                        .map(|(values, totals)| Group { values, totals })
                        .collect(),
                );
                offenders.sort_by(|x, y| {
                    (y.totals.cost, y.totals.requests).cmp(&(x.totals.cost, x.totals.requests))
                });
                FieldCoverage {
                    field,
                    missing: r.missing,
                    offenders,
                }
            })
            .collect();
        let stale_owners = match &meta.owner_rows {
            Some(rows) => crate::enrich::ownership::unmatched(rows, &p.owner_hits),
            None => Vec::new(),
        };
        let mut inconsistent = Vec::new();
        for (&field, values) in meta.value_fields.iter().zip(p.values) {
            let mut by_key: BTreeMap<String, Vec<(String, u128)>> = BTreeMap::new();
            for (v, n) in values.0 {
                by_key
                    .entry(crate::enrich::values::key(field, &v))
                    .or_default()
                    .push((v, n));
            }
            for (_, mut variants) in by_key {
                if variants.len() > 1 {
                    variants.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                    inconsistent.push((field, variants));
                }
            }
        }
        Report {
            dims: meta.dims,
            groups: sort_groups(p.groups.into_groups()),
            totals: p.total,
            accounting,
            coverage: Coverage {
                no_team: p.no_team,
                no_cost_center: p.no_cost_center,
                unpriced,
                tier_fallback: p.tier_fallback,
                tier_skipped: p.tier_skipped,
                warnings: super::warnings::finish(&p.warnings, &files),
                price_rows: p.price_rows.into_iter().collect(),
                required,
                offender_dims: meta.offender_dims,
                by_request: p.by_request,
                by_map: p.by_map,
                stale_owners,
                owners_used: meta.owner_rows.is_some(),
                inconsistent,
            },
            sources,
            allocated: None,
            reconcile: None,
        }
    }
}

/// A map as a list of pairs sorted by key: JSON has only string keys, and
/// sorted pairs make the written form the same for the same sums.
mod pairs {
    use std::hash::Hash;

    use rustc_hash::FxHashMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, K: Serialize + Ord, V: Serialize>(
        map: &FxHashMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut pairs: Vec<(&K, &V)> = map.iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(pairs)
    }

    pub fn deserialize<'de, D, K, V>(d: D) -> Result<FxHashMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Hash + Eq,
        V: Deserialize<'de>,
    {
        let pairs: Vec<(K, V)> = Vec::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

/// Fields by their canonical names.
mod field_names {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::record::Field;

    pub fn serialize<S: Serializer>(fields: &[Field], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(fields.iter().map(|f| f.name()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Field>, D::Error> {
        let names: Vec<String> = Vec::deserialize(d)?;
        names
            .iter()
            .map(|n| {
                Field::from_name(n).ok_or_else(|| D::Error::custom(format!("unknown field `{n}`")))
            })
            .collect()
    }
}
