//! `llmspend report`: the main job. This file owns the order of the steps:
//! resolve the config (fail fast), discover inputs, run the pipeline,
//! render data to stdout (or `-o`), the summary to stderr for data formats.

use crate::allocate::Allocate;
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::dimension::Dimension;
use crate::error::{InputError, UsageError};
use crate::exit::ExitStatus;
use crate::gate;
use crate::hints;
use crate::input;
use crate::output::{self, Output};
use crate::pipeline;
use crate::record::Field;
use crate::render::sanitize::terminal;
use crate::render::view::View;
use crate::render::{self, ReportFormat};
use crate::report::{jsonl, Partial, Report};
use crate::worker::{AttributionPlan, Plan};

/// Runs `report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitStatus> {
    let format = args.format;
    let (sort, top) = (args.sort, args.top);
    if top.is_some() && !matches!(format, ReportFormat::Table | ReportFormat::Md) {
        return Err(UsageError::BadValue {
            flag: "--top",
            message:
                "folds rows for people: only --format table or md; data formats keep every group"
                    .into(),
        }
        .into());
    }
    if top == Some(0) {
        return Err(UsageError::BadValue {
            flag: "--top",
            message: "must be at least 1".into(),
        }
        .into());
    }
    let mut config = Config::from_args(args)?;
    if format == ReportFormat::Partial && config.zone.fixed().is_none() {
        return Err(UsageError::BadValue {
            flag: "--tz",
            message: "a partial records a fixed offset: use UTC or +HH:MM with --format partial"
                .into(),
        }
        .into());
    }
    if format == ReportFormat::Partial && config.allocate.is_some() {
        return Err(UsageError::BadValue {
            flag: "--allocate-unattributed",
            message: "an estimate is not part of a partial: allocate when the merged partials are rendered".into(),
        }
        .into());
    }
    let partial = partial(&config)?;
    let out = std::mem::replace(&mut config.output, Output::stdout());
    let charts = match format {
        ReportFormat::Html => Some(chart_reports(&config)?),
        _ => None,
    };
    let view = View::for_output(out.path(), sort, top);
    let report = emit(
        format,
        partial,
        Columns {
            allocate: config.allocate,
            reconcile: config.reconcile,
        },
        out,
        config.quiet,
        charts,
        view,
    )?;
    let verdicts = gate::evaluate(&config.gates, &report);
    let status = conclude(&config, &report, &verdicts, format.is_data());
    // The process ends next: freeing millions of groups one allocation at a
    // time would only delay the exit the system reclaims them at anyway.
    std::mem::forget(report);
    status
}

/// The columns a report adds to its groups on request.
pub struct Columns {
    /// `--allocate-unattributed`: the `allocated_cost_usd` estimate.
    pub allocate: Option<Allocate>,
    /// `--show-reported`: the stated cost and the difference.
    pub reconcile: Option<crate::report::reconcile::ReconcileOptions>,
}

/// Writes a partial in `format` to `out` (the partial itself, or the
/// report it finishes to, with the `columns` asked for; an HTML page draws
/// its charts from `charts`, the daily and first-dimension reports, when
/// given), its groups in `view`'s order (a table or Markdown folded to its
/// top rows, a table fit to its width); returns the report, for the
/// summary and the gates.
pub fn emit(
    format: ReportFormat,
    partial: Partial,
    columns: Columns,
    out: Output,
    quiet: bool,
    charts: Option<(Report, Report)>,
    view: View,
) -> anyhow::Result<Report> {
    let path = out.path().map(|p| p.display().to_string());
    let report = match format.renderer() {
        None => {
            let report = partial.clone().finish();
            let accounting = accounting_json(&report)?;
            out.write(|w| jsonl::write(&partial, &accounting, w))?;
            report
        }
        Some(renderer) => {
            let mut report = partial.finish();
            report.reconcile = columns.reconcile;
            if let Some(how) = columns.allocate {
                report.allocated =
                    Some(crate::allocate::allocate(&report.groups, &report.dims, how));
            }
            view.sort(&mut report);
            let people = matches!(format, ReportFormat::Table | ReportFormat::Md);
            let folded = match view.top {
                Some(top) if people && report.groups.len() > top => {
                    let mut shown = report.clone();
                    render::view::fold_top(&mut shown, top);
                    Some(shown)
                }
                _ => None,
            };
            let shown = folded.as_ref().unwrap_or(&report);
            match &charts {
                Some((daily, by_first)) if format == ReportFormat::Html => {
                    let c = render::html::Charts { daily, by_first };
                    out.write(|w| render::html::page::write(&report, Some(&c), w))?;
                }
                _ if format == ReportFormat::Table => {
                    out.write(|w| render::table::Table.render_fit(shown, view.width, w))?
                }
                _ => out.write(|w| renderer.render(shown, w))?,
            }
            report
        }
    };
    if let (ReportFormat::Table, Some(path), false) = (format, path, quiet) {
        eprintln!("wrote {path}");
    }
    Ok(report)
}

