//! JSON reading helpers shared by the adapters: a scalar visitor that
//! borrows strings from the input, and the one-object-per-line check.
//!
//! Adapters walk JSON with serde visitors over borrowed input, so fields the
//! report never reads are skipped (`IgnoredAny`) without being built, and a
//! string without escapes is never copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parse::collect::{Collected, Slot};

use crate::parse::jscan::{Cursor, Scan, Token};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::record::{Ignored, Reason};

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

/// [`ScalarSeed`]'s reading of the next value, with the scanner: null is
/// `Scalar::Null`, an object or an array `None` (skipped).
pub fn scan_scalar<'a>(cur: &mut Cursor<'a>) -> Scan<Option<Scalar<'a>>> {
    Ok(match cur.value()? {
        Token::Scalar(s) => Some(s),
        Token::Null => Some(Scalar::Null),
        t @ (Token::Object | Token::Array) => {
            cur.skip_rest(&t)?;
            None
        }
    })
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
/// (The gateway source reads its lines with the [`jscan`](super::jscan)
/// scanner first and uses [`read_object_reference`] for the rest.)
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
    starts_an_object(line)?;
    if fast && fast_path_safe(line) {
        let mut de = sonic_rs::Deserializer::from_slice(line);
        if visit.visit(&mut de).is_ok() && de.end().is_ok() {
            return Ok(());
        }
        visit.reset();
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    visit.visit(&mut de).map_err(classify)?;
    de.end().map_err(|_| trailing(line))?;
    Ok(())
}

/// Deserializes one JSON object held in `line` into `T` (a borrowed wire
/// struct) with serde_json, checking that the line holds exactly that
/// object. (sonic-rs may copy a line to pad it for SIMD, which would be an
/// allocation per row for the typed adapters; they stay on serde_json.)
pub fn read_object_as<'de, T: serde::Deserialize<'de>>(line: &'de [u8]) -> Result<T, Reason> {
    starts_an_object(line)?;
    // One SIMD check of the whole line, then serde_json reads it as text:
    // from bytes it checks every string on its own, a call per string that
    // weighs on LiteLLM's long rows. A line that is not UTF-8 is read from
    // bytes, for serde_json's verdict.
    match simdutf8::basic::from_utf8(line) {
        Ok(text) => read_all(serde_json::Deserializer::from_str(text), line),
        Err(_) => read_all(serde_json::Deserializer::from_slice(line), line),
    }
}

/// `T` from `de`, which reads `line`, and nothing after it.
fn read_all<'de, R, T>(mut de: serde_json::Deserializer<R>, line: &[u8]) -> Result<T, Reason>
where
    R: serde_json::de::Read<'de>,
    T: serde::Deserialize<'de>,
{
    let value = T::deserialize(&mut de).map_err(classify)?;
    de.end().map_err(|_| trailing(line))?;
    Ok(value)
}

/// Checks that `line` starts a JSON object; otherwise says whether it is
/// other JSON or not JSON at all.
fn starts_an_object(line: &[u8]) -> Result<(), Reason> {
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

/// Error path only: an object followed by more JSON (`{..}{..}`) is not
/// one object; followed by anything else it is invalid JSON.
fn trailing(line: &[u8]) -> Reason {
    let mut values = serde_json::Deserializer::from_slice(line).into_iter::<IgnoredAny>();
    if values.all(|v| v.is_ok()) {
        Reason::NotAnObject
    } else {
        Reason::InvalidJson
    }
}

fn classify(e: serde_json::Error) -> Reason {
    let text = e.to_string();
    if text.contains("recursion limit") {
        // serde_json's limit of 128 nested levels, reached only where a
        // reader descends (skipped values are skipped at any depth).
        Reason::Other("JSON nested deeper than 128 levels")
    } else if let Some(key) = duplicate_field(&text) {
        // A derived wire struct met one of its fields twice.
        Reason::DuplicateKey(crate::parse::aliases::intern(key))
    } else if text.contains("invalid unicode") || text.contains("UTF-8") {
        Reason::InvalidUtf8
    } else {
        Reason::InvalidJson
    }
}

/// `duplicate key` for serde's "duplicate field" error (a derived wire
/// struct met one of its fields twice), else `None`.
pub fn duplicate_key(e: &serde_json::Error) -> Option<Reason> {
    let text = e.to_string();
    duplicate_field(&text).map(|key| Reason::DuplicateKey(crate::parse::aliases::intern(key)))
}

/// The field serde's derived `Deserialize` names in its "duplicate field
/// `NAME`" error.
fn duplicate_field(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("duplicate field `")?;
    Some(&rest[..rest.find('`')?])
}

/// A scalar field of a derived wire struct: `None` when absent, null, an
/// object or an array. Strings are borrowed from the input when they hold
/// no escapes.
#[derive(Debug, Clone, Default)]
pub struct Val<'a>(pub Option<Scalar<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Val<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ScalarSeed
            .deserialize(d)
            .map(|v| Val(v.filter(|s| !matches!(s, Scalar::Null))))
    }
}

