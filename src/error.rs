//! Fatal errors, one enum per domain. Row-level problems are never errors:
//! they are counted in the ledger.

pub use crate::price::card::RateCardError;

/// A bad command line or configuration: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// A flag value that cannot be used.
    #[error("{flag}: {message}")]
    BadValue {
        /// The flag, e.g. `--month`.
        flag: &'static str,
        /// What is wrong and what is valid.
        message: String,
    },
}

/// No input could be read: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Every path failed.
    #[error("no input could be read:\n{0}")]
    NothingReadable(String),
}
