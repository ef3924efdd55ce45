//! `llmspend budget` on `tests/budget/`: every figure below is computed by
//! hand from the fifteen records of `logs.jsonl` (`unit` costs $1 per
//! token, `milli` $0.001, `mystery` is unpriced):
//!
//! | id | timestamp (UTC) | team | customer | model | cost |
//! |---|---|---|---|---|---|
//! | r1 | 10-01 00:00 | alpha | acme | unit | 10 |
//! | r2 | 10-14 12:00 | alpha | acme | unit | 14 |
//! | r3 | 10-19 23:59:59 | alpha | globex | unit | 7 |
//! | r4 | 10-20 00:00 | alpha | - | unit | 1000 |
//! | r5 | 10-10 00:00 | beta | initech | unit | 50 |
//! | r6 | 10-15 00:00 | beta | initech | unit | 7 |
//! | r7 | 10-05 00:00 | gamma | globex | unit | 2 |
//! | r8 | 10-18 06:00 | delta | - | unit | 30 |
//! | r9 | 10-19 00:00 | alpha | acme | mystery | unpriced |
//! | r10 | 10-27 10:00 | alpha | globex | unit | 3 |
//! | r11 | 11-01 01:00 | alpha | acme | unit | 5 |
//! | r12 | 10-31 22:30 | alpha | initech | unit | 4 |
//! | r13-15 | 10-21..23 | ops | acme, globex, initech | milli | 0.125, 0.135, 0.25 |

use crate::util::*;

pub(crate) const LOGS: &str = "tests/budget/logs.jsonl";
pub(crate) const RATES: &str = "tests/budget/rates.csv";
const HEAD: &str = "scope,value,period,amount_usd,warn_pct,parent\n";

