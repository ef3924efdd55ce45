//! The plan of a run: what every worker shares, read-only (dimensions,
//! window, `--where`, rate card, attribution), which text fields the run
//! reads, and the [`Meta`] its partial carries.

use crate::dimension::Dimension;
use crate::enrich::ownership::OwnerMap;
use crate::filter::{Where, Window};
use crate::price::card::RateCard;
use crate::record::{Field, FieldSet};
use crate::report::{Filters, Meta};

/// What every worker of a run shares, read-only.
pub struct Plan<'c> {
    /// `--by`, in order.
    pub dims: Vec<Dimension>,
    /// The time window.
    pub window: Window,
    /// `--where` conditions, all of which must pass.
    pub wheres: Vec<Where>,
    /// The merged rate card.
    pub card: &'c RateCard,
    /// Seconds east of UTC for day/week/month grouping (`--tz`); 0 for a
    /// named zone, whose offset is `zone`'s at each instant.
    pub tz_offset: i64,
    /// `--tz` when it is a named zone (`Zone::Fixed` is read from
    /// `tz_offset`, whatever its value here).
    pub zone: crate::zone::Zone,
    /// Longest line accepted, in bytes.
    pub max_line_bytes: usize,
    /// Sum the costs sources state (`reported_cost`): only output that
    /// shows them asks, since most rows state one and reading it is a
    /// float parse per row.
    pub reported_cost: bool,
    /// Text fields the run's consumer reads beyond those the plan names
    /// (a row writer's columns): sources fill only the fields read.
    pub also_read: Vec<Field>,
    /// Enrichment, dedupe and the required fields.
    pub attribution: AttributionPlan<'c>,
}

