//! Detection refuses a JSON Lines file of other data (docs/sources.md,
//! gateway, not recognised) and reads a log whose usage starts later.

use std::path::Path;

use super::*;
use crate::parse::collect::Slot;
use crate::record::Field;

fn opens(head: &str, options: &SourceOptions) -> Result<(), String> {
    let sample = Sample {
        path: Path::new("x.jsonl"),
        head: head.as_bytes(),
    };
    assert!(Gateway.recognizes(&sample));
    Gateway.open(&sample, options).map(|_| ())
}

#[test]
fn objects_without_model_or_tokens_are_refused_with_a_reason() {
    let o = SourceOptions::default();
    let ledger =
        "{\"date\":\"2026-10-01\",\"amount\":12.5,\"memo\":\"x\"}\n\n{\"date\":\"2026-10-02\"}\r\n";
    let e = opens(ledger, &o).unwrap_err();
    assert!(
        e.starts_with("none of the 2 JSON objects in the first 1 KiB"),
        "{e}"
    );
    // Attribution alone (team, user, timestamp) is not usage.
    let events = "{\"ts\":1790000000,\"team\":\"search\",\"user\":\"ann\",\"event\":\"login\"}\n";
    assert!(opens(events, &o).is_err());
}

#[test]
fn one_usage_line_anywhere_in_the_head_makes_the_file_read() {
    let o = SourceOptions::default();
    let health = "{\"event\":\"health\",\"status\":\"ok\"}\n";
    for usage in [
        "{\"model\":\"gpt-4o\"}",
        "{\"input_tokens\":3}",
        "{\"output_tokens\":\"x\"}",
        "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}",
        "{\"metadata\":{\"model\":\"gpt-4o\"}}",
        "{\"cache_read_input_tokens\":5}",
    ] {
        let head = format!("{health}{health}{usage}\n{health}");
        assert_eq!(opens(&head, &o), Ok(()), "{usage}");
    }
}

#[test]
fn a_line_that_is_not_an_object_or_a_blank_head_makes_the_file_read() {
    let o = SourceOptions::default();
    assert_eq!(opens("{\"a\":1}\n{\"truncated\":\n", &o), Ok(()));
    assert_eq!(opens("{\"a\":1}\n[1,2]\n", &o), Ok(()));
    assert_eq!(opens("", &o), Ok(()));
    assert_eq!(opens("\n\n\0\0\0", &o), Ok(()));
}

#[test]
fn map_and_alias_paths_count_as_read() {
    let line = "{\"llm\":{\"name\":\"gpt-4o\"},\"tokens\":{\"in\":3}}\n";
    assert!(opens(line, &SourceOptions::default()).is_err());
    let mapped = SourceOptions {
        map: vec![(Slot::Text(Field::Model), "llm.name".into())],
        ..SourceOptions::default()
    };
    assert_eq!(opens(line, &mapped), Ok(()));
    let aliased = SourceOptions {
        aliases: vec![("engine".into(), Slot::Text(Field::Model))],
        ..SourceOptions::default()
    };
    assert_eq!(opens("{\"engine\":\"gpt-4o\"}\n", &aliased), Ok(()));
}

#[test]
fn a_last_line_cut_by_a_full_sample_is_left_out() {
    let o = SourceOptions::default();
    let mut head = String::new();
    while head.len() < SAMPLE_BYTES - 40 {
        head.push_str("{\"event\":\"health\",\"status\":\"ok\"}\n");
    }
    // The cut line would be malformed; left out, the rest decides.
    head.push_str("{\"model\":\"gpt-4o\",\"input_tok");
    while head.len() < SAMPLE_BYTES {
        head.push('x');
    }
    assert!(opens(&head, &o).is_err());
    // The same cut in a small head (a whole file without a final newline)
    // is a malformed line: the file is read.
    assert_eq!(opens("{\"a\":1}\n{\"model\":\"gpt-4o\",\"inp", &o), Ok(()));
}
