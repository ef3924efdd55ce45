//! The serde reader of a gateway line: visitors over serde_json (or
//! sonic-rs, see
//! [`read_object_reference`](crate::parse::json::read_object_reference))
//! that make the decisions of [`Place::decide`]. It is the reference for
//! the values and the malformed reason of every line the learned walk
//! gives up on.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::parse::aliases::intern;
use crate::parse::collect::{Collected, Slot};
use crate::parse::dupkeys::SeenKeys;
use crate::parse::json::{KeySeed, ObjectVisit, ScalarSeed};
use crate::parse::scalar::Scalar;
use crate::parse::usage::{UsageCtx, UsageObj};

use super::place::{composite, offer_tag, Container, Decision, Descend, MapPath, Place};

/// One line's walk, runnable with either parser (see [`read_object`](crate::parse::json::read_object)).
pub(super) struct Visit<'o, 'c, 'de> {
    pub(super) out: &'o mut Collected<'de>,
    pub(super) maps: &'c [MapPath],
    pub(super) extra: &'c [(String, Slot)],
    pub(super) mask: u64,
}

impl<'de> ObjectVisit<'de> for Visit<'_, '_, 'de> {
    fn visit<D: de::Deserializer<'de>>(&mut self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(Node {
            out: &mut *self.out,
            place: Place::root(self.maps, self.extra, self.mask),
        })
    }
    fn reset(&mut self) {
        self.out.clear();
    }
}

/// A JSON object being walked for canonical keys and map paths.
struct Node<'c, 'de> {
    out: &'c mut Collected<'de>,
    place: Place<'c>,
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let place = self.place;
        let mut seen = SeenKeys::default();
        let mut decide = |k: &str| {
            let decision = place.decide(k);
            let read = decision.slot.is_some() || decision.descend.is_some();
            (decision, (read && !seen.first(k)).then(|| intern(k)))
        };
        while let Some((decision, dup)) = map.next_key_seed(KeySeed(&mut decide))? {
            if let Some(key) = dup {
                // Read on to the end, for serde_json's verdict on the rest
                // of the line (invalid JSON is named as such first).
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                self.out.duplicate(key);
                return Ok(());
            }
            if decision.slot.is_none() && decision.descend.is_none() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            map.next_value_seed(Value {
                out: &mut *self.out,
                maps: place.maps,
                extra: place.extra,
                decision,
                depth: place.depth + 1,
            })?;
        }
        Ok(())
    }
}

/// The value under a key: a scalar for a slot, or an object to descend into.
struct Value<'c, 'de> {
    out: &'c mut Collected<'de>,
    maps: &'c [MapPath],
    extra: &'c [(String, Slot)],
    decision: Decision,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Value<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Value<'_, 'de> {
    fn scalar(self, value: Scalar<'de>) {
        if let Some((slot, prio, name)) = self.decision.slot {
            self.out.offer(slot, prio, value, name);
        }
    }

    /// An object or array where a count or a timestamp belongs: offered as
    /// text that no count or timestamp parses, so the record is malformed
    /// ("not an integer", "unreadable timestamp") rather than read as if
    /// the field were missing. Text fields and costs stay missing.
    fn composite(self, shown: &'static str) {
        composite(self.out, self.decision, shown);
    }
}

impl<'de> Visitor<'de> for Value<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.scalar(Scalar::Str(v.into()));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.scalar(Scalar::Str(v.to_string().into()));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::U64(v));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.scalar(if v >= 0 {
            Scalar::U64(v as u64)
        } else {
            Scalar::I64(v)
        });
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::F64(v));
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool(v));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(descend) = self.decision.descend else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            self.composite("{…}");
            return Ok(());
        };
        if descend.container == Some(Container::Usage) {
            let mut usage = UsageObj::default();
            UsageCtx::Root.visit(&mut usage, map)?;
            if self.out.usage.is_none() {
                self.out.take_usage(usage.tokens_modal());
            }
            return Ok(());
        }
        if descend.container == Some(Container::CompletionDetails) {
            let mut details = UsageObj::default();
            UsageCtx::CompletionDetails.visit(&mut details, map)?;
            self.out
                .completion_audio
                .get_or_insert_with(|| details.completion_audio());
            return Ok(());
        }
        if descend.container == Some(Container::PromptDetails) {
            let mut details = UsageObj::default();
            UsageCtx::PromptDetails.visit(&mut details, map)?;
            self.out
                .prompt_details
                .get_or_insert_with(|| Box::new(details.prompt_detail()));
            return Ok(());
        }
        Node {
            out: self.out,
            place: Place {
                maps: self.maps,
                extra: self.extra,
                level: descend.level,
                mask: descend.mask,
                depth: self.depth,
            },
        }
        .visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let is_tags = matches!(
            self.decision.descend,
            Some(Descend {
                container: Some(Container::Tags),
                ..
            })
        );
        let level = self.decision.descend.and_then(|d| d.level);
        match level {
            Some(level) if is_tags => {
                while let Some(item) = seq.next_element_seed(ScalarSeed)? {
                    if let Some(Scalar::Str(s)) = item {
                        offer_tag(self.out, self.extra, level, s);
                    }
                }
            }
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                self.composite("[…]");
            }
        }
        Ok(())
    }
}
