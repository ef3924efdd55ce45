//! `llmspend budget`: each budget's spent, forecast, share and status as
//! of T, with gates for cron and CI (docs/design.md, Budgets). The order:
//! resolve the config and the budgets file (fail fast), find T (a first
//! run for the latest timestamp when `--as-of` is not given), run the
//! budget tally, evaluate, render, gate.

use anyhow::bail;

use crate::budget::eval::{evaluate, Status};
use crate::budget::period::bounds;
use crate::budget::sink::{BudgetTally, Budgeting, RowSums};
use crate::cli::BudgetArgs;
use crate::commands::report;
use crate::config::Config;
use crate::exit::ExitStatus;
use crate::input;
use crate::output::{self, Output};
use crate::pipeline::{self, Run};
use crate::render::budget::{self as out_budget, View};
use crate::render::summary;
use crate::report::Partial;

/// Runs `budget`.
pub fn run(args: BudgetArgs) -> anyhow::Result<ExitStatus> {
    let format = args.format;
    let mut bc = Config::from_budget(args)?;
    for w in &bc.budgets.warnings {
        eprintln!("llmspend: warning: {w}");
    }
    let config = &bc.config;
    let rows = &bc.budgets.rows;
    let tz = config.tz_offset;
    let (inputs, problems) = input::discover(&config.paths);
    let mut plan = report::plan(config);
    plan.also_read = BudgetTally::fields(rows);
    let as_of = match bc.as_of {
        Some(t) => t,
        None => {
            // T is the latest timestamp: a first run with no rows finds it.
            let finder = BudgetTally::new(&plan, &[], Vec::new(), i64::MAX);
            match pipeline::run(&inputs, &plan, &config.read, &Budgeting(&finder))?
                .done
                .out
                .span
            {
                Some((_, latest)) => latest,
                None => {
                    let problems = input::discover(&config.paths).1;
                    let run = pipeline::run(&inputs, &plan, &config.read, &Budgeting(&finder))?;
                    report::finish(partial(&plan, run).0, problems)?;
                    bail!("no record was read to take the as-of time from; give --as-of");
                }
            }
        }
    };
    let starts = rows.iter().map(|b| bounds(b.period, as_of, tz).0).collect();
    let tally = BudgetTally::new(&plan, rows, starts, as_of);
    let run = pipeline::run(&inputs, &plan, &config.read, &Budgeting(&tally))?;
    let (partial, mut sums, span) = partial(&plan, run);
    sums.resize(rows.len(), RowSums::default());
    let report = report::finish(partial, problems)?;
    report::write_accounting(bc.config.accounting.as_deref(), &report)?;
    let eval = evaluate(&bc.budgets, &sums, span.map(|s| s.0), as_of, tz);
    let view = View {
        eval: &eval,
        report: &report,
        tz_offset: tz,
    };
    let out = std::mem::replace(&mut bc.config.output, Output::stdout());
    out.write(|w| out_budget::render(format, &view, w))?;
    if format.is_data() {
        output::stderr(|w| summary::write(&report, w))?;
    }
    let count = |s: &[Status]| eval.lines.iter().filter(|l| s.contains(&l.status)).count();
    let failed = if bc.fail_forecast && eval.any_forecast_over() {
        Some(format!(
            "--fail-forecast: {} over, {} forecast over",
            count(&[Status::Over]),
            count(&[Status::ForecastOver])
        ))
    } else if bc.fail_over && eval.any_over() {
        Some(format!("--fail-over: {} over", count(&[Status::Over])))
    } else {
        None
    };
    match failed {
        Some(m) => {
            eprintln!("llmspend: budget gate failed: {m}");
            Ok(ExitStatus::GateFailed)
        }
        None => Ok(ExitStatus::Success),
    }
}

type Span = Option<(i64, i64)>;

/// A budget run's partial (the accounting), its per-row sums and span.
fn partial(
    plan: &crate::worker::Plan<'_>,
    run: Run<crate::budget::sink::BudgetSums>,
) -> (Partial, Vec<RowSums>, Span) {
    let (partial, (rows, span)) = run.into_partial(plan, |out| (out.sums, (out.rows, out.span)));
    (partial, rows, span)
}
