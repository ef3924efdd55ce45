//! `otel`: OpenTelemetry traces in OTLP/JSON (docs/sources.md, otel): JSON
//! Lines of `TracesData` (the OTLP file exporter, the Collector `file`
//! exporter) or one pretty-printed document. Each span that carries token
//! counts is one record; every other span (HTTP, database, tool, chain) is
//! `ignored`. One line can hold many spans: each is reported on its own.
//!
//! Attributes, first found wins:
//! - tokens: GenAI semantic conventions `gen_ai.usage.input_tokens` /
//!   `output_tokens` (deprecated `prompt_tokens` / `completion_tokens`),
//!   `gen_ai.usage.cache_read.input_tokens`,
//!   `gen_ai.usage.cache_creation.input_tokens`; OpenLLMetry `llm.usage.*`
//!   and `gen_ai.usage.cache_*_input_tokens`; OpenInference
//!   `llm.token_count.*`; Vercel AI SDK `ai.usage.*`. `intValue` is read as
//!   a JSON number or a string.
//! - model: `gen_ai.response.model` (what was billed), then
//!   `llm.response.model`, `llm.model_name`, `gen_ai.request.model`;
//!   provider: `gen_ai.provider.name`, `gen_ai.system`, `llm.provider`,
//!   `llm.system`, `llm.vendor`, mapped onto rate-card names (`aws.bedrock`
//!   -> `bedrock`, `gcp.*` -> `google`).
//! - attribution: span attributes (`team`, `cost_center`, `app.team`, any
//!   canonical key, `traceloop.association.properties.<key>`, OpenInference's
//!   `metadata` JSON string and `tag.tags`), then the same on the resource;
//!   `service.name` and `deployment.environment(.name)` from the resource.
//!
//! Token semantics: the conventions make the input count cache-**inclusive**,
//! so cache reads and writes are subtracted — unless the input is smaller
//! than reads + writes, which marks an instrumentation that copied
//! Anthropic's exclusive count (older OpenLLMetry): then nothing is
//! subtracted (docs/sources.md). Reasoning tokens are inside the output and
//! never added. OpenLLMetry's Anthropic spans give cache writes as one total
//! (5-minute and 1-hour together); they are priced as 5-minute writes.

use std::borrow::Cow;
use std::fmt;

use memchr::memmem;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parse::collect::{count_of, Collected, Slot};

use crate::parse::json::{duplicate_key, read_object_as, KeySeed, Lenient, LineCursor, Val};

use crate::parse::attribution::{attribution_alias, Picked};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Ignored, Reason, Tokens};
use crate::sources::contract::{Parser, Sample, Source, SourceOptions};

/// The OTLP/JSON traces source.
pub struct Otel;

const NAME: &str = "otel";

mod names;
mod notes;
use names::{Key, ASSOCIATION, KEYS, NAMES};
use notes::{notes, provider, Scope, ScopeFacts, SpanFacts};

/// What an attribute key is to the adapter.
enum Target {
    Known(Key, u8, &'static str),
    Attribution(&'static str),
    MetadataJson,
    Tags,
    Skip,
}

fn classify(key: &str) -> Target {
    if let Some(&(name, k, rank)) = NAMES.iter().find(|(n, _, _)| *n == key) {
        return Target::Known(k, rank, name);
    }
    match key {
        "metadata" => return Target::MetadataJson,
        "tag.tags" => return Target::Tags,
        "app.team" => return Target::Attribution("team"),
        "user.id" => return Target::Attribution("user"),
        _ => {}
    }
    let plain = key.strip_prefix(ASSOCIATION).unwrap_or(key);
    match attribution_alias(plain) {
        Some((_, _, name)) => Target::Attribution(name),
        None => Target::Skip,
    }
}

/// The attributes of a span or resource that matter, in fixed slots.
#[derive(Debug, Default)]
struct Attrs<'a> {
    vals: [Option<(u8, &'static str, Scalar<'a>)>; KEYS],
    picked: Picked<'a>,
    /// A known attribute key met twice in one list: the span is malformed
    /// (docs/sources.md, duplicate keys).
    dup: Option<&'static str>,
}

impl<'a> Attrs<'a> {
    fn get(&self, key: Key) -> Option<&(u8, &'static str, Scalar<'a>)> {
        self.vals[key as usize].as_ref()
    }

