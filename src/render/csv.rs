//! `--format csv`: the public CSV contract of docs/design.md, to the letter.
//! Columns: the `--by` dimensions as given, then `requests, input_tokens,
//! output_tokens, cache_read_tokens, cache_write_tokens, cost_usd`; cost with
//! exactly six decimals; `(unattributed)` for a missing value; sorted by
//! cost descending then dimensions ascending; no total row; formula guard.
//! `allocated_cost_usd` (when asked for) and `unpriced_requests` are
//! appended after them, in that order: the requests of the group that no
//! rate-card row priced, whose cost is not in `cost_usd`. With
//! `--show-reported`, `reported_cost_usd` and `difference_usd` come next;
//! with `--explain-difference`, the five causes of the difference last
//! ([`super::explained::CSV_COLUMNS`]).

use std::io::{self, Write};

use super::renderer::Renderer;
use super::sanitize;
use crate::report::Report;
use crate::report::UNATTRIBUTED;

/// The CSV renderer.
pub struct Csv;

/// The columns `--show-reported` appends, last: the cost the sources
/// state and llmspend's cost minus it; both empty for a group whose
/// records state no cost.
pub const RECONCILE: [&str; 2] = ["reported_cost_usd", "difference_usd"];

/// The metric columns, after the dimensions.
pub const METRICS: [&str; 6] = [
    "requests",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
];

impl Renderer for Csv {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let header = report
            .dims
            .iter()
            .map(|d| d.name())
            .chain(METRICS)
            .chain(report.allocated.as_ref().map(|_| "allocated_cost_usd"))
            .chain(["unpriced_requests"])
            .chain(
                RECONCILE
                    .iter()
                    .copied()
                    .filter(|_| report.reconcile.is_some()),
            )
            .chain(
                super::explained::CSV_COLUMNS
                    .iter()
                    .copied()
                    .filter(|_| report.reconcile.is_some_and(|o| o.explain)),
            );
        // Rows are written into one buffer, flushed every 64 KiB: a report
        // can have millions of rows, and numbers never need quotes.
        let mut buf = String::with_capacity(FLUSH_AT + 4096);
        for (i, name) in header.enumerate() {
            if i > 0 {
                buf.push(',');
            }
            push_field(&mut buf, name);
        }
        buf.push('\n');
        let mut cell = String::new();
        for (i, g) in report.groups.iter().enumerate() {
            for v in &g.values {
                cell.clear();
                sanitize::push_csv_cell(&mut cell, v.as_deref().unwrap_or(UNATTRIBUTED));
                push_field(&mut buf, &cell);
                buf.push(',');
            }
            let t = &g.totals;
            let counts = [
                t.requests,
                t.input_tokens,
                t.output_tokens,
                t.cache_read_tokens,
                t.cache_write_tokens(),
            ];
            for n in counts {
                crate::money::push_uint(&mut buf, n);
                buf.push(',');
            }
            t.cost.push_usd(6, &mut buf);
            buf.push(',');
            if let Some(a) = &report.allocated {
                a[i].push_usd(6, &mut buf);
                buf.push(',');
            }
            crate::money::push_uint(&mut buf, t.unpriced_requests);
            if report.reconcile.is_some() {
                // Empty when no record of the group stated a cost.
                buf.push(',');
                if let (Some(r), Some(d)) = (t.reported(), t.difference()) {
                    r.push_usd(6, &mut buf);
                    buf.push(',');
                    buf.push_str(&crate::money::signed_usd(d, 6));
                } else {
                    buf.push(',');
                }
                if report.reconcile.is_some_and(|o| o.explain) {
                    super::explained::push_csv(report, t, &mut buf);
                }
            }
            buf.push('\n');
            if buf.len() >= FLUSH_AT {
                out.write_all(buf.as_bytes())?;
                buf.clear();
            }
        }
        out.write_all(buf.as_bytes())?;
        out.flush()
    }
}

/// How much of the output is gathered before each write.
const FLUSH_AT: usize = 64 << 10;

/// Appends one field as the `csv` crate writes it by default: in double
/// quotes (inner quotes doubled) when it holds a comma, a quote, CR or LF;
/// as it is otherwise.
fn push_field(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::push_field;

    #[test]
    fn fields_are_quoted_exactly_as_the_csv_crate_quotes_them() {
        let cases = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\rhere",
            "'=1+2",
            " spaced ",
            "ünï",
            "\"",
            ",",
            "semi;colon",
            "tab\there",
        ];
        for text in cases {
            let mut ours = String::new();
            push_field(&mut ours, text);
            ours.push_str(",x\n");
            let mut w = ::csv::WriterBuilder::new()
                .terminator(::csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            w.write_record([text, "x"]).unwrap();
            let theirs = String::from_utf8(w.into_inner().unwrap()).unwrap();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }
}
