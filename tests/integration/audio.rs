//! OpenAI audio and image tokens through the binary (docs/design.md,
//! "Audio and image tokens"): taken out of the text counts that include
//! them, priced by their own rate-card columns, and named in
//! `accounting.warnings` when the card has no price for them. Fixtures in
//! tests/fixtures/audio/ are shaped like OpenAI's documented usage; the
//! test cards there carry made-up prices for a made-up model so that every
//! figure below is worked out by hand.

use crate::util::*;

const CHAT: &str = "tests/fixtures/audio/gateway_chat_audio.jsonl";
const USAGE: &str = "tests/fixtures/audio/usage_completions_audio.json";
const EMBEDDED: &str = "tests/fixtures/audio/gateway_embedded_card.jsonl";

fn report(args: &[&str], format: &str) -> String {
    stdout_ok(
        llmspend()
            .arg("report")
            .args(args)
            .args(["--by", "team", "--format", format]),
    )
}

fn card(name: &str) -> String {
    format!("tests/audio_cards/{name}")
}

fn warnings(j: &serde_json::Value) -> Vec<(String, u64, u64, Vec<String>)> {
    j["accounting"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["requests"].as_u64().unwrap(),
                w["tokens"].as_u64().unwrap(),
                w["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// Test card (per MTok): input 2.50, output 10.00, cached 1.25, audio in
/// 40.00, audio out 80.00, image in 5.00.
///
/// - voice (chat completion, audio in and out): prompt 1,200 of which
///   1,000 audio, completion 600 of which 500 audio. 200 x 2.50 + 100 x
///   10.00 + 1,000 x 40.00 + 500 x 80.00 = 0.0005 + 0.001 + 0.04 + 0.04 =
///   $0.081500. Tokens as the report sums them: input 1,200, output 600.
/// - vision (image input): prompt 2,000 = 300 cached + 1,500 image + 200
///   text. 200 x 2.50 + 300 x 1.25 + 1,500 x 5.00 + 100 x 10.00 = 0.0005 +
///   0.000375 + 0.0075 + 0.001 = $0.009375. Input 1,700, cached 300.
/// - Usage API bucket (12 requests, no team): input_tokens 60,000 =
///   10,000 cached (2,000 of them audio) + 36,000 audio + 4,000 image +
///   12,000 uncached text; output 9,000 = 6,000 audio + 3,000 text.
///   12,000 x 2.50 + 8,000 x 1.25 + 3,000 x 10.00 + 36,000 x 40.00 + 6,000
///   x 80.00 + 4,000 x 5.00 = 0.03 + 0.01 + 0.03 + 1.44 + 0.48 + 0.02 =
///   $2.010000. Input 52,000 (uncached text + audio + image), cached 8,000.
#[test]
fn audio_and_image_tokens_are_priced_at_their_own_columns() {
    let rates = card("card_with_audio.csv");
    let out = report(&[CHAT, USAGE, "--rates", &rates], "csv");
    assert_eq!(
        csv_rows(&out),
        [
            "team,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests",
            "(unattributed),12,52000,9000,8000,0,2.010000,0",
            "voice,1,1200,600,0,0,0.081500,0",
            "vision,1,1700,100,300,0,0.009375,0",
        ]
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
    );
    let j = json(&report(&[CHAT, USAGE, "--rates", &rates], "json"));
    assert_eq!(warnings(&j), []);
    assert_eq!(j["totals"]["cost_usd"], "2.100875");
}

/// The same chat completions with a card in the format before the audio
/// and image columns: it loads, the text is priced as before (voice 200 x
/// 2.50 + 100 x 10.00 = $0.0015, vision 200 x 2.50 + 300 x 1.25 + 100 x
/// 10.00 = $0.001875), the 1,000 + 500 + 1,500 audio and image tokens
/// are counted but not priced (never as text), and the warning names them.
#[test]
fn a_card_without_the_columns_loads_and_leaves_audio_unpriced() {
    let rates = card("card_old_format.csv");
    let j = json(&report(&[CHAT, "--rates", &rates], "json"));
    assert_eq!(j["totals"]["cost_usd"], "0.003375");
    assert_eq!(j["totals"]["input_tokens"], 2900);
    assert_eq!(j["totals"]["output_tokens"], 700);
    assert_eq!(
        warnings(&j),
        [(
            "unpriced_audio_image_tokens".to_string(),
            2,
            3000,
            vec![CHAT.to_string()]
        )]
    );
    let table = report(&[CHAT, "--rates", &rates], "table");
    assert!(table.contains("unpriced_audio_image_tokens"), "{table}");
}

/// The embedded card states no audio or image price (none is published in
/// the sources it cites): gpt-4o-mini's text is priced (200 x 0.15 + 100
/// x 0.60 = $0.000090), its 800 + 200 audio tokens are not.
#[test]
fn the_embedded_card_prices_no_audio_and_says_so() {
    let j = json(&report(&[EMBEDDED], "json"));
    assert_eq!(j["totals"]["cost_usd"], "0.000090");
    assert_eq!(j["totals"]["input_tokens"], 1000);
    assert_eq!(
        warnings(&j),
        [(
            "unpriced_audio_image_tokens".to_string(),
            1,
            1000,
            vec![EMBEDDED.to_string()]
        )]
    );
}

/// Gateway lines with OpenAI usage flattened into them: a top-level
/// `prompt_tokens_details` details the line's `prompt_tokens`, a top-level
/// `completion_tokens_details` its `completion_tokens`.
/// - Lines 1 and 2 (the first read by the walk, the second by the learned
///   template): prompt 1,000 = 100 cached + 600 audio + 300 text,
///   completion 300 = 200 audio + 100 text. 300 x 2.50 + 100 x 1.25 + 600
///   x 40.00 + 100 x 10.00 + 200 x 80.00 = 0.00075 + 0.000125 + 0.024 +
///   0.001 + 0.016 = $0.041875 each.
/// - Line 3, no prompt details: 1,000 x 2.50 + 100 x 10.00 + 200 x 80.00
///   = 0.0025 + 0.001 + 0.016 = $0.0195.
///
/// Total $0.103250. Without the audio columns the text only: $0.001875
/// twice + $0.0035 = $0.00725, and 800 + 800 + 200 audio tokens unpriced.
#[test]
fn top_level_token_details_split_audio_too() {
    const FLAT: &str = "tests/fixtures/audio/gateway_flat_details.jsonl";
    let j = json(&report(
        &[FLAT, "--rates", &card("card_with_audio.csv")],
        "json",
    ));
    assert_eq!(j["totals"]["cost_usd"], "0.103250");
    assert_eq!(j["totals"]["input_tokens"], 2800);
    assert_eq!(j["totals"]["output_tokens"], 900);
    assert_eq!(j["totals"]["cache_read_tokens"], 200);
    assert_eq!(warnings(&j), []);
    let j = json(&report(
        &[FLAT, "--rates", &card("card_old_format.csv")],
        "json",
    ));
    assert_eq!(j["totals"]["cost_usd"], "0.007250");
    assert_eq!(
        warnings(&j),
        [(
            "unpriced_audio_image_tokens".to_string(),
            3,
            1800,
            vec![FLAT.to_string()]
        )]
    );
}

/// A gateway line that states its cost ($0.0815, the voice request above
/// at the audio prices) read with the old-format card: llmspend prices the
/// text only ($0.0015), and `--explain-difference` gives the whole
/// -$0.080000 to `unpriced` (the audio it could not price), none to price
/// basis.
#[test]
fn the_difference_of_unpriced_audio_is_explained_as_unpriced() {
    let dir = TestDir::new();
    let line = r#"{"timestamp":"2026-10-01T10:00:00Z","request_id":"aud-1","provider":"openai","model":"gpt-audio-fixture","labels":{"team":"voice"},"cost":0.0815,"usage":{"prompt_tokens":1200,"completion_tokens":600,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":1000},"completion_tokens_details":{"audio_tokens":500}}}"#;
    let file = dir.create("gateway.jsonl", format!("{line}\n"));
    let rates = card("card_old_format.csv");
    let j = json(&report(
        &[
            file.to_str().unwrap(),
            "--rates",
            &rates,
            "--show-reported",
            "--explain-difference",
        ],
        "json",
    ));
    let g = &j["groups"][0];
    assert_eq!(g["cost_usd"], "0.001500");
    assert_eq!(g["difference_usd"], "-0.080000");
    let causes: Vec<(String, String)> = g["explanation"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_string(),
                c["amount_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let zero = "0.000000000000".to_string();
    assert_eq!(
        causes,
        [
            ("price_basis".to_string(), zero.clone()),
            ("cache_semantics".to_string(), zero.clone()),
            ("unpriced".to_string(), "-0.080000000000".to_string()),
            ("rounding".to_string(), zero.clone()),
            ("unexplained".to_string(), zero.clone()),
        ]
    );
    // Only audio (no text token at all): llmspend prices $0, and the
    // stated $0.09 is still explained as unpriced, not left unexplained.
    let line = r#"{"timestamp":"2026-10-01T10:00:00Z","request_id":"aud-9","provider":"openai","model":"gpt-audio-fixture","labels":{"team":"voice"},"cost":0.09,"usage":{"prompt_tokens":1000,"completion_tokens":500,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":1000},"completion_tokens_details":{"audio_tokens":500}}}"#;
    let file = dir.create("only_audio.jsonl", format!("{line}\n"));
    let j = json(&report(
        &[
            file.to_str().unwrap(),
            "--rates",
            &rates,
            "--show-reported",
            "--explain-difference",
        ],
        "json",
    ));
    let causes = &j["groups"][0]["explanation"]["causes"];
    assert_eq!(causes[2]["cause"], "unpriced");
    assert_eq!(causes[2]["amount_usd"], "-0.090000000000");
    assert_eq!(causes[4]["amount_usd"], zero);
}