    fn text(&self, key: Key) -> Option<Scalar<'a>> {
        self.get(key).map(|(_, _, v)| v.clone())
    }

    fn add(&mut self, kv: KeyValue<'a>) {
        let Some(value) = kv.value.0.and_then(|v| v.scalar()) else {
            if let (Target::Tags, Some(tags)) = (classify(&kv.key), kv.value_tags) {
                self.picked.extend(tags);
            }
            return;
        };
        match classify(&kv.key) {
            Target::Known(key, rank, name) => {
                let slot = &mut self.vals[key as usize];
                if slot.as_ref().is_some_and(|(_, n, _)| *n == name) {
                    self.dup = self.dup.or(Some(name));
                }
                if slot.as_ref().is_none_or(|(r, _, _)| rank < *r) {
                    *slot = Some((rank, name, value));
                }
            }
            Target::Attribution(name) => self.picked.add(name, value),
            Target::MetadataJson => {
                if let Scalar::Str(text) = value {
                    if let Ok(p) = serde_json::from_str::<Picked<'_>>(&text) {
                        self.picked.extend(p.into_owned());
                    }
                }
            }
            Target::Tags | Target::Skip => {}
        }
    }
}

/// `{ "key": ..., "value": { "stringValue" | "intValue" | ... } }`.
#[derive(Debug, Default)]
struct KeyValue<'a> {
    key: Cow<'a, str>,
    value: Lenient<AnyValue<'a>>,
    value_tags: Option<Picked<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct AnyValue<'a> {
    #[serde(borrow)]
    string_value: Val<'a>,
    #[serde(borrow)]
    int_value: Val<'a>,
    #[serde(borrow)]
    double_value: Val<'a>,
    #[serde(borrow)]
    bool_value: Val<'a>,
    #[serde(borrow)]
    array_value: Lenient<ArrayValue<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ArrayValue<'a> {
    #[serde(borrow)]
    values: StringTags<'a>,
}

