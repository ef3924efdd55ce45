//! Line templates (`template`): a line read through a template must give
//! exactly what serde_json alone gives, and so must every line that
//! differs from a learned layout, which the walk reads again.

use super::learned::{new_template_window, template_stats, typed_hits, without_templates};
use super::*;
use crate::parse::collect::Collected;
use crate::parse::testing::xorshift;
use crate::record::{Field, FieldSet};
use crate::sources::contract::SourceOptions;
use crate::sources::testing::Capture;

/// One gateway's layouts: optional `feature` in the metadata, optional
/// `user_agent`.
fn uniform(i: u64, feature: bool, agent: bool) -> String {
    let feature = if feature {
        format!(r#","feature":"f{}""#, i % 30)
    } else {
        String::new()
    };
    let agent = if agent {
        r#","user_agent":"openai-python/1.54.0""#
    } else {
        ""
    };
    format!(
        r#"{{"timestamp":"2026-10-{:02}T08:28:14.358Z","request_id":"73ab4876-7734-47c1-87fd-{:012}","provider":"openai","model":"gpt-4o","prompt_tokens":{},"completion_tokens":{},"total_tokens":{},"status":"success","latency_ms":{},"metadata":{{"team":"team-{}","cost_center":"cc-10{}","service":"rag","environment":"prod"{feature}}}{agent}}}"#,
        1 + i % 28,
        i,
        1000 + i * 7 % 5000,
        i * 13 % 2000,
        1000 + i * 7 % 5000 + i * 13 % 2000,
        10_000 + i % 9000,
        i % 7,
        i % 9,
    )
}

/// Readers of all fields (whose lines serde_json reads the same) and of
/// `--by team,model` (whose skipped fields the reference reads anyway).
fn readers() -> Vec<GatewayJson> {
    let narrow = FieldSet::NONE.with(Field::Team).with(Field::Model);
    [FieldSet::ALL, narrow]
        .into_iter()
        .map(|fields| {
            GatewayJson::new(&SourceOptions {
                fields,
                ..SourceOptions::default()
            })
            .unwrap()
        })
        .collect()
}

/// What `json` reads from `line`, in debug form.
fn read(json: &GatewayJson, line: &[u8]) -> String {
    let mut out = Collected::default();
    let result = json.collect(line, &mut out);
    format!("{result:?} {out:?}")
}

/// What the worker gets from `line` followed by another line: the
/// length `parse_line` reads (through the typed reader when it fits) and
/// what it reports, or what `parse_unit` reports when it declines.
fn outcome(json: &GatewayJson, line: &[u8]) -> String {
    let mut rest = line.to_vec();
    rest.extend_from_slice(b"\n{\"next\":1}\n");
    let mut capture = Capture::default();
    let len = json.parse_line(&rest, 1 << 20, &mut capture);
    if len.is_none() {
        json.parse_unit(line, &mut capture);
    }
    format!("{len:?} {capture:?}")
}

/// The line's outcome is the same with templates (the typed reader where
/// it fits) as without them, and [`agree_bytes`] holds.
fn agree_typed_bytes(json: &GatewayJson, line: &[u8]) {
    let shown = String::from_utf8_lossy(line);
    let general = without_templates(|| outcome(json, line));
    assert_eq!(outcome(json, line), general, "{shown}");
    agree_bytes(json, line);
}

fn agree_typed(json: &GatewayJson, line: &str) {
    agree_typed_bytes(json, line.as_bytes());
}

/// The line reads the same with templates, without them (the walk, or
/// serde_json where it bails) and, for a reader of all fields, with
/// serde_json alone.
fn agree_bytes(json: &GatewayJson, line: &[u8]) {
    let shown = String::from_utf8_lossy(line);
    let general = without_templates(|| read(json, line));
    assert_eq!(read(json, line), general, "{shown}");
    if json.fields == FieldSet::ALL {
        let (fast, reference) = json.scanner_and_reference(line);
        assert_eq!(fast, reference, "{shown}");
    }
}

fn agree(json: &GatewayJson, line: &str) {
    agree_bytes(json, line.as_bytes());
}

/// Lines of the learned layouts are read through a template, with the
/// values of each line.
#[test]
fn lines_of_a_learned_layout_are_read_through_it() {
    for json in readers() {
        for i in 0..4 {
            agree(&json, &uniform(i, i % 2 == 0, i / 2 == 0));
        }
        assert_eq!(template_stats().0, 4);
        let before = template_stats().1;
        for i in 0..400 {
            agree(&json, &uniform(i, i % 3 == 0, i % 5 != 0));
        }
        // Each line is read once or twice with templates on: every time
        // through one.
        let reads = if json.fields == FieldSet::ALL {
            800
        } else {
            400
        };
        assert_eq!(template_stats().1 - before, reads);
    }
}

/// The surprises a template must fall back on, each applied to a line of
/// a learned layout.
fn surprises(line: &str) -> Vec<String> {
    let swap = |a: &str, b: &str| {
        line.replacen(a, "\u{0}", 1)
            .replacen(b, a, 1)
            .replacen('\u{0}', b, 1)
    };
    vec![
        // Key order.
        swap(r#""provider":"openai""#, r#""model":"gpt-4o""#),
        swap(r#""team":"#, r#""service":"#),
        // An extra key, read or not, at the top and in the metadata.
        line.replacen(r#""status""#, r#""team":"top","status""#, 1),
        line.replacen(r#""status""#, r#""trace":{"a":[1,2]},"status""#, 1),
        line.replacen(r#""service""#, r#""customer":"c1","service""#, 1),
        line.replacen(r#""service""#, r#""tags":["team:t"],"service""#, 1),
        // Escaped strings, read and skipped.
        line.replacen("gpt-4o", r#"gpt-\u0034o"#, 1),
        line.replacen("gpt-4o", r#"gpt\"4o"#, 1),
        line.replacen(r#""success""#, r#""succ\ness""#, 1),
        line.replacen(r#""rag""#, r#""r\u00e9g""#, 1),
        line.replacen(r#""rag""#, "\"r\u{e9}g\"", 1),
        line.replacen("\"team-", "\"t\u{e9}am-", 1),
        // Escapes in keys.
        line.replacen(r#""model":"#, r#""mod\u0065l":"#, 1),
        line.replacen(r#""status":"#, r#""st\u0061tus":"#, 1),
        // Numbers as strings, floats, negative, out of range.
        line.replacen(r#""prompt_tokens":"#, r#""prompt_tokens":"1"#, 1)
            .replacen(r#","completion"#, r#"","completion"#, 1),
        line.replacen(r#""completion_tokens":"#, r#""completion_tokens":-"#, 1),
        line.replacen(r#""completion_tokens":"#, r#""completion_tokens":1.5e"#, 1),
        line.replacen(r#""latency_ms":"#, r#""latency_ms":1e999"#, 1),
        line.replacen(r#""prompt_tokens":"#, r#""prompt_tokens":0"#, 1),
        line.replacen(r#""timestamp":"2026"#, r#""timestamp":"x2026"#, 1),
        // The metadata: absent, empty, a string, deeper, null.
        line.replacen(r#""metadata":{"#, r#""metadata":{"inner":{},"#, 1),
        line.replacen(
            r#""metadata":{"#,
            r#""metadata":{"labels":{"team":"deep"},"#,
            1,
        ),
        line.replacen(r#""metadata":{"team":"#, r#""metadata":{},"team":"#, 1),
        line.replacen(
            r#""metadata":{"team":"#,
            r#""metadata":"x","x":{"team":"#,
            1,
        ),
        line.replacen(
            r#""metadata":{"team":"#,
            r#""metadata":null,"m":{"team":"#,
            1,
        ),
        line.replacen(
            r#""metadata":{"team":"#,
            r#""metadata":{"team":null,"t":"#,
            1,
        ),
        // Duplicate keys, read and not.
        line.replacen(r#""provider""#, r#""model":"dup","provider""#, 1),
        line.replacen(r#""service""#, r#""team":"again","service""#, 1),
        line.replacen(r#""status""#, r#""latency_ms":1,"status""#, 1),
        line.replacen(r#""metadata""#, r#""metadata":{"team":"a"},"metadata""#, 1),
        // Whitespace, truncation, trailing bytes, a usage object.
        line.replacen(r#","model""#, r#", "model""#, 1),
        line.replacen(r#""model":"#, r#""model" : "#, 1),
        format!("{line} "),
        format!("{line}x"),
        line[..line.len() - 1].to_string(),
        line[..line.len() / 2].to_string(),
        line.replacen(
            r#""status""#,
            r#""usage":{"prompt_tokens":5,"completion_tokens":6},"status""#,
            1,
        ),
    ]
}

/// Every surprise gives what serde_json gives, and leaves the templates
/// working for the next line of the layout.
#[test]
fn every_surprise_reads_as_serde_json_reads_it() {
    for json in readers() {
        let bases: Vec<String> = (0..4).map(|i| uniform(i, i % 2 == 0, i / 2 == 0)).collect();
        for base in &bases {
            agree(&json, base);
        }
        for base in &bases {
            for line in surprises(base) {
                assert_ne!(&line, base, "a surprise that changes nothing");
                // Most of these lines do not fit: keep the templates on.
                new_template_window();
                agree(&json, &line);
                let before = template_stats().1;
                read(&json, base.as_bytes());
                assert_eq!(template_stats().1, before + 1, "{base}");
            }
        }
    }
}

/// Lines of a learned layout damaged at random: one to three bytes
/// replaced by JSON's structural bytes, quotes, escapes, digits or bytes
/// of multi-byte UTF-8.
#[test]
fn damaged_lines_read_as_serde_json_reads_them() {
    let alphabet = b"{}[],:\"\\ 0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9\xff";
    let mut next = xorshift(0x5eed_0018);
    for json in readers() {
        for i in 0..4 {
            agree(&json, &uniform(i, i % 2 == 0, i / 2 == 0));
        }
        for i in 0..600 {
            new_template_window();
            let mut line = uniform(i, i % 2 == 0, i % 3 == 0).into_bytes();
            for _ in 0..1 + next() % 3 {
                let at = (next() % line.len() as u64) as usize;
                line[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            agree_bytes(&json, &line);
        }
    }
}

/// A log whose lines share no layout turns the templates off rather than
/// paying for a failed attempt on every line; what is read stays the same.
#[test]
fn lines_without_a_common_layout_turn_templates_off() {
    let json = &readers()[0];
    for i in 0..600u64 {
        let line = format!(r#"{{"model":"m","k{}":{i},"team":"t{}"}}"#, i % 97, i % 5);
        agree(json, &line);
    }
    let before = template_stats().1;
    read(json, br#"{"model":"m","k1":1,"team":"t1"}"#);
    assert_eq!(template_stats().1, before);
}

/// Lines of a learned layout are read by the typed reader, and a surprise
/// in a file that started uniform (a missing key, another key order, an
/// escape, a number as a string, whitespace, a value of another kind) is
/// read as the walk reads it, the next fitting line typed again.
#[test]
fn the_typed_reader_reads_fitting_lines_and_falls_back_on_surprises() {
    for json in readers() {
        for i in 0..4 {
            agree_typed(&json, &uniform(i, i % 2 == 0, i / 2 == 0));
        }
        let before = typed_hits();
        for i in 0..100 {
            agree_typed(&json, &uniform(i, i % 3 == 0, i % 5 != 0));
        }
        // `agree_typed` reads each line twice through `parse_line`, once
        // with templates off.
        assert_eq!(typed_hits() - before, 100);
        let base = uniform(7, true, true);
        let mut lines = surprises(&base);
        lines.extend([
            base.replacen(r#","provider":"openai""#, "", 1),
            base.replacen(r#""team":"team-0""#, r#""team":"""#, 1),
            base.replacen(r#""team":"team-0""#, r#""team":" ""#, 1),
            base.replacen(r#""team":"team-0""#, r#""team":42"#, 1),
            base.replacen(r#""model":"gpt-4o""#, r#""model":null"#, 1),
            base.replacen(
                r#""timestamp":"2026-10-08T08:28:14.358Z""#,
                r#""timestamp":1791448094"#,
                1,
            ),
            base.replacen(
                r#""timestamp":"2026-10-08T08:28:14.358Z""#,
                r#""timestamp":"""#,
                1,
            ),
            base.replacen(
                r#""timestamp":"2026-10-08T08:28:14.358Z""#,
                r#""timestamp":"2026-13-08""#,
                1,
            ),
            base.replacen(r#""prompt_tokens":"#, r#""prompt_tokens":1234567890123"#, 1),
            base.replacen(
                r#""prompt_tokens":"#,
                r#""prompt_tokens":99999999999999999999"#,
                1,
            ),
            base.replacen(r#""prompt_tokens":"#, r#""prompt_tokens":00"#, 1),
            base.replacen(r#""prompt_tokens":"#, r#""prompt_tokens": "#, 1),
            base.replacen(r#""latency_ms":"#, r#""latency_ms":"x","#, 1)
                .replacen(r#""x","#, r#""x""#, 1),
            base.replacen(r#""user_agent":"#, "\"user_agent\":\t", 1),
            format!("{base}\r"),
            format!(" {base}"),
        ]);
        for line in lines {
            assert_ne!(line, base, "a surprise that changes nothing");
            new_template_window();
            agree_typed(&json, &line);
            let before = typed_hits();
            agree_typed(&json, &base);
            assert_eq!(typed_hits(), before + 1, "{base}");
        }
    }
}

/// A layout with epoch timestamps, and one whose team comes twice (top
/// level and metadata, one slot with two candidates): the first is typed,
/// the second read by the walk, both as serde_json reads them.
#[test]
fn epoch_timestamps_are_typed_and_a_slot_met_twice_is_not() {
    let json = &readers()[0];
    let epoch = |i: u64| {
        format!(
            r#"{{"timestamp":{},"model":"gpt-4o","team":"t{i}","input_tokens":{i},"output_tokens":7}}"#,
            1_759_482_842 + i * 1000
        )
    };
    agree_typed(json, &epoch(0));
    let before = typed_hits();
    for i in 1..20 {
        agree_typed(json, &epoch(i));
    }
    agree_typed(json, &epoch(5).replacen("1759", "-1759", 1));
    agree_typed(
        json,
        &epoch(5).replacen(r#":1759487842"#, r#":1759487842.5"#, 1),
    );
    assert_eq!(typed_hits() - before, 19);
    let twice = |i: u64| {
        format!(
            r#"{{"model":"m","timestamp":"2026-10-08T08:28:14Z","team":"top{i}","input_tokens":1,"metadata":{{"team":"deep"}}}}"#
        )
    };
    let before = typed_hits();
    for i in 0..20 {
        agree_typed(json, &twice(i));
        agree_typed(
            json,
            &twice(i).replacen(r#""team":"top"#, r#""team":" "#, 1),
        );
    }
    assert_eq!(typed_hits(), before);
}

/// Lines of a learned layout damaged at random, as in
/// `damaged_lines_read_as_serde_json_reads_them`: the same outcome with
/// the typed reader as without templates.
#[test]
fn damaged_lines_have_the_same_outcome_with_the_typed_reader() {
    let alphabet = b"{}[],:\"\\ 0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9\xff";
    let mut next = xorshift(0x5eed_7e1d);
    for json in readers() {
        for i in 0..4 {
            agree_typed(&json, &uniform(i, i % 2 == 0, i / 2 == 0));
        }
        for i in 0..600 {
            new_template_window();
            let mut line = uniform(i, i % 2 == 0, i % 3 == 0).into_bytes();
            for _ in 0..1 + next() % 3 {
                let at = (next() % line.len() as u64) as usize;
                line[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            agree_typed_bytes(&json, &line);
        }
    }
}
