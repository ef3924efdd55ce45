//! `--format json`: one object with `groups`, `totals` and `accounting`
//! (docs/design.md, "Report JSON"). The wire types live here, apart from the
//! internal ones, so the contract changes only when this file does.
//! A missing dimension value is `null`; money is a 6-decimal string.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::renderer::Renderer;
use crate::record::Field;
use crate::report::Report;
use crate::report::Totals;

/// The JSON renderer.
pub struct Json;

#[derive(Serialize)]
struct Wire<'a> {
    by: Vec<&'static str>,
    groups: Vec<WireGroup>,
    totals: Metrics,
    /// Only with `--show-reported`.
    #[serde(skip_serializing_if = "Option::is_none")]
    reconciliation: Option<Reconciliation<'a>>,
    accounting: WireAccounting<'a>,
    sources: Vec<WireSource<'a>>,
}

/// One group: its dimensions by name, then the metrics. Serialized
/// directly (not through `serde_json::Value`, which cannot hold a `u128`
/// past `u64::MAX`: token sums can exceed it).
#[derive(Serialize)]
struct WireGroup {
    #[serde(flatten)]
    dims: Map<String, Value>,
    #[serde(flatten)]
    metrics: Metrics,
    /// Only with `--allocate-unattributed`: an estimate, beside the measured cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    allocated_cost_usd: Option<String>,
    /// Only with `--explain-difference`: the difference by cause, `null`
    /// within the tolerance or without a stated cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Option<Explanation>>,
}

/// A group's difference by cause, exact (12 decimals): the amounts add
/// up to `difference_usd` (docs/reconcile.md).
#[derive(Serialize)]
struct Explanation {
    difference_usd: String,
    causes: Vec<WireCause>,
}

#[derive(Serialize)]
struct WireCause {
    cause: &'static str,
    amount_usd: String,
}

impl Explanation {
    fn of(report: &Report, t: &Totals) -> Option<Option<Explanation>> {
        let opts = report.reconcile.filter(|o| o.explain)?;
        let exact = |v: i128| crate::money::signed_usd(v, 12);
        Some(opts.explained(t).map(|parts| {
            Explanation {
                difference_usd: exact(parts.iter().sum()),
                causes: crate::report::Causes::NAMES
                    .into_iter()
                    .zip(parts)
                    .map(|(cause, p)| WireCause {
                        cause,
                        amount_usd: exact(p),
                    })
                    .collect(),
            }
        }))
    }
}

/// A rate-card row whose records a source priced otherwise.
#[derive(Serialize)]
struct WirePriceRow<'a> {
    llmspend_row: &'a str,
    records: u128,
    tokens: std::collections::BTreeMap<&'static str, u128>,
    cost_usd: String,
    /// The source's cost of the same records before rounding to cents.
    reported_cost_usd: String,
    /// The source's cost over llmspend's, six decimals (a string, as it
    /// is a ratio of money: `5.000000`); `null` when llmspend's is zero.
    source_to_llmspend_ratio: Option<String>,
    /// The per-MTok rate the source's cost implies, when exact (one kind
    /// of token); else `null`.
    implied_rate: Option<WireRate>,
}

#[derive(Serialize)]
struct WireRate {
    token_kind: &'static str,
    usd_per_mtok: String,
}

/// Unpriced models -> requests, in the report's order.
struct Unpriced<'a>(&'a [(Option<String>, u128, u128)]);

