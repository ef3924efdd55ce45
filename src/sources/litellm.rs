//! `litellm`: LiteLLM proxy spend logs and SDK logging payloads
//! (docs/sources.md, litellm).
//!
//! Reads the per-request records in three shapes, and the daily tables:
//! - `LiteLLM_SpendLogs` rows as JSON Lines, as a JSON array document
//!   (what `/spend/logs` returns), as pages of `/spend/logs/ui` and
//!   `/spend/logs/v2` (`{"data": [...], "total": ...}`), or as CSV from the
//!   database, where
//!   `metadata` and `request_tags` are JSON text in a cell and times look
//!   like `2026-08-27 12:37:44.874000` (UTC);
//! - `StandardLoggingPayload` lines (S3/GCS/generic callbacks), with
//!   float epoch `startTime` and `response_cost`;
//! - the daily aggregate tables as CSV (see `litellm/daily.rs`).
//!
//! Tokens: `prompt_tokens` is cache-**inclusive** for every provider,
//! Anthropic included, because LiteLLM rewrites Anthropic usage into the
//! OpenAI shape (`prompt_tokens = input + cache_creation + cache_read`;
//! LiteLLM PRs #31282, #40016, issue #40006). Cache counts live only in
//! `metadata.usage_object` (read with the OpenAI-shape rules of
//! [`crate::parse::usage`]: reads and writes are subtracted,
//! the 5m/1h split kept) or, in older rows, `metadata.additional_usage_values`.
//!
//! A hit in LiteLLM's own response cache (`cache_hit` = `True`, not provider
//! prompt caching) is a request with no billed tokens.
//!
//! Attribution, first found wins (docs/sources.md): team from
//! `metadata.user_api_key_team_alias`, then `team_id` (or
//! `metadata.user_api_key_team_id`), then `metadata.spend_logs_metadata.team`,
//! then a `team:` request tag; every other canonical key from
//! `spend_logs_metadata`, then a `key:value` tag. Customer is `end_user`
//! (the `user` of the request body, which the SDK payload keeps only in
//! `model_parameters.user`); user is the key's internal `user`; api key is
//! the key alias, else its hash. `spend` / `response_cost` is LiteLLM's own
//! figure: the reported cost, never the priced cost.

use std::borrow::Cow;

use memchr::memmem;
use serde::Deserialize;

use crate::parse::collect::{count_of, Collected, Slot};

use crate::parse::attribution::Picked;
use crate::parse::csv_row::csv_row_fits;
use crate::parse::csv_row::read_csv_header;
use crate::parse::csv_row::CsvRow;
use crate::parse::json::{for_each_element, is_array_document, read_object_as, LineCursor, Val};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::usage::{CacheDetails, Usage};
use crate::parse::Framing;
use crate::record::{Field, Ignored, Reason, Tokens};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

use wire::{resolve, Embedded, Meta, Row, NAME};

/// The LiteLLM source.
pub struct Litellm;

/// Priority bases: proxy-filled fields, then `spend_logs_metadata`, the
/// client's `requester_metadata` (its `x-…` header names included), then
/// tags. Each base leaves room for the alias ranks (0 to 7) below the next.
const PROXY: u8 = 0;
const PROXY_ID: u8 = 1;
const SPEND_META: u8 = 2;
const REQUESTER_META: u8 = 10;
const TAGS: u8 = 18;

/// Turns one row into a record (or the reason it is malformed) and reports it.
fn emit(mut row: Row<'_>, sink: &mut dyn Sink) {
    let (mut meta, meta_text) = std::mem::take(&mut row.metadata).split();
    let (tags, tags_text) = std::mem::take(&mut row.request_tags).split();
    if meta.is_none() {
        // A CSV cell, or a JSON column exported as text.
        meta = meta_text
            .as_deref()
            .and_then(|t| row_scanner::meta_of_text(t).ok());
    }
    let meta = match resolve(
        meta,
        meta_text.as_deref(),
        "`metadata` is not a JSON object",
    ) {
        Ok(m) => m,
        Err(reason) => return sink.malformed(reason),
    };
    let tags = match tags_text.as_deref() {
        Some(t) if tags.is_none() => Picked::tags_from_text(t),
        _ => tags.unwrap_or_default(),
    };
    sink.outcome(collect(row, meta, tags).finish(NAME))
}

