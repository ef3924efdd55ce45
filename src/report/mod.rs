//! The output model: what a run found, independent of how it was scheduled
//! and of how it is shown.
//!
//! A run produces a [`Partial`]: string-keyed integer sums plus the
//! description of the run (dimensions, required fields, filters, rate-card
//! hash, files read). Partials merge by addition in any order, can be
//! written out and read back (serde), and [`Partial::finish`] turns one
//! into a [`Report`]: groups sorted, line numbers resolved, coverage
//! figures ranked. Renderers, gates and allocation read only a `Report`.

pub mod explain;
mod groupmap;
pub mod jsonl;
mod model;
mod partial;
mod project;
pub mod reconcile;
mod totals;
pub mod warnings;

pub use groupmap::GroupMap;
pub use model::{Coverage, FieldCoverage, Report, Verdict};
pub use partial::{Filters, MergeError, Meta, Partial, RequiredSums, Sums, ValueCounts};
pub use totals::{sort_groups, Causes, Group, GroupValues, Totals, UNATTRIBUTED};
