//! `genlogs`: a deterministic, seeded generator of realistic LLM gateway logs.
//!
//! It writes one request per line to stdout, either as JSON Lines (the default) or
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
//! Usage:
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

use std::io::{self, BufWriter, Write};
use std::process;

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/// splitmix64 finalizer; a bijection on `u64`.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A bijection on 62-bit values, used to derive ids that are unique per line.
fn scramble62(mut x: u64) -> u64 {
    const MASK: u64 = (1 << 62) - 1;
    x &= MASK;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & MASK;
    x ^= x >> 32;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB) & MASK;
    x ^ (x >> 29)
}

/// splitmix64: tiny, fast and good enough for synthetic data.
struct Rng {
    state: u64,
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng {
            state: mix64(seed ^ 0x6A09_E667_F3BC_C909),
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// Log-uniform in `lo..=hi`: many small values, a long tail of big ones.
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        let v = (a + (b - a) * self.unit()).exp() as u64;
        v.clamp(lo, hi)
    }

    /// Index into `weights`, chosen proportionally.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < w as u64 {
                return i;
            }
            r -= w as u64;
        }
        weights.len() - 1
    }

    fn weighted_pick<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u64 = xs.iter().map(|x| x.1 as u64).sum();
        let mut r = self.below(total);
        for x in xs {
            if r < x.1 as u64 {
                return x.0;
            }
            r -= x.1 as u64;
        }
        xs[xs.len() - 1].0
    }
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

const USAGE: &str = "usage: genlogs [--bytes SIZE | --lines N] [--seed S] [--format jsonl|csv] \
[--month YYYY-MM] [--malformed-per-mille N] [--samples]";

#[derive(Clone, Copy, PartialEq)]
enum Limit {
    Bytes(u64),
    Lines(u64),
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Jsonl,
    Csv,
}

struct Config {
    limit: Limit,
    seed: u64,
    format: Format,
    year: i64,
    month: u32,
    malformed_per_mille: u32,
    samples: bool,
}

/// Parses `2G`, `500M`, `64K`, `1000` (binary multiples; a trailing `B`/`iB` is allowed).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, mult) = match t.chars().last() {
        Some('K') | Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') | Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('G') | Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('T') | Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let n: u64 = digits.parse().map_err(|_| format!("bad size: {s:?}"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

fn parse_month(s: &str) -> Result<(i64, u32), String> {
    let bad = || format!("bad month (want YYYY-MM): {s:?}");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

fn parse_args() -> Result<Config, String> {
    let mut cfg = Config {
        limit: Limit::Lines(1000),
        seed: 7,
        format: Format::Jsonl,
        year: 2026,
        month: 10,
        malformed_per_mille: 1,
        samples: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--bytes" => cfg.limit = Limit::Bytes(parse_size(&value("--bytes")?)?),
            "--lines" => {
                let v = value("--lines")?;
                cfg.limit = Limit::Lines(v.parse().map_err(|_| format!("bad --lines: {v:?}"))?);
            }
            "--seed" => {
                let v = value("--seed")?;
                cfg.seed = v.parse().map_err(|_| format!("bad --seed: {v:?}"))?;
            }
            "--format" => {
                cfg.format = match value("--format")?.as_str() {
                    "jsonl" | "json" | "ndjson" => Format::Jsonl,
                    "csv" => Format::Csv,
                    other => return Err(format!("bad --format: {other:?} (jsonl|csv)")),
                }
            }
            "--month" => (cfg.year, cfg.month) = parse_month(&value("--month")?)?,
            "--malformed-per-mille" => {
                let v = value("--malformed-per-mille")?;
                let n: u32 = v
                    .parse()
                    .map_err(|_| format!("bad --malformed-per-mille: {v:?}"))?;
                cfg.malformed_per_mille = n.min(1000);
            }
            "--samples" => cfg.samples = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                process::exit(0);
            }
            other => return Err(format!("unknown argument: {other:?}")),
        }
    }
    Ok(cfg)
}

// ---------------------------------------------------------------------------
// Calendar (Howard Hinnant's civil-from-days algorithms)
// ---------------------------------------------------------------------------

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = ((m + 9) % 12) as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe as i64 + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// The month being generated, as a half-open range of epoch milliseconds.
struct MonthSpan {
    start_ms: i64,
    end_ms: i64,
}

impl MonthSpan {
    fn new(year: i64, month: u32) -> MonthSpan {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        MonthSpan {
            start_ms: days_from_civil(year, month, 1) * 86_400_000,
            end_ms: days_from_civil(ny, nm, 1) * 86_400_000,
        }
    }

    /// A timestamp `progress` (0..1) of the way through the month, with a few
    /// seconds of jitter so the file is only roughly sorted.
    fn at(&self, progress: f64, rng: &mut Rng) -> i64 {
        let span = (self.end_ms - self.start_ms) as f64;
        let base = self.start_ms + (span * progress.clamp(0.0, 1.0)) as i64;
        let jitter = rng.below(6_001) as i64 - 3_000;
        (base + jitter).clamp(self.start_ms, self.end_ms - 1)
    }
}

// ---------------------------------------------------------------------------
// Text helpers (hand-rolled so the hot loop avoids `format!`)
// ---------------------------------------------------------------------------

fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap());
}

fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Zero-padded decimal of exactly `width` digits (v < 10^width).
fn push_padded(out: &mut String, mut v: u64, width: usize) {
    if width == 2 {
        out.push((b'0' + (v / 10 % 10) as u8) as char);
        out.push((b'0' + (v % 10) as u8) as char);
        return;
    }
    let mut buf = [b'0'; 20];
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.push_str(std::str::from_utf8(&buf[..width]).unwrap());
}