fn is_true(v: &Val<'_>) -> bool {
    match &v.0 {
        Some(Scalar::Bool(b)) => *b,
        Some(Scalar::Str(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Takes one scalar value out of a row or its metadata.
type Take = for<'b> fn(&mut Row<'b>, &mut Meta<'b>) -> Val<'b>;

/// The scalar values of a row: slot, priority (lower wins), the key path
/// (also the name in a malformed reason) and where it is. `collect` offers
/// them and `llmspend sources --fields` lists them, so the two agree.
const SCALARS: &[(Slot, u8, &str, Take)] = &[
    (Slot::Time, 0, "startTime", |r, _| take(&mut r.start_time)),
    (Slot::Text(Field::RequestId), 0, "request_id", |r, _| {
        take(&mut r.request_id)
    }),
    (Slot::Text(Field::RequestId), 1, "id", |r, _| {
        take(&mut r.id)
    }),
    (Slot::Cost, 0, "spend", |r, _| take(&mut r.spend)),
    (Slot::Cost, 0, "response_cost", |r, _| {
        take(&mut r.response_cost)
    }),
    (Slot::Text(Field::Model), 0, "model", |r, _| {
        take(&mut r.model)
    }),
    (Slot::Text(Field::Model), 1, "model_group", |r, _| {
        take(&mut r.model_group)
    }),
    (
        Slot::Text(Field::Provider),
        0,
        "custom_llm_provider",
        |r, _| take(&mut r.custom_llm_provider),
    ),
    (Slot::Text(Field::Status), 0, "status", |r, _| {
        take(&mut r.status)
    }),
    (Slot::Text(Field::User), PROXY, "user", |r, _| {
        take(&mut r.user)
    }),
    (Slot::Text(Field::Customer), PROXY, "end_user", |r, _| {
        take(&mut r.end_user)
    }),
    (Slot::Text(Field::Team), PROXY_ID, "team_id", |r, _| {
        take(&mut r.team_id)
    }),
    (Slot::Text(Field::ApiKey), PROXY_ID, "api_key", |r, _| {
        take(&mut r.api_key)
    }),
    (
        Slot::Text(Field::Customer),
        PROXY_ID,
        "model_parameters.user",
        |r, _| {
            r.model_parameters
                .as_mut()
                .map(|p| take(&mut p.user))
                .unwrap_or_default()
        },
    ),
    (
        Slot::Text(Field::Team),
        PROXY,
        "metadata.user_api_key_team_alias",
        |_, m| take(&mut m.user_api_key_team_alias),
    ),
    (
        Slot::Text(Field::Team),
        PROXY_ID,
        "metadata.user_api_key_team_id",
        |_, m| take(&mut m.user_api_key_team_id),
    ),
    (
        Slot::Text(Field::ApiKey),
        PROXY,
        "metadata.user_api_key_alias",
        |_, m| take(&mut m.user_api_key_alias),
    ),
    (
        Slot::Text(Field::ApiKey),
        PROXY_ID,
        "metadata.user_api_key_hash",
        |_, m| take(&mut m.user_api_key_hash),
    ),
    (
        Slot::Text(Field::ApiKey),
        PROXY_ID,
        "metadata.user_api_key",
        |_, m| take(&mut m.user_api_key),
    ),
    (
        Slot::Text(Field::User),
        PROXY_ID,
        "metadata.user_api_key_user_id",
        |_, m| take(&mut m.user_api_key_user_id),
    ),
    (
        Slot::Text(Field::Customer),
        PROXY_ID,
        "metadata.user_api_key_end_user_id",
        |_, m| take(&mut m.user_api_key_end_user_id),
    ),
];

fn take<'b>(v: &mut Val<'b>) -> Val<'b> {
    std::mem::take(v)
}

/// The places attribution is picked from by alias after [`SCALARS`], with
/// their priority bases.
const PICKED_FROM: &[(&str, u8)] = &[
    ("metadata.spend_logs_metadata", SPEND_META),
    ("metadata.requester_metadata", REQUESTER_META),
    ("request_tags", TAGS),
];

/// The key paths read per canonical field, in the order tried (`sources
/// --fields`): [`SCALARS`], then for an attribution field its names in
/// [`PICKED_FROM`] (`x-<field>` headers included).
fn field_paths() -> Vec<(&'static str, Vec<String>)> {
    use crate::parse::aliases::{leak_name, ALIASES, HEADER_FIELDS};
    use crate::parse::attribution::attribution_alias;
    let mut out: Vec<(&'static str, Vec<(u8, String)>)> = Vec::new();
    let mut add = |slot: Slot, prio: u8, path: String| {
        let name = leak_name(slot);
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, paths)) => paths.push((prio, path)),
            None => out.push((name, vec![(prio, path)])),
        }
    };
    for &(slot, prio, path, _) in SCALARS {
        add(slot, prio, path.to_string());
    }
    add(
        Slot::Count(crate::parse::collect::Count::Input),
        0,
        "metadata.usage_object (by shape), else prompt_tokens less metadata.additional_usage_values".into(),
    );
    for &(place, base) in PICKED_FROM {
        for &(key, slot, _) in ALIASES {
            if let Some((_, rank, _)) = attribution_alias(key) {
                let path = match place {
                    "request_tags" => format!("request_tags[\"{key}:…\"]"),
                    _ => format!("{place}.{key}"),
                };
                add(slot, base + rank.min(7), path);
            }
        }
        for &field in HEADER_FIELDS {
            if place != "request_tags" {
                let slot = Slot::Text(field);
                let header = format!("x-{}", field.name().replace('_', "-"));
                add(
                    slot,
                    base + crate::parse::aliases::HEADER_RANK,
                    format!("{place}.{header}"),
                );
            }
        }
    }
    out.into_iter()
        .map(|(name, mut paths)| {
            paths.sort_by_key(|(prio, _)| *prio);
            (name, paths.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

fn collect<'b>(mut row: Row<'b>, mut meta: Meta<'b>, tags: Picked<'b>) -> Collected<'b> {
    let cache_hit = std::mem::take(&mut row.cache_hit);
    let mut out = Collected::default();
    for &(slot, prio, name, get) in SCALARS {
        get(&mut row, &mut meta).offer(&mut out, slot, prio, name);
    }
    meta.spend_logs_metadata.offer(&mut out, SPEND_META);
    if let Some(requester) = meta.requester_metadata.0 {
        requester.offer(&mut out, REQUESTER_META);
    }
    tags.offer(&mut out, TAGS);
    // Top-level `prompt_tokens` alone: cache-inclusive with no split, so
    // cached input is priced as uncached (docs/design.md, Warnings).
    if meta.usage_object.is_none() && meta.additional_usage_values.is_none() {
        out.notes |= crate::record::note::NO_CACHE_SPLIT;
    }
    out.usage = tokens(
        row.prompt_tokens,
        row.completion_tokens,
        meta.usage_object,
        meta.additional_usage_values,
    );
    // A hit in LiteLLM's own response cache never reached the provider: the
    // usage of the cached response is logged, at zero cost (LiteLLM #1783,
    // #8570). The request counts; its tokens were not billed.
    if is_true(&cache_hit) {
        if let Some(Ok(t)) = &mut out.usage {
            *t = Tokens::default();
        }
    }
    out
}

/// The disjoint tokens of a row. `usage_object` wins (it carries the cache
/// split); otherwise the top-level counts (the prompt cache inclusive), less
/// the cache counts that `additional_usage_values` details in an older row:
/// OpenAI's `prompt_tokens_details.cached_tokens`, Anthropic's
/// `cache_read_input_tokens` and `cache_creation_input_tokens` with the
/// 1-hour part of `prompt_tokens_details.cache_creation_token_details`.
fn tokens(
    prompt: Val<'_>,
    completion: Val<'_>,
    usage_object: Option<Usage>,
    additional: Option<CacheDetails>,
) -> Option<Result<Tokens, Reason>> {
    if let Some(t) = usage_object.and_then(|u| u.tokens()) {
        return Some(t);
    }
    if !prompt.is_some() && !completion.is_some() {
        return None;
    }
    let count = |v: Val<'_>, name| v.0.map_or(Ok(0), |s| count_of(name, s));
    Some((|| {
        let prompt = count(prompt, "prompt_tokens")?;
        let output = count(completion, "completion_tokens")?;
        additional.unwrap_or_default().0.tokens_of(prompt, output)
    })())
}

fn parse_object(unit: &[u8], sink: &mut dyn Sink) {
    if let Ok(row) = row_scanner::row(unit) {
        return emit(row, sink);
    }
    match read_object_as::<Row>(unit) {
        Ok(row) => emit(row, sink),
        Err(reason) => sink.malformed(reason),
    }
}

/// JSON Lines: one row per line.
struct LitellmLines;

impl Parser for LitellmLines {
    fn framing(&self) -> Framing {
        Framing::Lines
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        parse_object(unit, sink);
    }
}

/// A JSON array of rows (`/spend/logs`, a JSON export of the table).
struct LitellmArray;

impl Parser for LitellmArray {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        for_each_element(unit, sink, parse_object);
    }
}

/// A page of the UI endpoints (`/spend/logs/ui`, `/spend/logs/v2`):
/// `{"data": [row, ...], "total": ..., "page": ..., "total_pages": ...}`,
/// one page per file or one per line.
struct LitellmPages;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Page<'a> {
    #[serde(borrow)]
    data: Vec<&'a serde_json::value::RawValue>,
}

