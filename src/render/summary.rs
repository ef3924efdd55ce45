//! The accounting and coverage summary: where every line went, what could
//! not be attributed, what could not be priced. Written to stderr for csv
//! and json, below the table for table and md.

use std::io::{self, Write};

use super::sanitize::terminal;
use crate::money::percent;
use crate::record::Field;
use crate::report::{Report, Totals, Verdict};

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
        "  {name:<12} {} requests ({}%), {} tokens ({}%), ${} ({}%)",
        thousands(part.requests),
        percent(part.requests, all.requests),
        thousands(part.tokens()),
        percent(part.tokens(), all.tokens()),
        part.cost.to_usd_string(6),
        percent(part.cost.0, all.cost.0),
    )
}

/// Writes the summary.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let a = &report.accounting;
    let c = &a.counts;
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
    if !cov.unpriced.is_empty() {
        let models: Vec<String> = cov
            .unpriced
            .iter()
            .map(|(m, r, t)| {
                format!(
                    "{} ({} requests, {} tokens)",
                    terminal(m.as_deref().unwrap_or("(no model)")),
                    thousands(*r),
                    thousands(*t)
                )
            })
            .collect();
        writeln!(
            out,
            "unpriced (tokens counted, cost not): {}",
            models.join(", ")
        )?;
    }
    if cov.tier_fallback > 0 {
        writeln!(
            out,
            "priced at standard: {} requests whose service tier has no rate-card row",
            thousands(cov.tier_fallback)
        )?;
    }
    if cov.tier_skipped > 0 {
        writeln!(
            out,
            "not long-context tiered: {} requests in aggregated rows whose input exceeds a tier threshold",
            thousands(cov.tier_skipped)
        )?;
    }
    for (path, error) in &a.unreadable {
        writeln!(out, "unreadable: {}: {}", terminal(path), terminal(error))?;
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
