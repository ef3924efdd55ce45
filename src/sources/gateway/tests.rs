use csv::ByteRecord;

use super::place::{container, CONTAINERS, KEYS};
use super::*;
use crate::parse::aliases::ALIASES;
use crate::parse::collect::Slot;
use crate::parse::csv_row::read_csv_header;
use crate::parse::testing::xorshift;
use crate::record::FieldSet;
use crate::record::{Field, Ignored, Tokens, UsageRecord};

#[derive(Debug, Default)]
pub(super) struct Capture {
    pub(super) records: Vec<UsageRecord<'static>>,
    pub(super) malformed: Vec<Reason>,
    ignored: usize,
    blank: usize,
}

impl Sink for Capture {
    fn record(&mut self, r: UsageRecord<'_>) {
        let text = r
            .text
            .map(|t| t.map(|s| std::borrow::Cow::Owned(s.into_owned())));
        self.records.push(UsageRecord { text, ..r });
    }
    fn malformed(&mut self, reason: Reason) {
        self.malformed.push(reason);
    }
    fn ignored(&mut self, _why: Ignored) {
        self.ignored += 1;
    }
    fn blank(&mut self) {
        self.blank += 1;
    }
    fn duplicate(&mut self) {
        unreachable!("the gateway source does not dedupe");
    }
}

fn parse_with(line: &str, options: &SourceOptions) -> Capture {
    let mut c = Capture::default();
    GatewayJson::new(options)
        .unwrap()
        .parse_unit(line.as_bytes(), &mut c);
    c
}

fn one(line: &str) -> UsageRecord<'static> {
    let mut c = parse_with(line, &SourceOptions::default());
    assert_eq!(c.malformed, vec![], "{line}");
    assert_eq!(c.records.len(), 1, "{line}");
    c.records.pop().unwrap()
}

fn malformed(line: &str) -> Reason {
    let c = parse_with(line, &SourceOptions::default());
    assert_eq!(c.records.len(), 0, "{line}");
    c.malformed[0]
}

const TS: &str = r#""timestamp":"2026-10-03T09:14:02Z""#;

#[test]
fn cached_tokens_are_subtracted_for_openai_shaped_usage() {
    let r = one(&format!(
        r#"{{{TS},"model":"claude-sonnet-4-5","usage":{{"prompt_tokens":1850,"completion_tokens":240,"total_tokens":2090,"prompt_tokens_details":{{"cached_tokens":1024}},"completion_tokens_details":{{"reasoning_tokens":100}}}}}}"#
    ));
    assert_eq!(
        r.tokens,
        Tokens {
            input: 826,
            output: 240,
            cache_read: 1024,
            ..Tokens::default()
        }
    );
}

#[test]
fn anthropic_shaped_usage_is_disjoint_with_a_1h_split() {
    let r = one(&format!(
        r#"{{{TS},"model":"gpt-4o","usage":{{"input_tokens":212,"output_tokens":388,"cache_read_input_tokens":14800,"cache_creation_input_tokens":960,"cache_creation":{{"ephemeral_5m_input_tokens":160,"ephemeral_1h_input_tokens":800}}}}}}"#
    ));
    assert_eq!(
        r.tokens,
        Tokens {
            input: 212,
            output: 388,
            cache_read: 14800,
            cache_write: 160,
            cache_write_1h: 800,
        }
    );
}

#[test]
fn litellm_style_usage_object_with_anthropic_cache_names_is_inclusive() {
    // docs/sources.md, litellm: prompt_tokens = 150 uncached + 1200 read + 300 write.
    let r = one(&format!(
        r#"{{{TS},"model":"anthropic/claude-sonnet-4-5-20250929","metadata":{{"usage_object":{{"prompt_tokens":1650,"completion_tokens":180,"cache_read_input_tokens":1200,"cache_creation_input_tokens":300}}}}}}"#
    ));
    assert_eq!(
        r.tokens,
        Tokens {
            input: 150,
            output: 180,
            cache_read: 1200,
            cache_write: 300,
            cache_write_1h: 0,
        }
    );
}

