//! How a finished report is shown: the order of its groups (`--sort`),
//! how many rows a table for people lists (`--top`, the rest folded into
//! one `(N more)` row) and the width a table fits (the terminal's, or
//! `COLUMNS`). The figures are never changed: folding sums exact integer
//! totals and the report's total row is the report's own (docs/design.md,
//! "Report table").

use std::io::IsTerminal;

use crate::money::Money;
use crate::report::{Group, Report, UNATTRIBUTED};

/// `--sort`: the order of a report's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// Most cost first.
    Cost,
    /// Most requests first.
    Requests,
    /// Most tokens first.
    Tokens,
    /// By the group's values, A to Z (for a time dimension: oldest first).
    Name,
}

/// How a finished report is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// `--sort`; `None`: by name when a dimension is a period of time
    /// (a trend reads in time order), else by cost.
    pub sort: Option<SortKey>,
    /// Rows a table or Markdown report lists before the `(N more)` row.
    pub top: Option<usize>,
    /// The width a table fits, in columns; `None`: as wide as it needs.
    pub width: Option<usize>,
}

/// The rows a table lists on a terminal when `--top` is not given.
pub const TERMINAL_TOP: usize = 25;

impl View {
    /// The view for output written to `path` (`None`: standard output):
    /// on a terminal the table fits its width and lists the top
    /// [`TERMINAL_TOP`] rows by default; `COLUMNS` (a number) sets the width
    /// of standard output, terminal or not, so tests and scripts can ask for
    /// one. A file gets every row at full width unless `--top` says.
    pub fn for_output(
        path: Option<&std::path::Path>,
        sort: Option<SortKey>,
        top: Option<usize>,
    ) -> View {
        let tty = path.is_none() && std::io::stdout().is_terminal();
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c > 0);
        let width = match (path, columns) {
            (Some(_), _) => None,
            (None, Some(c)) => Some(c),
            (None, None) if tty => comfy_table::Table::new().width().map(usize::from),
            (None, None) => None,
        };
        View {
            sort,
            top: top.or(tty.then_some(TERMINAL_TOP)),
            width,
        }
    }

    /// The sort used for a report grouped by `report.dims`.
    pub fn sort_for(&self, report: &Report) -> SortKey {
        self.sort
            .unwrap_or(if report.dims.iter().any(|d| d.is_time()) {
                SortKey::Name
            } else {
                SortKey::Cost
            })
    }

    /// Sorts the report's groups (and their allocated estimates alike).
    pub fn sort(&self, report: &mut Report) {
        let key = self.sort_for(report);
        if key == SortKey::Cost {
            return; // the order a report is finished in
        }
        let groups = std::mem::take(&mut report.groups);
        let mut rows: Vec<(Group, Option<Money>)> = match report.allocated.take() {
            Some(a) => groups.into_iter().zip(a.into_iter().map(Some)).collect(),
            None => groups.into_iter().map(|g| (g, None)).collect(),
        };
        fn show(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or(UNATTRIBUTED)
        }
        rows.sort_by(|(a, _), (b, _)| {
            let by_values = || {
                let (x, y) = (&a.values, &b.values);
                x.iter()
                    .map(show)
                    .cmp(y.iter().map(show))
                    .then_with(|| x.cmp(y))
            };
            match key {
                SortKey::Requests => b.totals.requests.cmp(&a.totals.requests),
                SortKey::Tokens => b.totals.tokens().cmp(&a.totals.tokens()),
                _ => std::cmp::Ordering::Equal,
            }
            .then_with(|| match key {
                SortKey::Name => std::cmp::Ordering::Equal,
                _ => b.totals.cost.cmp(&a.totals.cost),
            })
            .then_with(by_values)
        });
        let with_allocated = rows.first().is_some_and(|r| r.1.is_some());
        let (groups, allocated): (Vec<Group>, Vec<Option<Money>>) = rows.into_iter().unzip();
        report.groups = groups;
        if with_allocated {
            report.allocated = Some(allocated.into_iter().flatten().collect());
        }
    }
}

/// Folds every group after the first `top` into one row, `(N more)`, whose
/// totals (and allocated estimate) are the exact sums of the rows it
/// replaces. Nothing changes when `top` rows or fewer are there.
pub fn fold_top(report: &mut Report, top: usize) {
    if report.groups.len() <= top {
        return;
    }
    let rest = report.groups.split_off(top);
    let mut folded = Group {
        values: vec![Some(String::new()); report.dims.len().max(1)],
        totals: Default::default(),
    };
    folded.values[0] = Some(format!("({} more)", rest.len()));
    for g in &rest {
        folded.totals.merge(&g.totals);
    }
    report.groups.push(folded);
    if let Some(a) = &mut report.allocated {
        let sum = a[top..].iter().fold(Money(0), |s, m| s + *m);
        a.truncate(top);
        a.push(sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dimension::Dimension;
    use crate::report::Totals;

    fn report(rows: &[(&str, u128, u128)]) -> Report {
        let groups = rows
            .iter()
            .map(|(v, requests, cost)| Group {
                values: vec![Some(v.to_string())],
                totals: Totals {
                    requests: *requests,
                    input_tokens: *requests * 10,
                    cost: Money(*cost),
                    ..Totals::default()
                },
            })
            .collect();
        Report {
            dims: vec![Dimension::Day],
            groups,
            totals: Totals::default(),
            accounting: Default::default(),
            coverage: Default::default(),
            sources: Vec::new(),
            allocated: None,
            reconcile: None,
        }
    }

    fn names(r: &Report) -> Vec<String> {
        r.groups
            .iter()
            .map(|g| g.values[0].clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_time_dimension_sorts_by_time_unless_told() {
        let rows = [
            ("2026-10-02", 1, 30),
            ("2026-10-01", 5, 10),
            ("2026-10-03", 3, 20),
        ];
        let mut r = report(&rows);
        View::default().sort(&mut r);
        assert_eq!(names(&r), ["2026-10-01", "2026-10-02", "2026-10-03"]);
        let mut r = report(&rows);
        View {
            sort: Some(SortKey::Requests),
            ..View::default()
        }
        .sort(&mut r);
        assert_eq!(names(&r), ["2026-10-01", "2026-10-03", "2026-10-02"]);
        let mut r = report(&rows);
        r.allocated = Some(vec![Money(1), Money(2), Money(3)]);
        View {
            sort: Some(SortKey::Tokens),
            ..View::default()
        }
        .sort(&mut r);
        assert_eq!(r.allocated, Some(vec![Money(2), Money(3), Money(1)]));
    }

    #[test]
    fn folding_keeps_the_sums_exact() {
        let mut r = report(&[("a", 1, 30), ("b", 5, 10), ("c", 3, 20), ("d", 2, 7)]);
        r.allocated = Some(vec![Money(1), Money(2), Money(3), Money(4)]);
        fold_top(&mut r, 2);
        assert_eq!(names(&r), ["a", "b", "(2 more)"]);
        assert_eq!(r.groups[2].totals.requests, 5);
        assert_eq!(r.groups[2].totals.cost, Money(27));
        assert_eq!(r.allocated, Some(vec![Money(1), Money(2), Money(7)]));
        fold_top(&mut r, 3);
        assert_eq!(r.groups.len(), 3);
    }
}
