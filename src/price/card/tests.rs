use super::names::{drop_model_version, drop_profile, drop_snapshot};
use super::pick::MatchKind;
use super::*;
use crate::price::{cost, Priced, Pricer};
use crate::record::Tokens;
use crate::time::parse_date;

const CARD: &str = "\
# source: test card, checked 2026-12-01
provider,model,effective_from,effective_to,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,service_tier,above_input_tokens
openai,gpt-4o,,,2.50,10.00,1.25,,,,
openai,gpt-4o-2024-05-13,,,5.00,15.00,,,,,
openai,gpt-4o,,,1.25,5.00,,,,batch,
openai,o3,,2025-06-10,10.00,40.00,2.50,,,,
openai,o3,2025-06-10,,2.00,8.00,0.50,,,,
openai,gpt-4.1-*,,,9,9,,,,,
openai,gpt-4.1-mini*,,,0.40,1.60,0.10,,,,
anthropic,claude-sonnet-4-5,,,3.00,15.00,0.30,3.75,6.00,,
anthropic,claude-sonnet-4-5,,,6.00,22.50,0.60,7.50,12.00,,200000
";

fn card() -> RateCard {
    let mut c = RateCard::default();
    c.add_csv("test.csv", CARD, Layer::Embedded).unwrap();
    c
}

fn day(d: &str) -> i64 {
    parse_date(d).unwrap()
}

fn pick<'c>(
    c: &'c RateCard,
    provider: Option<&str>,
    model: &str,
    d: &str,
) -> Option<(MatchKind, &'c Rate)> {
    let cands = c.candidates(provider, model)?;
    let kind = cands.kind;
    cands.pick(day(d), None, 10, false).map(|p| (kind, p.rate))
}

#[test]
fn exact_beats_glob_and_longer_literal_beats_shorter() {
    let c = card();
    let (_, r) = pick(&c, Some("openai"), "gpt-4.1-mini-2025-04-14", "2026-01-01").unwrap();
    assert_eq!(r.model, "gpt-4.1-mini*");
    let (_, r) = pick(&c, Some("openai"), "gpt-4.1-2025-04-14", "2026-01-01").unwrap();
    assert_eq!(r.model, "gpt-4.1-*");
}

#[test]
fn an_older_snapshot_is_not_its_alias() {
    let c = card();
    let (kind, r) = pick(&c, Some("openai"), "gpt-4o-2024-05-13", "2026-01-01").unwrap();
    assert_eq!(
        (kind, r.input.display_per_mtok().as_str()),
        (MatchKind::Full, "5")
    );
    let (kind, r) = pick(&c, Some("openai"), "gpt-4o-2024-08-06", "2026-01-01").unwrap();
    assert_eq!(
        (kind, r.model.as_str()),
        (MatchKind::SnapshotDropped, "gpt-4o")
    );
}

#[test]
fn routing_prefix_then_snapshot_suffix_are_dropped() {
    let c = card();
    let (kind, r) = pick(
        &c,
        Some("anthropic"),
        "anthropic/claude-sonnet-4-5-20250929",
        "2026-01-01",
    )
    .unwrap();
    assert_eq!(
        (kind, r.model.as_str()),
        (MatchKind::SnapshotDropped, "claude-sonnet-4-5")
    );
    let (kind, _) = pick(&c, None, "openai/gpt-4o", "2026-01-01").unwrap();
    assert_eq!(kind, MatchKind::PrefixDropped);
}

#[test]
fn effective_dates_are_half_open() {
    let c = card();
    let price = |d| {
        pick(&c, Some("openai"), "o3", d)
            .unwrap()
            .1
            .input
            .display_per_mtok()
    };
    assert_eq!(price("2025-06-09"), "10");
    assert_eq!(price("2025-06-10"), "2");
}

#[test]
fn provider_must_match_when_the_card_knows_it() {
    let c = card();
    assert!(c.candidates(Some("anthropic"), "gpt-4o").is_none());
    // A provider the card has never heard of matches by model alone.
    assert!(c.candidates(Some("openrouter"), "gpt-4o").is_some());
}

#[test]
fn long_context_tier_reprices_the_whole_request() {
    let c = card();
    let cands = c
        .candidates(Some("anthropic"), "claude-sonnet-4-5")
        .unwrap();
    let small = cands.pick(day("2026-01-01"), None, 200_000, false).unwrap();
    let large = cands.pick(day("2026-01-01"), None, 200_001, false).unwrap();
    assert_eq!(small.rate.output.display_per_mtok(), "15");
    assert_eq!(large.rate.output.display_per_mtok(), "22.5");
    let agg = cands.pick(day("2026-01-01"), None, 500_000, true).unwrap();
    assert!(agg.tier_skipped);
    assert_eq!(agg.rate.output.display_per_mtok(), "15");
}