fn push_hex(out: &mut String, v: u64, digits: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (4 * i)) & 0xf) as usize] as char);
    }
}

/// `n` base62 characters.
fn push_base62(out: &mut String, rng: &mut Rng, n: usize) {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut left = n;
    while left > 0 {
        let mut v = rng.next_u64();
        for _ in 0..left.min(10) {
            out.push(ALPHABET[(v % 62) as usize] as char);
            v /= 62;
        }
        left -= left.min(10);
    }
}

/// A version-4-looking UUID whose low 62 bits are `unique`.
fn push_uuid(out: &mut String, hi: u64, unique: u64) {
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (unique & ((1 << 62) - 1)) | (0b10 << 62);
    push_hex(out, hi >> 32, 8);
    out.push('-');
    push_hex(out, hi >> 16, 4);
    out.push('-');
    push_hex(out, hi, 4);
    out.push('-');
    push_hex(out, lo >> 48, 4);
    out.push('-');
    push_hex(out, lo, 12);
}

/// A non-negative decimal with up to 8 fractional digits, trailing zeros trimmed.
fn push_decimal(out: &mut String, v: f64) {
    let scaled = (v * 1e8).round() as u64;
    push_u64(out, scaled / 100_000_000);
    out.push('.');
    let mut frac = scaled % 100_000_000;
    let mut width = 8;
    while width > 1 && frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    push_padded(out, frac, width);
}

/// Calendar date and time of day from epoch milliseconds.
struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
    milli: u64,
}

impl DateTime {
    fn from_ms(ms: i64) -> DateTime {
        let secs = ms.div_euclid(1000);
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u64;
        DateTime {
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod / 60 % 60,
            second: sod % 60,
            milli: ms.rem_euclid(1000) as u64,
        }
    }

    /// `YYYY-MM-DD<sep>HH:MM:SS`
    fn push(&self, out: &mut String, sep: char) {
        push_padded(out, self.year as u64, 4);
        out.push('-');
        push_padded(out, self.month as u64, 2);
        out.push('-');
        push_padded(out, self.day as u64, 2);
        out.push(sep);
        push_padded(out, self.hour, 2);
        out.push(':');
        push_padded(out, self.minute, 2);
        out.push(':');
        push_padded(out, self.second, 2);
    }
}

/// `2026-10-03T09:14:02.118Z`
fn push_rfc3339_z(out: &mut String, ms: i64) {
    let dt = DateTime::from_ms(ms);
    dt.push(out, 'T');
    out.push('.');
    push_padded(out, dt.milli, 3);
    out.push('Z');
}

/// `2026-10-03T11:14:02+02:00` (local time at `offset_min` east of UTC).
fn push_rfc3339_offset(out: &mut String, ms: i64, offset_min: i64) {
    DateTime::from_ms(ms + offset_min * 60_000).push(out, 'T');
    out.push(if offset_min < 0 { '-' } else { '+' });
    let abs = offset_min.unsigned_abs();
    push_padded(out, abs / 60, 2);
    out.push(':');
    push_padded(out, abs % 60, 2);
}

/// `2026-10-03 09:14:02.118000` (UTC, no zone designator).
fn push_space_naive(out: &mut String, ms: i64) {
    let dt = DateTime::from_ms(ms);
    dt.push(out, ' ');
    out.push('.');
    push_padded(out, dt.milli * 1000, 6);
}

// ---------------------------------------------------------------------------
// Catalog: models, teams, services, routes, people
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Provider {
    OpenAi,
    Anthropic,
    Google,
    SelfHosted,
}

impl Provider {
    fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Google => "google",
            Provider::SelfHosted => "selfhosted",
        }
    }
}

/// USD per million tokens; only used to fake a provider-reported cost.
#[derive(Clone, Copy)]
struct Price {
    input: f64,
    output: f64,
    cache_read: f64,
    cache_write_5m: f64,
    cache_write_1h: f64,
}

const fn price(
    input: f64,
    output: f64,
    cache_read: f64,
    cache_write_5m: f64,
    cache_write_1h: f64,
) -> Option<Price> {
    Some(Price {
        input,
        output,
        cache_read,
        cache_write_5m,
        cache_write_1h,
    })
}

struct Model {
    name: &'static str,
    /// Routing-prefixed spelling some gateways log instead.
    alias: &'static str,
    provider: Provider,
    weight: u32,
    reasoning: bool,
    price: Option<Price>,
    /// Price above 200k input tokens, for models with a long-context tier.
    long_price: Option<Price>,
}

const fn model(
    name: &'static str,
    alias: &'static str,
    provider: Provider,
    weight: u32,
    reasoning: bool,
    price: Option<Price>,
    long_price: Option<Price>,
) -> Model {
    Model {
        name,
        alias,
        provider,
        weight,
        reasoning,
        price,
        long_price,
    }
}

use Provider::{Anthropic, Google, OpenAi, SelfHosted};

