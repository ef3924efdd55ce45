//! `bedrock`: AWS Bedrock model invocation logs (docs/sources.md), one
//! `ModelInvocationLog` record per line as the S3 delivery writes them
//! (also with the `<time> ` prefix of a CloudWatch Logs export to S3).
//!
//! Tokens are **disjoint** (Anthropic-like, whatever the model):
//! `input.inputTokenCount` is uncached input, `input.cacheReadInputTokenCount`
//! and `input.cacheWriteInputTokenCount` are separate, `output.outputTokenCount`
//! is the output. The 1-hour part of the writes is known only when the
//! response body is logged inline in the Anthropic Messages shape
//! (`output.outputBodyJson.usage.cache_creation.ephemeral_1h_input_tokens`);
//! otherwise every write is priced as a 5-minute write.
//!
//! The model is `modelId` as written (a foundation model, an inference
//! profile such as `us.anthropic...`, or an ARN, which stays unpriced); the
//! provider is `bedrock`. Attribution comes from `requestMetadata` (any
//! canonical key: `team`, `cost_center`, `service`, ...); the user is the
//! caller's role or user name from `identity.arn`; the project is the AWS
//! `accountId` unless `requestMetadata` names one.

use std::borrow::Cow;

use memchr::memmem;
use serde::Deserialize;

use crate::parse::attribution::Picked;
use crate::parse::collect::{count_of, Collected, Slot};
use crate::parse::json::{read_object_as, Lenient, Text, Val};
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Ignored, Reason, Tokens};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

/// The Bedrock invocation-log source.
pub struct Bedrock;

const NAME: &str = "bedrock";

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Log<'a> {
    #[serde(borrow)]
    schema_type: Text<'a>,
    #[serde(borrow)]
    timestamp: Val<'a>,
    #[serde(borrow)]
    account_id: Val<'a>,
    #[serde(borrow)]
    identity: Lenient<Identity<'a>>,
    #[serde(borrow)]
    request_id: Val<'a>,
    #[serde(borrow)]
    model_id: Val<'a>,
    #[serde(borrow)]
    input: Lenient<Input<'a>>,
    #[serde(borrow)]
    output: Lenient<Output<'a>>,
    #[serde(borrow)]
    request_metadata: Picked<'a>,
    #[serde(borrow)]
    status: Val<'a>,
    #[serde(borrow)]
    error_code: Val<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Identity<'a> {
    #[serde(borrow)]
    arn: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Input<'a> {
    #[serde(borrow)]
    input_token_count: Val<'a>,
    #[serde(borrow)]
    cache_read_input_token_count: Val<'a>,
    #[serde(borrow)]
    cache_write_input_token_count: Val<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Output<'a> {
    #[serde(borrow)]
    output_token_count: Val<'a>,
    #[serde(borrow)]
    output_body_json: Lenient<Body<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Body<'a> {
    #[serde(borrow)]
    usage: Lenient<BodyUsage<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BodyUsage<'a> {
    #[serde(borrow)]
    cache_creation: Lenient<CacheCreation<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CacheCreation<'a> {
    #[serde(borrow)]
    ephemeral_1h_input_tokens: Val<'a>,
}

/// The key paths [`Log`] is read at, per canonical field in the order
/// tried, for `llmspend sources --fields`, after the attribution keys of
/// `requestMetadata` (which win, see [`collect`]). `field_check` proves
/// every path is read and every path read is listed (`bedrock/tests.rs`).
const FIELDS: &[(&str, &[&str])] = &[
    ("timestamp", &["timestamp"]),
    ("request_id", &["requestId"]),
    ("model", &["modelId"]),
    ("provider", &["(always bedrock)"]),
    ("status", &["status", "errorCode"]),
    ("project", &["accountId"]),
    ("user", &["identity.arn (the role or user name)"]),
    ("input_tokens", &["input.inputTokenCount"]),
    ("output_tokens", &["output.outputTokenCount"]),
    ("cache_read_tokens", &["input.cacheReadInputTokenCount"]),
    (
        "cache_write_tokens",
        &["input.cacheWriteInputTokenCount (less the 1-hour part)"],
    ),
    (
        "cache_write_1h_tokens",
        &["output.outputBodyJson.usage.cache_creation.ephemeral_1h_input_tokens"],
    ),
];

/// [`FIELDS`] with the `requestMetadata` attribution keys in front.
fn field_paths() -> Vec<(&'static str, Vec<String>)> {
    let mut out = crate::sources::contract::listed(FIELDS);
    for (field, picked) in crate::parse::attribution::picked_paths("requestMetadata") {
        match out.iter_mut().find(|(f, _)| *f == field) {
            Some((_, paths)) => {
                paths.splice(0..0, picked);
            }
            None => out.push((field, picked)),
        }
    }
    out
}

/// The principal's name in an IAM or STS ARN: the role of an assumed-role
/// session (`assumed-role/<role>/<session>`), the user of `user/<name>`,
/// otherwise the whole ARN.
pub fn principal(arn: Cow<'_, str>) -> Cow<'_, str> {
    let Some((_, resource)) = arn.rsplit_once(':') else {
        return arn;
    };
    let mut parts = resource.split('/');
    let name = match parts.next() {
        Some("assumed-role") | Some("role") | Some("user") => parts.next(),
        _ => None,
    };
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return arn;
    };
    match &arn {
        Cow::Borrowed(s) => {
            let start = name.as_ptr() as usize - s.as_ptr() as usize;
            Cow::Borrowed(&s[start..start + name.len()])
        }
        Cow::Owned(_) => Cow::Owned(name.to_string()),
    }
}

