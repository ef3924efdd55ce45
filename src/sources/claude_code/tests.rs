use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

use assistant_line as assistant;

pub(super) fn assistant_line(
    uuid: &str,
    msg: &str,
    req: Option<&str>,
    model: &str,
    usage: &str,
) -> String {
    let req = req.map_or(String::new(), |r| format!(r#""requestId":"{r}","#));
    format!(
        r#"{{"parentUuid":"p-{uuid}","isSidechain":false,"userType":"external","cwd":"/home/ana/checkout","sessionId":"s-1","version":"2.0.74","gitBranch":"main","message":{{"id":"{msg}","type":"message","role":"assistant","model":"{model}","content":[{{"type":"text","text":"ok"}}],"stop_reason":null,"usage":{usage}}},{req}"type":"assistant","uuid":"{uuid}","timestamp":"2026-10-03T09:14:02.118Z"}}"#
    )
}

pub(super) const USAGE: &str = r#"{"input_tokens":4,"cache_creation_input_tokens":2000,"cache_read_input_tokens":15000,"cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500},"output_tokens":8,"service_tier":"standard"}"#;

fn open(name: &str, options: &SourceOptions) -> Box<dyn Parser> {
    ClaudeCode
        .open(
            &Sample {
                path: Path::new(name),
                head: b"",
            },
            options,
        )
        .unwrap()
}

fn parse(doc: &str) -> Capture {
    Capture::run(open("s.jsonl", &SourceOptions::default()).as_ref(), doc)
}

#[test]
fn anthropic_usage_is_disjoint_and_keeps_the_1h_split() {
    let line = assistant(
        "a1",
        "msg_01",
        Some("req_01"),
        "claude-sonnet-4-5-20250929",
        USAGE,
    );
    let r = parse(&line).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 4,
            output: 8,
            cache_read: 15000,
            cache_write: 1500,
            cache_write_1h: 500
        }
    );
    assert_eq!(r.get(Field::Provider), Some("anthropic"));
    assert_eq!(r.get(Field::Model), Some("claude-sonnet-4-5-20250929"));
    assert_eq!(r.get(Field::RequestId), Some("req_01"));
    assert_eq!(r.get(Field::Project), Some("/home/ana/checkout"));
    assert_eq!(r.timestamp, 1_791_018_842);
}

