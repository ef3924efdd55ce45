//! A partial as JSON Lines: what `report --format partial` writes and
//! `merge` reads, so that a run per file (a Spark task, a cron job per
//! gateway) can be summed elsewhere to exactly the report of the whole.
//!
//! The lines, in this order:
//! 1. a header: `{"llmspend_partial":1,"schema":…,"version":…,"by":[…],
//!    "rates":…,"tz_offset_seconds":…,"dedupe":…,"filters":{…},"meta":{…}}`;
//!    `meta` is everything two partials must agree on to be added;
//! 2. one line per group, sorted by its values: `{"group":{dim:value|null},
//!    "requests":…, …, "cost_usd":"0.000123456789", …}` with the report's
//!    metric names as integers and money as exact 12-decimal strings (the
//!    unit is the pico-dollar, so nothing is rounded);
//! 3. `{"sums":{…}}`: the rest of the sums (line buckets, malformed samples
//!    with their positions, coverage), the files read and their sources;
//! 4. `{"accounting":{…}}`, the JSON report's accounting of this partial
//!    alone, for people and engines reading it; written last, so a partial
//!    cut short by a killed task is refused rather than summed.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::partial::{Filters, Meta, Partial, Sums};
use super::totals::{GroupValues, Totals};
use crate::dimension::Dimension;
use crate::money::Money;

/// The schema of the lines; a change of meaning is a new version.
pub const SCHEMA: &str = "llmspend.partial.v1";

#[derive(Serialize, Deserialize)]
struct Header {
    llmspend_partial: u32,
    schema: String,
    version: String,
    by: Vec<Dimension>,
    rates: String,
    tz_offset_seconds: i64,
    dedupe: bool,
    filters: Filters,
    meta: Meta,
}

#[derive(Serialize, Deserialize)]
struct Rest {
    files: Vec<String>,
    sources: Vec<(String, String)>,
    unreadable: Vec<(String, String)>,
    sums: Sums,
}

/// Writes `partial`; `accounting` is the JSON report's accounting object
/// of the same partial.
pub fn write(partial: &Partial, accounting: &Value, out: &mut dyn Write) -> io::Result<()> {
    let meta = &partial.meta;
    let header = Header {
        llmspend_partial: 1,
        schema: SCHEMA.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        by: meta.dims.clone(),
        rates: meta.rate_card.clone(),
        tz_offset_seconds: meta.filters.tz_offset,
        dedupe: meta.filters.dedupe,
        filters: meta.filters.clone(),
        meta: meta.clone(),
    };
    line(out, &header)?;
    let mut groups: Vec<(&GroupValues, &Totals)> = partial.sums.groups.iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (values, t) in groups {
        line(out, &group_line(&meta.dims, values, t))?;
    }
    // In one canonical order, so the same sums are the same bytes whatever
    // the threads or the order partials were merged in.
    let mut rest = Rest {
        files: partial.files.clone(),
        sources: partial.sources.clone(),
        unreadable: partial.unreadable.clone(),
        sums: Sums {
            groups: Default::default(),
            ..partial.sums.clone()
        },
    };
    rest.sources.sort();
    rest.unreadable.sort();
    rest.sums.chunk_lines.sort_unstable();
    // Through typed wrappers, not `json!`: a `Value` holds no integer past
    // u64, and sums of aggregated exports can pass it.
    line(out, &SumsLine { sums: rest })?;
    line(out, &AccountingLine { accounting })
}

#[derive(Serialize, Deserialize)]
struct SumsLine {
    sums: Rest,
}

#[derive(Serialize)]
struct AccountingLine<'a> {
    accounting: &'a Value,
}

/// Which line this is, read without parsing the values.
#[derive(Deserialize)]
struct Probe {
    llmspend_partial: Option<serde::de::IgnoredAny>,
    group: Option<serde::de::IgnoredAny>,
    sums: Option<serde::de::IgnoredAny>,
    accounting: Option<serde::de::IgnoredAny>,
}

fn line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

