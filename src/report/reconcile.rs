//! Reconciliation: where llmspend's priced cost differs from the cost the
//! sources state (`--show-reported`, docs/design.md "Reconciliation").
//!
//! A group's reported cost is the sum of the costs its records state;
//! with none stated it has no reported cost (`None`), never `$0`. Provider
//! cost exports are records with a stated cost and no tokens, so a run
//! over a usage export and a cost export grouped by the matching keys
//! (`--by day,model,project`) puts both sides in one group.

use super::totals::{Group, Totals};
use crate::money::Money;

/// How far a group's difference may go before it is explained: `usd`
/// dollars or `percent` of the reported cost, whichever is larger (either
/// may be absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// Absolute, in pico-dollars.
    pub usd: Option<Money>,
    /// Relative, in hundredths of a percent of the reported cost.
    pub basis_points: Option<u32>,
}

impl Default for Tolerance {
    /// $0.01 or 1%.
    fn default() -> Self {
        Tolerance {
            usd: Some(Money(10_000_000_000)),
            basis_points: Some(100),
        }
    }
}

impl Tolerance {
    /// Reads `0.05` (dollars), `$0.05`, `2%`, or both joined by `,`
    /// (`0.01,1%`).
    pub fn parse(text: &str) -> Result<Tolerance, String> {
        let mut t = Tolerance {
            usd: None,
            basis_points: None,
        };
        for part in text.split(',').map(str::trim) {
            if let Some(p) = part.strip_suffix('%') {
                let units = crate::money::parse_decimal(p.trim(), 2, false)
                    .map_err(|_| format!("`{part}` is not a percentage such as 1% or 0.5%"))?;
                t.basis_points = Some(u32::try_from(units).map_err(|_| "too large".to_string())?);
            } else {
                let usd = part.strip_prefix('$').unwrap_or(part);
                let m = Money::from_usd_str(usd)
                    .ok_or_else(|| format!("`{part}` is not an amount in dollars such as 0.01"))?;
                t.usd = Some(m);
            }
        }
        Ok(t)
    }

    /// Returns true if and only if `difference` is within the tolerance of
    /// `reported`.
    pub fn holds(&self, difference: i128, reported: Money) -> bool {
        let d = difference.unsigned_abs();
        let by_usd = self.usd.is_some_and(|u| d <= u.0);
        let by_share = self
            .basis_points
            .is_some_and(|bp| d * 10_000 <= reported.0 * u128::from(bp));
        by_usd || by_share
    }
}

/// What `--show-reported` and `--explain-difference` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReconcileOptions {
    /// Break differences beyond the tolerance down by cause.
    pub explain: bool,
    /// `--tolerance`.
    pub tolerance: Tolerance,
}

impl ReconcileOptions {
    /// With `--explain-difference`, a group's difference by cause when it
    /// goes beyond the tolerance: exact parts in
    /// [`Causes::NAMES`](super::totals::Causes::NAMES) order, adding up to
    /// the difference. `None` within the tolerance, without a stated cost,
    /// or without the flag.
    pub fn explained(&self, t: &Totals) -> Option<[i128; 5]> {
        let d = t.difference()?;
        (self.explain && !self.tolerance.holds(d, Money(t.reported_cost)))
            .then(|| t.causes.parts(d))
    }
}

/// The run's reconciliation in figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Sum of the stated costs.
    pub reported: Money,
    /// llmspend's priced cost, all groups.
    pub priced: Money,
    /// llmspend's cost minus the stated cost, over the groups that state
    /// one.
    pub difference: i128,
    /// Priced cost in groups whose records state no cost at all.
    pub unreported_priced: Money,
    /// Groups that state a cost.
    pub groups_reported: usize,
    /// Groups that state none.
    pub groups_unreported: usize,
}

impl Summary {
    /// The figures of a report's groups; `priced` is its total cost.
    pub fn of(groups: &[Group], priced: Money) -> Summary {
        let mut s = Summary {
            priced,
            ..Summary::default()
        };
        for g in groups {
            add(&mut s, &g.totals);
        }
        s
    }
}

fn add(s: &mut Summary, t: &Totals) {
    match t.difference() {
        Some(d) => {
            s.reported += Money(t.reported_cost);
            s.difference += d;
            s.groups_reported += 1;
        }
        None => {
            s.unreported_priced += t.cost;
            s.groups_unreported += 1;
        }
    }
}

/// A signed amount for people: `-$0.015000`, `$0.200000`.
pub fn dollars(pico: i128) -> String {
    let text = crate::money::signed_usd(pico, 6);
    match text.strip_prefix('-') {
        Some(abs) => format!("-${abs}"),
        None => format!("${text}"),
    }
}

/// The summary line of `--show-reported`, for people.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "reported: ${} stated by the sources; priced: ${}; difference (llmspend - reported, over the {} groups that state a cost): {}; {}% of priced cost (${}, {} groups) has no reported cost",
        s.reported.to_usd_string(6),
        s.priced.to_usd_string(6),
        s.groups_reported,
        dollars(s.difference),
        crate::money::percent(s.unreported_priced.0, s.priced.0),
        s.unreported_priced.to_usd_string(6),
        s.groups_unreported,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_reads_dollars_percent_or_both() {
        assert_eq!(Tolerance::parse("0.01,1%").unwrap(), Tolerance::default());
        let t = Tolerance::parse("$0.05").unwrap();
        assert_eq!(t.usd, Some(Money(50_000_000_000)));
        assert_eq!(t.basis_points, None);
        assert_eq!(Tolerance::parse("2.5%").unwrap().basis_points, Some(250));
        assert!(Tolerance::parse("abc").is_err());
        assert!(Tolerance::parse("-1").is_err());
    }

    #[test]
    fn tolerance_holds_within_either_bound() {
        let t = Tolerance::default();
        let cent = 10_000_000_000i128;
        // $0.01 on any amount; 1% of $10 is $0.10.
        assert!(t.holds(cent, Money(0)));
        assert!(!t.holds(cent + 1, Money(0)));
        assert!(t.holds(-10 * cent, Money(1_000 * cent as u128)));
        assert!(!t.holds(10 * cent + 1, Money(1_000 * cent as u128)));
    }
}
