//! `anthropic`: the Anthropic Admin API usage and cost reports and the
//! Console's CSV exports (docs/sources.md).
//!
//! - Usage report pages (`/v1/organizations/usage_report/messages`): one
//!   record per bucket result. Counts are Anthropic-native and
//!   **disjoint**: `uncached_input_tokens`, `cache_read_input_tokens`,
//!   `cache_creation.ephemeral_5m_input_tokens` (5-minute writes) and
//!   `ephemeral_1h_input_tokens` (1-hour writes), `output_tokens`. The
//!   report gives no request count, so a row stands for an unknown number
//!   of requests (`requests` 0), which also keeps it out of long-context
//!   tiers (the report splits those by `context_window` instead).
//!   `workspace_id` is the project, `api_key_id` the key.
//! - Cost report pages (`/v1/organizations/cost_report`): `amount` is a
//!   decimal string in **cents** (`"123.45"` = $1.2345), kept exactly as the
//!   reported cost; no tokens, no request count.
//! - Console CSV exports: usage (`usage_date_utc`, `model_version`,
//!   `usage_input_tokens_no_cache`, `usage_input_tokens_cache_write_5m`,
//!   `..._1h`, `usage_input_tokens_cache_read`, `usage_output_tokens`, ...)
//!   and cost (`token_type`, `cost_usd` in dollars, `list_price_usd`, ...;
//!   `model` is a display name such as `Claude Sonnet 4.5`). `api_key` is
//!   the key's name, `workspace` the project.

use memchr::memmem;
use serde::Deserialize;

use crate::money::PICO_PER_USD;
use crate::parse::bucket_pages::{for_each_result, BucketStart};
use crate::parse::collect::{Collected, Count, Slot};
use crate::parse::csv_row::csv_row_fits;
use crate::parse::csv_row::read_csv_header;
use crate::parse::csv_row::CsvRow;
use crate::parse::json::{read_object_as, Lenient, Val};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Ignored, Reason, Tokens};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

/// The Anthropic admin-report source.
pub struct Anthropic;

const NAME: &str = "anthropic";

/// One result of a usage or cost bucket, or one Console CSV row.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Row<'a> {
    #[serde(borrow)]
    uncached_input_tokens: Val<'a>,
    #[serde(borrow)]
    cache_read_input_tokens: Val<'a>,
    #[serde(borrow)]
    cache_creation: Lenient<CacheCreation<'a>>,
    /// Flattened form seen in third-party schemas.
    #[serde(borrow)]
    cache_creation_5m_input_tokens: Val<'a>,
    #[serde(borrow)]
    cache_creation_1h_input_tokens: Val<'a>,
    #[serde(borrow)]
    output_tokens: Val<'a>,
    #[serde(borrow)]
    api_key_id: Val<'a>,
    #[serde(borrow)]
    workspace_id: Val<'a>,
    #[serde(borrow)]
    model: Val<'a>,
    #[serde(borrow)]
    service_tier: Val<'a>,
    /// `0-200k` or `200k-1M` (Console CSV: `≤ 200k`, `> 200k`): the
    /// long-context tier the rows were billed at.
    #[serde(borrow)]
    context_window: Val<'a>,
    #[serde(borrow)]
    amount: Val<'a>,
    /// CSV only.
    #[serde(skip)]
    date: Val<'a>,
    #[serde(skip)]
    api_key_name: Val<'a>,
    #[serde(skip)]
    workspace_name: Val<'a>,
    #[serde(skip)]
    cost_usd: Val<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CacheCreation<'a> {
    #[serde(borrow)]
    ephemeral_5m_input_tokens: Val<'a>,
    #[serde(borrow)]
    ephemeral_1h_input_tokens: Val<'a>,
}