const MODELS: &[Model] = &[
    model(
        "gpt-4o-2024-08-06",
        "openai/gpt-4o",
        OpenAi,
        10,
        false,
        price(2.5, 10.0, 1.25, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4o-mini-2024-07-18",
        "openai/gpt-4o-mini",
        OpenAi,
        18,
        false,
        price(0.15, 0.6, 0.075, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4.1-2025-04-14",
        "openai/gpt-4.1",
        OpenAi,
        6,
        false,
        price(2.0, 8.0, 0.5, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4.1-mini-2025-04-14",
        "openai/gpt-4.1-mini",
        OpenAi,
        10,
        false,
        price(0.4, 1.6, 0.1, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-5-2025-08-07",
        "openai/gpt-5",
        OpenAi,
        5,
        true,
        price(1.25, 10.0, 0.125, 0.0, 0.0),
        None,
    ),
    model(
        "o3-2025-04-16",
        "openai/o3",
        OpenAi,
        2,
        true,
        price(2.0, 8.0, 0.5, 0.0, 0.0),
        None,
    ),
    model(
        "claude-sonnet-4-5-20250929",
        "anthropic/claude-sonnet-4-5-20250929",
        Anthropic,
        14,
        false,
        price(3.0, 15.0, 0.3, 3.75, 6.0),
        price(6.0, 22.5, 0.6, 7.5, 12.0),
    ),
    model(
        "claude-haiku-4-5-20251001",
        "anthropic/claude-haiku-4-5-20251001",
        Anthropic,
        9,
        false,
        price(1.0, 5.0, 0.1, 1.25, 2.0),
        None,
    ),
    model(
        "claude-opus-4-1-20250805",
        "anthropic/claude-opus-4-1-20250805",
        Anthropic,
        2,
        false,
        price(15.0, 75.0, 1.5, 18.75, 30.0),
        None,
    ),
    model(
        "claude-3-5-haiku-20241022",
        "anthropic/claude-3-5-haiku-20241022",
        Anthropic,
        5,
        false,
        price(0.8, 4.0, 0.08, 1.0, 1.6),
        None,
    ),
    model(
        "gemini-2.5-pro",
        "google/gemini-2.5-pro",
        Google,
        5,
        true,
        price(1.25, 10.0, 0.125, 0.0, 0.0),
        price(2.5, 15.0, 0.25, 0.0, 0.0),
    ),
    model(
        "gemini-2.5-flash",
        "google/gemini-2.5-flash",
        Google,
        12,
        true,
        price(0.3, 2.5, 0.03, 0.0, 0.0),
        None,
    ),
];

/// Unpriced self-hosted model, only emitted with `--samples`.
const UNPRICED: Model = model(
    "acme-llm-7b",
    "selfhosted/acme-llm-7b",
    SelfHosted,
    0,
    false,
    None,
    None,
);

const MODEL_SONNET_45: usize = 6;
const MODEL_GEMINI_PRO: usize = 10;

#[derive(Clone, Copy)]
enum Param {
    None,
    Id,
    Uuid,
}

struct Route {
    prefix: &'static str,
    param: Param,
    suffix: &'static str,
}

const fn route(prefix: &'static str, param: Param, suffix: &'static str) -> Route {
    Route {
        prefix,
        param,
        suffix,
    }
}

const CHAT: Route = route("/v1/chat/completions", Param::None, "");
const MESSAGES: Route = route("/v1/messages", Param::None, "");

struct Service {
    name: &'static str,
    routes: &'static [Route],
}

struct Team {
    name: &'static str,
    weight: u32,
    cost_centers: &'static [&'static str],
    services: &'static [Service],
}

const TEAMS: &[Team] = &[
    Team {
        name: "search",
        weight: 18,
        cost_centers: &["CC-1042"],
        services: &[
            Service {
                name: "search-api",
                routes: &[
                    CHAT,
                    route("/v1/search/rewrite", Param::None, ""),
                    route("/v1/search/", Param::Uuid, "/answer"),
                ],
            },
            Service {
                name: "query-rewriter",
                routes: &[CHAT, route("/internal/rewrite", Param::None, "")],
            },
        ],
    },
    Team {
        name: "payments",
        weight: 9,
        cost_centers: &["CC-2210", "CC-2215"],
        services: &[
            Service {
                name: "checkout",
                routes: &[CHAT, route("/api/checkout/", Param::Id, "/risk-summary")],
            },
            Service {
                name: "fraud-review",
                routes: &[MESSAGES, route("/v1/cases/", Param::Id, "/explain")],
            },
        ],
    },
    Team {
        name: "support",
        weight: 20,
        cost_centers: &["CC-3107"],
        services: &[
            Service {
                name: "support-bot",
                routes: &[
                    CHAT,
                    MESSAGES,
                    route("/v1/users/", Param::Id, "/chat"),
                    route("/v1/sessions/", Param::Uuid, "/messages"),
                ],
            },
            Service {
                name: "ticket-summarizer",
                routes: &[
                    route("/v1/summarize", Param::None, ""),
                    route("/v1/tickets/", Param::Id, "/summary"),
                ],
            },
        ],
    },
    Team {
        name: "growth",
        weight: 10,
        cost_centers: &["CC-4050", "CC-4051"],
        services: &[
            Service {
                name: "email-writer",
                routes: &[CHAT, route("/v1/campaigns/", Param::Id, "/draft")],
            },
            Service {
                name: "onboarding-assistant",
                routes: &[CHAT, route("/v1/users/", Param::Id, "/chat")],
            },
        ],
    },
    Team {
        name: "ml-platform",
        weight: 14,
        cost_centers: &["CC-5001"],
        services: &[
            Service {
                name: "eval-runner",
                routes: &[CHAT, MESSAGES, route("/v1/evals/", Param::Uuid, "/run")],
            },
            Service {
                name: "agent-sandbox",
                routes: &[MESSAGES, route("/v1/agents/", Param::Uuid, "/step")],
            },
        ],
    },
    Team {
        name: "data",
        weight: 12,
        cost_centers: &["CC-5120", "CC-5121"],
        services: &[
            Service {
                name: "sql-copilot",
                routes: &[CHAT, route("/v1/sql/generate", Param::None, "")],
            },
            Service {
                name: "etl-annotator",
                routes: &[
                    route("/v1/batch/", Param::Id, "/annotate"),
                    route("/v1/summarize", Param::None, ""),
                ],
            },
        ],
    },
    Team {
        name: "security",
        weight: 6,
        cost_centers: &["CC-6300"],
        services: &[
            Service {
                name: "alert-triage",
                routes: &[MESSAGES, route("/v1/alerts/", Param::Uuid, "/triage")],
            },
            Service {
                name: "code-scanner",
                routes: &[CHAT, route("/v1/repos/", Param::Id, "/scan")],
            },
        ],
    },
    Team {
        name: "mobile",
        weight: 11,
        cost_centers: &["CC-7015"],
        services: &[
            Service {
                name: "mobile-assistant",
                routes: &[CHAT, route("/v1/users/", Param::Id, "/chat")],
            },
            Service {
                name: "push-copy",
                routes: &[route("/v1/notifications/generate", Param::None, "")],
            },
        ],
    },
];

const ENVIRONMENTS: &[(&str, u32)] = &[("prod", 80), ("staging", 13), ("dev", 7)];

const CUSTOMERS: &[(&str, u32)] = &[
    ("acme-corp", 22),
    ("globex", 15),
    ("initech", 11),
    ("umbrella", 9),
    ("hooli", 8),
    ("stark-industries", 7),
    ("wayne-enterprises", 6),
    ("wonka-industries", 4),
    ("tyrell-corp", 3),
    ("Soylent, Inc.", 1),
];

const FIRST_NAMES: &[&str] = &[
    "maria", "james", "wei", "priya", "olga", "diego", "fatima", "noah", "aiko", "liam", "sofia",
    "omar", "chen", "emma", "ravi", "lucas",
];
const LAST_NAMES: &[&str] = &[
    "garcia", "smith", "zhang", "patel", "ivanova", "lopez", "khan", "brown", "tanaka", "murphy",
    "rossi", "haddad", "li", "schmidt", "nair", "silva",
];

const USER_AGENTS: &[&str] = &[
    "OpenAI/Python 1.51.2",
    "AsyncOpenAI/Python 1.54.4",
    "Anthropic/Python 0.39.0",
    "litellm/1.52.6",
    "python-httpx/0.27.2",
    "okhttp/4.12.0",
    "Go-http-client/2.0",
    "node-fetch/1.0",
    "Mozilla/5.0 (X11; Linux x86_64)",
];

const TEMPERATURES: &[&str] = &["0", "0.2", "0.3", "0.7", "1"];
const MAX_TOKENS: &[u64] = &[256, 512, 1024, 2048, 4096, 8192];
const TZ_OFFSETS_MIN: &[i64] = &[120, 60, -240, -420, 330, 540];

// ---------------------------------------------------------------------------
// One request
// ---------------------------------------------------------------------------

/// Where the token counts go in a JSON line.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    OpenAi,
    Anthropic,
    Flat,
}

/// Where the attribution fields go in a JSON line.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    Top,
    Metadata,
    Tags,
    Labels,
    VoidLlm,
}

#[derive(Clone, Copy, PartialEq)]
enum TsStyle {
    Rfc3339Z,
    Offset(i64),
    SpaceNaive,
    EpochSecs,
    EpochMs,
    EpochMsString,
}

#[derive(Clone, Copy, PartialEq)]
enum Malformed {
    None,
    /// Cut the line at this fraction (per mille) of its length.
    Truncated(u32),
    NegativeTokens,
    NoTimestamp,
    /// CSV only: this variant of a non-numeric token cell.
    NonNumeric(u32),
}

/// Disjoint token counts (input excludes cache reads and writes).
#[derive(Default, Clone, Copy)]
struct Tokens {
    input: u64,
    output: u64,
    cache_read: u64,
    cache_write_5m: u64,
    cache_write_1h: u64,
    /// Part of `output`.
    reasoning: u64,
}

impl Tokens {
    fn cache_write(&self) -> u64 {
        self.cache_write_5m + self.cache_write_1h
    }

    fn total_input(&self) -> u64 {
        self.input + self.cache_read + self.cache_write()
    }
}

struct Style {
    shape: Shape,
    placement: Placement,
    ts: TsStyle,
    ts_key: &'static str,
    cost_key: Option<&'static str>,
    cache_creation_detail: bool,
    /// Flat shape: write `cache_read_tokens` even when zero.
    zero_cache_fields: bool,
    malformed: Malformed,
}

/// A generated request; reused across lines so the hot loop does not allocate.
struct Req {
    ts_ms: i64,
    model: &'static Model,
    use_alias: bool,
    team: Option<&'static str>,
    cost_center: Option<&'static str>,
    service: &'static str,
    route: String,
    environment: &'static str,
    customer: Option<&'static str>,
    user: String,
    api_key: String,
    tok: Tokens,
    cost: Option<f64>,
    request_id: String,
    response_id: String,
    latency_ms: u64,
    ttft_ms: u64,
    stream: bool,
    temperature: Option<&'static str>,
    max_tokens: Option<u64>,
    user_agent: Option<&'static str>,
    ip: Option<[u8; 4]>,
    /// Details objects in OpenAI-shaped usage.
    prompt_details: bool,
    completion_details: bool,
    org_id: u64,
    style: Style,
}

impl Req {
    fn new() -> Req {
        Req {
            ts_ms: 0,
            model: &MODELS[0],
            use_alias: false,
            team: None,
            cost_center: None,
            service: "",
            route: String::with_capacity(128),
            environment: "prod",
            customer: None,
            user: String::with_capacity(64),
            api_key: String::with_capacity(64),
            tok: Tokens::default(),
            cost: None,
            request_id: String::with_capacity(64),
            response_id: String::with_capacity(64),
            latency_ms: 0,
            ttft_ms: 0,
            stream: false,
            temperature: None,
            max_tokens: None,
            user_agent: None,
            ip: None,
            prompt_details: false,
            completion_details: false,
            org_id: 0,
            style: Style {
                shape: Shape::Flat,
                placement: Placement::Top,
                ts: TsStyle::Rfc3339Z,
                ts_key: "timestamp",
                cost_key: None,
                cache_creation_detail: false,
                zero_cache_fields: false,
                malformed: Malformed::None,
            },
        }
    }
}

/// Line-independent generation state.
struct Gen {
    rng: Rng,
    samples: bool,
    format: Format,
    malformed_per_mille: u32,
    /// Line indexes forced to be malformed (with `--samples`).
    forced: [u64; 3],
    id_salt: u64,
}

impl Gen {
    fn new(cfg: &Config) -> Gen {
        let est_lines = match cfg.limit {
            Limit::Lines(n) => n,
            Limit::Bytes(b) => b / 640,
        };
        let forced = if !cfg.samples {
            [u64::MAX; 3]
        } else if est_lines < 8 {
            [0, 1, 2]
        } else {
            [est_lines / 4, est_lines / 2, est_lines * 3 / 4]
        };
        Gen {
            rng: Rng::new(cfg.seed),
            samples: cfg.samples,
            format: cfg.format,
            malformed_per_mille: cfg.malformed_per_mille,
            forced,
            id_salt: mix64(cfg.seed.wrapping_add(0x5EED)),
        }
    }

    /// Fills `r` with request number `idx` at time `ts_ms`.
    fn request(&mut self, idx: u64, ts_ms: i64, r: &mut Req) {
        r.ts_ms = ts_ms;
        let long_context = self.rng.chance(0.005);
        r.model = self.pick_model(long_context);
        r.use_alias = self.rng.chance(0.12);
        self.attribution(r);
        r.tok = self.tokens(r.model, long_context);
        r.style = self.style(idx, r.model.provider);
        r.cost = cost_usd(r.model, &r.tok);
        self.noise(idx, r);
    }

    fn pick_model(&mut self, long_context: bool) -> &'static Model {
        if long_context {
            return &MODELS[if self.rng.chance(0.6) {
                MODEL_SONNET_45
            } else {
                MODEL_GEMINI_PRO
            }];
        }
        if self.samples && self.rng.chance(0.01) {
            return &UNPRICED;
        }
        let mut weights = [0u32; 16];
        for (w, m) in weights.iter_mut().zip(MODELS) {
            *w = m.weight;
        }
        &MODELS[self.rng.weighted(&weights[..MODELS.len()])]
    }

    fn attribution(&mut self, r: &mut Req) {
        let rng = &mut self.rng;
        let mut weights = [0u32; 16];
        for (w, t) in weights.iter_mut().zip(TEAMS) {
            *w = t.weight;
        }
        let team = &TEAMS[rng.weighted(&weights[..TEAMS.len()])];
        let service = rng.pick(team.services);
        let missing = rng.below(1000);
        r.team = if missing < 20 { None } else { Some(team.name) };
        r.cost_center = if missing < 70 {
            None
        } else {
            Some(*rng.pick(team.cost_centers))
        };
        r.service = service.name;
        r.environment = rng.weighted_pick(ENVIRONMENTS);
        r.customer = if rng.chance(0.1) {
            None
        } else {
            Some(rng.weighted_pick(CUSTOMERS))
        };

        let rt = rng.pick(service.routes);
        r.route.clear();
        r.route.push_str(rt.prefix);
        match rt.param {
            Param::None => {}
            Param::Id => push_u64(&mut r.route, rng.log_uniform(100, 250_000)),
            Param::Uuid => {
                let (hi, lo) = (rng.next_u64(), rng.next_u64());
                push_uuid(&mut r.route, hi, lo);
            }
        }
        r.route.push_str(rt.suffix);

        let user_no = rng.log_uniform(20, 5000);
        r.user.clear();
        push_user(&mut r.user, user_no, r.customer);

        r.api_key.clear();
        r.api_key.push_str(team.name);
        r.api_key.push('-');
        r.api_key.push_str(r.environment);
        if rng.chance(0.4) {
            r.api_key.push('-');
            push_u64(&mut r.api_key, rng.range(2, 4));
        }
    }

    fn tokens(&mut self, model: &Model, long_context: bool) -> Tokens {
        let rng = &mut self.rng;
        let prompt = if long_context {
            rng.range(200_001, 650_000)
        } else {
            rng.log_uniform(200, 20_000)
        };
        let output = rng.log_uniform(20, 2000);
        let mut t = Tokens {
            output,
            ..Tokens::default()
        };
        if model.reasoning && rng.chance(0.7) {
            t.reasoning = (output as f64 * (0.2 + 0.7 * rng.unit())) as u64;
        }
        let mut cached = 0;
        if rng.chance(0.42) {
            cached = (prompt as f64 * (0.3 + 0.65 * rng.unit())) as u64;
            if model.provider == Provider::OpenAi {
                // OpenAI caches whole 128-token blocks once the prompt has 1024 tokens.
                cached = if prompt >= 1024 {
                    cached / 128 * 128
                } else {
                    0
                };
            }
        }
        let mut written = 0;
        if model.provider == Provider::Anthropic && rng.chance(0.2) {
            written = ((prompt - cached) as f64 * (0.3 + 0.6 * rng.unit())) as u64;
        }
        t.cache_read = cached;
        if rng.chance(0.25) {
            t.cache_write_1h = written;
        } else if rng.chance(0.1) {
            t.cache_write_1h = written / 3;
            t.cache_write_5m = written - written / 3;
        } else {
            t.cache_write_5m = written;
        }
        t.input = prompt - cached - written;
        t
    }

    fn style(&mut self, idx: u64, provider: Provider) -> Style {
        let rng = &mut self.rng;
        let placement = match rng.below(100) {
            0..=39 => Placement::Top,
            40..=64 => Placement::Metadata,
            65..=79 => Placement::Tags,
            80..=91 => Placement::Labels,
            _ => Placement::VoidLlm,
        };
        let shape = if placement == Placement::VoidLlm || rng.chance(0.2) {
            Shape::Flat
        } else if provider == Provider::Anthropic {
            Shape::Anthropic
        } else {
            Shape::OpenAi
        };
        let ts = match rng.below(100) {
            0..=69 => TsStyle::Rfc3339Z,
            70..=75 => TsStyle::Offset(*rng.pick(TZ_OFFSETS_MIN)),
            76..=81 => TsStyle::SpaceNaive,
            82..=87 => TsStyle::EpochSecs,
            88..=93 => TsStyle::EpochMs,
            _ => TsStyle::EpochMsString,
        };
        let ts_key = match rng.below(100) {
            0..=74 => "timestamp",
            75..=84 => "ts",
            85..=94 => "created_at",
            _ => "startTime",
        };
        let cost_key = match (placement, rng.below(100)) {
            (Placement::VoidLlm, _) => Some("total_cost"),
            (_, 0..=44) => Some("cost"),
            (_, 45..=74) => Some("spend"),
            _ => None,
        };
        let cache_creation_detail = rng.chance(0.5);
        let zero_cache_fields = rng.chance(0.5);
        let malformed = self.malformed(idx);
        Style {
            shape,
            placement,
            ts,
            ts_key,
            cost_key,
            cache_creation_detail,
            zero_cache_fields,
            malformed,
        }
    }

    fn malformed(&mut self, idx: u64) -> Malformed {
        let forced = self.forced.iter().position(|&f| f == idx);
        let kind = match forced {
            Some(k) => k as u64,
            None if self.rng.below(1000) < self.malformed_per_mille as u64 => self.rng.below(3),
            None => return Malformed::None,
        };
        if self.format == Format::Csv {
            return Malformed::NonNumeric(self.rng.below(4) as u32);
        }
        match kind {
            0 => Malformed::Truncated(self.rng.range(150, 850) as u32),
            1 => Malformed::NegativeTokens,
            _ => Malformed::NoTimestamp,
        }
    }

    fn noise(&mut self, idx: u64, r: &mut Req) {
        let rng = &mut self.rng;
        let unique = scramble62(idx ^ self.id_salt);
        r.request_id.clear();
        if rng.chance(0.7) {
            r.request_id.push_str("req_");
            push_hex(&mut r.request_id, rng.next_u64() >> 2, 8);
            push_hex(&mut r.request_id, unique, 16);
        } else {
            push_uuid(&mut r.request_id, rng.next_u64(), unique);
        }
        r.response_id.clear();
        r.stream = rng.chance(0.45);
        r.ttft_ms = rng.log_uniform(120, 2500) + r.tok.total_input() / 400;
        let per_token_ms = if r.model.reasoning { 14 } else { 8 } + rng.below(12);
        r.latency_ms = r.ttft_ms + r.tok.output * per_token_ms + rng.below(40);
        if self.format == Format::Csv {
            return; // The remaining fields only appear in JSON.
        }
        if rng.chance(0.5) {
            // Not every gateway logs the upstream response id.
        } else if r.model.provider == Provider::Anthropic && r.style.shape == Shape::Anthropic {
            r.response_id.push_str("msg_01");
            push_base62(&mut r.response_id, rng, 22);
        } else {
            r.response_id.push_str("chatcmpl-");
            push_base62(&mut r.response_id, rng, 29);
        }
        r.temperature = if rng.chance(0.3) {
            None
        } else {
            Some(*rng.pick(TEMPERATURES))
        };
        // A cap at or above the actual output.
        r.max_tokens = if rng.chance(0.5) {
            None
        } else {
            let fitting = MAX_TOKENS
                .iter()
                .position(|&m| m >= r.tok.output)
                .unwrap_or(MAX_TOKENS.len() - 1);
            Some(MAX_TOKENS[rng.range(fitting as u64, MAX_TOKENS.len() as u64 - 1) as usize])
        };
        r.user_agent = if rng.chance(0.6) {
            Some(*rng.pick(USER_AGENTS))
        } else {
            None
        };
        r.ip = if rng.chance(0.55) {
            Some([
                10,
                rng.below(32) as u8,
                rng.below(256) as u8,
                rng.range(1, 254) as u8,
            ])
        } else {
            None
        };
        r.prompt_details = r.tok.cache_read > 0 || rng.chance(0.25);
        r.completion_details = r.tok.reasoning > 0 || rng.chance(0.1);
        r.org_id = 0x7f3a_0000 + rng.below(3);
    }
}

