//! `openai`: the OpenAI organization Usage and Costs APIs and the
//! dashboard's CSV exports of them (docs/sources.md).
//!
//! - Usage API pages (`/v1/organization/usage/completions`, also
//!   `/embeddings`): one record per bucket result, an **aggregated** row
//!   whose `requests` is `num_model_requests`. `input_tokens` includes
//!   cached and cache-write tokens (spec: "including cached and
//!   cache-write tokens"), so `input_cached_tokens` and
//!   `input_cache_write_tokens` are subtracted; reasoning is inside
//!   `output_tokens`. `batch: true` is the `batch` tier, else `service_tier`.
//!   `project_id`, `user_id`, `api_key_id` and `model` are the group echoes
//!   (null unless the request grouped by them).
//! - Costs API pages (`/v1/organization/costs`): `amount.value` (dollars) is
//!   a reported cost for reconciliation; such a row has no tokens and stands
//!   for no request count (`requests` 0). The model is the part of
//!   `line_item` before `, ` when it has one (`gpt-4o-2024-08-06, input`).
//! - CSV exports: the usage export (`num_model_requests`, `input_tokens`,
//!   `start_time_iso`, ...) and the cost export (`amount_value`,
//!   `amount_currency`, `start_time_iso`, ...), columns found by name.
//!
//! - Audio and image tokens (`input_audio_tokens`, `output_audio_tokens`,
//!   `input_image_tokens`, and their cached parts) are taken out of the
//!   text counts that include them and carried as the record's
//!   [`Modal`] part, priced by their own rate-card columns.
//!
//! Results of other usage endpoints (images, audio, vector stores, ...)
//! carry no tokens and are `ignored`.

use memchr::memmem;
use serde::Deserialize;

use crate::parse::bucket_pages::{for_each_result, BucketStart};
use crate::parse::collect::{Collected, Count, Slot};
use crate::parse::csv_row::csv_row_fits;
use crate::parse::csv_row::read_csv_header;
use crate::parse::csv_row::CsvRow;
use crate::parse::json::{read_object_as, Lenient, Val};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Ignored, Modal, Reason, Tokens};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

/// The OpenAI admin-report source.
pub struct Openai;

const NAME: &str = "openai";

/// One result of a usage or costs bucket (or one CSV row).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Row<'a> {
    #[serde(borrow)]
    object: Val<'a>,
    #[serde(borrow)]
    input_tokens: Val<'a>,
    #[serde(borrow)]
    input_cached_tokens: Val<'a>,
    #[serde(borrow)]
    input_cache_write_tokens: Val<'a>,
    #[serde(borrow)]
    input_uncached_tokens: Val<'a>,
    #[serde(borrow)]
    output_tokens: Val<'a>,
    #[serde(borrow)]
    input_audio_tokens: Val<'a>,
    #[serde(borrow)]
    input_cached_audio_tokens: Val<'a>,
    #[serde(borrow)]
    output_audio_tokens: Val<'a>,
    #[serde(borrow)]
    input_image_tokens: Val<'a>,
    #[serde(borrow)]
    input_cached_image_tokens: Val<'a>,
    #[serde(borrow)]
    num_model_requests: Val<'a>,
    #[serde(borrow)]
    project_id: Val<'a>,
    #[serde(borrow)]
    user_id: Val<'a>,
    #[serde(borrow)]
    api_key_id: Val<'a>,
    #[serde(borrow)]
    model: Val<'a>,
    #[serde(borrow)]
    batch: Val<'a>,
    #[serde(borrow)]
    service_tier: Val<'a>,
    #[serde(borrow)]
    amount: Lenient<Amount<'a>>,
    #[serde(borrow)]
    line_item: Val<'a>,
    /// CSV only: `amount_value`, `start_time`, `start_time_iso`.
    #[serde(skip)]
    amount_value: Val<'a>,
    #[serde(skip)]
    start: Val<'a>,
    #[serde(skip)]
    start_iso: Val<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Amount<'a> {
    #[serde(borrow)]
    value: Val<'a>,
}

