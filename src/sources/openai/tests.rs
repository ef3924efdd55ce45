use std::path::Path;

use super::*;
use crate::sources::testing::Capture;

const USAGE_PAGE: &str = r#"{"object":"page","has_more":false,"next_page":null,"data":[{"object":"bucket",
 "start_time":1759276800,"end_time":1759363200,"results":[
  {"object":"organization.usage.completions.result","input_tokens":52000,
   "input_cached_tokens":30000,"input_cache_write_tokens":0,"input_uncached_tokens":22000,
   "output_tokens":4100,"num_model_requests":37,"project_id":"proj_abc","user_id":null,
   "api_key_id":"key_xyz","model":"gpt-4.1-mini-2025-04-14","batch":false,"service_tier":"default"}]},
 {"object":"bucket","start_time":1759363200,"end_time":1759449600,"results":[]}]}"#;

fn parse(name: &str, input: &str) -> Capture {
    let parser = Openai
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
fn usage_results_are_aggregated_rows_with_cached_tokens_subtracted() {
    let c = parse("usage.json", USAGE_PAGE);
    assert_eq!(c.ignored, 1, "the empty bucket");
    let (line, r) = &c.records[0];
    assert_eq!(*line, 3);
    assert_eq!(r.requests, 37);
    assert_eq!(
        r.tokens,
        Tokens {
            input: 22000,
            output: 4100,
            cache_read: 30000,
            cache_write: 0,
            cache_write_1h: 0
        }
    );
    assert_eq!(r.timestamp, 1_759_276_800);
    assert_eq!(r.get(Field::Project), Some("proj_abc"));
    assert_eq!(r.get(Field::ApiKey), Some("key_xyz"));
    assert_eq!(r.get(Field::User), None);
    assert_eq!(r.get(Field::ServiceTier), Some("default"));
    assert_eq!(r.get(Field::Provider), Some("openai"));
}

#[test]
fn older_results_without_uncached_fields_and_batch_rows() {
    let page = r#"{"object":"page","data":[{"start_time":1759276800,"results":[{"object":"organization.usage.completions.result","input_tokens":1000,"input_cached_tokens":200,"output_tokens":10,"num_model_requests":4,"model":"gpt-4o-2024-08-06","batch":true}]}]}"#;
    let r = parse("u.json", page).one();
    assert_eq!((r.tokens.input, r.tokens.cache_read), (800, 200));
    assert_eq!(r.get(Field::ServiceTier), Some("batch"));
    let bad = r#"{"object":"page","data":[{"start_time":1759276800,"results":[{"object":"organization.usage.completions.result","input_tokens":10,"input_cached_tokens":20,"num_model_requests":1}]}]}"#;
    assert_eq!(
        parse("u.json", bad).malformed[0].1,
        Reason::CachedExceedsInput
    );
}

#[test]
fn cost_results_carry_a_reported_cost_and_no_requests() {
    let page = r#"{"object":"page","data":[{"object":"bucket","start_time":1759276800,"end_time":1759363200,"results":[
{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd"},"line_item":"gpt-4o-2024-08-06, input","project_id":"proj_abc","api_key_id":null,"quantity":24000,"quantity_unit":"tokens"},
{"object":"organization.costs.result","amount":{"value":1.5,"currency":"usd"},"line_item":null,"project_id":"proj_abc"}]}]}"#;
    let c = parse("costs.json", page);
    assert_eq!(c.records.len(), 2);
    let r = &c.records[0].1;
    assert_eq!(r.requests, 0);
    assert!(r.tokens.is_zero());
    assert_eq!(r.reported_cost, Some(60_000_000_000));
    assert_eq!(r.get(Field::Model), Some("gpt-4o-2024-08-06"));
    assert_eq!(c.records[1].1.get(Field::Model), None);
}

