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
        let n = count(|| OtelLines(false).parse_unit(line.as_bytes(), &mut sink));
        assert_eq!(sink.records, spans as u64);
        n
    };
    // Only the line's resource, scope and span lists allocate.
    assert_eq!(allocations(1), allocations(3));
}

mod field_check {
    use serde_json::{json, Map, Value};

    use crate::sources::field_check::{check_shape, Shape};

    /// An OTLP `AnyValue` for a JSON scalar.
    fn any(v: &Value) -> Value {
        match v {
            Value::String(s) => json!({ "stringValue": s }),
            Value::Bool(b) => json!({ "boolValue": b }),
            Value::Number(n) if n.is_f64() => json!({ "doubleValue": n }),
            other => json!({ "intValue": other }),
        }
    }

    /// Attributes from an object of dotted paths (`metadata` becomes its
    /// JSON string, `tag.tags` its `key:value` array, `""` the parent key).
    fn attrs(prefix: &str, v: &Value, out: &mut Vec<Value>) {
        for (k, val) in v.as_object().unwrap() {
            let key = match (prefix, k.as_str()) {
                (p, "") => p.to_string(),
                ("", k) => k.to_string(),
                (p, k) => format!("{p}.{k}"),
            };
            let value = match (key.as_str(), val) {
                ("metadata", Value::Object(_)) => json!({ "stringValue": val.to_string() }),
                ("tag.tags", Value::Object(tags)) => {
                    let values: Vec<Value> = tags
                        .iter()
                        .map(|(t, v)| json!({ "stringValue": format!("{t}:{}", v.as_str().unwrap_or(&v.to_string())) }))
                        .collect();
                    json!({ "arrayValue": { "values": values } })
                }
                (_, Value::Object(_)) => {
                    attrs(&key, val, out);
                    continue;
                }
                _ => any(val),
            };
            out.push(json!({ "key": key, "value": value }));
        }
    }

    /// A `resourceSpans` document of one span whose attributes are `v`
    /// (its `resource` object the resource's).
    fn wrap(v: &Value) -> String {
        let mut span = v.clone();
        let resource = span
            .as_object_mut()
            .unwrap()
            .remove("resource")
            .unwrap_or(json!({}));
        let (mut sa, mut ra) = (Vec::new(), Vec::new());
        attrs("", &span, &mut sa);
        attrs("", &resource, &mut ra);
        json!({ "resourceSpans": [{
            "resource": { "attributes": ra },
            "scopeSpans": [{ "spans": [{
                "name": "chat", "startTimeUnixNano": "1759651200000000000", "attributes": sa
            }] }]
        }] })
        .to_string()
    }

    fn insert(obj: &mut Value, path: &str, value: Value) {
        let segs: Vec<&str> = path.split('.').collect();
        let mut cur = obj;
        for s in &segs[..segs.len() - 1] {
            let o = cur.as_object_mut().unwrap();
            let next = o.entry(s.to_string()).or_insert_with(|| json!({}));
            if !next.is_object() {
                let leaf = next.take();
                *next = json!({ "": leaf });
            }
            cur = next;
        }
        let o = cur.as_object_mut().unwrap();
        let last = segs[segs.len() - 1].to_string();
        match o.get_mut(&last) {
            Some(Value::Object(m)) => {
                m.insert(String::new(), value);
            }
            _ => {
                o.insert(last, value);
            }
        }
    }

    /// An OTLP attribute list as an object of dotted paths.
    fn object(list: &Value) -> Value {
        let mut obj = json!({});
        for kv in list.as_array().into_iter().flatten() {
            let key = kv["key"].as_str().unwrap();
            let v = &kv["value"];
            let value = if let Some(s) = v.get("stringValue") {
                match (key, s.as_str().and_then(|s| serde_json::from_str(s).ok())) {
                    ("metadata", Some(m @ Value::Object(_))) => m,
                    _ => s.clone(),
                }
            } else if let Some(i) = v.get("intValue") {
                i.as_str()
                    .and_then(|s| s.parse::<u64>().ok())
                    .map(Value::from)
                    .unwrap_or(i.clone())
            } else if let Some(arr) = v.pointer("/arrayValue/values") {
                let mut tags = Map::new();
                for t in arr.as_array().unwrap() {
                    if let Some((k, val)) =
                        t["stringValue"].as_str().and_then(|s| s.split_once(':'))
                    {
                        tags.insert(k.to_string(), Value::from(val));
                    }
                }
                Value::Object(tags)
            } else {
                v.get("doubleValue")
                    .or(v.get("boolValue"))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            insert(&mut obj, key, value);
        }
        obj
    }

    /// Every span of the fixture as an object, its resource under `resource`.
    fn fixture_spans() -> Vec<Value> {
        let text = include_str!("../../../tests/fixtures/otel/traces.jsonl");
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let doc: Value = serde_json::from_str(line).unwrap();
            for rs in doc["resourceSpans"].as_array().unwrap() {
                let resource = object(&rs["resource"]["attributes"]);
                for scope in rs["scopeSpans"].as_array().into_iter().flatten() {
                    for span in scope["spans"].as_array().into_iter().flatten() {
                        let mut o = object(&span["attributes"]);
                        o["resource"] = resource.clone();
                        out.push(o);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn fields_are_read_both_ways() {
        let source = super::Otel;
        let shape = Shape {
            file: "traces.jsonl",
            wrap: &wrap,
            fields: crate::sources::contract::Source::fields(&source),
            blank: false,
        };
        let fixtures = fixture_spans();
        assert!(fixtures.len() >= 3);
        check_shape(
            &source,
            &shape,
            &[r#"{"ai": {"usage": {"promptTokens": 5}}}"#],
            &fixtures,
        );
    }
}