/// The key paths a report result ([`Row`]) is read at, per canonical
/// field in the order tried, for `llmspend sources --fields`;
/// [`CSV_FIELDS`] names the Console exports' columns. `field_check` proves
/// every path is read and every path read is listed (`anthropic/tests.rs`).
const PAGE_FIELDS: &[(&str, &[&str])] = &[
    ("timestamp", &["(the bucket's starting_at)"]),
    ("provider", &["(always anthropic)"]),
    ("reported_cost_usd", &["amount (cents)"]),
    ("model", &["model"]),
    ("service_tier", &["service_tier"]),
    ("project", &["workspace_id"]),
    ("api_key", &["api_key_id"]),
    ("input_tokens", &["uncached_input_tokens"]),
    ("output_tokens", &["output_tokens"]),
    ("cache_read_tokens", &["cache_read_input_tokens"]),
    (
        "cache_write_tokens",
        &[
            "cache_creation.ephemeral_5m_input_tokens",
            "cache_creation_5m_input_tokens",
        ],
    ),
    (
        "cache_write_1h_tokens",
        &[
            "cache_creation.ephemeral_1h_input_tokens",
            "cache_creation_1h_input_tokens",
        ],
    ),
];

/// The columns of the Console exports, as [`PAGE_FIELDS`] for pages.
const CSV_FIELDS: &[(&str, &[&str])] = &[
    ("timestamp", &["usage_date_utc"]),
    ("provider", &["(always anthropic)"]),
    ("reported_cost_usd", &["cost_usd (dollars)"]),
    ("model", &["model_version", "model (the later column wins)"]),
    ("project", &["workspace"]),
    ("api_key", &["api_key", "api_key_id"]),
    ("input_tokens", &["usage_input_tokens_no_cache"]),
    ("output_tokens", &["usage_output_tokens"]),
    ("cache_read_tokens", &["usage_input_tokens_cache_read"]),
    ("cache_write_tokens", &["usage_input_tokens_cache_write_5m"]),
    (
        "cache_write_1h_tokens",
        &["usage_input_tokens_cache_write_1h"],
    ),
];

fn usage_tokens(row: &Row<'_>) -> Result<Option<Tokens>, Reason> {
    let cc = row.cache_creation.0.as_ref();
    let five = match cc {
        Some(c) => c
            .ephemeral_5m_input_tokens
            .count("cache_creation.ephemeral_5m_input_tokens")?,
        None => None,
    };
    let hour = match cc {
        Some(c) => c
            .ephemeral_1h_input_tokens
            .count("cache_creation.ephemeral_1h_input_tokens")?,
        None => None,
    };
    let parts = [
        row.uncached_input_tokens.count("uncached_input_tokens")?,
        row.output_tokens.count("output_tokens")?,
        row.cache_read_input_tokens
            .count("cache_read_input_tokens")?,
        five.or(row
            .cache_creation_5m_input_tokens
            .count("cache_creation_5m_input_tokens")?),
        hour.or(row
            .cache_creation_1h_input_tokens
            .count("cache_creation_1h_input_tokens")?),
    ];
    if parts.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [input, output, cache_read, cache_write, cache_write_1h] =
        parts.map(Option::unwrap_or_default);
    Ok(Some(Tokens {
        input,
        output,
        cache_read,
        cache_write,
        cache_write_1h,
    }))
}

/// Converts an amount in cents, written as decimal text, into pico-dollars
/// exactly (1 cent = 10^10 pico-dollars); digits past the pico-dollar are
/// rounded half-even.
pub fn cents_to_pico(text: &str) -> Option<u128> {
    crate::money::stated_pico(text, 10)
}

/// The long-context tier a row's `context_window` names: above 200k
/// tokens its rows are priced at the tier rates, below never
/// (docs/sources.md, anthropic).
fn context_notes(window: &Val<'_>) -> u8 {
    use crate::record::note;
    let Some(Scalar::Str(w)) = &window.0 else {
        return 0;
    };
    let w = w.trim();
    if w.starts_with("200k") || w.starts_with('>') {
        note::LONG_CONTEXT
    } else if w.starts_with("0-") || w.starts_with('≤') || w.starts_with("<=") {
        note::SHORT_CONTEXT
    } else {
        0
    }
}

