//! `llmspend`: llmspend's own normalized JSONL (`normalize --format jsonl`,
//! schema `llmspend.usage.v1`, docs/distributed.md), read back in the
//! second stage of a distributed job: rows shuffled by request_id, then
//! `report - --format partial` per partition.
//!
//! - A row's cost is taken as written (`cost_usd`, exact, 12 decimals;
//!   `priced: false` is unpriced) and never priced again, so the rate card
//!   of the run that wrote it stays the one that priced it.
//! - A row is not a line read: the run that wrote it counted its line.
//!   The trailer (`{"_llmspend":"accounting",…}`) adds that run's counts,
//!   reasons and samples to this run's accounting.
//! - `source` is the source that read the original line, so `--by source`
//!   groups as it did there.
//!
//! Detected from the first record: a trailer, or a row that starts with
//! `{"timestamp":` and carries `source_line` and `cost_usd`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::accounting::{Counts, Sample as NamedSample, Trailer};
use crate::money::Money;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Reason, Tokens, UsageRecord};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

/// The normalized-JSONL source.
pub struct Llmspend;

const NAME: &str = "llmspend";

/// The sources a row may name in `source`, as static names (an unknown
/// name reads as `llmspend`). Checked against the registry in
/// `sources/mod.rs`'s tests.
pub const ORIGINS: [&str; 7] = [
    "litellm",
    "claude-code",
    "bedrock",
    "otel",
    "openai",
    "anthropic",
    "gateway",
];

/// One row of `llmspend.usage.v1`, as JSONL writes it.
/// Unknown keys are skipped: later versions of the schema only append
/// columns.
#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow, rename = "day")]
    _day: Cow<'a, str>,
    #[serde(borrow)]
    provider: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "rate_model")]
    _rate_model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    service_tier: Option<Cow<'a, str>>,
    requests: u64,
    input_tokens: u64,
    output_tokens: u64,
    cache_read_tokens: u64,
    cache_write_tokens: u64,
    cache_write_1h_tokens: u64,
    #[serde(borrow)]
    team: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cost_center: Option<Cow<'a, str>>,
    #[serde(borrow)]
    project: Option<Cow<'a, str>>,
    #[serde(borrow)]
    service: Option<Cow<'a, str>>,
    #[serde(borrow)]
    route: Option<Cow<'a, str>>,
    #[serde(borrow)]
    environment: Option<Cow<'a, str>>,
    #[serde(borrow)]
    customer: Option<Cow<'a, str>>,
    #[serde(borrow)]
    user: Option<Cow<'a, str>>,
    #[serde(borrow)]
    api_key: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "owner_source")]
    _owner_source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cost_usd: Cow<'a, str>,
    priced: bool,
    #[serde(borrow)]
    reported_cost_usd: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: Cow<'a, str>,
    #[serde(borrow, rename = "source_file")]
    _source_file: Cow<'a, str>,
    #[serde(rename = "source_line")]
    _source_line: u64,
}

/// The trailer line.
#[derive(Deserialize)]
struct WireTrailer {
    #[serde(rename = "_llmspend")]
    kind: String,
    schema: String,
    rates_sha256: String,
    lines_read: u64,
    filtered: u64,
    duplicate: u64,
    malformed: u64,
    blank: u64,
    ignored: u64,
    #[serde(default)]
    malformed_samples: Vec<NamedSample>,
    #[serde(default)]
    malformed_reasons: BTreeMap<String, u64>,
    #[serde(default)]
    ignored_reasons: BTreeMap<String, u64>,
    #[serde(default)]
    ignored_samples: Vec<NamedSample>,
}

/// The schema this source reads.
const SCHEMA: &str = "llmspend.usage.v1";

fn trailer(unit: &[u8]) -> Result<Trailer, Reason> {
    let t: WireTrailer =
        serde_json::from_slice(unit).map_err(|_| Reason::Other("unreadable llmspend trailer"))?;
    if t.kind != "accounting" || t.schema != SCHEMA {
        return Err(Reason::Other("llmspend trailer of another schema"));
    }
    Ok(Trailer {
        counts: Counts {
            lines_read: t.lines_read,
            parsed: 0,
            filtered: t.filtered,
            duplicate: t.duplicate,
            malformed: t.malformed,
            blank: t.blank,
            ignored: t.ignored,
        },
        reasons: t.malformed_reasons,
        ignored: t.ignored_reasons,
        samples: t.malformed_samples,
        ignored_samples: t.ignored_samples,
        rates_sha256: t.rates_sha256,
    })
}

fn money(text: &str) -> Result<u128, Reason> {
    Money::from_usd_str(text)
        .map(|m| m.0)
        .ok_or(Reason::BadCount {
            field: "cost_usd",
            why: "not a decimal with at most 12 digits",
        })
}