impl<'a> Val<'a> {
    /// The value as a token or request count: `None` when absent or an
    /// empty string, the malformed reason (naming `name`) when it is not a
    /// non-negative integer.
    pub fn count(&self, name: &'static str) -> Result<Option<u64>, Reason> {
        match &self.0 {
            None => Ok(None),
            Some(Scalar::Str(s)) if s.trim().is_empty() => Ok(None),
            Some(s) => crate::parse::collect::count_of(name, s.clone()).map(Some),
        }
    }

    /// A text value (CSV cell).
    pub fn text(s: &'a str) -> Val<'a> {
        Val(Some(Scalar::Str(Cow::Borrowed(s))))
    }

    /// Returns true if and only if a non-empty value is present.
    pub fn is_some(&self) -> bool {
        match &self.0 {
            None | Some(Scalar::Null) => false,
            Some(Scalar::Str(s)) => !s.trim().is_empty(),
            Some(_) => true,
        }
    }

    /// The value as text, when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Some(Scalar::Str(s)) if !s.trim().is_empty() => Some(s),
            _ => None,
        }
    }

    /// Offers the value to `out` (nothing when absent).
    pub fn offer(self, out: &mut Collected<'a>, slot: Slot, prio: u8, name: &'static str) {
        if let Some(v) = self.0 {
            out.offer(slot, prio, v, name);
        }
    }
}

/// Returns true if and only if the first non-whitespace byte is `[`.
pub fn is_array_document(head: &[u8]) -> bool {
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Walks a JSON array document, calling `each` with every element's bytes
/// after setting the sink's line to the element's first physical line.
/// A document that is not a JSON array is one malformed unit.
pub fn for_each_element<'a>(
    doc: &'a [u8],
    sink: &mut dyn Sink,
    mut each: impl FnMut(&'a [u8], &mut dyn Sink),
) {
    let elements: Vec<&'a RawValue> = match serde_json::from_slice(doc) {
        Ok(v) => v,
        Err(e) => {
            let reason = if serde_json::from_slice::<IgnoredAny>(doc).is_ok() {
                Reason::Other("not a JSON array of records")
            } else {
                classify(e)
            };
            return sink.malformed(reason);
        }
    };
    if elements.is_empty() {
        return sink.ignored(Ignored::Empty);
    }
    let mut lines = LineCursor::new(doc);
    for raw in elements {
        let bytes = raw.get().as_bytes();
        sink.at_line(lines.line_of(bytes));
        each(bytes, sink);
    }
}

/// Turns positions of sub-slices of a document into physical lines,
/// for positions visited in increasing order.
pub struct LineCursor<'a> {
    doc: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `doc` (line 1).
    pub fn new(doc: &'a [u8]) -> Self {
        LineCursor {
            doc,
            offset: 0,
            line: 1,
        }
    }

    /// The physical line where `part` (a sub-slice of the document) starts.
    pub fn line_of(&mut self, part: &[u8]) -> u64 {
        let start = (part.as_ptr() as usize).wrapping_sub(self.doc.as_ptr() as usize);
        if start <= self.doc.len() && start >= self.offset {
            self.line += memchr::memchr_iter(b'\n', &self.doc[self.offset..start]).count() as u64;
            self.offset = start;
        }
        self.line
    }
}

/// An object field read as `T` when it is an object, and skipped (`None`)
/// when it is anything else, so an unexpected shape (a streamed body that is
/// an array of chunks, a string) never makes the whole row malformed.
#[derive(Debug)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|v| Lenient(Some(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
}

/// A string field of a derived wire struct, borrowed from the input when it
/// holds no escapes (serde's own `Option<Cow<str>>` always copies). `None`
/// when absent, null or not a string.
#[derive(Debug, Clone, Default)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Text(match ScalarSeed.deserialize(d)? {
            Some(Scalar::Str(s)) => Some(s),
            _ => None,
        }))
    }
}

impl Text<'_> {
    /// The text, when present.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}
