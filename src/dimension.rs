//! The dimensions of `--by`, `--where` and the coverage offenders: their
//! names on the command line and in outputs, the record field each reads,
//! and the periods (day, ISO week, month) of the time dimensions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::record::Field;
use crate::time::{civil_from_days, format_day};

/// A dimension of `--by` and `--where`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    clap::ValueEnum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Dimension {
    /// Owning team.
    Team,
    /// Cost center.
    CostCenter,
    /// OpenAI project, Anthropic workspace.
    Project,
    /// Calling service.
    Service,
    /// HTTP route.
    Route,
    /// Deployment environment.
    Environment,
    /// End customer.
    Customer,
    /// User or principal.
    User,
    /// API key alias or id.
    ApiKey,
    /// Provider (canonical, or inferred from the model).
    Provider,
    /// Model id as logged.
    Model,
    /// Service tier.
    ServiceTier,
    /// The adapter that read the row.
    Source,
    /// UTC date (or `--tz`), YYYY-MM-DD.
    Day,
    /// ISO week, YYYY-Www.
    Week,
    /// Month, YYYY-MM.
    Month,
    /// The model of the rate-card row that priced the record (missing when
    /// unpriced): a model's spellings priced by one row are one group.
    RateModel,
    /// The model without routing prefix, Bedrock profile and version, or
    /// dated snapshot suffix: the rule `rates` matches by.
    ModelFamily,
}

impl Dimension {
    /// Every dimension, in the order of docs/design.md.
    pub const ALL: [Dimension; 18] = [
        Dimension::Team,
        Dimension::CostCenter,
        Dimension::Project,
        Dimension::Service,
        Dimension::Route,
        Dimension::Environment,
        Dimension::Customer,
        Dimension::User,
        Dimension::ApiKey,
        Dimension::Provider,
        Dimension::Model,
        Dimension::ServiceTier,
        Dimension::RateModel,
        Dimension::ModelFamily,
        Dimension::Source,
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
    ];

    /// The name used on the command line and as a CSV column.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Source => "source",
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
            Dimension::RateModel => "rate_model",
            Dimension::ModelFamily => "model_family",
            other => other.field().map(Field::name).unwrap_or(""),
        }
    }

    /// The record field this dimension reads, if it is a text field.
    pub fn field(self) -> Option<Field> {
        Some(match self {
            Dimension::Team => Field::Team,
            Dimension::CostCenter => Field::CostCenter,
            Dimension::Project => Field::Project,
            Dimension::Service => Field::Service,
            Dimension::Route => Field::Route,
            Dimension::Environment => Field::Environment,
            Dimension::Customer => Field::Customer,
            Dimension::User => Field::User,
            Dimension::ApiKey => Field::ApiKey,
            Dimension::Provider => Field::Provider,
            Dimension::Model => Field::Model,
            Dimension::ServiceTier => Field::ServiceTier,
            _ => return None,
        })
    }

    /// Looks a dimension up by name.
    pub fn from_name(name: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Looks a dimension up by name, forgiving case, spaces and hyphens
    /// (`cost-center`, ` Model`).
    pub fn parse_loose(name: &str) -> Option<Dimension> {
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::from_name(&n)
    }

    /// The command line's parser of a dimension: [`Dimension::parse_loose`],
    /// and an error naming a near name and every name.
    pub fn parse_arg(text: &str) -> Result<Dimension, String> {
        if let Some(d) = Self::parse_loose(text) {
            return Ok(d);
        }
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let near = Self::ALL.into_iter().find(|d| {
            let n = d.name();
            t.len() >= 3 && (n.starts_with(&t[..3]) || t.starts_with(n))
        });
        let tip = near.map_or(String::new(), |d| format!(" (did you mean `{d}`?)"));
        Err(format!(
            "unknown dimension `{}`{tip}; dimensions are {}",
            text.trim(),
            Self::ALL.map(|d| d.name()).join(", ")
        ))
    }

    /// Returns true if and only if the dimension is a period of time.
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Week | Dimension::Month)
    }

    /// The period number of a local day for a time dimension: the day, the
    /// Monday of its ISO week, or `year * 12 + month - 1`.
    pub fn period(self, day: i64) -> i64 {
        match self {
            Dimension::Week => day - (day + 3).rem_euclid(7),
            Dimension::Month => {
                let (y, m, _) = civil_from_days(day);
                i64::from(y) * 12 + i64::from(m) - 1
            }
            _ => day,
        }
    }

    /// Formats a period number of a time dimension.
    pub fn format_period(self, n: i64) -> String {
        match self {
            Dimension::Week => {
                // ISO week: the week containing the Thursday.
                let thursday = n + 3;
                let (year, _, _) = civil_from_days(thursday);
                let jan1 = crate::time::days_from_civil(year, 1, 1);
                let week = (thursday - jan1) / 7 + 1;
                format!("{year:04}-W{week:02}")
            }
            Dimension::Month => format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1),
            _ => format_day(n),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_format_as_day_iso_week_and_month() {
        let day = crate::time::days_from_civil(2026, 10, 3); // a Saturday
        assert_eq!(
            Dimension::Day.format_period(Dimension::Day.period(day)),
            "2026-10-03"
        );
        assert_eq!(
            Dimension::Week.format_period(Dimension::Week.period(day)),
            "2026-W40"
        );
        assert_eq!(
            Dimension::Month.format_period(Dimension::Month.period(day)),
            "2026-10"
        );
        let jan1 = crate::time::days_from_civil(2027, 1, 1); // a Friday: ISO week 53 of 2026
        assert_eq!(
            Dimension::Week.format_period(Dimension::Week.period(jan1)),
            "2026-W53"
        );
    }

    #[test]
    fn names_round_trip() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_name(d.name()), Some(d));
        }
    }
}