impl Serialize for Unpriced<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (model, requests, _) in self.0 {
            map.serialize_entry(model.as_deref().unwrap_or("(no model)"), requests)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Metrics {
    requests: u128,
    input_tokens: u128,
    output_tokens: u128,
    cache_read_tokens: u128,
    cache_write_tokens: u128,
    cache_write_1h_tokens: u128,
    cost_usd: String,
    unpriced_requests: u128,
    /// `null` when no record stated a cost, never `0.000000`.
    reported_cost_usd: Option<String>,
    /// Only with `--show-reported`: llmspend's cost minus the reported
    /// one, `null` when none was reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    difference_usd: Option<Option<String>>,
}

impl Metrics {
    fn of(t: &Totals, report: &Report) -> Metrics {
        Metrics {
            requests: t.requests,
            input_tokens: t.input_tokens,
            output_tokens: t.output_tokens,
            cache_read_tokens: t.cache_read_tokens,
            cache_write_tokens: t.cache_write_tokens(),
            cache_write_1h_tokens: t.cache_write_1h_tokens,
            cost_usd: t.cost.to_usd_string(6),
            unpriced_requests: t.unpriced_requests,
            reported_cost_usd: t.reported().map(|m| m.to_usd_string(6)),
            difference_usd: report
                .reconcile
                .map(|_| t.difference().map(|d| crate::money::signed_usd(d, 6))),
        }
    }
}

/// `--show-reported`'s summary (docs/design.md, Reconciliation).
#[derive(Serialize)]
struct Reconciliation<'a> {
    reported_cost_usd: String,
    cost_usd: String,
    difference_usd: String,
    unreported_cost_usd: String,
    /// A JSON number, as every percentage (money stays a string).
    unreported_cost_share_pct: serde_json::Value,
    groups_reported: usize,
    groups_unreported: usize,
    /// Only with `--explain-difference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<String>,
    /// Only with `--explain-difference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    price_basis: Option<Vec<WirePriceRow<'a>>>,
}

impl Reconciliation<'_> {
    fn of(report: &Report) -> Reconciliation<'_> {
        let explain = report.reconcile.filter(|o| o.explain);
        let s = report.reconciliation();
        Reconciliation {
            reported_cost_usd: s.reported.to_usd_string(6),
            cost_usd: s.priced.to_usd_string(6),
            difference_usd: crate::money::signed_usd(s.difference, 6),
            unreported_cost_usd: s.unreported_priced.to_usd_string(6),
            unreported_cost_share_pct: serde_json::from_str(&crate::money::percent(
                s.unreported_priced.0,
                s.priced.0,
            ))
            .unwrap_or(serde_json::Value::Null),
            groups_reported: s.groups_reported,
            groups_unreported: s.groups_unreported,
            tolerance: explain.map(|o| super::explained::tolerance_text(&o.tolerance)),
            price_basis: explain.map(|_| {
                report
                    .coverage
                    .price_rows
                    .iter()
                    .map(|(row, r)| WirePriceRow {
                        llmspend_row: row,
                        records: r.records,
                        tokens: crate::report::explain::TOKEN_KINDS
                            .into_iter()
                            .zip(r.tokens)
                            .collect(),
                        cost_usd: crate::money::Money(r.priced).to_usd_string(12),
                        reported_cost_usd: crate::money::Money(r.reported).to_usd_string(12),
                        source_to_llmspend_ratio: r.ratio(),
                        implied_rate: r.implied_rate().map(|(kind, rate)| WireRate {
                            token_kind: kind,
                            usd_per_mtok: crate::money::Money(rate).to_usd_string(12),
                        }),
                    })
                    .collect()
            }),
        }
    }
}

#[derive(Serialize)]
struct Share {
    requests: u128,
    tokens: u128,
    cost_usd: String,
}

impl Share {
    fn of(t: &Totals) -> Share {
        Share {
            requests: t.requests,
            tokens: t.tokens(),
            cost_usd: t.cost.to_usd_string(6),
        }
    }
}

#[derive(Serialize)]
struct Unattributed {
    team: Share,
    cost_center: Share,
    /// Other `--require` fields, by name.
    #[serde(flatten)]
    other: std::collections::BTreeMap<&'static str, Share>,
}

#[derive(Serialize)]
struct WireOwners<'a> {
    request: Share,
    map: Share,
    stale_rows: &'a [String],
}

#[derive(Serialize)]
struct WireSample<'a> {
    file: &'a str,
    line: u64,
    reason: &'a str,
}

#[derive(Serialize)]
struct WireWarning<'a> {
    code: &'static str,
    message: String,
    requests: u128,
    tokens: u128,
    amount_usd: String,
    files: &'a [String],
}

#[derive(Serialize)]
struct WireUnreadable<'a> {
    path: &'a str,
    error: &'a str,
    /// The same as `error`, under the name the other lists use.
    reason: &'a str,
}

#[derive(Serialize)]
struct WireSource<'a> {
    file: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
