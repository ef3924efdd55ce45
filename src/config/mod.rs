//! `ReportArgs` -> `Config`: every flag parsed and validated, the rate card
//! loaded and merged, the output file opened, all before any log is read
//! (fail fast). Everything after this sees only `Config`; this is the one
//! library module that reads the command line's types.

use std::path::PathBuf;

use anyhow::Context;

use crate::allocate::Allocate;
use crate::cli::{
    AttributionArgs, BillArgs, BudgetArgs, CoverageArgs, ExportArgs, FilterArgs, GateArgs,
    InputArgs, OutputArgs, ReportArgs,
};
use crate::dimension::Dimension;
use crate::enrich::ownership::OwnerMap;
use crate::error::UsageError;
use crate::filter::{Where, Window};
use crate::gate::{Gates, Pct};
use crate::input::chunk::CHUNK_BYTES;
use crate::output::Output;
use crate::parse::collect::Slot;
use crate::pipeline::ReadOptions;
use crate::price::card::RateCard;
use crate::record::Field;
use crate::render::ReportFormat;
use crate::sources::{self, SourceOptions};

mod commands;

pub use commands::{BillConfig, BudgetConfig};

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
    /// Seconds east of UTC for time groups (0 for a named zone).
    pub tz_offset: i64,
    /// `--tz`: the zone of time groups and of the window's dates.
    pub zone: crate::zone::Zone,
    /// The merged rate card.
    pub card: RateCard,
    /// How to read.
    pub read: ReadOptions,
    /// Longest line accepted.
    pub max_line_bytes: usize,
    /// Sum the costs the sources state (only the JSON report shows them).
    pub reported_cost: bool,
    /// Where the data goes, already opened.
    pub output: Output,
    /// `--quiet`.
    pub quiet: bool,
    /// `--require`: fields every request should carry.
    pub required: Vec<Field>,
    /// Coverage `--by`: how offenders are grouped (empty for `report`).
    pub offender_dims: Vec<Dimension>,
    /// Coverage `--top`.
    pub top: usize,
    /// Count a repeated request id once (not `--no-dedupe`).
    pub dedupe: bool,
    /// `--owners`, loaded.
    pub owners: Option<OwnerMap>,
    /// `--owners-override`.
    pub owners_override: bool,
    /// Fold ids out of routes (not `--raw-routes`).
    pub route_templates: bool,
    /// `--normalize-values`.
    pub normalize_values: bool,
    /// The gates asked for.
    pub gates: Gates,
    /// `report --allocate-unattributed`.
    pub allocate: Option<Allocate>,
    /// `--skip-unreadable`: unreadable inputs do not change the exit code.
    pub skip_unreadable: bool,
    /// `--accounting FILE`: where the run's accounting JSON also goes.
    pub accounting: Option<PathBuf>,
    /// `report --show-reported` (with `--explain-difference`, `--tolerance`).
    pub reconcile: Option<crate::report::reconcile::ReconcileOptions>,
}

/// `--show-reported`, `--explain-difference` and `--tolerance`, checked.
pub fn reconcile_options(
    args: &crate::cli::ReconcileArgs,
) -> anyhow::Result<Option<crate::report::reconcile::ReconcileOptions>> {
    use crate::report::reconcile::{ReconcileOptions, Tolerance};
    if !args.show_reported {
        return Ok(None);
    }
    let tolerance = match &args.tolerance {
        Some(t) => Tolerance::parse(t).map_err(|m| bad("--tolerance", m))?,
        None => Tolerance::default(),
    };
    Ok(Some(ReconcileOptions {
        explain: args.explain_difference,
        tolerance,
    }))
}

