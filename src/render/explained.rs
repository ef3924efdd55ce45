//! `--explain-difference` for people and spreadsheets: the lines under the
//! summary (table, Markdown, and the stderr summary of data formats) and
//! the CSV's appended columns (docs/reconcile.md). Amounts are rounded to
//! six decimals so that the shown parts add up to the shown difference;
//! JSON gives them exact.

use super::sanitize::terminal;
use crate::report::explain::{round_parts, PriceRowSums};
use crate::report::reconcile::dollars;
use crate::report::{Causes, Report, Totals, UNATTRIBUTED};

/// The columns `--explain-difference` appends to the CSV, after
/// `difference_usd`: empty for a group within the tolerance or without a
/// stated cost.
pub const CSV_COLUMNS: [&str; 5] = [
    "price_basis_usd",
    "cache_semantics_usd",
    "unpriced_usd",
    "rounding_usd",
    "unexplained_usd",
];

/// The parts of a group's difference rounded for display (six decimals,
/// adding up to the difference as shown), `None` when not explained.
pub fn shown_parts(report: &Report, t: &Totals) -> Option<[i128; 5]> {
    let parts = report.reconcile?.explained(t)?;
    Some(round_parts(parts, 6))
}

/// Appends the CSV cells (with their leading commas).
pub fn push_csv(report: &Report, t: &Totals, buf: &mut String) {
    match shown_parts(report, t) {
        Some(parts) => {
            for p in parts {
                buf.push(',');
                buf.push_str(&crate::money::signed_usd(p, 6));
            }
        }
        None => buf.push_str(",,,,,"),
    }
}

/// The lines under the summary: one per explained group, then one per
/// rate-card row whose records the sources priced otherwise.
pub fn lines(report: &Report) -> Vec<String> {
    let Some(opts) = report.reconcile.filter(|o| o.explain) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut within = 0usize;
    for g in &report.groups {
        let t = &g.totals;
        let Some(d) = t.difference() else { continue };
        let Some(parts) = shown_parts(report, t) else {
            within += 1;
            continue;
        };
        let label: Vec<String> = report
            .dims
            .iter()
            .zip(&g.values)
            .map(|(dim, v)| {
                format!(
                    "{}={}",
                    dim.name(),
                    terminal(v.as_deref().unwrap_or(UNATTRIBUTED))
                )
            })
            .collect();
        let causes: Vec<String> = Causes::NAMES
            .iter()
            .zip(parts)
            .filter(|(_, p)| *p != 0)
            .map(|(n, p)| format!("{} {}", n.replace('_', " "), dollars(p)))
            .collect();
        out.push(format!(
            "difference of {}: {} = {}",
            label.join(", "),
            dollars(crate::report::explain::round_parts([d], 6)[0]),
            if causes.is_empty() {
                "$0.000000".to_string()
            } else {
                causes.join(" + ")
            }
        ));
    }
    out.push(format!(
        "groups with a stated cost within the tolerance ({}), not explained: {within}",
        tolerance_text(&opts.tolerance)
    ));
    for (row, sums) in &report.coverage.price_rows {
        out.push(price_row_line(row, sums));
    }
    out
}

/// The tolerance as given: `$0.010000 or 1.00%`.
pub fn tolerance_text(t: &crate::report::reconcile::Tolerance) -> String {
    let usd = t.usd.map(|u| format!("${}", u.to_usd_string(6)));
    let pct = t
        .basis_points
        .map(|bp| format!("{}.{:02}% of the reported cost", bp / 100, bp % 100));
    [usd, pct]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" or ")
}

/// One rate-card row of the price basis, both sides.
pub fn price_row_line(row: &str, s: &PriceRowSums) -> String {
    let source = match s.implied_rate() {
        Some((kind, rate)) => format!(
            "the source's cost implies ${} per MTok of {kind}",
            crate::money::Money(rate).to_usd_string(6)
        ),
        None => "the source's per-token rates cannot be derived exactly (several token kinds)"
            .to_string(),
    };
    let ratio = s
        .ratio()
        .map(|r| format!(" ({r} times llmspend's)"))
        .unwrap_or_default();
    format!(
        "price basis: {} priced by llmspend's row {}: llmspend ${}, the source ${}{ratio}; {}",
        match s.records {
            1 => "1 request".to_string(),
            n => format!("{n} requests"),
        },
        terminal(row),
        crate::money::Money(s.priced).to_usd_string(6),
        crate::money::Money(s.reported).to_usd_string(6),
        source
    )
}
