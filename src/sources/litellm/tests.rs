use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

const SPEND_LOG: &str = r#"{"request_id":"chatcmpl-7d1e","call_type":"acompletion","api_key":"3f9ae21","spend":0.004635,"total_tokens":1830,"prompt_tokens":1650,"completion_tokens":180,"startTime":"2026-10-03T09:14:02.118000Z","endTime":"2026-10-03T09:14:04.902000Z","model":"anthropic/claude-sonnet-4-5-20250929","model_group":"sonnet","custom_llm_provider":"anthropic","user":"u-4411","end_user":"acme-corp","team_id":"t-payments","request_tags":["env:prod"],"status":"success","metadata":{"user_api_key_alias":"checkout-bot","user_api_key_team_alias":"payments","spend_logs_metadata":{"cost_center":"CC-1042","service":"checkout","route":"/v1/summarize"},"usage_object":{"prompt_tokens":1650,"completion_tokens":180,"cache_read_input_tokens":1200,"cache_creation_input_tokens":300}}}"#;

fn sample<'a>(name: &'a str, head: &'a str) -> Sample<'a> {
    Sample {
        path: Path::new(name),
        head: head.as_bytes(),
    }
}

fn parse(name: &str, input: &str) -> Capture {
    let parser = Litellm
        .open(&sample(name, input), &SourceOptions::default())
        .unwrap();
    Capture::run(parser.as_ref(), input)
}