fn emit(mut row: Row<'_>, start: BucketStart<'_>, sink: &mut dyn Sink) {
    let mut out = Collected::default();
    let text = Slot::Text;
    let (start, start_name) = start;
    start.offer(&mut out, Slot::Time, 0, start_name);
    std::mem::take(&mut row.date).offer(&mut out, Slot::Time, 0, "usage_date_utc");
    out.offer(
        text(Field::Provider),
        0,
        Scalar::Str(NAME.into()),
        "provider",
    );
    out.offer(Slot::Count(Count::Requests), 0, Scalar::U64(0), "requests");
    let mut cents = None;
    let is_cost = row.amount.is_some() || row.cost_usd.is_some();
    if is_cost {
        let bad = Reason::Other("`amount` is not a decimal number of cents");
        match &row.amount.0 {
            Some(Scalar::Str(a)) => match cents_to_pico(a) {
                Some(p) => cents = Some(p),
                None => return sink.malformed(bad),
            },
            // The documented form is a string; a number is read the same way.
            Some(Scalar::U64(v)) => cents = Some(u128::from(*v) * (PICO_PER_USD / 100)),
            Some(Scalar::F64(v)) if crate::money::stated_pico_f64(*v, 10).is_some() => {
                cents = crate::money::stated_pico_f64(*v, 10)
            }
            Some(_) => return sink.malformed(bad),
            None => {}
        }
        std::mem::take(&mut row.cost_usd).offer(&mut out, Slot::Cost, 0, "cost_usd");
        out.usage = Some(Ok(Tokens::default()));
    } else {
        match usage_tokens(&row) {
            Ok(Some(t)) => out.usage = Some(Ok(t)),
            Ok(None) if !row.model.is_some() => return sink.ignored(Ignored::NoUsage),
            Ok(None) => out.usage = Some(Ok(Tokens::default())),
            Err(reason) => return sink.malformed(reason),
        }
    }
    row.model.offer(&mut out, text(Field::Model), 0, "model");
    row.service_tier
        .offer(&mut out, text(Field::ServiceTier), 0, "service_tier");
    row.workspace_id
        .offer(&mut out, text(Field::Project), 0, "workspace_id");
    row.workspace_name
        .offer(&mut out, text(Field::Project), 1, "workspace");
    row.api_key_name
        .offer(&mut out, text(Field::ApiKey), 0, "api_key");
    row.api_key_id
        .offer(&mut out, text(Field::ApiKey), 1, "api_key_id");
    out.notes = context_notes(&row.context_window);
    match out.finish(NAME) {
        Ok(Some(mut record)) => {
            if cents.is_some() {
                record.reported_cost = cents;
            }
            sink.record(record)
        }
        Ok(None) => sink.ignored(Ignored::NoUsage),
        Err(reason) => sink.malformed(reason),
    }
}

/// Usage or cost report pages, as one document.
struct AnthropicPages;

impl Parser for AnthropicPages {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn parse_unit(&self, doc: &[u8], sink: &mut dyn Sink) {
        for_each_result(doc, sink, |start, raw, sink| {
            match read_object_as::<Row>(raw) {
                Ok(row) => emit(row, start, sink),
                Err(reason) => sink.malformed(reason),
            }
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Date,
    Model,
    ApiKey,
    ApiKeyId,
    Workspace,
    NoCache,
    Write5m,
    Write1h,
    Read,
    Output,
    CostUsd,
    ContextWindow,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "usage_date_utc" => Col::Date,
        "model_version" | "model" => Col::Model,
        "api_key" => Col::ApiKey,
        "api_key_id" => Col::ApiKeyId,
        "workspace" => Col::Workspace,
        "usage_input_tokens_no_cache" => Col::NoCache,
        "usage_input_tokens_cache_write_5m" => Col::Write5m,
        "usage_input_tokens_cache_write_1h" => Col::Write1h,
        "usage_input_tokens_cache_read" => Col::Read,
        "usage_output_tokens" => Col::Output,
        "cost_usd" => Col::CostUsd,
        "context_window" => Col::ContextWindow,
        _ => return None,
    })
}

/// A Console usage or cost CSV export.
struct AnthropicCsv {
    columns: Vec<Option<Col>>,
}

impl Parser for AnthropicCsv {
    fn framing(&self) -> Framing {
        Framing::Csv
    }

