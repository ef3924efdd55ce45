use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

const USAGE_PAGE: &str = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","ending_at":"2026-10-02T00:00:00Z","results":[
  {"api_key_id":"apikey_01Abc","workspace_id":"wrkspc_01Def","model":"claude-sonnet-4-5-20250929",
   "service_tier":"standard","context_window":"0-200k","uncached_input_tokens":41250,
   "cache_read_input_tokens":880000,"cache_creation":{"ephemeral_5m_input_tokens":52000,"ephemeral_1h_input_tokens":8000},
   "output_tokens":19300,"server_tool_use":{"web_search_requests":3}}]},
 {"starting_at":"2026-10-02T00:00:00Z","ending_at":"2026-10-03T00:00:00Z","results":[]}],"has_more":false,"next_page":null}"#;

fn parse(name: &str, input: &str) -> Capture {
    let parser = Anthropic
        .open(
            &Sample {
                path: Path::new(name),
                head: input.as_bytes(),
            },
            &SourceOptions::default(),
        )
        .unwrap();
    Capture::run(parser.as_ref(), input)
}

#[test]
fn usage_report_counts_are_disjoint_with_the_1h_split() {
    let c = parse("usage.json", USAGE_PAGE);
    assert_eq!(c.ignored, 1);
    let (line, r) = &c.records[0];
    assert_eq!(*line, 2);
    assert_eq!(
        r.tokens,
        Tokens {
            input: 41250,
            output: 19300,
            cache_read: 880000,
            cache_write: 52000,
            cache_write_1h: 8000
        }
    );
    // No request count in the report: an aggregated row of unknown size.
    assert_eq!(r.requests, 0);
    assert_eq!(r.timestamp, 1_790_812_800);
    assert_eq!(r.get(Field::Project), Some("wrkspc_01Def"));
    assert_eq!(r.get(Field::ApiKey), Some("apikey_01Abc"));
    assert_eq!(r.get(Field::ServiceTier), Some("standard"));
}

#[test]
fn cost_report_amounts_are_cents() {
    assert_eq!(cents_to_pico("123.45"), Some(1_234_500_000_000));
    assert_eq!(cents_to_pico("2814.50"), Some(28_145_000_000_000));
    assert_eq!(cents_to_pico("0.0001"), Some(1_000_000));
    assert_eq!(cents_to_pico("-1"), None);
    assert_eq!(cents_to_pico("1e3"), Some(10_000_000_000_000));
    let number = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","results":[{"amount":12.5,"currency":"USD","model":"claude-haiku-4-5"}]}]}"#;
    assert_eq!(
        parse("cost.json", number).one().reported_cost,
        Some(125_000_000_000)
    );
    let bad = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","results":[{"amount":"12,5","currency":"USD"}]}]}"#;
    assert_eq!(parse("cost.json", bad).malformed.len(), 1);
    let page = r#"{"data":[{"starting_at":"2026-10-01T00:00:00Z","ending_at":"2026-10-02T00:00:00Z","results":[{"amount":"2814.50","currency":"USD","cost_type":"tokens","description":"Claude Sonnet 4.5 Usage - Input Tokens, Cache Read","model":"claude-sonnet-4-5-20250929","service_tier":"standard","context_window":"0-200k","token_type":"cache_read_input_tokens","workspace_id":"wrkspc_01Def"}]}],"has_more":false,"next_page":null}"#;
    let r = parse("cost.json", page).one();
    assert_eq!(r.reported_cost, Some(28_145_000_000_000));
    assert!(r.tokens.is_zero());
    assert_eq!(r.requests, 0);
}

#[test]
fn console_csv_exports() {
    let usage = "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed\n\
2026-10-04,claude-haiku-4-5-20251001,search-bot,Default,message,0-200k,120000,5000,1000,300000,40000,0,not_available,\n";
    let r = parse("usage.csv", usage).one();
    assert_eq!(
        r.tokens,
        Tokens {
            input: 120000,
            output: 40000,
            cache_read: 300000,
            cache_write: 5000,
            cache_write_1h: 1000
        }
    );
    assert_eq!(r.get(Field::ApiKey), Some("search-bot"));
    assert_eq!(r.get(Field::Project), Some("Default"));
    let cost = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status\n\
2026-10-04,Claude Haiku 4.5,Default,search-bot,message,\u{2264} 200k,input_no_cache,0.12,0.12,token,not_available,,apikey_01QQQ,active\n";
    let r = parse("cost.csv", cost).one();
    assert_eq!(r.reported_cost, Some(120_000_000_000));
    assert_eq!(r.get(Field::Model), Some("Claude Haiku 4.5"));
    assert_eq!(r.get(Field::ApiKey), Some("search-bot"));
}

#[test]
fn detection() {
    let yes = |name: &str, head: &str| {
        Anthropic.recognizes(&Sample {
            path: Path::new(name),
            head: head.as_bytes(),
        })
    };
    assert!(yes("u.json", USAGE_PAGE));
    assert!(yes(
        "c.csv",
        "usage_date_utc,model,token_type,cost_usd,list_price_usd\n"
    ));
    assert!(!yes("c.csv", "timestamp,model,cost_usd\n"));
    assert!(!yes(
        "u.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","model":"claude"}"#
    ));
}

/// Every listed key path is read, and every path read is listed, for
/// report results and for Console CSV rows, on the fixtures' records.
#[test]
fn sources_fields_lists_every_path_read() {
    use crate::sources::contract::listed;
    use crate::sources::field_check::{check_shape, csv_objects, csv_row, page, Shape};
    use serde_json::Value;
    let results = |text: &str| -> Vec<Value> {
        let v: Value = serde_json::from_str(text).unwrap();
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["results"].as_array().unwrap().clone())
            .collect()
    };
    let wrap = page(("starting_at", Value::from("2026-10-01T00:00:00Z")));
    let pages = Shape {
        file: "usage_report.json",
        wrap: &wrap,
        fields: listed(PAGE_FIELDS),
        blank: false,
    };
    let mut fixtures = results(include_str!(
        "../../../tests/fixtures/anthropic/usage_report.json"
    ));
    fixtures.extend(results(include_str!(
        "../../../tests/fixtures/anthropic/cost_report.json"
    )));
    check_shape(
        &Anthropic,
        &pages,
        &[r#"{"uncached_input_tokens":10,"output_tokens":5,"model":"m1"}"#],
        &fixtures,
    );
    let csv = Shape {
        file: "usage.csv",
        wrap: &csv_row,
        fields: listed(CSV_FIELDS),
        blank: true,
    };
    check_shape(
        &Anthropic,
        &csv,
        &[
            r#"{"usage_date_utc":"2026-10-04","model_version":"m1","usage_input_tokens_no_cache":"10","usage_output_tokens":"5"}"#,
        ],
        &csv_objects(include_str!(
            "../../../tests/fixtures/anthropic/console_usage_2026-10.csv"
        )),
    );
}