#[test]
fn spend_log_prompt_tokens_are_cache_inclusive_also_for_anthropic() {
    let r = parse("spend.jsonl", SPEND_LOG).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 150,
            output: 180,
            cache_read: 1200,
            cache_write: 300,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.timestamp, 1_791_018_842);
    assert_eq!(r.get(Field::Team), Some("payments"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-1042"));
    assert_eq!(r.get(Field::Service), Some("checkout"));
    assert_eq!(r.get(Field::Route), Some("/v1/summarize"));
    assert_eq!(r.get(Field::Environment), Some("prod"));
    assert_eq!(r.get(Field::Customer), Some("acme-corp"));
    assert_eq!(r.get(Field::User), Some("u-4411"));
    assert_eq!(r.get(Field::ApiKey), Some("checkout-bot"));
    assert_eq!(r.get(Field::Provider), Some("anthropic"));
    assert_eq!(
        r.get(Field::Model),
        Some("anthropic/claude-sonnet-4-5-20250929")
    );
    assert_eq!(r.get(Field::RequestId), Some("chatcmpl-7d1e"));
    assert_eq!(r.reported_cost, Some(4_635_000_000));
}

#[test]
fn team_falls_back_from_alias_to_team_id_to_spend_logs_metadata_to_tag() {
    let base = r#""request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02Z","model":"gpt-4o","prompt_tokens":10,"completion_tokens":1"#;
    let team = |extra: &str| {
        parse("x.jsonl", &format!("{{{base}{extra}}}"))
            .one()
            .get(Field::Team)
            .map(str::to_string)
    };
    let tag = r#","request_tags":["team:from-tag","cost_center:CC-9"]"#;
    let slm = r#""spend_logs_metadata":{"team":"from-slm"}"#;
    assert_eq!(team(tag), Some("from-tag".into()));
    assert_eq!(
        team(&format!(r#"{tag},"metadata":{{{slm}}}"#)),
        Some("from-slm".into())
    );
    assert_eq!(
        team(&format!(r#"{tag},"team_id":"t-1","metadata":{{{slm}}}"#)),
        Some("t-1".into())
    );
    assert_eq!(
        team(&format!(
            r#"{tag},"team_id":"t-1","metadata":{{"user_api_key_team_alias":"alias",{slm}}}"#
        )),
        Some("alias".into())
    );
    assert_eq!(
        team(r#","team_id":null,"metadata":{"user_api_key_team_alias":null}"#),
        None
    );
}

#[test]
fn requester_metadata_attributes_after_spend_logs_metadata() {
    let base = r#""request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02Z","model":"gpt-4o","prompt_tokens":10,"completion_tokens":1"#;
    let get = |meta: &str, field: Field| {
        let line = format!(r#"{{{base},"metadata":{{{meta}}}}}"#);
        // The scanner reads the row itself, as serde does.
        assert!(scanner_agrees(line.as_bytes()), "{line}");
        parse("x.jsonl", &line).one().get(field).map(str::to_string)
    };
    let requester = r#""requester_metadata":{"team":"from-requester","cost_center":"CC-7"}"#;
    let headers = r#""requester_metadata":{"X-Team":"from-header","x-cost-center":"CC-8","x-api-key":"sk-secret"}"#;
    assert_eq!(get(requester, Field::Team), Some("from-requester".into()));
    assert_eq!(get(requester, Field::CostCenter), Some("CC-7".into()));
    assert_eq!(get(headers, Field::Team), Some("from-header".into()));
    assert_eq!(get(headers, Field::CostCenter), Some("CC-8".into()));
    // An `x-api-key` header is a secret, never an attribution.
    assert_eq!(get(headers, Field::ApiKey), None);
    assert_eq!(
        get(
            &format!(r#"{requester},"spend_logs_metadata":{{"team":"from-slm"}}"#),
            Field::Team
        ),
        Some("from-slm".into())
    );
}

#[test]
fn api_key_is_the_alias_else_the_hash() {
    let line = r#"{"request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02Z","model":"gpt-4o","prompt_tokens":10,"api_key":"88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b","metadata":{"user_api_key_alias":null}}"#;
    let r = parse("x.jsonl", line).one();
    assert_eq!(
        r.get(Field::ApiKey),
        Some("88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b")
    );
}

const PAYLOAD: &str = r#"{"id":"chatcmpl-0f3b5a1c-6b0e-4a0e-9d55-3c2c6a1f1e10","trace_id":"8a3f","call_type":"completion","stream":null,"response_cost":0.0093,"cost_breakdown":{"input_cost":0.0,"output_cost":0.0,"total_cost":0.0093},"status":"success","custom_llm_provider":"anthropic","total_tokens":3300,"prompt_tokens":3100,"completion_tokens":200,"startTime":1791018842.118,"endTime":1791018844.9,"completionStartTime":1791018843.0,"model":"claude-sonnet-4-5-20250929","model_id":null,"model_group":null,"api_base":"https://api.anthropic.com/v1/messages","metadata":{"user_api_key_hash":null,"user_api_key_alias":null,"user_api_key_team_id":null,"user_api_key_user_id":null,"user_api_key_team_alias":null,"user_api_key_end_user_id":null,"spend_logs_metadata":{"team":"search","cost_center":"CC-100"},"requester_ip_address":null,"usage_object":{"completion_tokens":200,"prompt_tokens":3100,"total_tokens":3300,"prompt_tokens_details":{"cached_tokens":2000,"cache_creation_token_details":{"ephemeral_5m_input_tokens":600,"ephemeral_1h_input_tokens":400}},"cache_creation_input_tokens":1000,"cache_read_input_tokens":2000}},"cache_hit":null,"request_tags":["team:ignored-tag","env:staging"],"end_user":null,"model_parameters":{"user":"tenant-7","max_tokens":256},"hidden_params":{"model_id":null}}"#;

#[test]
fn standard_logging_payload_reads_float_epoch_and_the_cache_split() {
    let r = parse("payload.jsonl", PAYLOAD).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 100,
            output: 200,
            cache_read: 2000,
            cache_write: 600,
            cache_write_1h: 400
        }
    );
    assert_eq!(r.timestamp, 1_791_018_842);
    assert_eq!(r.get(Field::Team), Some("search"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-100"));
    assert_eq!(r.get(Field::Environment), Some("staging"));
    assert_eq!(r.get(Field::Customer), Some("tenant-7"));
    assert_eq!(r.get(Field::ApiKey), None);
    assert_eq!(
        r.get(Field::RequestId),
        Some("chatcmpl-0f3b5a1c-6b0e-4a0e-9d55-3c2c6a1f1e10")
    );
    assert_eq!(r.reported_cost, Some(9_300_000_000));
}

#[test]
fn without_usage_object_top_level_counts_less_additional_cache_values() {
    let line = r#"{"request_id":"r1","spend":0,"startTime":"2026-10-03 09:14:02.874000","model":"gpt-4o","prompt_tokens":1000,"completion_tokens":5,"metadata":{"additional_usage_values":{"cache_read_input_tokens":600,"cache_creation_input_tokens":100}}}"#;
    let r = parse("x.jsonl", line).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 300,
            output: 5,
            cache_read: 600,
            cache_write: 100,
            cache_write_1h: 0
        }
    );
    let plain = r#"{"request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02","model":"gpt-4o","prompt_tokens":"1000","completion_tokens":5}"#;
    assert_eq!(parse("x.jsonl", plain).one().tokens.input, 1000);
}

#[test]
fn additional_cache_values_in_openai_names_and_the_1h_split_are_taken_out() {
    // Older rows detail the cache in OpenAI's names (the proxy UI reads
    // `prompt_tokens_details.cached_tokens` there for its cache rate), and
    // Anthropic traffic adds the 5-minute/1-hour split of the writes.
    let openai = r#"{"request_id":"r1","spend":0.00408,"startTime":"2026-11-03T09:14:02.874","model":"gpt-4o-2024-08-06","prompt_tokens":2000,"completion_tokens":100,"metadata":{"additional_usage_values":{"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":1536},"completion_tokens_details":{"reasoning_tokens":0}}}}"#;
    assert_eq!(
        parse("x.jsonl", openai).one().tokens,
        Tokens {
            input: 464,
            output: 100,
            cache_read: 1536,
            ..Tokens::default()
        }
    );
    let anthropic = r#"{"request_id":"r2","spend":0.0105,"startTime":"2026-11-03T09:14:03.000","model":"claude-sonnet-4-6","prompt_tokens":2000,"completion_tokens":100,"metadata":{"additional_usage_values":{"prompt_tokens_details":{"cached_tokens":0,"cache_creation_tokens":1000,"cache_creation_token_details":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":1000}},"cache_creation_input_tokens":1000,"cache_read_input_tokens":0}}}"#;
    assert_eq!(
        parse("x.jsonl", anthropic).one().tokens,
        Tokens {
            input: 1000,
            output: 100,
            cache_write_1h: 1000,
            ..Tokens::default()
        }
    );
}

#[test]
fn bad_rows_are_malformed_with_a_reason() {
    let reason = |line: &str| parse("x.jsonl", line).malformed[0].1;
    assert_eq!(
        reason(
            r#"{"request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02Z","model":"m","prompt_tokens":-4}"#
        ),
        Reason::BadCount {
            field: "prompt_tokens",
            why: "negative"
        }
    );
    assert_eq!(
        reason(r#"{"request_id":"r1","spend":0,"model":"m","prompt_tokens":4}"#),
        Reason::NoTimestamp
    );
    assert_eq!(
        reason(
            r#"{"request_id":"r1","spend":0,"startTime":"2026-10-03T09:14:02Z","model":"m","metadata":{"usage_object":{"prompt_tokens":10,"cache_read_input_tokens":20}}}"#
        ),
        Reason::CachedExceedsInput
    );
    assert_eq!(reason(r#"{"request_id":"r1","#), Reason::InvalidJson);
    assert_eq!(reason("[1,2]"), Reason::NotAnObject);
}

const CSV: &str = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,model_group,custom_llm_provider,user,metadata,request_tags,team_id,end_user,status\n\
chatcmpl-9a,acompletion,3f9ae21,0.004635,1830,1650,180,2026-10-03 09:14:02.118000,2026-10-03 09:14:04.902000,anthropic/claude-sonnet-4-5-20250929,sonnet,anthropic,u-4411,\"{\"\"user_api_key_alias\"\": \"\"checkout-bot\"\", \"\"user_api_key_team_alias\"\": \"\"payments\"\", \"\"spend_logs_metadata\"\": {\"\"cost_center\"\": \"\"CC-1042\"\"}, \"\"usage_object\"\": {\"\"prompt_tokens\"\": 1650, \"\"completion_tokens\"\": 180, \"\"cache_read_input_tokens\"\": 1200, \"\"cache_creation_input_tokens\"\": 300}}\",\"[\"\"env:prod\"\"]\",t-payments,acme-corp,success\n\
chatcmpl-9b,acompletion,3f9ae21,0.1,10,10,0,2026-10-03 09:15:00,2026-10-03 09:15:01,gpt-4o,,openai,,{not json,[],,,success\n";

#[test]
fn database_csv_reads_json_text_cells() {
    let c = parse("spend_logs.csv", CSV);
    assert_eq!(c.records.len(), 1);
    let r = &c.records[0].1;
    assert_eq!(r.tokens.input, 150);
    assert_eq!(r.tokens.cache_read, 1200);
    assert_eq!(r.get(Field::Team), Some("payments"));
    assert_eq!(r.get(Field::CostCenter), Some("CC-1042"));
    assert_eq!(r.get(Field::Environment), Some("prod"));
    assert_eq!(r.get(Field::ApiKey), Some("checkout-bot"));
    assert_eq!(r.timestamp, 1_791_018_842);
    assert_eq!(
        c.malformed,
        vec![(3, Reason::Other("`metadata` is not a JSON object"))]
    );
}

#[test]
fn a_json_array_document_reports_each_row_at_its_line() {
    let doc = format!("[\n  {SPEND_LOG},\n\n  {PAYLOAD}\n]\n");
    let c = parse("spend_logs.json", &doc);
    assert_eq!(c.malformed, vec![]);
    let lines: Vec<u64> = c.records.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 4]);
    let c = parse(
        "spend_logs.json",
        "[{\"request_id\":1,\"spend\":0,\"startTime\":1}, 3",
    );
    assert_eq!(c.malformed.len(), 1);
}

#[test]
fn detection_follows_the_documented_signatures() {
    let yes = |name: &str, head: &str| Litellm.recognizes(&sample(name, head));
    assert!(yes("a.jsonl", SPEND_LOG));
    assert!(yes("a.jsonl", PAYLOAD));
    assert!(yes("a.json", &format!("[\n{SPEND_LOG}]")));
    assert!(yes("a.csv", CSV));
    assert!(!yes(
        "a.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o","spend":1}"#
    ));
    assert!(!yes("a.csv", "timestamp,model,input_tokens\n"));
    // A payload without the proxy key field is not this format.
    assert!(!yes(
        "a.jsonl",
        r#"{"id":"x","response_cost":1,"startTime":1.5,"call_type":"completion"}"#
    ));
}

#[test]
fn daily_tables_are_aggregated_and_cache_inclusive() {
    let csv = "id,team_id,date,api_key,model,model_group,custom_llm_provider,mcp_namespaced_tool_name,endpoint,prompt_tokens,completion_tokens,cache_read_input_tokens,cache_creation_input_tokens,spend,api_requests,successful_requests,failed_requests,created_at,updated_at\n\
a1,t-payments,2026-10-03,3f9a,claude-sonnet-4-5-20250929,sonnet,anthropic,,/chat/completions,165000,18000,120000,30000,0.4635,100,99,1,2026-10-03 00:05:00,2026-10-03 23:59:01\n\
a2,t-x,2026-10-03,3f9a,gpt-4o,,openai,,,10,0,20,0,0,1,1,0,,\n";
    let c = parse("LiteLLM_DailyTeamSpend.csv", csv);
    let r = &c.records[0].1;
    assert_eq!(r.requests, 100);
    assert_eq!(
        r.tokens,
        Tokens {
            input: 15000,
            output: 18000,
            cache_read: 120000,
            cache_write: 30000,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.get(Field::Team), Some("t-payments"));
    assert_eq!(r.get(Field::Route), Some("/chat/completions"));
    assert_eq!(r.timestamp, 1_790_985_600);
    assert_eq!(c.malformed, vec![(3, Reason::CachedExceedsInput)]);
    let tags = sample(
        "LiteLLM_DailyTagSpend.csv",
        "id,tag,date,api_key,model,spend,api_requests\n",
    );
    assert!(Litellm.recognizes(&tags));
    assert!(Litellm.open(&tags, &SourceOptions::default()).is_err());
}

#[test]
fn litellm_response_cache_hits_carry_no_billed_tokens() {
    let line = r#"{"request_id":"chatcmpl-b634","spend":0.0,"startTime":"2026-10-03T09:14:02Z","model":"us.amazon.nova-lite-v1:0","custom_llm_provider":"bedrock","prompt_tokens":10,"completion_tokens":50,"cache_hit":"True"}"#;
    let r = parse("x.jsonl", line).one();
    assert!(r.tokens.is_zero());
    assert_eq!(r.requests, 1);
    let miss = line.replace(r#""cache_hit":"True""#, r#""cache_hit":"False""#);
    assert_eq!(parse("x.jsonl", &miss).one().tokens.output, 50);
}

#[test]
fn ui_pages_of_rows_are_read_row_by_row() {
    let doc = format!(
        "{{\"data\": [\n{SPEND_LOG},\n{SPEND_LOG}\n], \"total\": 2, \"page\": 1, \"page_size\": 50, \"total_pages\": 1}}\n"
    );
    assert!(Litellm.recognizes(&sample("logs.json", &doc)));
    let c = parse("logs.json", &doc);
    assert_eq!(c.malformed, vec![]);
    let lines: Vec<u64> = c.records.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 3]);
    assert_eq!(c.records[0].1.tokens.input, 150);
    // An empty page has no row keys to detect; forced, it is an envelope.
    let empty = r#"{"data": [], "total": 0}"#;
    assert!(!Litellm.recognizes(&sample("logs.json", empty)));
    assert_eq!(parse("logs.json", empty).ignored, 1);
}

#[test]
fn a_spend_log_line_is_read_without_allocating() {
    use crate::sources::testing::alloc::{count, Discard};
    let mut sink = Discard::default();
    let n = count(|| {
        for _ in 0..100 {
            LitellmLines.parse_unit(SPEND_LOG.as_bytes(), &mut sink);
        }
    });
    assert_eq!((n, sink.records), (0, 100));
}

#[test]
fn rows_stay_small_enough_to_move_cheaply() {
    // A row is built on the stack and moved a few times per line; usage
    // objects are kept as tokens (48 bytes), not as their raw counts.
    assert!(
        std::mem::size_of::<Row<'_>>() <= 2048,
        "{}",
        std::mem::size_of::<Row<'_>>()
    );
    assert!(std::mem::size_of::<Usage>() <= 64);
}

#[test]
fn a_row_that_is_not_utf8_is_malformed_as_such_and_its_neighbours_read() {
    let parser = Litellm
        .open(&sample("x.jsonl", SPEND_LOG), &SourceOptions::default())
        .unwrap();
    let mut broken = SPEND_LOG.as_bytes().to_vec();
    let at = SPEND_LOG.find("u-4411").unwrap();
    broken[at] = 0xFF;
    let mut c = Capture::default();
    for line in [SPEND_LOG.as_bytes(), &broken, SPEND_LOG.as_bytes()] {
        parser.parse_unit(line, &mut c);
    }
    assert_eq!(c.records.len(), 2);
    assert_eq!(c.records[0].1.tokens, c.records[1].1.tokens);
    assert_eq!(c.malformed.len(), 1);
    assert_eq!(c.malformed[0].1, Reason::InvalidUtf8);
}

/// `LiteLLM_SpendLogs` rows as a Postgres export writes them (jsonb keys by
/// length, `", "` and `": "`), current and older metadata layouts.
const EXPORT: &str = include_str!("../../../tests/fixtures/litellm/export/spend_logs.jsonl");

/// What `emit` reports for the row the scanner reads from `line` and for
/// the one serde reads: the same, whenever the scanner reads one. Returns
/// whether it did.
fn scanner_agrees(line: &[u8]) -> bool {
    let Ok(row) = super::row_scanner::row(line) else {
        return false;
    };
    let mut fast = Capture::default();
    emit(row, &mut fast);
    let mut slow = Capture::default();
    match read_object_as::<Row>(line) {
        Ok(row) => emit(row, &mut slow),
        Err(reason) => slow.malformed(reason),
    }
    let text = String::from_utf8_lossy(line);
    assert_eq!(fast.records, slow.records, "{text}");
    assert_eq!(fast.malformed, slow.malformed, "{text}");
    assert_eq!(fast.ignored, slow.ignored, "{text}");
    true
}

#[test]
fn the_scanner_reads_export_rows_as_serde_does() {
    let lines: Vec<&str> = EXPORT.lines().chain(SPEND_LOG.lines()).collect();
    for line in &lines {
        assert!(scanner_agrees(line.as_bytes()), "declined: {line}");
    }
    // Other shapes of the fields it reads, and of the ones it skips.
    let row = lines[0];
    let variants: [(&str, &str); 24] = [
        (r#""metadata":{"#, r#""metadata":null,"x":{"#),
        (r#""metadata":{"#, r#""metadata":"{\"a\":1}","x":{"#),
        (r#""metadata":{"#, r#""metadata":[],"x":{"#),
        (r#""metadata":{"#, r#""metadata":7,"x":{"#),
        (
            r#""request_tags":["#,
            r#""request_tags":{"team":"t","x":[1]},"y":["#,
        ),
        (r#""request_tags":["#, r#""request_tags":"team:t","y":["#),
        (r#""request_tags":["#, r#""request_tags":null,"y":["#),
        (
            r#""request_tags":["#,
            r#""request_tags":["team:a",7,null,{"b":2},"cost_center=CC-9"],"y":["#,
        ),
        (r#""spend":"#, r#""spend":"0.5","x":"#),
        (r#""prompt_tokens":"#, r#""prompt_tokens":-3,"x":"#),
        (r#""prompt_tokens":"#, r#""prompt_tokens":1e3,"x":"#),
        (r#""prompt_tokens":"#, r#""prompt_tokens":"12","x":"#),
        (
            r#""prompt_tokens":"#,
            r#""prompt_tokens":18446744073709551616,"x":"#,
        ),
        (r#""model":"#, r#""model":null,"x":"#),
        (r#""model":"#, r#""model":{"a":"b"},"x":"#),
        (r#""model":"#, r#""model":"m\u00e9","x":"#),
        (r#""model":"#, r#""model":"x","model":"#),
        (r#""cache_hit":"#, r#""cache_hit":true,"x":"#),
        (r#""user":"#, r#""us\u0065r":"u","x":"#),
        (r#""usage_object": {"#, r#""usage_object": null, "x": {"#),
        (r#""usage_object": {"#, r#""usage_object": "none", "x": {"#),
        (
            r#""spend_logs_metadata": {"#,
            r#""spend_logs_metadata": ["team:t"], "x": {"#,
        ),
        (
            r#""spend_logs_metadata": {"#,
            r#""spend_logs_metadata": null, "x": {"#,
        ),
        (
            r#""startTime":"#,
            r#""model_parameters":{"user":"p","t":[1,{}]},"startTime":"#,
        ),
    ];
    let mut read = 0;
    for (from, to) in variants {
        assert!(row.contains(from), "{from}");
        let line = row.replacen(from, to, 1);
        read += usize::from(scanner_agrees(line.as_bytes()));
    }
    // Escapes, repeats, arrays for structs are left to serde; the rest is
    // the scanner's.
    assert!(read >= 17, "{read} of {}", variants.len());
}

#[test]
fn the_scanner_agrees_with_serde_on_damaged_rows() {
    // Every prefix and every byte replaced by JSON's structural bytes: the
    // scanner reads a row serde reads alike, or leaves it to serde.
    let row = EXPORT.lines().nth(4).unwrap().as_bytes();
    let mut read = 0;
    for end in 0..row.len() {
        read += usize::from(scanner_agrees(&row[..end]));
    }
    for at in (0..row.len()).step_by(3) {
        for b in [b'"', b'\\', b'{', b'}', b'[', b',', b':', b'1', b' ', 0xC3] {
            let mut line = row.to_vec();
            line[at] = b;
            read += usize::from(scanner_agrees(&line));
        }
    }
    assert!(read > 1000, "{read}");
}

#[test]
fn the_scanner_reads_metadata_text_as_serde_does() {
    // A CSV export holds `metadata` as JSON text in its cell.
    for line in EXPORT.lines().chain(SPEND_LOG.lines()) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let compact = serde_json::to_string(&value["metadata"]).unwrap();
        let start = line.find(r#""metadata":"#).unwrap() + r#""metadata":"#.len();
        let end = start
            + line[start..]
                .find(r#","cache_hit""#)
                .unwrap_or(compact.len());
        let spaced = format!(" {} ", &line[start..end]);
        for text in [compact.as_str(), spaced.as_str()] {
            let fast = super::row_scanner::meta_of_text(text).expect(text);
            let slow: Meta<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}");
        }
    }
    for declined in [
        "",
        "null",
        "[]",
        r#"{"a":1} x"#,
        r#"{"user_api_key_alias":"a","user_api_key_alias":"b"}"#,
    ] {
        assert!(
            super::row_scanner::meta_of_text(declined).is_err(),
            "{declined}"
        );
    }
}
