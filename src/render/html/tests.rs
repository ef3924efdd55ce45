//! Snapshot tests of the HTML pages on fixed, hand-built reports (the
//! report and coverage fixtures of `render/tests.rs`, and a partial
//! grouped by team, model and day, projected as the command does), and
//! checks of what the snapshots cannot show at a glance: escaping, the
//! embedded JSON, the 500-row cut.

use super::{page, Charts};
use crate::dimension::Dimension;
use crate::money::Money;
use crate::record::Field;
use crate::render::coverage::{self as cov, CoverageFormat, View};
use crate::render::renderer::Renderer;
use crate::render::tests::{allocated, empty, mixed, verdicts};
use crate::report::{Group, Partial, Report, RequiredSums, Totals};

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn t(requests: u128, cost_micros: u128) -> Totals {
    Totals {
        requests,
        input_tokens: requests * 1000,
        output_tokens: requests * 100,
        cost: Money(cost_micros * 1_000_000),
        ..Totals::default()
    }
}

/// Three days of four teams (one hostile, one missing) on two models, and
/// an unpriced model; offenders of team and cost_center by service and
/// api_key.
fn partial() -> Partial {
    let mut p = Partial::default();
    p.meta.dims = vec![Dimension::Team, Dimension::Model, Dimension::Day];
    p.meta.required = vec![Field::Team, Field::CostCenter];
    p.meta.offender_dims = vec![Dimension::Service, Dimension::ApiKey];
    let teams = [
        s("search"),
        s("<img src=x onerror=alert(1)>"),
        s("payments"),
        None,
    ];
    let mut total = Totals::default();
    let mut no_team = Totals::default();
    for (d, day) in ["2026-10-01", "2026-10-02", "2026-10-03"]
        .iter()
        .enumerate()
    {
        for (i, team) in teams.iter().enumerate() {
            for (m, model) in ["gpt-4o", "claude-sonnet-4-5"].iter().enumerate() {
                let g = t(
                    1 + i as u128,
                    1_234_567 * (4 - i as u128) * (d as u128 + 1) + m as u128 * 500_001,
                );
                p.sums
                    .groups
                    .insert(vec![team.clone(), s(model), s(day)], g.clone());
                total.merge(&g);
                if team.is_none() {
                    no_team.merge(&g);
                }
            }
        }
        let unpriced = Totals {
            unpriced_requests: 2,
            ..t(2, 0)
        };
        p.sums.groups.insert(
            vec![s("search"), s("acme-llm-7b"), s(day)],
            unpriced.clone(),
        );
        total.merge(&unpriced);
    }
    p.sums.total = total;
    p.sums.no_team = no_team.clone();
    p.sums.no_cost_center = no_team.clone();
    p.sums.unpriced.insert(s("acme-llm-7b"), (6, 6600));
    let mut offenders = rustc_hash::FxHashMap::default();
    let half = Totals {
        requests: no_team.requests / 2,
        cost: Money(no_team.cost.0 / 2),
        ..Totals::default()
    };
    let mut rest = no_team.clone();
    rest.subtract(&half);
    offenders.insert(vec![s("batch</script>"), s("key-1")], half);
    offenders.insert(vec![None, s("key-2")], rest);
    let required = RequiredSums {
        missing: no_team,
        offenders,
    };
    p.sums.required = vec![required.clone(), required];
    p
}