#[test]
fn service_tier_rows_and_fallback() {
    let c = card();
    let cands = c.candidates(Some("openai"), "gpt-4o").unwrap();
    let batch = cands
        .pick(day("2026-01-01"), Some("batch"), 1, false)
        .unwrap();
    assert_eq!(
        (
            batch.rate.input.display_per_mtok().as_str(),
            batch.tier_fallback
        ),
        ("1.25", false)
    );
    let flex = cands
        .pick(day("2026-01-01"), Some("flex"), 1, false)
        .unwrap();
    assert_eq!(
        (
            flex.rate.input.display_per_mtok().as_str(),
            flex.tier_fallback
        ),
        ("2.5", true)
    );
    let std = cands
        .pick(day("2026-01-01"), Some("default"), 1, false)
        .unwrap();
    assert!(!std.tier_fallback);
}

#[test]
fn empty_cache_prices_default_to_input_and_1h_to_write() {
    let c = card();
    let (_, r) = pick(&c, Some("openai"), "gpt-4o-2024-05-13", "2026-01-01").unwrap();
    assert_eq!(r.cache_read, r.input);
    assert_eq!(r.cache_write, r.input);
    assert_eq!(r.cache_write_1h, r.cache_write);
}

#[test]
fn user_rows_beat_embedded_at_equal_specificity() {
    let mut c = card();
    c.add_csv(
        "mine.csv",
        "provider,model,input_per_mtok,output_per_mtok\nopenai,gpt-4o,1,1\n",
        Layer::User,
    )
    .unwrap();
    let (_, r) = pick(&c, Some("openai"), "gpt-4o", "2026-01-01").unwrap();
    assert_eq!((r.file.as_str(), r.line), ("mine.csv", 2));
    // ...but not over a more specific embedded row.
    let (_, r) = pick(&c, Some("openai"), "gpt-4o-2024-05-13", "2026-01-01").unwrap();
    assert_eq!(r.file, "test.csv");
}

#[test]
fn errors_name_file_line_and_column() {
    let bad = |text: &str| {
        let mut c = RateCard::default();
        c.add_csv("bad.csv", text, Layer::User)
            .unwrap_err()
            .to_string()
    };
    let h = "provider,model,input_per_mtok,output_per_mtok\n";
    assert_eq!(
        bad(&format!("{h}openai,x,1.0000001,1\n")),
        "bad.csv:2: column `input_per_mtok`: `1.0000001` has more than 6 decimals; llmspend keeps prices exact to 1e-6 USD per million tokens"
    );
    assert!(bad(&format!("# c\n{h}openai,x,1,abc\n"))
        .starts_with("bad.csv:3: column `output_per_mtok`"));
    assert!(bad("provider,model,input_per_mtok\n")
        .contains("missing required column `output_per_mtok`"));
    assert!(
        bad("provider,model,input_per_mtok,output_per_mtok,colour\n")
            .contains("unknown column `colour`")
    );
    assert!(bad(&format!("{h}openai,x,1,1\nopenai,x,2,2\n"))
        .starts_with("bad.csv:3: row ties with bad.csv:2"));
    assert!(bad(
        "provider,model,input_per_mtok,output_per_mtok,effective_from\nopenai,x,1,1,2025-02-30\n"
    )
    .contains("column `effective_from`"));
    assert!(bad(&format!("{h}openai,x,1\n")).starts_with("bad.csv:2: 3 fields"));
}

#[test]
fn globs_match_runs_of_characters() {
    assert!(glob_match("gpt-4o-2024-*", "gpt-4o-2024-05-13"));
    assert!(glob_match("*", "anything"));
    assert!(glob_match("a*b*c", "axxbyyc"));
    assert!(!glob_match("a*b*c", "axxbyy"));
    assert!(!glob_match("gpt-4o", "gpt-4o-mini"));
    assert!(glob_match("*-mini", "gpt-4o-mini"));
    assert!(!glob_match("ab*ba", "aba"));
}

