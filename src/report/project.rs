//! Projecting a partial onto fewer dimensions: the groups whose values
//! agree on the kept dimensions are added up, and everything else (the
//! ledger, totals, coverage, unpriced models) is left as it is, because
//! none of it depends on `--by`. A run grouped by `team,model,day`
//! projected onto `team,model` gives the figures of a run grouped by
//! `team,model`: every group total is an integer sum, so adding the daily
//! groups of a pair gives its total exactly. The HTML report reads its
//! logs once with `day` added and projects (docs/design.md, "Report HTML").

use super::partial::Partial;
use crate::dimension::Dimension;

impl Partial {
    /// This partial grouped by `dims`, each of which must be one of its
    /// own dimensions; `None` if one is not ([`Partial::roll_up`] on a
    /// copy).
    pub fn project(&self, dims: &[Dimension]) -> Option<Partial> {
        self.clone().roll_up(dims).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::report::Totals;

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
