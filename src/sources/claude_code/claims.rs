//! What Claude Code's parsers of one run share: the responses seen across
//! every transcript, so a response copied into another file counts once.
//! A leaf, so the run scratch of every source can hold it.

use std::sync::RwLock;

use rustc_hash::FxHashMap;

pub(super) type KeyHash = (u64, u64);

/// Where the most complete copy of a response was seen in the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Claim {
    pub(super) output: u64,
    pub(super) path: std::sync::Arc<str>,
    pub(super) line: u64,
}

impl Claim {
    /// Returns true if and only if `self` beats `other`: more output
    /// tokens; on a tie the earlier file, and within a file the later line.
    pub(super) fn beats(&self, other: &Claim) -> bool {
        (self.output, std::cmp::Reverse(&*self.path), self.line)
            > (other.output, std::cmp::Reverse(&*other.path), other.line)
    }
}

/// Responses seen across every transcript of one run, filled by
/// `Parser::prepare` before any file is parsed, so a response copied into
/// another file (a resumed session) is counted once, whatever order the
/// files are processed in.
#[derive(Debug, Default)]
pub struct Claims(pub(super) RwLock<FxHashMap<KeyHash, Claim>>);