#[test]
fn snapshot_suffixes() {
    assert_eq!(drop_snapshot("gpt-4o-2024-05-13"), Some("gpt-4o"));
    assert_eq!(
        drop_snapshot("claude-sonnet-4-5-20250929"),
        Some("claude-sonnet-4-5")
    );
    assert_eq!(
        drop_snapshot("claude-3-5-sonnet@20240620"),
        Some("claude-3-5-sonnet")
    );
    assert_eq!(drop_snapshot("gpt-4-0613"), Some("gpt-4"));
    assert_eq!(drop_snapshot("gpt-4o"), None);
    assert_eq!(drop_snapshot("gemini-2.5-pro"), None);
}

#[test]
fn the_pricer_caches_and_prices_exactly() {
    let c = card();
    let mut p = Pricer::new(&c);
    let t = Tokens {
        input: 150,
        output: 180,
        cache_read: 1200,
        cache_write: 300,
        cache_write_1h: 0,
    };
    let priced = p.price(
        (1, 1),
        Some("anthropic"),
        Some("claude-sonnet-4-5-20250929"),
        day("2026-01-01"),
        None,
        &t,
        1,
    );
    let Priced::Cost { cost: money, .. } = priced else {
        panic!("{priced:?}")
    };
    assert_eq!(money.to_string(), "0.004635");
    let rate = c
        .candidates(Some("anthropic"), "claude-sonnet-4-5")
        .unwrap()
        .rows[0];
    assert_eq!(cost(rate, &t), money);
    assert_eq!(
        p.price((2, 2), None, Some("acme-llm"), 0, None, &t, 1),
        Priced::Unpriced
    );
}