impl Parser for LitellmPages {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn parse_unit(&self, doc: &[u8], sink: &mut dyn Sink) {
        let mut lines = LineCursor::new(doc);
        for page in serde_json::Deserializer::from_slice(doc).into_iter::<Page<'_>>() {
            match page {
                Ok(page) if page.data.is_empty() => sink.ignored(Ignored::Empty),
                Ok(page) => {
                    for raw in page.data {
                        let bytes = raw.get().as_bytes();
                        sink.at_line(lines.line_of(bytes));
                        parse_object(bytes, sink);
                    }
                }
                Err(e) => {
                    sink.at_line(e.line() as u64);
                    return sink.malformed(Reason::InvalidJson);
                }
            }
        }
    }
}

/// Returns true if and only if the document opens with the key `"data"`
/// (a UI page) rather than with a row's own keys.
fn is_page(head: &[u8]) -> bool {
    let mut rest = head.trim_ascii_start();
    let Some(after) = rest.strip_prefix(b"{") else {
        return false;
    };
    rest = after.trim_ascii_start();
    rest.starts_with(b"\"data\"")
}

/// Columns of a `LiteLLM_SpendLogs` CSV export that the adapter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    RequestId,
    StartTime,
    Spend,
    PromptTokens,
    CompletionTokens,
    Model,
    ModelGroup,
    Provider,
    User,
    EndUser,
    TeamId,
    ApiKey,
    Status,
    Metadata,
    RequestTags,
    CacheHit,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "request_id" => Col::RequestId,
        "startTime" => Col::StartTime,
        "spend" => Col::Spend,
        "prompt_tokens" => Col::PromptTokens,
        "completion_tokens" => Col::CompletionTokens,
        "model" => Col::Model,
        "model_group" => Col::ModelGroup,
        "custom_llm_provider" => Col::Provider,
        "user" => Col::User,
        "end_user" => Col::EndUser,
        "team_id" => Col::TeamId,
        "api_key" => Col::ApiKey,
        "status" => Col::Status,
        "metadata" => Col::Metadata,
        "request_tags" => Col::RequestTags,
        "cache_hit" => Col::CacheHit,
        _ => return None,
    })
}

