//! Budgets: the budgets file (`file.rs`), the periods (`period.rs`), the
//! consumer of priced records that sums each budget's spend (`sink.rs`)
//! and the evaluation into spent, forecast, share and status (`eval.rs`).
//! The contract is in docs/design.md, Budgets.

pub mod eval;
pub mod file;
pub mod period;
pub mod sink;

use crate::dimension::Dimension;
use crate::money::Money;

/// The dimensions a budget row may be scoped to (`*` aside).
pub const SCOPES: [Dimension; 8] = [
    Dimension::Team,
    Dimension::CostCenter,
    Dimension::Project,
    Dimension::Service,
    Dimension::Customer,
    Dimension::ApiKey,
    Dimension::Environment,
    Dimension::Model,
];

/// What a budget row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `*`: every record.
    All,
    /// Records whose dimension equals the row's value.
    Dim(Dimension),
}

impl Scope {
    /// The name in the file and the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Scope::All => "*",
            Scope::Dim(d) => d.name(),
        }
    }
}

/// The length of a budget's period, in `--tz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A calendar day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

impl Period {
    /// The name in the file and the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The period of a name.
    pub fn from_name(name: &str) -> Option<Period> {
        match name {
            "day" => Some(Period::Day),
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            _ => None,
        }
    }
}

/// One row of the budgets file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Its line in the file.
    pub line: u64,
    /// What it counts.
    pub scope: Scope,
    /// The value of the scope (`None` for `*`).
    pub value: Option<String>,
    /// Its period.
    pub period: Period,
    /// The amount, exact.
    pub amount: Money,
    /// The warning threshold in thousandths of a percent (80% is 80_000).
    pub warn_milli_pct: u128,
    /// The index of its parent row.
    pub parent: Option<usize>,
}

impl Budget {
    /// `scope:value` (or `*`), as a parent names it.
    pub fn key(&self) -> String {
        match &self.value {
            None => "*".to_string(),
            Some(v) => format!("{}:{v}", self.scope.name()),
        }
    }
}

/// A checked budgets file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    /// The rows, in file order.
    pub rows: Vec<Budget>,
    /// What is allowed but suspicious (a child above its parent), as
    /// `file:line: message`.
    pub warnings: Vec<String>,
}