fn push_user(out: &mut String, user_no: u64, customer: Option<&str>) {
    let h = mix64(user_no ^ 0xA11CE);
    match user_no % 10 {
        0..=4 => {
            out.push_str("usr_");
            push_hex(out, h, 8);
        }
        5..=7 => {
            out.push_str(FIRST_NAMES[(h % FIRST_NAMES.len() as u64) as usize]);
            out.push('.');
            out.push_str(LAST_NAMES[((h >> 8) % LAST_NAMES.len() as u64) as usize]);
            out.push('@');
            let domain = customer.unwrap_or("internal");
            for c in domain
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            {
                out.push(c.to_ascii_lowercase());
            }
            out.push_str(".com");
        }
        _ => push_u64(out, 1000 + h % 90_000),
    }
}

/// What the provider would have billed, in USD (None for unpriced models).
fn cost_usd(model: &Model, t: &Tokens) -> Option<f64> {
    let base = model.price?;
    let p = match model.long_price {
        Some(long) if t.total_input() > 200_000 => long,
        _ => base,
    };
    let micro = t.input as f64 * p.input
        + t.output as f64 * p.output
        + t.cache_read as f64 * p.cache_read
        + t.cache_write_5m as f64 * p.cache_write_5m
        + t.cache_write_1h as f64 * p.cache_write_1h;
    Some(micro / 1e6)
}

