//! The CSV reader of the gateway source: each header column is mapped once
//! onto a canonical slot (a `--map` column, an `--alias`, a canonical name
//! or alias), and a row takes, per slot, its first non-blank cell.

use std::borrow::Cow;

use csv::ByteRecord;

use crate::parse::aliases::{alias_with, intern, leak_name};
use crate::parse::collect::{self, cost_of, count_of, time_of, Collected, Slot, Winners};
use crate::parse::csv_row::{csv_row_fits, CsvRow};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Reason, UsageRecord};
use crate::sources::contract::{Parser, SourceOptions};

use super::place::priority;

/// The CSV reader of the gateway source: a column per canonical slot.
#[derive(Debug, Clone)]
pub struct GatewayCsv {
    columns: Vec<Option<(Slot, u8, &'static str)>>,
    /// Per slot read, its columns in the order they win.
    winners: Vec<SlotColumns>,
    /// A column read that the header names twice: every row is malformed
    /// (docs/sources.md, duplicate keys).
    duplicate: Option<&'static str>,
}

/// The columns of one slot in the order they win (priority, then
/// position): a row's value is its first non-blank cell among them.
#[derive(Debug, Clone)]
struct SlotColumns {
    slot: Slot,
    columns: Vec<(usize, &'static str)>,
}

impl GatewayCsv {
    /// Maps a header row onto canonical slots; `--map FIELD=column` wins.
    pub fn new(header: &ByteRecord, options: &SourceOptions) -> Result<Self, String> {
        let mut columns = Vec::with_capacity(header.len());
        let mut names: Vec<&str> = Vec::with_capacity(header.len());
        for cell in header.iter() {
            let name = std::str::from_utf8(cell)
                .map_err(|_| "the CSV header is not valid UTF-8".to_string())?
                .trim();
            names.push(name);
            let mapped = options
                .map
                .iter()
                .find(|(_, column)| column == name)
                .map(|(slot, _)| (*slot, 0, leak_name(*slot)));
            columns.push(mapped.or_else(|| {
                alias_with(&options.aliases, name).map(|(s, r, n)| (s, priority(0, r), n))
            }));
        }
        // A row needs a model or a token count to be usage: a header with
        // neither is some other table, named as unrecognised rather than
        // read as rows that are all ignored.
        let usage = |c: &&(Slot, u8, &str)| {
            matches!(c.0, Slot::Text(crate::record::Field::Model))
                || matches!(c.0, Slot::Count(n) if n != collect::Count::Requests)
        };
        if !columns.iter().flatten().any(|c| usage(&c)) {
            let names: Vec<String> = header
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect();
            return Err(format!(
                "no column of the CSV header names a model or a token count (columns: {}); name them with --map FIELD=COLUMN",
                names.join(", ")
            ));
        }
        let mut winners: Vec<SlotColumns> = Vec::new();
        for &(slot, _, _) in columns.iter().flatten() {
            if winners.iter().any(|w| w.slot == slot) {
                continue;
            }
            let mut of_slot: Vec<(u8, usize, &'static str)> = columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.filter(|c| c.0 == slot).map(|(_, p, name)| (p, i, name)))
                .collect();
            // Stable: of two columns with one priority the first wins, as
            // with `Collected`.
            of_slot.sort_by_key(|&(prio, _, _)| prio);
            winners.push(SlotColumns {
                slot,
                columns: of_slot.into_iter().map(|(_, i, name)| (i, name)).collect(),
            });
        }
        winners.retain(|w| w.slot.is_read(options.fields));
        // Only a repeated column that is read counts.
        let duplicate = (0..names.len())
            .find(|&i| columns[i].is_some() && names[..i].contains(&names[i]))
            .map(|i| intern(names[i]));
        Ok(GatewayCsv {
            columns,
            winners,
            duplicate,
        })
    }
}

impl Parser for GatewayCsv {
    fn framing(&self) -> Framing {
        Framing::Csv
    }

    fn parse_csv(&self, row: &CsvRow<'_>, sink: &mut dyn Sink) {
        if !csv_row_fits(row, self.columns.len(), sink) {
            return;
        }
        if let Some(key) = self.duplicate {
            return sink.malformed(Reason::DuplicateKey(key));
        }
        // One UTF-8 check for the whole row (the common case); a cell is
        // then a slice of it, and each slot takes its first non-blank cell
        // among its columns, without a `Collected` per row (its offers,
        // finish and drop are a visible share of reading CSV). A row that
        // is not UTF-8 is read cell by cell.
        match row.text() {
            Some(whole) => self.parse_text_row(row, whole, sink),
            None => self.parse_cells(row, sink),
        }
    }
}

impl GatewayCsv {
    fn parse_text_row(&self, row: &CsvRow<'_>, whole: &str, sink: &mut dyn Sink) {
        let mut record = UsageRecord::new("gateway");
        let mut winners = Winners::default();
        for SlotColumns { slot, columns } in &self.winners {
            for &(i, name) in columns {
                let Some(range) = row.range(i) else {
                    continue;
                };
                let Some(text) = whole.get(range) else {
                    // Not on character boundaries of the row: cell by cell.
                    return self.parse_cells(row, sink);
                };
                if collect::is_blank(text) {
                    continue;
                }
                let cell = || Scalar::Str(Cow::Borrowed(text));
                match *slot {
                    Slot::Text(f) => record.text[f as usize] = Some(Cow::Borrowed(text)),
                    Slot::Time => winners.time = Some(time_of(cell())),
                    Slot::Count(c) => winners.counts[c as usize] = Some(count_of(name, cell())),
                    Slot::Cost => winners.cost = Some(cost_of(cell())),
                }
                break;
            }
        }
        sink.outcome(winners.finish(record))
    }

    /// A row read cell by cell, each checked as UTF-8 on its own.
    pub(super) fn parse_cells(&self, row: &CsvRow<'_>, sink: &mut dyn Sink) {
        let mut out = Collected::default();
        for (i, column) in self.columns.iter().enumerate() {
            let Some((slot, prio, name)) = *column else {
                continue;
            };
            let Some(range) = row.range(i) else {
                continue;
            };
            let text = match std::str::from_utf8(&row.as_slice()[range]) {
                Ok(text) => text,
                Err(_) => return sink.malformed(Reason::InvalidUtf8),
            };
            out.offer_str(slot, prio, text, name);
        }
        sink.outcome(out.finish("gateway"))
    }
}
