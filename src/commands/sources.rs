//! `llmspend sources`: each adapter, what it reads, how it is recognised.

use std::io::Write;

use crate::exit::ExitStatus;
use crate::sources::REGISTRY;

/// Runs `sources`; with `fields`, each source's key paths per canonical
/// field too.
pub fn run(fields: bool) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    for s in REGISTRY {
        writeln!(
            out,
            "{}\n  reads: {}\n  recognised by: {}",
            s.name(),
            s.about(),
            s.signature()
        )?;
        if fields {
            out.write_all(field_list(s.fields()).as_bytes())?;
        }
    }
    Ok(ExitStatus::Success)
}

/// The `--fields` lines of one source: each field, then its paths in the
/// order tried.
pub fn field_list(fields: Vec<(&'static str, Vec<String>)>) -> String {
    if fields.is_empty() {
        return "  fields: fixed by the format (docs/sources.md)\n".into();
    }
    let mut text = String::from("  fields (key paths in the order tried):\n");
    for (field, paths) in fields {
        text.push_str(&format!("    {field}: {}\n", paths.join(", ")));
    }
    text
}
