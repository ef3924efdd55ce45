//! Gates: checks the user asks for that fail the run with exit code 1
//! (docs/design.md, Exit codes). Gates only judge: they return verdicts,
//! and the command writes the output in full and then the failures. Every
//! comparison is in integers: a threshold is read from decimal text into
//! thousandths of a percent and compared by cross-multiplication, so `5`
//! means "at most 5.000%" exactly.

use std::fmt;

use crate::money::percent;
use crate::report::{Report, Totals, Verdict};

/// A threshold in thousandths of a percent, 0 to 100 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pct(pub u32);

impl Pct {
    /// Parses `5`, `2.5`, `0.125` or `100` (at most three decimals, 0 to
    /// 100); `None` for anything else.
    pub fn parse(text: &str) -> Option<Pct> {
        let t = text.trim().trim_end_matches('%');
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 3
            || whole.len() > 3
        {
            return None;
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let mut milli = 0;
        for i in 0..3 {
            milli = milli * 10 + frac.as_bytes().get(i).map_or(0, |b| u32::from(b - b'0'));
        }
        let v = whole * 1000 + milli;
        (v <= 100_000).then_some(Pct(v))
    }

    /// Returns true if and only if `part / whole` exceeds this share.
    /// Nothing of nothing never exceeds.
    pub fn exceeded_by(self, part: u128, whole: u128) -> bool {
        part.saturating_mul(100_000) > u128::from(self.0).saturating_mul(whole)
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, m) = (self.0 / 1000, self.0 % 1000);
        if m == 0 {
            write!(f, "{w}")
        } else {
            let frac = format!("{m:03}");
            write!(f, "{w}.{}", frac.trim_end_matches('0'))
        }
    }
}

/// What an unattributed share is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Basis {
    /// Share of requests.
    Requests,
    /// Share of tokens.
    Tokens,
    /// Share of priced cost.
    Cost,
}

impl Basis {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Requests => "requests",
            Basis::Tokens => "tokens",
            Basis::Cost => "cost",
        }
    }
}

/// The gates of a run, resolved from the command line.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// `--max-unattributed`, checked for every required field.
    pub max_unattributed: Option<Pct>,
    /// `--basis`.
    pub basis: Option<Basis>,
    /// `--max-malformed`, as a share of the lines read.
    pub max_malformed: Option<Pct>,
    /// `--fail-on-unpriced`.
    pub fail_on_unpriced: bool,
}

impl Gates {
    /// Returns true if and only if any gate was asked for.
    pub fn any(&self) -> bool {
        self.max_unattributed.is_some() || self.max_malformed.is_some() || self.fail_on_unpriced
    }

    fn basis(&self) -> Basis {
        self.basis.unwrap_or(Basis::Requests)
    }
}

/// The measured part and whole of a basis.
pub fn measure(basis: Basis, part: &Totals, all: &Totals) -> (u128, u128) {
    match basis {
        Basis::Requests => (part.requests, all.requests),
        Basis::Tokens => (part.tokens(), all.tokens()),
        Basis::Cost => (part.cost.0, all.cost.0),
    }
}

/// Checks every gate against a finished report, in a fixed order: the
/// unattributed share per required field, malformed lines, unpriced models.
pub fn evaluate(gates: &Gates, report: &Report) -> Vec<Verdict> {
    let mut out = Vec::new();
    if let Some(max) = gates.max_unattributed {
        let basis = gates.basis();
        for f in &report.coverage.required {
            let (part, whole) = measure(basis, &f.missing, &report.totals);
            let passed = !max.exceeded_by(part, whole);
            out.push(Verdict {
                gate: "unattributed",
                field: Some(f.field),
                passed,
                message: format!(
                    "{}% of {} lack {} (limit {}%)",
                    percent(part, whole),
                    basis.name(),
                    f.field,
                    max
                ),
            });
        }
    }
    if let Some(max) = gates.max_malformed {
        let c = &report.accounting.counts;
        let (part, whole) = (u128::from(c.malformed), u128::from(c.lines_read));
        out.push(Verdict {
            gate: "malformed",
            field: None,
            passed: !max.exceeded_by(part, whole),
            message: format!(
                "{}% of lines are malformed ({part} of {whole}; limit {}%)",
                percent(part, whole),
                max
            ),
        });
    }
    if gates.fail_on_unpriced {
        let unpriced = &report.coverage.unpriced;
        let names: Vec<&str> = unpriced
            .iter()
            .map(|(m, _, _)| m.as_deref().unwrap_or("(no model)"))
            .collect();
        out.push(Verdict {
            gate: "unpriced",
            field: None,
            passed: unpriced.is_empty(),
            message: if unpriced.is_empty() {
                "every model is priced".to_string()
            } else {
                format!("unpriced models: {}", names.join(", "))
            },
        });
    }
    out
}

/// Returns true if and only if every gate held.
pub fn all_passed(verdicts: &[Verdict]) -> bool {
    verdicts.iter().all(|v| v.passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_exact_thousandths_between_0_and_100() {
        assert_eq!(Pct::parse("5"), Some(Pct(5000)));
        assert_eq!(Pct::parse("2.5"), Some(Pct(2500)));
        assert_eq!(Pct::parse(".125"), Some(Pct(125)));
        assert_eq!(Pct::parse("100"), Some(Pct(100_000)));
        assert_eq!(Pct::parse("0"), Some(Pct(0)));
        for bad in ["101", "-1", "1e2", "abc", "", "0.0001", "100.5", "NaN"] {
            assert_eq!(Pct::parse(bad), None, "{bad}");
        }
        assert_eq!(Pct(2500).to_string(), "2.5");
        assert_eq!(Pct(5000).to_string(), "5");
    }

    #[test]
    fn exceeded_is_strictly_more_than_the_limit() {
        let five = Pct(5000);
        assert!(!five.exceeded_by(5, 100));
        assert!(five.exceeded_by(6, 100));
        assert!(!five.exceeded_by(0, 0));
        assert!(Pct(0).exceeded_by(1, u128::MAX));
        // 1 of 3 is 33.333...%: above 33.333, not above 33.334.
        assert!(Pct(33_333).exceeded_by(1, 3));
        assert!(!Pct(33_334).exceeded_by(1, 3));
    }
}