    fn parse_csv(&self, record: &CsvRow<'_>, sink: &mut dyn Sink) {
        if !csv_row_fits(record, self.columns.len(), sink) {
            return;
        }
        let mut row = Row::default();
        let mut five = Val::default();
        let mut hour = Val::default();
        for (cell, col) in record.iter().zip(&self.columns) {
            let Some(col) = col else { continue };
            let Ok(text) = std::str::from_utf8(cell) else {
                return sink.malformed(Reason::InvalidUtf8);
            };
            let v = Val::text(text);
            match col {
                Col::Date => row.date = v,
                Col::Model => row.model = v,
                Col::ApiKey => row.api_key_name = v,
                Col::ApiKeyId => row.api_key_id = v,
                Col::Workspace => row.workspace_name = v,
                Col::NoCache => row.uncached_input_tokens = v,
                Col::Write5m => five = v,
                Col::Write1h => hour = v,
                Col::Read => row.cache_read_input_tokens = v,
                Col::Output => row.output_tokens = v,
                Col::CostUsd => row.cost_usd = v,
                Col::ContextWindow => row.context_window = v,
            }
        }
        row.cache_creation_5m_input_tokens = five;
        row.cache_creation_1h_input_tokens = hour;
        emit(row, (Val::default(), "usage_date_utc"), sink);
    }
}

fn has(hay: &[u8], needle: &str) -> bool {
    memmem::find(hay, needle.as_bytes()).is_some()
}

fn csv_columns(sample: &Sample<'_>) -> Option<Vec<Option<Col>>> {
    let header = read_csv_header(sample.head).ok()?;
    let names: Vec<&str> = header
        .iter()
        .map(|c| std::str::from_utf8(c).unwrap_or("").trim())
        .collect();
    let all = |want: &[&str]| want.iter().all(|w| names.contains(w));
    let usage = all(&["usage_input_tokens_no_cache", "model_version"]);
    let cost = all(&["token_type", "cost_usd", "list_price_usd"]);
    (usage || cost).then(|| names.iter().map(|n| column(n)).collect())
}

impl Source for Anthropic {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "Anthropic Admin API usage report pages (disjoint counts with the 5m/1h cache-write split), cost report pages (amount in cents) and the Console's usage and cost CSV exports"
    }

    fn signature(&self) -> &'static str {
        "JSON pages whose results have `uncached_input_tokens`, or `amount` + `currency` with `starting_at`; CSV header with `usage_input_tokens_no_cache` + `model_version`, or `token_type` + `cost_usd` + `list_price_usd`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        if sample.extension() == "csv" {
            return csv_columns(sample).is_some();
        }
        let head = sample.head;
        let json = matches!(
            head.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{') | Some(b'[')
        );
        json && has(head, "\"data\"")
            && (has(head, "\"uncached_input_tokens\"")
                || (has(head, "\"starting_at\"")
                    && has(head, "\"amount\"")
                    && has(head, "\"currency\"")))
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        if sample.extension() == "csv" {
            let columns = csv_columns(sample).ok_or(
                "the CSV header is neither an Anthropic Console usage export nor a cost export",
            )?;
            return Ok(Box::new(AnthropicCsv { columns }));
        }
        Ok(Box::new(AnthropicPages))
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        crate::sources::contract::merged(&[("", PAGE_FIELDS), ("CSV", CSV_FIELDS)])
    }
}

#[cfg(test)]
mod tests;