#[test]
fn responses_api_usage_is_inclusive() {
    let r = one(&format!(
        r#"{{{TS},"model":"gpt-5","usage":{{"input_tokens":1000,"input_tokens_details":{{"cached_tokens":600}},"output_tokens":50,"output_tokens_details":{{"reasoning_tokens":20}}}}}}"#
    ));
    assert_eq!(
        (r.tokens.input, r.tokens.cache_read, r.tokens.output),
        (400, 600, 50)
    );
}

#[test]
fn gemini_thoughts_are_added_to_output() {
    let r = one(&format!(
        r#"{{{TS},"model":"gemini-2.5-flash","usageMetadata":{{"promptTokenCount":1000,"cachedContentTokenCount":400,"candidatesTokenCount":100,"thoughtsTokenCount":50,"totalTokenCount":1150}}}}"#
    ));
    assert_eq!(
        (r.tokens.input, r.tokens.cache_read, r.tokens.output),
        (600, 400, 150)
    );
}

#[test]
fn flat_canonical_fields_are_disjoint() {
    let r = one(&format!(
        r#"{{{TS},"model":"gpt-4o","input_tokens":"100","output_tokens":20,"cache_read_tokens":500,"cache_write_tokens":7}}"#
    ));
    assert_eq!(
        r.tokens,
        Tokens {
            input: 100,
            output: 20,
            cache_read: 500,
            cache_write: 7,
            cache_write_1h: 0
        }
    );
}

