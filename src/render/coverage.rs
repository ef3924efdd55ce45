//! The output of `llmspend coverage`: per required field the unattributed
//! share (requests, tokens, cost) and the top offenders, how owners were
//! found (request or ownership map), unpriced models, the line accounting
//! and the gates. Formats: table, json, csv, github (workflow commands for
//! GitHub Actions annotations) and junit (a test case per required field).
//!
//! CSV columns: `kind,field,value,<--by dims>,requests,tokens,cost_usd,
//! requests_pct,tokens_pct,cost_pct`, one row per
//! - `unattributed` (field = the required field),
//! - `offender` (field = the required field, the dims filled in),
//! - `attribution` (value = `request`, `map` or `none`),
//! - `inconsistent` (field, value = one spelling; requests only),
//! - `unpriced` (field = `model`, value = the model; cost empty).

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table as Grid};
use serde_json::{json, Map, Value};

use super::sanitize::{csv_cell, terminal};
use super::summary::{self, thousands};
use crate::money::percent;
use crate::report::{Report, Verdict};
use crate::report::{Totals, UNATTRIBUTED};

/// An output format of `coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CoverageFormat {
    /// Tables for people, with the summary and the gates.
    Table,
    /// One row per figure (see the module docs), for spreadsheets.
    Csv,
    /// One JSON object: fields, offenders, owners, gates, accounting.
    Json,
    /// `::error::`/`::warning::` lines for GitHub Actions.
    Github,
    /// JUnit XML, a test case per required field.
    Junit,
    /// One self-contained HTML page with charts, for people.
    Html,
}

impl CoverageFormat {
    /// Returns true if and only if the output is machine-readable data, so
    /// the summary belongs on stderr.
    pub fn is_data(self) -> bool {
        self != CoverageFormat::Table
    }
}

/// What a coverage rendering needs beside the report.
pub struct View<'a> {
    /// The merged report.
    pub report: &'a Report,
    /// Gate results, in `gate::evaluate` order.
    pub verdicts: &'a [Verdict],
    /// Offenders shown per field.
    pub top: usize,
}

impl View<'_> {
    fn verdict_of(&self, field: crate::record::Field) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.field == Some(field))
    }

    /// Records whose required fields are not all known.
    fn unattributed(&self) -> Totals {
        let c = &self.report.coverage;
        let mut none = self.report.totals.clone();
        none.subtract(&c.by_request);
        none.subtract(&c.by_map);
        none
    }
}

/// Renders in one of the coverage formats.
pub fn render(format: CoverageFormat, view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        CoverageFormat::Json => json(view, out),
        CoverageFormat::Csv => csv(view, out),
        CoverageFormat::Github => github(view, out),
        CoverageFormat::Junit => junit(view, out),
        CoverageFormat::Table => table(view, out),
        CoverageFormat::Html => {
            let mut json_text = Vec::new();
            json(view, &mut json_text)?;
            let page = super::html::coverage::View {
                report: view.report,
                verdicts: view.verdicts,
                top: view.top,
                json: &json_text,
            };
            super::html::coverage::write(&page, out)
        }
    }
}

/// True when a total has usage but no request count: it comes only from
/// aggregated provider rows that carry none (usage/cost exports, daily
/// tables; `UsageRecord::requests` is 0 for them), so "0 requests" would be
/// wrong: the count is unknown.
fn uncounted(t: &Totals) -> bool {
    t.requests == 0 && (t.tokens() > 0 || t.cost.0 > 0)
}

/// Explains `n/a` request counts, below a table that shows one.
const NA_NOTE: &str =
    "n/a: aggregated provider rows (usage and cost exports, daily tables) carry no request count";

fn share(part: &Totals, all: &Totals) -> String {
    let requests = if uncounted(part) {
        "n/a requests".to_string()
    } else {
        format!(
            "{} ({}%)",
            super::summary::requests(part.requests),
            percent(part.requests, all.requests)
        )
    };
    format!(
        "{requests}, {} tokens ({}%), ${} ({}%)",
        thousands(part.tokens()),
        percent(part.tokens(), all.tokens()),
        part.cost.to_usd_string(6),
        percent(part.cost.0, all.cost.0),
    )
}

fn show(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or(UNATTRIBUTED)
}

/// An offender group as `dim=value` pairs, for the CI annotations.
fn offender(dims: &[crate::dimension::Dimension], values: &[Option<String>]) -> String {
    let pairs: Vec<String> = dims
        .iter()
        .zip(values)
        .map(|(d, v)| format!("{d}={}", show(v)))
        .collect();
    pairs.join(" ")
}