fn group_line(dims: &[Dimension], values: &GroupValues, t: &Totals) -> Value {
    let mut group = Map::new();
    for (d, v) in dims.iter().zip(values) {
        group.insert(
            d.name().into(),
            v.clone().map_or(Value::Null, Value::String),
        );
    }
    let n = |v: u128| Value::Number(serde_json::Number::from(v as u64));
    let big = |v: u128| match u64::try_from(v) {
        Ok(_) => n(v),
        // Past u64 (sums of aggregated exports): a string of digits.
        Err(_) => Value::String(v.to_string()),
    };
    let mut line = serde_json::json!({
        "group": group,
        "requests": big(t.requests),
        "input_tokens": big(t.input_tokens),
        "output_tokens": big(t.output_tokens),
        "cache_read_tokens": big(t.cache_read_tokens),
        "cache_write_tokens": big(t.cache_write_tokens()),
        "cache_write_1h_tokens": big(t.cache_write_1h_tokens),
        "unpriced_requests": big(t.unpriced_requests),
        "cost_usd": t.cost.to_usd_string(12),
        "reported_cost_usd": Money(t.reported_cost).to_usd_string(12),
        "reported_records": big(t.reported_records),
    });
    if !t.causes.is_zero() {
        // Exact signed 12-decimal strings, like the money above.
        let c = t.causes.get();
        let s = |v: i128| Value::String(crate::money::signed_usd(v, 12));
        line["causes"] = serde_json::json!({
            "price_basis_usd": s(c.price_basis),
            "cache_semantics_usd": s(c.cache_semantics),
            "unpriced_usd": s(c.unpriced),
            "rounding_usd": s(c.rounding),
        });
    }
    line
}

/// The causes of a group line (absent: none).
fn read_causes(obj: &Map<String, Value>) -> Result<crate::report::Causes, String> {
    let Some(c) = obj.get("causes") else {
        return Ok(Default::default());
    };
    let part = |key: &str| -> Result<i128, String> {
        c.get(key)
            .and_then(Value::as_str)
            .and_then(|s| {
                let (neg, abs) = match s.strip_prefix('-') {
                    Some(a) => (true, a),
                    None => (false, s),
                };
                let m = Money::from_usd_str(abs)?.0 as i128;
                Some(if neg { -m } else { m })
            })
            .ok_or_else(|| format!("`causes.{key}` is not an exact USD amount"))
    };
    Ok(crate::report::Causes {
        price_basis: part("price_basis_usd")?,
        cache_semantics: part("cache_semantics_usd")?,
        unpriced: part("unpriced_usd")?,
        rounding: part("rounding_usd")?,
    })
}

/// A partial that cannot be read, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// Reads a partial written by [`write`]; `name` names the input in errors
/// (`name:line: why`).
pub fn read(name: &str, text: &str) -> Result<Partial, ReadError> {
    let at = |line: usize, why: &str| ReadError(format!("{name}:{line}: {why}"));
    let mut header: Option<Header> = None;
    let mut partial = Partial::default();
    let mut rest_seen = false;
    let mut ended = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        if ended {
            return Err(at(n, "a line after the accounting line: not one partial"));
        }
        let probe: Probe = serde_json::from_str(raw)
            .map_err(|e| at(n, &format!("not a line of a partial ({e})")))?;
        let Some(h) = &header else {
            if probe.llmspend_partial.is_none() {
                return Err(at(n, "not a partial: the first line is not a partial header (write one with `report --format partial`)"));
            }
            let h: Header =
                serde_json::from_str(raw).map_err(|e| at(n, &format!("bad header: {e}")))?;
            if h.schema != SCHEMA {
                return Err(at(
                    n,
                    &format!("schema `{}`; this llmspend reads `{SCHEMA}`", h.schema),
                ));
            }
            partial.meta = h.meta.clone();
            header = Some(h);
            continue;
        };
        if probe.group.is_some() {
            let value: Value =
                serde_json::from_str(raw).map_err(|e| at(n, &format!("bad group line: {e}")))?;
            let (values, totals) = read_group(
                &h.by,
                &value["group"],
                value.as_object().unwrap_or(&Map::new()),
            )
            .map_err(|why| at(n, &why))?;
            if partial.sums.groups.insert(values, totals).is_some() {
                return Err(at(n, "the same group twice"));
            }
        } else if probe.sums.is_some() {
            let r: SumsLine =
                serde_json::from_str(raw).map_err(|e| at(n, &format!("bad sums line: {e}")))?;
            let r = r.sums;
            let groups = std::mem::take(&mut partial.sums.groups);
            partial.files = r.files;
            partial.sources = r.sources;
            partial.unreadable = r.unreadable;
            partial.sums = Sums { groups, ..r.sums };
            rest_seen = true;
        } else if probe.accounting.is_some() {
            if !rest_seen {
                return Err(at(n, "the accounting line comes before the sums line"));
            }
            ended = true;
        } else {
            return Err(at(
                n,
                "not a line of a partial (expected group, sums or accounting)",
            ));
        }
    }
    if header.is_none() {
        return Err(ReadError(format!("{name}: empty: not a partial")));
    }
    if !ended {
        return Err(ReadError(format!(
            "{name}: no accounting line at the end: the partial was cut short (was its task killed?)"
        )));
    }
    Ok(partial)
}