/// Runs `budget` with `budgets` (a file's text) and `args`, expecting `code`.
pub(crate) fn budget(budgets: &str, args: &[&str], code: i32) -> (String, String) {
    let dir = TestDir::new();
    let file = dir.create("budgets.csv", budgets);
    let out = run(
        llmspend()
            .args(["budget", LOGS, "--rates", RATES, "-q", "--budgets"])
            .arg(&file)
            .args(args),
        code,
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The CSV rows after the header, as (scope:value:period -> the cells from
/// `spent_usd` on).
pub(crate) fn rows(csv: &str) -> Vec<Vec<String>> {
    csv_rows(csv).into_iter().skip(1).collect()
}

fn figures(row: &[String]) -> [&str; 6] {
    [&row[6], &row[7], &row[8], &row[9], &row[10], &row[11]].map(String::as_str)
}

/// As of 2026-10-20 00:00Z: the period of a month is October (12 days, or
/// 1,036,800 s, left); E is r1 (10-01), so W = [10-13, 10-20), 7 days.
/// r4, at T exactly, is outside every sum (`timestamp < T`).
#[test]
fn every_status_with_a_seven_day_window() {
    let text = std::fs::read_to_string("tests/budget/budgets.csv").unwrap();
    let (csv, _) = budget(
        &text,
        &["--as-of", "2026-10-20T00:00:00Z", "--format", "csv"],
        0,
    );
    let r = rows(&csv);
    assert_eq!(
        csv_rows(&csv)[0],
        [
            "scope",
            "value",
            "period",
            "period_start",
            "period_end",
            "amount_usd",
            "spent_usd",
            "forecast_usd",
            "remaining_usd",
            "share_pct",
            "status",
            "parent",
            "children_spent_usd",
            "children_forecast_usd"
        ]
    );
    // *: spent 10+14+7+50+7+2+30 = 120; in W 14+7+7+30 = 58;
    // 58 x 12/7 = 99.428571428571|43 -> 219.428571428571, shown 219.428571.
    assert_eq!(
        &r[0][..6],
        [
            "*",
            "",
            "month",
            "2026-10-01T00:00:00Z",
            "2026-11-01T00:00:00Z",
            "2000.000000"
        ]
    );
    assert_eq!(
        figures(&r[0]),
        ["120.000000", "219.428571", "1880.000000", "6.00", "ok", ""]
    );
    // Its roll-up: the four month teams, 31+57+2+30 = 120 (every record
    // before T has one of them); forecasts 67+69+2+81.428571428571 (each
    // rounded in pico-dollars before the sum) = 219.428571428571. The day
    // and week rows are not its children.
    assert_eq!(r[0][12..], ["120.000000", "219.428571"]);
    // alpha month's children are a day and a week: nothing to add up.
    assert_eq!(r[1][12..], ["", ""]);
    // alpha month: spent 10+14+7 = 31, W 14+7 = 21, 31 + 21 x 12/7 = 67 > 60.
    assert_eq!(
        figures(&r[1]),
        [
            "31.000000",
            "67.000000",
            "29.000000",
            "51.67",
            "forecast-over",
            "*"
        ]
    );
    // alpha day (10-20): nothing before T; 21 x 1/7 = 3.
    assert_eq!(
        &r[2][3..5],
        ["2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z"]
    );
    assert_eq!(
        figures(&r[2]),
        [
            "0.000000",
            "3.000000",
            "5.000000",
            "0.00",
            "ok",
            "team:alpha:month"
        ]
    );
    // alpha week (Mon 10-19 to Mon 10-26): r3 = 7; 7 + 21 x 6/7 = 25 > 20.
    assert_eq!(
        &r[3][3..5],
        ["2026-10-19T00:00:00Z", "2026-10-26T00:00:00Z"]
    );
    assert_eq!(
        figures(&r[3]),
        [
            "7.000000",
            "25.000000",
            "13.000000",
            "35.00",
            "forecast-over",
            "team:alpha:month"
        ]
    );
    // beta: 50+7 = 57 > 56: over, remaining negative, share 101.785714 -> 101.79.
    assert_eq!(
        figures(&r[4]),
        ["57.000000", "69.000000", "-1.000000", "101.79", "over", "*"]
    );
    // gamma: 2 >= 80% of 2.4 = 1.92, nothing in W: forecast 2, warn; 83.33%.
    assert_eq!(
        figures(&r[5]),
        ["2.000000", "2.000000", "0.400000", "83.33", "warn", "*"]
    );
    // delta: 30 + 30 x 12/7 = 81.428571428571|43.
    assert_eq!(
        figures(&r[6]),
        ["30.000000", "81.428571", "970.000000", "3.00", "ok", "*"]
    );
    // customer acme: 10+14 = 24, W 14: 48; 24 < 50% of 100.
    assert_eq!(
        figures(&r[7]),
        ["24.000000", "48.000000", "76.000000", "24.00", "ok", ""]
    );
    assert_eq!(r.len(), 8);
}

#[test]
fn json_follows_the_contract_and_lists_unpriced_usage() {
    let text = std::fs::read_to_string("tests/budget/budgets.csv").unwrap();
    let (out, _) = budget(&text, &["--as-of", "2026-10-20", "--format", "json"], 0);
    let v = json(&out);
    assert_eq!(v["as_of"], "2026-10-20T00:00:00Z");
    let b = &v["budgets"][0];
    let keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "scope",
            "value",
            "period",
            "period_start",
            "period_end",
            "amount_usd",
            "spent_usd",
            "forecast_usd",
            "remaining_usd",
            "share_pct",
            "status",
            "parent",
            "children_spent_usd",
            "children_forecast_usd"
        ]
    );
    assert_eq!(b["value"], serde_json::Value::Null);
    assert_eq!(b["forecast_usd"], "219.428571");
    // share_pct is a number, written from integers.
    assert!(out.contains("\"share_pct\": 6.00,"), "{out}");
    assert!(out.contains("\"share_pct\": 101.79,"), "{out}");
    assert_eq!(v["budgets"][4]["remaining_usd"], "-1.000000");
    // r9 (mystery, 10-19) is unpriced in *, alpha month and week, acme.
    let unpriced: Vec<String> = v["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {} {} {} {}",
                u["scope"], u["value"], u["period"], u["model"], u["requests"]
            )
        })
        .collect();
    assert_eq!(
        unpriced,
        [
            "\"*\" null \"month\" \"mystery\" 1",
            "\"team\" \"alpha\" \"month\" \"mystery\" 1",
            "\"team\" \"alpha\" \"week\" \"mystery\" 1",
            "\"customer\" \"acme\" \"month\" \"mystery\" 1",
        ]
    );
    assert_eq!(v["accounting"]["parsed"], 15);
}