fn tokens(input: Option<Input<'_>>, output: Option<Output<'_>>) -> Option<Result<Tokens, Reason>> {
    let input = input.unwrap_or_default();
    let output = output.unwrap_or_default();
    let one_hour = output
        .output_body_json
        .0
        .and_then(|b| b.usage.0)
        .and_then(|u| u.cache_creation.0)
        .map(|c| c.ephemeral_1h_input_tokens)
        .unwrap_or_default();
    let vals = [
        (input.input_token_count, "input.inputTokenCount"),
        (output.output_token_count, "output.outputTokenCount"),
        (
            input.cache_read_input_token_count,
            "input.cacheReadInputTokenCount",
        ),
        (
            input.cache_write_input_token_count,
            "input.cacheWriteInputTokenCount",
        ),
        (
            one_hour,
            "output.outputBodyJson.usage.cache_creation.ephemeral_1h_input_tokens",
        ),
    ];
    if vals[..4].iter().all(|(v, _)| !v.is_some()) {
        return None;
    }
    let mut counts = [0u64; 5];
    for (slot, (v, name)) in counts.iter_mut().zip(vals) {
        if let Some(s) = v.0 {
            match count_of(name, s) {
                Ok(c) => *slot = c,
                Err(e) => return Some(Err(e)),
            }
        }
    }
    let [input, output, cache_read, writes, one_hour] = counts;
    let Some(five_min) = writes.checked_sub(one_hour) else {
        return Some(Err(Reason::CachedExceedsInput));
    };
    Some(Ok(Tokens {
        input,
        output,
        cache_read,
        cache_write: five_min,
        cache_write_1h: one_hour,
    }))
}

fn collect<'a>(log: Log<'a>) -> Collected<'a> {
    let mut out = Collected::default();
    let text = Slot::Text;
    log.timestamp.offer(&mut out, Slot::Time, 0, "timestamp");
    log.request_id
        .offer(&mut out, text(Field::RequestId), 0, "requestId");
    log.model_id
        .offer(&mut out, text(Field::Model), 0, "modelId");
    log.status.offer(&mut out, text(Field::Status), 0, "status");
    log.error_code
        .offer(&mut out, text(Field::Status), 1, "errorCode");
    log.request_metadata.offer(&mut out, 0);
    log.account_id
        .offer(&mut out, text(Field::Project), 10, "accountId");
    if let Some(arn) = log.identity.0.and_then(|i| i.arn.0) {
        Val(Some(crate::parse::scalar::Scalar::Str(principal(arn)))).offer(
            &mut out,
            text(Field::User),
            10,
            "identity.arn",
        );
    }
    out.usage = tokens(log.input.0, log.output.0);
    out
}

/// JSON Lines of invocation records.
struct BedrockLines;

impl Parser for BedrockLines {
    fn framing(&self) -> Framing {
        Framing::Lines
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        let unit = strip_export_prefix(unit);
        let log = match read_object_as::<Log>(unit) {
            Ok(log) => log,
            Err(reason) => return sink.malformed(reason),
        };
        if log.schema_type.as_deref() != Some("ModelInvocationLog") {
            return sink.ignored(Ignored::NotUsageEvent);
        }
        let mut out = collect(log);
        out.offer(
            Slot::Text(Field::Provider),
            0,
            crate::parse::scalar::Scalar::Str(Cow::Borrowed(NAME)),
            "provider",
        );
        sink.outcome(out.finish(NAME))
    }
}

/// A CloudWatch Logs export to S3 writes `<RFC 3339 time> <message>` per
/// line; the record is the message.
fn strip_export_prefix(unit: &[u8]) -> &[u8] {
    if unit.first() == Some(&b'{') {
        return unit;
    }
    let Some(space) = memchr::memchr(b' ', unit) else {
        return unit;
    };
    let rest = unit[space + 1..].trim_ascii_start();
    let stamp = std::str::from_utf8(&unit[..space]).ok();
    if rest.first() == Some(&b'{') && stamp.and_then(crate::time::parse_timestamp).is_some() {
        rest
    } else {
        unit
    }
}

impl Source for Bedrock {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "AWS Bedrock model invocation logs (JSON Lines): disjoint input/cache read/cache write/output counts, modelId, requestMetadata attribution, caller from identity.arn"
    }

    fn signature(&self) -> &'static str {
        "JSON lines with `schemaType` = `ModelInvocationLog` (optionally after a CloudWatch export timestamp)"
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        field_paths()
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        let first = strip_export_prefix(sample.first_line());
        first.first() == Some(&b'{')
            && memmem::find(first, b"\"schemaType\"").is_some()
            && memmem::find(first, b"\"ModelInvocationLog\"").is_some()
    }

    fn open(
        &self,
        _sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        Ok(Box::new(BedrockLines))
    }
}

#[cfg(test)]
mod tests;