pub(crate) struct WireAccounting<'a> {
    lines_read: u64,
    parsed: u64,
    filtered: u64,
    duplicate: u64,
    malformed: u64,
    blank: u64,
    ignored: u64,
    malformed_reasons: &'a std::collections::BTreeMap<String, u64>,
    malformed_samples: Vec<WireSample<'a>>,
    unattributed: Unattributed,
    unpriced: Unpriced<'a>,
    priced_at_standard_tier: u128,
    long_context_tier_not_applied: u128,
    unreadable: Vec<WireUnreadable<'a>>,
    ignored_reasons: &'a std::collections::BTreeMap<String, u64>,
    ignored_samples: Vec<WireSample<'a>>,
    unrecognized_files: &'a [crate::accounting::Unrecognized],
    /// Lossy or buggy instrumentations and prices not applied
    /// (docs/design.md, Warnings).
    warnings: Vec<WireWarning<'a>>,
    /// How owners were found; only with `--owners`.
    #[serde(skip_serializing_if = "Option::is_none")]
    owners: Option<WireOwners<'a>>,
}

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let groups = report
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut dims = Map::new();
                for (d, v) in report.dims.iter().zip(&g.values) {
                    dims.insert(
                        d.name().into(),
                        v.clone().map_or(Value::Null, Value::String),
                    );
                }
                WireGroup {
                    dims,
                    metrics: Metrics::of(&g.totals, report),
                    allocated_cost_usd: report.allocated.as_ref().map(|a| a[i].to_usd_string(6)),
                    explanation: Explanation::of(report, &g.totals),
                }
            })
            .collect();
        let wire = Wire {
            by: report.dims.iter().map(|d| d.name()).collect(),
            groups,
            totals: Metrics {
                // Over the groups that state a cost, as the summary says.
                difference_usd: report.reconcile.map(|_| {
                    let s = report.reconciliation();
                    (s.groups_reported > 0).then(|| crate::money::signed_usd(s.difference, 6))
                }),
                ..Metrics::of(&report.totals, report)
            },
            reconciliation: report.reconcile.map(|_| Reconciliation::of(report)),
            accounting: accounting(report),
            sources: report
                .sources
                .iter()
                .map(|(f, s)| WireSource { file: f, source: s })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &wire)?;
        out.write_all(b"\n")
    }
}

/// The `accounting` object of the report JSON, also used by `budget`
/// and `bill`.
pub(crate) fn accounting(report: &Report) -> WireAccounting<'_> {
    let a = &report.accounting;
    let c = &report.coverage;
    WireAccounting {
        lines_read: a.counts.lines_read,
        parsed: a.counts.parsed,
        filtered: a.counts.filtered,
        duplicate: a.counts.duplicate,
        malformed: a.counts.malformed,
        blank: a.counts.blank,
        ignored: a.counts.ignored,
        malformed_reasons: &a.reasons,
        malformed_samples: a
            .samples
            .iter()
            .map(|s| WireSample {
                file: &s.file,
                line: s.line,
                reason: &s.reason,
            })
            .collect(),
        unattributed: Unattributed {
            team: Share::of(&c.no_team),
            cost_center: Share::of(&c.no_cost_center),
            other: c
                .required
                .iter()
                .filter(|f| !matches!(f.field, Field::Team | Field::CostCenter))
                .map(|f| (f.field.name(), Share::of(&f.missing)))
                .collect(),
        },
        owners: c.owners_used.then(|| WireOwners {
            request: Share::of(&c.by_request),
            map: Share::of(&c.by_map),
            stale_rows: &c.stale_owners,
        }),
        unpriced: Unpriced(&c.unpriced),
        priced_at_standard_tier: c.tier_fallback,
        long_context_tier_not_applied: c.tier_skipped,
        unreadable: a
            .unreadable
            .iter()
            .map(|(p, e)| WireUnreadable {
                path: p,
                error: e,
                reason: e,
            })
            .collect(),
        ignored_reasons: &a.ignored,
        ignored_samples: a
            .ignored_samples
            .iter()
            .map(|s| WireSample {
                file: &s.file,
                line: s.line,
                reason: &s.reason,
            })
            .collect(),
        unrecognized_files: &a.unrecognized,
        warnings: c
            .warnings
            .iter()
            .map(|w| WireWarning {
                code: w.code.name(),
                message: w.message(),
                requests: w.requests,
                tokens: w.tokens,
                amount_usd: w.amount.to_usd_string(6),
                files: &w.files,
            })
            .collect(),
    }
}