/// As of 10-05: W = [E, T) = [10-01, 10-05), 4 days: 10 + 10 x 27/4 = 77.5.
#[test]
fn a_window_shorter_than_seven_days_starts_at_the_earliest_record() {
    let (csv, _) = budget(
        &format!("{HEAD}team,alpha,month,60,,\n"),
        &["--as-of", "2026-10-05T00:00:00Z", "--format", "csv"],
        0,
    );
    assert_eq!(
        figures(&rows(&csv)[0]),
        [
            "10.000000",
            "77.500000",
            "50.000000",
            "16.67",
            "forecast-over",
            ""
        ]
    );
}

/// As of 10-01 12:00: W = [10-01 00:00, 12:00) is shorter than a day.
#[test]
fn a_window_under_a_day_gives_no_forecast() {
    let budgets = format!("{HEAD}team,alpha,month,12,,\n");
    let args = ["--as-of", "2026-10-01T12:00:00Z"];
    let (csv, _) = budget(&budgets, &[&args[..], &["--format", "csv"]].concat(), 0);
    // 10 >= 80% of 12: warn, and never forecast-over without a forecast.
    assert_eq!(
        figures(&rows(&csv)[0]),
        ["10.000000", "", "2.000000", "83.33", "warn", ""]
    );
    let (out, _) = budget(&budgets, &[&args[..], &["--format", "json"]].concat(), 0);
    assert_eq!(
        json(&out)["budgets"][0]["forecast_usd"],
        serde_json::Value::Null
    );
    let (table, _) = budget(&budgets, &args, 0);
    assert!(table.contains("n/a"), "{table}");
}

/// As of 10-31 23:00Z. In UTC that is October: alpha spent
/// 10+14+7+1000+3+4 = 1038, W = [10-24 23:00, T) holds r10 and r12 (7),
/// an hour left: 7 x 3600/604800 = 0.041666666666|67 -> 1038.041667.
/// In +02:00 it is November 1, 01:00: the month starts 10-31 22:00Z, so
/// only r12 (22:30Z) counts; 29 days 23 hours left:
/// 7 x 2,588,400/604,800 = 29.958333333333|33 -> 33.958333.
#[test]
fn the_time_zone_moves_the_period_boundary() {
    let budgets = format!("{HEAD}team,alpha,month,2000,,\n");
    let t = ["--as-of", "2026-10-31T23:00:00Z", "--format", "csv"];
    let (utc, _) = budget(&budgets, &t, 0);
    let r = &rows(&utc)[0];
    assert_eq!(&r[3..5], ["2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"]);
    assert_eq!(
        figures(r),
        [
            "1038.000000",
            "1038.041667",
            "962.000000",
            "51.90",
            "ok",
            ""
        ]
    );
    let (plus2, _) = budget(&budgets, &[&t[..], &["--tz", "+02:00"]].concat(), 0);
    let r = &rows(&plus2)[0];
    assert_eq!(
        &r[3..5],
        ["2026-11-01T00:00:00+02:00", "2026-12-01T00:00:00+02:00"]
    );
    assert_eq!(
        figures(r),
        ["4.000000", "33.958333", "1996.000000", "0.20", "ok", ""]
    );
    // A date as-of is its midnight in --tz: 10-31 22:00Z, the very start
    // of the local November, so nothing is spent yet.
    let (date, _) = budget(
        &budgets,
        &["--as-of", "2026-11-01", "--tz", "+02:00", "--format", "csv"],
        0,
    );
    let r = &rows(&date)[0];
    assert_eq!(r[3], "2026-11-01T00:00:00+02:00");
    assert_eq!(r[6], "0.000000");
}

/// As of Friday 10-30 12:00: the week runs Monday 10-26 to Monday 11-02.
/// alpha spent r10 (3); W = [10-23 12:00, T) holds r10 only; 2.5 days
/// left: 3 x 216,000/604,800 = 1.071428571428|57 -> 4.071428571429.
#[test]
fn a_week_across_a_month_end() {
    let (csv, _) = budget(
        &format!("{HEAD}team,alpha,week,20,,\n"),
        &["--as-of", "2026-10-30T12:00:00Z", "--format", "csv"],
        0,
    );
    let r = &rows(&csv)[0];
    assert_eq!(&r[3..5], ["2026-10-26T00:00:00Z", "2026-11-02T00:00:00Z"]);
    assert_eq!(
        figures(r),
        ["3.000000", "4.071429", "17.000000", "15.00", "ok", ""]
    );
}

