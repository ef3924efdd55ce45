//! `llmspend config`: the effective settings of the config file, each with
//! where it came from; a flag given to another subcommand beats them.

use std::io::Write;

use crate::exit::ExitStatus;

/// Runs `config`.
pub fn run() -> anyhow::Result<ExitStatus> {
    let s = crate::settings::get();
    let mut out = std::io::stdout().lock();
    match &s.path {
        Some(p) => writeln!(out, "config file: {}", p.display())?,
        None => writeln!(
            out,
            "config file: none (llmspend.toml in this folder or a parent, $XDG_CONFIG_HOME/llmspend/config.toml, or --config FILE)"
        )?,
    }
    let rows = s.effective();
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (name, value, from) in rows {
        writeln!(out, "{name:<width$}  {value:<value_width$}  {from}")?;
    }
    writeln!(out, "flags given on the command line beat these")?;
    Ok(ExitStatus::Success)
}