/// The `accounting` object of the JSON report, as that renderer writes it.
pub fn accounting_json(report: &Report) -> anyhow::Result<serde_json::Value> {
    // Only the accounting object is written and read back: the groups
    // (millions, with `--by user`) are not rendered for it.
    let json = serde_json::to_vec(&render::json::accounting(report))?;
    Ok(serde_json::from_slice(&json)?)
}

/// `--accounting FILE`: writes the report's accounting JSON to FILE (in
/// place atomically), when asked.
pub fn write_accounting(path: Option<&std::path::Path>, report: &Report) -> anyhow::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let json = accounting_json(report)?;
    Output::create(Some(path))?.write(|w| {
        serde_json::to_writer_pretty(&mut *w, &json)?;
        w.write_all(b"\n")
    })?;
    Ok(())
}

/// After the output is written: the summary on stderr for data formats
/// (only the warnings that change the numbers with `--quiet`), the
/// problems that make the run incomplete, failed gates; then the exit
/// status: 2 if an input was unreadable (unless `--skip-unreadable`) or
/// nothing at all was parsed, else 1 if a gate failed, else 0.
pub fn conclude(
    config: &Config,
    report: &Report,
    verdicts: &[crate::report::Verdict],
    data: bool,
) -> anyhow::Result<ExitStatus> {
    write_accounting(config.accounting.as_deref(), report)?;
    // Lines were read and not one was a record: the numbers are not of
    // the logs. (Empty inputs are an empty period, not an error.)
    let counts = &report.accounting.counts;
    let nothing = counts.records() == 0 && counts.lines_read > counts.blank;
    let maps = &config.read.source_options.map;
    // `--map model=...` found models and not one token count (a cost-only
    // export has none by design, so only when the model was mapped).
    let model_mapped = maps
        .iter()
        .any(|(slot, _)| *slot == crate::parse::collect::Slot::Text(crate::record::Field::Model));
    let no_tokens = !nothing && model_mapped && counts.parsed > 0 && report.totals.tokens() == 0;
    // Looked at again only when a hint needs them (after the run).
    let inputs = if nothing || no_tokens || !maps.is_empty() {
        input::discover(&config.paths).0
    } else {
        Vec::new()
    };
    let inputs = &inputs;
    output::stderr(|w| {
        summary(report, config.quiet, data, w)?;
        for (slot, path) in hints::unmatched_maps(inputs, maps) {
            writeln!(
                w,
                "llmspend: warning: --map {}={} matched no key in the first lines of any input",
                crate::parse::aliases::leak_name(slot),
                terminal(&path)
            )?;
        }
        if nothing {
            render::summary::nothing_parsed(report, &hints::first_keys(inputs, 3), w)?;
        } else if no_tokens {
            // Records with a model and not one token: a model was found
            // (perhaps by --map) and the counts were not.
            writeln!(
                w,
                "llmspend: warning: no token count was found in any of {} records",
                report.totals.requests
            )?;
            render::summary::keys_and_maps(&hints::first_keys(inputs, 3), w)?;
        }
        render::summary::gate_failures(verdicts, w)
    })?;
    let incomplete = !report.accounting.unreadable.is_empty() && !config.skip_unreadable;
    Ok(if incomplete || nothing {
        ExitStatus::Error
    } else if gate::all_passed(verdicts) {
        ExitStatus::Success
    } else {
        ExitStatus::GateFailed
    })
}

/// The summary for stderr: only the warnings that change the numbers
/// with `--quiet`; the whole summary for data formats; for table and md
/// (whose summary is in the output) the problems that make it incomplete.
pub fn summary(
    report: &Report,
    quiet: bool,
    data: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if quiet {
        render::summary::warnings(report, w)
    } else if data {
        render::summary::write(report, w)
    } else {
        render::summary::problems(report, w)
    }
}

/// Exit 1 if a gate failed.
pub fn status(verdicts: &[crate::report::Verdict]) -> ExitStatus {
    if gate::all_passed(verdicts) {
        ExitStatus::Success
    } else {
        ExitStatus::GateFailed
    }
}

/// Reads the inputs of a resolved config into a report.
pub fn build(config: &Config) -> anyhow::Result<Report> {
    Ok(partial(config)?.finish())
}

/// [`checked`], finished into a report.
pub fn finish(partial: Partial, problems: Vec<input::Problem>) -> anyhow::Result<Report> {
    Ok(checked(partial, problems)?.finish())
}