// ---------------------------------------------------------------------------
// JSON output
// ---------------------------------------------------------------------------

/// Minimal JSON object writer; all values we write are known to need no escaping.
struct Json<'a> {
    out: &'a mut String,
    comma: bool,
}

impl<'a> Json<'a> {
    fn begin(out: &'a mut String) -> Json<'a> {
        out.push('{');
        Json { out, comma: false }
    }

    fn key(&mut self, k: &str) {
        if self.comma {
            self.out.push(',');
        }
        self.comma = true;
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
    }

    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push('"');
        self.out.push_str(v);
        self.out.push('"');
    }

    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    fn num(&mut self, k: &str, v: u64) {
        self.key(k);
        push_u64(self.out, v);
    }

    fn int(&mut self, k: &str, v: i64) {
        self.key(k);
        push_i64(self.out, v);
    }

    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push_str(v);
    }

    fn bool(&mut self, k: &str, v: bool) {
        self.raw(k, if v { "true" } else { "false" });
    }

    fn open(&mut self, k: &str) {
        self.key(k);
        self.out.push('{');
        self.comma = false;
    }

    fn close(&mut self) {
        self.out.push('}');
        self.comma = true;
    }
}

fn write_json(r: &Req, out: &mut String) {
    let start = out.len();
    let void = r.style.placement == Placement::VoidLlm;
    let mut j = Json::begin(out);
    if r.style.malformed != Malformed::NoTimestamp {
        write_timestamp(&mut j, r);
    }
    j.str("request_id", &r.request_id);
    j.str("status", "success");
    j.str("provider", r.model.provider.name());
    j.str(
        if void { "model_name" } else { "model" },
        if r.use_alias {
            r.model.alias
        } else {
            r.model.name
        },
    );
    write_attribution(&mut j, r);
    write_usage(&mut j, r);
    write_noise(&mut j, r);
    j.close();
    if let Malformed::Truncated(per_mille) = r.style.malformed {
        let len = out.len() - start;
        out.truncate(start + len * per_mille as usize / 1000);
    }
    out.push('\n');
}