#[test]
fn csv_exports_by_header() {
    let usage = "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,input_audio_tokens,output_audio_tokens\n\
1759276800,1759363200,2025-10-01T00:00:00+00:00,2025-10-02T00:00:00+00:00,proj_abc,12,user_1,key_1,gpt-4o-mini-2024-07-18,False,10000,500,4000,6000,0,0\n\
1759363200,1759449600,2025-10-02T00:00:00+00:00,2025-10-03T00:00:00+00:00,,,,,,,,,,,,\n";
    let c = parse("completions_usage_2025-10-01_2025-10-31.csv", usage);
    assert_eq!(c.ignored, 1);
    let r = &c.records[0].1;
    assert_eq!(
        (r.requests, r.tokens.input, r.tokens.cache_read),
        (12, 6000, 4000)
    );
    assert_eq!(r.get(Field::User), Some("user_1"));
    assert_eq!(r.timestamp, 1_759_276_800);
    let cost = "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email,api_source\n\
1759276800,1759363200,2025-10-01T00:00:00,2025-10-02T00:00:00,0.0145,usd,,,\"gpt-4o-mini-2024-07-18, input\",,key_1,proj_abc,org_1,Checkout,Acme,,api\n";
    let r = parse("cost_2025-10-01_2025-10-31.csv", cost).one();
    assert_eq!(r.reported_cost, Some(14_500_000_000));
    assert_eq!(r.get(Field::Model), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(r.requests, 0);
}

#[test]
fn detection() {
    let yes = |name: &str, head: &str| {
        Openai.recognizes(&Sample {
            path: Path::new(name),
            head: head.as_bytes(),
        })
    };
    assert!(yes("usage.json", USAGE_PAGE));
    assert!(yes(
        "a.csv",
        "start_time,start_time_iso,num_model_requests,input_tokens\n"
    ));
    assert!(yes(
        "a.csv",
        "start_time_iso,amount_value,amount_currency\n"
    ));
    assert!(!yes("a.csv", "timestamp,model,input_tokens\n"));
    assert!(!yes(
        "a.jsonl",
        r#"{"timestamp":"2026-10-03T09:14:02Z","model":"gpt-4o"}"#
    ));
}

/// Every listed key path is read, and every path read is listed, for
/// page results and for CSV rows, on the fixtures' records.
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
    let wrap = page(("start_time", Value::from(1759276800)));
    let pages = Shape {
        file: "usage.json",
        wrap: &wrap,
        fields: listed(PAGE_FIELDS),
        blank: false,
    };
    let mut fixtures = results(include_str!(
        "../../../tests/fixtures/openai/usage_completions.json"
    ));
    fixtures.extend(results(include_str!(
        "../../../tests/fixtures/openai/costs.json"
    )));
    check_shape(
        &Openai,
        &pages,
        &[
            r#"{"input_tokens":10,"output_tokens":5}"#,
            // Room for audio and image tokens inside the text counts.
            r#"{"input_tokens":100000,"output_tokens":100000}"#,
            r#"{"output_tokens":5}"#,
            r#"{"object":"organization.costs.result","amount":{"value":1},"line_item":"m1, input"}"#,
        ],
        &fixtures,
    );
    let csv = Shape {
        file: "usage.csv",
        wrap: &csv_row,
        fields: listed(CSV_FIELDS),
        blank: true,
    };
    check_shape(
        &Openai,
        &csv,
        &[
            r#"{"start_time_iso":"","start_time":"1759363200","num_model_requests":"","input_tokens":"10","output_tokens":"5","model":"m1"}"#,
            r#"{"start_time_iso":"","start_time":"1759363200","num_model_requests":"","input_tokens":"","output_tokens":"5","model":"m1"}"#,
            r#"{"start_time_iso":"","start_time":"1759363200","num_model_requests":"","input_tokens":"100000","output_tokens":"100000","model":"m1"}"#,
            r#"{"start_time_iso":"","start_time":"1759363200","amount_value":"1","amount_currency":"usd","line_item":"m1, input"}"#,
        ],
        &csv_objects(include_str!(
            "../../../tests/fixtures/openai/completions_usage_2025-10-01_2025-10-31.csv"
        )),
    );
}
