//! `llmspend report`: the main job. This file owns the order of the steps:
//! resolve the config (fail fast), discover inputs, run the pipeline,
//! render data to stdout (or `-o`), the summary to stderr for data formats.

use crate::cli::ReportArgs;
use crate::config::Config;
use crate::dimension::Dimension;
use crate::error::InputError;
use crate::exit::ExitStatus;
use crate::gate;
use crate::input;
use crate::output::{self, Output};
use crate::pipeline;
use crate::record::Field;
use crate::render::sanitize::terminal;
use crate::render::{self, ReportFormat};
use crate::report::{Partial, Report};
use crate::worker::{AttributionPlan, Plan};

/// Runs `report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitStatus> {
    let format = args.format;
    let mut config = Config::from_args(args)?;
    let mut report = build(&config)?;
    if let Some(how) = config.allocate {
        report.allocated = Some(crate::allocate::allocate(&report.groups, &report.dims, how));
    }
    let out = std::mem::replace(&mut config.output, Output::stdout());
    let path = out.path().map(|p| p.display().to_string());
    if format == ReportFormat::Html {
        let charts = chart_reports(&config)?;
        let c = render::html::Charts {
            daily: &charts.0,
            by_first: &charts.1,
        };
        out.write(|w| render::html::page::write(&report, Some(&c), w))?;
    } else {
        out.write(|w| format.renderer().render(&report, w))?;
    }
    if format.is_data() {
        output::stderr(|w| render::summary::write(&report, w))?;
    }
    if let (ReportFormat::Table, Some(path), false) = (format, path, config.quiet) {
        eprintln!("wrote {path}");
    }
    let verdicts = gate::evaluate(&config.gates, &report);
    output::stderr(|w| render::summary::gate_failures(&verdicts, w))?;
    Ok(status(&verdicts))
}

/// Exit 1 if a gate failed.
pub fn status(verdicts: &[crate::report::Verdict]) -> ExitStatus {
    if gate::all_passed(verdicts) {
        ExitStatus::Success
    } else {
        ExitStatus::GateFailed
    }
}

/// What a run groups by and which unattributed offenders it gathers.
struct Shape {
    dims: Vec<Dimension>,
    required: Vec<Field>,
    offender_dims: Vec<Dimension>,
    value_fields: Vec<Field>,
}

/// Reads the inputs of a resolved config into a report.
pub fn build(config: &Config) -> anyhow::Result<Report> {
    let shape = Shape {
        dims: config.dims.clone(),
        required: config.required.clone(),
        offender_dims: config.offender_dims.clone(),
        value_fields: config.value_fields(),
    };
    Ok(tally(config, shape)?.finish())
}

/// The reports the HTML page's charts are drawn from (docs/design.md,
/// "Report HTML"): the logs read a second time, grouped by the first
/// `--by` dimension and `day`, with the offenders of team and cost_center
/// by service and api_key; and that run projected onto the first
/// dimension. The page's table and JSON come from [`build`] alone, so
/// they are exactly those of `--format json`.
fn chart_reports(config: &Config) -> anyhow::Result<(Report, Report)> {
    let first = config.dims.first().copied().unwrap_or(Dimension::Team);
    let dims = if first == Dimension::Day {
        vec![Dimension::Day]
    } else {
        vec![first, Dimension::Day]
    };
    let shape = Shape {
        dims,
        required: vec![Field::Team, Field::CostCenter],
        offender_dims: vec![Dimension::Service, Dimension::ApiKey],
        value_fields: Vec::new(),
    };
    let partial = tally(config, shape)?;
    let by_first = partial
        .project(&[first])
        .expect("the first dimension is one of the run's")
        .finish();
    Ok((partial.finish(), by_first))
}

/// Runs the pipeline over the config's inputs, grouped as `shape` says.
fn tally(config: &Config, shape: Shape) -> anyhow::Result<Partial> {
    let (inputs, problems) = input::discover(&config.paths);
    let track_origin = config.owners.is_some() || !shape.offender_dims.is_empty();
    let plan = Plan {
        dims: shape.dims,
        window: config.window,
        wheres: config.wheres.clone(),
        card: &config.card,
        tz_offset: config.tz_offset,
        max_line_bytes: config.max_line_bytes,
        reported_cost: config.reported_cost,
        also_read: Vec::new(),
        attribution: AttributionPlan {
            required: shape.required,
            offender_dims: shape.offender_dims,
            dedupe: config.dedupe,
            owners: config.owners.as_ref(),
            owners_override: config.owners_override,
            route_templates: config.route_templates && route_used(config),
            track_origin,
            normalize_values: config.normalize_values,
            value_fields: shape.value_fields,
        },
    };
    let mut partial = pipeline::tally(&inputs, &plan, &config.read)?;
    let mut unreadable: Vec<(String, String)> =
        problems.into_iter().map(|p| (p.path, p.message)).collect();
    unreadable.append(&mut partial.unreadable);
    unreadable.sort();
    partial.unreadable = unreadable;
    if partial.sources.is_empty() && !partial.unreadable.is_empty() {
        let list: Vec<String> = partial
            .unreadable
            .iter()
            .map(|(p, e)| format!("  {}: {}", terminal(p), terminal(e)))
            .collect();
        return Err(InputError::NothingReadable(list.join("\n")).into());
    }
    Ok(partial)
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