/// CSV from the database (`COPY "LiteLLM_SpendLogs" TO ... CSV HEADER`).
struct LitellmCsv {
    columns: Vec<Option<Col>>,
}

impl Parser for LitellmCsv {
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
            match col {
                Col::RequestId => row.request_id = v,
                Col::StartTime => row.start_time = v,
                Col::Spend => row.spend = v,
                Col::PromptTokens => row.prompt_tokens = v,
                Col::CompletionTokens => row.completion_tokens = v,
                Col::Model => row.model = v,
                Col::ModelGroup => row.model_group = v,
                Col::Provider => row.custom_llm_provider = v,
                Col::User => row.user = v,
                Col::EndUser => row.end_user = v,
                Col::TeamId => row.team_id = v,
                Col::ApiKey => row.api_key = v,
                Col::Status => row.status = v,
                Col::CacheHit => row.cache_hit = v,
                Col::Metadata => row.metadata = Embedded::Text(Cow::Borrowed(text)),
                Col::RequestTags => row.request_tags = Embedded::Text(Cow::Borrowed(text)),
            }
        }
        emit(row, sink);
    }
}

fn has(hay: &[u8], needle: &str) -> bool {
    memmem::find(hay, needle.as_bytes()).is_some()
}

/// Returns true if and only if `text` has the keys of a SpendLogs row or
/// of a StandardLoggingPayload (docs/sources.md, litellm).
fn looks_like_row(text: &[u8]) -> bool {
    let spend_logs = has(text, "\"request_id\"") && has(text, "\"spend\"");
    let payload = has(text, "\"response_cost\"")
        && has(text, "\"call_type\"")
        && has(text, "\"user_api_key_hash\"");
    has(text, "\"startTime\"") && (spend_logs || payload)
}

