//! Dispatch: one function per subcommand, nothing else.

pub mod bill;
pub mod budget;
pub mod config;
pub mod coverage;
pub mod export;
pub mod merge;
pub mod normalize;
pub mod rates;
pub mod report;
pub mod sources;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    crate::settings::load(cli.config.as_deref())?;
    match cli.command {
        Command::Report(args) => report::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Rates(args) => rates::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Sources(args) => sources::run(args.fields),
        Command::Budget(args) => budget::run(args),
        Command::Bill(args) => bill::run(args),
        Command::Export(args) => export::run(args),
        Command::Normalize(args) => normalize::run(args),
        Command::Config => config::run(),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            // Into a buffer: the generator panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "llmspend", &mut script);
            std::io::Write::write_all(&mut std::io::stdout(), &script)?;
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitStatus::Success)
        }
    }
}
