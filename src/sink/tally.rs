//! The group tally: the sink of `report` and `coverage`. Per worker it sums
//! priced records by their `--by` key and gathers the coverage figures
//! (unattributed shares, offenders per required field, unpriced models,
//! owner origins, value spellings); its output is a [`Sums`].

use rustc_hash::FxHashMap;

use super::groups::Groups;
use super::{Consumer, PricedRecord, RecordSink};
use crate::aggregate::{time_slot, GroupKey, Interner, MAX_DIMS};
use crate::dimension::Dimension;
use crate::enrich::OwnerOrigin;
use crate::report::explain::{self, PriceRowSums};
use crate::report::warnings::{Code, WarningSums};
use crate::report::{RequiredSums, Sums, Totals, ValueCounts};
use crate::worker::Plan;

/// Per required field: what lacks it, and who sends it.
#[derive(Debug, Default)]
struct RequiredPart {
    missing: Totals,
    offenders: FxHashMap<GroupKey, Totals>,
}

/// One worker's groups and coverage figures, keyed by interned ids.
pub struct GroupTally<'p> {
    plan: &'p Plan<'p>,
    groups: Groups,
    total: Totals,
    no_team: Totals,
    no_cost_center: Totals,
    /// Unpriced models (interned id, `u32::MAX` for none) -> (requests,
    /// tokens).
    unpriced: FxHashMap<u32, (u128, u128)>,
    tier_fallback: u128,
    tier_skipped: u128,
    required: Vec<RequiredPart>,
    by_request: Totals,
    by_map: Totals,
    /// Per `value_fields` entry: interned value -> requests.
    values: Vec<FxHashMap<u32, u128>>,
    /// Accounting warnings, by [`Code`] (as `usize`).
    warnings: [WarningSums; Code::ALL.len()],
    /// Price-basis records per rate-card row (by address; the label is
    /// made once per row).
    price_rows: FxHashMap<usize, (String, PriceRowSums)>,
}

impl<'p> GroupTally<'p> {
    /// An empty tally for `plan`.
    pub fn new(plan: &'p Plan<'p>) -> Self {
        let a = &plan.attribution;
        GroupTally {
            plan,
            groups: Groups::new(&plan.dims),
            total: Totals::default(),
            no_team: Totals::default(),
            no_cost_center: Totals::default(),
            unpriced: FxHashMap::default(),
            tier_fallback: 0,
            tier_skipped: 0,
            required: a.required.iter().map(|_| RequiredPart::default()).collect(),
            by_request: Totals::default(),
            by_map: Totals::default(),
            values: a
                .value_fields
                .iter()
                .map(|_| FxHashMap::default())
                .collect(),
            warnings: Default::default(),
            price_rows: FxHashMap::default(),
        }
    }

    /// Adds the record's warnings (docs/design.md, Warnings).
    fn warn(&mut self, p: &PricedRecord<'_>) {
        use crate::record::note;
        let r = p.record;
        let t = &r.tokens;
        let file = p.at.file;
        let notes = r.notes;
        let mut add = |code: Code, tokens: u128, amount: u128| {
            self.warnings[code as usize].add(r.requests, tokens, amount, file);
        };
        if notes & note::CACHE_WRITES_MERGED != 0 && t.cache_write > 0 {
            // Worst case: every write 1-hour, at the 1-hour price.
            let more = p.rate.map_or(0, |rate| {
                let one_h = rate.cache_write_1h.times(t.cache_write).0;
                one_h.saturating_sub(rate.cache_write.times(t.cache_write).0)
            });
            add(Code::CacheWritesMerged, u128::from(t.cache_write), more);
        }
        for (bit, code) in [
            (note::PLUS_ONE_OUTPUT, Code::PlusOneOutput),
            (note::PLUS_ONE_CORRECTED, Code::PlusOneCorrected),
        ] {
            if notes & bit != 0 {
                // One output token per span.
                let one = p.rate.map_or(0, |rate| rate.output.times(1).0);
                add(code, u128::from(r.requests), one * u128::from(r.requests));
            }
        }
        if notes & note::NO_CACHE_SPLIT != 0 && t.input > 0 {
            add(Code::NoCacheSplit, u128::from(t.input), 0);
        }
        if p.unpriced_modal > 0 {
            add(Code::UnpricedModality, u128::from(p.unpriced_modal), 0);
        }
        if p.tier_skipped {
            let at_risk = match (p.skipped_tier, p.cost) {
                (Some(tier), Some(cost)) => crate::price::cost(tier, t).0.saturating_sub(cost.0),
                _ => 0,
            };
            add(Code::LongContextNotTiered, t.total_exact(), at_risk);
        }
    }

    /// The sums with string keys, for merging with other workers.
    pub fn into_sums(self, interner: &Interner) -> Sums {
        let plan = self.plan;
        let unpriced = self
            .unpriced
            .iter()
            .map(|(&id, &v)| ((id != u32::MAX).then(|| interner.get(id).to_string()), v))
            .collect();
        let offender_dims = &plan.attribution.offender_dims;
        let required = self
            .required
            .into_iter()
            .map(|r| RequiredSums {
                missing: r.missing,
                offenders: interner.values_of(r.offenders, offender_dims).collect(),
            })
            .collect();
        let values = self
            .values
            .iter()
            .map(|m| {
                ValueCounts(
                    m.iter()
                        .map(|(&id, &n)| (interner.get(id).to_string(), n))
                        .collect(),
                )
            })
            .collect();
        Sums {
            groups: self.groups.into_values(interner, &plan.dims),
            total: self.total,
            no_team: self.no_team,
            no_cost_center: self.no_cost_center,
            unpriced,
            tier_fallback: self.tier_fallback,
            tier_skipped: self.tier_skipped,
            required,
            by_request: self.by_request,
            by_map: self.by_map,
            values,
            warnings: Code::ALL
                .into_iter()
                .zip(self.warnings)
                .filter(|(_, w)| *w != WarningSums::default())
                .map(|(c, w)| (c.name().to_string(), w))
                .collect(),
            price_rows: self.price_rows.into_values().collect(),
            ..Sums::default()
        }
    }
}