/// The string elements of an `arrayValue`, read as `key:value` tags.
#[derive(Debug, Default)]
struct StringTags<'a>(Picked<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for StringTags<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringTags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut p = Picked::default();
                while let Some(v) = seq.next_element::<Lenient<AnyValue<'de>>>()? {
                    if let Some(Scalar::Str(s)) = v.0.and_then(|v| v.string_value.0) {
                        p.add_tag(s);
                    }
                }
                Ok(StringTags(p))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(StringTags::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl<'a> AnyValue<'a> {
    fn scalar(self) -> Option<Scalar<'a>> {
        self.string_value
            .0
            .or(self.int_value.0)
            .or(self.double_value.0)
            .or(self.bool_value.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for KeyValue<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute {key, value}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut kv = KeyValue::default();
                #[derive(Clone, Copy)]
                enum Part {
                    Key,
                    Value,
                    Other,
                }
                let part = |k: &str| match k {
                    "key" => Part::Key,
                    "value" => Part::Value,
                    _ => Part::Other,
                };
                while let Some(k) = map.next_key_seed(KeySeed(part))? {
                    match k {
                        Part::Key => {
                            if let Some(Scalar::Str(s)) = map.next_value::<Val<'de>>()?.0 {
                                kv.key = s;
                            }
                        }
                        Part::Value => {
                            let mut v = map.next_value::<Lenient<AnyValue<'de>>>()?;
                            if let Some(any) = v.0.as_mut() {
                                let arr = std::mem::take(&mut any.array_value);
                                kv.value_tags = arr.0.map(|a| a.values.0);
                            }
                            kv.value = v;
                        }
                        Part::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(kv)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Attrs<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of attributes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut attrs = Attrs::default();
                while let Some(kv) = seq.next_element::<Lenient<KeyValue<'de>>>()? {
                    if let Some(kv) = kv.0 {
                        attrs.add(kv);
                    }
                }
                Ok(attrs)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Attrs::default())
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TracesData<'a> {
    #[serde(borrow)]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(borrow)]
    resource: Lenient<Resource<'a>>,
    #[serde(borrow)]
    scope_spans: Vec<ScopeSpans<'a>>,
    /// The name before OTLP 0.19.
    #[serde(borrow)]
    instrumentation_library_spans: Vec<ScopeSpans<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Resource<'a> {
    #[serde(borrow)]
    attributes: Attrs<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ScopeSpans<'a> {
    #[serde(borrow)]
    scope: Lenient<Scope<'a>>,
    #[serde(borrow)]
    spans: Vec<&'a RawValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Span<'a> {
    #[serde(borrow)]
    start_time_unix_nano: Val<'a>,
    #[serde(borrow)]
    attributes: Attrs<'a>,
}

/// Reads a token count; OTLP writes integers as strings or numbers, and
/// some SDKs as an integral `doubleValue`.
fn count(attrs: &Attrs<'_>, key: Key) -> Result<Option<u64>, Reason> {
    let Some((_, name, v)) = attrs.get(key) else {
        return Ok(None);
    };
    match v {
        Scalar::F64(f) if f.fract() == 0.0 && (0.0..9.0e15).contains(f) => Ok(Some(*f as u64)),
        v => count_of(name, v.clone()).map(Some),
    }
}

fn tokens(attrs: &Attrs<'_>) -> Result<Option<Tokens>, Reason> {
    let input = count(attrs, Key::Input)?;
    let output = count(attrs, Key::Output)?;
    let read = count(attrs, Key::CacheRead)?;
    let write = count(attrs, Key::CacheWrite)?;
    if [input, output, read, write].iter().all(Option::is_none) {
        return Ok(None);
    }
    let [input, output, read, write] = [input, output, read, write].map(Option::unwrap_or_default);
    let cached = read.saturating_add(write);
    // Inclusive by the conventions; an input below its own cache parts is
    // an exclusive count copied from Anthropic.
    let input = if input >= cached {
        input - cached
    } else {
        input
    };
    Ok(Some(Tokens {
        input,
        output,
        cache_read: read,
        cache_write: write,
        cache_write_1h: 0,
    }))
}

fn put<'a>(
    out: &mut Collected<'a>,
    field: Field,
    prio: u8,
    attrs: &Attrs<'a>,
    key: Key,
    name: &'static str,
) {
    if let Some(v) = attrs.text(key) {
        let v = if field == Field::Provider {
            provider(v)
        } else {
            v
        };
        out.offer(Slot::Text(field), prio, v, name);
    }
}

fn report_span<'a>(
    raw: &'a RawValue,
    resource: &Attrs<'a>,
    scope: ScopeFacts,
    sink: &mut dyn Sink,
) {
    let span: Span<'a> = match serde_json::from_str(raw.get()) {
        Ok(s) => s,
        Err(e) => {
            return sink.malformed(duplicate_key(&e).unwrap_or(Reason::Other("unreadable span")))
        }
    };
    let attrs = &span.attributes;
    if let Some(key) = attrs.dup.or(resource.dup) {
        return sink.malformed(Reason::DuplicateKey(key));
    }
    let mut tokens = match tokens(attrs) {
        Ok(Some(t)) => t,
        Ok(None) => return sink.ignored(Ignored::NoTokenCounts),
        Err(reason) => return sink.malformed(reason),
    };
    let facts = SpanFacts {
        provider: attrs.text(Key::Provider),
        write_1h: match count(attrs, Key::CacheWrite1h) {
            Ok(h) => h,
            Err(reason) => return sink.malformed(reason),
        },
        stream: attrs.text(Key::Stream),
        cache_attr: attrs.get(Key::CacheRead).is_some() || attrs.get(Key::CacheWrite).is_some(),
    };
    let notes = notes(facts, scope, &mut tokens);
    let mut out = Collected::default();
    out.notes = notes;
    span.start_time_unix_nano
        .clone()
        .offer(&mut out, Slot::Time, 0, "startTimeUnixNano");
    let o = &mut out;
    put(
        o,
        Field::Model,
        0,
        attrs,
        Key::Model,
        "gen_ai.response.model",
    );
    put(
        o,
        Field::Model,
        1,
        attrs,
        Key::RequestModel,
        "gen_ai.request.model",
    );
    put(
        o,
        Field::Provider,
        0,
        attrs,
        Key::Provider,
        "gen_ai.provider.name",
    );
    put(
        o,
        Field::Provider,
        1,
        resource,
        Key::Provider,
        "gen_ai.provider.name",
    );
    put(
        o,
        Field::RequestId,
        0,
        attrs,
        Key::ResponseId,
        "gen_ai.response.id",
    );
    put(
        o,
        Field::ServiceTier,
        0,
        attrs,
        Key::ServiceTier,
        "openai.response.service_tier",
    );
    put(
        o,
        Field::Service,
        10,
        resource,
        Key::ServiceName,
        "service.name",
    );
    put(
        o,
        Field::Environment,
        10,
        resource,
        Key::Environment,
        "deployment.environment.name",
    );
    put(
        o,
        Field::Environment,
        11,
        resource,
        Key::EnvironmentOld,
        "deployment.environment",
    );
    attrs.picked.offer_copy(o, 0);
    resource.picked.offer_copy(o, 20);
    out.usage = Some(Ok(tokens));
    sink.outcome(out.finish(NAME))
}

