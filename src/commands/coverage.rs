//! `llmspend coverage`: how much of the spend can be attributed, who sends
//! what cannot, and the gates that make it enforceable in CI. Same reading
//! pipeline as `report`; the groups are not needed, the per-field
//! unattributed figures and offenders are.

use std::io::{self, Write};

use crate::cli::CoverageArgs;
use crate::commands::report;
use crate::config::Config;
use crate::exit::ExitStatus;
use crate::gate;
use crate::render::{self, coverage::View};

/// Runs `coverage`.
pub fn run(args: CoverageArgs) -> anyhow::Result<ExitStatus> {
    let config = Config::from_coverage(args)?;
    let report = report::build(&config)?;
    let verdicts = gate::evaluate(&config.gates, &report);
    let view = View {
        report: &report,
        verdicts: &verdicts,
        top: config.top,
    };
    let mut data = Vec::new();
    render::coverage::render(config.format, &view, &mut data)?;
    match &config.output {
        Some((_, file)) => {
            let mut file = file;
            file.write_all(&data)?;
            file.flush()?;
        }
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&data)?;
            stdout.flush()?;
        }
    }
    if config.format.is_data() {
        render::summary::write(&report, &mut io::stderr().lock())?;
    }
    if gate::report_failures(&verdicts, &mut io::stderr().lock())? {
        Ok(ExitStatus::Success)
    } else {
        Ok(ExitStatus::GateFailed)
    }
}
