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

/// Runs `read` over one JSON object held in `line`, and checks that the line
/// holds exactly that object. Returns the malformed reason otherwise.
pub fn read_object<'de, T>(
    line: &'de [u8],
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    ) -> serde_json::Result<T>,
) -> Result<T, Reason> {
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
    let mut de = serde_json::Deserializer::from_slice(line);
    let value = read(&mut de).map_err(classify)?;
    de.end().map_err(|_| Reason::NotAnObject)?;
    Ok(value)
}

fn classify(e: serde_json::Error) -> Reason {
    if e.to_string().contains("invalid unicode") || e.to_string().contains("UTF-8") {
        Reason::InvalidUtf8
    } else {
        Reason::InvalidJson
    }
}
