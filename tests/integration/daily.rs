//! Daily use (issue 24): the table fits the terminal (`COLUMNS` stands in
//! for one), `--top` and `--sort`; each at 80 and 200 columns.

use crate::util::llmspend;

/// Stdout of `llmspend ARGS` with `COLUMNS=width`.
fn at(width: usize, args: &[&str]) -> String {
    let out = llmspend()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The table's lines (the box), without the summary below it.
fn table(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .collect()
}

fn widest(lines: &[&str]) -> usize {
    lines.iter().map(|l| l.chars().count()).max().unwrap()
}

#[test]
fn the_table_fits_80_columns_and_says_what_it_left_out() {
    for by in ["team,model", "team", "team,model,day"] {
        let text = at(80, &["report", "--by", by, "samples/"]);
        let lines = table(&text);
        assert!(widest(&lines) <= 80, "--by {by}:\n{text}");
        assert!(lines[1].contains("cost (USD)"), "{}", lines[1]);
        let note = text
            .lines()
            .find(|l| l.starts_with("left out to fit 80 columns: "))
            .unwrap_or_else(|| panic!("--by {by}: no note:\n{text}"));
        // The documented order: cache writes go first.
        assert!(note.contains("cache w"), "{note}");
    }
    // `team` alone (101 columns before) loses just the cache columns.
    let text = at(80, &["report", "--by", "team", "samples/"]);
    assert!(text.contains("left out to fit 80 columns: cache w, cache r (--format"));
    assert!(table(&text)[1].contains("┆ in "));
}

#[test]
fn at_200_columns_nothing_is_left_out_and_headers_are_short() {
    let text = at(200, &["report", "samples/"]);
    let lines = table(&text);
    assert!(widest(&lines) <= 200);
    assert!(!text.contains("left out to fit"), "{text}");
    for h in ["┆ in ", "┆ out ", "┆ cache r ", "┆ cache w ", "┆ share "] {
        assert!(lines[1].contains(h), "{h}: {}", lines[1]);
    }
    // Without COLUMNS and not on a terminal: full width, every row.
    let out = llmspend().args(["report", "samples/"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(widest(&table(&text)) > 120);
    assert!(!text.contains(" more)"));
}

/// The metric cells of the row whose first cell is `first`.
fn row<'a>(lines: &[&'a str], first: &str) -> Vec<&'a str> {
    let line = lines
        .iter()
        .find(|l| l.trim_start_matches('│').trim_start().starts_with(first))
        .unwrap_or_else(|| panic!("no row {first}"));
    line.trim_matches('│').split('┆').map(str::trim).collect()
}

#[test]
fn top_folds_the_rest_into_one_row_and_keeps_the_total() {
    for width in [80, 200] {
        let all = at(width, &["report", "--by", "team", "samples/"]);
        let top = at(width, &["report", "--by", "team", "--top", "3", "samples/"]);
        let (all, top) = (table(&all), table(&top));
        // 3 rows, the fold, the total: 5 body rows, 3 lines of frame, a header.
        assert_eq!(top.len(), 5 + 4, "{top:#?}");
        let more = row(&top, "(6 more)");
        // Requests, cost and share of the total row are the same (columns
        // between may differ: the narrower fold leaves fewer out).
        let (a, t) = (row(&all, "total"), row(&top, "total"));
        assert_eq!(a[..2], t[..2]);
        assert_eq!(a[a.len() - 2..], t[t.len() - 2..]);
        // The folded requests are the rest's sum: 1,691 - 324 - 196 - 146.
        assert_eq!(more[1], "1,025");
    }
    // --top is for people: refused for data formats.
    let out = llmspend()
        .args(["report", "--format", "csv", "--top", "3", "samples/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--top"));
}

