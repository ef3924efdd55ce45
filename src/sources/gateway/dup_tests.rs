//! Repeated keys (docs/sources.md, duplicate keys): a key the gateway
//! reader reads, met twice in one object at any place it reads it, makes
//! the line malformed and names the key, in the learned walk, the `--map`
//! walk and the serde reference alike; unread keys may repeat.

use super::*;
use crate::parse::collect::Slot;
use crate::parse::testing::xorshift;
use crate::record::Field;

const TS: &str = r#""timestamp":"2026-10-03T09:14:02Z""#;

/// The three readers a line can meet: the learned walk (no `--map`), the
/// `--map` walk, and with `--alias`.
fn parsers() -> [GatewayJson; 3] {
    let plain = GatewayJson::new(&SourceOptions::default()).unwrap();
    let mapped = GatewayJson::new(&SourceOptions {
        map: vec![(Slot::Text(Field::Team), "metadata.owner.team".into())],
        ..SourceOptions::default()
    })
    .unwrap();
    let aliased = GatewayJson::new(&SourceOptions {
        aliases: vec![("squad".into(), Slot::Text(Field::Team))],
        ..SourceOptions::default()
    })
    .unwrap();
    [plain, mapped, aliased]
}

/// What every reader makes of `line`; each reader's fast walk must agree
/// with the serde reference.
fn results(line: &str) -> Vec<Result<(), Reason>> {
    parsers()
        .iter()
        .map(|json| {
            let (fast, reference) = json.scanner_and_reference(line.as_bytes());
            assert_eq!(fast, reference, "{line}");
            let mut out = Collected::default();
            json.collect(line.as_bytes(), &mut out)
                .and_then(|()| out.finish("gateway").map(drop))
        })
        .collect()
}

