//! The report page: headline figures (total, unattributed by team and
//! cost_center, unpriced), the charts, every group, the accounting and the
//! inputs, then the embedded `--format json`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::charts::{self, Bar, Ranked, Series, Stacked};
use super::escape::text;
use super::style;
use super::tables;
use crate::dimension::Dimension;
use crate::money::{percent, Money};
use crate::record::Field;
use crate::render::renderer::Renderer;
use crate::render::summary::thousands;
use crate::report::{Report, Totals, UNATTRIBUTED};

/// What the charts are drawn from, beside the report.
pub struct Charts<'a> {
    /// The same logs grouped by the first `--by` dimension and `day` (or
    /// by `day` alone when the first dimension is `day`), with the
    /// unattributed offenders for team and cost_center grouped by
    /// service and api_key.
    pub daily: &'a Report,
    /// The same logs grouped by the first `--by` dimension alone.
    pub by_first: &'a Report,
}

/// Values of the first dimension drawn as bars; the rest are one "other".
const TOP_BARS: usize = 12;
/// Series of the per-day chart; the rest are one "other".
const TOP_SERIES: usize = charts::SERIES.len();
/// Offenders drawn per field.
const TOP_OFFENDERS: usize = 8;

/// Writes the page.
pub fn write(report: &Report, charts: Option<&Charts<'_>>, out: &mut dyn Write) -> io::Result<()> {
    let mut json = Vec::new();
    crate::render::json::Json.render(report, &mut json)?;
    let mut s = String::with_capacity(64 * 1024 + json.len() * 11 / 10);
    s.push_str(style::HEAD_START);
    let by: Vec<&str> = report.dims.iter().map(|d| d.name()).collect();
    let _ = writeln!(s, "<title>LLM spend by {}</title>", by.join(", "));
    s.push_str(style::CSS);
    s.push_str("</head>\n<body>\n");
    header(report, &by, &mut s);
    cards(report, &mut s);
    match charts {
        Some(c) => figures(report, c, &mut s),
        None => s.push_str(
            "<p class=\"note\">No charts: the renderer was not given the per-day figures.</p>\n",
        ),
    }
    s.push_str("<h2 id=\"all-groups\">Every group</h2>\n");
    tables::groups(report, &mut s);
    s.push_str("<h2>Accounting</h2>\n");
    tables::accounting(report, &mut s);
    s.push_str("<h2>Inputs read</h2>\n");
    tables::inputs(report, &mut s);
    s.push_str("<p class=\"note\">The machine-readable report (<code>--format json</code>) is embedded in this file as <code>script#llmspend-report</code>. Costs are exact, rounded once (half-even) for display; unpriced models are never counted as $0.</p>\n");
    style::tail("llmspend-report", &json, &mut s);
    out.write_all(s.as_bytes())
}

fn header(r: &Report, by: &[&str], s: &mut String) {
    let _ = writeln!(
        s,
        "<h1>LLM spend by {}</h1>\n<p class=\"sub\">{} requests in {} groups from {} inputs · {} lines read · made by llmspend</p>",
        text(&by.join(", ")),
        thousands(r.totals.requests),
        thousands(r.groups.len() as u128),
        thousands(r.sources.len() as u128),
        thousands(r.accounting.counts.lines_read.into()),
    );
}

fn usd2(m: Money) -> String {
    format!("${}", m.to_usd_string(2))
}

fn cards(r: &Report, s: &mut String) {
    let c = &r.coverage;
    s.push_str("<div class=\"cards\">");
    let _ = write!(
        s,
        "<div class=\"card\" id=\"total-cost\"><div class=\"v\">{}</div><div class=\"k\">total priced cost (exact: ${})</div></div>",
        usd2(r.totals.cost),
        r.totals.cost.to_usd_string(6)
    );
    for (name, t) in [("team", &c.no_team), ("cost center", &c.no_cost_center)] {
        let _ = write!(
            s,
            "<div class=\"card{}\"><div class=\"v\">{} <small>({}%)</small></div><div class=\"k\">cost with no {name} ({} requests)</div></div>",
            if t.cost > Money::ZERO { " warn" } else { "" },
            usd2(t.cost),
            percent(t.cost.0, r.totals.cost.0),
            thousands(t.requests),
        );
    }
    let unpriced: u128 = c.unpriced.iter().map(|u| u.1).sum();
    let _ = write!(
        s,
        "<div class=\"card{}\"><div class=\"v\">{}</div><div class=\"k\">unpriced requests in {} models (cost unknown, not $0)</div></div>",
        if unpriced > 0 { " warn" } else { "" },
        thousands(unpriced),
        c.unpriced.len()
    );
    s.push_str("</div>\n");
}