/// Reads the inputs of a resolved config into the run's partial; an error
/// if no input could be read at all.
pub fn partial(config: &Config) -> anyhow::Result<Partial> {
    let (inputs, problems) = input::discover(&config.paths);
    let plan = plan(config);
    let partial = pipeline::tally(&inputs, &plan, &config.read)?;
    checked(partial, problems)
}

/// The plan of a resolved config: what every worker of its run shares.
pub fn plan(config: &Config) -> Plan<'_> {
    Plan {
        dims: config.dims.clone(),
        window: config.window,
        wheres: config.wheres.clone(),
        card: &config.card,
        tz_offset: config.tz_offset,
        zone: config.zone,
        max_line_bytes: config.max_line_bytes,
        reported_cost: config.reported_cost,
        also_read: Vec::new(),
        attribution: AttributionPlan {
            required: config.required.clone(),
            offender_dims: config.offender_dims.clone(),
            dedupe: config.dedupe,
            owners: config.owners.as_ref(),
            owners_override: config.owners_override,
            route_templates: config.route_templates && route_used(config),
            track_origin: config.owners.is_some() || !config.offender_dims.is_empty(),
            normalize_values: config.normalize_values,
            value_fields: config.value_fields(),
        },
    }
}

/// The reports the HTML page's charts are drawn from (docs/design.md,
/// "Report HTML"): the logs read a second time, grouped by the first
/// `--by` dimension and `day`, with the offenders of team and cost_center
/// by service and api_key; and that run rolled up to the first dimension.
/// The page's table and JSON come from the report's own run, so they are
/// exactly those of `--format json`.
fn chart_reports(config: &Config) -> anyhow::Result<(Report, Report)> {
    let first = config.dims.first().copied().unwrap_or(Dimension::Team);
    let dims = if first == Dimension::Day {
        vec![Dimension::Day]
    } else {
        vec![first, Dimension::Day]
    };
    let (inputs, problems) = input::discover(&config.paths);
    let mut plan = plan(config);
    plan.dims = dims;
    let a = &mut plan.attribution;
    a.required = vec![Field::Team, Field::CostCenter];
    a.offender_dims = vec![Dimension::Service, Dimension::ApiKey];
    a.value_fields = Vec::new();
    a.track_origin = true;
    let partial = checked(pipeline::tally(&inputs, &plan, &config.read)?, problems)?;
    let by_first = partial.clone().roll_up(&[first])?.finish();
    Ok((partial.finish(), by_first))
}

/// A run's partial with the inputs discovery could not read listed beside
/// those the run could not; an error when nothing could be read.
pub fn checked(mut partial: Partial, problems: Vec<input::Problem>) -> anyhow::Result<Partial> {
    let mut unreadable: Vec<(String, String)> =
        problems.into_iter().map(|p| (p.path, p.message)).collect();
    unreadable.append(&mut partial.unreadable);
    unreadable.sort();
    partial.unreadable = unreadable;
    if partial.sources.is_empty()
        && !(partial.unreadable.is_empty() && partial.unrecognized.is_empty())
    {
        let mut list: Vec<String> = partial
            .unreadable
            .iter()
            .map(|(p, e)| format!("  {}: {}", terminal(p), terminal(e)))
            .collect();
        list.extend(partial.unrecognized.iter().map(|u| {
            format!(
                "  {}: {} ({})",
                terminal(&u.path),
                terminal(&u.reason),
                terminal(&u.shape)
            )
        }));
        return Err(InputError::NothingReadable(list.join("\n")).into());
    }
    trailers_agree(&partial, |f| partial.files.get(f as usize).cloned())?;
    Ok(partial)
}

/// Normalized JSONL (source `llmspend`) whose trailers carry different
/// rate-card hashes was priced by different cards: its costs do not add
/// up to one report. `name` names a file id, or `None` to say nothing.
pub fn trailers_agree(
    partial: &Partial,
    name: impl Fn(u32) -> Option<String>,
) -> anyhow::Result<()> {
    if let Some([(a, fa), (b, fb)]) = partial.sums.ledger.imported.rates_conflict() {
        let at = |f: u32| name(f).map_or(String::new(), |n| format!("{} ", terminal(&n)));
        anyhow::bail!(
            "normalized JSONL priced with different rate cards: {}(rates_sha256 {a}) and {}(rates_sha256 {b})",
            at(fa),
            at(fb)
        );
    }
    Ok(())
}

/// Returns true if and only if anything reads the route: templates are
/// skipped otherwise (they cost a scan per record).
fn route_used(config: &Config) -> bool {
    let route = Dimension::Route;
    config.dims.contains(&route)
        || config.offender_dims.contains(&route)
        || config.wheres.iter().any(|w| w.dim == route)
        || config.owners.as_ref().is_some_and(|m| m.has_routes())
}
