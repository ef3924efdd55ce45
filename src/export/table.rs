//! A typed table (columns and cells) that the export formats write: exact
//! decimals, UTC instants and text. The CSV writer is here; Parquet is in
//! `parquet.rs`.

use std::io::{self, Write};

use crate::money::{Money, TokenPrice};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// An exact decimal: DECIMAL(38,18) in Parquet.
    Decimal,
    /// A UTC instant, seconds: TIMESTAMP(µs, UTC) in Parquet.
    Time,
    /// A whole number: INT64 in Parquet.
    Integer,
}

/// A column: its name, kind and whether it may be null.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// May hold nulls.
    pub nullable: bool,
}

impl Column {
    /// A column.
    pub const fn new(name: &'static str, kind: Kind, nullable: bool) -> Column {
        Column {
            name,
            kind,
            nullable,
        }
    }
}

/// An exact non-negative decimal: `units / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dec {
    /// The value in units of `10^-scale`.
    pub units: u128,
    /// Fractional digits, at most 18.
    pub scale: u32,
}

impl Dec {
    /// Pico-dollars as dollars.
    pub fn money(m: Money) -> Dec {
        Dec {
            units: m.0,
            scale: 12,
        }
    }

    /// A price per token (pico-dollars) as dollars per million tokens:
    /// the same integer, six decimals.
    pub fn price(p: TokenPrice) -> Dec {
        Dec {
            units: u128::from(p.0),
            scale: 6,
        }
    }

    /// The value at 18 decimals (Parquet's DECIMAL(38,18)); `None` if it
    /// does not fit 38 digits.
    pub fn at18(self) -> Option<i128> {
        let v = self
            .units
            .checked_mul(10u128.pow(18 - self.scale.min(18)))?;
        (v < 10u128.pow(38)).then_some(v as i128)
    }

    /// Plain decimal text: no exponent, no separators, always a fractional
    /// part; trailing zeros dropped past the sixth decimal (`1520000.0`,
    /// `0.750000`, `0.150000075`).
    pub fn plain(self) -> String {
        let scale = self.scale as usize;
        if scale == 0 {
            return format!("{}.0", self.units);
        }
        let div = 10u128.pow(self.scale);
        let frac = format!("{:0scale$}", self.units % div);
        let keep = frac.trim_end_matches('0').len().max(scale.min(6)).max(1);
        format!("{}.{}", self.units / div, &frac[..keep])
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    /// Text or null.
    Text(Option<String>),
    /// An exact decimal.
    Dec(Dec),
    /// A UTC instant, seconds since the epoch.
    Time(i64),
    /// A whole number.
    Int(i64),
    /// Null, in a column of any kind.
    Null,
}

/// Columns and rows, written by any export format.
#[derive(Debug, Clone)]
pub struct Table {
    /// The columns.
    pub columns: &'static [Column],
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// An instant as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_time(ts: i64) -> String {
    let day = ts.div_euclid(86_400);
    let s = ts.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::time::format_day(day),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

impl Cell {
    /// The cell as CSV text: null is an empty field.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone().unwrap_or_default(),
            Cell::Dec(d) => d.plain(),
            Cell::Time(t) => format_time(*t),
            Cell::Int(i) => i.to_string(),
            Cell::Null => String::new(),
        }
    }
}

/// Writes a table as CSV: UTF-8, a header, RFC 4180 quoting, `\n`.
/// Values are written as they are (no spreadsheet formula guard: this is
/// a machine format, docs/focus.md).
pub fn write_csv(table: &Table, w: &mut dyn Write) -> io::Result<()> {
    let mut csv = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(w);
    csv.write_record(table.columns.iter().map(|c| c.name))?;
    for row in &table.rows {
        csv.write_record(row.iter().map(Cell::csv_text))?;
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_with_a_fractional_part() {
        let d = |units, scale| Dec { units, scale }.plain();
        assert_eq!(d(1_520_000, 0), "1520000.0");
        assert_eq!(d(750_000_000_000, 12), "0.750000");
        assert_eq!(d(150_000_075_000, 12), "0.150000075");
        assert_eq!(d(1_851_851_700_000, 12), "1.8518517");
        assert_eq!(d(2_000_001, 6), "2.000001");
        assert_eq!(d(0, 12), "0.000000");
        assert_eq!(d(1, 12), "0.000000000001");
        assert_eq!(d(u128::from(u64::MAX), 12), "18446744.073709551615");
        assert!(!d(10u128.pow(30), 12).contains('e'));
    }

    #[test]
    fn decimals_scale_to_18_places_or_refuse() {
        assert_eq!(Dec { units: 3, scale: 6 }.at18(), Some(3_000_000_000_000));
        assert_eq!(
            Dec {
                units: 10u128.pow(20),
                scale: 0
            }
            .at18(),
            None
        );
    }

    #[test]
    fn times_are_utc_with_z() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_time(1_790_812_799), "2026-09-30T23:59:59Z");
    }
}
