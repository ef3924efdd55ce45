use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

fn kv(key: &str, value: &str) -> String {
    format!(r#"{{"key":"{key}","value":{value}}}"#)
}
fn s(v: &str) -> String {
    format!(r#"{{"stringValue":"{v}"}}"#)
}
fn i(v: &str) -> String {
    format!(r#"{{"intValue":{v}}}"#)
}
fn span(name: &str, start: &str, attrs: &[String]) -> String {
    format!(
        r#"{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"{name}","kind":3,"startTimeUnixNano":{start},"endTimeUnixNano":"1759651201200000000","attributes":[{}],"status":{{}}}}"#,
        attrs.join(",")
    )
}
fn traces(resource: &[String], spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"opentelemetry.instrumentation.openai","version":"0.52.0"}},"spans":[{}]}}]}}]}}"#,
        resource.join(","),
        spans.join(",")
    )
}

fn resource() -> Vec<String> {
    vec![
        kv("service.name", &s("checkout")),
        kv("deployment.environment.name", &s("prod")),
        kv("team", &s("payments")),
    ]
}

fn openai_span() -> String {
    span(
        "chat gpt-4.1-mini",
        r#""1759651200000000000""#,
        &[
            kv("gen_ai.operation.name", &s("chat")),
            kv("gen_ai.provider.name", &s("openai")),
            kv("gen_ai.request.model", &s("gpt-4.1-mini")),
            kv("gen_ai.response.model", &s("gpt-4.1-mini-2025-04-14")),
            kv("gen_ai.response.id", &s("chatcmpl-1")),
            kv("gen_ai.usage.input_tokens", &i(r#""1850""#)),
            kv("gen_ai.usage.cache_read.input_tokens", &i(r#""1024""#)),
            kv("gen_ai.usage.output_tokens", &i("240")),
            kv(
                "gen_ai.response.finish_reasons",
                r#"{"arrayValue":{"values":[{"stringValue":"stop"}]}}"#,
            ),
        ],
    )
}

fn parse(input: &str) -> Capture {
    let parser = Otel
        .open(
            &Sample {
                path: Path::new("traces.jsonl"),
                head: input.as_bytes(),
            },
            &SourceOptions::default(),
        )
        .unwrap();
    Capture::run(parser.as_ref(), input)
}

#[test]
fn genai_input_is_cache_inclusive_and_the_response_model_is_billed() {
    let r = parse(&traces(&resource(), &[openai_span()])).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 826,
            output: 240,
            cache_read: 1024,
            cache_write: 0,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.get(Field::Model), Some("gpt-4.1-mini-2025-04-14"));
    assert_eq!(r.get(Field::Provider), Some("openai"));
    assert_eq!(r.get(Field::RequestId), Some("chatcmpl-1"));
    assert_eq!(r.get(Field::Service), Some("checkout"));
    assert_eq!(r.get(Field::Environment), Some("prod"));
    assert_eq!(r.get(Field::Team), Some("payments"));
    assert_eq!(r.timestamp, 1_759_651_200);
}

#[test]
fn an_input_below_its_cache_parts_is_taken_as_exclusive() {
    let sp = span(
        "anthropic.chat",
        "1759651200000000000",
        &[
            kv("gen_ai.system", &s("Anthropic")),
            kv("gen_ai.request.model", &s("claude-sonnet-4-5")),
            kv("gen_ai.usage.prompt_tokens", &i("5")),
            kv("gen_ai.usage.completion_tokens", &i("100")),
            kv("gen_ai.usage.cache_read_input_tokens", &i("1000")),
            kv("gen_ai.usage.cache_creation_input_tokens", &i("200")),
        ],
    );
    let r = parse(&traces(&[], &[sp])).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 5,
            output: 100,
            cache_read: 1000,
            cache_write: 200,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.get(Field::Provider), Some("anthropic"));
    assert_eq!(r.get(Field::Model), Some("claude-sonnet-4-5"));
}

#[test]
fn every_span_of_a_line_is_reported_and_non_genai_spans_are_ignored() {
    let http = span(
        "GET /v1/orders",
        r#""1759651200000000000""#,
        &[
            kv("http.request.method", &s("GET")),
            kv("traceloop.association.properties.team", &s("search")),
        ],
    );
    let c = parse(&traces(
        &resource(),
        &[http.clone(), openai_span(), http, openai_span()],
    ));
    assert_eq!((c.records.len(), c.ignored), (2, 2));
    let c = parse(r#"{"resourceSpans":[]}"#);
    assert_eq!(c.ignored, 1);
}

#[test]
fn openllmetry_and_openinference_attribution() {
    let traceloop = span(
        "openai.chat",
        "1759651200000000000",
        &[
            kv("llm.vendor", &s("OpenAI")),
            kv("llm.request.model", &s("gpt-4o")),
            kv("llm.usage.prompt_tokens", &i("100")),
            kv("llm.usage.completion_tokens", &i("10")),
            kv("traceloop.association.properties.team", &s("search")),
            kv("traceloop.association.properties.customer_id", &s("acme")),
        ],
    );
    let r = parse(&traces(&resource(), &[traceloop])).one();
    assert_eq!(r.get(Field::Team), Some("search"));
    assert_eq!(r.get(Field::Customer), Some("acme"));
    assert_eq!(r.get(Field::Provider), Some("openai"));
    assert_eq!(r.tokens.input, 100);

    let openinference = span(
        "ChatCompletion",
        "1759651200000000000",
        &[
            kv("openinference.span.kind", &s("LLM")),
            kv("llm.provider", &s("openai")),
            kv("llm.model_name", &s("gpt-4o-mini-2024-07-18")),
            kv("llm.token_count.prompt", &i("300")),
            kv("llm.token_count.completion", &i("20")),
            kv("llm.token_count.prompt_details.cache_read", &i("100")),
            kv(
                "metadata",
                &s(r#"{\"team\": \"growth\", \"cost_center\": \"CC-100\"}"#),
            ),
            kv(
                "tag.tags",
                r#"{"arrayValue":{"values":[{"stringValue":"env:staging"}]}}"#,
            ),
            kv("user.id", &s("u-9")),
        ],
    );
    let r = parse(&traces(&[], &[openinference])).one();
    assert_eq!(r.get(Field::Team), Some("growth"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-100"));
    assert_eq!(r.get(Field::Environment), Some("staging"));
    assert_eq!(r.get(Field::User), Some("u-9"));
    assert_eq!((r.tokens.input, r.tokens.cache_read), (200, 100));
}

#[test]
fn a_pretty_printed_document_reports_spans_at_their_lines() {
    let doc = format!(
        "{{\n  \"resourceSpans\": [{{\n    \"scopeSpans\": [{{\n      \"spans\": [\n        {},\n        {}\n      ]\n    }}]\n  }}]\n}}\n",
        openai_span(),
        openai_span()
    );
    let c = parse(&doc);
    assert_eq!(c.malformed, vec![]);
    let lines: Vec<u64> = c.records.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![5, 6]);
}

#[test]
fn bad_counts_are_malformed_with_the_attribute_name() {
    let sp = span(
        "chat",
        "1759651200000000000",
        &[
            kv("gen_ai.request.model", &s("gpt-4o")),
            kv("gen_ai.usage.input_tokens", &i(r#""-5""#)),
        ],
    );
    let c = parse(&traces(&[], &[sp]));
    assert_eq!(
        c.malformed[0].1,
        Reason::BadCount {
            field: "gen_ai.usage.input_tokens",
            why: "negative"
        }
    );
}

#[test]
fn span_attributes_are_read_without_allocating_per_span() {
    use crate::sources::testing::alloc::{count, Discard};
    let allocations = |spans: usize| {
        let line = traces(&resource(), &vec![openai_span(); spans]);
        let mut sink = Discard::default();
        let n = count(|| OtelLines.parse_unit(line.as_bytes(), &mut sink));
        assert_eq!(sink.records, spans as u64);
        n
    };
    // Only the line's resource, scope and span lists allocate.
    assert_eq!(allocations(1), allocations(3));
}
