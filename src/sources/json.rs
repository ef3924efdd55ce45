//! JSON reading helpers shared by the adapters: a scalar visitor that
//! borrows strings from the input, and the one-object-per-line check.
//!
//! Adapters walk JSON with serde visitors over borrowed input, so fields the
//! report never reads are skipped (`IgnoredAny`) without being built, and a
//! string without escapes is never copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::record::Reason;
use crate::sources::collect::Scalar;

/// Deserializes any value as a [`Scalar`]; objects and arrays are skipped
/// and come back as `None`.
pub struct ScalarSeed;

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Option<Scalar<'de>>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<Scalar<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Str(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Str(Cow::Owned(v))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::U64(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(if v >= 0 {
            Scalar::U64(v as u64)
        } else {
            Scalar::I64(v)
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::F64(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Bool(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Null))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// A key classified by a caller-supplied function, without copying it.
pub struct KeySeed<F>(pub F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for KeySeed<F> {
    type Value = T;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_str(KeyVisitor(self.0))
    }
}

struct KeyVisitor<F>(F);

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for KeyVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// Runs a visitor over one JSON object held in `line`, and checks that the
/// line holds exactly that object. Returns the malformed reason otherwise.
///
/// `visit` is called with a deserializer and must deserialize one map from
/// it. The line is read first with sonic-rs (SIMD skipping of values the
/// visitor ignores); if that fails for any reason, `reset` is called and the
/// line is read again with serde_json, whose verdict (and error
/// classification) is the reference. So every line that is not plainly
/// valid JSON gets exactly the serde_json semantics, and the fast path only
/// ever decides lines both parsers accept.
pub fn read_object<'de, V: ObjectVisit<'de>>(line: &'de [u8], visit: &mut V) -> Result<(), Reason> {
    read_object_with(line, visit, true)
}

/// [`read_object`] with serde_json alone: the reference the fast path is
/// tested against.
pub fn read_object_reference<'de, V: ObjectVisit<'de>>(
    line: &'de [u8],
    visit: &mut V,
) -> Result<(), Reason> {
    read_object_with(line, visit, false)
}

fn read_object_with<'de, V: ObjectVisit<'de>>(
    line: &'de [u8],
    visit: &mut V,
    fast: bool,
) -> Result<(), Reason> {
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(_) => {
            // Error path only: tell JSON that is not an object from non-JSON.
            let valid = serde_json::from_slice::<IgnoredAny>(line).is_ok();
            return Err(if valid {
                Reason::NotAnObject
            } else {
                Reason::InvalidJson
            });
        }
        None => return Err(Reason::InvalidJson),
    }
    if fast && fast_path_safe(line) {
        let mut de = sonic_rs::Deserializer::from_slice(line);
        if visit.visit(&mut de).is_ok() && de.end().is_ok() {
            return Ok(());
        }
        visit.reset();
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    visit.visit(&mut de).map_err(classify)?;
    de.end().map_err(|_| Reason::NotAnObject)?;
    Ok(())
}

/// More `{` and `[` than this (anywhere in the line) send it to serde_json.
const MAX_FAST_OPENERS: usize = 64;

/// Returns true if and only if sonic-rs may read the line: it has no
/// backslash, because sonic-rs does not check escapes inside the strings it
/// skips (`"\u44Qb"` passes), and at most [`MAX_FAST_OPENERS`] brackets,
/// because it skips nested values by recursion without a depth limit (a
/// deep line would overflow the stack; serde_json skips them with a loop).
/// Both are rare in logs, and one pass over the line finds them.
fn fast_path_safe(line: &[u8]) -> bool {
    let mut openers = 0;
    for i in memchr::memchr3_iter(b'\\', b'{', b'[', line) {
        if line[i] == b'\\' {
            return false;
        }
        openers += 1;
        if openers > MAX_FAST_OPENERS {
            return false;
        }
    }
    true
}

/// A visit of one JSON object that [`read_object`] can run with either
/// parser (a generic closure, in effect).
pub trait ObjectVisit<'de> {
    /// Deserializes one object from `de`.
    fn visit<D>(&mut self, de: D) -> Result<(), D::Error>
    where
        D: de::Deserializer<'de>;
    /// Forgets everything a failed visit gathered.
    fn reset(&mut self);
}

fn classify(e: serde_json::Error) -> Reason {
    if e.to_string().contains("invalid unicode") || e.to_string().contains("UTF-8") {
        Reason::InvalidUtf8
    } else {
        Reason::InvalidJson
    }
}
