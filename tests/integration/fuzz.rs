//! The fuzz targets on stable: a bounded, seeded mutation loop over the
//! corpus, calling the same bodies as `fuzz/fuzz_targets/` (see
//! `fuzz/README.md`). `LLMSPEND_FUZZ_ITERS=200000 cargo test --release
//! --test integration fuzz::` runs it longer; `LLMSPEND_FUZZ_SEED` picks
//! another seed. A panic prints the input that caused it.

use std::path::Path;

#[path = "../../fuzz/bodies.rs"]
mod bodies;

/// Bytes the mutator likes to insert: the structure of JSON, CSV and dates.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b",",
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\\",
    b"\\u0000",
    b"\xff",
    b"-",
    b"+",
    b".",
    b"e",
    b"9",
    b"0",
    b"T",
    b"Z",
    b" ",
    b"#",
    b"\"\"",
    b"18446744073709551616",
    b"-1",
    b"1e3",
    b"null",
    b"true",
    b"\"timestamp\":",
    b"\"usage\":{",
    b"\"input_tokens\":",
    b"\"prompt_tokens_details\":{\"cached_tokens\":",
    b"+25:00",
    b"2026-02-29",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, t.iter().copied());
            }
            2 if !data.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            3 if !data.is_empty() => {
                let start = rng.below(data.len());
                let end = (start + 1 + rng.below(64)).min(data.len());
                let piece = data[start..end].to_vec();
                data.splice(at..at, piece);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[cut..]);
            }
            _ => data.insert(at.min(data.len()), rng.next() as u8),
        }
    }
    data
}

/// Iterations per target: `LLMSPEND_FUZZ_ITERS`, else a default sized
/// to keep each test near a second in a debug build.
fn iterations(default: usize) -> usize {
    std::env::var("LLMSPEND_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("LLMSPEND_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6C6C_6D73_7065_6E64)
        | 1
}

fn corpus(filter: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| filter(n))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect()
}

/// The first few lines of a file of `samples/`.
fn sample_head(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let text = std::fs::read(path).unwrap();
    text.split_inclusive(|&b| b == b'\n')
        .take(12)
        .flatten()
        .copied()
        .collect()
}

fn fuzz(name: &str, seeds: Vec<Vec<u8>>, body: fn(&[u8]), default_iters: usize) {
    assert!(!seeds.is_empty());
    let mut rng = Rng(seed());
    for i in 0..iterations(default_iters) {
        let data = mutate(&mut rng, &seeds);
        let result = std::panic::catch_unwind(|| body(&data));
        if result.is_err() {
            panic!(
                "{name}: iteration {i} panicked on input {:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }
}

/// Inputs the fuzzers found, kept as regression tests
/// (`tests/corpus/fuzz/<target>-<n>.bin`).
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/fuzz");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let data = std::fs::read(dir.join(&name)).unwrap();
        let body: fn(&[u8]) = match name.split_once('-').map(|(t, _)| t) {
            Some("gateway_jsonl") => bodies::gateway_jsonl,
            // A BOM line in the middle of a CSV file read as a row whole
            // and as an empty line when a chunk began with it.
            Some("gateway_csv") => bodies::gateway_csv,
            Some("rate_card") => bodies::rate_card,
            Some("timestamp") => bodies::timestamp,
            _ => panic!("{name}: name it <target>-<n>.bin"),
        };
        body(&data);
    }
}

#[test]
fn fuzz_gateway_jsonl_on_stable() {
    let mut seeds = corpus(|n| n.ends_with(".jsonl"));
    seeds.push(sample_head("gateway.jsonl"));
    // The first byte picks the chunk size.
    let seeds = seeds
        .into_iter()
        .map(|s| [&[17u8][..], &s].concat())
        .collect();
    fuzz("gateway_jsonl", seeds, bodies::gateway_jsonl, 1000);
}

#[test]
fn fuzz_gateway_csv_on_stable() {
    let mut seeds = corpus(|n| n.ends_with(".csv") && n != "card.csv");
    seeds.push(sample_head("gateway.csv"));
    let seeds = seeds
        .into_iter()
        .map(|s| [&[40u8][..], &s].concat())
        .collect();
    fuzz("gateway_csv", seeds, bodies::gateway_csv, 1000);
}

#[test]
fn fuzz_rate_card_on_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rates");
    let mut seeds = corpus(|n| n == "card.csv");
    for f in ["openai.csv", "anthropic.csv", "google.csv"] {
        seeds.push(std::fs::read(dir.join(f)).unwrap());
    }
    fuzz("rate_card", seeds, bodies::rate_card, 2000);
}

#[test]
fn fuzz_timestamp_on_stable() {
    let seeds = [
        "2025-10-03T09:14:02Z",
        "2025-10-03T09:14:02.874000+02:00",
        "2025-10-03 09:14:02 UTC",
        "2025-10-03",
        "1759482842.874",
        "1759482842874000000",
        "2024-02-29T23:59:60-0530",
    ]
    .map(|s| s.as_bytes().to_vec())
    .to_vec();
    fuzz("timestamp", seeds, bodies::timestamp, 20000);
}
