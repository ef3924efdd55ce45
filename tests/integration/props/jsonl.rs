//! JSON Lines: any mix of valid and invalid lines, at any chunk size, line
//! ending and thread count, equals the sequential reference.

use proptest::prelude::*;

use super::{check, config, from_2026, run, run_in, Expected, MAX_LINE};

/// What a generated line is, and so where the reference puts it.
#[derive(Debug, Clone)]
enum Line {
    /// A record of `team` (None: unattributed) with these tokens.
    Valid {
        team: Option<u8>,
        input: u64,
        output: u64,
        usage: bool,
    },
    /// Empty, whitespace (blank) or NUL padding (malformed).
    Blank(&'static str),
    /// A valid record cut short: invalid JSON.
    Truncated { cut: usize, input: u64 },
    /// JSON that is not one object.
    NotObject(&'static str),
    /// A record with a negative count.
    Negative,
    /// A record without a timestamp.
    NoTimestamp,
    /// An object without usage: ignored.
    Ignored,
    /// Longer than the limit.
    TooLong(usize),
}

fn valid_text(team: Option<u8>, input: u64, output: u64, usage: bool) -> String {
    let team = team.map_or(String::new(), |t| format!(r#""team":"team-{t}","#));
    if usage {
        format!(
            r#"{{"timestamp":"2026-10-03T09:14:02Z",{team}"model":"gpt-4o","usage":{{"input_tokens":{input},"output_tokens":{output}}}}}"#
        )
    } else {
        format!(
            r#"{{"timestamp":1759482842,{team}"model":"gpt-4o","input_tokens":"{input}","output_tokens":{output}}}"#
        )
    }
}

impl Line {
    fn text(&self) -> String {
        match self {
            Line::Valid {
                team,
                input,
                output,
                usage,
            } => valid_text(*team, *input, *output, *usage),
            Line::Blank(s) => s.to_string(),
            Line::Truncated { cut, input } => {
                let full = valid_text(Some(1), *input, 1, false);
                full[..1 + cut % (full.len() - 1)].to_string()
            }
            Line::NotObject(s) => s.to_string(),
            Line::Negative => {
                r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","input_tokens":-1}"#.into()
            }
            Line::NoTimestamp => r#"{"team":"team-1","model":"gpt-4o","input_tokens":5}"#.into(),
            Line::Ignored => r#"{"team":"team-1","note":"no usage here"}"#.into(),
            Line::TooLong(n) => format!(
                r#"{{"timestamp":1759482842,"model":"gpt-4o","input_tokens":1,"pad":"{}"}}"#,
                "p".repeat(MAX_LINE + n)
            ),
        }
    }
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (proptest::option::of(0u8..4), any::<u64>(), 0u64..1_000_000, any::<bool>())
            .prop_map(|(team, input, output, usage)| Line::Valid { team, input, output, usage }),
        2 => (proptest::option::of(0u8..4), 0u64..1000, 0u64..1000)
            .prop_map(|(team, input, output)| Line::Valid { team, input, output, usage: false }),
        1 => prop::sample::select(vec!["", "   ", "\t", "\0\0\0\0"]).prop_map(Line::Blank),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(cut, input)| Line::Truncated { cut, input }),
        1 => prop::sample::select(vec!["[1,2]", "42", "null", "{}{}", "\"x\""]).prop_map(Line::NotObject),
        1 => Just(Line::Negative),
        1 => Just(Line::NoTimestamp),
        1 => Just(Line::Ignored),
        1 => (1usize..50).prop_map(Line::TooLong),
    ]
}

/// With `window`, only 2026 counts: the epoch-number timestamps (2025) are
/// filtered.
fn expected(lines: &[Line], window: bool) -> Expected {
    let mut e = Expected::default();
    for (i, l) in lines.iter().enumerate() {
        let at = i as u64 + 1;
        e.lines += 1;
        let mut bad = |reason: &str| {
            e.malformed += 1;
            e.reasons.entry(reason.to_string()).or_default().push(at);
        };
        match l {
            Line::Valid { usage: false, .. } if window => e.filtered += 1,
            Line::Valid {
                team,
                input,
                output,
                ..
            } => {
                e.parsed += 1;
                let t = e
                    .teams
                    .entry(team.map(|t| format!("team-{t}")))
                    .or_default();
                t.0 += 1;
                t.1 += u128::from(*input);
                t.2 += u128::from(*output);
            }
            // NUL padding is a crash's tail: malformed (issue 16, item 7).
            Line::Blank(text) if text.contains('\0') => bad("NUL bytes (file cut short?)"),
            Line::Blank(_) => e.blank += 1,
            Line::Truncated { .. } => bad("invalid JSON"),
            Line::NotObject(_) => bad("not one JSON object"),
            Line::Negative => bad("invalid count in `input_tokens`: negative"),
            Line::NoTimestamp => bad("no timestamp"),
            Line::Ignored => e.ignored += 1,
            Line::TooLong(_) => bad("line longer than --max-line-bytes"),
        }
    }
    e
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_mix_any_chunking_matches_the_sequential_reference(
        lines in prop::collection::vec(line(), 0..60),
        eol in prop::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
        final_newline in any::<bool>(),
        chunk_bytes in 1usize..400,
        threads in 1usize..4,
    ) {
        let mut text = lines.iter().map(Line::text).collect::<Vec<_>>().join(eol);
        if final_newline && !lines.is_empty() {
            text.push_str(eol);
        }
        // Without a final newline a last empty line is no line at all.
        let lines_counted = if !final_newline && matches!(lines.last(), Some(Line::Blank(""))) {
            &lines[..lines.len() - 1]
        } else {
            &lines[..]
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mix.jsonl");
        std::fs::write(&path, &text).unwrap();
        let e = expected(lines_counted, false);
        check(&run(&path, chunk_bytes, threads), &e)?;
        check(&run(&path, usize::MAX, 1), &e)?;
        let e = expected(lines_counted, true);
        check(&run_in(&path, chunk_bytes, threads, from_2026()), &e)?;
    }
}
