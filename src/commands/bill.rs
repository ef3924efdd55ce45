//! `llmspend bill`: one invoice per customer (or `--by` value) for a
//! month, with margins (docs/design.md, Bill). The group tally of
//! `[by, model]`, turned into invoices.

use crate::bill;
use crate::cli::BillArgs;
use crate::commands::report;
use crate::config::Config;
use crate::exit::ExitStatus;
use crate::output::{self, Output};
use crate::render::{bill as out_bill, summary};

/// Runs `bill`.
pub fn run(args: BillArgs) -> anyhow::Result<ExitStatus> {
    let format = args.format;
    let mut bc = Config::from_bill(args)?;
    let report = report::build(&bc.config)?;
    report::write_accounting(bc.config.accounting.as_deref(), &report)?;
    let bill = bill::invoices(report, &bc.month, &bc.customers, bc.margin, bc.per_model);
    let out = std::mem::replace(&mut bc.config.output, Output::stdout());
    out.write(|w| out_bill::render(format, &bill, w))?;
    if format.is_data() || format == out_bill::BillFormat::Md {
        output::stderr(|w| summary::write(&bill.report, w))?;
    }
    Ok(ExitStatus::Success)
}
