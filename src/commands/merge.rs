//! `llmspend merge`: partials in, the report of the whole out. Each partial
//! is read whole and checked (a header, group lines, the sums, and the
//! accounting line last), partials of different runs are refused naming
//! both files and what differs, and the sum is rendered by the same code
//! as `report`. The merge numbers files in path order whatever the order or
//! grouping of the partials, so partials of disjoint files give the report
//! of all the files, byte for byte. A request id repeated across partials
//! is counted in each: dedupe runs within a partial's own run.

use std::io::Read;

use anyhow::Context;

use crate::cli::MergeArgs;
use crate::exit::ExitStatus;
use crate::output::{self, Output};
use crate::render::ReportFormat;
use crate::report::{jsonl, Partial};

/// Runs `merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<ExitStatus> {
    if args.format == ReportFormat::Partial && args.allocate_unattributed.is_some() {
        anyhow::bail!(
            "--allocate-unattributed: an estimate is not part of a partial: allocate when the merged partials are rendered"
        );
    }
    let out = Output::create(args.output.output.as_deref())?;
    let mut read: Vec<(String, Partial)> = Vec::new();
    for path in &args.paths {
        let (name, text) = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            ("-".to_string(), text)
        } else {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            (path.display().to_string(), text)
        };
        let partial = jsonl::read(&name, &text)?;
        read.push((name, partial));
    }
    let mut parts = read.into_iter();
    let Some((first_name, mut total)) = parts.next() else {
        anyhow::bail!("no partial was read");
    };
    super::report::trailers_agree(&total, |_| None)
        .map_err(|e| anyhow::anyhow!("{first_name}: {e}"))?;
    for (name, p) in parts {
        total = total
            .merge(p)
            .map_err(|e| anyhow::anyhow!("{first_name} and {name}: {e}"))?;
        super::report::trailers_agree(&total, |_| None)
            .map_err(|e| anyhow::anyhow!("{first_name} and {name}: {e}"))?;
    }
    if !args.by.is_empty() {
        total = total.roll_up(&args.by).context("--by")?;
    }
    let report = super::report::emit(
        args.format,
        total,
        super::report::Columns {
            allocate: args.allocate_unattributed,
            reconcile: crate::config::reconcile_options(&args.reconcile)?,
        },
        out,
        args.output.quiet,
        None,
        crate::render::view::View::for_output(args.output.output.as_deref(), None, None),
    )?;
    super::report::write_accounting(args.output.accounting.as_deref(), &report)?;
    let quiet = args.output.quiet;
    output::stderr(|w| super::report::summary(&report, quiet, args.format.is_data(), w))?;
    // Inputs the partials' runs could not read make the sum incomplete,
    // as they made each run's.
    Ok(if report.accounting.unreadable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
