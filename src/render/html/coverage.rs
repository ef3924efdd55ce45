//! `coverage --format html`: per required field the unattributed share,
//! attributed against unattributed cost, who sends the most of it (chart
//! and table), the gates, how owners were found, unpriced models and the
//! accounting; the embedded `coverage --format json`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::charts::{self, Bar, Ranked};
use super::escape::text;
use super::style;
use super::tables;
use crate::money::{percent, Money};
use crate::render::summary::thousands;
use crate::report::{FieldCoverage, Report, Verdict, UNATTRIBUTED};

/// Offenders drawn in a chart (the table shows `--top`).
const TOP_OFFENDERS: usize = 10;

/// What the coverage page shows: the fields of `render::coverage::View`
/// and the text of `coverage --format json`, to embed.
pub struct View<'a> {
    /// The report.
    pub report: &'a Report,
    /// Gate results.
    pub verdicts: &'a [Verdict],
    /// Offenders listed per field.
    pub top: usize,
    /// `coverage --format json` for the same report.
    pub json: &'a [u8],
}

/// Writes the coverage page.
pub fn write(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let json = view.json;
    let r = view.report;
    let mut s = String::with_capacity(32 * 1024 + json.len() * 11 / 10);
    s.push_str(style::HEAD_START);
    s.push_str("<title>LLM spend: attribution coverage</title>\n");
    s.push_str(style::CSS);
    s.push_str("</head>\n<body>\n<h1>Attribution coverage</h1>\n");
    let _ = writeln!(
        s,
        "<p class=\"sub\">{} requests, ${} priced cost, from {} inputs · made by llmspend</p>",
        thousands(r.totals.requests),
        r.totals.cost.to_usd_string(2),
        thousands(r.sources.len() as u128)
    );
    s.push_str("<div class=\"cards\">");
    for f in &r.coverage.required {
        let _ = write!(
            s,
            "<div class=\"card{}\"><div class=\"v\">${} <small>({}%)</small></div><div class=\"k\">cost with no {} ({} requests, {}%)</div></div>",
            if f.missing.cost > Money::ZERO { " warn" } else { "" },
            f.missing.cost.to_usd_string(2),
            percent(f.missing.cost.0, r.totals.cost.0),
            f.field,
            thousands(f.missing.requests),
            percent(f.missing.requests, r.totals.requests),
        );
    }
    s.push_str("</div>\n");
    for f in &r.coverage.required {
        field(view, f, &mut s);
    }
    let failed: Vec<_> = view.verdicts.iter().filter(|v| !v.passed).collect();
    s.push_str("<h2>Gates</h2>\n");
    if view.verdicts.is_empty() {
        s.push_str("<p>No gate was asked for.</p>\n");
    }
    s.push_str("<ul>");
    for v in view.verdicts {
        let _ = write!(
            s,
            "<li>{} {}: {}</li>",
            v.gate,
            if v.passed {
                "ok"
            } else {
                "<strong class=\"unpriced\">FAILED</strong>"
            },
            text(&v.message)
        );
    }
    let _ = writeln!(s, "</ul><p class=\"note\">{} failed.</p>", failed.len());
    owners(r, &mut s);
    s.push_str("<h2>Unpriced models</h2>\n");
    tables::unpriced(r, &mut s);
    s.push_str("<h2>Accounting</h2>\n");
    tables::accounting(r, &mut s);
    s.push_str("<h2>Inputs read</h2>\n");
    tables::inputs(r, &mut s);
    style::tail("llmspend-coverage", json, &mut s);
    out.write_all(s.as_bytes())
}

fn show(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or(UNATTRIBUTED)
}

