//! The accounting and coverage summary: where every line went, what could
//! not be attributed, what could not be priced. Written to stderr for csv
//! and json, below the table for table and md.

use std::io::{self, Write};

use super::sanitize::terminal;
use crate::money::percent;
use crate::record::Field;
use crate::report::{Report, Totals, Verdict};

/// `n` requests with thousands separators, in the singular for one
/// ("1 request", "2,031 requests").
pub fn requests(n: u128) -> String {
    let word = if n == 1 { "request" } else { "requests" };
    format!("{} {word}", thousands(n))
}

/// `n` tokens with thousands separators, in the singular for one.
pub fn tokens(n: u128) -> String {
    let word = if n == 1 { "token" } else { "tokens" };
    format!("{} {word}", thousands(n))
}

/// Formats an integer with thousands separators, for people.
pub fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn share_line(name: &str, part: &Totals, all: &Totals) -> String {
    format!(
        "  {name:<12} {} ({}%), {} tokens ({}%), ${} ({}%)",
        requests(part.requests),
        percent(part.requests, all.requests),
        thousands(part.tokens()),
        percent(part.tokens(), all.tokens()),
        part.cost.to_usd_string(6),
        percent(part.cost.0, all.cost.0),
    )
}

/// The line that says a run is incomplete, naming the inputs it could not
/// read: `INCOMPLETE: N of M inputs unreadable: a, b`. None if every input
/// was read.
pub fn incomplete(report: &Report) -> Option<String> {
    let a = &report.accounting;
    if a.unreadable.is_empty() {
        return None;
    }
    let mut inputs: Vec<&str> = report.sources.iter().map(|(f, _)| f.as_str()).collect();
    inputs.extend(a.unreadable.iter().map(|(p, _)| p.as_str()));
    inputs.sort_unstable();
    inputs.dedup();
    let mut names: Vec<String> = a
        .unreadable
        .iter()
        .map(|(p, _)| terminal(p).into_owned())
        .collect();
    names.dedup();
    Some(format!(
        "INCOMPLETE: {} of {} inputs unreadable: {}",
        names.len(),
        inputs.len() + a.unrecognized.len(),
        names.join(", ")
    ))
}

