use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = llmspend::Cli::parse();
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
