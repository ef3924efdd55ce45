//! `llmspend rates [MODEL] [--date D]`: the card in effect on a day, or the
//! row that prices MODEL on that day and why.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use crate::cli::RatesArgs;
use crate::config::load_card;
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::price::card::Rate;
use crate::price::{canonical_provider, infer_provider};
use crate::time::{format_day, parse_date};

/// Runs `rates`.
pub fn run(args: RatesArgs) -> anyhow::Result<ExitStatus> {
    let card = load_card(args.rates.as_ref())?;
    let day = match &args.date {
        Some(d) => parse_date(d).ok_or_else(|| UsageError::BadValue {
            flag: "--date",
            message: format!("`{d}` is not YYYY-MM-DD"),
        })?,
        None => chrono::Utc::now().timestamp().div_euclid(86_400),
    };
    let mut out = std::io::stdout().lock();
    let data = args.format != crate::cli::RatesFormat::Table;
    if data && args.model.is_some() {
        return Err(UsageError::BadValue {
            flag: "--format",
            message: "csv and json list the card in effect; drop the model (or use the table)"
                .into(),
        }
        .into());
    }
    let Some(model) = &args.model else {
        let rows: Vec<&Rate> = card.rows().iter().filter(|r| r.in_force(day)).collect();
        if data {
            let records = rows.iter().map(|r| record(r));
            if args.format == crate::cli::RatesFormat::Csv {
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(COLUMNS).map_err(std::io::Error::from)?;
                for r in records {
                    w.write_record(&r).map_err(std::io::Error::from)?;
                }
                w.flush()?;
            } else {
                let list: Vec<serde_json::Map<String, serde_json::Value>> = records
                    .map(|r| {
                        COLUMNS
                            .iter()
                            .zip(r)
                            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                            .collect()
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            }
            return Ok(ExitStatus::Success);
        }
        writeln!(
            out,
            "rate card in effect on {} (USD per 1M tokens):",
            format_day(day)
        )?;
        writeln!(out, "{}", table(&rows))?;
        return Ok(ExitStatus::Success);
    };
    let model_lc = model.trim().to_ascii_lowercase();
    let provider = match &args.provider {
        Some(p) => Some(canonical_provider(p)),
        None => infer_provider(&model_lc),
    };
    let Some(candidates) = card.candidates(provider.as_deref(), &model_lc) else {
        writeln!(
            out,
            "{model}: unpriced — no rate-card row matches{}; its tokens are counted, its cost is not guessed",
            provider.map(|p| format!(" for provider {p}")).unwrap_or_default()
        )?;
        let near = nearest(&card, &model_lc);
        if !near.is_empty() {
            writeln!(out, "nearest rate-card models: {}", near.join(", "))?;
        }
        return Ok(ExitStatus::Success);
    };
    let pick = candidates.pick(day, args.tier.as_deref(), 0, false);
    let Some(pick) = pick else {
        writeln!(
            out,
            "{model}: no row is in force on {}; rows for {}:",
            format_day(day),
            candidates.id
        )?;
        writeln!(out, "{}", table(&candidates.rows))?;
        return Ok(ExitStatus::Success);
    };
    let r = pick.rate;
    writeln!(
        out,
        "{model} on {} is priced by {}:{}",
        format_day(day),
        r.file,
        r.line
    )?;
    writeln!(
        out,
        "  matched {} (`{}`) against {} pattern `{}` of provider {}",
        candidates.kind,
        candidates.id,
        if r.is_glob() { "glob" } else { "exact" },
        r.model,
        r.provider
    )?;
    if pick.tier_fallback {
        writeln!(
            out,
            "  tier {} has no row: the standard row applies",
            args.tier.as_deref().unwrap_or("")
        )?;
    }
    writeln!(out, "{}", table(&[r]))?;
    let tiers: Vec<&Rate> = candidates
        .rows
        .iter()
        .copied()
        .filter(|x| x.in_force(day) && x.model == r.model && x.above.is_some() && x.tier == r.tier)
        .collect();
    if !tiers.is_empty() {
        writeln!(
            out,
            "long-context rows (reprice the whole request above the threshold):"
        )?;
        writeln!(out, "{}", table(&tiers))?;
    }
    Ok(ExitStatus::Success)
}

/// The columns of `rates --format csv|json`: the rate card's, then where
/// the row was read.
const COLUMNS: [&str; 12] = [
    "provider",
    "model",
    "effective_from",
    "effective_to",
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "service_tier",
    "above_input_tokens",
    "source",
];

/// A row's cells in [`COLUMNS`] order.
fn record(r: &Rate) -> [String; 12] {
    [
        r.provider.clone(),
        r.model.clone(),
        r.from.map(format_day).unwrap_or_default(),
        r.to.map(format_day).unwrap_or_default(),
        r.input.display_per_mtok(),
        r.output.display_per_mtok(),
        r.cache_read.display_per_mtok(),
        r.cache_write.display_per_mtok(),
        r.cache_write_1h.display_per_mtok(),
        r.tier.clone().unwrap_or_default(),
        r.above.map(|a| a.to_string()).unwrap_or_default(),
        format!("{}:{}", r.file, r.line),
    ]
}

fn table(rows: &[&Rate]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        "provider",
        "model",
        "from",
        "to",
        "input",
        "output",
        "cache read",
        "cache write",
        "write 1h",
        "tier",
        "above",
        "source",
    ]);
    for r in rows {
        t.add_row([
            r.provider.clone(),
            r.model.clone(),
            r.from.map(format_day).unwrap_or_default(),
            r.to.map(format_day).unwrap_or_default(),
            r.input.display_per_mtok(),
            r.output.display_per_mtok(),
            r.cache_read.display_per_mtok(),
            r.cache_write.display_per_mtok(),
            r.cache_write_1h.display_per_mtok(),
            r.tier.clone().unwrap_or_default(),
            r.above.map(|a| a.to_string()).unwrap_or_default(),
            format!("{}:{}", r.file, r.line),
        ]);
    }
    t
}

/// Rate-card model ids nearest `model` by edit distance over the whole
/// card (`gpt4o` -> `gpt-4o`), else those sharing its longest prefix.
fn nearest(card: &crate::price::card::RateCard, model: &str) -> Vec<String> {
    let mut ids: Vec<&str> = card.rows().iter().map(|r| r.model.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let close = crate::hints::nearest(model, ids.iter().copied(), 5);
    if !close.is_empty() {
        return close.into_iter().map(str::to_string).collect();
    }
    let common = |a: &str| {
        a.chars()
            .zip(model.chars())
            .take_while(|(x, y)| x == y)
            .count()
    };
    let best = ids.iter().map(|m| common(m)).max().unwrap_or(0);
    if best < 3 {
        return Vec::new();
    }
    ids.into_iter()
        .filter(|m| common(m) == best)
        .take(5)
        .map(str::to_string)
        .collect()
}
