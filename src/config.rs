//! `ReportArgs` -> `Config`: every flag parsed and validated, the rate card
//! loaded and merged, the output file opened, all before any log is read
//! (fail fast). Everything after this sees only `Config`.

use std::fs::File;
use std::path::PathBuf;

use anyhow::Context;

use crate::aggregate::Dimension;
use crate::cli::{InputArgs, ReportArgs};
use crate::error::UsageError;
use crate::filter::{parse_bound, Where, Window};
use crate::input::chunk::CHUNK_BYTES;
use crate::pipeline::ReadOptions;
use crate::price::card::RateCard;
use crate::render::Format;
use crate::sources::collect::Slot;
use crate::sources::{self, SourceOptions};

/// A resolved `report` invocation.
pub struct Config {
    /// Paths as given.
    pub paths: Vec<PathBuf>,
    /// `--by`.
    pub dims: Vec<Dimension>,
    /// The time window.
    pub window: Window,
    /// `--where`.
    pub wheres: Vec<Where>,
    /// Seconds east of UTC for time groups.
    pub tz_offset: i64,
    /// The merged rate card.
    pub card: RateCard,
    /// How to read.
    pub read: ReadOptions,
    /// Longest line accepted.
    pub max_line_bytes: usize,
    /// Output format.
    pub format: Format,
    /// The output file, already created, or `None` for stdout.
    pub output: Option<(PathBuf, File)>,
    /// `--quiet`.
    pub quiet: bool,
}

fn bad(flag: &'static str, message: impl Into<String>) -> anyhow::Error {
    UsageError::BadValue {
        flag,
        message: message.into(),
    }
    .into()
}

/// Loads the embedded card plus `--rates`.
pub fn load_card(rates: Option<&PathBuf>) -> anyhow::Result<RateCard> {
    let mut card = RateCard::embedded().context("the embedded rate card is invalid")?;
    if let Some(path) = rates {
        card.add_path(path)
            .with_context(|| format!("while reading --rates {}", path.display()))?;
    }
    Ok(card)
}

/// Parses `--tz`: `UTC`, `Z`, or a fixed offset `+HH:MM` / `-HHMM`.
pub fn parse_tz(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i64, i64) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

fn source_options(input: &InputArgs) -> anyhow::Result<SourceOptions> {
    let mut map = Vec::new();
    for m in &input.maps {
        let (field, path) = m
            .split_once('=')
            .ok_or_else(|| bad("--map", format!("`{m}` is not FIELD=PATH")))?;
        let slot = Slot::from_name(field.trim()).ok_or_else(|| {
            bad(
                "--map",
                format!(
                    "unknown field `{field}`; fields are {}",
                    Slot::names().join(", ")
                ),
            )
        })?;
        if path.trim().is_empty() || path.split('.').any(str::is_empty) {
            return Err(bad("--map", format!("`{path}` is not a dotted path")));
        }
        map.push((slot, path.trim().to_string()));
    }
    Ok(SourceOptions {
        map,
        ..SourceOptions::default()
    })
}

impl Config {
    /// Resolves the arguments of `report`.
    pub fn from_args(args: ReportArgs) -> anyhow::Result<Config> {
        let mut dims = Vec::new();
        for d in args.by {
            if dims.contains(&d) {
                return Err(bad("--by", format!("`{d}` is listed twice")));
            }
            dims.push(d);
        }
        let f = &args.filter;
        let mut window = Window::default();
        if let Some(m) = &f.month {
            window =
                Window::month(m).ok_or_else(|| bad("--month", format!("`{m}` is not YYYY-MM")))?;
        }
        if let Some(s) = &f.since {
            let t = parse_bound(s)
                .ok_or_else(|| bad("--since", format!("`{s}` is not a date or timestamp")))?;
            window = window.and(Window {
                since: Some(t),
                until: None,
            });
        }
        if let Some(u) = &f.until {
            let t = parse_bound(u)
                .ok_or_else(|| bad("--until", format!("`{u}` is not a date or timestamp")))?;
            window = window.and(Window {
                since: None,
                until: Some(t),
            });
        }
        let tz_offset = parse_tz(&f.tz).ok_or_else(|| {
            bad(
                "--tz",
                format!("`{}` is not UTC or an offset like +02:00", f.tz),
            )
        })?;
        let source = match &args.input.source {
            None => None,
            Some(name) => Some(sources::by_name(name).ok_or_else(|| {
                bad(
                    "--source",
                    format!(
                        "unknown source `{name}`; sources are {}",
                        sources::names().join(", ")
                    ),
                )
            })?),
        };
        let threads = match args.input.threads {
            Some(0) => return Err(bad("--threads", "must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let card = load_card(args.input.rates.as_ref())?;
        let read = ReadOptions {
            threads,
            source,
            source_options: source_options(&args.input)?,
            chunk_bytes: args.input.chunk_bytes.unwrap_or(CHUNK_BYTES).max(1),
            mmap: !args.input.no_mmap,
            progress: crate::progress::wanted(args.output.quiet),
        };
        let output = match &args.output.output {
            None => None,
            Some(path) => {
                let file = File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                Some((path.clone(), file))
            }
        };
        Ok(Config {
            paths: args.paths,
            dims,
            window,
            wheres: args.filter.wheres,
            tz_offset,
            card,
            read,
            max_line_bytes: args.input.max_line_bytes.max(1),
            format: args.output.format,
            output,
            quiet: args.output.quiet,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_utc_or_fixed_offsets() {
        assert_eq!(parse_tz("UTC"), Some(0));
        assert_eq!(parse_tz("+02:00"), Some(7200));
        assert_eq!(parse_tz("-0530"), Some(-19800));
        assert_eq!(parse_tz("Europe/Berlin"), None);
        assert_eq!(parse_tz("+2"), None);
    }
}