#[test]
fn a_daily_trend_reads_in_time_order_unless_sorted() {
    for width in [80, 200] {
        let text = at(width, &["report", "--by", "day", "samples/"]);
        let days: Vec<&str> = table(&text)[3..]
            .iter()
            .filter(|l| l.starts_with('│'))
            .map(|l| row(&[l], "")[0])
            .filter(|d| d.starts_with("2026"))
            .collect();
        let mut sorted = days.clone();
        sorted.sort();
        assert!(days.len() > 20);
        assert_eq!(days, sorted);
        let text = at(
            width,
            &["report", "--by", "day", "--sort", "requests", "samples/"],
        );
        let requests: Vec<u64> = table(&text)[3..]
            .iter()
            .filter(|l| l.starts_with('│'))
            .map(|l| row(&[l], "")[1].replace(',', ""))
            .filter_map(|n| n.parse().ok())
            .collect();
        let total = requests.last().copied().unwrap();
        let body = &requests[..requests.len() - 1];
        assert!(body.windows(2).all(|w| w[0] >= w[1]), "{body:?}");
        assert_eq!(body.iter().sum::<u64>(), total);
    }
    // Sorting by name puts teams A to Z; the CSV follows --sort too.
    let out = llmspend()
        .args([
            "report", "--by", "team", "--sort", "name", "--format", "csv", "samples/",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let teams: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut sorted = teams.clone();
    sorted.sort();
    assert_eq!(teams, sorted);
}

/// CSV rows of `report --format csv ARGS samples/` as (first cell, requests, cost).
fn csv_rows(args: &[&str]) -> Vec<(String, u64, String)> {
    let out = llmspend()
        .args(["report", "--format", "csv"])
        .args(args)
        .arg("samples/")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (req, cost) = (at("requests"), at("cost_usd"));
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].to_string(),
                c[req].parse().unwrap(),
                c[cost].to_string(),
            )
        })
        .collect()
}

#[test]
fn rate_model_and_model_family_make_one_row_of_a_models_spellings() {
    let by_model = csv_rows(&["--by", "model"]);
    let spellings: Vec<&(String, u64, String)> = by_model
        .iter()
        .filter(|(m, _, _)| m == "gpt-4o-2024-08-06" || m == "openai/gpt-4o")
        .collect();
    assert_eq!(spellings.len(), 2);
    let requests: u64 = spellings.iter().map(|r| r.1).sum();
    for dim in ["rate_model", "model_family"] {
        let rows = csv_rows(&["--by", dim]);
        let gpt4o = rows.iter().find(|r| r.0 == "gpt-4o").unwrap();
        assert_eq!(gpt4o.1, requests, "--by {dim}");
        assert!(!rows
            .iter()
            .any(|r| r.0.contains('/') || r.0.ends_with("-2024-08-06")));
        // Every request is in one row.
        let all: u64 = rows.iter().map(|r| r.1).sum();
        assert_eq!(all, by_model.iter().map(|r| r.1).sum::<u64>());
    }
    // Unpriced requests have no rate-card row: missing for rate_model,
    // their own family for model_family.
    let rate = csv_rows(&["--by", "rate_model"]);
    assert!(rate.iter().any(|r| r.0 == "(unattributed)" && r.1 == 20));
    let family = csv_rows(&["--by", "model_family"]);
    assert!(family.iter().any(|r| r.0 == "acme-llm-7b" && r.1 == 20));
    // --where reads the family before pricing; the rate model is refused.
    let only = csv_rows(&["--by", "model", "--where", "model_family=gpt-4o"]);
    assert_eq!(only.iter().map(|r| r.1).sum::<u64>(), requests);
    let out = llmspend()
        .args(["report", "--where", "rate_model=gpt-4o", "samples/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // In a table at 80 and 200 columns.
    for width in [80, 200] {
        let text = at(width, &["report", "--by", "team,rate_model", "samples/"]);
        assert!(widest(&table(&text)) <= width);
        assert!(table(&text)[1].contains("rate_model"));
    }
}

/// `(first cell, requests)` of a CSV report of the DST fixture.
fn dst(args: &[&str]) -> Vec<(String, u64)> {
    let out = llmspend()
        .args(["report", "--format", "csv"])
        .args(args)
        .arg("tests/daily/berlin_dst.jsonl")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[1].parse().unwrap())
        })
        .collect()
}

fn days(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(d, n)| (d.to_string(), *n)).collect()
}