impl RecordSink for GroupTally<'_> {
    #[inline]
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        let plan = self.plan;
        let r = p.record;
        if p.tier_fallback {
            self.tier_fallback += u128::from(r.requests);
        }
        if p.tier_skipped {
            self.tier_skipped += u128::from(r.requests);
        }
        if r.notes != 0 || p.tier_skipped || p.unpriced_modal > 0 {
            self.warn(p);
        }
        let cost = p.cost;
        let mut key: GroupKey = [0; MAX_DIMS];
        for (slot, &d) in key.iter_mut().zip(&plan.dims) {
            *slot = if d.is_time() {
                time_slot(d.period(p.local_day))
            } else if d == Dimension::Model {
                // Interned by the worker for the price cache: no second
                // lookup.
                p.model_id.wrapping_add(1)
            } else {
                match p.value(d) {
                    Some(v) => interner.intern(v) + 1,
                    None => 0,
                }
            };
        }
        // Audio and image tokens count where the report sums tokens: in
        // input and output (docs/design.md, "Audio and image tokens").
        let counted;
        let tokens = match r.modal.is_zero() {
            true => &r.tokens,
            false => {
                counted = r.modal.counted_in(&r.tokens);
                &counted
            }
        };
        let causes;
        let reported = match r.reported_cost {
            None => None,
            Some(c) => {
                let notes = match p.unpriced_modal {
                    0 => r.notes,
                    _ => r.notes | crate::record::note::UNPRICED_MODALITY,
                };
                causes = explain::of_record(cost, c, tokens, notes);
                if causes.price_basis != 0 {
                    if let (Some(rate), Some(priced)) = (p.rate, cost) {
                        let row = self
                            .price_rows
                            .entry(rate as *const _ as usize)
                            .or_insert_with(|| (explain::row_label(rate), PriceRowSums::default()));
                        row.1.add(tokens, priced, c, causes.rounding);
                    }
                }
                Some((c, &causes))
            }
        };
        let add = |t: &mut Totals| t.add(r.requests, tokens, cost, reported);
        add(self.groups.entry(&key));
        add(&mut self.total);
        use crate::record::Field;
        if p.get(Field::Team).is_none() {
            add(&mut self.no_team);
        }
        if p.get(Field::CostCenter).is_none() {
            add(&mut self.no_cost_center);
        }
        let a = &plan.attribution;
        let mut origin = OwnerOrigin::Request;
        for (i, &f) in a.required.iter().enumerate() {
            if p.get(f).is_some() {
                if p.from_map & (1 << f as usize) != 0 && origin == OwnerOrigin::Request {
                    origin = OwnerOrigin::Map;
                }
                continue;
            }
            origin = OwnerOrigin::None;
            add(&mut self.required[i].missing);
            if !a.offender_dims.is_empty() {
                let mut key: GroupKey = [0; MAX_DIMS];
                for (slot, &d) in key.iter_mut().zip(&a.offender_dims) {
                    *slot = if d.is_time() {
                        time_slot(d.period(p.local_day))
                    } else {
                        match p.value(d) {
                            Some(v) => interner.intern(v) + 1,
                            None => 0,
                        }
                    };
                }
                add(self.required[i].offenders.entry(key).or_default());
            }
        }
        if a.track_origin {
            match origin {
                OwnerOrigin::Request => add(&mut self.by_request),
                OwnerOrigin::Map => add(&mut self.by_map),
                OwnerOrigin::None => {}
            }
        }
        for (i, &f) in a.value_fields.iter().enumerate() {
            if let Some(v) = p.get(f) {
                let id = interner.intern(v);
                *self.values[i].entry(id).or_default() += u128::from(r.requests);
            }
        }
        if cost.is_none() {
            let entry = self.unpriced.entry(p.model_id).or_default();
            entry.0 += u128::from(r.requests);
            entry.1 += r.tokens.total_exact() + r.modal.total_exact();
        }
    }
}

/// The consumer of `report` and `coverage`: a [`GroupTally`] per worker,
/// [`Sums`] merged by addition.
pub struct Tally<'p> {
    /// The run's plan.
    pub plan: &'p Plan<'p>,
}

impl<'p> Consumer for Tally<'p> {
    type Sink = GroupTally<'p>;
    type Output = Sums;

    fn sink(&self) -> GroupTally<'p> {
        GroupTally::new(self.plan)
    }

    fn output(&self, sink: GroupTally<'p>, interner: &Interner) -> Sums {
        sink.into_sums(interner)
    }

    fn merge(&self, a: Sums, b: Sums) -> Sums {
        a.merge(b)
    }

    fn subtract(&self, total: &mut Sums, dup: Sums) {
        total.subtract(dup)
    }
}