/// The key paths a page result ([`Row`]) is read at, per canonical field
/// in the order tried, for `llmspend sources --fields`; [`CSV_FIELDS`]
/// names the export's columns. `field_check` proves every path is read
/// and every path read is listed (`openai/tests.rs`).
const PAGE_FIELDS: &[(&str, &[&str])] = &[
    ("timestamp", &["(the bucket's start_time)"]),
    ("provider", &["(always openai)"]),
    ("project", &["project_id"]),
    ("api_key", &["api_key_id"]),
    (
        "reported_cost_usd",
        &["amount.value (costs results, dollars)"],
    ),
    (
        "model",
        &["model", "line_item (costs results: the part before `, `)"],
    ),
    ("requests", &["num_model_requests"]),
    ("user", &["user_id"]),
    (
        "service_tier",
        &["batch (true gives `batch`)", "service_tier"],
    ),
    (
        "input_tokens",
        &[
            "input_tokens (less input_cached_tokens, input_cache_write_tokens and the uncached audio and image input)",
            "input_uncached_tokens",
        ],
    ),
    ("output_tokens", &["output_tokens (less output_audio_tokens)"]),
    (
        "cache_read_tokens",
        &["input_cached_tokens (less input_cached_audio_tokens and input_cached_image_tokens)"],
    ),
    ("cache_write_tokens", &["input_cache_write_tokens"]),
    (
        "audio_input_tokens",
        &["input_audio_tokens (cached ones included: input_cached_audio_tokens)"],
    ),
    ("audio_output_tokens", &["output_audio_tokens"]),
    (
        "image_input_tokens",
        &["input_image_tokens (cached ones included: input_cached_image_tokens)"],
    ),
];

/// The columns of the CSV exports, as [`PAGE_FIELDS`] for pages.
const CSV_FIELDS: &[(&str, &[&str])] = &[
    ("timestamp", &["start_time_iso", "start_time"]),
    ("provider", &["(always openai)"]),
    ("project", &["project_id"]),
    ("api_key", &["api_key_id"]),
    ("reported_cost_usd", &["amount_value (dollars)"]),
    (
        "model",
        &["model", "line_item (cost export: the part before `, `)"],
    ),
    ("requests", &["num_model_requests"]),
    ("user", &["user_id"]),
    (
        "service_tier",
        &["batch (true gives `batch`)", "service_tier"],
    ),
    (
        "input_tokens",
        &[
            "input_tokens (less input_cached_tokens, input_cache_write_tokens and the uncached audio and image input)",
            "input_uncached_tokens",
        ],
    ),
    ("output_tokens", &["output_tokens (less output_audio_tokens)"]),
    (
        "cache_read_tokens",
        &["input_cached_tokens (less input_cached_audio_tokens and input_cached_image_tokens)"],
    ),
    ("cache_write_tokens", &["input_cache_write_tokens"]),
    (
        "audio_input_tokens",
        &["input_audio_tokens (cached ones included: input_cached_audio_tokens)"],
    ),
    ("audio_output_tokens", &["output_audio_tokens"]),
    (
        "image_input_tokens",
        &["input_image_tokens (cached ones included: input_cached_image_tokens)"],
    ),
];

