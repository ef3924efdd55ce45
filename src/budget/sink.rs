//! The budget tally: a consumer of priced records that sums, per budget
//! row, the cost of the records it matches over the spans the evaluation
//! needs, beside the group tally (with no dimensions) that gives the run's
//! accounting.
//!
//! Per row it keeps two exact sums of records with timestamp before the
//! as-of time T: since the period start (spent) and since T - 7 days; and
//! the unpriced requests per model since the period start. The second is
//! the cost in the run-rate window W = [max(T - 7d, E), T) whatever E, the
//! earliest record, turns out to be: no record is earlier than E, so
//! "since T - 7d" and "since max(T - 7d, E)" hold the same records. So the
//! memory is the number of rows times a constant (plus unpriced models),
//! never the number of records or of time buckets, and the figures are
//! exact to the second. T must be known before the run: with `--as-of` it
//! is; without, `budget` runs once to find the latest timestamp (the
//! consumer with no rows), then again (docs/design.md, Budgets).

use rustc_hash::FxHashMap;

use super::{Budget, Scope};
use crate::aggregate::Interner;
use crate::dimension::Dimension;
use crate::money::Money;
use crate::record::Field;
use crate::report::Sums;
use crate::sink::tally::{GroupTally, Tally};
use crate::sink::{Consumer, PricedRecord, RecordSink};
use crate::time::Timestamp;
use crate::worker::Plan;

/// Seven days, the longest run-rate window.
pub const WEEK_SECS: i64 = 7 * 86_400;

/// The sums of one budget row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSums {
    /// Cost with `period_start <= timestamp < T`.
    pub spent: Money,
    /// Cost with `T - 7 days <= timestamp < T`: the run-rate window's.
    pub last_week: Money,
    /// Unpriced model (`None`: no model) -> (requests, tokens), with
    /// `period_start <= timestamp < T`.
    pub unpriced: FxHashMap<Option<String>, (u128, u128)>,
}

/// What a budget run adds up.
#[derive(Debug, Default)]
pub struct BudgetSums {
    /// The group tally with no dimensions: totals and accounting.
    pub sums: Sums,
    /// Per budget row, in file order.
    pub rows: Vec<RowSums>,
    /// The earliest and latest timestamps of the records admitted
    /// (repeats of a request id included: a min cannot be taken back).
    pub span: Option<(Timestamp, Timestamp)>,
}

/// Which rows a record can match: `*` rows, and per scope dimension the
/// rows by value.
struct Index {
    all: Vec<usize>,
    by_dim: Vec<(Dimension, FxHashMap<String, Vec<usize>>)>,
}

/// The consumer of `budget`.
pub struct BudgetTally<'p> {
    /// The run's plan.
    pub plan: &'p Plan<'p>,
    /// The as-of time T.
    pub as_of: Timestamp,
    /// Per row, the UTC start of its period.
    starts: Vec<Timestamp>,
    index: Index,
}

impl<'p> BudgetTally<'p> {
    /// A tally of `rows`, whose periods start at `starts`, as of `as_of`.
    /// With no rows it only finds the span of timestamps.
    pub fn new(
        plan: &'p Plan<'p>,
        rows: &[Budget],
        starts: Vec<Timestamp>,
        as_of: Timestamp,
    ) -> Self {
        let mut index = Index {
            all: Vec::new(),
            by_dim: Vec::new(),
        };
        for (i, r) in rows.iter().enumerate() {
            match (r.scope, &r.value) {
                (Scope::Dim(d), Some(v)) => {
                    let slot = match index.by_dim.iter().position(|(x, _)| *x == d) {
                        Some(s) => s,
                        None => {
                            index.by_dim.push((d, FxHashMap::default()));
                            index.by_dim.len() - 1
                        }
                    };
                    index.by_dim[slot].1.entry(v.clone()).or_default().push(i);
                }
                _ => index.all.push(i),
            }
        }
        BudgetTally {
            plan,
            as_of,
            starts,
            index,
        }
    }

    /// The text fields the rows match on, for `Plan::also_read`.
    pub fn fields(rows: &[Budget]) -> Vec<Field> {
        rows.iter()
            .filter_map(|r| match r.scope {
                Scope::Dim(d) => d.field(),
                Scope::All => None,
            })
            .chain([Field::Model])
            .collect()
    }
}