/// Without --as-of, T is the latest record, r11 (11-01 01:00Z): the
/// November period has nothing before T (r11 itself is at T); W = [10-25
/// 01:00, T) holds r10 and r12 (7): 7 x 2,588,400/604,800 -> 29.958333.
#[test]
fn as_of_defaults_to_the_latest_record() {
    let (out, _) = budget(
        &format!("{HEAD}team,alpha,month,40,,\n"),
        &["--format", "json"],
        0,
    );
    let v = json(&out);
    assert_eq!(v["as_of"], "2026-11-01T01:00:00Z");
    assert_eq!(v["budgets"][0]["spent_usd"], "0.000000");
    assert_eq!(v["budgets"][0]["forecast_usd"], "29.958333");
    assert_eq!(v["budgets"][0]["status"], "ok");
}

#[test]
fn the_gates_fail_exactly_on_over_and_forecast_over() {
    let at = ["--as-of", "2026-10-20T00:00:00Z", "--format", "github"];
    let over = format!("{HEAD}team,beta,month,56,,\n");
    let forecast = format!("{HEAD}team,alpha,month,60,,\n");
    let warn_ok = format!("{HEAD}team,gamma,month,2.4,,\nteam,delta,month,1000,,\n");
    let with = |flag: &'static str| [&at[..], &[flag]].concat();
    let (gh, err) = budget(&over, &with("--fail-over"), 1);
    assert!(
        gh.starts_with(
            "::error title=budget over::team:beta month: spent $57.00 of $56.00 (101.79%25)"
        ),
        "{gh}"
    );
    assert!(
        err.contains("budget gate failed: --fail-over: 1 over"),
        "{err}"
    );
    budget(&over, &with("--fail-forecast"), 1);
    let (gh, _) = budget(&forecast, &with("--fail-over"), 0);
    assert!(
        gh.starts_with("::warning title=budget forecast-over::team:alpha month"),
        "{gh}"
    );
    budget(&forecast, &with("--fail-forecast"), 1);
    let (gh, _) = budget(&warn_ok, &with("--fail-forecast"), 0);
    assert!(
        gh.starts_with("::warning title=budget warn::team:gamma month"),
        "{gh}"
    );
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::warning")).count(),
        1,
        "{gh}"
    );
    budget(&warn_ok, &with("--fail-over"), 0);
    // Without a gate, over is reported and the exit is 0.
    budget(&over, &at, 0);
}

#[test]
fn bad_budget_files_exit_2_naming_file_and_line() {
    let cases = [
        (
            "colour,red,month,1,,\n",
            "budgets.csv:2: unknown scope `colour`",
        ),
        (
            "team,a,month,-5,,\n",
            "budgets.csv:2: amount_usd: `-5` is negative",
        ),
        (
            "team,a,month,lots,,\n",
            "budgets.csv:2: amount_usd: `lots` is not a decimal",
        ),
        (
            "team,a,month,0.0000001,,\n",
            "budgets.csv:2: amount_usd: `0.0000001` has more than 6 decimals",
        ),
        (
            "team,a,quarter,1,,\n",
            "budgets.csv:2: unknown period `quarter`",
        ),
        (
            "team,a,month,1,,\n\nteam,a,month,2,,\n",
            "budgets.csv:4: duplicate budget: line 2",
        ),
        (
            "team,a,month,1,,team:zzz\n",
            "budgets.csv:2: parent `team:zzz` names no budget row",
        ),
        (
            "team,a,month,1,,team:b\nteam,b,month,1,,team:a\n",
            "budgets.csv:2: parent cycle",
        ),
    ];
    for (rows, want) in cases {
        let (out, err) = budget(&format!("{HEAD}{rows}"), &["--as-of", "2026-10-20"], 2);
        assert!(out.is_empty());
        assert!(err.contains(want), "{rows}: {err}");
    }
}

#[test]
fn a_child_above_its_parent_is_a_warning_only() {
    let (_, err) = budget(
        &format!("{HEAD}*,,month,10,,\nteam,alpha,month,60,,*\n"),
        &["--as-of", "2026-10-20"],
        0,
    );
    assert!(
        err.contains("budgets.csv:3: amount 60.00 is above its parent's (10.00, line 2)"),
        "{err}"
    );
}

