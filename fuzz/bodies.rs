//! The fuzz target bodies, shared by the cargo-fuzz targets
//! (`fuzz_targets/*.rs`) and the stable, bounded mutation test
//! (`tests/integration/fuzz.rs`). Each one must never panic, and checks
//! the invariants that hold for any input.

#![allow(dead_code)]

use llmspend::accounting::Counts;
use llmspend::input::chunk::split;
use llmspend::parse::csv_row::read_csv_header;
use llmspend::price::card::{Layer, RateCard};
use llmspend::report::Totals;
use llmspend::sink::tally::{GroupTally, Tally};
use llmspend::sources::gateway::{GatewayCsv, GatewayJson};
use llmspend::sources::{Parser, SourceOptions};
use llmspend::worker::{Chunk, Mode, Plan, Worker};

fn card() -> RateCard {
    let mut card = RateCard::default();
    card.add_csv(
        "fuzz.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,2,8\n*,*,1,1\n",
        Layer::User,
    )
    .unwrap();
    card
}

/// Counts and totals of `bytes` read by `parser` cut into chunks of
/// `target` bytes (as the pipeline cuts them), one worker per chunk.
fn counts(bytes: &[u8], parser: &dyn Parser, target: usize, card: &RateCard) -> (Counts, Totals) {
    let plan = Plan {
        dims: vec![
            llmspend::dimension::Dimension::Team,
            llmspend::dimension::Dimension::Day,
        ],
        window: Default::default(),
        wheres: Vec::new(),
        card,
        tz_offset: 3600,
        zone: Default::default(),
        max_line_bytes: 4096,
        reported_cost: true,
        also_read: Vec::new(),
        attribution: Default::default(),
    };
    let mut total = Counts::default();
    let mut totals = Totals::default();
    for (index, range) in split(bytes, parser.framing(), target)
        .into_iter()
        .enumerate()
    {
        let mut w = Worker::new(&plan, Mode::Count, GroupTally::new(&plan));
        w.process_chunk(&Chunk {
            file: 0,
            index: index as u32,
            bytes: &bytes[range],
            parser,
            first: index == 0,
        });
        let done = w.finish(&Tally { plan: &plan });
        total.merge(&done.ledger.counts);
        totals.merge(&done.out.total);
    }
    (total, totals)
}

/// The chunk size a fuzz input asks for, from its first byte (1 to 4096
/// bytes, small ones more often), or none.
fn target_of(data: &[u8]) -> (usize, &[u8]) {
    match data.split_first() {
        Some((&t, rest)) => (1 + usize::from(t) * usize::from(t) / 16, rest),
        None => (usize::MAX, data),
    }
}

/// Gateway JSON Lines: every line in one bucket, and the same buckets
/// whole or cut into chunks.
pub fn gateway_jsonl(data: &[u8]) {
    let (target, bytes) = target_of(data);
    let parser = GatewayJson::new(&SourceOptions::default()).unwrap();
    let card = card();
    let whole = counts(bytes, &parser, usize::MAX, &card);
    assert!(whole.0.balanced(), "{whole:?}");
    let physical = memchr_count(bytes);
    assert_eq!(whole.0.lines_read, physical, "{whole:?}");
    assert_eq!(counts(bytes, &parser, target, &card), whole);
    scanner_agrees_with_serde_json(&parser, bytes);
}

/// The scanner (with serde_json for the lines it gives up on) reads every
/// line exactly as serde_json alone does: same values, same reason.
fn scanner_agrees_with_serde_json(parser: &GatewayJson, bytes: &[u8]) {
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (fast, reference) = parser.scanner_and_reference(line);
        assert_eq!(fast, reference, "{}", String::from_utf8_lossy(line));
    }
}

fn memchr_count(bytes: &[u8]) -> u64 {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
        + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

/// Gateway CSV: a header (when the input has one that names a field), then
/// rows; balanced, and the same buckets whole or in chunks.
pub fn gateway_csv(data: &[u8]) {
    let (target, bytes) = target_of(data);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(header) = read_csv_header(body) else {
        return;
    };
    let Ok(parser) = GatewayCsv::new(&header, &SourceOptions::default()) else {
        return;
    };
    let card = card();
    let whole = counts(bytes, &parser, usize::MAX, &card);
    assert!(whole.0.balanced(), "{whole:?}");
    assert_eq!(counts(bytes, &parser, target, &card), whole);
}

/// The rate-card parser: an error or a card, never a panic; a card that
/// parsed prices a model without panicking.
pub fn rate_card(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut card = RateCard::default();
    if card.add_csv("fuzz.csv", text, Layer::User).is_ok() {
        for row in card.rows() {
            let _ = card.candidates(None, &row.model);
        }
    }
}

/// The timestamp parser: never a panic, and a parsed ISO date-time moves
/// by exactly an hour with its offset.
pub fn timestamp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(t) = llmspend::time::parse_timestamp(text) else {
        return;
    };
    let _ = llmspend::time::format_day(t.div_euclid(86_400));
    let trimmed = text.trim();
    if let Some(base) = trimmed.strip_suffix('Z') {
        if base.len() >= 16 && base.as_bytes()[4] == b'-' && !base.contains(['+', ' ']) {
            let shifted = format!("{base}+01:00");
            if let Some(s) = llmspend::time::parse_timestamp(&shifted) {
                assert_eq!(s, t - 3600, "{shifted}");
            }
        }
    }
}
