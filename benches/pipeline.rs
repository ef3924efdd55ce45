//! The one bench binary: throughput in bytes per second on
//! logs generated here, deterministically, by the `genlogs` crate (the
//! generator `examples/genlogs.rs` runs), and the allocations per record
//! counted by a global allocator.
//!
//! - `parse/*`: the gateway adapter alone, line by line, into a sink that
//!   only counts (JSON Lines).
//! - `worker/*`: `Worker::process_chunk` on one chunk: parse, price with
//!   the embedded rate card, aggregate by team and model (JSONL and CSV).
//! - `pipeline/*`: `pipeline::tally` on a temporary file, end to end, at 1
//!   and 2 threads.
//!
//! Run with `cargo bench --bench pipeline`; the allocation counts are
//! printed before the timings. Sizes: `LLMSPEND_BENCH_MB` (default 16).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use llmspend::dimension::Dimension;
use llmspend::input::Input;
use llmspend::pipeline::{self, ReadOptions};
use llmspend::price::card::RateCard;
use llmspend::record::{Reason, UsageRecord};
use llmspend::sink::tally::{GroupTally, Tally};
use llmspend::sources::{self, Parser, Sample, Sink, SourceOptions};
use llmspend::worker::{Chunk, Mode, Plan, Worker};

/// Counts every allocation (and reallocation) of the process.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

fn bench_bytes() -> u64 {
    std::env::var("LLMSPEND_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16u64)
        << 20
}

/// A sink that only counts what the parser reports.
#[derive(Default)]
struct CountSink {
    records: u64,
    other: u64,
}

impl Sink for CountSink {
    fn record(&mut self, r: UsageRecord<'_>) {
        black_box(&r);
        self.records += 1;
    }
    fn malformed(&mut self, _reason: Reason) {
        self.other += 1;
    }
    fn ignored(&mut self, _why: llmspend::record::Ignored) {
        self.other += 1;
    }
    fn blank(&mut self) {
        self.other += 1;
    }
    fn duplicate(&mut self) {
        self.other += 1;
    }
}

fn parser_for(name: &str, data: &[u8]) -> Box<dyn Parser> {
    let sample = Sample {
        path: Path::new(name),
        head: &data[..data.len().min(64 << 10)],
    };
    let source = sources::detect(&sample).expect("a source recognises generated logs");
    source
        .open(&sample, &SourceOptions::default())
        .expect("opens")
}

fn plan(card: &RateCard) -> Plan<'_> {
    Plan {
        dims: vec![Dimension::Team, Dimension::Model],
        window: Default::default(),
        wheres: Vec::new(),
        card,
        tz_offset: 0,
        zone: Default::default(),
        max_line_bytes: 16 << 20,
        reported_cost: false,
        also_read: Vec::new(),
        attribution: Default::default(),
    }
}

fn parse_lines(parser: &dyn Parser, data: &[u8], sink: &mut CountSink) {
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        parser.parse_unit(line, sink);
    }
}

fn process(plan: &Plan<'_>, parser: &dyn Parser, data: &[u8]) -> u64 {
    let mut w = Worker::new(plan, Mode::Count, GroupTally::new(plan));
    w.process_chunk(&Chunk {
        file: 0,
        index: 0,
        bytes: data,
        parser,
        first: true,
    });
    let done = w.finish(&Tally { plan });
    black_box(&done.out);
    done.ledger.counts.parsed
}

/// Prints allocations per record for the parser alone and for the worker.
/// The worker is warmed on the same data first, so the count is the steady
/// state of a long run (interned strings and price-cache entries are made
/// once per worker, not per record).
fn report_allocations(card: &RateCard, json: &[u8], csv: &[u8]) {
    let plan = plan(card);
    let parser = parser_for("bench.jsonl", json);
    let mut sink = CountSink::default();
    let before = allocations();
    parse_lines(parser.as_ref(), json, &mut sink);
    let parse = allocations() - before;
    eprintln!(
        "allocations: gateway JSONL parse: {parse} for {} records and {} other lines ({:.4}/record)",
        sink.records,
        sink.other,
        parse as f64 / sink.records.max(1) as f64
    );
    // The same, on the lines that are records only: the common case.
    let valid: Vec<&[u8]> = json
        .split(|&b| b == b'\n')
        .filter(|l| {
            let mut one = CountSink::default();
            parser.parse_unit(l, &mut one);
            one.records == 1
        })
        .collect();
    let mut sink = CountSink::default();
    let before = allocations();
    for line in &valid {
        parser.parse_unit(line, &mut sink);
    }
    let clean = allocations() - before;
    eprintln!(
        "allocations: gateway JSONL parse, valid lines only: {clean} for {} records",
        sink.records
    );
    for (name, data) in [("bench.jsonl", json), ("bench.csv", csv)] {
        let parser = parser_for(name, data);
        let mut w = Worker::new(&plan, Mode::Count, GroupTally::new(&plan));
        let chunk = Chunk {
            file: 0,
            index: 0,
            bytes: data,
            parser: parser.as_ref(),
            first: true,
        };
        w.process_chunk(&chunk);
        let parsed = w.counts().parsed;
        let before = allocations();
        w.process_chunk(&Chunk { index: 1, ..chunk });
        let steady = allocations() - before;
        eprintln!(
            "allocations: worker {name} (parse+price+aggregate, warm worker): {steady} for {parsed} records ({:.4}/record)",
            steady as f64 / parsed.max(1) as f64
        );
    }
}

fn benches(c: &mut Criterion) {
    let card = RateCard::embedded().expect("embedded rate card");
    let bytes = bench_bytes();
    let json = genlogs::generate(bytes, 7, false);
    let csv = genlogs::generate(bytes, 7, true);
    report_allocations(&card, &json, &csv);
    let plan = plan(&card);

    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(json.len() as u64));
    let parser = parser_for("bench.jsonl", &json);
    g.bench_function("gateway_jsonl_per_line", |b| {
        b.iter(|| {
            let mut sink = CountSink::default();
            parse_lines(parser.as_ref(), &json, &mut sink);
            sink.records
        })
    });
    g.finish();

    let mut g = c.benchmark_group("worker");
    g.sample_size(10);
    for (name, data) in [("bench.jsonl", &json), ("bench.csv", &csv)] {
        let parser = parser_for(name, data);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| b.iter(|| process(&plan, parser.as_ref(), data)));
    }
    g.finish();

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.jsonl");
    std::fs::write(&path, &json).expect("write temp file");
    let inputs = [Input::File(path)];
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(json.len() as u64));
    for threads in [1, 2] {
        let options = ReadOptions {
            threads,
            ..ReadOptions::default()
        };
        g.bench_function(format!("run_jsonl_{threads}_threads"), |b| {
            b.iter(|| {
                pipeline::tally(&inputs, &plan, &options)
                    .expect("run")
                    .sums
                    .total
            })
        });
    }
    g.finish();
}

criterion_group!(pipeline_benches, benches);
criterion_main!(pipeline_benches);
