use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

const LOG: &str = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-10-05T08:12:40Z","accountId":"123456789012","identity":{"arn":"arn:aws:sts::123456789012:assumed-role/checkout-svc/i-0abc"},"region":"us-east-1","requestId":"6b1f2c1e-3f0a-4d7e-9a51-0c5e2b9d11aa","operation":"Converse","modelId":"us.anthropic.claude-sonnet-4-5-20250929-v1:0","input":{"inputContentType":"application/json","inputTokenCount":212,"cacheReadInputTokenCount":14800,"cacheWriteInputTokenCount":960},"output":{"outputContentType":"application/json","outputTokenCount":388},"requestMetadata":{"team":"payments","cost_center":"CC-1042","service":"checkout"}}"#;

fn parse(input: &str) -> Capture {
    Capture::run(&BedrockLines, input)
}

#[test]
fn invocation_counts_are_disjoint() {
    let r = parse(LOG).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 212,
            output: 388,
            cache_read: 14800,
            cache_write: 960,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.get(Field::Provider), Some("bedrock"));
    assert_eq!(
        r.get(Field::Model),
        Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    assert_eq!(
        r.get(Field::RequestId),
        Some("6b1f2c1e-3f0a-4d7e-9a51-0c5e2b9d11aa")
    );
    assert_eq!(r.get(Field::User), Some("checkout-svc"));
    assert_eq!(r.get(Field::Team), Some("payments"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-1042"));
    assert_eq!(r.get(Field::Service), Some("checkout"));
    assert_eq!(r.get(Field::Project), Some("123456789012"));
}

#[test]
fn an_inline_messages_body_splits_out_1h_writes() {
    let line = r#"{"schemaType":"ModelInvocationLog","timestamp":"2026-10-05T08:12:40Z","modelId":"anthropic.claude-haiku-4-5-20251001-v1:0","input":{"inputTokenCount":10,"cacheWriteInputTokenCount":1000},"output":{"outputTokenCount":5,"outputBodyJson":{"id":"msg_1","usage":{"input_tokens":10,"cache_creation":{"ephemeral_5m_input_tokens":400,"ephemeral_1h_input_tokens":600},"output_tokens":5}}}}"#;
    let t = parse(line).one().tokens;
    assert_eq!((t.cache_write, t.cache_write_1h), (400, 600));
    // A streamed body is an array of chunks: skipped, the record still counts.
    let streamed = r#"{"schemaType":"ModelInvocationLog","timestamp":"2026-10-05T08:12:40Z","modelId":"m","input":{"inputTokenCount":10,"cacheWriteInputTokenCount":1000},"output":{"outputTokenCount":5,"outputBodyJson":[{"type":"message_start"}]}}"#;
    let t = parse(streamed).one().tokens;
    assert_eq!((t.cache_write, t.cache_write_1h), (1000, 0));
}

#[test]
fn principals_come_from_the_arn() {
    let p = |a: &str| principal(Cow::Borrowed(a)).into_owned();
    assert_eq!(
        p("arn:aws:sts::123456789012:assumed-role/checkout-svc/i-0abc"),
        "checkout-svc"
    );
    assert_eq!(p("arn:aws:iam::123456789012:user/alice"), "alice");
    assert_eq!(
        p("arn:aws:iam::123456789012:root"),
        "arn:aws:iam::123456789012:root"
    );
}

#[test]
fn other_records_and_bad_counts() {
    let c = parse(r#"{"schemaType":"SomethingElse","timestamp":"2026-10-05T08:12:40Z"}"#);
    assert_eq!(c.ignored, 1);
    let c = parse(
        r#"{"schemaType":"ModelInvocationLog","timestamp":"2026-10-05T08:12:40Z","modelId":"m","input":{"inputTokenCount":-1}}"#,
    );
    assert_eq!(
        c.malformed[0].1,
        Reason::BadCount {
            field: "input.inputTokenCount",
            why: "negative"
        }
    );
    let c =
        parse(r#"{"schemaType":"ModelInvocationLog","modelId":"m","input":{"inputTokenCount":1}}"#);
    assert_eq!(c.malformed[0].1, Reason::NoTimestamp);
}

#[test]
fn detection_reads_the_schema_type() {
    let yes = |head: &str| {
        Bedrock.recognizes(&Sample {
            path: Path::new("x.json"),
            head: head.as_bytes(),
        })
    };
    assert!(yes(LOG));
    assert!(!yes(r#"{"timestamp":"2026-10-05T08:12:40Z","model":"m"}"#));
}

#[test]
fn cloudwatch_export_lines_carry_a_timestamp_prefix() {
    let line = format!("2026-10-05T08:12:41.123Z {LOG}");
    assert_eq!(parse(&line).one().tokens.input, 212);
    assert!(Bedrock.recognizes(&Sample {
        path: Path::new("000000.log"),
        head: line.as_bytes(),
    }));
    // Anything else before the object is not a record.
    let c = parse(&format!("garbage {LOG}"));
    assert_eq!(c.malformed[0].1, Reason::InvalidJson);
}

#[test]
fn an_invocation_line_is_read_without_allocating() {
    use crate::sources::testing::alloc::{count, Discard};
    let mut sink = Discard::default();
    // Warm up once: lazily built static tables (the gateway key table)
    // allocate on first use, not per row.
    BedrockLines.parse_unit(LOG.as_bytes(), &mut sink);
    sink.records = 0;
    let n = count(|| {
        for _ in 0..100 {
            BedrockLines.parse_unit(LOG.as_bytes(), &mut sink);
        }
    });
    assert_eq!((n, sink.records), (0, 100));
}

/// Every listed key path is read, and every path read is listed, on the
/// fixture's invocation records.
#[test]
fn sources_fields_lists_every_path_read() {
    let text = include_str!("../../../tests/fixtures/bedrock/model_invocations.jsonl");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    crate::sources::field_check::check(
        &Bedrock,
        "model_invocations.jsonl",
        r#"{"schemaType":"ModelInvocationLog","timestamp":"2026-10-05T08:12:40Z","input":{"inputTokenCount":1,"cacheWriteInputTokenCount":100000}}"#,
        &lines,
    );
}
