//! A sink that keeps what parsers report, for the adapters' unit tests.

use std::borrow::Cow;

use crate::record::{Reason, UsageRecord};
use crate::sources::{Parser, Sink};

/// Everything a parser reported, records owned, with the line of each.
#[derive(Debug, Default)]
pub struct Capture {
    /// Records with the line they were reported at.
    pub records: Vec<(u64, UsageRecord<'static>)>,
    /// Malformed reasons with their lines.
    pub malformed: Vec<(u64, Reason)>,
    /// Ignored units.
    pub ignored: usize,
    /// Blank units.
    pub blank: usize,
    /// Duplicates.
    pub duplicate: usize,
    line: u64,
}

impl Capture {
    /// Feeds `input` to `parser` one line at a time, or whole for
    /// document framing, numbering lines from 1 like the worker.
    pub fn run(parser: &dyn Parser, input: &str) -> Capture {
        let mut c = Capture::default();
        match parser.framing() {
            crate::sources::Framing::Document => {
                c.line = 1;
                parser.parse_unit(input.as_bytes(), &mut c);
            }
            crate::sources::Framing::Lines => {
                for (i, line) in input.lines().enumerate() {
                    c.line = i as u64 + 1;
                    if line.trim().is_empty() {
                        c.blank();
                    } else {
                        parser.parse_unit(line.as_bytes(), &mut c);
                    }
                }
            }
            crate::sources::Framing::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(input.as_bytes());
                for row in reader.byte_records() {
                    let row = row.expect("csv row");
                    c.line = row.position().map_or(0, |p| p.line());
                    parser.parse_csv(&row, &mut c);
                }
            }
        }
        c
    }

    /// The only record, asserting nothing else was reported.
    pub fn one(self) -> UsageRecord<'static> {
        assert_eq!(self.malformed, vec![]);
        assert_eq!(self.records.len(), 1, "{:?}", self.records);
        self.records.into_iter().next().unwrap().1
    }
}

impl Sink for Capture {
    fn record(&mut self, r: UsageRecord<'_>) {
        let text = r.text.map(|t| t.map(|s| Cow::Owned(s.into_owned())));
        self.records.push((self.line, UsageRecord { text, ..r }));
    }
    fn malformed(&mut self, reason: Reason) {
        self.malformed.push((self.line, reason));
    }
    fn ignored(&mut self) {
        self.ignored += 1;
    }
    fn blank(&mut self) {
        self.blank += 1;
    }
    fn duplicate(&mut self) {
        self.duplicate += 1;
    }
    fn at_line(&mut self, line: u64) {
        self.line = line;
    }
}
