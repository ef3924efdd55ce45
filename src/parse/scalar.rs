//! One scalar value as a source delivered it, borrowed from the input when
//! it can be: what the JSON scanner, the serde helpers and the CSV readers
//! all hand to the collector.

use std::borrow::Cow;

/// A scalar value as a source delivered it.
#[derive(Debug, Clone)]
pub enum Scalar<'a> {
    /// A string (JSON string or CSV cell).
    Str(Cow<'a, str>),
    /// A non-negative JSON integer.
    U64(u64),
    /// A negative JSON integer.
    I64(i64),
    /// A JSON float (or an integer too large for u64).
    F64(f64),
    /// A JSON boolean.
    Bool(bool),
    /// JSON null: a missing value.
    Null,
}
