//! The tables and the text of the report page: every group (the rows of
//! `--format csv`, the first [`MAX_ROWS`] of them), the totals, the
//! accounting line with malformed reasons, the unattributed shares, the
//! unpriced models and the inputs read. Everything from the logs goes
//! through [`escape::text`].

use std::fmt::Write as _;

use super::escape::text;
use crate::money::{percent, Money};
use crate::render::summary::thousands;
use crate::report::{Report, Totals, UNATTRIBUTED};

/// Rows of the group table; the rest are counted, and all are in the
/// embedded JSON.
pub const MAX_ROWS: usize = 500;

/// Inputs listed by name; the rest are counted.
pub const MAX_INPUTS: usize = 500;

/// A dimension value as the CSV writes it.
pub fn value(v: &Option<String>) -> String {
    text(v.as_deref().unwrap_or(UNATTRIBUTED))
}

/// A cost cell: six decimals, as in the CSV, never `$0` for what could
/// not be priced.
pub fn cost_cell(t: &Totals) -> String {
    if t.unpriced_requests > 0 && t.unpriced_requests == t.requests && t.cost == Money::ZERO {
        return "<span class=\"unpriced\">unpriced</span>".into();
    }
    let mut s = t.cost.to_usd_string(6);
    if t.unpriced_requests > 0 {
        let _ = write!(
            s,
            "<br><span class=\"unpriced\">+ {} unpriced requests</span>",
            thousands(t.unpriced_requests)
        );
    }
    s
}