/// The argument groups `report` and `coverage` share.
struct Common {
    paths: Vec<PathBuf>,
    filter: FilterArgs,
    input: InputArgs,
    output: OutputArgs,
    attribution: AttributionArgs,
    gates: GateArgs,
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

fn source_options(
    input: &InputArgs,
    attribution: &AttributionArgs,
) -> anyhow::Result<SourceOptions> {
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
    let mut aliases = Vec::new();
    for a in &attribution.aliases {
        let (key, field) = a
            .split_once('=')
            .ok_or_else(|| bad("--alias", format!("`{a}` is not KEY=FIELD")))?;
        let (key, field) = (key.trim(), field.trim());
        let slot = Slot::from_name(field).ok_or_else(|| {
            bad(
                "--alias",
                format!(
                    "unknown field `{field}`; fields are {}",
                    Slot::names().join(", ")
                ),
            )
        })?;
        if key.is_empty() {
            return Err(bad("--alias", format!("`{a}` has an empty KEY")));
        }
        aliases.push((key.to_string(), slot));
    }
    Ok(SourceOptions {
        map,
        aliases,
        correct_known_bugs: input.correct_known_bugs,
        ..SourceOptions::default()
    })
}

fn pct(flag: &'static str, text: &Option<String>) -> anyhow::Result<Option<Pct>> {
    match text {
        None => Ok(None),
        Some(t) => Pct::parse(t).map(Some).ok_or_else(|| {
            bad(
                flag,
                format!("`{t}` is not a percentage from 0 to 100 (at most 3 decimals)"),
            )
        }),
    }
}

fn required_fields(dims: &[Dimension]) -> anyhow::Result<Vec<Field>> {
    let mut out = Vec::new();
    for d in dims {
        let f = d.field().filter(|_| !d.is_time()).ok_or_else(|| {
            bad(
                "--require",
                format!("`{d}` is not a text field of a record"),
            )
        })?;
        if out.contains(&f) {
            return Err(bad("--require", format!("`{d}` is listed twice")));
        }
        out.push(f);
    }
    Ok(out)
}

fn unique_dims(flag: &'static str, by: Vec<Dimension>) -> anyhow::Result<Vec<Dimension>> {
    let mut dims = Vec::new();
    for d in by {
        if dims.contains(&d) {
            return Err(bad(flag, format!("`{d}` is listed twice")));
        }
        dims.push(d);
    }
    Ok(dims)
}

/// The window of `--month`, `--since` and `--until`, dates taken in `zone`.
fn window_of(f: &FilterArgs, zone: crate::zone::Zone) -> anyhow::Result<Window> {
    use crate::zone::{month_of, month_window, now, parse_when};
    let mut window = Window::default();
    let now = now();
    if let Some(m) = &f.month {
        let (y, m) = month_of(m, zone, now).map_err(|e| bad("--month", e))?;
        window = month_window(y, m, zone);
    }
    if let Some(s) = &f.since {
        let t = parse_when(s, zone, now).map_err(|e| bad("--since", e))?;
        window = window.and(Window {
            since: Some(t),
            until: None,
        });
    }
    if let Some(u) = &f.until {
        let t = parse_when(u, zone, now).map_err(|e| bad("--until", e))?;
        window = window.and(Window {
            since: None,
            until: Some(t),
        });
    }
    Ok(window)
}

impl Config {
    /// Resolves the arguments of `report`.
    pub fn from_args(mut args: ReportArgs) -> anyhow::Result<Config> {
        let s = crate::settings::get();
        let (f, g) = (Some(&mut args.filter), Some(&mut args.gates));
        s.apply(&mut args.input, &mut args.attribution, f, g);
        s.apply_by(&mut args.by);
        let dims = unique_dims("--by", args.by)?;
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: args.gates,
        })?;
        config.dims = dims;
        config.allocate = args.allocate_unattributed;
        config.reconcile = reconcile_options(&args.reconcile)?;
        // The HTML page embeds the JSON, so it reads what the JSON shows;
        // a partial carries it for the merged JSON.
        config.reported_cost = config.reconcile.is_some()
            || matches!(
                args.format,
                ReportFormat::Json | ReportFormat::Html | ReportFormat::Partial
            );
        Ok(config)
    }

    /// Resolves the arguments of `coverage`.
    pub fn from_coverage(mut args: CoverageArgs) -> anyhow::Result<Config> {
        let (f, g) = (Some(&mut args.filter), Some(&mut args.gates));
        crate::settings::get().apply(&mut args.input, &mut args.attribution, f, g);
        let offender_dims = unique_dims("--by", args.by)?;
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: args.gates,
        })?;
        config.offender_dims = offender_dims;
        config.top = args.top;
        Ok(config)
    }

    fn resolve(args: Common) -> anyhow::Result<Config> {
        let required = required_fields(&args.gates.require)?;
        let gates = Gates {
            max_unattributed: pct("--max-unattributed", &args.gates.max_unattributed)?,
            basis: Some(args.gates.basis),
            max_malformed: pct("--max-malformed", &args.gates.max_malformed)?,
            fail_on_unpriced: args.gates.fail_on_unpriced,
        };
        let owners = match &args.attribution.owners {
            None => None,
            Some(path) => Some(OwnerMap::load(path)?),
        };
        let f = &args.filter;
        let zone = crate::zone::Zone::parse(&f.tz).ok_or_else(|| {
            bad(
                "--tz",
                format!(
                    "`{}` is not UTC, an offset like +02:00 or a zone name like Europe/Berlin",
                    f.tz
                ),
            )
        })?;
        let window = window_of(f, zone)?;
        if let (Some(s), Some(u)) = (window.since, window.until) {
            if s >= u {
                return Err(bad(
                    "--since",
                    "the window is empty: --since (or --month) is not before --until",
                ));
            }
        }
        let tz_offset = zone.fixed().unwrap_or(0);
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
            source_options: source_options(&args.input, &args.attribution)?,
            chunk_bytes: args.input.chunk_bytes.unwrap_or(CHUNK_BYTES).max(1),
            mmap: !args.input.no_mmap,
            progress: crate::progress::wanted(args.output.quiet),
            stdin_name: args.input.stdin_name.clone(),
        };
        let output = Output::create(args.output.output.as_deref())?;
        Ok(Config {
            paths: args.paths,
            dims: Vec::new(),
            window,
            wheres: args.filter.wheres,
            tz_offset,
            zone,
            card,
            read,
            max_line_bytes: args.input.max_line_bytes.max(1),
            reported_cost: false,
            output,
            quiet: args.output.quiet,
            required,
            offender_dims: Vec::new(),
            top: 10,
            dedupe: !args.attribution.no_dedupe,
            owners,
            owners_override: args.attribution.owners_override,
            route_templates: !args.attribution.raw_routes,
            normalize_values: args.attribution.normalize_values,
            gates,
            allocate: None,
            skip_unreadable: args.input.skip_unreadable,
            accounting: args.output.accounting,
            reconcile: None,
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
