//! `llmspend sources`'s options.

use clap::Args;

/// `llmspend sources`.
#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// Also list, per source, every key path read for each canonical
    /// field, in the order tried.
    #[arg(long)]
    pub fields: bool,
}
