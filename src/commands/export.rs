//! `llmspend export`: priced usage as a FOCUS 1.2 dataset (one row per
//! charge; docs/focus.md) or as llmspend's own records (one row per usage
//! record), in CSV or Parquet. Reads like `report` (same filters, rate
//! card, owners, dedupe) through its own consumer of priced records, and
//! prints report's accounting on stderr, plus the rows written.

use crate::cli::ExportArgs;
use crate::config::Config;
use crate::dimension::Dimension;
use crate::exit::ExitStatus;
use crate::export::records::Rows;
use crate::export::{focus, parquet, table, ExportOptions};
use crate::input;
use crate::output::{self, Output};
use crate::pipeline;
use crate::record::Field;
use crate::render;
use crate::render::sanitize::terminal;
use crate::report::Report;
use crate::sink::charges::{ChargePlan, ChargeTally};

/// Runs `export`.
pub fn run(args: ExportArgs) -> anyhow::Result<ExitStatus> {
    let (mut config, options) = Config::from_export(args)?;
    let (report, table) = build(&config, &options)?;
    super::report::write_accounting(config.accounting.as_deref(), &report)?;
    let out = std::mem::replace(&mut config.output, Output::stdout());
    let path = out.path().map(|p| p.display().to_string());
    let rows = table.rows.len();
    out.write(|w| match options.format.is_parquet() {
        true => parquet::write(&table, w),
        false => table::write_csv(&table, w),
    })?;
    output::stderr(|w| {
        render::summary::write(&report, w)?;
        let what = if options.format.is_focus() {
            "FOCUS 1.2 charge rows"
        } else {
            "record rows"
        };
        match &path {
            Some(p) => writeln!(w, "wrote {rows} {what} to {}", terminal(p)),
            None => writeln!(w, "wrote {rows} {what} to standard output"),
        }
    })?;
    Ok(ExitStatus::Success)
}

/// Reads the inputs of a resolved config into the report (for the
/// accounting) and the table to write.
pub fn build(config: &Config, options: &ExportOptions) -> anyhow::Result<(Report, table::Table)> {
    let (inputs, problems) = input::discover(&config.paths);
    let also_read: Vec<Field> = if options.format.is_focus() {
        let mut f = vec![Field::Project];
        f.extend(options.tags.iter().filter_map(|d| d.field()));
        f
    } else {
        Field::ALL.to_vec()
    };
    let route = Dimension::Route;
    let route_used = options.format.is_focus() && options.tags.contains(&route)
        || !options.format.is_focus()
        || config.wheres.iter().any(|w| w.dim == route)
        || config.owners.as_ref().is_some_and(|m| m.has_routes());
    let mut plan = super::report::plan(config);
    plan.reported_cost = false;
    plan.also_read = also_read;
    let a = &mut plan.attribution;
    a.offender_dims = Vec::new();
    a.route_templates = config.route_templates && route_used;
    a.track_origin = config.owners.is_some();
    a.value_fields = Vec::new();
    let (partial, table) = if options.format.is_focus() {
        let charges = ChargePlan {
            tags: options.tags.clone(),
            period: options.period,
        };
        let consumer = ChargeTally {
            plan: &plan,
            charges: &charges,
        };
        let run = pipeline::run(&inputs, &plan, &config.read, &consumer)?;
        let names: Vec<&str> = options.tags.iter().map(|d| d.name()).collect();
        run.into_partial(&plan, |out| {
            let table = focus::rows(&out.charges, &config.card, &names, options.period);
            (out.sums, table)
        })
    } else {
        let consumer = Rows::new(&plan);
        let run = pipeline::run(&inputs, &plan, &config.read, &consumer)?;
        run.into_partial(&plan, |mut out| {
            let sums = std::mem::take(&mut out.sums);
            (sums, out.into_table())
        })
    };
    let report = super::report::checked(partial, problems)?.finish();
    Ok((report, table))
}