/// The disjoint tokens of a usage row (`None` when it has no count), and
/// its audio and image tokens, taken out of the text counts that include
/// them: `input_tokens` includes `input_audio_tokens` and
/// `input_image_tokens`, `input_cached_tokens` their cached parts
/// (`input_cached_audio_tokens`, `input_cached_image_tokens`), and
/// `output_tokens` includes `output_audio_tokens` (docs/sources.md).
fn usage_tokens(row: &Row<'_>) -> Result<Option<(Tokens, Modal)>, Reason> {
    let input = row.input_tokens.count("input_tokens")?;
    let cached = row
        .input_cached_tokens
        .count("input_cached_tokens")?
        .unwrap_or(0);
    let write = row
        .input_cache_write_tokens
        .count("input_cache_write_tokens")?
        .unwrap_or(0);
    let uncached = row.input_uncached_tokens.count("input_uncached_tokens")?;
    let output = row.output_tokens.count("output_tokens")?;
    if input.is_none() && uncached.is_none() && output.is_none() {
        return Ok(None);
    }
    let input = match input {
        Some(total) => total
            .checked_sub(cached)
            .and_then(|v| v.checked_sub(write))
            .ok_or(Reason::CachedExceedsInput)?,
        None => uncached.unwrap_or(0),
    };
    let n = |v: &Val<'_>, name: &'static str| v.count(name).map(|c| c.unwrap_or(0));
    let modal = Modal {
        audio_in: n(&row.input_audio_tokens, "input_audio_tokens")?,
        audio_out: n(&row.output_audio_tokens, "output_audio_tokens")?,
        image_in: n(&row.input_image_tokens, "input_image_tokens")?,
    };
    let cached_audio = n(&row.input_cached_audio_tokens, "input_cached_audio_tokens")?;
    let cached_image = n(&row.input_cached_image_tokens, "input_cached_image_tokens")?;
    let exceeds = Reason::Other("audio or image tokens exceed the tokens that include them");
    let cached_modal = cached_audio.checked_add(cached_image).ok_or(exceeds)?;
    let uncached_modal = (modal.audio_in.checked_sub(cached_audio))
        .zip(modal.image_in.checked_sub(cached_image))
        .and_then(|(a, i)| a.checked_add(i))
        .ok_or(exceeds)?;
    Ok(Some((
        Tokens {
            input: input.checked_sub(uncached_modal).ok_or(exceeds)?,
            output: output
                .unwrap_or(0)
                .checked_sub(modal.audio_out)
                .ok_or(exceeds)?,
            cache_read: cached.checked_sub(cached_modal).ok_or(exceeds)?,
            cache_write: write,
            cache_write_1h: 0,
        },
        modal,
    )))
}

/// What a row is, from its `object` (JSON) or its columns (CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Usage,
    Cost,
    Other,
}

fn kind_of(row: &Row<'_>) -> Kind {
    match row.object.as_str() {
        Some("organization.costs.result") => Kind::Cost,
        Some("organization.usage.completions.result")
        | Some("organization.usage.embeddings.result") => Kind::Usage,
        Some(_) => Kind::Other,
        None if row.amount.0.is_some() || row.amount_value.is_some() => Kind::Cost,
        None => Kind::Usage,
    }
}

