//! The finished result of a run, as renderers, gates and allocation read
//! it: groups sorted, line numbers resolved, coverage ranked, gate
//! verdicts.

use super::totals::{Group, Totals};
use crate::accounting::Accounting;
use crate::dimension::Dimension;
use crate::money::Money;
use crate::record::Field;

/// Unattributed shares, unpriced models and pricing notes of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Parsed records without a team.
    pub no_team: Totals,
    /// Parsed records without a cost center.
    pub no_cost_center: Totals,
    /// Unpriced models (`None`: no model field) with requests and tokens,
    /// most requests first.
    pub unpriced: Vec<(Option<String>, u128, u128)>,
    /// Requests priced at standard because their tier had no row.
    pub tier_fallback: u128,
    /// Aggregated rows that a long-context tier could have repriced.
    pub tier_skipped: u128,
    /// Accounting warnings, in display order.
    pub warnings: Vec<super::warnings::Warning>,
    /// Price-basis records per rate-card row, by row label
    /// (`--explain-difference`).
    pub price_rows: Vec<(String, super::explain::PriceRowSums)>,
    /// Per required field (`--require`), in order.
    pub required: Vec<FieldCoverage>,
    /// The dimensions offenders are grouped by.
    pub offender_dims: Vec<Dimension>,
    /// Records whose required fields all came with the request.
    pub by_request: Totals,
    /// Records attributed with help from the ownership map.
    pub by_map: Totals,
    /// Ownership map rows that matched no record (`file:line: field=value`).
    pub stale_owners: Vec<String>,
    /// Returns true if and only if an ownership map was used.
    pub owners_used: bool,
    /// Values of one field that differ only in spelling (same
    /// [`crate::enrich::values::key`]), each with its requests, most first.
    pub inconsistent: Vec<(Field, Vec<(String, u128)>)>,
}

/// The unattributed figures of one required field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCoverage {
    /// The field.
    pub field: Field,
    /// Records without it.
    pub missing: Totals,
    /// Who sends them, grouped by the offender dimensions, worst (most
    /// cost, then most requests) first.
    pub offenders: Vec<Group>,
}

/// The result of one gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `unattributed`, `malformed` or `unpriced`.
    pub gate: &'static str,
    /// The required field, for `unattributed`.
    pub field: Option<Field>,
    /// Returns true if and only if the gate holds.
    pub passed: bool,
    /// What was measured against what, for people.
    pub message: String,
}

/// The finished result of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// `--by`.
    pub dims: Vec<Dimension>,
    /// Groups, sorted by cost desc then values asc.
    pub groups: Vec<Group>,
    /// Totals over all groups.
    pub totals: Totals,
    /// Line accounting.
    pub accounting: Accounting,
    /// Coverage.
    pub coverage: Coverage,
    /// Per input: its name and the source that read it, sorted.
    pub sources: Vec<(String, String)>,
    /// `--allocate-unattributed`: per group (in order), the estimated cost
    /// with the unattributed cost spread in; `None` when not asked for.
    pub allocated: Option<Vec<Money>>,
    /// `--show-reported` (with `--explain-difference`, `--tolerance`):
    /// show the stated cost and the difference; `None` when not asked for.
    pub reconcile: Option<super::reconcile::ReconcileOptions>,
}

impl Report {
    /// The reconciliation figures of the groups (`--show-reported`).
    pub fn reconciliation(&self) -> super::reconcile::Summary {
        super::reconcile::Summary::of(&self.groups, self.totals.cost)
    }
}
