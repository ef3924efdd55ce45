//! Dispatch: one function per subcommand, nothing else.

pub mod coverage;
pub mod export;
pub mod rates;
pub mod report;
pub mod sources;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Report(args) => report::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Rates(args) => rates::run(args),
        Command::Sources => sources::run(),
        Command::Export(args) => export::run(args),
    }
}