fn table(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let c = &r.coverage;
    for f in &c.required {
        writeln!(out, "{} (required):", f.field)?;
        writeln!(out, "  unattributed: {}", share(&f.missing, &r.totals))?;
        if let Some(v) = view.verdict_of(f.field) {
            let word = if v.passed { "ok" } else { "FAILED" };
            writeln!(out, "  gate: {word}: {}", terminal(&v.message))?;
        }
        if !f.offenders.is_empty() && !c.offender_dims.is_empty() {
            let mut grid = Grid::new();
            grid.load_preset(UTF8_FULL_CONDENSED);
            // Offenders are sorted by cost, then requests: both shares are
            // shown, each named by its basis.
            grid.set_header(c.offender_dims.iter().map(|d| d.name()).chain([
                "requests",
                "cost (USD)",
                "% of requests",
                "% of cost",
            ]));
            let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
            let mut na = false;
            for g in f.offenders.iter().take(view.top) {
                let mut row: Vec<Cell> = g
                    .values
                    .iter()
                    .map(|v| Cell::new(terminal(show(v))))
                    .collect();
                if uncounted(&g.totals) {
                    na = true;
                    row.push(right("n/a".into()));
                    row.push(right(g.totals.cost.to_usd_string(4)));
                    row.push(right("n/a".into()));
                } else {
                    row.push(right(thousands(g.totals.requests)));
                    row.push(right(g.totals.cost.to_usd_string(4)));
                    row.push(right(format!(
                        "{}%",
                        percent(g.totals.requests, f.missing.requests)
                    )));
                }
                row.push(right(format!(
                    "{}%",
                    percent(g.totals.cost.0, f.missing.cost.0)
                )));
                grid.add_row(row);
            }
            writeln!(
                out,
                "  who sends requests without {} (most cost first; % of unattributed):",
                f.field
            )?;
            for line in grid.to_string().lines() {
                writeln!(out, "  {line}")?;
            }
            if f.offenders.len() > view.top {
                writeln!(out, "  ... and {} more", f.offenders.len() - view.top)?;
            }
            if na {
                writeln!(out, "  {NA_NOTE}")?;
            }
        }
    }
    // How owners were found (and stale ownership rows) is in the summary
    // below, only when an ownership map was given (`--owners`).
    if !c.inconsistent.is_empty() {
        writeln!(
            out,
            "inconsistent spellings (use --normalize-values to group them):"
        )?;
        for (field, variants) in &c.inconsistent {
            writeln!(out, "  {field}: {}", variant_list(variants))?;
        }
    }
    for v in view.verdicts.iter().filter(|v| v.field.is_none()) {
        let word = if v.passed { "ok" } else { "FAILED" };
        writeln!(out, "gate {}: {word}: {}", v.gate, terminal(&v.message))?;
    }
    summary::write(r, out)
}