/// The group table, with a total row.
pub fn groups(r: &Report, out: &mut String) {
    let allocated = r.allocated.as_ref();
    out.push_str("<div class=\"scroll\"><table id=\"groups\"><thead><tr>");
    for d in &r.dims {
        let _ = write!(out, "<th>{}</th>", d.name());
    }
    for h in [
        "requests",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "cost_usd",
        "share",
    ] {
        let _ = write!(out, "<th class=\"n\">{h}</th>");
    }
    if allocated.is_some() {
        out.push_str("<th class=\"n\">allocated_cost_usd (estimate)</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, g) in r.groups.iter().take(MAX_ROWS).enumerate() {
        out.push_str("<tr>");
        for v in &g.values {
            let _ = write!(out, "<td>{}</td>", value(v));
        }
        metric_cells(&g.totals, &r.totals, out);
        if let Some(a) = allocated {
            let _ = write!(out, "<td class=\"n\">{}</td>", a[i].to_usd_string(6));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody><tfoot><tr>");
    let _ = write!(
        out,
        "<td colspan=\"{}\">total ({} groups)</td>",
        r.dims.len().max(1),
        thousands(r.groups.len() as u128)
    );
    metric_cells(&r.totals, &r.totals, out);
    if allocated.is_some() {
        out.push_str("<td></td>");
    }
    out.push_str("</tr></tfoot></table></div>\n");
    if r.groups.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"note\" id=\"more-groups\">The table shows the {} costliest groups; {} more are in the embedded JSON (and in <code>--format csv</code>).</p>",
            MAX_ROWS,
            thousands((r.groups.len() - MAX_ROWS) as u128)
        );
    }
}

fn metric_cells(t: &Totals, all: &Totals, out: &mut String) {
    for n in [
        t.requests,
        t.input_tokens,
        t.output_tokens,
        t.cache_read_tokens,
        t.cache_write_tokens(),
    ] {
        let _ = write!(out, "<td class=\"n\">{}</td>", thousands(n));
    }
    let _ = write!(
        out,
        "<td class=\"n\">{}</td><td class=\"n\">{}%</td>",
        cost_cell(t),
        percent(t.cost.0, all.cost.0)
    );
}

/// The accounting: the line, malformed reasons and samples, the
/// unattributed shares, unpriced models, pricing notes, unreadable inputs.
pub fn accounting(r: &Report, out: &mut String) {
    let a = &r.accounting;
    let c = &a.counts;
    let _ = writeln!(
        out,
        "<p class=\"mono\" id=\"accounting\">lines: {} read = {} parsed + {} filtered + {} duplicate + {} malformed + {} blank + {} ignored</p>",
        thousands(c.lines_read.into()),
        thousands(c.parsed.into()),
        thousands(c.filtered.into()),
        thousands(c.duplicate.into()),
        thousands(c.malformed.into()),
        thousands(c.blank.into()),
        thousands(c.ignored.into()),
    );
    if c.malformed > 0 {
        out.push_str("<p>malformed:</p><ul>");
        for (reason, n) in &a.reasons {
            let _ = write!(out, "<li>{}: {}</li>", text(reason), thousands((*n).into()));
        }
        out.push_str("</ul><ul class=\"mono\">");
        for s in &a.samples {
            let _ = write!(
                out,
                "<li>{}:{}: {}</li>",
                text(&s.file),
                s.line,
                text(&s.reason)
            );
        }
        out.push_str("</ul>\n");
    }
    let cov = &r.coverage;
    out.push_str("<div class=\"scroll\"><table><thead><tr><th>unattributed</th><th class=\"n\">requests</th><th class=\"n\">tokens</th><th class=\"n\">cost_usd</th><th class=\"n\">share of cost</th></tr></thead><tbody>");
    for (name, t) in [("team", &cov.no_team), ("cost_center", &cov.no_cost_center)] {
        let _ = write!(
            out,
            "<tr><td>{name}</td><td class=\"n\">{} ({}%)</td><td class=\"n\">{} ({}%)</td><td class=\"n\">{}</td><td class=\"n\">{}%</td></tr>",
            thousands(t.requests),
            percent(t.requests, r.totals.requests),
            thousands(t.tokens()),
            percent(t.tokens(), r.totals.tokens()),
            t.cost.to_usd_string(6),
            percent(t.cost.0, r.totals.cost.0),
        );
    }
    out.push_str("</tbody></table></div>\n");
    unpriced(r, out);
    if cov.tier_fallback > 0 {
        let _ = writeln!(
            out,
            "<p>priced at the standard tier (no row for their tier): {} requests</p>",
            thousands(cov.tier_fallback)
        );
    }
    if cov.tier_skipped > 0 {
        let _ = writeln!(
            out,
            "<p>aggregated rows a long-context tier was not applied to: {}</p>",
            thousands(cov.tier_skipped)
        );
    }
    if !a.unreadable.is_empty() {
        out.push_str("<p>unreadable:</p><ul class=\"mono\">");
        for (p, e) in &a.unreadable {
            let _ = write!(out, "<li>{}: {}</li>", text(p), text(e));
        }
        out.push_str("</ul>\n");
    }
}

/// Unpriced models: requests and tokens, never a cost.
pub fn unpriced(r: &Report, out: &mut String) {
    let list = &r.coverage.unpriced;
    if list.is_empty() {
        out.push_str("<p id=\"unpriced\">Every model was priced.</p>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table id=\"unpriced\"><thead><tr><th>unpriced model (tokens counted, cost not known)</th><th class=\"n\">requests</th><th class=\"n\">tokens</th><th class=\"n\">cost</th></tr></thead><tbody>");
    for (model, requests, tokens) in list {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n unpriced\">not priced</td></tr>",
            model.as_deref().map_or_else(|| "(no model)".to_string(), text),
            thousands(*requests),
            thousands(*tokens)
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// The inputs read and their sources.
pub fn inputs(r: &Report, out: &mut String) {
    out.push_str(
        "<table id=\"inputs\"><thead><tr><th>input</th><th>source</th></tr></thead><tbody>",
    );
    for (file, source) in r.sources.iter().take(MAX_INPUTS) {
        let _ = write!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td></tr>",
            text(file),
            text(source)
        );
    }
    out.push_str("</tbody></table></div>\n");
    if r.sources.len() > MAX_INPUTS {
        let _ = writeln!(
            out,
            "<p class=\"note\">and {} more inputs (all in the embedded JSON).</p>",
            thousands((r.sources.len() - MAX_INPUTS) as u128)
        );
    }
}
