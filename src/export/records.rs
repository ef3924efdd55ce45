//! `export --format csv|parquet`: llmspend's own priced records, one row
//! per usage record, for Spark, Trino or DuckDB: the time, the source, the
//! canonical text fields after enrichment, the counts and the exact
//! `cost_usd` (null when unpriced).
//!
//! A row sink: each worker keeps its rows with where they were read, and
//! the rows are put in (file, chunk, line) order at the end, which is the
//! order of (file path, physical line): the same for any `--threads` and
//! file order. Dedupe stays on: the records a rescan finds to be repeats
//! are taken out by their position and request id.

use super::table::{Cell, Column, Dec, Kind, Table};
use crate::accounting::RelOrigin;
use crate::aggregate::Interner;
use crate::record::Field;
use crate::report::Sums;
use crate::sink::tally::{GroupTally, Tally};
use crate::sink::{Consumer, PricedRecord, RecordSink};
use crate::worker::Plan;

/// The text fields written, in column order after `timestamp, source`.
pub const FIELDS: [Field; 13] = [
    Field::Provider,
    Field::Model,
    Field::ServiceTier,
    Field::Team,
    Field::CostCenter,
    Field::Project,
    Field::Service,
    Field::Route,
    Field::Environment,
    Field::Customer,
    Field::User,
    Field::ApiKey,
    Field::RequestId,
];

/// The columns of a records export.
pub static COLUMNS: [Column; 22] = {
    use Kind::*;
    [
        Column::new("timestamp", Time, false),
        Column::new("source", Text, false),
        Column::new("provider", Text, true),
        Column::new("model", Text, true),
        Column::new("service_tier", Text, true),
        Column::new("team", Text, true),
        Column::new("cost_center", Text, true),
        Column::new("project", Text, true),
        Column::new("service", Text, true),
        Column::new("route", Text, true),
        Column::new("environment", Text, true),
        Column::new("customer", Text, true),
        Column::new("user", Text, true),
        Column::new("api_key", Text, true),
        Column::new("request_id", Text, true),
        Column::new("requests", Integer, false),
        Column::new("input_tokens", Integer, false),
        Column::new("output_tokens", Integer, false),
        Column::new("cache_read_tokens", Integer, false),
        Column::new("cache_write_5m_tokens", Integer, false),
        Column::new("cache_write_1h_tokens", Integer, false),
        Column::new("cost_usd", Decimal, true),
    ]
};

/// A row and where its record was read.
type Placed = ((u32, u32, u64), Vec<Cell>);

/// One worker's rows and its group tally (for the accounting).
pub struct RowSink<'p> {
    tally: GroupTally<'p>,
    rows: Vec<Placed>,
}

fn int(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl RecordSink for RowSink<'_> {
    fn accept(&mut self, p: &PricedRecord<'_>, interner: &mut Interner) {
        self.tally.accept(p, interner);
        let r = p.record;
        // Audio and image tokens in input and output, as the report counts
        // them (docs/design.md, "Audio and image tokens").
        let t = &r.modal.counted_in(&r.tokens);
        let mut row = Vec::with_capacity(COLUMNS.len());
        row.push(Cell::Time(r.timestamp));
        row.push(Cell::Text(Some(r.source.to_string())));
        for f in FIELDS {
            let v = if f == Field::Provider {
                p.provider
            } else {
                p.get(f)
            };
            row.push(Cell::Text(v.map(str::to_string)));
        }
        for n in [
            r.requests,
            t.input,
            t.output,
            t.cache_read,
            t.cache_write,
            t.cache_write_1h,
        ] {
            row.push(int(n));
        }
        row.push(p.cost.map_or(Cell::Null, |c| Cell::Dec(Dec::money(c))));
        let RelOrigin { file, chunk, line } = p.at;
        self.rows.push(((file, chunk, line), row));
    }
}

/// The consumer of `export --format csv|parquet`.
pub struct Rows<'p> {
    /// The run's plan.
    pub plan: &'p Plan<'p>,
}

/// The merged output: report's sums and the rows.
#[derive(Debug, Default)]
pub struct RowOutput {
    /// The group tally (accounting).
    pub sums: Sums,
    rows: Vec<Placed>,
}

impl RowOutput {
    /// The rows as a table, in (file, chunk, line) order.
    pub fn into_table(mut self) -> Table {
        // Stable: records of one position come from one chunk, one worker,
        // in reading order.
        self.rows.sort_by_key(|(at, _)| *at);
        Table {
            columns: &COLUMNS,
            rows: self.rows.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

impl<'p> Consumer for Rows<'p> {
    type Sink = RowSink<'p>;
    type Output = RowOutput;

    fn sink(&self) -> RowSink<'p> {
        RowSink {
            tally: Tally { plan: self.plan }.sink(),
            rows: Vec::new(),
        }
    }

    fn output(&self, sink: RowSink<'p>, interner: &Interner) -> RowOutput {
        RowOutput {
            sums: Tally { plan: self.plan }.output(sink.tally, interner),
            rows: sink.rows,
        }
    }

    fn merge(&self, a: RowOutput, b: RowOutput) -> RowOutput {
        let mut rows = a.rows;
        rows.extend(b.rows);
        RowOutput {
            sums: a.sums.merge(b.sums),
            rows,
        }
    }

    fn subtract(&self, total: &mut RowOutput, dup: RowOutput) {
        total.sums.subtract(dup.sums);
        if dup.rows.is_empty() {
            return;
        }
        let id = FIELDS
            .iter()
            .position(|f| *f == Field::RequestId)
            .unwrap_or(0)
            + 2;
        let mut gone: Vec<_> = dup
            .rows
            .into_iter()
            .map(|(at, r)| (at, r[id].clone()))
            .collect();
        gone.sort();
        total.rows.retain(|(at, r)| {
            let key = (*at, r[id].clone());
            match gone.binary_search(&key) {
                Ok(i) => {
                    gone.remove(i);
                    false
                }
                Err(_) => true,
            }
        });
    }
}