#[test]
fn the_table_groups_children_under_parents() {
    let text = std::fs::read_to_string("tests/budget/budgets.csv").unwrap();
    let (table, _) = budget(&text, &["--as-of", "2026-10-20T00:00:00Z"], 0);
    let names: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with('│'))
        .skip(1)
        .map(|l| {
            l.split('┆')
                .next()
                .unwrap()
                .trim_start_matches('│')
                .trim_end()
        })
        .collect();
    assert_eq!(
        names,
        [
            " *",
            "   team:alpha",
            "     team:alpha",
            "     team:alpha",
            "   team:beta",
            "   team:gamma",
            "   team:delta",
            " customer:acme"
        ]
    );
    assert!(
        table.contains("team:alpha month: mystery (1 request, 100 tokens) has no rate-card row"),
        "{table}"
    );
}

#[test]
fn stdin_needs_as_of() {
    let out = run(
        llmspend().args(["budget", "-", "--budgets", "tests/budget/budgets.csv"]),
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("--as-of: needed when reading standard input"));
}

/// As of 10-21 12:00: T - 7 days is 10-14 12:00, r2's very second, which
/// W includes. alpha spent 10+14+7+1000 = 1031; W holds r2, r3, r4 (1021);
/// 10.5 days left: 1031 + 1021 x 1.5 = 2562.5 (2541.5 were r2 left out).
#[test]
fn the_window_starts_inclusive_at_t_minus_seven_days() {
    let (csv, _) = budget(
        &format!("{HEAD}team,alpha,month,5000,,\n"),
        &["--as-of", "2026-10-21T12:00:00Z", "--format", "csv"],
        0,
    );
    assert_eq!(
        figures(&rows(&csv)[0]),
        [
            "1031.000000",
            "2562.500000",
            "3969.000000",
            "20.62",
            "ok",
            ""
        ]
    );
}

/// A repeated request id counts once (r2 copied into a second file with
/// another team): the figures are those without the copy, the copy is a
/// duplicate; with --no-dedupe it counts.
#[test]
fn repeated_request_ids_count_once() {
    let dir = TestDir::new();
    let copy = std::fs::read_to_string(LOGS)
        .unwrap()
        .lines()
        .find(|l| l.contains("\"r2\""))
        .unwrap()
        .replace("alpha", "beta");
    let logs = dir.create("logs/a.jsonl", std::fs::read(LOGS).unwrap());
    dir.create("logs/b.jsonl", copy + "\n");
    let budgets = dir.create(
        "budgets.csv",
        format!("{HEAD}team,alpha,month,60,,\nteam,beta,month,56,,\n"),
    );
    let go = |more: &[&str]| {
        let out = stdout_ok(
            llmspend()
                .args([
                    "budget",
                    "--rates",
                    RATES,
                    "-q",
                    "--as-of",
                    "2026-10-20",
                    "--format",
                    "json",
                    "--budgets",
                ])
                .arg(&budgets)
                .arg(logs.parent().unwrap())
                .args(more),
        );
        let v = json(&out);
        (
            v["budgets"][0]["spent_usd"].as_str().unwrap().to_string(),
            v["budgets"][1]["spent_usd"].as_str().unwrap().to_string(),
            v["accounting"]["duplicate"].as_u64().unwrap(),
        )
    };
    assert_eq!(go(&[]), ("31.000000".into(), "57.000000".into(), 1));
    assert_eq!(
        go(&["--no-dedupe"]),
        ("31.000000".into(), "71.000000".into(), 0)
    );
}

/// gamma spent exactly 80% of 2.50 (and nothing in W): warn, since the
/// test is spent >= warn_pct% of the amount.
#[test]
fn warn_starts_at_exactly_warn_pct() {
    let at = ["--as-of", "2026-10-20", "--format", "csv"];
    let (csv, _) = budget(&format!("{HEAD}team,gamma,month,2.5,,\n"), &at, 0);
    assert_eq!(
        figures(&rows(&csv)[0]),
        ["2.000000", "2.000000", "0.500000", "80.00", "warn", ""]
    );
}