fn figure(svg: String, caption: &str, class: &str, s: &mut String) {
    let _ = writeln!(
        s,
        "<figure class=\"{class}\">{svg}<figcaption>{caption}</figcaption></figure>"
    );
}

fn show(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or(UNATTRIBUTED)
}

fn figures(r: &Report, c: &Charts<'_>, s: &mut String) {
    s.push_str("<div class=\"grid\">\n");
    let first = c.by_first.dims.first().copied().unwrap_or(Dimension::Team);
    by_first(r, c.by_first, first, s);
    attribution(r, s);
    daily(c, first, s);
    for field in [Field::Team, Field::CostCenter] {
        offenders(c.daily, field, s);
    }
    unpriced(r, s);
    s.push_str("</div>\n");
}

fn by_first(r: &Report, by: &Report, first: Dimension, s: &mut String) {
    let total = r.totals.cost;
    let priced: Vec<_> = by
        .groups
        .iter()
        .filter(|g| g.totals.cost > Money::ZERO)
        .collect();
    let mut bars: Vec<Bar> = priced
        .iter()
        .take(TOP_BARS)
        .map(|g| Bar {
            label: show(&g.values[0]).to_string(),
            value: charts::micros(g.totals.cost),
            note: format!(
                "${} · {}%",
                g.totals.cost.to_usd_string(2),
                percent(g.totals.cost.0, total.0)
            ),
        })
        .collect();
    if priced.len() > TOP_BARS {
        let mut rest = Totals::default();
        for g in &priced[TOP_BARS..] {
            rest.merge(&g.totals);
        }
        bars.push(Bar {
            label: format!("other ({} more)", priced.len() - TOP_BARS),
            value: charts::micros(rest.cost),
            note: format!(
                "${} · {}%",
                rest.cost.to_usd_string(2),
                percent(rest.cost.0, total.0)
            ),
        });
    }
    let title = format!("Cost by {first}");
    // The colours of the per-day chart's series, so a value keeps its
    // colour across charts; every bar is labelled too.
    let colors: Vec<_> = priced
        .iter()
        .take(TOP_BARS)
        .enumerate()
        .map(|(i, g)| series_color(i, &g.values[0]))
        .chain([charts::OTHER])
        .collect();
    let svg = charts::ranked(&Ranked {
        title: &title,
        x_desc: "cost (USD)",
        y_desc: first.name(),
        bars: &bars,
        money: true,
        colors: &colors,
    });
    figure(
        svg,
        &format!("Priced cost by {first}, largest first, with each one's share of the total. {} is cost with no {first}.", UNATTRIBUTED),
        "",
        s,
    );
}

/// The colour of the value ranked `i` (from 0) by cost.
fn series_color(i: usize, v: &Option<String>) -> charts::RGBColor {
    match (v, charts::SERIES.get(i)) {
        (None, _) => charts::UNOWNED,
        (Some(_), Some(c)) => *c,
        (Some(_), None) => charts::OTHER,
    }
}

fn attribution(r: &Report, s: &mut String) {
    let c = &r.coverage;
    let total = r.totals.cost;
    let mut bars = Vec::new();
    for (name, missing) in [("team", &c.no_team), ("cost_center", &c.no_cost_center)] {
        let owned = Money(total.0.saturating_sub(missing.cost.0));
        for (what, m) in [("attributed", owned), ("unattributed", missing.cost)] {
            bars.push(Bar {
                label: format!("{name}: {what}"),
                value: charts::micros(m),
                note: format!("${} · {}%", m.to_usd_string(2), percent(m.0, total.0)),
            });
        }
    }
    let svg = charts::ranked(&Ranked {
        title: "Attributed vs unattributed cost by team and cost_center",
        x_desc: "cost (USD)",
        y_desc: "field",
        bars: &bars,
        money: true,
        colors: &[charts::OWNED, charts::UNOWNED],
    });
    figure(
        svg,
        "How much of the priced cost carries a team and a cost center (blue) and how much nobody owns (vermillion).",
        "",
        s,
    );
}

