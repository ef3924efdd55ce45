//! `--format csv`: the public CSV contract of docs/design.md, to the letter.
//! Columns: the `--by` dimensions as given, then `requests, input_tokens,
//! output_tokens, cache_read_tokens, cache_write_tokens, cost_usd`; cost with
//! exactly six decimals; `(unattributed)` for a missing value; sorted by
//! cost descending then dimensions ascending; no total row; formula guard.
//! `allocated_cost_usd` (when asked for) and `unpriced_requests` are
//! appended after them, in that order: the requests of the group that no
//! rate-card row priced, whose cost is not in `cost_usd`. With
//! `--show-reported`, `reported_cost_usd` and `difference_usd` come last.

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
            .chain(
                RECONCILE
                    .iter()
                    .copied()
                    .filter(|_| report.reconcile.is_some()),
            )
            .collect();
        w.write_record(&header)?;
        // One set of cells reused for every row: a report can have millions.
        let mut cells: Vec<String> = vec![String::new(); header.len()];
        for (i, g) in report.groups.iter().enumerate() {
            for c in &mut cells {
                c.clear();
            }
            let (dims, metrics) = cells.split_at_mut(g.values.len());
            for (cell, v) in dims.iter_mut().zip(&g.values) {
                sanitize::push_csv_cell(cell, v.as_deref().unwrap_or(UNATTRIBUTED));
            }
            let t = &g.totals;
            let counts = [
                t.requests,
                t.input_tokens,
                t.output_tokens,
                t.cache_read_tokens,
                t.cache_write_tokens(),
            ];
            for (cell, n) in metrics.iter_mut().zip(counts) {
                crate::money::push_uint(cell, n);
            }
            t.cost.push_usd(6, &mut metrics[counts.len()]);
            let mut next = counts.len() + 1;
            if let Some(a) = &report.allocated {
                a[i].push_usd(6, &mut metrics[next]);
                next += 1;
            }
            crate::money::push_uint(&mut metrics[next], t.unpriced_requests);
            if report.reconcile.is_some() {
                // Empty when no record of the group stated a cost.
                if let (Some(r), Some(d)) = (t.reported(), t.difference()) {
                    r.push_usd(6, &mut metrics[next + 1]);
                    metrics[next + 2].push_str(&crate::money::signed_usd(d, 6));
                }
            }
            w.write_record(&cells)?;
        }
        w.flush()
    }
}
