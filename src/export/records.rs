//! `export --format csv|parquet`: llmspend's own priced records, one row
//! per usage record, for Spark, Trino or DuckDB: the time, the source, the
//! canonical text fields after enrichment, the counts and the exact
//! `cost_usd` (null when unpriced).
//!
//! Rows of the row consumer ([`crate::sink::rows`]), in (file path,
//! physical line) order.

use super::table::{Cell, Column, Dec, Kind, Table};
use crate::accounting::RelOrigin;
use crate::record::Field;
use crate::sink::rows::{Row, RowOutput};
use crate::sink::PricedRecord;

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
#[derive(Debug)]
pub struct Record {
    at: RelOrigin,
    cells: Vec<Cell>,
}

/// The request id's cell: after `timestamp`, `source` and the fields
/// before it.
const REQUEST_ID: usize = 2 + FIELDS.len() - 1;
const _: () = assert!(matches!(FIELDS[FIELDS.len() - 1], Field::RequestId));

fn int(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Row for Record {
    fn of(p: &PricedRecord<'_>) -> Record {
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
        Record {
            at: p.at,
            cells: row,
        }
    }

    fn at(&self) -> RelOrigin {
        self.at
    }

    fn request_id(&self) -> Option<&str> {
        match &self.cells[REQUEST_ID] {
            Cell::Text(id) => id.as_deref(),
            _ => None,
        }
    }
}

/// The consumer of `export --format csv|parquet`.
pub type Rows<'p> = crate::sink::rows::Rows<'p, Record>;

impl RowOutput<Record> {
    /// The rows as a table, in (file, chunk, line) order.
    pub fn into_table(self) -> Table {
        Table {
            columns: &COLUMNS,
            rows: self.into_sorted().into_iter().map(|r| r.cells).collect(),
        }
    }
}
