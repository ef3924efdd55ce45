//! `genlogs`: a deterministic, seeded generator of realistic LLM gateway logs.
//!
//! It writes one request per line, either as JSON Lines (the default) or
//! as CSV. The output imitates what real gateways (LiteLLM, Portkey, VoidLLM,
//! home-grown proxies) emit:
//!
//! * about a dozen real OpenAI, Anthropic and Google model names, sometimes with a
//!   routing prefix (`openai/gpt-4o-mini`, `anthropic/claude-sonnet-4-5-20250929`);
//! * token usage in three shapes: OpenAI `usage` (cached and reasoning tokens
//!   *included* in prompt/completion counts), Anthropic `usage` (cache reads and
//!   writes *disjoint* from `input_tokens`, sometimes split into 5m/1h cache
//!   writes), and flat top-level `input_tokens`/`output_tokens`/`cache_read_tokens`/
//!   `cache_write_tokens`;
//! * attribution (team, cost center, service, route, environment, customer, user,
//!   API key) at the top level, under `metadata`, `tags` or `labels`, or with
//!   VoidLLM-style aliases (`team_id`, `tenant_id`, `key_id`, `model_name`);
//! * timestamps spread over one UTC month in several encodings (RFC 3339 `Z`,
//!   with an offset, space separated without zone, epoch seconds, epoch ms as a
//!   number or a string) under `timestamp`, `ts`, `created_at` or `startTime`;
//! * plenty of noise fields a report never reads (request ids, latencies, user
//!   agents, IPs, sampling parameters, a provider-reported cost), and a small rate
//!   of malformed lines (truncated JSON, a negative token count, no timestamp;
//!   in CSV a non-numeric token count).
//!
//! Command line (`cargo run --release --example genlogs -- ARGS`, parsed by
//! [`parse_args`]):
//!
//! ```text
//! genlogs [--bytes SIZE | --lines N] [--seed S] [--format jsonl|csv] [--month YYYY-MM]
//!         [--malformed-per-mille N] [--samples]
//! ```
//!
//! `SIZE` takes a `K`, `M` or `G` suffix (powers of 1024); the output never exceeds
//! it. Defaults: `--lines 1000 --seed 7 --format jsonl --month 2026-10
//! --malformed-per-mille 1`. `--samples` also emits a rare unpriced model
//! (`acme-llm-7b`, provider `selfhosted`) and guarantees at least two malformed
//! lines, so small sample files exercise the error paths.
//!
//! The generator is deterministic (same seed and arguments give byte-identical
//! output) and dependency-free on purpose: it uses only the standard library and
//! its own splitmix64 PRNG, so benchmarks and sample files can be regenerated
//! anywhere with `cargo run --release --example genlogs -- --bytes 2G > big.jsonl`.

mod args;
mod calendar;
mod catalog;
mod csv;
mod json;
mod request;
mod rng;
mod text;

use std::io::{self, Write};

pub use args::{parse_args, Command, USAGE};

use calendar::MonthSpan;
use csv::{write_csv, CSV_HEADER};
use json::write_json;
use request::{Gen, Req};

/// How much to write: at most this many bytes, or exactly this many lines.
#[derive(Clone, Copy, PartialEq)]
pub enum Limit {
    Bytes(u64),
    Lines(u64),
}

#[derive(Clone, Copy, PartialEq)]
pub enum Format {
    Jsonl,
    Csv,
}

/// Everything the output depends on; the same `Config` gives the same bytes.
pub struct Config {
    pub limit: Limit,
    pub seed: u64,
    pub format: Format,
    pub year: i64,
    pub month: u32,
    pub malformed_per_mille: u32,
    /// Also emit a rare unpriced model and at least two malformed lines.
    pub samples: bool,
}

impl Default for Config {
    /// The command line's defaults: `--lines 1000 --seed 7 --format jsonl
    /// --month 2026-10 --malformed-per-mille 1`.
    fn default() -> Config {
        Config {
            limit: Limit::Lines(1000),
            seed: 7,
            format: Format::Jsonl,
            year: 2026,
            month: 10,
            malformed_per_mille: 1,
            samples: false,
        }
    }
}

/// Generates at most `bytes` of logs in memory (JSON Lines, or CSV with a
/// header), with the defaults of the command line otherwise: what the benches
/// and tests use.
pub fn generate(bytes: u64, seed: u64, csv: bool) -> Vec<u8> {
    let cfg = Config {
        limit: Limit::Bytes(bytes),
        seed,
        format: if csv { Format::Csv } else { Format::Jsonl },
        ..Config::default()
    };
    let mut out = Vec::with_capacity(bytes as usize);
    write_logs(&cfg, &mut out).expect("writing to memory cannot fail");
    out
}

/// Writes the logs `cfg` asks for to `w`, line by line.
pub fn write_logs(cfg: &Config, w: &mut impl Write) -> io::Result<()> {
    let month = MonthSpan::new(cfg.year, cfg.month);
    let mut gen = Gen::new(cfg);
    let mut req = Req::new();
    let mut line = String::with_capacity(4096);
    let mut written: u64 = 0;

    if cfg.format == Format::Csv {
        if let Limit::Bytes(b) = cfg.limit {
            if (CSV_HEADER.len() as u64) > b {
                return Ok(());
            }
        }
        w.write_all(CSV_HEADER.as_bytes())?;
        written += CSV_HEADER.len() as u64;
    }

    for idx in 0u64.. {
        let progress = match cfg.limit {
            Limit::Lines(n) if idx >= n => break,
            Limit::Lines(n) => idx as f64 / n as f64,
            Limit::Bytes(b) => written as f64 / b.max(1) as f64,
        };
        let ts = month.at(progress, &mut gen.rng);
        gen.request(idx, ts, &mut req);
        line.clear();
        match cfg.format {
            Format::Jsonl => write_json(&req, &mut line),
            Format::Csv => write_csv(&req, &mut line),
        }
        if let Limit::Bytes(b) = cfg.limit {
            if written + line.len() as u64 > b {
                break;
            }
        }
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    Ok(())
}