fn record(unit: &[u8]) -> Result<UsageRecord<'_>, Reason> {
    let row: Row<'_> = serde_json::from_slice(unit).map_err(|_| Reason::InvalidJson)?;
    let timestamp = crate::time::parse_timestamp(&row.timestamp).ok_or(Reason::BadTimestamp)?;
    let source = ORIGINS
        .iter()
        .copied()
        .find(|s| *s == row.source)
        .unwrap_or(NAME);
    let mut r = UsageRecord::new(source);
    r.timestamp = timestamp;
    r.requests = row.requests;
    r.tokens = Tokens {
        input: row.input_tokens,
        output: row.output_tokens,
        cache_read: row.cache_read_tokens,
        cache_write: row.cache_write_tokens,
        cache_write_1h: row.cache_write_1h_tokens,
    };
    let cost = money(&row.cost_usd)?;
    r.written_cost = Some(row.priced.then_some(cost));
    r.reported_cost = row.reported_cost_usd.as_deref().map(money).transpose()?;
    let text = [
        (Field::Provider, row.provider),
        (Field::Model, row.model),
        (Field::ServiceTier, row.service_tier),
        (Field::Team, row.team),
        (Field::CostCenter, row.cost_center),
        (Field::Project, row.project),
        (Field::Service, row.service),
        (Field::Route, row.route),
        (Field::Environment, row.environment),
        (Field::Customer, row.customer),
        (Field::User, row.user),
        (Field::ApiKey, row.api_key),
        (Field::RequestId, row.request_id),
        (Field::Status, row.status),
    ];
    for (f, v) in text {
        if let Some(v) = v {
            r.set(f, v);
        }
    }
    Ok(r)
}

/// Returns true if and only if `line` is a trailer.
fn is_trailer(line: &[u8]) -> bool {
    line.starts_with(b"{\"_llmspend\":")
}

struct Lines;

impl Parser for Lines {
    fn framing(&self) -> Framing {
        Framing::Lines
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        if is_trailer(unit) {
            match trailer(unit) {
                Ok(t) => sink.trailer(t),
                Err(reason) => sink.malformed(reason),
            }
            return;
        }
        match record(unit) {
            Ok(r) => sink.record(r),
            Err(reason) => sink.malformed(reason),
        }
    }
}

impl Source for Llmspend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "llmspend's own normalized JSONL (normalize --format jsonl): costs as written"
    }

    fn signature(&self) -> &'static str {
        "first line `{\"_llmspend\":…}` (a trailer), or `{\"timestamp\":…` with `source_line` and `cost_usd`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        let first = sample.first_line();
        let has = |k: &[u8]| memchr::memmem::find(first, k).is_some();
        is_trailer(first)
            || (first.starts_with(b"{\"timestamp\":")
                && has(b"\"source_line\":")
                && has(b"\"cost_usd\":")
                && has(b"\"priced\":"))
    }

    fn open(
        &self,
        _sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        Ok(Box::new(Lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = r#"{"timestamp":"2026-10-01T23:59:59Z","day":"2026-10-01","provider":"openai","model":"gpt-4o","rate_model":"gpt-4o","service_tier":null,"requests":1,"input_tokens":25,"output_tokens":0,"cache_read_tokens":0,"cache_write_tokens":0,"cache_write_1h_tokens":3,"team":"=cmd","cost_center":null,"project":null,"service":null,"route":null,"environment":null,"customer":null,"user":null,"api_key":null,"owner_source":"request","request_id":"r1","status":null,"cost_usd":"0.000002500000","priced":true,"reported_cost_usd":"1.5","source":"gateway","source_file":"a.jsonl","source_line":7}"#;

    #[test]
    fn a_row_keeps_its_cost_and_its_source() {
        let r = record(ROW.as_bytes()).unwrap();
        assert_eq!(r.written_cost, Some(Some(2_500_000)));
        assert_eq!(r.reported_cost, Some(1_500_000_000_000));
        assert_eq!(r.source, "gateway");
        assert_eq!(r.get(Field::Team), Some("=cmd"));
        assert_eq!(r.get(Field::RequestId), Some("r1"));
        assert_eq!(r.tokens.cache_write_1h, 3);
        assert_eq!(r.timestamp, 1_790_899_199);
        let unpriced = ROW.replace("\"priced\":true", "\"priced\":false");
        assert_eq!(
            record(unpriced.as_bytes()).unwrap().written_cost,
            Some(None)
        );
        let float = ROW.replace("\"0.000002500000\"", "0.0000025");
        assert!(record(float.as_bytes()).is_err());
    }

    #[test]
    fn it_is_detected_from_a_row_or_a_trailer() {
        let sample = |head: &'static str| Sample {
            path: std::path::Path::new("-"),
            head: head.as_bytes(),
        };
        assert!(Llmspend.recognizes(&sample(ROW)));
        assert!(Llmspend.recognizes(&sample(
            "{\"_llmspend\":\"accounting\",\"schema\":\"llmspend.usage.v1\"}"
        )));
        assert!(!Llmspend.recognizes(&sample(
            r#"{"timestamp":"2026-10-01T00:00:00Z","model":"gpt-4o","input_tokens":3}"#
        )));
    }

    #[test]
    fn a_trailer_brings_its_counts() {
        let t = trailer(br#"{"_llmspend":"accounting","schema":"llmspend.usage.v1","rates_sha256":"ab","records":3,"lines_read":9,"filtered":1,"duplicate":0,"malformed":2,"blank":1,"ignored":2,"malformed_samples":[{"file":"a","line":4,"reason":"invalid JSON"}],"malformed_reasons":{"invalid JSON":2},"ignored_reasons":{"CSV header":2}}"#).unwrap();
        assert_eq!(t.counts.lines_read, 9);
        assert_eq!(t.counts.malformed, 2);
        assert_eq!(t.reasons["invalid JSON"], 2);
        assert_eq!(t.samples[0].line, 4);
        assert_eq!(t.rates_sha256, "ab");
        assert!(trailer(br#"{"_llmspend":"accounting","schema":"llmspend.usage.v2"}"#).is_err());
    }
}
