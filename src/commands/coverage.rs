//! `llmspend coverage`: how much of the spend can be attributed, who sends
//! what cannot, and the gates that make it enforceable in CI. Same reading
//! pipeline as `report`; the groups are not needed, the per-field
//! unattributed figures and offenders are.

use crate::cli::CoverageArgs;
use crate::commands::report;
use crate::config::Config;
use crate::exit::ExitStatus;
use crate::gate;
use crate::output::Output;
use crate::render::{self, coverage::View};

/// Runs `coverage`.
pub fn run(args: CoverageArgs) -> anyhow::Result<ExitStatus> {
    let format = args.format;
    let mut config = Config::from_coverage(args)?;
    let report = report::build(&config)?;
    let verdicts = gate::evaluate(&config.gates, &report);
    let view = View {
        report: &report,
        verdicts: &verdicts,
        top: config.top,
    };
    let out = std::mem::replace(&mut config.output, Output::stdout());
    out.write(|w| render::coverage::render(format, &view, w))?;
    report::conclude(&config, &report, &verdicts, format.is_data())
}
