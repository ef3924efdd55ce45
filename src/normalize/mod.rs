//! `llmspend normalize`: one priced row per kept usage record, in the
//! schema `llmspend.usage.v1` (docs/normalize.md), for SQL engines to
//! group. The schema is defined once here ([`COLUMNS`]); the JSONL writer
//! (`jsonl.rs`), the Parquet writer (`parquet.rs`) and the DDL
//! (`ddl.rs`) all walk it.
//!
//! The rows are streamed out as the inputs are read (`stream.rs`): the
//! chunks' rows are put back in (file, chunk, line) order, which is (file
//! path, physical line) order, in a bounded window (`window.rs`), repeats
//! of a request id are dropped as they go by (the rule `report` applies)
//! and each row's physical line is resolved from the chunks' line counts.

pub mod ddl;
pub mod jsonl;
pub mod parquet;
pub mod stream;
pub mod window;

use crate::accounting::RelOrigin;
use crate::money::Money;
use crate::record::Field;
use crate::sink::PricedRecord;

/// The schema's name and version; later versions only append columns.
pub const SCHEMA: &str = "llmspend.usage.v1";

/// A column's logical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// TIMESTAMP(MICROS, UTC).
    Timestamp,
    /// DATE.
    Date,
    /// UTF-8 STRING.
    Text,
    /// INT64.
    Int,
    /// BOOLEAN.
    Bool,
    /// DECIMAL(38,12): exact pico-dollars.
    Decimal,
}

/// A column of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: Type,
    /// May hold null.
    pub nullable: bool,
}

const fn col(name: &'static str, ty: Type, nullable: bool) -> Column {
    Column { name, ty, nullable }
}

/// The nullable text columns, in schema order, as stored in [`Row::text`].
pub const TEXT: [&str; 16] = [
    "provider",
    "model",
    "rate_model",
    "service_tier",
    "team",
    "cost_center",
    "project",
    "service",
    "route",
    "environment",
    "customer",
    "user",
    "api_key",
    "owner_source",
    "request_id",
    "status",
];

/// The record fields behind the text columns from `team` to `api_key`.
const OWNER_FIELDS: [Field; 9] = [
    Field::Team,
    Field::CostCenter,
    Field::Project,
    Field::Service,
    Field::Route,
    Field::Environment,
    Field::Customer,
    Field::User,
    Field::ApiKey,
];

/// `llmspend.usage.v1`, in its fixed order.
pub static COLUMNS: [Column; 30] = {
    use Type::*;
    [
        col("timestamp", Timestamp, false),
        col("day", Date, false),
        col("provider", Text, true),
        col("model", Text, true),
        col("rate_model", Text, true),
        col("service_tier", Text, true),
        col("requests", Int, false),
        col("input_tokens", Int, false),
        col("output_tokens", Int, false),
        col("cache_read_tokens", Int, false),
        col("cache_write_tokens", Int, false),
        col("cache_write_1h_tokens", Int, false),
        col("team", Text, true),
        col("cost_center", Text, true),
        col("project", Text, true),
        col("service", Text, true),
        col("route", Text, true),
        col("environment", Text, true),
        col("customer", Text, true),
        col("user", Text, true),
        col("api_key", Text, true),
        col("owner_source", Text, true),
        col("request_id", Text, true),
        col("status", Text, true),
        col("cost_usd", Decimal, false),
        col("priced", Bool, false),
        col("reported_cost_usd", Decimal, true),
        col("source", Text, false),
        col("source_file", Text, false),
        col("source_line", Int, false),
    ]
};

/// One cell of a row, typed by its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Seconds since the epoch, UTC.
    Timestamp(i64),
    /// Days since the epoch.
    Date(i64),
    /// Text or null.
    Text(Option<&'a str>),
    /// A count.
    Int(u64),
    /// A flag.
    Bool(bool),
    /// Pico-dollars, or null.
    Decimal(Option<u128>),
}

/// One normalized record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Seconds since the epoch, UTC.
    pub timestamp: i64,
    /// The day in `--tz`, days since the epoch.
    pub day: i64,
    /// The nullable text columns in [`TEXT`] order.
    pub text: [Option<Box<str>>; 16],
    /// requests, input, output, cache read, cache write (5m), 1h writes.
    pub counts: [u64; 6],
    /// The exact cost, pico-dollars (0 when unpriced).
    pub cost: u128,
    /// Priced by a rate-card row.
    pub priced: bool,
    /// The cost the source stated, pico-dollars.
    pub reported: Option<u128>,
    /// The source's name.
    pub source: &'static str,
    /// Where it was read (before line numbers are resolved).
    pub at: RelOrigin,
    /// The physical line, from 1 (0 until resolved).
    pub line: u64,
}

