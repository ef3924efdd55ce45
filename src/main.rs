use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = llmspend::Cli::command().get_matches();
    // Which options were typed: they beat the config file.
    llmspend::settings::note_given(&matches);
    let cli = llmspend::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match llmspend::run(cli) {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("llmspend: error: {err:#}");
            llmspend::ExitStatus::Error.into()
        }
    }
}

/// `llmspend report … | head` closing the pipe early is success.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