fn write_timestamp(j: &mut Json, r: &Req) {
    j.key(r.style.ts_key);
    let ms = r.ts_ms;
    match r.style.ts {
        TsStyle::EpochSecs => push_i64(j.out, ms.div_euclid(1000)),
        TsStyle::EpochMs => push_i64(j.out, ms),
        quoted => {
            j.out.push('"');
            match quoted {
                TsStyle::Offset(off) => push_rfc3339_offset(j.out, ms, off),
                TsStyle::SpaceNaive => push_space_naive(j.out, ms),
                TsStyle::EpochMsString => push_i64(j.out, ms),
                _ => push_rfc3339_z(j.out, ms),
            }
            j.out.push('"');
        }
    }
}

#[derive(Clone, Copy)]
enum Attr {
    Team,
    CostCenter,
    Service,
    Route,
    Environment,
    Customer,
    User,
    ApiKey,
}

const ALL_ATTRS: &[Attr] = &[
    Attr::Team,
    Attr::CostCenter,
    Attr::Service,
    Attr::Route,
    Attr::Environment,
    Attr::Customer,
    Attr::User,
    Attr::ApiKey,
];
const TAG_ATTRS: &[Attr] = &[
    Attr::Team,
    Attr::CostCenter,
    Attr::Service,
    Attr::Environment,
    Attr::Customer,
];
const UNTAGGED_ATTRS: &[Attr] = &[Attr::Route, Attr::User, Attr::ApiKey];

