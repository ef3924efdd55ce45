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
        // The HTML page embeds the JSON, so it reads what the JSON shows;
        // a partial carries it for the merged JSON.
        config.reported_cost = matches!(
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
        })
    }
}

/// A resolved `budget` invocation: the run's config and the budgets.
pub struct BudgetConfig {
    /// Inputs, filters, rates, owners, output.
    pub config: Config,
    /// The budgets file, checked.
    pub budgets: crate::budget::Budgets,
    /// `--as-of`, parsed (in `--tz` for a date).
    pub as_of: Option<crate::time::Timestamp>,
    /// `--fail-over`.
    pub fail_over: bool,
    /// `--fail-forecast`.
    pub fail_forecast: bool,
}

/// A resolved `bill` invocation.
pub struct BillConfig {
    /// Inputs, filters (the month), rates, owners, output; `dims` is
    /// `[by, model]`.
    pub config: Config,
    /// `--month`, as given.
    pub month: String,
    /// `--customers`, checked.
    pub customers: crate::bill::Customers,
    /// `--margin` in millionths of a percent.
    pub margin: Option<i128>,
    /// `--lines model`.
    pub per_model: bool,
}

/// No gates: `budget` and `bill` have their own.
fn no_gates() -> GateArgs {
    GateArgs {
        require: Vec::new(),
        max_unattributed: None,
        basis: crate::gate::Basis::Requests,
        max_malformed: None,
        fail_on_unpriced: false,
    }
}

impl Config {
    /// Resolves the arguments of `budget`.
    pub fn from_budget(mut args: BudgetArgs) -> anyhow::Result<BudgetConfig> {
        crate::settings::get().apply(&mut args.input, &mut args.attribution, None, None);
        let budgets = crate::budget::file::load(&args.budgets)?;
        let tz = parse_tz(&args.filter.tz);
        if tz.is_none() && crate::zone::Zone::parse(&args.filter.tz).is_some() {
            return Err(bad(
                "--tz",
                "budget periods take UTC or a fixed offset (+02:00), not a zone name",
            ));
        }
        let as_of = match (&args.as_of, tz) {
            (Some(t), Some(tz)) => {
                Some(crate::budget::period::parse_as_of(t, tz).ok_or_else(|| {
                    bad(
                        "--as-of",
                        format!("`{t}` is not an RFC 3339 timestamp or a date"),
                    )
                })?)
            }
            _ => None,
        };
        if as_of.is_none() && args.paths.iter().any(|p| p.as_os_str() == "-") {
            return Err(bad(
                "--as-of",
                "needed when reading standard input: without it the input is read twice",
            ));
        }
        let config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: no_gates(),
        })?;
        Ok(BudgetConfig {
            config,
            budgets,
            as_of,
            fail_over: args.fail_over,
            fail_forecast: args.fail_forecast,
        })
    }

    /// Resolves the arguments of `bill`.
    pub fn from_bill(mut args: BillArgs) -> anyhow::Result<BillConfig> {
        let f = Some(&mut args.filter);
        crate::settings::get().apply(&mut args.input, &mut args.attribution, f, None);
        let Some(month) = args.filter.month.clone() else {
            return Err(bad("--month", "`bill` needs the month to invoice, YYYY-MM"));
        };
        if args.by.is_time() || args.by == Dimension::Model {
            return Err(bad(
                "--by",
                format!(
                    "`{}` cannot be invoiced; use customer, team, project, ...",
                    args.by
                ),
            ));
        }
        let margin = match &args.margin {
            None => None,
            Some(m) => Some(crate::bill::parse_margin(m).map_err(|e| bad("--margin", e))?),
        };
        let customers = match &args.customers {
            None => crate::bill::Customers::default(),
            Some(path) => crate::bill::Customers::load(path)?,
        };
        let by = args.by;
        let per_model = args.lines.is_some();
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: no_gates(),
        })?;
        config.dims = vec![by, Dimension::Model];
        // `last` and `this` are named by the month they are.
        let month = match config.window.since {
            Some(t) if !month.contains('-') => {
                let (y, m, _) = crate::time::civil_from_days(config.zone.local_day(t));
                format!("{y:04}-{m:02}")
            }
            _ => month,
        };
        Ok(BillConfig {
            config,
            month,
            customers,
            margin,
            per_model,
        })
    }
}

impl Config {
    /// Resolves the arguments of `export`: a report's config (its `dims`
    /// are the tags, for the accounting) and the export's own options.
    pub fn from_export(
        mut args: ExportArgs,
    ) -> anyhow::Result<(Config, crate::export::ExportOptions)> {
        crate::settings::get().apply(&mut args.input, &mut args.attribution, None, None);
        let format = args.format;
        let tags = unique_dims("--tags", args.tags)?;
        if let Some(d) = tags.iter().find(|d| d.is_time()) {
            let valid: Vec<&str> = Dimension::ALL
                .iter()
                .filter(|d| !d.is_time())
                .map(|d| d.name())
                .collect();
            return Err(bad(
                "--tags",
                format!(
                    "`{d}` is a period, not a tag; tags are {}",
                    valid.join(", ")
                ),
            ));
        }
        if parse_tz(&args.filter.tz) != Some(0) {
            return Err(bad(
                "--tz",
                "export writes UTC charge periods (FOCUS date/times are UTC); use --period",
            ));
        }
        match args.output.output.as_deref() {
            None if format.is_parquet() => {
                return Err(bad(
                    "--format",
                    format!("{} writes binary Parquet: give -o FILE", format.name()),
                ))
            }
            Some(path) => {
                if let Some(right) = format.contradicted_by(path) {
                    return Err(bad(
                        "-o",
                        format!(
                            "{} does not fit --format {}; for this file use --format {}",
                            path.display(),
                            format.name(),
                            right.name()
                        ),
                    ));
                }
                use std::io::IsTerminal;
                let tty = std::fs::File::open(path).is_ok_and(|f| f.is_terminal());
                if format.is_parquet() && tty {
                    return Err(bad(
                        "-o",
                        format!("{} is a terminal; Parquet is binary", path.display()),
                    ));
                }
            }
            None => {}
        }
        let gates = GateArgs {
            require: vec![Dimension::CostCenter],
            max_unattributed: None,
            basis: crate::gate::Basis::Requests,
            max_malformed: None,
            fail_on_unpriced: false,
        };
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates,
        })?;
        config.dims = tags.clone();
        let options = crate::export::ExportOptions {
            format,
            tags,
            period: args.period,
        };
        Ok((config, options))
    }

    /// The owner fields whose distinct values `coverage` collects to find
    /// inconsistent spellings: team, cost_center and the required owner
    /// fields. None for `report` (it does not show them).
    pub fn value_fields(&self) -> Vec<Field> {
        if self.offender_dims.is_empty() {
            return Vec::new();
        }
        let mut out = vec![Field::Team, Field::CostCenter];
        for f in &self.required {
            if crate::enrich::ownership::OWNERS.contains(f) && !out.contains(f) {
                out.push(*f);
            }
        }
        out
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
