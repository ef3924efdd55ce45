//! The golden test: every subcommand, on every sample and fixture, in every
//! format, byte for byte (stdout, stderr and the exit code). It freezes the
//! behaviour while code moves; a change of output on purpose regenerates it
//! with `GOLDEN_UPDATE=1 cargo test golden` and shows in review as a diff of
//! `tests/golden/`.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Inputs run through `report` and `coverage` in every format, each with
/// the name of its cases. Every fixture folder is one input, but a folder
/// with files beside subfolders is split: its files are one input, named
/// after the folder, and each subfolder is another (`litellm/` holds the
/// proxy logs, `litellm/daily/` and `litellm/export/`). A folder of folders
/// only (claude-code's `projects/` tree) stays one input.
fn inputs() -> Vec<(String, Vec<String>)> {
    let name = |p: &Path| p.to_string_lossy().trim_end_matches('/').replace('/', "_");
    let arg = |p: &Path| p.to_string_lossy().into_owned();
    let mut out = vec![("samples".to_string(), vec!["samples/".to_string()])];
    for dir in ["tests/fixtures", "tests/corpus"] {
        for path in entries(Path::new(dir)) {
            let inner = if path.is_dir() {
                entries(&path)
            } else {
                Vec::new()
            };
            let (dirs, files): (Vec<_>, Vec<_>) = inner.into_iter().partition(|p| p.is_dir());
            if dirs.is_empty() || files.is_empty() {
                out.push((name(&path), vec![arg(&path)]));
                continue;
            }
            out.push((name(&path), files.iter().map(|p| arg(p)).collect()));
            out.extend(dirs.iter().map(|d| (name(d), vec![arg(d)])));
        }
    }
    out
}