fn write_attrs(j: &mut Json, r: &Req, attrs: &[Attr], void: bool) {
    for &a in attrs {
        match a {
            Attr::Team => j.opt_str(if void { "team_id" } else { "team" }, r.team),
            Attr::CostCenter => j.opt_str("cost_center", r.cost_center),
            Attr::Service => j.str("service", r.service),
            Attr::Route => j.str("route", &r.route),
            Attr::Environment => j.str("environment", r.environment),
            Attr::Customer => j.opt_str(if void { "tenant_id" } else { "customer" }, r.customer),
            Attr::User => j.str("user", &r.user),
            Attr::ApiKey => j.str(if void { "key_id" } else { "api_key" }, &r.api_key),
        }
    }
}

fn write_attribution(j: &mut Json, r: &Req) {
    match r.style.placement {
        Placement::Top => write_attrs(j, r, ALL_ATTRS, false),
        Placement::Metadata => {
            j.open("metadata");
            write_attrs(j, r, ALL_ATTRS, false);
            j.close();
        }
        Placement::Tags | Placement::Labels => {
            write_attrs(j, r, UNTAGGED_ATTRS, false);
            j.open(if r.style.placement == Placement::Tags {
                "tags"
            } else {
                "labels"
            });
            write_attrs(j, r, TAG_ATTRS, false);
            j.close();
        }
        Placement::VoidLlm => {
            j.key("org_id");
            j.out.push_str("\"org_");
            push_hex(j.out, r.org_id, 8);
            j.out.push('"');
            write_attrs(j, r, ALL_ATTRS, true);
        }
    }
}

