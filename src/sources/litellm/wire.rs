//! A `LiteLLM_SpendLogs` row as the adapter reads it: the wire structs that
//! serde fills (and the scanner reader fills the same way), and JSON held
//! either inline or as text. Unknown keys are skipped unbuilt.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, value::MapAccessDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::parse::attribution::Picked;
use crate::parse::json::Val;
use crate::parse::usage::{CacheDetails, Usage};
use crate::record::Reason;

/// The source's name, as its records carry it.
pub(super) const NAME: &str = "litellm";

/// One row of either shape; unknown keys are skipped unbuilt.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Row<'a> {
    #[serde(borrow)]
    pub(super) request_id: Val<'a>,
    #[serde(borrow)]
    pub(super) id: Val<'a>,
    #[serde(borrow, rename = "startTime")]
    pub(super) start_time: Val<'a>,
    #[serde(borrow)]
    pub(super) spend: Val<'a>,
    #[serde(borrow)]
    pub(super) response_cost: Val<'a>,
    #[serde(borrow)]
    pub(super) prompt_tokens: Val<'a>,
    #[serde(borrow)]
    pub(super) completion_tokens: Val<'a>,
    #[serde(borrow)]
    pub(super) model: Val<'a>,
    #[serde(borrow)]
    pub(super) model_group: Val<'a>,
    #[serde(borrow)]
    pub(super) custom_llm_provider: Val<'a>,
    #[serde(borrow)]
    pub(super) user: Val<'a>,
    #[serde(borrow)]
    pub(super) end_user: Val<'a>,
    #[serde(borrow)]
    pub(super) team_id: Val<'a>,
    #[serde(borrow)]
    pub(super) api_key: Val<'a>,
    #[serde(borrow)]
    pub(super) status: Val<'a>,
    #[serde(borrow)]
    pub(super) cache_hit: Val<'a>,
    #[serde(borrow)]
    pub(super) metadata: Embedded<'a, Meta<'a>>,
    #[serde(borrow)]
    pub(super) request_tags: Embedded<'a, Picked<'a>>,
    #[serde(borrow)]
    pub(super) model_parameters: Option<ModelParams<'a>>,
}

/// `metadata` (SpendLogsMetadata or StandardLoggingMetadata).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Meta<'a> {
    #[serde(borrow)]
    pub(super) user_api_key_alias: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key_team_alias: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key_team_id: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key_hash: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key_user_id: Val<'a>,
    #[serde(borrow)]
    pub(super) user_api_key_end_user_id: Val<'a>,
    #[serde(borrow)]
    pub(super) spend_logs_metadata: Picked<'a>,
    /// The metadata the client sent (`metadata` of the request body).
    #[serde(borrow)]
    pub(super) requester_metadata: Rare<'a>,
    pub(super) usage_object: Option<Usage>,
    pub(super) additional_usage_values: Option<CacheDetails>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ModelParams<'a> {
    #[serde(borrow)]
    pub(super) user: Val<'a>,
}

/// A [`Picked`] that is usually empty, boxed only when it is not: a row
/// stays small (it is moved a few times per line) and one without it
/// allocates nothing.
#[derive(Debug, Default)]
pub(super) struct Rare<'a>(pub(super) Option<Box<Picked<'a>>>);

impl<'a> Rare<'a> {
    pub(super) fn of(picked: Picked<'a>) -> Rare<'a> {
        Rare((!picked.is_empty()).then(|| Box::new(picked)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Rare<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Picked::deserialize(d).map(Rare::of)
    }
}

/// A JSON value held either inline or as JSON text (a CSV cell, or a
/// database export that kept a JSON column as a string).
#[derive(Debug, Default)]
pub(super) enum Embedded<'a, T> {
    #[default]
    Absent,
    Inline(T),
    Text(Cow<'a, str>),
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Embedded<'a, T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EmbeddedVisitor(std::marker::PhantomData))
    }
}

struct EmbeddedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for EmbeddedVisitor<T> {
    type Value = Embedded<'de, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object, array or JSON text")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Embedded::Inline)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Embedded::Inline)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Embedded::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Embedded::Text(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Embedded::Absent)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Embedded::Absent)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Embedded::Absent)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Embedded::Absent)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Embedded::Absent)
    }
}

/// Resolves an embedded value: inline as is, text parsed (blank text and
/// `null` are absent), or the reason it cannot be read.
pub(super) fn resolve<'b, T: Deserialize<'b> + Default>(
    inline: Option<T>,
    text: Option<&'b str>,
    what: &'static str,
) -> Result<T, Reason> {
    if let Some(v) = inline {
        return Ok(v);
    }
    match text.map(str::trim) {
        None | Some("") | Some("null") => Ok(T::default()),
        Some(t) => serde_json::from_str(t).map_err(|_| Reason::Other(what)),
    }
}

impl<'a, T> Embedded<'a, T> {
    pub(super) fn split(self) -> (Option<T>, Option<Cow<'a, str>>) {
        match self {
            Embedded::Absent => (None, None),
            Embedded::Inline(v) => (Some(v), None),
            Embedded::Text(t) => (None, Some(t)),
        }
    }
}