#[test]
fn berlin_days_in_the_week_dst_ends() {
    // DST ends Sunday 2026-10-25, 03:00 CEST = 01:00 UTC. Hand-computed:
    // 09-30T22:30Z is 10-01 00:30 CEST; 10-23T21:59:59Z the 23rd's last
    // second; 10-23T22:00Z and 10-24T21:59:59Z the 24th; 10-24T22:00Z,
    // 00:30Z and 01:30Z (02:30 twice) and 22:30Z (23:30 CET) the 25th;
    // 10-25T23:00Z the 26th's first second (+01:00 now); 10-31T22:59:59Z
    // the 31st; 23:00Z and 23:30Z November 1st.
    let berlin = days(&[
        ("2026-10-01", 1),
        ("2026-10-23", 1),
        ("2026-10-24", 2),
        ("2026-10-25", 4),
        ("2026-10-26", 1),
        ("2026-10-31", 1),
        ("2026-11-01", 2),
    ]);
    assert_eq!(dst(&["--tz", "Europe/Berlin", "--by", "day"]), berlin);
    // A fixed +02:00 puts 10-25T22:30Z on the 26th: the zone matters.
    let fixed = dst(&["--tz", "+02:00", "--by", "day"]);
    assert!(fixed.contains(&("2026-10-26".to_string(), 2)), "{fixed:?}");
    // --month is taken in --tz: October in Berlin is 10 of the 12.
    let month = dst(&[
        "--tz",
        "Europe/Berlin",
        "--month",
        "2026-10",
        "--by",
        "month",
    ]);
    assert_eq!(month, days(&[("2026-10", 10)]));
    // UTC's October: 11 (not 09-30T22:30Z).
    assert_eq!(
        dst(&["--month", "2026-10", "--by", "month"]),
        days(&[("2026-10", 11)])
    );
    // A day bound is the zone's midnight: the 25th alone is 4 requests.
    let sunday = dst(&[
        "--tz",
        "Europe/Berlin",
        "--since",
        "2026-10-25",
        "--until",
        "2026-10-26",
        "--by",
        "day",
    ]);
    assert_eq!(sunday, days(&[("2026-10-25", 4)]));
    // In a table at 80 and 200 columns.
    for width in [80, 200] {
        let text = at(
            width,
            &[
                "report",
                "--tz",
                "Europe/Berlin",
                "--by",
                "day",
                "tests/daily/berlin_dst.jsonl",
            ],
        );
        assert!(widest(&table(&text)) <= width);
        assert!(text.contains("│ 2026-10-25 ┆        4 ┆"), "{text}");
    }
}

#[test]
fn a_month_in_an_offset_never_labels_another_month() {
    for tz in ["+02:00", "-05:00", "Europe/Berlin", "America/New_York"] {
        let month = dst(&["--tz", tz, "--month", "2026-10", "--by", "month"]);
        assert_eq!(month.len(), 1, "--tz {tz}: {month:?}");
        assert_eq!(month[0].0, "2026-10");
    }
    // samples/ at both widths.
    for width in [80, 200] {
        let text = at(
            width,
            &[
                "report", "--tz", "+02:00", "--month", "2026-10", "--by", "month", "samples/",
            ],
        );
        let labels: Vec<&str> = table(&text)
            .iter()
            .filter(|l| l.starts_with("│ 20"))
            .map(|l| &l[4..11])
            .collect();
        assert_eq!(labels, ["2026-10"], "{text}");
    }
}

#[test]
fn relative_dates_and_last_month_follow_the_clock() {
    // LLMSPEND_NOW stands in for the clock.
    let now = |args: &[&str]| -> Vec<(String, u64)> {
        let out = llmspend()
            .env("LLMSPEND_NOW", "2026-11-01T10:00:00Z")
            .args(["report", "--format", "csv", "--by", "day"])
            .args(args)
            .arg("tests/daily/berlin_dst.jsonl")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                (c[0].to_string(), c[1].parse().unwrap())
            })
            .collect()
    };
    let last = now(&["--tz", "Europe/Berlin", "--month", "last"]);
    assert_eq!(last.iter().map(|r| r.1).sum::<u64>(), 10);
    assert_eq!(
        now(&["--tz", "Europe/Berlin", "--since", "today"]),
        days(&[("2026-11-01", 2)])
    );
    assert_eq!(
        now(&[
            "--tz",
            "Europe/Berlin",
            "--since",
            "yesterday",
            "--until",
            "today"
        ]),
        days(&[("2026-10-31", 1)])
    );
    let week = now(&["--tz", "Europe/Berlin", "--since", "7d"]);
    assert_eq!(week.first().unwrap().0, "2026-10-25");
    let sept = now(&["--since", "2026-09", "--until", "2026-10"]);
    assert_eq!(sept, days(&[("2026-09-30", 1)]));
}