/// The rate card's sha256 (hex): over one canonical text line per row
/// (provider, model, dates, the five prices in pico-dollars per token,
/// tier, long-context threshold), in the card's order. Where the card was
/// read from does not enter, so the same card shipped to another path (a
/// Spark executor's) gives the same hash.
pub fn rates_sha256(card: &RateCard) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for r in card.rows() {
        let line = format!(
            "{},{},{:?},{:?},{},{},{},{},{},{},{:?}\n",
            r.provider,
            r.model,
            r.from,
            r.to,
            r.input.0,
            r.output.0,
            r.cache_read.0,
            r.cache_write.0,
            r.cache_write_1h.0,
            r.tier.as_deref().unwrap_or(""),
            r.above,
        );
        h.update(line.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The attribution part of a [`Plan`]: off by default.
#[derive(Debug, Clone, Default)]
pub struct AttributionPlan<'c> {
    /// Fields every request should carry (`--require`): their unattributed
    /// figures are gathered, and a record is attributed when it has all.
    pub required: Vec<Field>,
    /// Group requests that lack a required field by these (coverage `--by`);
    /// empty gathers no offenders.
    pub offender_dims: Vec<Dimension>,
    /// Count a repeated request id once.
    pub dedupe: bool,
    /// `--owners`.
    pub owners: Option<&'c OwnerMap>,
    /// `--owners-override`.
    pub owners_override: bool,
    /// Fold ids out of routes.
    pub route_templates: bool,
    /// Sum records by how their owner was found (request or map).
    pub track_origin: bool,
    /// `--normalize-values`: owner values in one spelling.
    pub normalize_values: bool,
    /// Fields whose distinct values (with requests) are collected, to find
    /// inconsistent spellings.
    pub value_fields: Vec<Field>,
}

impl Plan<'_> {
    /// What [`Worker::account`] reads for this plan: the text fields of
    /// pricing (provider, model, service tier), the unattributed shares
    /// (team, cost center), dedupe (request id), and whatever the
    /// dimensions, filters and attribution name; the stated cost if asked.
    /// An ownership map may match on any field, so with one every field is
    /// read.
    pub fn fields_read(&self) -> FieldSet {
        let fields = self.text_fields_read();
        match self.reported_cost {
            true => fields.with_reported_cost(),
            false => fields,
        }
    }

    /// What the partial of this plan's run is of: everything two partials
    /// must agree on to be added up.
    pub fn meta(&self) -> Meta {
        let a = &self.attribution;
        Meta {
            dims: self.dims.clone(),
            required: a.required.clone(),
            offender_dims: a.offender_dims.clone(),
            value_fields: a.value_fields.clone(),
            filters: Filters {
                since: self.window.since,
                until: self.window.until,
                wheres: self.wheres.iter().map(|w| w.to_string()).collect(),
                tz_offset: self.tz_offset,
                dedupe: a.dedupe,
            },
            rate_card: rates_sha256(self.card),
            owner_rows: a.owners.map(OwnerMap::row_names),
            // Set by `pipeline::tally` from the read options.
            correct_known_bugs: false,
        }
    }

    fn text_fields_read(&self) -> FieldSet {
        let a = &self.attribution;
        if a.owners.is_some() {
            return Field::ALL.into_iter().collect();
        }
        let named = |d: &Dimension| d.field();
        [
            Field::Provider,
            Field::Model,
            Field::ServiceTier,
            Field::Team,
            Field::CostCenter,
            Field::RequestId,
        ]
        .into_iter()
        .chain(self.dims.iter().filter_map(named))
        .chain(self.wheres.iter().filter_map(|w| w.dim.field()))
        .chain(a.offender_dims.iter().filter_map(named))
        .chain(a.required.iter().copied())
        .chain(a.value_fields.iter().copied())
        .chain(self.also_read.iter().copied())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a `--by team,model` plan with `owners`, changed by `plan_of`,
    /// reads.
    fn fields(owners: Option<&OwnerMap>, plan_of: impl FnOnce(&mut Plan<'_>)) -> FieldSet {
        let card = RateCard::embedded().unwrap();
        let mut plan = Plan {
            dims: vec![Dimension::Team, Dimension::Model],
            window: Window::default(),
            wheres: Vec::new(),
            card: &card,
            tz_offset: 0,
            zone: crate::zone::Zone::default(),
            max_line_bytes: 1 << 20,
            reported_cost: false,
            also_read: Vec::new(),
            attribution: AttributionPlan {
                owners,
                ..AttributionPlan::default()
            },
        };
        plan_of(&mut plan);
        plan.fields_read()
    }

    #[test]
    fn a_plan_reads_pricing_attribution_and_what_it_names() {
        let base = [
            Field::Provider,
            Field::Model,
            Field::ServiceTier,
            Field::Team,
            Field::CostCenter,
            Field::RequestId,
        ];
        assert_eq!(fields(None, |_| {}), base.into_iter().collect());
        let with = |more: &[Field]| base.iter().chain(more).copied().collect::<FieldSet>();
        assert_eq!(
            fields(None, |p| p.dims = vec![Dimension::Route, Dimension::Day]),
            with(&[Field::Route])
        );
        assert_eq!(
            fields(None, |p| p.wheres =
                vec!["environment=prod".parse().unwrap()]),
            with(&[Field::Environment])
        );
        assert_eq!(
            fields(None, |p| {
                p.attribution.required = vec![Field::Service];
                p.attribution.offender_dims = vec![Dimension::User];
                p.attribution.value_fields = vec![Field::Project];
            }),
            with(&[Field::Service, Field::User, Field::Project])
        );
    }

    #[test]
    fn an_ownership_map_reads_every_field() {
        let map = OwnerMap::parse(
            std::path::Path::new("owners.csv"),
            b"field,value,team\nservice,checkout,payments\n",
        )
        .unwrap();
        let every: FieldSet = Field::ALL.into_iter().collect();
        assert_eq!(fields(Some(&map), |_| {}), every);
        assert_eq!(
            fields(Some(&map), |p| p.reported_cost = true),
            FieldSet::ALL
        );
    }

    #[test]
    fn the_stated_cost_is_read_only_when_asked() {
        assert!(!fields(None, |_| {}).reads_reported_cost());
        let asked = fields(None, |p| p.reported_cost = true);
        assert!(asked.reads_reported_cost());
        assert_eq!(asked, fields(None, |_| {}).with_reported_cost());
    }
}