#[test]
fn bedrock_profile_and_version_suffixes_fall_back_to_the_base_model() {
    assert_eq!(
        drop_profile("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some("anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    assert_eq!(
        drop_profile("global.anthropic.claude-haiku-4-5-20251001-v1:0"),
        Some("anthropic.claude-haiku-4-5-20251001-v1:0")
    );
    assert_eq!(drop_profile("anthropic.claude-3-haiku-20240307-v1:0"), None);
    assert_eq!(drop_profile("us.gpt-4o"), None);
    assert_eq!(
        drop_model_version("anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some("claude-sonnet-4-5-20250929")
    );
    assert_eq!(drop_model_version("amazon.nova-pro-v1:0"), Some("nova-pro"));
    assert_eq!(drop_model_version("claude-3.5-sonnet-v2"), None);
    assert_eq!(drop_model_version("gemini-2.5-pro"), None);

    let mut c = RateCard::default();
    c.add_csv(
        "bedrock.csv",
        "provider,model,input_per_mtok,output_per_mtok\n\
         bedrock,anthropic.claude-sonnet-4-5-20250929-v1:0,3.00,15.00\n\
         bedrock,us.anthropic.claude-sonnet-4-5-20250929-v1:0,3.30,16.50\n\
         *,nova-pro,0.80,3.20\n",
        Layer::Embedded,
    )
    .unwrap();
    let price = |model: &str| {
        pick(&c, Some("bedrock"), model, "2026-10-01")
            .map(|(kind, r)| (kind, r.input.display_per_mtok()))
    };
    // A profile with its own row keeps its (higher) price.
    assert_eq!(
        price("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some((MatchKind::Full, "3.3".to_string()))
    );
    // One without a row is priced as the base model.
    assert_eq!(
        price("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some((MatchKind::ProfileDropped, "3".to_string()))
    );
    assert_eq!(
        price("apac.amazon.nova-pro-v1:0"),
        Some((MatchKind::ProfileDropped, "0.8".to_string()))
    );
    // Through a gateway's routing prefix (LiteLLM `bedrock/...`).
    assert_eq!(
        price("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some((MatchKind::PrefixDropped, "3.3".to_string()))
    );
    assert_eq!(
        price("bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        Some((MatchKind::ProfileDropped, "3".to_string()))
    );
}

#[test]
fn error_lines_count_the_blank_and_comment_lines_before_a_row() {
    // Regression: the csv crate's record position is where it began
    // scanning, before skipped empty and comment lines.
    let line_of = |text: &str| {
        RateCard::default()
            .add_csv("c.csv", text, Layer::User)
            .unwrap_err()
            .line
    };
    let header = "provider,model,input_per_mtok,output_per_mtok";
    assert_eq!(line_of(&format!("{header}\n\n# c\nopenai,x,1.5.0,1\n")), 4);
    assert_eq!(line_of(&format!("# c\n\n{header},bogus\n")), 3);
    assert_eq!(
        line_of(&format!(
            "{header}\r\nopenai,a,1,1\r\n\r\nopenai,x,1.5.0,1\r\n"
        )),
        4
    );
    assert_eq!(line_of(&format!("\u{feff}{header}\nopenai,x,-1,1\n")), 2);
}

#[test]
fn the_pricer_remembering_a_day_prices_as_pick_does() {
    let c = card();
    let mut p = Pricer::new(&c);
    let models = [
        ("anthropic", "claude-sonnet-4-5"),
        ("openai", "gpt-4o"),
        ("openai", "o3"),
    ];
    // Days back and forth across o3's price change, inputs around the
    // 200,000 threshold, tiers standard and not, single and aggregated.
    let days = [
        "2025-06-09",
        "2025-06-10",
        "2025-06-10",
        "2025-06-09",
        "2026-01-01",
    ];
    for (i, &(provider, model)) in models.iter().enumerate() {
        let cands = c.candidates(Some(provider), model).unwrap();
        for d in days {
            for input in [0, 199_999, 200_000, 200_001, 10_000_000, 5] {
                for tier in [None, Some("batch"), Some("standard"), Some("flex")] {
                    for requests in [1, 0, 7] {
                        let t = Tokens {
                            input,
                            output: 3,
                            ..Tokens::default()
                        };
                        let key = (i as u32, i as u32);
                        let got =
                            p.price(key, Some(provider), Some(model), day(d), tier, &t, requests);
                        let want = match cands.pick(day(d), tier, input, requests != 1) {
                            Some(pick) => Priced::Cost {
                                cost: cost(pick.rate, &t),
                                rate: pick.rate,
                                tier_fallback: pick.tier_fallback,
                                tier_skipped: pick.tier_skipped,
                            },
                            None => Priced::Unpriced,
                        };
                        assert_eq!(got, want, "{model} {d} {input} {tier:?} {requests}");
                    }
                }
            }
        }
    }
}

#[test]
fn every_provider_alias_in_a_user_card_prices_records_logged_under_every_other() {
    use super::names::PROVIDER_ALIASES;
    // The group (canonical provider) of a spelling.
    let group = |s: &str| {
        PROVIDER_ALIASES
            .iter()
            .position(|(canonical, a)| *canonical == s || a.contains(&s))
            .unwrap()
    };
    let spellings: Vec<&str> = PROVIDER_ALIASES
        .iter()
        .flat_map(|(canonical, aliases)| std::iter::once(*canonical).chain(aliases.iter().copied()))
        .collect();
    let t = Tokens {
        input: 1_000_000,
        ..Tokens::default()
    };
    // A card row under each spelling, beside one row per other provider at
    // another price: a record under any spelling of the same provider takes
    // that row's price, and one of another provider its own.
    for row in &spellings {
        let g = group(row);
        let mut text = String::from("provider,model,input_per_mtok,output_per_mtok\n");
        for (h, (canonical, _)) in PROVIDER_ALIASES.iter().enumerate() {
            let name = if h == g { row } else { canonical };
            text.push_str(&format!("{name},acme-model-1,{},0\n", h + 1));
        }
        let mut c = RateCard::default();
        c.add_csv("user.csv", &text, Layer::User).unwrap();
        let mut p = Pricer::new(&c);
        for (i, logged) in spellings.iter().enumerate() {
            let spelled = if i % 2 == 0 {
                logged.to_string()
            } else {
                logged.to_ascii_uppercase()
            };
            let priced = p.price(
                (i as u32, 0),
                Some(&spelled),
                Some("acme-model-1"),
                day("2026-01-01"),
                None,
                &t,
                1,
            );
            let Priced::Cost { cost, .. } = priced else {
                panic!("card {row}, logged {spelled}: {priced:?}")
            };
            let want = format!("{}.000000", group(logged) + 1);
            assert_eq!(cost.to_string(), want, "card {row}, logged {spelled}");
        }
    }
}

#[test]
fn a_family_drops_prefix_profile_version_and_snapshot() {
    use super::names::family;
    assert_eq!(family("openai/gpt-4o-2024-08-06"), "gpt-4o");
    assert_eq!(family("gpt-4o-2024-08-06"), "gpt-4o");
    assert_eq!(family("openai/gpt-4o"), "gpt-4o");
    assert_eq!(family("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
    assert_eq!(
        family("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        "claude-sonnet-4-5"
    );
    assert_eq!(family("gpt-4-0613"), "gpt-4");
    assert_eq!(family("acme-llm-7b"), "acme-llm-7b");
}
