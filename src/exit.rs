//! The one mapping from outcomes to exit codes (docs/design.md, Exit codes).

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: success.
    Success,
    /// 1: a gate the user asked for failed.
    GateFailed,
    /// 2: usage error, invalid rate card or config, or no input readable.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(match s {
            ExitStatus::Success => 0,
            ExitStatus::GateFailed => 1,
            ExitStatus::Error => 2,
        })
    }
}
