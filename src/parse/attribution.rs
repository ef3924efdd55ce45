//! Attribution fields picked from free-form places: a key/value object
//! (LiteLLM `spend_logs_metadata`, Bedrock `requestMetadata`) or an array
//! of `key:value` tag strings, through the canonical alias table.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::parse::aliases::alias;
use crate::parse::collect::{Collected, Slot};
use crate::parse::jscan::{Cursor, Scan, Token};
use crate::parse::json::{scan_scalar, KeySeed, ScalarSeed};
use crate::parse::scalar::Scalar;
use crate::record::Field;

/// How many canonical entries a [`Picked`] keeps; later ones are dropped.
const PICKED: usize = 12;

/// One entry kept by [`Picked`]: the slot, the alias rank, the alias name
/// and the value.
pub type PickedEntry<'a> = (Field, u8, &'static str, Scalar<'a>);

/// The canonical text fields of a free key/value object (LiteLLM
/// `spend_logs_metadata`, Bedrock `requestMetadata`) or of a tag array of
/// `key:value` strings, found with the alias table. Kept in a
/// fixed array: no allocation per row.
#[derive(Debug, Clone, Default)]
pub struct Picked<'a> {
    entries: [Option<PickedEntry<'a>>; PICKED],
    len: usize,
    /// An attribution key met twice in one object: offered to a
    /// [`Collected`], the row is malformed (docs/sources.md, duplicate
    /// keys). A `key:value` tag string repeated in an array is not a key
    /// and is not counted here.
    dup: Option<&'static str>,
}

/// The canonical attribution field a free-form key names, if any.
/// Model, provider, request id and the like never come from free tags.
pub fn attribution_alias(key: &str) -> Option<(Field, u8, &'static str)> {
    match alias(key.trim())? {
        (
            Slot::Text(
                field @ (Field::Team
                | Field::CostCenter
                | Field::Project
                | Field::Service
                | Field::Route
                | Field::Environment
                | Field::Customer
                | Field::User
                | Field::ApiKey),
            ),
            rank,
            name,
        ) => Some((field, rank, name)),
        _ => None,
    }
}