fn read_group(
    by: &[Dimension],
    group: &Value,
    obj: &Map<String, Value>,
) -> Result<(GroupValues, Totals), String> {
    let Some(group) = group.as_object() else {
        return Err("`group` is not an object".into());
    };
    if group.len() != by.len() {
        return Err(format!(
            "a group of {} values for {} dimensions",
            group.len(),
            by.len()
        ));
    }
    let mut values = Vec::with_capacity(by.len());
    for d in by {
        match group.get(d.name()) {
            Some(Value::Null) => values.push(None),
            Some(Value::String(s)) => values.push(Some(s.clone())),
            _ => return Err(format!("group value `{}` missing or not text", d.name())),
        }
    }
    let int = |key: &str| -> Result<u128, String> {
        match obj.get(key) {
            Some(Value::Number(n)) => n.as_u64().map(u128::from),
            Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| format!("`{key}` is not a non-negative integer"))
    };
    let money = |key: &str| -> Result<Money, String> {
        obj.get(key)
            .and_then(Value::as_str)
            .and_then(Money::from_usd_str)
            .ok_or_else(|| format!("`{key}` is not an exact USD amount"))
    };
    let cache_write = int("cache_write_tokens")?;
    let cache_write_1h = int("cache_write_1h_tokens")?;
    let Some(cache_write_5m) = cache_write.checked_sub(cache_write_1h) else {
        return Err("`cache_write_1h_tokens` exceeds `cache_write_tokens`".into());
    };
    let totals = Totals {
        requests: int("requests")?,
        input_tokens: int("input_tokens")?,
        output_tokens: int("output_tokens")?,
        cache_read_tokens: int("cache_read_tokens")?,
        cache_write_5m_tokens: cache_write_5m,
        cache_write_1h_tokens: cache_write_1h,
        cost: money("cost_usd")?,
        unpriced_requests: int("unpriced_requests")?,
        reported_cost: money("reported_cost_usd")?.0,
        // Absent in partials written before it was added: none counted.
        reported_records: match obj.get("reported_records") {
            None => 0,
            Some(_) => int("reported_records")?,
        },
        causes: read_causes(obj)?.into(),
    };
    Ok((values, totals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Partial {
        let mut p = Partial::default();
        p.meta.dims = vec![Dimension::Team, Dimension::Model];
        p.meta.rate_card = "abc".into();
        p.files = vec!["a.jsonl".into()];
        p.sources = vec![("a.jsonl".into(), "gateway".into())];
        let t = Totals {
            requests: 3,
            input_tokens: u128::from(u64::MAX) + 7,
            cache_write_5m_tokens: 5,
            cache_write_1h_tokens: 2,
            cost: Money(1_234_567),
            reported_cost: 5,
            reported_records: 2,
            ..Totals::default()
        };
        p.sums
            .groups
            .insert(vec![Some("search".into()), None], t.clone());
        p.sums
            .groups
            .insert(vec![None, Some("=cmd".into())], Totals::default());
        p.sums.total = t;
        p.sums.ledger.counts.lines_read = 4;
        p.sums.ledger.counts.parsed = 3;
        p.sums.ledger.counts.malformed = 1;
        p
    }

    fn written(p: &Partial) -> String {
        let mut out = Vec::new();
        write(p, &serde_json::json!({"parsed": 3}), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_partial_reads_back_as_written() {
        let p = sample();
        let text = written(&p);
        assert_eq!(read("p.jsonl", &text).unwrap(), p);
        assert!(text.contains(r#""cost_usd":"0.000001234567""#), "{text}");
        assert!(
            text.contains(r#""input_tokens":"18446744073709551622""#),
            "{text}"
        );
        assert!(text
            .lines()
            .last()
            .unwrap()
            .starts_with(r#"{"accounting":"#));
    }

    #[test]
    fn a_cut_or_foreign_file_is_refused_naming_the_line() {
        let text = written(&sample());
        let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        let err = read("p.jsonl", &cut).unwrap_err().to_string();
        assert!(err.contains("p.jsonl: no accounting line"), "{err}");
        let err = read("x.csv", "team,cost\n").unwrap_err().to_string();
        assert!(err.starts_with("x.csv:1: not a line of a partial"), "{err}");
        let err = read("x.jsonl", "{\"team\":\"a\"}\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.jsonl:1: not a partial"), "{err}");
        let bad = text.replacen(r#""cost_usd":"0.000001234567""#, r#""cost_usd":1.5"#, 1);
        let err = read("p.jsonl", &bad).unwrap_err().to_string();
        assert!(
            err.contains("p.jsonl:") && err.contains("`cost_usd`"),
            "{err}"
        );
        let twice = format!("{text}{}", text.lines().last().unwrap());
        assert!(read("p.jsonl", &twice).is_err());
    }
}
