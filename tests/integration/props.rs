//! Property tests through the library (`pipeline::run` with a `worker::Plan`):
//! random mixes of valid and invalid lines, any chunk size and thread count,
//! give the report a simple sequential reference computes here, from what
//! each generated line is by construction. Every line lands in exactly one
//! bucket, a bad line never takes a neighbour with it, and token sums past
//! u64 are exact.

use std::collections::BTreeMap;

use proptest::prelude::*;

use llmspend::aggregate::Dimension;
use llmspend::input::Input;
use llmspend::pipeline::{self, ReadOptions, Report};
use llmspend::price::card::{Layer, RateCard};
use llmspend::worker::Plan;

/// `cases` cases from a fixed seed, so CI runs the same cases every time;
/// `PROPTEST_CASES` and `PROPTEST_RNG_SEED` explore further.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x6c6c_6d73);
    }
    // Failures are reported with their minimal input; no files are written.
    config.failure_persistence = None;
    config
}

/// What a generated line is, and so where the reference puts it.
#[derive(Debug, Clone)]
enum Line {
    /// A record of `team` (None: unattributed) with these tokens.
    Valid {
        team: Option<u8>,
        input: u64,
        output: u64,
        usage: bool,
    },
    /// Empty, whitespace or NUL padding.
    Blank(&'static str),
    /// A valid record cut short: invalid JSON.
    Truncated { cut: usize, input: u64 },
    /// JSON that is not one object.
    NotObject(&'static str),
    /// A record with a negative count.
    Negative,
    /// A record without a timestamp.
    NoTimestamp,
    /// An object without usage: ignored.
    Ignored,
    /// Longer than the limit.
    TooLong(usize),
}

const MAX_LINE: usize = 200;

fn valid_text(team: Option<u8>, input: u64, output: u64, usage: bool) -> String {
    let team = team.map_or(String::new(), |t| format!(r#""team":"team-{t}","#));
    if usage {
        format!(
            r#"{{"timestamp":"2026-10-03T09:14:02Z",{team}"model":"gpt-4o","usage":{{"input_tokens":{input},"output_tokens":{output}}}}}"#
        )
    } else {
        format!(
            r#"{{"timestamp":1759482842,{team}"model":"gpt-4o","input_tokens":"{input}","output_tokens":{output}}}"#
        )
    }
}

impl Line {
    fn text(&self) -> String {
        match self {
            Line::Valid {
                team,
                input,
                output,
                usage,
            } => valid_text(*team, *input, *output, *usage),
            Line::Blank(s) => s.to_string(),
            Line::Truncated { cut, input } => {
                let full = valid_text(Some(1), *input, 1, false);
                full[..1 + cut % (full.len() - 1)].to_string()
            }
            Line::NotObject(s) => s.to_string(),
            Line::Negative => {
                r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","input_tokens":-1}"#.into()
            }
            Line::NoTimestamp => r#"{"team":"team-1","model":"gpt-4o","input_tokens":5}"#.into(),
            Line::Ignored => r#"{"team":"team-1","note":"no usage here"}"#.into(),
            Line::TooLong(n) => format!(
                r#"{{"timestamp":1759482842,"model":"gpt-4o","input_tokens":1,"pad":"{}"}}"#,
                "p".repeat(MAX_LINE + n)
            ),
        }
    }
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (proptest::option::of(0u8..4), any::<u64>(), 0u64..1_000_000, any::<bool>())
            .prop_map(|(team, input, output, usage)| Line::Valid { team, input, output, usage }),
        2 => (proptest::option::of(0u8..4), 0u64..1000, 0u64..1000)
            .prop_map(|(team, input, output)| Line::Valid { team, input, output, usage: false }),
        1 => prop::sample::select(vec!["", "   ", "\t", "\0\0\0\0"]).prop_map(Line::Blank),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(cut, input)| Line::Truncated { cut, input }),
        1 => prop::sample::select(vec!["[1,2]", "42", "null", "{}{}", "\"x\""]).prop_map(Line::NotObject),
        1 => Just(Line::Negative),
        1 => Just(Line::NoTimestamp),
        1 => Just(Line::Ignored),
        1 => (1usize..50).prop_map(Line::TooLong),
    ]
}

/// The sequential reference: buckets, reasons with their physical lines,
/// and per team (requests, input, output).
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    lines: u64,
    parsed: u64,
    filtered: u64,
    malformed: u64,
    blank: u64,
    ignored: u64,
    reasons: BTreeMap<String, Vec<u64>>,
    teams: BTreeMap<Option<String>, (u128, u128, u128)>,
}

/// With `window`, only 2026 counts: the epoch-number timestamps (2025) are
/// filtered.
fn expected(lines: &[Line], window: bool) -> Expected {
    let mut e = Expected::default();
    for (i, l) in lines.iter().enumerate() {
        let at = i as u64 + 1;
        e.lines += 1;
        let mut bad = |reason: &str| {
            e.malformed += 1;
            e.reasons.entry(reason.to_string()).or_default().push(at);
        };
        match l {
            Line::Valid { usage: false, .. } if window => e.filtered += 1,
            Line::Valid {
                team,
                input,
                output,
                ..
            } => {
                e.parsed += 1;
                let t = e
                    .teams
                    .entry(team.map(|t| format!("team-{t}")))
                    .or_default();
                t.0 += 1;
                t.1 += u128::from(*input);
                t.2 += u128::from(*output);
            }
            Line::Blank(_) => e.blank += 1,
            Line::Truncated { .. } => bad("invalid JSON"),
            Line::NotObject(_) => bad("not one JSON object"),
            Line::Negative => bad("invalid count in `input_tokens`: negative"),
            Line::NoTimestamp => bad("no timestamp"),
            Line::Ignored => e.ignored += 1,
            Line::TooLong(_) => bad("line longer than --max-line-bytes"),
        }
    }
    e
}

fn card() -> RateCard {
    let mut card = RateCard::default();
    card.add_csv(
        "props.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,2,8\n",
        Layer::User,
    )
    .unwrap();
    card
}

fn run(path: &std::path::Path, chunk_bytes: usize, threads: usize) -> Report {
    run_in(path, chunk_bytes, threads, Default::default())
}

/// Only 2026 and later.
fn from_2026() -> llmspend::filter::Window {
    llmspend::filter::Window {
        since: llmspend::time::parse_timestamp("2026-01-01"),
        until: None,
    }
}

fn run_in(
    path: &std::path::Path,
    chunk_bytes: usize,
    threads: usize,
    window: llmspend::filter::Window,
) -> Report {
    let card = card();
    let plan = Plan {
        dims: vec![Dimension::Team],
        window,
        wheres: Vec::new(),
        card: &card,
        tz_offset: 0,
        max_line_bytes: MAX_LINE,
        reported_cost: true,
        attribution: Default::default(),
    };
    let options = ReadOptions {
        threads,
        chunk_bytes,
        mmap: chunk_bytes % 2 == 0,
        ..ReadOptions::default()
    };
    pipeline::run(&[Input::File(path.to_path_buf())], &plan, &options).unwrap()
}

fn check(report: &Report, e: &Expected) -> Result<(), TestCaseError> {
    let c = &report.accounting.counts;
    prop_assert!(c.balanced(), "{c:?}");
    prop_assert_eq!(
        (c.lines_read, c.parsed, c.malformed, c.blank, c.ignored),
        (e.lines, e.parsed, e.malformed, e.blank, e.ignored)
    );
    prop_assert_eq!((c.filtered, c.duplicate), (e.filtered, 0));
    let reasons: BTreeMap<String, u64> = e
        .reasons
        .iter()
        .map(|(r, at)| (r.clone(), at.len() as u64))
        .collect();
    prop_assert_eq!(&report.accounting.reasons, &reasons);
    // The first five samples of each reason, at their physical lines.
    let mut samples: Vec<(u64, String)> = e
        .reasons
        .iter()
        .flat_map(|(r, at)| at.iter().take(5).map(move |&l| (l, r.clone())))
        .collect();
    samples.sort();
    let got: Vec<(u64, String)> = report
        .accounting
        .samples
        .iter()
        .map(|s| (s.line, s.reason.clone()))
        .collect();
    prop_assert_eq!(got, samples);
    let mut total = (0u128, 0u128, 0u128);
    for (team, (requests, input, output)) in &e.teams {
        let g = report
            .groups
            .iter()
            .find(|g| g.values[0].as_ref() == team.as_ref());
        prop_assert!(g.is_some(), "no group {:?}", team);
        let t = &g.unwrap().totals;
        prop_assert_eq!(
            (t.requests, t.input_tokens, t.output_tokens),
            (*requests, *input, *output)
        );
        // gpt-4o at $2 / $8 per MTok: 2e6 and 8e6 pico-dollars per token.
        prop_assert_eq!(t.cost.0, input * 2_000_000 + output * 8_000_000);
        total.0 += requests;
        total.1 += input;
        total.2 += output;
    }
    prop_assert_eq!(report.groups.len(), e.teams.len());
    let t = &report.totals;
    prop_assert_eq!((t.requests, t.input_tokens, t.output_tokens), total);
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_mix_any_chunking_matches_the_sequential_reference(
        lines in prop::collection::vec(line(), 0..60),
        eol in prop::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
        final_newline in any::<bool>(),
        chunk_bytes in 1usize..400,
        threads in 1usize..4,
    ) {
        let mut text = lines.iter().map(Line::text).collect::<Vec<_>>().join(eol);
        if final_newline && !lines.is_empty() {
            text.push_str(eol);
        }
        // Without a final newline a last empty line is no line at all.
        let lines_counted = if !final_newline && matches!(lines.last(), Some(Line::Blank(""))) {
            &lines[..lines.len() - 1]
        } else {
            &lines[..]
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mix.jsonl");
        std::fs::write(&path, &text).unwrap();
        let e = expected(lines_counted, false);
        check(&run(&path, chunk_bytes, threads), &e)?;
        check(&run(&path, usize::MAX, 1), &e)?;
        let e = expected(lines_counted, true);
        check(&run_in(&path, chunk_bytes, threads, from_2026()), &e)?;
    }
}

/// A generated CSV row (after the header).
#[derive(Debug, Clone)]
enum Row {
    /// A record; `team` is the cell as written and `value` as read.
    Valid {
        cell: &'static str,
        value: Option<&'static str>,
        input: u64,
        output: u64,
    },
    /// An empty line, whitespace, or NULs.
    Blank(&'static str),
    /// Too few or too many cells.
    Ragged(&'static str),
    /// A negative count.
    Negative,
    /// A quoted cell longer than the limit.
    TooLong(usize),
}

const TEAM_CELLS: &[(&str, Option<&str>)] = &[
    ("team-1", Some("team-1")),
    ("", None),
    ("\"team \"\"q\"\" 2\"", Some("team \"q\" 2")),
    ("\"multi\nline\"", Some("multi\nline")),
    ("\"a,b\"", Some("a,b")),
    ("O\"Brien", Some("O\"Brien")),
    ("\"x\n\ny\"", Some("x\n\ny")),
];

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        6 => (prop::sample::select(TEAM_CELLS), any::<u64>(), 0u64..1000)
            .prop_map(|((cell, value), input, output)| Row::Valid { cell, value, input, output }),
        1 => prop::sample::select(vec!["", "  ", "\0\0"]).prop_map(Row::Blank),
        1 => prop::sample::select(vec![
            "2026-10-03T09:14:02Z,team-1,gpt-4o",
            "2026-10-03T09:14:02Z,team-1,gpt-4o,1,1,extra",
            ",",
            // A BOM inside the file is data (a row of one cell), in any chunk.
            "\u{feff}",
        ]).prop_map(Row::Ragged),
        1 => Just(Row::Negative),
        1 => (1usize..50).prop_map(Row::TooLong),
    ]
}

impl Row {
    fn text(&self) -> String {
        match self {
            Row::Valid {
                cell,
                input,
                output,
                ..
            } => format!("2026-10-03T09:14:02Z,{cell},gpt-4o,{input},{output}"),
            Row::Blank(s) | Row::Ragged(s) => s.to_string(),
            Row::Negative => "2026-10-03T09:14:02Z,team-1,gpt-4o,-1,0".into(),
            Row::TooLong(n) => format!(
                "2026-10-03T09:14:02Z,\"{}\",gpt-4o,1,1",
                "p".repeat(MAX_LINE + n)
            ),
        }
    }
}

fn expected_csv(rows: &[Row]) -> Expected {
    let mut e = Expected {
        lines: 1,
        ignored: 1,
        ..Expected::default()
    };
    let mut at = 2u64;
    for r in rows {
        e.lines += 1;
        let mut bad = |reason: &str| {
            e.malformed += 1;
            e.reasons.entry(reason.to_string()).or_default().push(at);
        };
        match r {
            Row::Valid {
                value,
                input,
                output,
                ..
            } => {
                e.parsed += 1;
                let t = e.teams.entry(value.map(str::to_string)).or_default();
                t.0 += 1;
                t.1 += u128::from(*input);
                t.2 += u128::from(*output);
            }
            Row::Blank(_) => e.blank += 1,
            Row::Ragged(_) => bad("unreadable CSV row"),
            Row::Negative => bad("invalid count in `input_tokens`: negative"),
            Row::TooLong(_) => bad("line longer than --max-line-bytes"),
        }
        at += 1 + r.text().matches('\n').count() as u64;
    }
    e
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_csv_mix_any_chunking_matches_the_sequential_reference(
        rows in prop::collection::vec(row(), 0..40),
        eol in prop::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
        final_newline in any::<bool>(),
        bom in any::<bool>(),
        chunk_bytes in 1usize..300,
        threads in 1usize..4,
    ) {
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        text.push_str("timestamp,team,model,input_tokens,output_tokens");
        for r in &rows {
            text.push_str(eol);
            text.push_str(&r.text());
        }
        if final_newline {
            text.push_str(eol);
        }
        let counted = if !final_newline && matches!(rows.last(), Some(Row::Blank(""))) {
            &rows[..rows.len() - 1]
        } else {
            &rows[..]
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mix.csv");
        std::fs::write(&path, &text).unwrap();
        let e = expected_csv(counted);
        check(&run(&path, chunk_bytes, threads), &e)?;
        check(&run(&path, usize::MAX, 1), &e)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A count is accepted exactly when it is digits that fit a u64: any
    /// longer run of digits is malformed, never wrapped or saturated.
    #[test]
    fn counts_past_u64_are_malformed_not_wrapped(digits in "[0-9]{1,30}") {
        use llmspend::parse::counts::count_from_text;
        let fits = digits.parse::<u128>().unwrap() <= u128::from(u64::MAX);
        match count_from_text("input_tokens", &digits) {
            Ok(Some(v)) => {
                prop_assert!(fits);
                prop_assert_eq!(u128::from(v), digits.parse::<u128>().unwrap());
            }
            other => prop_assert!(!fits, "{:?}", other),
        }
    }

    /// RFC 3339 with any offset, `T` or space, with or without fraction,
    /// agrees with chrono.
    #[test]
    fn rfc3339_timestamps_agree_with_chrono(
        secs in 0i64..4_102_444_800, // 1970 .. 2100
        offset_min in -840i32..=840,
        space in any::<bool>(),
        frac in proptest::option::of(0u32..1_000_000),
    ) {
        use chrono::{DateTime, FixedOffset};
        let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
        let t = DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&offset);
        let mut text = t.format("%Y-%m-%dT%H:%M:%S").to_string();
        if space {
            text = text.replacen('T', " ", 1);
        }
        if let Some(f) = frac {
            text.push_str(&format!(".{f:06}"));
        }
        text.push_str(&t.format("%:z").to_string());
        prop_assert_eq!(llmspend::time::parse_timestamp(&text), Some(secs), "{}", text);
    }
}

/// Every chunk size from 1 to 64 bytes (and a few larger), over every
/// file of the bad-input corpus: the same accounting, samples and groups
/// as one chunk. A bad line never takes a neighbour with it at a boundary.
#[test]
fn every_small_chunk_size_over_the_corpus_gives_one_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.ends_with(".jsonl") || name.ends_with(".csv")) && name != "card.csv"
        })
        .collect();
    names.sort();
    assert!(names.len() >= 20);
    let key = |r: &Report| {
        (
            r.accounting.clone(),
            r.groups
                .iter()
                .map(|g| (g.values.clone(), g.totals))
                .collect::<Vec<_>>(),
            r.totals,
        )
    };
    for path in names {
        let reference = key(&run(&path, usize::MAX, 1));
        assert!(reference.0.counts.balanced(), "{path:?}");
        for target in (1..=64).chain([100, 333, 1000]) {
            let got = key(&run(&path, target, 1 + target % 3));
            assert_eq!(got, reference, "{path:?} at --chunk-bytes {target}");
        }
    }
}