#[test]
fn a_read_key_twice_at_every_place_is_malformed_and_named() {
    let cases: &[(&str, &str)] = &[
        (
            r#""model":"m","input_tokens":100,"input_tokens":900"#,
            "input_tokens",
        ),
        (
            r#""model":"m","prompt_tokens":1,"x":0,"prompt_tokens":2"#,
            "prompt_tokens",
        ),
        (r#""model":"m","model":"n","input_tokens":1"#, "model"),
        (r#""model":"m","team":"a","team":"a""#, "team"),
        (r#""model":"m","cost":1,"cost":2"#, "cost"),
        (r#""model":"m","metadata":{"team":"a","team":"b"}"#, "team"),
        (
            r#""model":"m","metadata":{"context":{"cost_center":"a","cost_center":"b"}}"#,
            "cost_center",
        ),
        (r#""model":"m","metadata":{},"metadata":{}"#, "metadata"),
        (r#""model":"m","tags":{"team":"a","team":"b"}"#, "team"),
        (
            r#""model":"m","usage":{"prompt_tokens":100,"prompt_tokens":900}"#,
            "prompt_tokens",
        ),
        (
            r#""model":"m","usage":{"input_tokens":1,"output_tokens":1,"output_tokens":null}"#,
            "output_tokens",
        ),
        (
            r#""model":"m","usage":{"prompt_tokens":9,"prompt_tokens_details":{"cached_tokens":1,"cached_tokens":2}}"#,
            "cached_tokens",
        ),
        (
            r#""model":"m","usage":{"input_tokens":9,"cache_creation":{"ephemeral_1h_input_tokens":1,"ephemeral_1h_input_tokens":2}}"#,
            "ephemeral_1h_input_tokens",
        ),
        (
            r#""model":"m","usageMetadata":{"promptTokenCount":1,"promptTokenCount":2}"#,
            "promptTokenCount",
        ),
        (
            r#""model":"m","usage":{"prompt_tokens":1},"usage":{"prompt_tokens":1}"#,
            "usage",
        ),
        (
            r#""model":"m","timestamp":"2026-10-03T09:14:03Z""#,
            "timestamp",
        ),
    ];
    for (body, key) in cases {
        let line = format!("{{{TS},{body}}}");
        for got in results(&line) {
            assert_eq!(got, Err(Reason::DuplicateKey(key)), "{line}");
        }
        // The learned walk alone never reads such a line as good: it gives
        // up (flat keys) or finds the repeat (counts of a usage object).
        let mut out = Collected::default();
        if learned::collect(&parsers()[0], line.as_bytes(), &mut out).is_ok() {
            assert_eq!(
                out.finish("gateway").map(drop),
                Err(Reason::DuplicateKey(key))
            );
        }
    }
}

#[test]
fn map_and_alias_keys_twice_are_malformed_for_their_reader() {
    let [_, mapped, aliased] = parsers();
    let line = format!(r#"{{{TS},"model":"m","metadata":{{"owner":{{"team":"a","team":"b"}}}}}}"#);
    let mut out = Collected::default();
    mapped.collect(line.as_bytes(), &mut out).unwrap();
    assert_eq!(
        out.finish("gateway").map(drop),
        Err(Reason::DuplicateKey("team"))
    );
    let line = format!(r#"{{{TS},"model":"m","squad":"a","squad":"b"}}"#);
    let mut out = Collected::default();
    aliased.collect(line.as_bytes(), &mut out).unwrap();
    assert_eq!(
        out.finish("gateway").map(drop),
        Err(Reason::DuplicateKey("squad"))
    );
}

#[test]
fn unread_keys_may_repeat_and_the_walk_reads_them_itself() {
    let line = format!(
        r#"{{{TS},"model":"m","note":1,"note":2,"metadata":{{"trace":1,"trace":2}},"usage":{{"prompt_tokens":3,"total_tokens":3,"total_tokens":4}}}}"#
    );
    for got in results(&line) {
        assert_eq!(got, Ok(()), "{line}");
    }
    let mut out = Collected::default();
    assert!(learned::collect(&parsers()[0], line.as_bytes(), &mut out).is_ok());
    // The same key in two objects is not a repeat.
    let line = format!(r#"{{{TS},"model":"m","team":"a","metadata":{{"team":"b"}}}}"#);
    assert_eq!(results(&line), [Ok(()), Ok(()), Ok(())]);
}

#[test]
fn a_read_column_twice_in_a_csv_header_makes_every_row_malformed() {
    use crate::parse::csv_row::{read_csv_header, CsvRow};
    let parse = |header: &str| {
        let header = read_csv_header(header.as_bytes()).unwrap();
        let csv = GatewayCsv::new(&header, &SourceOptions::default()).unwrap();
        let mut sink = super::tests::Capture::default();
        let row = csv::ByteRecord::from(vec!["2026-10-03T09:14:02Z", "m", "a", "b"]);
        csv.parse_csv(&CsvRow::of_record(&row, &mut Vec::new()), &mut sink);
        sink
    };
    let got = parse("timestamp,model,team,team\n");
    assert_eq!(got.malformed, [Reason::DuplicateKey("team")]);
    let got = parse("timestamp,model,note,note\n");
    assert_eq!(got.malformed, []);
    assert_eq!(got.records.len(), 1);
}

/// Generated lines with one read key repeated (at the top level, or in
/// the usage object) are malformed in every reader, the fast walk agreeing
/// with the reference.
#[test]
fn generated_lines_with_a_repeated_key_are_malformed() {
    let data = genlogs::generate(1 << 18, 11, false);
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let inserts = [
        (r#"{"#, r#""model":"x","#, "model"),
        (r#""usage":{"#, r#""prompt_tokens":7,"#, "prompt_tokens"),
    ];
    let mut checked = 0;
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let line = std::str::from_utf8(line).unwrap();
        let (at, insert, key) = inserts[(next() % 2) as usize];
        let Some(pos) = line.find(at) else { continue };
        let inner = &line[pos + at.len()..];
        // Only where the key is already present in that object's text.
        if !inner.contains(&format!("\"{key}\":")) {
            continue;
        }
        let bad = format!("{}{insert}{inner}", &line[..pos + at.len()]);
        for got in results(&bad) {
            assert_eq!(got, Err(Reason::DuplicateKey(key)), "{bad}");
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}