/// One worker's budget sums.
pub struct BudgetSink<'p, 'c> {
    tally: GroupTally<'p>,
    consumer: &'c BudgetTally<'p>,
    rows: Vec<RowSums>,
    span: Option<(Timestamp, Timestamp)>,
}

impl RecordSink for BudgetSink<'_, '_> {
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        self.tally.accept(p, interner);
        let ts = p.record.timestamp;
        self.span = Some(match self.span {
            None => (ts, ts),
            Some((lo, hi)) => (lo.min(ts), hi.max(ts)),
        });
        let c = self.consumer;
        if ts >= c.as_of {
            return;
        }
        let mut add = |i: usize| {
            let sums = &mut self.rows[i];
            let in_period = ts >= c.starts[i];
            match p.cost {
                Some(cost) => {
                    if ts >= c.as_of - WEEK_SECS {
                        sums.last_week += cost;
                    }
                    if in_period {
                        sums.spent += cost;
                    }
                }
                None if in_period => {
                    let model = p.get(Field::Model).map(str::to_string);
                    let e = sums.unpriced.entry(model).or_default();
                    e.0 += u128::from(p.record.requests);
                    e.1 += p.record.tokens.total_exact() + p.record.modal.total_exact();
                }
                None => {}
            }
        };
        for &i in &c.index.all {
            add(i);
        }
        for (d, by_value) in &c.index.by_dim {
            if let Some(rows) = p.value(*d).and_then(|v| by_value.get(v)) {
                for &i in rows {
                    add(i);
                }
            }
        }
    }
}

impl<'p, 'c> BudgetTally<'p> {
    fn fresh(&'c self) -> BudgetSink<'p, 'c> {
        BudgetSink {
            tally: GroupTally::new(self.plan),
            consumer: self,
            rows: vec![RowSums::default(); self.starts.len()],
            span: None,
        }
    }
}

fn merge_row(a: &mut RowSums, b: RowSums) {
    a.spent += b.spent;
    a.last_week += b.last_week;
    for (k, (r, t)) in b.unpriced {
        let e = a.unpriced.entry(k).or_default();
        e.0 += r;
        e.1 += t;
    }
}

/// A consumer is `Sync` and hands out sinks that borrow it: this wrapper
/// is what `pipeline::run` takes.
pub struct Budgeting<'c, 'p>(pub &'c BudgetTally<'p>);

impl<'c, 'p> Consumer for Budgeting<'c, 'p> {
    type Sink = BudgetSink<'p, 'c>;
    type Output = BudgetSums;

    fn sink(&self) -> BudgetSink<'p, 'c> {
        self.0.fresh()
    }

    fn output(&self, sink: BudgetSink<'p, 'c>, interner: &Interner) -> BudgetSums {
        BudgetSums {
            sums: Tally { plan: self.0.plan }.output(sink.tally, interner),
            rows: sink.rows,
            span: sink.span,
        }
    }

    fn merge(&self, mut a: BudgetSums, b: BudgetSums) -> BudgetSums {
        a.sums = a.sums.merge(b.sums);
        if a.rows.is_empty() {
            a.rows = b.rows;
        } else {
            for (x, y) in a.rows.iter_mut().zip(b.rows) {
                merge_row(x, y);
            }
        }
        a.span = match (a.span, b.span) {
            (Some((l1, h1)), Some((l2, h2))) => Some((l1.min(l2), h1.max(h2))),
            (x, y) => x.or(y),
        };
        a
    }

    fn subtract(&self, total: &mut BudgetSums, dup: BudgetSums) {
        total.sums.subtract(dup.sums);
        for (x, y) in total.rows.iter_mut().zip(dup.rows) {
            x.spent.0 -= y.spent.0;
            x.last_week.0 -= y.last_week.0;
            for (k, (r, t)) in y.unpriced {
                if let Some(e) = x.unpriced.get_mut(&k) {
                    e.0 -= r;
                    e.1 -= t;
                    if *e == (0, 0) {
                        x.unpriced.remove(&k);
                    }
                }
            }
        }
    }
}
