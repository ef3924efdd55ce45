//! Daily use (issue 24), continued: `coverage` shares named by basis, the
//! ownership line only with `--owners`, `n/a` for uncounted aggregated
//! rows; plurals; the help's heading order.

use crate::util::llmspend;

/// Stdout and stderr of `llmspend ARGS` at an 80- or 200-column terminal;
/// asserts the run succeeded.
fn run(width: usize, args: &[&str]) -> (String, String) {
    let out = llmspend()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

#[test]
fn coverage_shares_name_their_basis_and_owners_line_needs_owners() {
    for width in [80, 200] {
        let (plain, _) = run(width, &["coverage", "samples/"]);
        assert!(!plain.contains("ownership map"), "{plain}");
        assert!(plain.contains("% of requests"), "{plain}");
        assert!(plain.contains("% of cost"), "{plain}");
        assert!(!plain.contains("share of unattributed │"), "{plain}");
        let (owned, _) = run(
            width,
            &[
                "coverage",
                "--owners",
                "tests/golden/owners.csv",
                "samples/",
            ],
        );
        assert_eq!(owned.matches("by ownership map").count(), 1, "{owned}");
    }
}

#[test]
fn coverage_shows_na_for_aggregated_rows_without_a_request_count() {
    for width in [80, 200] {
        let (out, _) = run(
            width,
            &[
                "coverage",
                "--require",
                "team",
                "tests/fixtures/reconcile/anthropic/",
            ],
        );
        assert!(out.contains("unattributed: n/a requests"), "{out}");
        let row = out
            .lines()
            .find(|l| l.contains("search-bot"))
            .expect("an offender row");
        assert!(row.contains("n/a"), "{row}");
        assert!(!row.contains("┆        0 ┆"), "{row}");
        assert!(out.contains("n/a: aggregated provider rows"), "{out}");
    }
}

#[test]
fn one_request_is_singular_in_bill_budget_and_warnings() {
    for width in [80, 200] {
        let (bill, _) = run(
            width,
            &[
                "bill",
                "tests/budget/logs.jsonl",
                "--rates",
                "tests/budget/rates.csv",
                "--month",
                "2026-10",
                "--format",
                "table",
                "--customers",
                "tests/budget/customers.csv",
            ],
        );
        assert!(bill.contains("mystery (1 request) has no"), "{bill}");
        let (budget, _) = run(
            width,
            &[
                "budget",
                "tests/budget/logs.jsonl",
                "--rates",
                "tests/budget/rates.csv",
                "--format",
                "table",
                "--budgets",
                "tests/budget/budgets.csv",
                "--as-of",
                "2026-10-20T00:00:00Z",
            ],
        );
        assert!(
            budget.contains("mystery (1 request, 100 tokens) has no"),
            "{budget}"
        );
        let (otel, err) = run(width, &["report", "--format", "csv", "tests/fixtures/otel"]);
        let all = format!("{otel}{err}");
        assert!(
            all.contains("1 OpenLLMetry Anthropic span gives 5-minute"),
            "{all}"
        );
        for text in [&bill, &budget, &all] {
            assert!(!text.contains(" 1 requests"), "{text}");
            assert!(!text.contains("(1 requests"), "{text}");
        }
    }
}

/// The help's section headings, in order.
fn headings(help: &str) -> Vec<&str> {
    help.lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':') && !l.contains(' '))
        .collect()
}

#[test]
fn help_headings_follow_the_workflow() {
    for width in [80, 200] {
        for flag in ["-h", "--help"] {
            let (report, _) = run(width, &["report", flag]);
            assert_eq!(
                headings(&report),
                [
                    "Options:",
                    "Input:",
                    "Filters:",
                    "Grouping:",
                    "Attribution:",
                    "Pricing:",
                    "Output:",
                    "Gates:",
                    "Reconciliation:"
                ],
                "{report}"
            );
            let (coverage, _) = run(width, &["coverage", flag]);
            assert_eq!(
                headings(&coverage),
                [
                    "Options:",
                    "Input:",
                    "Filters:",
                    "Grouping:",
                    "Attribution:",
                    "Pricing:",
                    "Output:",
                    "Gates:"
                ],
                "{coverage}"
            );
            let input = report.lines().skip_while(|l| *l != "Input:").nth(1);
            assert!(
                input.unwrap().trim_start().starts_with("<PATH>"),
                "{report}"
            );
        }
    }
}

#[test]
fn at_80_columns_every_line_of_the_report_fits() {
    let (out, _) = run(80, &["report", "samples/"]);
    let wide: Vec<&str> = out.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(wide.is_empty(), "lines over 80 columns: {wide:#?}");
    // Wrapped, not cut: the notes under the table keep every word.
    assert!(out.contains("left out to fit 80 columns:"), "{out}");
    assert!(out.contains("selfhosted/acme-llm-7b"), "{out}");
    let (wide_out, _) = run(200, &["report", "samples/"]);
    // The notes from the unpriced mark on are the same words at any width.
    let words = |t: &str| {
        let notes = &t[t.find("+?:").expect("the unpriced note")..];
        notes
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(words(&out), words(&wide_out));
}