fn variant_list(variants: &[(String, u128)]) -> String {
    variants
        .iter()
        .map(|(v, n)| format!("{} ({})", terminal(v), super::summary::requests(*n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pcts(part: &Totals, all: &Totals) -> Value {
    json!({
        "requests": part.requests as u64,
        "tokens": part.tokens() as u64,
        "cost_usd": part.cost.to_usd_string(6),
        "requests_pct": number(percent(part.requests, all.requests)),
        "tokens_pct": number(percent(part.tokens(), all.tokens())),
        "cost_pct": number(percent(part.cost.0, all.cost.0)),
    })
}

/// A percentage as a JSON number (`12.5`, not `"12.5"`), so `jq` compares
/// it as one; money stays a six-decimal string.
fn number(pct: String) -> Value {
    serde_json::from_str(&pct).unwrap_or(Value::Null)
}

fn verdict_json(v: &Verdict) -> Value {
    json!({
        "gate": v.gate,
        "field": v.field.map(|f| f.name()),
        "passed": v.passed,
        "message": v.message,
    })
}

fn json(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let c = &r.coverage;
    let fields: Vec<Value> = c
        .required
        .iter()
        .map(|f| {
            let offenders: Vec<Value> = f
                .offenders
                .iter()
                .take(view.top)
                .map(|g| {
                    let mut m = Map::new();
                    for (d, v) in c.offender_dims.iter().zip(&g.values) {
                        m.insert(
                            d.name().into(),
                            v.clone().map_or(Value::Null, Value::String),
                        );
                    }
                    m.insert("requests".into(), Value::from(g.totals.requests as u64));
                    m.insert(
                        "cost_usd".into(),
                        Value::from(g.totals.cost.to_usd_string(6)),
                    );
                    Value::Object(m)
                })
                .collect();
            json!({
                "field": f.field.name(),
                "unattributed": pcts(&f.missing, &r.totals),
                "offenders": offenders,
                "more_offenders": f.offenders.len().saturating_sub(view.top),
                "gate": view.verdict_of(f.field).map(verdict_json),
            })
        })
        .collect();
    let a = &r.accounting;
    let unpriced: Map<String, Value> = c
        .unpriced
        .iter()
        .map(|(m, req, _)| {
            (
                m.clone().unwrap_or_else(|| "(no model)".into()),
                Value::from(*req as u64),
            )
        })
        .collect();
    let v = json!({
        "required": c.required.iter().map(|f| f.field.name()).collect::<Vec<_>>(),
        "by": c.offender_dims.iter().map(|d| d.name()).collect::<Vec<_>>(),
        "totals": pcts(&r.totals, &r.totals),
        "fields": fields,
        "owners": {
            "request": pcts(&c.by_request, &r.totals),
            "map": pcts(&c.by_map, &r.totals),
            "none": pcts(&view.unattributed(), &r.totals),
            "stale_rows": c.stale_owners,
        },
        "unpriced": unpriced,
        "inconsistent": c.inconsistent.iter().map(|(f, variants)| json!({
            "field": f.name(),
            "values": variants.iter().map(|(v, n)| json!({"value": v, "requests": *n as u64})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "accounting": {
            "lines_read": a.counts.lines_read,
            "parsed": a.counts.parsed,
            "filtered": a.counts.filtered,
            "duplicate": a.counts.duplicate,
            "malformed": a.counts.malformed,
            "blank": a.counts.blank,
            "ignored": a.counts.ignored,
            "malformed_reasons": a.reasons,
            "malformed_samples": a.samples,
        },
        "gates": view.verdicts.iter().map(verdict_json).collect::<Vec<_>>(),
        "passed": view.verdicts.iter().all(|v| v.passed),
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    out.write_all(b"\n")
}

fn csv(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let c = &r.coverage;
    let dims = c.offender_dims.len();
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let mut header = vec!["kind", "field", "value"];
    header.extend(c.offender_dims.iter().map(|d| d.name()));
    header.extend([
        "requests",
        "tokens",
        "cost_usd",
        "requests_pct",
        "tokens_pct",
        "cost_pct",
    ]);
    w.write_record(&header)?;
    let metrics = |t: &Totals| {
        [
            t.requests.to_string(),
            t.tokens().to_string(),
            t.cost.to_usd_string(6),
            percent(t.requests, r.totals.requests),
            percent(t.tokens(), r.totals.tokens()),
            percent(t.cost.0, r.totals.cost.0),
        ]
    };
    let row = |kind: &str, field: &str, value: &str, values: Vec<String>, t: [String; 6]| {
        let mut cells = vec![
            kind.to_string(),
            field.to_string(),
            csv_cell(value).into_owned(),
        ];
        cells.extend(values);
        cells.resize(3 + dims, String::new());
        cells.extend(t);
        cells
    };
    for f in &c.required {
        let name = f.field.name();
        w.write_record(row(
            "unattributed",
            name,
            "",
            Vec::new(),
            metrics(&f.missing),
        ))?;
        for g in f.offenders.iter().take(view.top) {
            let values = g
                .values
                .iter()
                .map(|v| csv_cell(show(v)).into_owned())
                .collect();
            w.write_record(row("offender", name, "", values, metrics(&g.totals)))?;
        }
    }
    for (value, t) in [
        ("request", c.by_request.clone()),
        ("map", c.by_map.clone()),
        ("none", view.unattributed()),
    ] {
        w.write_record(row("attribution", "", value, Vec::new(), metrics(&t)))?;
    }
    for (field, variants) in &c.inconsistent {
        for (v, n) in variants {
            let mut t = metrics(&Totals::default());
            t[0] = n.to_string();
            t[3] = percent(*n, r.totals.requests);
            for cell in [1, 2, 4, 5] {
                t[cell] = String::new();
            }
            w.write_record(row("inconsistent", field.name(), v, Vec::new(), t))?;
        }
    }
    for (m, req, tok) in &c.unpriced {
        let mut t = metrics(&Totals::default());
        t[0] = req.to_string();
        t[1] = tok.to_string();
        t[2] = String::new();
        t[3] = percent(*req, r.totals.requests);
        t[4] = percent(*tok, r.totals.tokens());
        t[5] = String::new();
        let model = m.as_deref().unwrap_or("(no model)");
        w.write_record(row("unpriced", "model", model, Vec::new(), t))?;
    }
    w.flush()
}

/// Escapes a workflow-command message (GitHub's `escapeData`), after the
/// control characters a log value could carry (the Actions log renders
/// terminal escapes).
fn gh_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    terminal(&escaped).into_owned()
}

fn github(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let c = &r.coverage;
    const TITLE: &str = "title=llmspend coverage";
    for f in &c.required {
        let level = match view.verdict_of(f.field) {
            Some(v) if !v.passed => "error",
            _ if f.missing.requests > 0 => "warning",
            _ => continue,
        };
        writeln!(
            out,
            "::{level} {TITLE}::{}",
            gh_data(&format!(
                "{} unattributed: {}",
                f.field,
                share(&f.missing, &r.totals)
            ))
        )?;
        for g in f.offenders.iter().take(view.top) {
            let who = offender(&c.offender_dims, &g.values);
            writeln!(
                out,
                "::{level} {TITLE}::{}",
                gh_data(&format!(
                    "requests without {}: {} ({}, ${})",
                    f.field,
                    who,
                    super::summary::requests(g.totals.requests),
                    g.totals.cost.to_usd_string(6)
                ))
            )?;
        }
    }
    for v in view
        .verdicts
        .iter()
        .filter(|v| v.field.is_none() && !v.passed)
    {
        writeln!(out, "::error {TITLE}::{}", gh_data(&v.message))?;
    }
    if !view.verdicts.iter().any(|v| v.gate == "unpriced") && !c.unpriced.is_empty() {
        let names: Vec<&str> = c
            .unpriced
            .iter()
            .map(|(m, _, _)| m.as_deref().unwrap_or("(no model)"))
            .collect();
        writeln!(
            out,
            "::warning {TITLE}::{}",
            gh_data(&format!("unpriced models: {}", names.join(", ")))
        )?;
    }
    for (field, variants) in &c.inconsistent {
        writeln!(
            out,
            "::warning {TITLE}::{}",
            gh_data(&format!(
                "inconsistent {field} spellings: {}",
                variant_list(variants)
            ))
        )?;
    }
    for s in &c.stale_owners {
        writeln!(
            out,
            "::notice {TITLE}::{}",
            gh_data(&format!("stale ownership row (matched nothing): {s}"))
        )?;
    }
    Ok(())
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push_str("&#xFFFD;"),
            c => out.push(c),
        }
    }
    out
}

fn junit(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let c = &r.coverage;
    // (name, failure message, details)
    let mut cases: Vec<(String, Option<String>, String)> = Vec::new();
    for f in &c.required {
        let mut details = format!("unattributed: {}", share(&f.missing, &r.totals));
        for g in f.offenders.iter().take(view.top) {
            let who = offender(&c.offender_dims, &g.values);
            details.push_str(&format!(
                "\n{}: {}, ${}",
                who,
                super::summary::requests(g.totals.requests),
                g.totals.cost.to_usd_string(6)
            ));
        }
        let failure = view
            .verdict_of(f.field)
            .filter(|v| !v.passed)
            .map(|v| v.message.clone());
        cases.push((f.field.name().to_string(), failure, details));
    }
    for v in view.verdicts.iter().filter(|v| v.field.is_none()) {
        cases.push((
            v.gate.to_string(),
            (!v.passed).then(|| v.message.clone()),
            v.message.clone(),
        ));
    }
    let failures = cases.iter().filter(|c| c.1.is_some()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="llmspend coverage" tests="{}" failures="{failures}">"#,
        cases.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="attribution" tests="{}" failures="{failures}">"#,
        cases.len()
    )?;
    for (name, failure, details) in &cases {
        writeln!(
            out,
            r#"    <testcase classname="llmspend.coverage" name="{}">"#,
            xml(name)
        )?;
        if let Some(msg) = failure {
            writeln!(
                out,
                r#"      <failure message="{}">{}</failure>"#,
                xml(msg),
                xml(details)
            )?;
        } else {
            writeln!(out, "      <system-out>{}</system-out>", xml(details))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_for_github_and_xml() {
        assert_eq!(gh_data("50%\nx"), "50%25%0Ax");
        assert_eq!(gh_data("m\u{1b}[31m"), "m\\u{1b}[31m");
        assert_eq!(
            xml("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;&#xFFFD;"
        );
    }
}