fn emit(mut row: Row<'_>, start: BucketStart<'_>, sink: &mut dyn Sink) {
    let kind = kind_of(&row);
    if kind == Kind::Other {
        return sink.ignored(Ignored::NotUsageEvent);
    }
    let mut out = Collected::default();
    let text = Slot::Text;
    let (start, start_name) = start;
    start.offer(&mut out, Slot::Time, 0, start_name);
    std::mem::take(&mut row.start_iso).offer(&mut out, Slot::Time, 0, "start_time_iso");
    std::mem::take(&mut row.start).offer(&mut out, Slot::Time, 1, "start_time");
    out.offer(
        text(Field::Provider),
        0,
        Scalar::Str(NAME.into()),
        "provider",
    );
    row.project_id
        .clone()
        .offer(&mut out, text(Field::Project), 0, "project_id");
    row.api_key_id
        .clone()
        .offer(&mut out, text(Field::ApiKey), 0, "api_key_id");
    if kind == Kind::Cost {
        let amount = row
            .amount
            .0
            .take()
            .map(|a| a.value)
            .unwrap_or(row.amount_value);
        amount.offer(&mut out, Slot::Cost, 0, "amount.value");
        if let Some(item) = row.line_item.as_str() {
            if let Some((model, _)) = item.split_once(", ") {
                out.offer(
                    text(Field::Model),
                    0,
                    Scalar::Str(model.trim().to_string().into()),
                    "line_item",
                );
            }
        }
        out.offer(Slot::Count(Count::Requests), 0, Scalar::U64(0), "requests");
        out.usage = Some(Ok(Tokens::default()));
        return finish(out, sink);
    }
    let (tokens, modal) = match usage_tokens(&row) {
        Ok(Some(t)) => t,
        Ok(None) if !row.model.is_some() => return sink.ignored(Ignored::NoUsage),
        Ok(None) => Default::default(),
        Err(reason) => return sink.malformed(reason),
    };
    out.usage = Some(Ok(tokens));
    out.modal = modal;
    row.num_model_requests.offer(
        &mut out,
        Slot::Count(Count::Requests),
        0,
        "num_model_requests",
    );
    row.user_id.offer(&mut out, text(Field::User), 0, "user_id");
    row.model.offer(&mut out, text(Field::Model), 0, "model");
    let batch = matches!(&row.batch.0, Some(Scalar::Bool(true)))
        || row
            .batch
            .as_str()
            .is_some_and(|b| b.eq_ignore_ascii_case("true"));
    if batch {
        out.offer(
            text(Field::ServiceTier),
            0,
            Scalar::Str("batch".into()),
            "batch",
        );
    }
    row.service_tier
        .offer(&mut out, text(Field::ServiceTier), 1, "service_tier");
    finish(out, sink);
}

fn finish(mut out: Collected<'_>, sink: &mut dyn Sink) {
    sink.outcome(out.finish(NAME))
}

/// Usage or Costs API pages, as one document.
struct OpenaiPages;

impl Parser for OpenaiPages {
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
    Start,
    StartIso,
    InputTokens,
    InputCached,
    InputCacheWrite,
    InputUncached,
    OutputTokens,
    InputAudio,
    InputCachedAudio,
    OutputAudio,
    InputImage,
    InputCachedImage,
    Requests,
    Project,
    User,
    ApiKey,
    Model,
    Batch,
    ServiceTier,
    AmountValue,
    LineItem,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "start_time" => Col::Start,
        "start_time_iso" => Col::StartIso,
        "input_tokens" => Col::InputTokens,
        "input_cached_tokens" => Col::InputCached,
        "input_cache_write_tokens" => Col::InputCacheWrite,
        "input_uncached_tokens" => Col::InputUncached,
        "output_tokens" => Col::OutputTokens,
        "input_audio_tokens" => Col::InputAudio,
        "input_cached_audio_tokens" => Col::InputCachedAudio,
        "output_audio_tokens" => Col::OutputAudio,
        "input_image_tokens" => Col::InputImage,
        "input_cached_image_tokens" => Col::InputCachedImage,
        "num_model_requests" => Col::Requests,
        "project_id" => Col::Project,
        "user_id" => Col::User,
        "api_key_id" => Col::ApiKey,
        "model" => Col::Model,
        "batch" => Col::Batch,
        "service_tier" => Col::ServiceTier,
        "amount_value" => Col::AmountValue,
        "line_item" => Col::LineItem,
        _ => return None,
    })
}

/// The dashboard's usage or cost CSV export.
struct OpenaiCsv {
    columns: Vec<Option<Col>>,
    cost: bool,
}

impl Parser for OpenaiCsv {
    fn framing(&self) -> Framing {
        Framing::Csv
    }

