//! A sink that keeps what parsers report, for the adapters' unit tests.

use std::borrow::Cow;

use crate::parse::csv_row::CsvRow;
use crate::parse::sink::Sink;
use crate::record::{Ignored, Reason, UsageRecord};
use crate::sources::contract::Parser;

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
            crate::parse::Framing::Document => {
                c.line = 1;
                parser.parse_unit(input.as_bytes(), &mut c);
            }
            crate::parse::Framing::Lines => {
                for (i, line) in input.lines().enumerate() {
                    c.line = i as u64 + 1;
                    if line.trim().is_empty() {
                        c.blank();
                    } else {
                        parser.parse_unit(line.as_bytes(), &mut c);
                    }
                }
            }
            crate::parse::Framing::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(input.as_bytes());
                for row in reader.byte_records() {
                    let row = row.expect("csv row");
                    c.line = row.position().map_or(0, |p| p.line());
                    parser.parse_csv(&CsvRow::of_record(&row, &mut Vec::new()), &mut c);
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
    fn ignored(&mut self, _why: Ignored) {
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

/// Feeds `input` to every source's parser as if the sample were `input`
/// under `name`, with every framing the source might pick.
pub fn run_every_source(name: &str, input: &[u8]) {
    let sample = crate::sources::contract::Sample {
        path: std::path::Path::new(name),
        head: &input[..input.len().min(64 << 10)],
    };
    for source in crate::sources::REGISTRY {
        let Ok(parser) = source.open(&sample, &crate::sources::contract::SourceOptions::default())
        else {
            continue;
        };
        let mut c = Capture::default();
        match parser.framing() {
            crate::parse::Framing::Document => parser.parse_unit(input, &mut c),
            crate::parse::Framing::Lines => {
                for line in input.split(|&b| b == b'\n') {
                    parser.parse_unit(line, &mut c);
                }
            }
            crate::parse::Framing::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(input);
                for row in reader.byte_records().flatten() {
                    parser.parse_csv(&CsvRow::of_record(&row, &mut Vec::new()), &mut c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::run_every_source;

    /// Every fixture of tests/fixtures, by a name that keeps its extension.
    fn fixtures() -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path.to_string_lossy().into_owned(), bytes));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn no_source_panics_on_truncated_fixtures() {
        for (name, bytes) in fixtures() {
            for cut in (0..bytes.len()).step_by(7) {
                run_every_source(&name, &bytes[..cut]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn no_source_panics_on_mangled_fixtures(
            pick in 0usize..64,
            at in 0usize..4096,
            junk in proptest::collection::vec(any::<u8>(), 0..16),
        ) {
            let all = fixtures();
            let (name, bytes) = &all[pick % all.len()];
            let mut bytes = bytes.clone();
            let at = at % (bytes.len() + 1);
            bytes.splice(at..(at + junk.len()).min(bytes.len()), junk);
            run_every_source(name, &bytes);
        }
    }
}

/// Counts heap allocations per thread, for the no-allocation-per-row tests.
#[cfg(test)]
pub mod alloc {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static COUNT: Cell<u64> = const { Cell::new(0) };
    }

    /// The system allocator, counting.
    pub struct Counting;

    // SAFETY: every call is forwarded unchanged to the system allocator;
    // the counter is a const-initialised thread-local that never allocates.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            COUNT.with(|c| c.set(c.get() + 1));
            // SAFETY: same contract as the caller's.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as the caller's.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
            COUNT.with(|c| c.set(c.get() + 1));
            // SAFETY: same contract as the caller's.
            unsafe { System.realloc(ptr, layout, size) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;

    /// Allocations made by this thread while running `f`.
    pub fn count(f: impl FnOnce()) -> u64 {
        let before = COUNT.with(Cell::get);
        f();
        COUNT.with(Cell::get) - before
    }

    /// A sink that keeps nothing.
    #[derive(Default)]
    pub struct Discard {
        /// Records seen.
        pub records: u64,
    }

    impl crate::parse::sink::Sink for Discard {
        fn record(&mut self, r: crate::record::UsageRecord<'_>) {
            assert!(!r.tokens.is_zero());
            self.records += 1;
        }
        fn malformed(&mut self, reason: crate::record::Reason) {
            panic!("{reason}");
        }
        fn ignored(&mut self, _why: crate::record::Ignored) {}
        fn blank(&mut self) {}
        fn duplicate(&mut self) {}
    }
}