fn page_of(report: &Report, charts: Option<&Charts<'_>>) -> String {
    let mut out = Vec::new();
    page::write(report, charts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn with_charts() -> String {
    let p = partial();
    let report = p
        .project(&[Dimension::Team, Dimension::Model])
        .unwrap()
        .finish();
    let daily = p
        .project(&[Dimension::Team, Dimension::Day])
        .unwrap()
        .finish();
    let by_first = p.project(&[Dimension::Team]).unwrap().finish();
    page_of(
        &report,
        Some(&Charts {
            daily: &daily,
            by_first: &by_first,
        }),
    )
}

#[test]
fn report_page_snapshots() {
    insta::assert_snapshot!("html_report_charts", with_charts());
    insta::assert_snapshot!("html_report_mixed", page_of(&mixed(), None));
    insta::assert_snapshot!("html_report_allocated", page_of(&allocated(), None));
    insta::assert_snapshot!("html_report_empty", page_of(&empty(), None));
}

#[test]
fn an_empty_run_draws_empty_charts() {
    let mut p = partial();
    p.sums = Default::default();
    let report = p
        .project(&[Dimension::Team, Dimension::Model])
        .unwrap()
        .finish();
    let daily = p.project(&[Dimension::Day]).unwrap().finish();
    let by_first = p.project(&[Dimension::Team]).unwrap().finish();
    let page = page_of(
        &report,
        Some(&Charts {
            daily: &daily,
            by_first: &by_first,
        }),
    );
    assert!(page.contains("aria-label=\"Cost per day\""));
    assert!(page.contains("aria-label=\"Cost by team\""));
}

#[test]
fn coverage_page_snapshot() {
    let mut out = Vec::new();
    let report = mixed();
    let v = verdicts();
    let view = View {
        report: &report,
        verdicts: &v,
        top: 1,
    };
    cov::render(CoverageFormat::Html, &view, &mut out).unwrap();
    insta::assert_snapshot!("html_coverage_mixed", String::from_utf8(out).unwrap());
}

#[test]
fn the_charted_page_escapes_and_embeds_the_json() {
    let page = with_charts();
    let head = &page[..1024];
    assert!(head.contains("<meta charset=\"utf-8\">"));
    assert!(head.contains("script-src 'none'"));
    assert!(!page.contains("<img"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("batch</script>"));
    assert_eq!(page.matches("<script").count(), 1);
    for label in [
        "Cost by team",
        "Cost per day by team",
        "Attributed vs unattributed cost by team and cost_center",
        "Who sends cost with no team",
        "Who sends cost with no cost_center",
        "Unpriced models: requests (cost unknown, not $0)",
    ] {
        assert!(
            page.contains(&format!("<svg role=\"img\" aria-label=\"{label}")),
            "{label}"
        );
    }
    // The unpriced model is never shown as a cost of $0.
    assert!(page.contains("<td class=\"n\"><span class=\"unpriced\">unpriced</span></td>"));
    let p = partial();
    let report = p
        .project(&[Dimension::Team, Dimension::Model])
        .unwrap()
        .finish();
    let mut json = Vec::new();
    crate::render::json::Json
        .render(&report, &mut json)
        .unwrap();
    let start = page.find("id=\"llmspend-report\">\n").unwrap() + "id=\"llmspend-report\">\n".len();
    let end = page[start..].find("\n</script>").unwrap() + start;
    let embedded: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let want: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(embedded, want);
}

#[test]
fn ten_thousand_groups_show_500_rows_and_embed_all() {
    let mut r = empty();
    r.dims = vec![Dimension::User];
    r.groups = (0..10_000u128)
        .map(|i| Group {
            values: vec![Some(format!("user-{i:05}"))],
            totals: t(1, 10_000 - i),
        })
        .collect();
    for g in &r.groups {
        r.totals.merge(&g.totals);
    }
    let page = page_of(&r, None);
    let body = &page[page.find("<tbody>").unwrap()..page.find("</tbody>").unwrap()];
    assert_eq!(body.matches("<tr>").count(), 500);
    assert!(body.contains("user-00499") && !body.contains("user-00500"));
    assert!(page
        .contains("The table shows the 500 costliest groups; 9,500 more are in the embedded JSON"));
    let start = page.find("id=\"llmspend-report\">\n").unwrap();
    let json: serde_json::Value = serde_json::from_str(
        &page[start + "id=\"llmspend-report\">\n".len()..page.rfind("\n</script>").unwrap()],
    )
    .unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 10_000);
}