/// What a CSV header is: a SpendLogs export or a daily table.
enum CsvKind {
    SpendLogs(Vec<Option<Col>>),
    Daily(daily::DailyHeader),
}

fn csv_kind(sample: &Sample<'_>) -> Option<CsvKind> {
    let header = read_csv_header(sample.head).ok()?;
    let names: Vec<&str> = header
        .iter()
        .map(|c| std::str::from_utf8(c).unwrap_or("").trim())
        .collect();
    if let Some(d) = daily::header(&names) {
        return Some(CsvKind::Daily(d));
    }
    csv_columns(&names).map(CsvKind::SpendLogs)
}

fn csv_columns(names: &[&str]) -> Option<Vec<Option<Col>>> {
    let needed = ["request_id", "spend", "startTime"];
    needed
        .iter()
        .all(|n| names.contains(n))
        .then(|| names.iter().map(|n| column(n)).collect())
}

impl Source for Litellm {
    fn name(&self) -> &'static str {
        NAME
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        field_paths()
    }

    fn about(&self) -> &'static str {
        "LiteLLM proxy LiteLLM_SpendLogs rows (JSON Lines, JSON array, /spend/logs/ui pages, database CSV), StandardLoggingPayload lines and daily spend tables (CSV, aggregated); prompt_tokens is cache-inclusive, cache split from metadata.usage_object"
    }

    fn signature(&self) -> &'static str {
        "JSON with `request_id` + `spend` + `startTime`, or `response_cost` + `call_type` + `startTime` + `metadata.user_api_key_hash`; CSV header with `request_id`, `spend`, `startTime`, or `date` + `api_requests` + `spend` + `team_id`/`user_id`/`end_user_id`/`organization_id`/`agent_id`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        if sample.extension() == "csv" {
            return csv_kind(sample).is_some();
        }
        if is_array_document(sample.head) || is_page(sample.head) {
            return looks_like_row(sample.head);
        }
        let first = sample.first_line();
        first.first() == Some(&b'{') && looks_like_row(first)
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        if sample.extension() == "csv" {
            return match csv_kind(sample) {
                Some(CsvKind::SpendLogs(columns)) => Ok(Box::new(LitellmCsv { columns })),
                Some(CsvKind::Daily(daily::DailyHeader::Table(columns))) => {
                    Ok(Box::new(daily::LitellmDailyCsv { columns }))
                }
                Some(CsvKind::Daily(daily::DailyHeader::Tags)) => Err(
                    "LiteLLM_DailyTagSpend rows overlap (a request is counted once per tag) and cannot be summed; export LiteLLM_SpendLogs or a daily team/user table instead".into(),
                ),
                None => Err(
                    "the CSV header is neither a LiteLLM_SpendLogs export (`request_id`, `spend`, `startTime`) nor a daily table (`date`, `api_requests`, `spend`, an owner column)".into(),
                ),
            };
        }
        if is_array_document(sample.head) {
            return Ok(Box::new(LitellmArray));
        }
        if is_page(sample.head) {
            return Ok(Box::new(LitellmPages));
        }
        Ok(Box::new(LitellmLines))
    }
}

mod daily;
mod row_scanner;
#[cfg(test)]
mod tests;
mod wire;