/// The inputs in `dir`, sorted: no fuzz seeds, notes, rate cards or dotfiles.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("fuzz") && p.extension().is_none_or(|e| e != "md"))
        .filter(|p| !p.ends_with("card.csv"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    entries.sort();
    entries
}

/// Every case: a file name and the arguments.
fn cases() -> Vec<(String, Vec<String>)> {
    let mut cases = Vec::new();
    let mut add = |name: String, args: &[&str]| {
        cases.push((name, args.iter().map(|s| s.to_string()).collect()));
    };
    for (stem, input) in inputs() {
        let input: Vec<&str> = input.iter().map(String::as_str).collect();
        for format in ["table", "csv", "json", "md"] {
            add(
                format!("report_{format}_{stem}"),
                &[&["report", "--format", format], &input[..]].concat(),
            );
        }
        for format in ["table", "csv", "json", "md", "github", "junit"] {
            add(
                format!("coverage_{format}_{stem}"),
                &[&["coverage", "--format", format], &input[..]].concat(),
            );
        }
        add(
            format!("report_wide_{stem}"),
            &[
                &[
                    "report",
                    "--format",
                    "csv",
                    "--by",
                    "cost_center,project,service,route,environment,customer,provider,service_tier,source,day",
                ],
                &input[..],
            ]
            .concat(),
        );
    }
    let s = "samples/";
    let variants: &[(&str, &[&str])] = &[
        ("by_day", &["report", "--by", "day", s]),
        ("report_html_samples", &["report", "--format", "html", s]),
        (
            "report_html_hostile",
            &[
                "report",
                "--format",
                "html",
                "--by",
                "team,service",
                "tests/fixtures/html",
            ],
        ),
        (
            "coverage_html_hostile",
            &[
                "coverage",
                "--format",
                "html",
                "--require",
                "team,cost_center",
                "tests/fixtures/html",
            ],
        ),
        (
            "by_week_month",
            &["report", "--format", "csv", "--by", "week,month", s],
        ),
        (
            "by_user_key",
            &["report", "--format", "csv", "--by", "user,api_key", s],
        ),
        (
            "tz",
            &[
                "report", "--format", "csv", "--by", "day", "--tz", "+05:30", s,
            ],
        ),
        (
            "month",
            &["report", "--format", "json", "--month", "2026-10", s],
        ),
        (
            "since_until",
            &[
                "report",
                "--format",
                "csv",
                "--since",
                "2026-10-05",
                "--until",
                "2026-10-09T12:00:00Z",
                s,
            ],
        ),
        (
            "where",
            &[
                "report",
                "--format",
                "csv",
                "--where",
                "team=search",
                "--where",
                "environment!=dev",
                s,
            ],
        ),
        (
            "where_missing",
            &["report", "--format", "csv", "--where", "cost_center=", s],
        ),
        (
            "allocate_prop",
            &["report", "--allocate-unattributed", "proportional", s],
        ),
        (
            "allocate_even_csv",
            &[
                "report",
                "--format",
                "csv",
                "--allocate-unattributed",
                "even",
                s,
            ],
        ),
        (
            "allocate_json",
            &[
                "report",
                "--format",
                "json",
                "--allocate-unattributed",
                "proportional",
                s,
            ],
        ),
        (
            "allocate_md",
            &[
                "report",
                "--format",
                "md",
                "--allocate-unattributed",
                "even",
                s,
            ],
        ),
        (
            "normalize",
            &[
                "report",
                "--format",
                "csv",
                "--normalize-values",
                "--by",
                "team,service",
                s,
            ],
        ),
        (
            "raw_routes",
            &[
                "report",
                "--format",
                "csv",
                "--raw-routes",
                "--by",
                "route",
                s,
            ],
        ),
        ("routes", &["report", "--format", "csv", "--by", "route", s]),
        (
            "no_dedupe",
            &["report", "--format", "json", "--no-dedupe", s],
        ),
        (
            "threads1",
            &[
                "report",
                "--format",
                "csv",
                "--threads",
                "1",
                "--no-mmap",
                s,
            ],
        ),
        (
            "small_chunks",
            &["report", "--format", "csv", "--chunk-bytes", "4096", s],
        ),
        (
            "rates_card",
            &[
                "report",
                "--format",
                "csv",
                "--rates",
                "tests/corpus/card.csv",
                s,
            ],
        ),
        (
            "source_forced",
            &["report", "--format", "csv", "--source", "gateway", s],
        ),
        (
            "map",
            &[
                "report",
                "--format",
                "csv",
                "--map",
                "team=labels.service",
                s,
            ],
        ),
        (
            "alias",
            &[
                "report",
                "--format",
                "csv",
                "--alias",
                "user_agent=service",
                "--by",
                "service",
                s,
            ],
        ),
        (
            "owners",
            &[
                "report",
                "--format",
                "json",
                "--owners",
                "tests/golden/owners.csv",
                s,
            ],
        ),
        (
            "owners_override",
            &[
                "coverage",
                "--format",
                "json",
                "--owners",
                "tests/golden/owners.csv",
                "--owners-override",
                s,
            ],
        ),
        (
            "gate_unattributed",
            &["report", "--format", "csv", "--max-unattributed", "1", s],
        ),
        (
            "gate_basis_cost",
            &[
                "coverage",
                "--require",
                "team,cost_center",
                "--basis",
                "cost",
                "--max-unattributed",
                "5",
                s,
            ],
        ),
        ("gate_malformed", &["report", "--max-malformed", "0.1", s]),
        (
            "gate_unpriced",
            &["coverage", "--format", "github", "--fail-on-unpriced", s],
        ),
        (
            "coverage_by",
            &["coverage", "--by", "team,route", "--top", "3", s],
        ),
        (
            "coverage_require",
            &[
                "coverage",
                "--format",
                "csv",
                "--require",
                "team,cost_center,service",
                s,
            ],
        ),
        (
            "coverage_junit_gates",
            &[
                "coverage",
                "--format",
                "junit",
                "--max-unattributed",
                "2",
                "--fail-on-unpriced",
                s,
            ],
        ),
        ("bad_by", &["report", "--by", "teams", s]),
        ("bad_month", &["report", "--month", "2026-13", s]),
        ("missing_input", &["report", "no/such/path.jsonl"]),
        (
            "missing_and_good",
            &["report", "--format", "csv", "no/such/path.jsonl", s],
        ),
        ("rates_list", &["rates", "--date", "2026-10-01"]),
        (
            "rates_list_csv",
            &["rates", "--date", "2026-10-01", "--format", "csv"],
        ),
        (
            "rates_list_json",
            &["rates", "--date", "2026-10-01", "--format", "json"],
        ),
        ("rates_model", &["rates", "gpt-4o", "--date", "2026-10-01"]),
        (
            "rates_prefixed",
            &["rates", "openai/gpt-4o-2024-08-06", "--date", "2026-10-01"],
        ),
        (
            "rates_tier",
            &["rates", "gpt-4o", "--tier", "batch", "--date", "2026-10-01"],
        ),
        (
            "rates_long",
            &["rates", "gemini-2.5-pro", "--date", "2026-10-01"],
        ),
        (
            "rates_unpriced",
            &["rates", "acme-llm-7b", "--date", "2026-10-01"],
        ),
        (
            "rates_provider",
            &[
                "rates",
                "claude-sonnet-4-5",
                "--provider",
                "bedrock",
                "--date",
                "2026-10-01",
            ],
        ),
        (
            "rates_user_card",
            &[
                "rates",
                "gpt-4o",
                "--rates",
                "tests/corpus/card.csv",
                "--date",
                "2026-10-01",
            ],
        ),
        ("rates_old", &["rates", "gpt-4o", "--date", "2020-01-01"]),
        ("sources", &["sources"]),
        (
            "partial",
            &["report", "--format", "partial", "--by", "team,day", s],
        ),
        ("sources_fields", &["sources", "--fields"]),
        (
            "export_focus",
            &[
                "export",
                "--rates",
                "tests/focus/card.csv",
                "--month",
                "2026-10",
                "tests/fixtures/focus",
            ],
        ),
        (
            "export_focus_samples",
            &["export", "--period", "month", "--tags", "team,user", s],
        ),
        (
            "export_records",
            &[
                "export",
                "--format",
                "csv",
                "--rates",
                "tests/focus/card.csv",
                "tests/fixtures/focus",
            ],
        ),
        (
            "export_parquet_stdout",
            &["export", "--format", "focus-parquet", s],
        ),
        ("export_bad_ext", &["export", "-o", "x.parquet", s]),
        (
            "normalize_jsonl",
            &[
                "normalize",
                "-o",
                "-",
                "--tz",
                "+05:30",
                "tests/fixtures/focus",
            ],
        ),
        (
            "report_normalized_jsonl",
            &[
                "report",
                "--by",
                "team,model",
                "tests/fixtures/llmspend/usage.jsonl",
            ],
        ),
        (
            "normalize_parquet_stdout",
            &["normalize", "--format", "parquet", "-o", "-", s],
        ),
        (
            "normalize_ddl_athena",
            &[
                "normalize",
                "--print-ddl",
                "athena",
                "--location",
                "s3://finops/usage/",
            ],
        ),
        (
            "normalize_ddl_spark",
            &["normalize", "--print-ddl", "spark"],
        ),
        ("export_bad_tags", &["export", "--tags", "team,colour", s]),
        ("export_bad_tz", &["export", "--tz", "+02:00", s]),
        ("show_reported_samples", &["report", "--show-reported", s]),
        (
            "show_reported_openai_csv",
            &[
                "report",
                "--show-reported",
                "--format",
                "csv",
                "--by",
                "day,model,project",
                "tests/fixtures/reconcile/openai",
            ],
        ),
        (
            "show_reported_openai_md",
            &[
                "report",
                "--show-reported",
                "--format",
                "md",
                "--by",
                "day,model,project",
                "tests/fixtures/reconcile/openai",
            ],
        ),
        (
            "show_reported_litellm_json",
            &[
                "report",
                "--show-reported",
                "--format",
                "json",
                "tests/fixtures/litellm",
            ],
        ),
        (
            "explain_difference_table",
            &[
                "report",
                "--show-reported",
                "--explain-difference",
                "--by",
                "team,model",
                "tests/fixtures/reconcile/explain",
            ],
        ),
        (
            "explain_difference_json",
            &[
                "report",
                "--show-reported",
                "--explain-difference",
                "--format",
                "json",
                "--by",
                "team",
                "tests/fixtures/reconcile/explain",
            ],
        ),
        (
            "explain_difference_csv",
            &[
                "report",
                "--show-reported",
                "--explain-difference",
                "--tolerance",
                "0.02",
                "--format",
                "csv",
                "--by",
                "model",
                "tests/fixtures/reconcile/explain",
            ],
        ),
    ];
    for (name, args) in variants {
        add(format!("opt_{name}"), args);
    }
    // budget and bill on their hand-computed fixture (tests/budget/), in
    // every format, and on the samples.
    let (logs, rates) = ("tests/budget/logs.jsonl", "tests/budget/rates.csv");
    let budgets = ["--budgets", "tests/budget/budgets.csv"];
    for format in ["table", "csv", "json", "github"] {
        let base = ["budget", logs, "--rates", rates, "--format", format];
        let at = ["--as-of", "2026-10-20T00:00:00Z"];
        add(
            format!("budget_{format}"),
            &[&base[..], &budgets, &at].concat(),
        );
    }
    add(
        "budget_tz_fail_forecast".into(),
        &[
            "budget",
            logs,
            "--rates",
            rates,
            "--tz",
            "+02:00",
            "--as-of",
            "2026-11-01",
            "--fail-forecast",
            "--format",
            "csv",
            budgets[0],
            budgets[1],
        ],
    );
    add(
        "budget_latest".into(),
        &["budget", logs, "--rates", rates, budgets[0], budgets[1]],
    );
    add(
        "budget_fail_over".into(),
        &[
            "budget",
            logs,
            "--rates",
            rates,
            "--as-of",
            "2026-10-20",
            "--fail-over",
            "--format",
            "github",
            budgets[0],
            budgets[1],
        ],
    );
    add(
        "budget_samples".into(),
        &["budget", s, budgets[0], budgets[1]],
    );
    for format in ["table", "csv", "json", "md"] {
        let base = [
            "bill", logs, "--rates", rates, "--month", "2026-10", "--format", format,
        ];
        let more = [
            "--customers",
            "tests/budget/customers.csv",
            "--margin",
            "10",
        ];
        add(format!("bill_{format}"), &[&base[..], &more].concat());
        add(
            format!("bill_lines_{format}"),
            &[&base[..], &more, &["--lines", "model"]].concat(),
        );
    }
    add(
        "bill_samples".into(),
        &["bill", s, "--month", "2026-10", "--format", "csv"],
    );
    add("bill_no_month".into(), &["bill", s]);
    cases
}

/// One run as bytes: the exit code, then stdout, then stderr.
fn transcript(args: &[String]) -> Vec<u8> {
    let out = llmspend().args(args).env("NO_COLOR", "1").output().unwrap();
    let mut t = format!(
        "$ llmspend {}\nexit: {:?}\n--- stdout\n",
        args.join(" "),
        out.status.code()
    )
    .into_bytes();
    t.extend_from_slice(&out.stdout);
    t.extend_from_slice(b"\n--- stderr\n");
    t.extend_from_slice(&out.stderr);
    t
}

#[test]
fn every_output_matches_its_golden_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/out");
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();
    if update {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut differ = Vec::new();
    let cases = cases();
    for (name, args) in &cases {
        let path = dir.join(format!("{name}.txt"));
        let got = transcript(args);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        if want != got {
            differ.push(name.clone());
        }
    }
    if !update {
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(
            files,
            cases.len(),
            "golden files without a case in {}",
            dir.display()
        );
    }
    assert!(
        differ.is_empty(),
        "{} of {} outputs differ from tests/golden/out (GOLDEN_UPDATE=1 regenerates): {}",
        differ.len(),
        cases.len(),
        differ.join(", ")
    );
}