impl Row {
    /// The cell of column `i` of [`COLUMNS`]; `files` names file ids.
    pub fn cell<'a>(&'a self, i: usize, files: &'a [String]) -> Cell<'a> {
        match i {
            0 => Cell::Timestamp(self.timestamp),
            1 => Cell::Date(self.day),
            2..=5 => Cell::Text(self.text[i - 2].as_deref()),
            6..=11 => Cell::Int(self.counts[i - 6]),
            12..=23 => Cell::Text(self.text[i - 8].as_deref()),
            24 => Cell::Decimal(Some(self.cost)),
            25 => Cell::Bool(self.priced),
            26 => Cell::Decimal(self.reported),
            27 => Cell::Text(Some(self.source)),
            28 => Cell::Text(Some(
                files.get(self.at.file as usize).map_or("", String::as_str),
            )),
            _ => Cell::Int(self.line),
        }
    }
}

/// What `owner_source` says: `map` when the ownership map set an owner
/// field, `request` when the request carried one, null when neither.
fn owner_source(p: &PricedRecord<'_>) -> Option<&'static str> {
    let owner_bits = OWNER_FIELDS
        .iter()
        .fold(0u32, |m, f| m | (1 << *f as usize));
    if p.from_map & owner_bits != 0 {
        Some("map")
    } else if OWNER_FIELDS.iter().any(|f| p.get(*f).is_some()) {
        Some("request")
    } else {
        None
    }
}

/// The row of a priced record.
pub fn row_of(p: &PricedRecord<'_>) -> Row {
    let r = p.record;
    let t = &r.tokens;
    let s = |v: Option<&str>| v.map(Box::<str>::from);
    let mut text: [Option<Box<str>>; 16] = Default::default();
    text[0] = s(p.provider);
    text[1] = s(p.get(Field::Model));
    text[2] = s(p.rate.map(|r| r.model.as_str()));
    text[3] = s(p.get(Field::ServiceTier));
    for (slot, f) in text[4..13].iter_mut().zip(OWNER_FIELDS) {
        *slot = s(p.get(f));
    }
    text[13] = s(owner_source(p));
    text[REQUEST_ID] = s(p.get(Field::RequestId));
    text[15] = s(p.get(Field::Status));
    Row {
        timestamp: r.timestamp,
        day: p.local_day,
        text,
        counts: [
            r.requests,
            t.input,
            t.output,
            t.cache_read,
            t.cache_write,
            t.cache_write_1h,
        ],
        cost: p.cost.map_or(0, |c: Money| c.0),
        priced: p.cost.is_some(),
        reported: r.reported_cost,
        source: r.source,
        at: p.at,
        line: 0,
    }
}

/// The index of `request_id` in [`TEXT`].
pub const REQUEST_ID: usize = 14;
const _: () = assert!(matches!(TEXT[REQUEST_ID].as_bytes(), b"request_id"));

/// Writes `pico` as dollars with exactly 12 decimals.
pub fn push_decimal(pico: u128, out: &mut String) {
    Money(pico).push_usd(12, out);
}

/// Writes a timestamp as RFC 3339 UTC with `Z`.
pub fn push_timestamp(secs: i64, out: &mut String) {
    use std::fmt::Write;
    let (y, m, d) = crate::time::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_has_its_columns_type_and_nullability() {
        let row = Row {
            timestamp: 0,
            day: 0,
            text: Default::default(),
            counts: [0; 6],
            cost: 0,
            priced: false,
            reported: None,
            source: "x",
            at: RelOrigin {
                file: 0,
                chunk: 0,
                line: 1,
            },
            line: 1,
        };
        let files = vec!["f".to_string()];
        for (i, c) in COLUMNS.iter().enumerate() {
            let cell = row.cell(i, &files);
            let ok = matches!(
                (c.ty, cell),
                (Type::Timestamp, Cell::Timestamp(_))
                    | (Type::Date, Cell::Date(_))
                    | (Type::Text, Cell::Text(_))
                    | (Type::Int, Cell::Int(_))
                    | (Type::Bool, Cell::Bool(_))
                    | (Type::Decimal, Cell::Decimal(_))
            );
            assert!(ok, "{}: {cell:?}", c.name);
            let null = matches!(cell, Cell::Text(None) | Cell::Decimal(None));
            assert!(!null || c.nullable, "{} is null", c.name);
        }
        for (i, name) in TEXT.iter().enumerate() {
            let at = if i < 4 { i + 2 } else { i + 8 };
            assert_eq!(COLUMNS[at].name, *name);
        }
    }

    #[test]
    fn times_and_money_are_written_exactly() {
        let mut s = String::new();
        push_timestamp(1_790_000_000, &mut s);
        s.push(' ');
        push_timestamp(-1, &mut s);
        s.push(' ');
        push_decimal(2_500_000, &mut s);
        s.push(' ');
        push_decimal(0, &mut s);
        assert_eq!(
            s,
            "2026-09-21T14:13:20Z 1969-12-31T23:59:59Z 0.000002500000 0.000000000000"
        );
    }
}