#[test]
fn streaming_copies_keep_the_most_output_and_count_duplicates() {
    let u = |out: u64| {
        format!(r#"{{"input_tokens":10,"cache_read_input_tokens":100,"output_tokens":{out}}}"#)
    };
    let m = "claude-opus-4-5-20251101";
    let doc = [
        assistant("a1", "msg_A", Some("req_A"), m, &u(1)),
        assistant("a2", "msg_A", Some("req_A"), m, &u(250)),
        assistant("a3", "msg_A", Some("req_A"), m, &u(250)),
        assistant("a4", "msg_A", Some("req_A"), m, &u(3)),
        // Same message id, another request: a different response.
        assistant("b1", "msg_A", Some("req_B"), m, &u(7)),
    ]
    .join("\n");
    let c = parse(&doc);
    assert_eq!(c.duplicate, 3);
    let kept: Vec<(u64, u64)> = c
        .records
        .iter()
        .map(|(l, r)| (*l, r.tokens.output))
        .collect();
    // Tie on 250: the later line (3) wins.
    assert_eq!(kept, vec![(3, 250), (5, 7)]);
}

#[test]
fn without_request_id_messages_dedupe_within_the_session() {
    let u = r#"{"input_tokens":10,"output_tokens":5}"#;
    let doc = [
        assistant("a1", "msg_X", None, "glm-4.6", u),
        assistant("a2", "msg_X", None, "glm-4.6", u),
    ]
    .join("\n");
    let c = parse(&doc);
    assert_eq!((c.records.len(), c.duplicate), (1, 1));
    assert_eq!(c.records[0].1.get(Field::RequestId), Some("msg_X"));
}

#[test]
fn non_assistant_and_synthetic_lines_are_ignored() {
    let doc = [
        r#"{"type":"summary","summary":"Refactor checkout","leafUuid":"a1"}"#.to_string(),
        r#"{"parentUuid":null,"cwd":"/w","sessionId":"s-1","type":"user","message":{"role":"user","content":"hi"},"uuid":"u1","timestamp":"2026-10-03T09:14:00Z"}"#.to_string(),
        r#"{"parentUuid":"a0","cwd":"/w","sessionId":"s-1","type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"done"}]},"toolUseResult":{"usage":{"input_tokens":5,"output_tokens":900}},"uuid":"u2","timestamp":"2026-10-03T09:14:01Z"}"#.to_string(),
        assistant("a9", "msg_S", None, "<synthetic>", r#"{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}"#),
        String::new(),
        r#"{"type":"assistant","message":{"usage":{"input_tokens":1,"output_tokens":1}},"timestamp":"yesterday"}"#.to_string(),
    ]
    .join("\n");
    let c = parse(&doc);
    assert_eq!(c.records.len(), 0);
    assert_eq!(c.ignored, 4);
    assert_eq!(c.blank, 1);
    assert_eq!(c.malformed, vec![(6, Reason::BadTimestamp)]);
}

#[test]
fn bedrock_model_ids_are_priced_as_bedrock() {
    let line = assistant(
        "a1",
        "msg_01",
        Some("req_01"),
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        USAGE,
    );
    assert_eq!(parse(&line).one().get(Field::Provider), Some("bedrock"));
}

#[test]
fn detection_needs_a_session_transcript() {
    let yes = |head: &str| {
        ClaudeCode.recognizes(&Sample {
            path: Path::new("s.jsonl"),
            head: head.as_bytes(),
        })
    };
    assert!(yes(&assistant(
        "a1",
        "m",
        Some("r"),
        "claude-haiku-4-5",
        USAGE
    )));
    assert!(yes(r#"{"parentUuid":null,"sessionId":"s","type":"user"}"#));
    assert!(!yes(
        r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","usage":{}}"#
    ));
    // A huge snapshot first line hides the signature; the folder tells.
    let snapshot =
        r#"{"type":"file-history-snapshot","messageId":"m","snapshot":{"trackedFileBackups":{}}}"#;
    assert!(!yes(snapshot));
    assert!(ClaudeCode.recognizes(&Sample {
        path: Path::new("/home/ana/.claude/projects/-home-ana-x/s.jsonl"),
        head: snapshot.as_bytes(),
    }));
}

#[test]
fn cost_usd_is_kept_as_the_reported_cost_and_odd_messages_are_ignored() {
    let line = assistant(
        "a1",
        "msg_01",
        Some("req_01"),
        "claude-sonnet-4-5-20250929",
        USAGE,
    )
    .replace(
        r#""type":"assistant","#,
        r#""type":"assistant","costUSD":0.0125,"#,
    );
    assert_eq!(parse(&line).one().reported_cost, Some(12_500_000_000));
    let odd =
        r#"{"type":"assistant","message":"usage unavailable","timestamp":"2026-10-03T09:14:02Z"}"#;
    assert_eq!(parse(odd).ignored, 1);
}

#[test]
fn copies_in_another_file_are_duplicates_whatever_the_order() {
    let u = |out: u64| format!(r#"{{"input_tokens":10,"output_tokens":{out}}}"#);
    let m = "claude-sonnet-4-5-20250929";
    let original = [
        assistant("a1", "msg_A", Some("req_A"), m, &u(5)),
        assistant("a2", "msg_A", Some("req_A"), m, &u(90)),
        assistant("b1", "msg_B", Some("req_B"), m, &u(40)),
    ]
    .join("\n");
    // A resumed session: copies of both responses, then a new one.
    let resumed = [
        assistant("a2", "msg_A", Some("req_A"), m, &u(90)),
        assistant("b1", "msg_B", Some("req_B"), m, &u(40)),
        assistant("c1", "msg_C", Some("req_C"), m, &u(7)),
    ]
    .join("\n");
    for reversed in [false, true] {
        let options = SourceOptions::default();
        let first = open("projects/p/1-original.jsonl", &options);
        let second = open("projects/p/2-resumed.jsonl", &options);
        first.prepare(original.as_bytes());
        second.prepare(resumed.as_bytes());
        let (a, b) = if reversed {
            let b = Capture::run(second.as_ref(), &resumed);
            (Capture::run(first.as_ref(), &original), b)
        } else {
            let a = Capture::run(first.as_ref(), &original);
            (a, Capture::run(second.as_ref(), &resumed))
        };
        let outputs = |c: &Capture| {
            c.records
                .iter()
                .map(|(_, r)| r.tokens.output)
                .collect::<Vec<_>>()
        };
        // Ties across files: the first file in path order keeps the record.
        assert_eq!(outputs(&a), vec![90, 40]);
        assert_eq!(a.duplicate, 1);
        assert_eq!(outputs(&b), vec![7]);
        assert_eq!(b.duplicate, 2);
    }
}

#[test]
fn a_more_complete_copy_in_a_later_file_wins() {
    let u = |out: u64| format!(r#"{{"input_tokens":10,"output_tokens":{out}}}"#);
    let m = "claude-sonnet-4-5-20250929";
    let early = assistant("a1", "msg_A", Some("req_A"), m, &u(3));
    let late = assistant("a2", "msg_A", Some("req_A"), m, &u(300));
    let options = SourceOptions::default();
    let first = open("a.jsonl", &options);
    let second = open("b.jsonl", &options);
    first.prepare(early.as_bytes());
    second.prepare(late.as_bytes());
    let a = Capture::run(first.as_ref(), &early);
    let b = Capture::run(second.as_ref(), &late);
    assert_eq!((a.records.len(), a.duplicate), (0, 1));
    assert_eq!((b.records.len(), b.duplicate), (1, 0));
}

#[test]
fn transcript_lines_allocate_nothing_but_the_file_tables() {
    use crate::sources::testing::alloc::{count, Discard};
    let doc = (0..200)
        .map(|i| {
            assistant(
                "a",
                &format!("msg_{i}"),
                Some(&format!("req_{i}")),
                "claude-haiku-4-5",
                USAGE,
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let parser = open("s.jsonl", &SourceOptions::default());
    let mut sink = Discard::default();
    // Per file: the entry list, the key table and a key buffer grow a few
    // times; per line at most serde_json's scratch for skipping `content`.
    let n = count(|| parser.parse_unit(doc.as_bytes(), &mut sink));
    assert_eq!(sink.records, 200);
    assert!(n < 200 + 40, "{n} allocations for 200 lines");
}

#[test]
fn reading_an_assistant_line_does_not_allocate() {
    use crate::sources::testing::alloc::count;
    let line = assistant("a", "msg_1", Some("req_1"), "claude-haiku-4-5", USAGE);
    let n = count(|| {
        let _ = read_line(line.as_bytes(), 1);
    });
    // At most serde_json's own scratch stack, used to skip the nested
    // `content` blocks; every field is borrowed from the line.
    assert!(n <= 1, "{n} allocations");
    let flat = line.replace(r#"[{"type":"text","text":"ok"}]"#, "[]");
    let n = count(|| {
        let _ = read_line(flat.as_bytes(), 1);
    });
    assert_eq!(n, 0);
}

/// Every listed key path is read, and every path read is listed, on the
/// assistant lines of the fixture transcripts.
#[test]
fn sources_fields_lists_every_path_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/claude-code");
    let mut texts = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                texts.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    let lines: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| l.contains("\"type\":\"assistant\"") && l.contains("\"usage\""))
        .collect();
    assert!(lines.len() > 3);
    crate::sources::field_check::check(
        &ClaudeCode,
        "projects/p/s.jsonl",
        r#"{"type":"assistant","timestamp":"2026-10-03T09:00:00Z","message":{"usage":{"input_tokens":0,"output_tokens":1}}}"#,
        &lines,
    );
}
