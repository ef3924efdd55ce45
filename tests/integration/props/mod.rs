//! Property tests through the library (`pipeline::tally` with a `worker::Plan`),
//! by topic:
//!
//! - `jsonl` and `csv`: random mixes of valid and invalid lines, any chunk
//!   size and thread count, give the report a simple sequential reference
//!   computes from what each generated line is by construction. Every line
//!   lands in exactly one bucket, a bad line never takes a neighbour with it,
//!   and token sums past u64 are exact.
//! - `chunking`: line order, chunk size and thread count never change a
//!   report (generated mixes, and every file of the bad-input corpus).
//! - `fields`: counts and timestamps parsed from text.
//! - `partial`: partials of the parts merge to the whole, in any order, and
//!   survive being written out and read back.
//! - `unrecognized`: a file no source recognises changes no number and is
//!   named.

mod bill;
mod chunking;
mod csv;
mod fields;
mod jsonl;
mod partial;
mod unrecognized;

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use llmspend::dimension::Dimension;
use llmspend::filter::Window;
use llmspend::input::Input;
use llmspend::pipeline::{self, ReadOptions};
use llmspend::price::card::{Layer, RateCard};
use llmspend::report::Report;
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

/// The `--max-line-bytes` of [`run`]: the generators make lines past it.
const MAX_LINE: usize = 200;

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

/// `gpt-4o` at $2 / $8 per MTok, and nothing else.
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

/// One team per group, the card of [`card`], lines of at most [`MAX_LINE`].
fn run(path: &Path, chunk_bytes: usize, threads: usize) -> Report {
    run_in(path, chunk_bytes, threads, Window::default())
}

/// Only 2026 and later.
fn from_2026() -> Window {
    Window {
        since: llmspend::time::parse_timestamp("2026-01-01"),
        until: None,
    }
}

/// [`run`] within `window`; odd chunk sizes read without mmap.
fn run_in(path: &Path, chunk_bytes: usize, threads: usize, window: Window) -> Report {
    let card = card();
    let plan = plan(&card, vec![Dimension::Team], window, MAX_LINE);
    read(path, &plan, chunk_bytes, threads, chunk_bytes % 2 == 0)
}

fn plan(card: &RateCard, dims: Vec<Dimension>, window: Window, max_line_bytes: usize) -> Plan<'_> {
    Plan {
        dims,
        window,
        wheres: Vec::new(),
        card,
        tz_offset: 0,
        zone: Default::default(),
        max_line_bytes,
        reported_cost: true,
        also_read: Vec::new(),
        attribution: Default::default(),
    }
}

/// The report of `plan` on one file, in chunks of about `chunk_bytes` on
/// `threads` threads.
fn read(path: &Path, plan: &Plan, chunk_bytes: usize, threads: usize, mmap: bool) -> Report {
    let options = ReadOptions {
        threads,
        chunk_bytes,
        mmap,
        ..ReadOptions::default()
    };
    pipeline::tally(&[Input::File(path.to_path_buf())], plan, &options)
        .unwrap()
        .finish()
}