/// Writes the summary.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let a = &report.accounting;
    let c = &a.counts;
    if let Some(line) = incomplete(report) {
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "lines: {} read = {} parsed + {} filtered + {} duplicate + {} malformed + {} blank + {} ignored",
        thousands(c.lines_read.into()),
        thousands(c.parsed.into()),
        thousands(c.filtered.into()),
        thousands(c.duplicate.into()),
        thousands(c.malformed.into()),
        thousands(c.blank.into()),
        thousands(c.ignored.into()),
    )?;
    if c.malformed > 0 {
        let reasons: Vec<String> = a
            .reasons
            .iter()
            .map(|(r, n)| format!("{r}: {}", thousands((*n).into())))
            .collect();
        writeln!(out, "malformed: {}", reasons.join("; "))?;
        for s in &a.samples {
            writeln!(out, "  {}:{}: {}", terminal(&s.file), s.line, s.reason)?;
        }
    }
    if c.ignored > 0 {
        let reasons: Vec<String> = a
            .ignored
            .iter()
            .map(|(r, n)| format!("{r}: {}", thousands((*n).into())))
            .collect();
        writeln!(out, "ignored: {}", reasons.join("; "))?;
        for s in &a.ignored_samples {
            writeln!(out, "  {}:{}: {}", terminal(&s.file), s.line, s.reason)?;
        }
    }
    unrecognized(report, out)?;
    let cov = &report.coverage;
    writeln!(out, "unattributed:")?;
    writeln!(out, "{}", share_line("team", &cov.no_team, &report.totals))?;
    writeln!(
        out,
        "{}",
        share_line("cost_center", &cov.no_cost_center, &report.totals)
    )?;
    for f in &cov.required {
        if !matches!(f.field, Field::Team | Field::CostCenter) {
            writeln!(
                out,
                "{}",
                share_line(f.field.name(), &f.missing, &report.totals)
            )?;
        }
    }
    if cov.owners_used {
        let all = report.totals.cost.0;
        writeln!(
            out,
            "owners found: by request ${} ({}%), by ownership map ${} ({}%)",
            cov.by_request.cost.to_usd_string(6),
            percent(cov.by_request.cost.0, all),
            cov.by_map.cost.to_usd_string(6),
            percent(cov.by_map.cost.0, all),
        )?;
        for s in &cov.stale_owners {
            writeln!(
                out,
                "stale ownership row (matched nothing): {}",
                terminal(s)
            )?;
        }
    }
    unpriced(report, out)?;
    if cov.tier_fallback > 0 {
        writeln!(
            out,
            "priced at standard: {} whose service tier has no rate-card row",
            requests(cov.tier_fallback)
        )?;
    }
    for w in &cov.warnings {
        let files: Vec<String> = w.files.iter().map(|f| terminal(f).into_owned()).collect();
        writeln!(
            out,
            "warning: {}: {} (in {})",
            w.code.name(),
            w.message(),
            files.join(", ")
        )?;
    }
    for (path, error) in &a.unreadable {
        writeln!(out, "unreadable: {}: {}", terminal(path), terminal(error))?;
    }
    if report.reconcile.is_some() {
        writeln!(
            out,
            "{}",
            crate::report::reconcile::summary_line(&report.reconciliation())
        )?;
        for line in super::explained::lines(report) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn unpriced(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let cov = &report.coverage;
    if !cov.unpriced.is_empty() {
        let models: Vec<String> = cov
            .unpriced
            .iter()
            .map(|(m, r, t)| {
                format!(
                    "{} ({}, {} tokens)",
                    terminal(m.as_deref().unwrap_or("(no model)")),
                    requests(*r),
                    thousands(*t)
                )
            })
            .collect();
        writeln!(
            out,
            "unpriced (tokens counted, cost not): {}",
            models.join(", ")
        )?;
        if let Some((model, _, _)) = cov.unpriced.iter().find(|(m, _, _)| m.is_some()) {
            let model = model.as_deref().unwrap_or_default();
            let (provider, id) = match model.split_once('/') {
                Some((p, id)) => (crate::price::canonical_provider(p), id),
                None => (
                    crate::price::infer_provider(model).unwrap_or("PROVIDER".into()),
                    model,
                ),
            };
            writeln!(
                out,
                "  to price them, pass --rates FILE.csv with a row per model, e.g.:\n    provider,model,input_per_mtok,output_per_mtok\n    {},{},INPUT_USD,OUTPUT_USD",
                terminal(&provider),
                terminal(id)
            )?;
        }
    }
    Ok(())
}

fn unrecognized(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for u in &report.accounting.unrecognized {
        writeln!(
            out,
            "unrecognized (not read): {}: {}; {}",
            terminal(&u.path),
            terminal(&u.shape),
            terminal(&u.reason)
        )?;
    }
    Ok(())
}

/// For the table and Markdown formats, whose summary is in the output:
/// the inputs not read, on stderr, so a piped or `-o` run still says so.
pub fn problems(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if let Some(line) = incomplete(report) {
        writeln!(out, "llmspend: {line}")?;
        for (path, error) in &report.accounting.unreadable {
            writeln!(out, "unreadable: {}: {}", terminal(path), terminal(error))?;
        }
    }
    unrecognized(report, out)
}

/// `--quiet`: only the warnings that change the numbers: unreadable
/// inputs and unpriced models (failed gates are written apart).
pub fn warnings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if let Some(line) = incomplete(report) {
        writeln!(out, "{line}")?;
        for (path, error) in &report.accounting.unreadable {
            writeln!(out, "unreadable: {}: {}", terminal(path), terminal(error))?;
        }
    }
    unpriced(report, out)
}

/// Nothing was parsed from any input: says so, lists the keys of the first
/// lines, and suggests `--map` for the canonical fields they most likely
/// mean.
pub fn nothing_parsed(
    report: &Report,
    first: &[(String, Vec<String>)],
    out: &mut dyn Write,
) -> io::Result<()> {
    let c = &report.accounting.counts;
    writeln!(
        out,
        "llmspend: error: no usage record was parsed from any input ({} lines read, {} malformed, {} ignored)",
        thousands(c.lines_read.into()),
        thousands(c.malformed.into()),
        thousands(c.ignored.into()),
    )?;
    keys_and_maps(first, out)
}

/// The keys of the first lines of the inputs, and `--map` suggestions for
/// the canonical fields they most likely mean.
pub fn keys_and_maps(first: &[(String, Vec<String>)], out: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for (file, keys) in first {
        writeln!(
            out,
            "  keys seen in {}: {}",
            terminal(file),
            terminal(&keys.join(", "))
        )?;
        all.extend(keys.iter().cloned());
    }
    let maps = crate::hints::map_suggestions(&all);
    if !maps.is_empty() {
        writeln!(out, "  try: {}", terminal(&maps.join(" ")))?;
    }
    Ok(())
}

/// Writes a line per failed gate.
pub fn gate_failures(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    for v in verdicts.iter().filter(|v| !v.passed) {
        writeln!(out, "llmspend: gate failed: {}", terminal(&v.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
