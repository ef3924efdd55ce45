//! Projecting a partial onto fewer dimensions: the groups whose values
//! agree on the kept dimensions are added up, and everything else (the
//! ledger, totals, coverage, unpriced models) is left as it is, because
//! none of it depends on `--by`. A run grouped by `team,model,day`
//! projected onto `team,model` gives the figures of a run grouped by
//! `team,model`: every group total is an integer sum, so adding the daily
//! groups of a pair gives its total exactly. The HTML report reads its
//! logs once with `day` added and projects (docs/design.md, "Report HTML").

use rustc_hash::FxHashMap;

use super::partial::Partial;
use super::totals::{GroupValues, Totals};
use crate::dimension::Dimension;

impl Partial {
    /// This partial grouped by `dims`, each of which must be one of its
    /// own dimensions; `None` if one is not.
    pub fn project(&self, dims: &[Dimension]) -> Option<Partial> {
        let at: Vec<usize> = dims
            .iter()
            .map(|d| self.meta.dims.iter().position(|m| m == d))
            .collect::<Option<_>>()?;
        let mut groups: FxHashMap<GroupValues, Totals> = FxHashMap::default();
        for (values, totals) in &self.sums.groups {
            let key: GroupValues = at.iter().map(|&i| values[i].clone()).collect();
            groups.entry(key).or_default().merge(totals);
        }
        // A clone, then the groups replaced: the other sums are small.
        let mut out = self.clone();
        out.meta.dims = dims.to_vec();
        out.sums.groups = groups;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn t(requests: u128, cost: u128) -> Totals {
        Totals {
            requests,
            cost: Money(cost),
            ..Totals::default()
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn groups_agreeing_on_kept_dimensions_are_added() {
        let mut p = Partial::default();
        p.meta.dims = vec![Dimension::Team, Dimension::Model, Dimension::Day];
        let g = &mut p.sums.groups;
        g.insert(vec![s("a"), s("m"), s("2026-10-01")], t(1, 10));
        g.insert(vec![s("a"), s("m"), s("2026-10-02")], t(2, 20));
        g.insert(vec![None, s("m"), s("2026-10-02")], t(4, 5));
        g.insert(vec![s("a"), None, s("2026-10-02")], t(8, 1));
        p.sums.total = t(15, 36);

        let by_team_model = p.project(&[Dimension::Team, Dimension::Model]).unwrap();
        assert_eq!(by_team_model.meta.dims, [Dimension::Team, Dimension::Model]);
        let r = by_team_model.finish();
        let rows: Vec<_> = r
            .groups
            .iter()
            .map(|g| (g.values.clone(), g.totals.requests, g.totals.cost.0))
            .collect();
        assert_eq!(
            rows,
            [
                (vec![s("a"), s("m")], 3, 30),
                (vec![None, s("m")], 4, 5),
                (vec![s("a"), None], 8, 1),
            ]
        );
        assert_eq!(r.totals, t(15, 36));

        let by_day_team = p.project(&[Dimension::Day, Dimension::Team]).unwrap();
        let r = by_day_team.finish();
        assert_eq!(r.groups[0].values, [s("2026-10-02"), s("a")]);
        assert_eq!(r.groups[0].totals, t(10, 21));
        assert_eq!(r.groups.len(), 3);

        assert!(p.project(&[Dimension::Service]).is_none());
    }
}