/// Reports every span of one `TracesData`; with a cursor (document
/// framing) each at its own line.
fn report_traces<'a>(
    data: TracesData<'a>,
    mut lines: Option<&mut LineCursor<'_>>,
    correct: bool,
    sink: &mut dyn Sink,
) {
    let mut any = false;
    for rs in data.resource_spans {
        let resource = rs.resource.0.map(|r| r.attributes).unwrap_or_default();
        for scope in rs
            .scope_spans
            .iter()
            .chain(&rs.instrumentation_library_spans)
        {
            let facts = ScopeFacts::of(&scope.scope.0, correct);
            for raw in &scope.spans {
                any = true;
                if let Some(cursor) = lines.as_deref_mut() {
                    sink.at_line(cursor.line_of(raw.get().as_bytes()));
                }
                report_span(raw, &resource, facts, sink);
            }
        }
    }
    if !any {
        sink.ignored(Ignored::Empty);
    }
}

/// One `TracesData` per line; the flag is `--correct-known-bugs`.
struct OtelLines(bool);

impl Parser for OtelLines {
    fn framing(&self) -> Framing {
        Framing::Lines
    }

    fn parse_unit(&self, unit: &[u8], sink: &mut dyn Sink) {
        match read_object_as::<TracesData>(unit) {
            Ok(data) => report_traces(data, None, self.0, sink),
            Err(reason) => sink.malformed(reason),
        }
    }
}

/// One (or several concatenated) pretty-printed `TracesData` documents;
/// the flag is `--correct-known-bugs`.
struct OtelDocument(bool);

impl Parser for OtelDocument {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn parse_unit(&self, doc: &[u8], sink: &mut dyn Sink) {
        let mut cursor = LineCursor::new(doc);
        let stream = serde_json::Deserializer::from_slice(doc).into_iter::<TracesData<'_>>();
        for item in stream {
            match item {
                Ok(data) => report_traces(data, Some(&mut cursor), self.0, sink),
                Err(e) => {
                    sink.at_line(e.line() as u64);
                    return sink.malformed(Reason::InvalidJson);
                }
            }
        }
    }
}

impl Source for Otel {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "OpenTelemetry OTLP/JSON traces (JSON Lines or a document): one record per GenAI span (gen_ai.*, OpenLLMetry llm.usage.*, OpenInference llm.token_count.*), cache-inclusive input"
    }

    fn signature(&self) -> &'static str {
        "a JSON object with top-level `resourceSpans`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        sample.head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
            && memmem::find(sample.head, b"\"resourceSpans\"").is_some()
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        // JSON Lines when the first line is a whole object; otherwise a
        // pretty-printed document.
        let first = sample.first_line();
        let correct = options.correct_known_bugs;
        if serde_json::from_slice::<IgnoredAny>(first).is_ok() {
            Ok(Box::new(OtelLines(correct)))
        } else {
            Ok(Box::new(OtelDocument(correct)))
        }
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        fields::paths()
    }
}

mod fields;

#[cfg(test)]
mod tests;