fn write_usage(j: &mut Json, r: &Req) {
    let t = &r.tok;
    let output = if r.style.malformed == Malformed::NegativeTokens {
        -(t.output as i64)
    } else {
        t.output as i64
    };
    match r.style.shape {
        Shape::OpenAi => {
            let prompt = t.total_input() as i64;
            j.open("usage");
            j.int("prompt_tokens", prompt);
            j.int("completion_tokens", output);
            j.int("total_tokens", prompt + output);
            if r.prompt_details {
                j.open("prompt_tokens_details");
                j.num("cached_tokens", t.cache_read);
                j.close();
            }
            if r.completion_details {
                j.open("completion_tokens_details");
                j.num("reasoning_tokens", t.reasoning);
                j.close();
            }
            j.close();
        }
        Shape::Anthropic => {
            j.open("usage");
            j.num("input_tokens", t.input);
            j.int("output_tokens", output);
            j.num("cache_read_input_tokens", t.cache_read);
            j.num("cache_creation_input_tokens", t.cache_write());
            if r.style.cache_creation_detail && t.cache_write() > 0 {
                j.open("cache_creation");
                j.num("ephemeral_5m_input_tokens", t.cache_write_5m);
                j.num("ephemeral_1h_input_tokens", t.cache_write_1h);
                j.close();
            }
            j.close();
        }
        Shape::Flat => {
            j.num("input_tokens", t.input);
            j.int("output_tokens", output);
            // Many gateways drop zero cache counters from flat records.
            if t.cache_read > 0 || r.style.zero_cache_fields {
                j.num("cache_read_tokens", t.cache_read);
            }
            if t.cache_write() > 0 {
                j.num("cache_write_tokens", t.cache_write());
            }
        }
    }
}

fn write_noise(j: &mut Json, r: &Req) {
    if let (Some(key), Some(cost)) = (r.style.cost_key, r.cost) {
        j.key(key);
        push_decimal(j.out, cost);
    }
    j.num(
        if r.style.placement == Placement::VoidLlm {
            "duration_ms"
        } else {
            "latency_ms"
        },
        r.latency_ms,
    );
    if r.stream {
        j.num("ttft_ms", r.ttft_ms);
    }
    j.bool("stream", r.stream);
    if let Some(t) = r.temperature {
        j.raw("temperature", t);
    }
    if let Some(m) = r.max_tokens {
        j.num("max_tokens", m);
    }
    if !r.response_id.is_empty() {
        j.str("response_id", &r.response_id);
    }
    j.opt_str("user_agent", r.user_agent);
    if let Some(ip) = r.ip {
        j.key("ip");
        j.out.push('"');
        for (i, octet) in ip.iter().enumerate() {
            if i > 0 {
                j.out.push('.');
            }
            push_u64(j.out, *octet as u64);
        }
        j.out.push('"');
    }
}

// ---------------------------------------------------------------------------
// CSV output
// ---------------------------------------------------------------------------

const CSV_HEADER: &str =
    "timestamp,provider,model,team,cost_center,service,route,environment,customer,user,api_key,\
request_id,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,status,latency_ms\n";

/// One RFC 4180 cell followed by a comma.
fn csv_cell(out: &mut String, v: &str) {
    if v.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        for c in v.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
    out.push(',');
}

fn csv_num(out: &mut String, v: u64) {
    push_u64(out, v);
    out.push(',');
}

fn write_csv(r: &Req, out: &mut String) {
    push_rfc3339_z(out, r.ts_ms);
    out.push(',');
    csv_cell(out, r.model.provider.name());
    csv_cell(
        out,
        if r.use_alias {
            r.model.alias
        } else {
            r.model.name
        },
    );
    csv_cell(out, r.team.unwrap_or(""));
    csv_cell(out, r.cost_center.unwrap_or(""));
    csv_cell(out, r.service);
    csv_cell(out, &r.route);
    csv_cell(out, r.environment);
    csv_cell(out, r.customer.unwrap_or(""));
    csv_cell(out, &r.user);
    csv_cell(out, &r.api_key);
    csv_cell(out, &r.request_id);
    match r.style.malformed {
        Malformed::NonNumeric(variant) => {
            let bad = ["n/a", "12k", "NaN", "\"1,204\""][variant as usize % 4];
            out.push_str(bad);
            out.push(',');
        }
        _ => csv_num(out, r.tok.input),
    }
    csv_num(out, r.tok.output);
    csv_num(out, r.tok.cache_read);
    csv_num(out, r.tok.cache_write());
    csv_cell(out, "success");
    push_u64(out, r.latency_ms);
    out.push('\n');
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

fn run(cfg: &Config) -> io::Result<()> {
    let stdout = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
    write_logs(cfg, &mut w)?;
    w.flush()
}

/// Generates at most `bytes` of logs in memory (JSON Lines, or CSV with a
/// header), with the defaults of the command line otherwise. The benches
/// include this file (`#[path]`) and call this.
pub fn generate(bytes: u64, seed: u64, csv: bool) -> Vec<u8> {
    let cfg = Config {
        limit: Limit::Bytes(bytes),
        seed,
        format: if csv { Format::Csv } else { Format::Jsonl },
        year: 2026,
        month: 10,
        malformed_per_mille: 1,
        samples: false,
    };
    let mut out = Vec::with_capacity(bytes as usize);
    write_logs(&cfg, &mut out).expect("writing to memory cannot fail");
    out
}

fn write_logs(cfg: &Config, w: &mut impl Write) -> io::Result<()> {
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

fn main() {
    let cfg = match parse_args() {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("genlogs: {e}\n{USAGE}");
            process::exit(2);
        }
    };
    if let Err(e) = run(&cfg) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("genlogs: {e}");
            process::exit(1);
        }
    }
}