/// The keys [`Picked`] reads in a free key/value object at `prefix`, per
/// canonical field in the order they win (by rank), from the alias table:
/// for `llmspend sources --fields`.
pub fn picked_paths(prefix: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<(u8, String)>)> = Vec::new();
    for &(key, _, _) in crate::parse::aliases::ALIASES {
        let Some((field, rank, _)) = attribution_alias(key) else {
            continue;
        };
        let path = (rank.min(7), format!("{prefix}.{key}"));
        match out.iter_mut().find(|(f, _)| *f == field.name()) {
            Some((_, paths)) => paths.push(path),
            None => out.push((field.name(), vec![path])),
        }
    }
    out.into_iter()
        .map(|(f, mut paths)| {
            paths.sort_by_key(|(rank, _)| *rank);
            (f, paths.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

impl<'a> Picked<'a> {
    /// [`Picked::push`] of a key of an object: a repeat is noted.
    fn push_key(&mut self, key: &str, value: Scalar<'a>) {
        let Some((_, _, name)) = attribution_alias(key) else {
            return;
        };
        if self.dup.is_none()
            && self.entries[..self.len]
                .iter()
                .flatten()
                .any(|e| e.2 == name)
        {
            self.dup = Some(name);
        }
        self.push(key, value);
    }

    fn push(&mut self, key: &str, value: Scalar<'a>) {
        let Some((field, rank, name)) = attribution_alias(key) else {
            return;
        };
        if self.len < PICKED {
            self.entries[self.len] = Some((field, rank, name, value));
            self.len += 1;
        }
    }

    fn push_tag(&mut self, tag: Cow<'a, str>) {
        let Some(split) = tag.find([':', '=']) else {
            return;
        };
        let value = match &tag {
            Cow::Borrowed(s) => Cow::Borrowed(s[split + 1..].trim()),
            Cow::Owned(s) => Cow::Owned(s[split + 1..].trim().to_string()),
        };
        self.push(&tag[..split], Scalar::Str(value));
    }

    /// Adds a `key:value` tag string (OpenInference `tag.tags`).
    pub fn add_tag(&mut self, tag: Cow<'a, str>) {
        self.push_tag(tag);
    }

    /// Adds a value under a free-form key, when the key names an
    /// attribution field.
    /// A key met twice (in one attribute list) is noted as a repeat.
    pub fn add(&mut self, key: &str, value: Scalar<'a>) {
        self.push_key(key, value);
    }

    /// Returns true if and only if no entry was kept and no repeat noted.
    pub fn is_empty(&self) -> bool {
        self.len == 0 && self.dup.is_none()
    }

    /// Adds every entry of another set.
    pub fn extend(&mut self, other: Picked<'a>) {
        self.dup = self.dup.or(other.dup);
        for (field, rank, name, value) in other.entries.into_iter().flatten() {
            if self.len < PICKED {
                self.entries[self.len] = Some((field, rank, name, value));
                self.len += 1;
            }
        }
    }

    /// The same entries, owning their text.
    pub fn into_owned(self) -> Picked<'static> {
        Picked {
            entries: self.entries.map(|e| {
                e.map(|(f, r, n, v)| {
                    let v = match v {
                        Scalar::Str(s) => Scalar::Str(Cow::Owned(s.into_owned())),
                        Scalar::U64(v) => Scalar::U64(v),
                        Scalar::I64(v) => Scalar::I64(v),
                        Scalar::F64(v) => Scalar::F64(v),
                        Scalar::Bool(v) => Scalar::Bool(v),
                        Scalar::Null => Scalar::Null,
                    };
                    (f, r, n, v)
                })
            }),
            len: self.len,
            dup: self.dup,
        }
    }

    /// Offers a copy of every entry to `out` at `base + rank`.
    pub fn offer_copy(&self, out: &mut Collected<'a>, base: u8) {
        if let Some(key) = self.dup {
            out.duplicate(key);
        }
        for (field, rank, name, value) in self.entries.iter().flatten() {
            out.offer(
                Slot::Text(*field),
                base + (*rank).min(7),
                value.clone(),
                name,
            );
        }
    }

    /// Offers every entry to `out` at `base + rank`.
    pub fn offer(self, out: &mut Collected<'a>, base: u8) {
        if let Some(key) = self.dup {
            out.duplicate(key);
        }
        for (field, rank, name, value) in self.entries.into_iter().flatten() {
            out.offer(Slot::Text(field), base + rank.min(7), value, name);
        }
    }

    /// What [`PickedVisitor`] reads from a value whose start `token` the
    /// scanner read: the attribution keys of an object, the `key:value`
    /// strings of an array, nothing from a scalar.
    pub fn scan_rest(cur: &mut Cursor<'a>, token: Token<'a>) -> Scan<Picked<'a>> {
        let mut p = Picked::default();
        match token {
            Token::Object => cur.entries(|cur, key| match attribution_alias(key) {
                Some((_, _, name)) => {
                    if let Some(v) = scan_scalar(cur)? {
                        p.push_key(name, v);
                    }
                    Ok(())
                }
                None => cur.skip_value(),
            })?,
            Token::Array => cur.items(|cur| {
                if let Some(Scalar::Str(s)) = scan_scalar(cur)? {
                    p.push_tag(s);
                }
                Ok(())
            })?,
            Token::Scalar(_) | Token::Null => {}
        }
        Ok(p)
    }

    /// Reads a JSON array of `key:value` strings held in text (a CSV cell).
    pub fn tags_from_text(text: &'a str) -> Picked<'a> {
        serde_json::from_str::<Tags<'a>>(text)
            .map(|t| t.0)
            .unwrap_or_default()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Picked<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PickedVisitor)
    }
}

struct PickedVisitor;

impl<'de> Visitor<'de> for PickedVisitor {
    type Value = Picked<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of key/value pairs or an array of tags")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut p = Picked::default();
        while let Some(known) = map.next_key_seed(KeySeed(|k: &str| {
            attribution_alias(k).map(|(_, _, name)| name)
        }))? {
            match known {
                Some(name) => {
                    if let Some(v) = map.next_value_seed(ScalarSeed)? {
                        p.push_key(name, v);
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(p)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut p = Picked::default();
        while let Some(item) = seq.next_element_seed(ScalarSeed)? {
            if let Some(Scalar::Str(s)) = item {
                p.push_tag(s);
            }
        }
        Ok(p)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Picked::default())
    }
}

/// A tag array (or an object), read into [`Picked`].
#[derive(Debug, Default)]
pub struct Tags<'a>(pub Picked<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for Tags<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Picked::deserialize(d).map(Tags)
    }
}
