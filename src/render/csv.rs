//! `--format csv`: the public CSV contract of docs/design.md, to the letter.
//! Columns: the `--by` dimensions as given, then `requests, input_tokens,
//! output_tokens, cache_read_tokens, cache_write_tokens, cost_usd`; cost with
//! exactly six decimals; `(unattributed)` for a missing value; sorted by
//! cost descending then dimensions ascending; no total row; formula guard.
//! `allocated_cost_usd` (when asked for) and `unpriced_requests` are
//! appended after them, in that order: the requests of the group that no
//! rate-card row priced, whose cost is not in `cost_usd`.

use std::io::{self, Write};

use super::renderer::Renderer;
use super::sanitize;
use crate::report::Report;
use crate::report::UNATTRIBUTED;

/// The CSV renderer.
pub struct Csv;

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
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .from_writer(out);
        let header: Vec<&str> = report
            .dims
            .iter()
            .map(|d| d.name())
            .chain(METRICS)
            .chain(report.allocated.as_ref().map(|_| "allocated_cost_usd"))
            .chain(["unpriced_requests"])
            .collect();
        w.write_record(&header)?;
        for (i, g) in report.groups.iter().enumerate() {
            let mut row: Vec<String> = g
                .values
                .iter()
                .map(|v| sanitize::csv_cell(v.as_deref().unwrap_or(UNATTRIBUTED)).into_owned())
                .collect();
            let t = &g.totals;
            row.extend([
                t.requests.to_string(),
                t.input_tokens.to_string(),
                t.output_tokens.to_string(),
                t.cache_read_tokens.to_string(),
                t.cache_write_tokens().to_string(),
                t.cost.to_usd_string(6),
            ]);
            if let Some(a) = &report.allocated {
                row.push(a[i].to_usd_string(6));
            }
            row.push(t.unpriced_requests.to_string());
            w.write_record(&row)?;
        }
        w.flush()
    }
}
