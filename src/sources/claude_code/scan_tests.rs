//! The scanner's reading of a line against serde_json's, and the lines
//! that hold a `"usage"` but never count: `progress` copies of a
//! subagent's responses and a Task result's `toolUseResult.usage`.

use super::tests::{assistant_line as assistant, USAGE};
use super::*;
use crate::sources::testing::Capture;

fn serde_line(unit: &[u8]) -> Option<String> {
    read_object_as::<Line>(unit).ok().map(|l| format!("{l:?}"))
}

/// Lines of every shape a transcript holds, and odd variants of them.
fn corpus() -> Vec<String> {
    let m = "claude-sonnet-4-5-20250929";
    let a = assistant("a1", "msg_01", Some("req_01"), m, USAGE);
    let progress = format!(
        r#"{{"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s-1","type":"progress","data":{{"message":{{"type":"assistant","message":{{"model":"{m}","id":"msg_02","type":"message","role":"assistant","content":[{{"type":"text","text":"ok"}}],"usage":{USAGE}}},"requestId":"req_02","uuid":"x","timestamp":"2026-10-03T09:14:02.118Z"}},"type":"agent_progress","agentId":"ab12"}},"toolUseID":"toolu_1","uuid":"u9","timestamp":"2026-10-03T09:14:03.000Z"}}"#
    );
    let task = r#"{"parentUuid":"a0","cwd":"/w","sessionId":"s-1","type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"line\n\"quoted\" \\ done é"}]}]},"toolUseResult":{"status":"completed","usage":{"input_tokens":5,"cache_read_input_tokens":900,"output_tokens":900}},"uuid":"u2","timestamp":"2026-10-03T09:14:01Z"}"#.to_string();
    let mut lines = vec![
        a.clone(),
        progress.clone(),
        task.clone(),
        r#"{"type":"summary","summary":"Refactor \"checkout\"","leafUuid":"a1"}"#.into(),
        r#"{"type":"file-history-snapshot","messageId":"m","snapshot":{"trackedFileBackups":{}},"isSnapshotUpdate":false}"#.into(),
        // Whitespace the scanner declines or takes.
        a.replace(r#""type":"assistant""#, r#""type": "assistant""#),
        format!("  {a}  "),
        a.replace(",", " ,"),
        // Escapes in values read, and in keys.
        a.replace("req_01", r"req_\u0030"),
        a.replace(r#""cwd""#, r#""c\u0077d""#),
        // Duplicate fields, top level and in message.
        a.replace(r#""type":"assistant""#, r#""type":"assistant","type":"user""#),
        a.replace(r#""model":"#, r#""model":"x","model":"#),
        a.replace(r#""usage":"#, r#""usage":null,"usage":"#),
        // Other shapes of message, usage and costUSD.
        a.replace(r#""usage":{"#, r#""usage":"none","u":{"#),
        a.replace(r#""usage":{"#, r#""usage":null,"u":{"#),
        a.replace(r#""usage":{"#, r#""usage":[1,2],"u":{"#),
        a.replace(r#""message":{"#, r#""message":[],"m":{"#),
        a.replace(r#""message":{"#, r#""message":"text","m":{"#),
        a.replace(r#""type":"assistant""#, r#""type":"assistant","costUSD":0.0123"#),
        a.replace(r#""type":"assistant""#, r#""type":"assistant","costUSD":3"#),
        a.replace(r#""type":"assistant""#, r#""type":"assistant","costUSD":null"#),
        a.replace(r#""type":"assistant""#, r#""type":"assistant","costUSD":"1.5""#),
        a.replace(r#""type":"assistant""#, r#""type":7"#),
        a.replace(r#""output_tokens":8"#, r#""output_tokens":-8"#),
        a.replace(r#""output_tokens":8"#, r#""output_tokens":8.0"#),
        a.replace(r#""output_tokens":8"#, r#""output_tokens":"8""#),
        a.replace(r#""output_tokens":8"#, r#""output_tokens":8,"output_tokens":9"#),
        a.replace(r#""output_tokens":8"#, r#""output_tokens":1e400"#),
        a.replace("2026-10-03T09:14:02.118Z", "yesterday"),
        a.replace(r#""requestId":"req_01","#, ""),
        a.replace(r#""text":"ok""#, &format!(r#""text":"{}""#, "[".repeat(70))),
        a.replace(r#""text":"ok""#, &format!(r#""deep":{}1{}"#, "[".repeat(70), "]".repeat(70))),
        a.replace("ok", "\u{7}"),
        "[1,2]".into(),
        "{}".into(),
        "not json".into(),
    ];
    // Every truncation of three lines, and a byte that is not UTF-8.
    for base in [&a, &progress, &task] {
        for cut in (0..base.len()).filter(|&i| base.is_char_boundary(i)) {
            lines.push(base[..cut].to_string());
        }
    }
    lines
}

#[test]
fn the_scanner_reads_what_serde_reads_or_declines() {
    let mut lines: Vec<Vec<u8>> = corpus().into_iter().map(String::into_bytes).collect();
    let mut bad = assistant("a1", "msg_01", Some("req_01"), "m", USAGE).into_bytes();
    let at = bad.len() / 2;
    bad[at] = 0xFF;
    lines.push(bad);
    let mut scanned = 0;
    for line in &lines {
        if let Ok(l) = scan::line(line) {
            scanned += 1;
            assert_eq!(
                Some(format!("{l:?}")),
                serde_line(line),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }
    // The scanner reads the plain shapes itself (else this proves nothing).
    assert!(scanned >= 18, "{scanned} lines scanned");
    assert!(scan::line(corpus()[0].as_bytes()).is_ok());
    assert!(scan::line(corpus()[1].as_bytes()).is_ok());
}

/// A subagent's responses are in its own file and copied into the parent
/// transcript as `progress` lines: counted once, from the subagent file,
/// and the copies are ignored, not duplicates.
#[test]
fn progress_copies_are_never_counted() {
    let m = "claude-haiku-4-5-20251001";
    let sub = [
        assistant("s1", "msg_S1", Some("req_S1"), m, USAGE),
        assistant("s2", "msg_S2", Some("req_S2"), m, USAGE),
    ];
    let progress = |line: &str| {
        format!(
            r#"{{"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s-1","type":"progress","data":{{"message":{line},"type":"agent_progress","agentId":"ab12"}},"toolUseID":"toolu_1","uuid":"u","timestamp":"2026-10-03T09:14:03.000Z"}}"#
        )
    };
    let parent = [
        assistant("p1", "msg_P1", Some("req_P1"), m, USAGE),
        progress(&sub[0]),
        progress(&sub[1]),
        progress(&sub[1]),
    ]
    .join("\n");
    let sub = sub.join("\n");
    for with_subagent in [true, false] {
        let options = SourceOptions::default();
        let p = open_at("projects/p/s-1.jsonl", &options);
        let s = open_at("projects/p/s-1/subagents/agent-ab12.jsonl", &options);
        p.prepare(parent.as_bytes());
        if with_subagent {
            s.prepare(sub.as_bytes());
        }
        let a = Capture::run(p.as_ref(), &parent);
        assert_eq!(a.records.len(), 1);
        assert_eq!((a.ignored, a.duplicate), (3, 0));
        if with_subagent {
            let b = Capture::run(s.as_ref(), &sub);
            assert_eq!((b.records.len(), b.duplicate), (2, 0));
        }
    }
}

/// A Task result repeats the subagent's usage under `toolUseResult.usage`,
/// wherever it sits in the line: never a record.
#[test]
fn tool_use_result_usage_is_never_counted() {
    let usage = r#"{"input_tokens":5,"cache_read_input_tokens":900,"output_tokens":900}"#;
    let lines = [
        format!(
            r#"{{"parentUuid":"a0","cwd":"/w","sessionId":"s-1","type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"t1","content":"done"}}]}},"toolUseResult":{{"status":"completed","totalTokens":1805,"usage":{usage}}},"uuid":"u2","timestamp":"2026-10-03T09:14:01Z"}}"#
        ),
        // The result before the message, and a message with no usage.
        format!(
            r#"{{"toolUseResult":{{"usage":{usage},"content":[{{"type":"text","text":"\"type\":\"assistant\""}}]}},"type":"user","message":{{"role":"user","content":"x"}},"requestId":"req_9","timestamp":"2026-10-03T09:14:01Z"}}"#
        ),
        // Even on an assistant line, only `message.usage` counts.
        format!(
            r#"{{"type":"assistant","toolUseResult":{{"usage":{usage}}},"message":{{"id":"msg_9","model":"m"}},"requestId":"req_9","timestamp":"2026-10-03T09:14:01Z"}}"#
        ),
        format!(
            r#"{{"type":"assistant","message":{{"id":"msg_9","model":"m"}},"toolUseResult":{{"usage":{usage}}},"requestId":"req_9","timestamp":"2026-10-03T09:14:01Z"}}"#
        ),
    ];
    for line in &lines {
        let c = parse_doc(line);
        assert_eq!((c.records.len(), c.ignored), (0, 1), "{line}");
        assert!(scan::line(line.as_bytes()).is_ok(), "{line}");
    }
}

fn open_at(name: &str, options: &SourceOptions) -> Box<dyn Parser> {
    ClaudeCode
        .open(
            &Sample {
                path: std::path::Path::new(name),
                head: b"",
            },
            options,
        )
        .unwrap()
}

fn parse_doc(doc: &str) -> Capture {
    Capture::run(open_at("s.jsonl", &SourceOptions::default()).as_ref(), doc)
}

/// The first pass passes over a line by its `type` only when the full
/// reading could never make it a response.
#[test]
fn lines_passed_over_by_type_are_never_responses() {
    let lines = corpus();
    let mut passed = 0;
    for line in &lines {
        if scan::not_assistant(line.as_bytes()) {
            passed += 1;
            assert!(
                !matches!(read_line(line.as_bytes(), 1), Outcome::Entry(_)),
                "{line}"
            );
        }
    }
    assert!(scan::not_assistant(lines[1].as_bytes()), "a progress line");
    assert!(scan::not_assistant(lines[2].as_bytes()), "a Task result");
    assert!(!scan::not_assistant(lines[0].as_bytes()), "a response");
    assert!(passed > 100, "{passed}");
}