fn daily(c: &Charts<'_>, first: Dimension, s: &mut String) {
    let d = c.daily;
    let Some(day_at) = d.dims.iter().position(|x| *x == Dimension::Day) else {
        return;
    };
    let stack_at = d.dims.iter().position(|x| *x != Dimension::Day);
    let mut days: Vec<String> = d
        .groups
        .iter()
        .filter_map(|g| g.values[day_at].clone())
        .collect();
    days.sort();
    days.dedup();
    // Series: the costliest values of the first dimension, then "other".
    let top: Vec<Option<String>> = match stack_at {
        Some(_) => c
            .by_first
            .groups
            .iter()
            .filter(|g| g.totals.cost > Money::ZERO)
            .take(TOP_SERIES)
            .map(|g| g.values[0].clone())
            .collect(),
        None => Vec::new(),
    };
    let mut series: Vec<Series> = top
        .iter()
        .enumerate()
        .map(|(i, v)| Series {
            name: show(v).to_string(),
            per_day: vec![0; days.len()],
            color: series_color(i, v),
        })
        .collect();
    let mut other = Series {
        name: if stack_at.is_some() {
            "other".into()
        } else {
            "all".into()
        },
        per_day: vec![0; days.len()],
        color: charts::OTHER,
    };
    let mut cost_of = vec![Money::ZERO; top.len() + 1];
    for g in &d.groups {
        let Some(day) = &g.values[day_at] else {
            continue;
        };
        let Ok(at) = days.binary_search(day) else {
            continue;
        };
        let k = stack_at
            .and_then(|i| top.iter().position(|t| *t == g.values[i]))
            .unwrap_or(top.len());
        let target = if k < top.len() {
            &mut series[k]
        } else {
            &mut other
        };
        target.per_day[at] += charts::micros(g.totals.cost);
        cost_of[k] += g.totals.cost;
    }
    let has_other = other.per_day.iter().any(|v| *v > 0);
    if has_other || series.is_empty() {
        series.push(other);
    }
    let title = match stack_at {
        Some(_) => format!("Cost per day by {first}"),
        None => "Cost per day".to_string(),
    };
    let svg = charts::stacked(&Stacked {
        title: &title,
        days: &days,
        series: &series,
    });
    let mut legend = String::from("<ul class=\"legend\">");
    for (i, x) in series.iter().enumerate() {
        let k = if i < top.len() { i } else { top.len() };
        let _ = write!(
            legend,
            "<li><span class=\"sw\" style=\"background:{}\"></span>{} ${}</li>",
            charts::hex(x.color),
            text(&x.name),
            cost_of[k].to_usd_string(2)
        );
    }
    legend.push_str("</ul>");
    figure(
        svg,
        &format!("{legend}Priced cost per day, stacked bottom to top in the order listed: the {} costliest values of {first}, then all others.", top.len()),
        "wide",
        s,
    );
}

fn offenders(d: &Report, field: Field, s: &mut String) {
    let cov = &d.coverage;
    let Some(f) = cov.required.iter().find(|f| f.field == field) else {
        return;
    };
    if f.missing.requests == 0 {
        return;
    }
    let dims = &cov.offender_dims;
    let bars: Vec<Bar> = f
        .offenders
        .iter()
        .take(TOP_OFFENDERS)
        .map(|g| Bar {
            label: g.values.iter().map(show).collect::<Vec<_>>().join(" · "),
            value: charts::micros(g.totals.cost),
            note: format!(
                "${} · {}% · {} req",
                g.totals.cost.to_usd_string(2),
                percent(g.totals.cost.0, f.missing.cost.0),
                thousands(g.totals.requests)
            ),
        })
        .collect();
    let by: Vec<&str> = dims.iter().map(|d| d.name()).collect();
    let title = format!("Who sends cost with no {field}");
    let svg = charts::ranked(&Ranked {
        title: &title,
        x_desc: "unattributed cost (USD)",
        y_desc: &by.join(", "),
        bars: &bars,
        money: true,
        colors: &[charts::UNOWNED],
    });
    figure(
        svg,
        &format!(
            "The {} senders of the most cost without a {field}, by {}; share of the ${} without one.",
            bars.len(),
            by.join(" and "),
            f.missing.cost.to_usd_string(2)
        ),
        "",
        s,
    );
}

fn unpriced(r: &Report, s: &mut String) {
    let list = &r.coverage.unpriced;
    if list.is_empty() {
        return;
    }
    let bars: Vec<Bar> = list
        .iter()
        .take(TOP_BARS)
        .map(|(m, req, tok)| Bar {
            label: m.clone().unwrap_or_else(|| "(no model)".into()),
            value: *req,
            note: format!(
                "{} req · {} tokens · no price",
                thousands(*req),
                thousands(*tok)
            ),
        })
        .collect();
    let svg = charts::ranked(&Ranked {
        title: "Unpriced models: requests (cost unknown, not $0)",
        x_desc: "requests",
        y_desc: "model",
        bars: &bars,
        money: false,
        colors: &[charts::UNPRICED],
    });
    figure(
        svg,
        "Models no rate-card row prices: their tokens are counted, their cost is not guessed. Add a row with --rates.",
        "",
        s,
    );
}