fn field(view: &View<'_>, f: &FieldCoverage, s: &mut String) {
    let r = view.report;
    let dims = &r.coverage.offender_dims;
    let _ = writeln!(s, "<h2>{}</h2>\n<div class=\"grid\">", f.field);
    let total = r.totals.cost;
    let owned = Money(total.0.saturating_sub(f.missing.cost.0));
    let bars: Vec<Bar> = [("attributed", owned), ("unattributed", f.missing.cost)]
        .into_iter()
        .map(|(what, m)| Bar {
            label: format!("{}: {what}", f.field),
            value: charts::micros(m),
            note: format!("${} · {}%", m.to_usd_string(2), percent(m.0, total.0)),
        })
        .collect();
    let title = format!("Attributed vs unattributed cost: {}", f.field);
    let svg = charts::ranked(&Ranked {
        title: &title,
        x_desc: "cost (USD)",
        y_desc: f.field.name(),
        bars: &bars,
        money: true,
        colors: &[charts::OWNED, charts::UNOWNED],
    });
    let _ = writeln!(s, "<figure>{svg}<figcaption>Priced cost with a {0} (blue) and without one (vermillion).</figcaption></figure>", f.field);
    if !f.offenders.is_empty() && !dims.is_empty() {
        let label =
            |values: &[Option<String>]| values.iter().map(show).collect::<Vec<_>>().join(" · ");
        let bars: Vec<Bar> = f
            .offenders
            .iter()
            .take(TOP_OFFENDERS)
            .map(|g| Bar {
                label: label(&g.values),
                value: charts::micros(g.totals.cost),
                note: format!(
                    "${} · {} req",
                    g.totals.cost.to_usd_string(2),
                    thousands(g.totals.requests)
                ),
            })
            .collect();
        let by: Vec<&str> = dims.iter().map(|d| d.name()).collect();
        let title = format!("Who sends cost with no {}", f.field);
        let svg = charts::ranked(&Ranked {
            title: &title,
            x_desc: "unattributed cost (USD)",
            y_desc: &by.join(", "),
            bars: &bars,
            money: true,
            colors: &[charts::UNOWNED],
        });
        let _ = writeln!(s, "<figure>{svg}<figcaption>The senders of the most cost without a {}, by {}.</figcaption></figure>", f.field, by.join(" and "));
    }
    s.push_str("</div>\n");
    if let Some(v) = view.verdicts.iter().find(|v| v.field == Some(f.field)) {
        let _ = writeln!(
            s,
            "<p>gate: {}: {}</p>",
            if v.passed {
                "ok"
            } else {
                "<strong class=\"unpriced\">FAILED</strong>"
            },
            text(&v.message)
        );
    }
    if f.offenders.is_empty() || dims.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<div class=\"scroll\"><table class=\"offenders\"><thead><tr>"
    );
    for d in dims {
        let _ = write!(s, "<th>{d}</th>");
    }
    s.push_str("<th class=\"n\">requests</th><th class=\"n\">cost_usd</th><th class=\"n\">share of unattributed requests</th></tr></thead><tbody>");
    for g in f.offenders.iter().take(view.top) {
        s.push_str("<tr>");
        for v in &g.values {
            let _ = write!(s, "<td>{}</td>", tables::value(v));
        }
        let _ = write!(
            s,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}%</td></tr>",
            thousands(g.totals.requests),
            tables::cost_cell(&g.totals),
            percent(g.totals.requests, f.missing.requests)
        );
    }
    s.push_str("</tbody></table></div>\n");
    if f.offenders.len() > view.top {
        let _ = writeln!(
            s,
            "<p class=\"note\">and {} more (raise --top to list them).</p>",
            thousands((f.offenders.len() - view.top) as u128)
        );
    }
}

fn owners(r: &Report, s: &mut String) {
    let c = &r.coverage;
    if !c.owners_used {
        return;
    }
    let total = r.totals.cost.0;
    let mut none = r.totals.clone();
    none.subtract(&c.by_request);
    none.subtract(&c.by_map);
    s.push_str("<h2>How owners were found</h2>\n<ul>");
    for (what, t) in [
        ("by request", &c.by_request),
        ("by ownership map", &c.by_map),
        ("not found", &none),
    ] {
        let _ = write!(
            s,
            "<li>{what}: ${} ({}%), {} requests</li>",
            t.cost.to_usd_string(6),
            percent(t.cost.0, total),
            thousands(t.requests)
        );
    }
    for row in &c.stale_owners {
        let _ = write!(
            s,
            "<li>stale ownership row (matched nothing): <code>{}</code></li>",
            text(row)
        );
    }
    s.push_str("</ul>\n");
}