#[test]
fn date_errors_say_what_is_wrong() {
    let err = |args: &[&str]| {
        let out = llmspend().args(args).arg("samples/").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = err(&["report", "--month", "2026-13"]);
    assert!(e.contains("month 13 is out of range"), "{e}");
    let e = err(&["report", "--since", "last tuesday"]);
    for form in ["YYYY-MM-DD", "YYYY-MM", "today", "yesterday", "30d"] {
        assert!(e.contains(form), "{form}: {e}");
    }
    let e = err(&["report", "--tz", "Mars/Olympus"]);
    assert!(e.contains("Europe/Berlin"), "{e}");
}

/// Runs llmspend in `dir` (config files found from there), no user config.
fn in_dir(dir: &std::path::Path, xdg: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = llmspend()
        .current_dir(dir)
        .env_remove("LLMSPEND_NO_CONFIG")
        .env("XDG_CONFIG_HOME", xdg)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn header(csv: &str) -> &str {
    csv.lines()
        .next()
        .unwrap()
        .split(",requests")
        .next()
        .unwrap()
}

#[test]
fn config_file_precedence_flag_then_config_then_nearest_then_xdg() {
    let samples = format!("{}/samples/", env!("CARGO_MANIFEST_DIR"));
    let s = samples.as_str();
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("repo/sub");
    std::fs::create_dir_all(&work).unwrap();
    let xdg = root.path().join("xdg");
    std::fs::create_dir_all(xdg.join("llmspend")).unwrap();
    std::fs::write(xdg.join("llmspend/config.toml"), "by = \"provider\"\n").unwrap();
    let csv = ["report", "--format", "csv", s];
    // Only the XDG file: it applies.
    let (_, out, _) = in_dir(&work, &xdg, &csv);
    assert_eq!(header(&out), "provider");
    // A llmspend.toml in a parent beats it.
    std::fs::write(
        root.path().join("repo/llmspend.toml"),
        "# the team's defaults\nby = \"team, cost-center\"\ntz = \"Europe/Berlin\"\n",
    )
    .unwrap();
    let (_, out, _) = in_dir(&work, &xdg, &csv);
    assert_eq!(header(&out), "team,cost_center");
    // --config beats both.
    let other = root.path().join("other.toml");
    std::fs::write(&other, "by = [\"service\"]\n").unwrap();
    let o = other.to_str().unwrap();
    let (_, out, _) = in_dir(
        &work,
        &xdg,
        &["report", "--config", o, "--format", "csv", s],
    );
    assert_eq!(header(&out), "service");
    // A flag beats every file.
    let (_, out, _) = in_dir(
        &work,
        &xdg,
        &["report", "--by", "model", "--format", "csv", s],
    );
    assert_eq!(header(&out), "model");
    // The file's tz is used: a day grouping in Berlin of the DST fixture.
    let dst = format!(
        "{}/tests/daily/berlin_dst.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let (_, out, _) = in_dir(
        &work,
        &xdg,
        &["report", "--by", "day", "--format", "csv", &dst],
    );
    assert!(out.contains("\n2026-10-25,4,"), "{out}");
    // `config` names the file and line of each setting.
    let (code, out, _) = in_dir(&work, &xdg, &["config"]);
    assert_eq!(code, 0);
    assert!(out.contains("repo/llmspend.toml:2"), "{out}");
    assert!(out
        .lines()
        .any(|l| l.starts_with("tz") && l.contains("Europe/Berlin")));
    assert!(out
        .lines()
        .any(|l| l.starts_with("require") && l.ends_with("default")));
    // A table from the file's `by` at 80 and 200 columns.
    for width in [80, 200] {
        let out = llmspend()
            .current_dir(&work)
            .env_remove("LLMSPEND_NO_CONFIG")
            .env("XDG_CONFIG_HOME", &xdg)
            .env("COLUMNS", width.to_string())
            .args(["report", s])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(widest(&table(&text)) <= width);
        assert!(table(&text)[1].starts_with("│ team"), "{text}");
    }
}

#[test]
fn an_unknown_config_key_names_file_and_line() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("llmspend.toml"),
        "by = \"team\"\n\n[gates]\nmax = 5\n",
    )
    .unwrap();
    let (code, _, err) = in_dir(root.path(), root.path(), &["report", "x.jsonl"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("llmspend.toml:3: unknown field `gates`"),
        "{err}"
    );
}

#[test]
fn help_is_grouped_and_names_are_forgiven() {
    let help = |args: &[&str]| {
        let out = llmspend().args(args).arg("--help").output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let report = help(&["report"]);
    for heading in [
        "Input:",
        "Filters:",
        "Grouping:",
        "Attribution:",
        "Pricing:",
        "Output:",
        "Gates:",
    ] {
        assert!(report.lines().any(|l| l == heading), "{heading}\n{report}");
    }
    // Hyphens and spaces forgiven in --by, at both widths.
    for width in [80, 200] {
        let text = at(width, &["report", "--by", "team, cost-center", "samples/"]);
        assert!(table(&text)[1].starts_with("│ team") && table(&text)[1].contains("cost_center"));
        assert!(widest(&table(&text)) <= width);
    }
    // A near miss is named.
    let out = llmspend()
        .args(["report", "--by", "teams", "samples/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `team`"));
    // --require refuses a period.
    let out = llmspend()
        .args(["coverage", "--require", "day", "samples/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_the_man_page() {
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef llmspend"),
        ("fish", "complete -c llmspend"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = llmspend().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(mark), "{shell}");
        assert!(text.contains("report") && text.contains("month"), "{shell}");
    }
    let out = llmspend().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(".ie") && text.contains(".TH llmspend 1"));
    // bash accepts the script.
    let out = llmspend().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("llmspend.bash");
    std::fs::write(&script, out.stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(". {} && complete -p llmspend", script.display()))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn every_subcommands_help_is_frozen() {
    for sub in [
        "report",
        "coverage",
        "rates",
        "merge",
        "sources",
        "budget",
        "bill",
        "export",
        "config",
        "completions",
        "man",
    ] {
        let out = llmspend().args([sub, "--help"]).output().unwrap();
        assert!(out.status.success(), "{sub}");
        let help = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("help_{sub}"), help);
    }
}

#[test]
fn coverage_json_percentages_are_numbers_and_money_strings() {
    let out = llmspend()
        .args(["coverage", "--format", "json", "samples/"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("\"requests_pct\":"));
    fn walk(v: &serde_json::Value, seen: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k.ends_with("_pct") {
                        assert!(x.is_number(), "{k}: {x}");
                        *seen += 1;
                    }
                    if k.ends_with("_usd") {
                        assert!(x.is_string(), "{k}: {x}");
                    }
                    walk(x, seen);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, seen)),
            _ => {}
        }
    }
    let mut seen = 0;
    walk(&v, &mut seen);
    assert!(seen >= 6, "{seen}");
    // And the coverage table at 80 and 200 columns still renders.
    for width in [80, 200] {
        let out = llmspend()
            .env("COLUMNS", width.to_string())
            .args(["coverage", "samples/"])
            .output()
            .unwrap();
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn rates_lists_the_card_as_csv_and_json() {
    let run = |format: &str| {
        let out = llmspend()
            .args(["rates", "--date", "2026-10-01", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = run("csv");
    assert!(csv.starts_with("provider,model,effective_from,effective_to,input_per_mtok,"));
    assert!(csv.lines().any(|l| l.starts_with("openai,gpt-4o,")));
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), csv.lines().count() - 1);
    assert!(rows.iter().all(|r| r["input_per_mtok"].is_string()));
    // The table still fits 200 columns' worth of rows.
    for width in [80, 200] {
        let out = llmspend()
            .env("COLUMNS", width.to_string())
            .args(["rates", "gpt-4o", "--date", "2026-10-01"])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
}