#[test]
fn attribution_is_found_at_top_level_nested_and_in_tags() {
    let r = one(&format!(
        r#"{{{TS},"model":"gpt-4o","prompt_tokens":1,"team":"top","metadata":{{"team":"nested","cost_center":"CC-1","labels":{{"service":"deep"}}}},"tags":["route:/v1/chat","environment=prod","junk"]}}"#
    ));
    assert_eq!(r.get(Field::Team), Some("top"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-1"));
    assert_eq!(r.get(Field::Service), Some("deep"));
    assert_eq!(r.get(Field::Route), Some("/v1/chat"));
    assert_eq!(r.get(Field::Environment), Some("prod"));
}

#[test]
fn canonical_names_beat_aliases_at_the_same_depth() {
    let r = one(&format!(
        r#"{{{TS},"team_id":"t-1","team":"search","model_name":"x","model":"gpt-4o","prompt_tokens":1}}"#
    ));
    assert_eq!(r.get(Field::Team), Some("search"));
    assert_eq!(r.get(Field::Model), Some("gpt-4o"));
}

#[test]
fn voidllm_style_events_read_through_aliases() {
    let r = one(
        r#"{"org_id":"o1","team_id":"t-search","user_id":"u-7","key_id":"k-9","model_name":"gpt-4o-mini","prompt_tokens":120,"completion_tokens":30,"total_cost":0.0000360,"duration_ms":812,"ttft_ms":140,"created_at":"2026-10-03T09:14:02Z"}"#,
    );
    assert_eq!(r.get(Field::Team), Some("t-search"));
    assert_eq!(r.get(Field::User), Some("u-7"));
    assert_eq!(r.get(Field::ApiKey), Some("k-9"));
    assert_eq!(r.get(Field::Model), Some("gpt-4o-mini"));
    assert_eq!((r.tokens.input, r.tokens.output), (120, 30));
    assert_eq!(r.reported_cost, Some(36_000_000));
}

#[test]
fn map_paths_override_everything() {
    let options = SourceOptions {
        map: vec![
            (Slot::Text(Field::Team), "owner.group.name".into()),
            (Slot::Time, "meta.when".into()),
        ],
        ..SourceOptions::default()
    };
    let mut c = parse_with(
        r#"{"team":"ignored","owner":{"group":{"name":"mapped"}},"meta":{"when":1759482842000},"model":"gpt-4o","input_tokens":1}"#,
        &options,
    );
    let r = c.records.pop().expect("a record");
    assert_eq!(r.get(Field::Team), Some("mapped"));
    assert_eq!(r.timestamp, 1_759_482_842);
}

#[test]
fn escaped_strings_are_unescaped() {
    let r = one(&format!(
        r#"{{{TS},"model":"gpt-4o","input_tokens":1,"team":"se\"arch\u00e9"}}"#
    ));
    assert_eq!(r.get(Field::Team), Some("se\"arché"));
}

#[test]
fn bad_lines_are_malformed_with_a_reason() {
    assert_eq!(
        malformed(r#"{"model":"gpt-4o","input_tokens":1"#),
        Reason::InvalidJson
    );
    assert_eq!(malformed(r#"[1,2]"#), Reason::NotAnObject);
    assert_eq!(malformed(r#"{"a":1} {"b":2}"#), Reason::NotAnObject);
    assert_eq!(
        malformed(r#"{"model":"gpt-4o","input_tokens":1}"#),
        Reason::NoTimestamp
    );
    assert_eq!(
        malformed(r#"{"timestamp":"yesterday","model":"gpt-4o","input_tokens":1}"#),
        Reason::BadTimestamp
    );
    for (value, why) in [
        ("-5", "negative"),
        ("1.5", "fractional"),
        ("1e3", "not an integer (exponent or decimal point)"),
        ("\"NaN\"", "not a number"),
        ("true", "boolean"),
        ("123456789012345678901234", "out of range"),
    ] {
        assert_eq!(
            malformed(&format!(
                r#"{{{TS},"model":"gpt-4o","prompt_tokens":{value}}}"#
            )),
            Reason::BadCount {
                field: "prompt_tokens",
                why
            },
            "{value}"
        );
    }
    assert_eq!(
        malformed(&format!(
            r#"{{{TS},"model":"m","usage":{{"prompt_tokens":10,"prompt_tokens_details":{{"cached_tokens":11}}}}}}"#
        )),
        Reason::CachedExceedsInput
    );
}

#[test]
fn deep_nesting_is_never_a_crash() {
    // Under a key the reader skips: valid JSON without usage, so ignored.
    let skipped = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(parse_with(&skipped, &SourceOptions::default()).ignored, 1);
    // Unbalanced: malformed.
    let open = format!("{{\"a\":{}", "[".repeat(10_000));
    assert_eq!(malformed(&open), Reason::InvalidJson);
    // Containers nest only two deep, so the reader's own recursion is bounded.
    let nested = format!(
        "{{{TS},\"model\":\"m\",\"input_tokens\":1,{}1{}}}",
        "\"metadata\":{".repeat(5_000),
        "}".repeat(5_000)
    );
    let c = parse_with(&nested, &SourceOptions::default());
    assert_eq!(c.records.len() + c.malformed.len(), 1);
}

#[test]
fn a_line_without_usage_is_ignored() {
    let c = parse_with(
        &format!(r#"{{{TS},"event":"healthcheck"}}"#),
        &SourceOptions::default(),
    );
    assert_eq!(c.ignored, 1);
}

#[test]
fn csv_rows_map_columns_by_header_name() {
    let header = read_csv_header(b"ts,model,team,prompt_tokens,completion_tokens,extra\n").unwrap();
    let parser = GatewayCsv::new(&header, &SourceOptions::default()).unwrap();
    let mut c = Capture::default();
    let row = ByteRecord::from(vec![
        "2026-10-03 09:14:02",
        "gpt-4o",
        "search",
        "10",
        "2",
        "x",
    ]);
    parser.parse_csv(
        &crate::parse::csv_row::CsvRow::of_record(&row, &mut Vec::new()),
        &mut c,
    );
    let bad = ByteRecord::from(vec![
        "2026-10-03 09:14:02",
        "gpt-4o",
        "search",
        "ten",
        "2",
        "x",
    ]);
    parser.parse_csv(
        &crate::parse::csv_row::CsvRow::of_record(&bad, &mut Vec::new()),
        &mut c,
    );
    let ragged = ByteRecord::from(vec!["2026-10-03 09:14:02", "gpt-4o"]);
    parser.parse_csv(
        &crate::parse::csv_row::CsvRow::of_record(&ragged, &mut Vec::new()),
        &mut c,
    );
    assert_eq!(c.records.len(), 1);
    assert_eq!(c.records[0].get(Field::Team), Some("search"));
    assert_eq!(
        (c.records[0].tokens.input, c.records[0].tokens.output),
        (10, 2)
    );
    assert_eq!(c.malformed.len(), 2);
    assert_eq!(c.malformed[1], Reason::BadCsvRow);
}

/// The CSV reader picks each slot's winning cell itself; it must give
/// exactly what offering every cell to a `Collected` gives: with aliases of
/// one field at several priorities, a `--map` column, blank and bad cells.
#[test]
fn csv_winners_agree_with_collecting_every_cell() {
    let header = read_csv_header(
        b"timestamp,model,model_name,team,team_id,prompt_tokens,input_tokens,output_tokens,completion_tokens,cost,spend,owner,requests,extra\n",
    )
    .unwrap();
    let options = [
        SourceOptions::default(),
        SourceOptions {
            map: vec![(Slot::Text(Field::Team), "owner".into())],
            ..SourceOptions::default()
        },
    ];
    let cells = [
        ["2026-10-03T09:14:02Z", "1790812803", " ", ""],
        ["gpt-4o", "", " ", "claude"],
        ["m2", "", "x", " "],
        ["search", "", " ", "s2"],
        ["t9", "", "ads", " "],
        ["10", "", "-1", "ten"],
        ["7", "", " ", "1.5"],
        ["2", "", "", "x"],
        ["3", "", " 4", "99999999999999999999"],
        ["0.25", "", "x", "1e3"],
        ["0.5", "", " ", "-2"],
        ["own", "", " ", "o2"],
        ["1", "", "3", "0"],
        ["x", "", "", ""],
    ];
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let (mut records, mut malformed, mut ignored) = (0, 0, 0);
    for options in &options {
        let parser = GatewayCsv::new(&header, options).unwrap();
        for _ in 0..3000 {
            let row: Vec<&str> = cells
                .iter()
                .map(|choices| choices[(next() % 4) as usize])
                .collect();
            let row = ByteRecord::from(row);
            let mut scratch = Vec::new();
            let row = crate::parse::csv_row::CsvRow::of_record(&row, &mut scratch);
            let (mut direct, mut cells) = (Capture::default(), Capture::default());
            parser.parse_csv(&row, &mut direct);
            parser.parse_cells(&row, &mut cells);
            assert_eq!(format!("{direct:?}"), format!("{cells:?}"), "{row:?}");
            records += direct.records.len();
            malformed += direct.malformed.len();
            ignored += direct.ignored;
        }
    }
    // Every outcome occurs, so the agreement means something.
    assert!(
        records > 100 && malformed > 100 && ignored > 0,
        "{records} {malformed} {ignored}"
    );
}

#[test]
fn the_key_table_agrees_with_the_alias_list_and_probes_briefly() {
    let table = &*KEYS;
    for &(key, slot, rank) in ALIASES {
        let first = ALIASES.iter().find(|(k, _, _)| *k == key).unwrap();
        assert_eq!(alias(key), Some((first.1, first.2, first.0)), "{key}");
        let _ = (slot, rank);
    }
    for &key in CONTAINERS {
        assert_eq!(table.get(key).and_then(|k| k.container), container(key));
    }
    for key in [
        "",
        "x",
        "Team",
        "teams",
        "timestamp ",
        "latency_ms",
        "tokens",
    ] {
        assert!(alias(key).is_none(), "{key}");
    }
    let noise = [
        "latency_ms",
        "stream",
        "temperature",
        "user_agent",
        "ip",
        "total_tokens",
        "response_id",
        "org_id",
        "duration_ms",
        "ttft_ms",
        "max_tokens",
    ];
    let known = ALIASES
        .iter()
        .map(|a| a.0)
        .chain(CONTAINERS.iter().copied());
    let worst = known.chain(noise).map(|k| table.probes(k)).max().unwrap();
    assert!(worst <= 4, "a key needs {worst} probes");
}

/// The fast path (sonic-rs, falling back to serde_json on any error) must
/// give exactly what serde_json alone gives, on every line: generated
/// lines, every one of them damaged in a few places, and hand-written edge
/// cases where the two parsers could disagree.
#[test]
fn the_fast_path_agrees_with_serde_json_on_every_line() {
    let json = GatewayJson::new(&SourceOptions::default()).unwrap();
    let mapped = GatewayJson::new(&SourceOptions {
        map: vec![
            (Slot::Text(Field::Team), "metadata.owner.team".into()),
            (Slot::Text(Field::Customer), "user".into()),
        ],
        ..SourceOptions::default()
    })
    .unwrap();
    let check = |line: &[u8]| {
        for parser in [&json, &mapped] {
            let (fast, reference) = parser.scanner_and_reference(line);
            assert_eq!(fast, reference, "{}", String::from_utf8_lossy(line));
        }
    };
    let edge: &[&[u8]] = &[
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":-0}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":-0.0}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":18446744073709551616}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":18446744073709551615}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":-9223372036854775809}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":1e3,"cost":1E-3}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","input_tokens":1.0,"cost":0.1234567890123456789}"#,
        br#"{"timestamp":1759482842.5,"model":"m","output_tokens":01}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","te\u0061m":"x","model":"\u00e9\ud83d\ude00"}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","team":"\ud800","model":"m"}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","note":"\ud800","model":"m"}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","note":"\x","model":"m"}"#,
        b"{\"timestamp\":\"2026-10-03T09:14:02Z\",\"note\":\"a\x01b\",\"model\":\"m\"}",
        b"{\"timestamp\":\"2026-10-03T09:14:02Z\",\"note\":\"\xff\xfe\",\"model\":\"m\"}",
        b"{\"timestamp\":\"2026-10-03T09:14:02Z\",\"team\":\"\xc3\x28\",\"model\":\"m\"}",
        b"{\"timestamp\":\"2026-10-03T09:14:02Z\",\"\xff\":1,\"model\":\"m\"}",
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","team":"a","team":"b"}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m",}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m"} x"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m"}{"a":1}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","x":NaN}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","x":[1,2,]}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","x":tru}"#,
        br#"{ "timestamp" : "2026-10-03T09:14:02Z" ,	"model" : "m" , "usage" : { "prompt_tokens" : 5 } } "#,
        br#"{"timestamp":null,"model":null,"usage":null,"metadata":null,"tags":null}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","usage":{"prompt_tokens":"12","completion_tokens":true}}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","usage":[1,{"a":2}],"tags":["team:x",3,"cost_center=y"]}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","metadata":{"metadata":{"metadata":{"metadata":{"team":"deep"}}}}}"#,
        br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","metadata":{"owner":{"team":"mapped"}},"user":"u"}"#,
        br#"{}"#,
        br#"{"#,
        br#"{"a"}"#,
        br#"{"a":}"#,
    ];
    for line in edge {
        check(line);
    }
    // Nesting around serde_json's recursion limit (128).
    for depth in [100, 126, 127, 128, 129, 130, 200, 300] {
        let mut line = br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","x":"#.to_vec();
        line.extend(std::iter::repeat_n(b'[', depth));
        line.extend(std::iter::repeat_n(b']', depth));
        line.push(b'}');
        check(&line);
        let mut line = br#"{"timestamp":"2026-10-03T09:14:02Z","model":"m","x":"#.to_vec();
        line.extend(std::iter::repeat_n(&b"{\"a\":"[..], depth).flatten());
        line.push(b'1');
        line.extend(std::iter::repeat_n(b'}', depth));
        line.push(b'}');
        check(&line);
    }
    let data = genlogs::generate(1 << 20, 3, false);
    let damage: &[&[u8]] = &[
        b",", b"\"", b"{", b"}", b"\\", b"-", b"e", b"\x00", b"\xff", b"9", b"-0", b" ",
    ];
    let mut next = xorshift(0x2545_F491_4F6C_DD1D);
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        check(line);
        for _ in 0..4 {
            let at = (next() % line.len() as u64) as usize;
            let with = damage[(next() % damage.len() as u64) as usize];
            let mut bad = line[..at].to_vec();
            bad.extend_from_slice(with);
            bad.extend_from_slice(&line[at + usize::from(next() % 2 == 0)..]);
            check(&bad);
            check(&line[..at]);
        }
    }
}

#[test]
fn very_deep_nesting_under_a_skipped_key_never_overflows_the_stack() {
    // sonic-rs would recurse once per level; such lines go to serde_json.
    let line = format!(
        "{{{TS},\"model\":\"m\",\"input_tokens\":1,\"a\":{}{}}}",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    assert_eq!(one(&line).tokens.input, 1);
}

/// The agreement test above would pass if the scanner gave up on every
/// line; it must read almost all of them itself (the rest, malformed
/// lines, go to serde_json).
#[test]
fn the_scanner_reads_generated_lines_itself() {
    let json = GatewayJson::new(&SourceOptions::default()).unwrap();
    let data = genlogs::generate(1 << 20, 5, false);
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let read = lines
        .iter()
        .filter(|line| super::learned::collect(&json, line, &mut Collected::default()).is_ok())
        .count();
    assert!(
        read * 1000 >= lines.len() * 995,
        "{read} of {}",
        lines.len()
    );
}

/// A record with the text fields outside `fields` (the model aside), and
/// the stated cost unless `fields` reads it, cleared: what a run that reads
/// only `fields` should get.
fn narrowed(r: &UsageRecord<'static>, fields: FieldSet) -> UsageRecord<'static> {
    let mut r = r.clone();
    for f in Field::ALL {
        if f != Field::Model && !fields.contains(f) {
            r.text[f as usize] = None;
        }
    }
    if !fields.reads_reported_cost() {
        r.reported_cost = None;
    }
    r
}

#[test]
fn a_run_reading_fewer_fields_gets_the_same_rows_without_the_rest() {
    let data = genlogs::generate(1 << 18, 11, false);
    let sets = [
        FieldSet::ALL,
        [Field::Team, Field::CostCenter].into_iter().collect(),
        FieldSet::NONE,
        [Field::Route, Field::User, Field::Status]
            .into_iter()
            .collect(),
        FieldSet::NONE.with_reported_cost(),
        FieldSet::ALL,
    ];
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let all = GatewayJson::new(&SourceOptions::default()).unwrap();
    let wants: Vec<Capture> = lines
        .iter()
        .map(|line| {
            let mut want = Capture::default();
            all.parse_unit(line, &mut want);
            want
        })
        .collect();
    // One thread, parsers with different fields one after the other, each
    // over every line (so its keys are guessed once learned): the learned
    // keys must follow the fields of the parser at hand.
    for fields in sets {
        let some = GatewayJson::new(&SourceOptions {
            fields,
            ..SourceOptions::default()
        })
        .unwrap();
        for (line, want) in lines.iter().zip(&wants) {
            let mut got = Capture::default();
            some.parse_unit(line, &mut got);
            let line = String::from_utf8_lossy(line);
            assert_eq!(got.malformed, want.malformed, "{line}");
            assert_eq!(got.ignored, want.ignored, "{line}");
            let want: Vec<_> = want.records.iter().map(|r| narrowed(r, fields)).collect();
            assert_eq!(got.records, want, "{line}");
        }
    }
}

#[test]
fn a_csv_run_reading_fewer_fields_gets_the_same_rows_without_the_rest() {
    let data = genlogs::generate(1 << 18, 12, true);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&data[..]);
    let mut rows = reader.byte_records().map(Result::unwrap);
    let header = rows.next().unwrap();
    let fields: FieldSet = [Field::Team, Field::Service].into_iter().collect();
    let all = GatewayCsv::new(&header, &SourceOptions::default()).unwrap();
    let some = GatewayCsv::new(
        &header,
        &SourceOptions {
            fields,
            ..SourceOptions::default()
        },
    )
    .unwrap();
    let mut records = 0;
    for row in rows {
        let mut scratch = Vec::new();
        let row = crate::parse::csv_row::CsvRow::of_record(&row, &mut scratch);
        let (mut want, mut got) = (Capture::default(), Capture::default());
        all.parse_csv(&row, &mut want);
        some.parse_csv(&row, &mut got);
        assert_eq!(got.malformed, want.malformed);
        let want: Vec<_> = want.records.iter().map(|r| narrowed(r, fields)).collect();
        records += got.records.len();
        assert_eq!(got.records, want);
    }
    assert!(records > 100, "{records} records");
}

/// What `parse_unit` reports for the line that starts `rest`, split off as
/// the worker splits it (at the first `\n`, one `\r` dropped).
fn unit_of(rest: &[u8]) -> &[u8] {
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end])
}

/// `parse_line` finds a line's end while reading it; it must report what
/// `parse_unit` reports for that line split off first, or decline, on
/// generated and damaged lines followed by every kind of line ending.
#[test]
fn reading_a_line_in_place_reports_what_reading_it_split_off_does() {
    let json = GatewayJson::new(&SourceOptions::default()).unwrap();
    let data = genlogs::generate(1 << 19, 13, false);
    let damage: &[&[u8]] = &[b"\n", b"\r", b"\r\n", b" ", b"\x00", b"\xff", b"}", b"\""];
    let endings: &[&[u8]] = &[
        b"",
        b"\n",
        b"\r\n",
        b" \t\n",
        b"\n{\"model\":\"m\"}",
        b"\r",
        b"\n\n",
    ];
    let mut next = xorshift(0x9E6C_63D0_676A_9A99);
    // Undamaged lines with no length limit: how many, and how many read.
    let (mut clean, mut clean_read) = (0, 0);
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut variants = vec![line.to_vec()];
        for _ in 0..2 {
            let at = (next() % line.len() as u64) as usize;
            let mut bad = line[..at].to_vec();
            bad.extend_from_slice(damage[(next() % damage.len() as u64) as usize]);
            bad.extend_from_slice(&line[at..]);
            variants.push(bad);
        }
        for (damaged, variant) in variants.into_iter().enumerate() {
            for ending in endings {
                let mut rest = variant.clone();
                rest.extend_from_slice(ending);
                let unit = unit_of(&rest);
                let mut want = Capture::default();
                json.parse_unit(unit, &mut want);
                for max in [usize::MAX, unit.len(), unit.len().saturating_sub(1)] {
                    let mut got = Capture::default();
                    let result = json.parse_line(&rest, max, &mut got);
                    if damaged == 0 && max == usize::MAX {
                        clean += 1;
                        clean_read += usize::from(result.is_some());
                    }
                    match result {
                        Some(len) => {
                            let text = String::from_utf8_lossy(&rest);
                            assert!(unit.len() <= max, "{text}");
                            assert_eq!(unit_of(&rest[..len]), unit, "{text}");
                            assert!(len == rest.len() || rest[len] == b'\n', "{text}");
                            assert_eq!(got.records, want.records, "{text}");
                            assert_eq!(got.malformed, want.malformed, "{text}");
                            assert_eq!(got.ignored, want.ignored, "{text}");
                        }
                        None => {
                            assert!(got.records.is_empty() && got.malformed.is_empty());
                            assert_eq!(got.ignored, 0);
                        }
                    }
                }
            }
        }
    }
    // Undamaged lines are read in place (generated malformed ones aside).
    assert!(clean_read * 1000 >= clean * 995, "{clean_read} of {clean}");
}

/// OpenAI Chat Completions usage flattened into a gateway line: the
/// top-level `prompt_tokens` includes the cached tokens its top-level
/// `prompt_tokens_details.cached_tokens` counts (docs/sources.md, OpenAI
/// per-request usage), so they are split out, by every reader (the
/// reference parser, the scanner, the learned walk of later lines).
#[test]
fn top_level_prompt_tokens_details_split_the_cached_input() {
    let line = format!(
        r#"{{{TS},"model":"gpt-4o","prompt_tokens":10000,"completion_tokens":500,"prompt_tokens_details":{{"cached_tokens":8000,"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0}}}}"#
    );
    let want = Tokens {
        input: 2000,
        output: 500,
        cache_read: 8000,
        ..Tokens::default()
    };
    assert_eq!(one(&line).tokens, want);
    let json = GatewayJson::new(&SourceOptions::default()).unwrap();
    let (fast, reference) = json.scanner_and_reference(line.as_bytes());
    assert_eq!(fast, reference);
    let mut c = Capture::default();
    for _ in 0..64 {
        json.parse_unit(line.as_bytes(), &mut c);
    }
    assert!(c.records.iter().all(|r| r.tokens == want));
    // Only at the top: nested under metadata it is not the line's usage.
    let nested = format!(
        r#"{{{TS},"model":"gpt-4o","prompt_tokens":10000,"metadata":{{"prompt_tokens_details":{{"cached_tokens":8000}}}}}}"#
    );
    assert_eq!(one(&nested).tokens.input, 10000);
    // Disjoint cache counts of the line's own win: nothing subtracted.
    let own = format!(
        r#"{{{TS},"model":"gpt-4o","prompt_tokens":10000,"cache_read_tokens":100,"prompt_tokens_details":{{"cached_tokens":8000}}}}"#
    );
    assert_eq!(
        (one(&own).tokens.input, one(&own).tokens.cache_read),
        (10000, 100)
    );
    // More cached than prompt: malformed, as in a usage object.
    let over = format!(
        r#"{{{TS},"model":"gpt-4o","prompt_tokens":10,"prompt_tokens_details":{{"cached_tokens":11}}}}"#
    );
    assert_eq!(malformed(&over), Reason::CachedExceedsInput);
}