    fn parse_csv(&self, record: &CsvRow<'_>, sink: &mut dyn Sink) {
        if !csv_row_fits(record, self.columns.len(), sink) {
            return;
        }
        let mut row = Row::default();
        for (cell, col) in record.iter().zip(&self.columns) {
            let Some(col) = col else { continue };
            let Ok(text) = std::str::from_utf8(cell) else {
                return sink.malformed(Reason::InvalidUtf8);
            };
            let v = Val::text(text);
            let slot = match col {
                Col::Start => &mut row.start,
                Col::StartIso => &mut row.start_iso,
                Col::InputTokens => &mut row.input_tokens,
                Col::InputCached => &mut row.input_cached_tokens,
                Col::InputCacheWrite => &mut row.input_cache_write_tokens,
                Col::InputUncached => &mut row.input_uncached_tokens,
                Col::OutputTokens => &mut row.output_tokens,
                Col::InputAudio => &mut row.input_audio_tokens,
                Col::InputCachedAudio => &mut row.input_cached_audio_tokens,
                Col::OutputAudio => &mut row.output_audio_tokens,
                Col::InputImage => &mut row.input_image_tokens,
                Col::InputCachedImage => &mut row.input_cached_image_tokens,
                Col::Requests => &mut row.num_model_requests,
                Col::Project => &mut row.project_id,
                Col::User => &mut row.user_id,
                Col::ApiKey => &mut row.api_key_id,
                Col::Model => &mut row.model,
                Col::Batch => &mut row.batch,
                Col::ServiceTier => &mut row.service_tier,
                Col::AmountValue => &mut row.amount_value,
                Col::LineItem => &mut row.line_item,
            };
            *slot = v;
        }
        // An empty day: every value column blank.
        let empty = if self.cost {
            !row.amount_value.is_some()
        } else {
            !row.input_tokens.is_some() && !row.output_tokens.is_some() && !row.model.is_some()
        };
        if empty {
            return sink.ignored(Ignored::NoUsage);
        }
        if self.cost {
            row.object = Val::text("organization.costs.result");
        }
        emit(row, (Val::default(), "start_time"), sink);
    }
}

fn has(hay: &[u8], needle: &str) -> bool {
    memmem::find(hay, needle.as_bytes()).is_some()
}

/// The columns of a recognised export and whether it is the cost export.
fn csv_columns(sample: &Sample<'_>) -> Option<(Vec<Option<Col>>, bool)> {
    let header = read_csv_header(sample.head).ok()?;
    let names: Vec<&str> = header
        .iter()
        .map(|c| std::str::from_utf8(c).unwrap_or("").trim())
        .collect();
    let all = |want: &[&str]| want.iter().all(|w| names.contains(w));
    let cost = all(&["amount_value", "amount_currency", "start_time_iso"]);
    let usage = all(&["num_model_requests", "input_tokens", "start_time_iso"]);
    (cost || usage).then(|| (names.iter().map(|n| column(n)).collect(), cost))
}

impl Source for Openai {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "OpenAI organization Usage API pages (completions, embeddings; aggregated rows, cache-inclusive input_tokens), Costs API pages and the dashboard's usage and cost CSV exports"
    }

    fn signature(&self) -> &'static str {
        "JSON with results `object` = `organization.usage.*.result` or `organization.costs.result`; CSV header with `num_model_requests` + `input_tokens` + `start_time_iso`, or `amount_value` + `amount_currency` + `start_time_iso`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        if sample.extension() == "csv" {
            return csv_columns(sample).is_some();
        }
        let head = sample.head;
        matches!(
            head.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{') | Some(b'[')
        ) && (has(head, "\"organization.usage.") || has(head, "\"organization.costs.result\""))
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        if sample.extension() == "csv" {
            let (columns, cost) = csv_columns(sample).ok_or(
                "the CSV header is neither an OpenAI usage export (`num_model_requests`, `input_tokens`, `start_time_iso`) nor a cost export (`amount_value`, `amount_currency`, `start_time_iso`)",
            )?;
            return Ok(Box::new(OpenaiCsv { columns, cost }));
        }
        Ok(Box::new(OpenaiPages))
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        crate::sources::contract::merged(&[("", PAGE_FIELDS), ("CSV", CSV_FIELDS)])
    }
}

#[cfg(test)]
mod tests;
