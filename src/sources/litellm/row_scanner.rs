//! A `LiteLLM_SpendLogs` row read with the [`jscan`](crate::parse::jscan)
//! scanner into the same wire struct ([`Row`]) serde fills, so the rest of
//! the adapter (its `emit`) cannot tell the two apart. The rows
//! are large (a metadata block of a kilobyte and more, most of it keys the
//! adapter never reads) and serde_json scans every string of them one byte
//! class at a time; the scanner skips them in SIMD steps.
//!
//! The scanner gives up (and serde_json reads the line, for its verdict) on
//! anything but the common shape: escapes in a key or in a value that is
//! read, a repeated known key (serde rejects the row), metadata held in an
//! array or model parameters that are neither an object nor null (serde
//! reads an array as a struct's fields in order and rejects a scalar), a
//! line that is not one object, nesting past
//! [`MAX_DEPTH`](crate::parse::jscan::MAX_DEPTH).

use crate::parse::attribution::Picked;
use crate::parse::jscan::{Bail, Cursor, Scan, Token};
use crate::parse::json::{scan_scalar, Val};
use crate::parse::scalar::Scalar;
use crate::parse::usage::{CacheDetails, Usage};
use crate::parse::usage::{UsageCtx, UsageObj};

use super::wire::{Embedded, Meta, ModelParams, Rare, Row};

/// The row in `line`, as [`read_object_as`](crate::parse::json::read_object_as)
/// would give it, or [`Bail`].
pub(super) fn row(line: &[u8]) -> Scan<Row<'_>> {
    let mut cur = Cursor::new(line);
    cur.expect(b'{')?;
    let mut row = Row::default();
    let mut seen = Once::default();
    cur.entries(|cur, key| {
        match key {
            "request_id" => seen.val(0, cur, &mut row.request_id),
            "id" => seen.val(1, cur, &mut row.id),
            "startTime" => seen.val(2, cur, &mut row.start_time),
            "spend" => seen.val(3, cur, &mut row.spend),
            "response_cost" => seen.val(4, cur, &mut row.response_cost),
            "prompt_tokens" => seen.val(5, cur, &mut row.prompt_tokens),
            "completion_tokens" => seen.val(6, cur, &mut row.completion_tokens),
            "model" => seen.val(7, cur, &mut row.model),
            "model_group" => seen.val(8, cur, &mut row.model_group),
            "custom_llm_provider" => seen.val(9, cur, &mut row.custom_llm_provider),
            "user" => seen.val(10, cur, &mut row.user),
            "end_user" => seen.val(11, cur, &mut row.end_user),
            "team_id" => seen.val(12, cur, &mut row.team_id),
            "api_key" => seen.val(13, cur, &mut row.api_key),
            "status" => seen.val(14, cur, &mut row.status),
            "cache_hit" => seen.val(15, cur, &mut row.cache_hit),
            "metadata" => {
                seen.first(16)?;
                row.metadata = match embedded(cur)? {
                    Embedded::Inline(()) => Embedded::Inline(meta(cur)?),
                    Embedded::Text(t) => Embedded::Text(t),
                    Embedded::Absent => Embedded::Absent,
                };
                Ok(())
            }
            "request_tags" => {
                seen.first(17)?;
                row.request_tags = match cur.value()? {
                    t @ (Token::Object | Token::Array) => {
                        Embedded::Inline(Picked::scan_rest(cur, t)?)
                    }
                    Token::Scalar(Scalar::Str(s)) => Embedded::Text(s),
                    Token::Scalar(_) | Token::Null => Embedded::Absent,
                };
                Ok(())
            }
            "model_parameters" => {
                seen.first(18)?;
                row.model_parameters = match cur.value()? {
                    Token::Null => None,
                    Token::Object => Some(model_params(cur)?),
                    // An array (read by position) or a scalar (rejected).
                    _ => return Err(Bail),
                };
                Ok(())
            }
            _ => cur.skip_value(),
        }
    })?;
    cur.finish()?;
    Ok(row)
}

/// The known keys met so far in one object: serde rejects a struct with a
/// repeated field, so a repeat is left to it.
#[derive(Default)]
struct Once(u32);

impl Once {
    fn first(&mut self, bit: u32) -> Scan<()> {
        if self.0 & 1 << bit != 0 {
            return Err(Bail);
        }
        self.0 |= 1 << bit;
        Ok(())
    }

    /// Reads the value of known key number `bit` into `slot`.
    fn val<'a>(&mut self, bit: u32, cur: &mut Cursor<'a>, slot: &mut Val<'a>) -> Scan<()> {
        self.first(bit)?;
        val(cur, slot)
    }
}

/// A scalar field ([`Val`]): strings, numbers and booleans kept; null, an
/// object or an array as absent (as `Val`'s serde reading, over the same
/// [`scan_scalar`]).
fn val<'a>(cur: &mut Cursor<'a>, slot: &mut Val<'a>) -> Scan<()> {
    *slot = Val(scan_scalar(cur)?.filter(|s| !matches!(s, Scalar::Null)));
    Ok(())
}

/// What an [`Embedded`] value is: an object (its `{` read, the contents
/// still to read), JSON text, or absent (null, a number or a boolean). An
/// array (read by serde as a struct's fields in order) is left to serde.
fn embedded<'a>(cur: &mut Cursor<'a>) -> Scan<Embedded<'a, ()>> {
    Ok(match cur.value()? {
        Token::Object => Embedded::Inline(()),
        Token::Array => return Err(Bail),
        Token::Scalar(Scalar::Str(s)) => Embedded::Text(s),
        Token::Scalar(_) | Token::Null => Embedded::Absent,
    })
}

/// A `metadata` object held in JSON text (a CSV cell), as serde reads it
/// there, or [`Bail`] (also for blank text and `null`, which serde's caller
/// takes as absent).
pub(super) fn meta_of_text(text: &str) -> Scan<Meta<'_>> {
    let mut cur = Cursor::new(text.as_bytes());
    cur.expect(b'{')?;
    let m = meta(&mut cur)?;
    cur.finish()?;
    Ok(m)
}

/// The entries of a `metadata` object whose `{` was read.
fn meta<'a>(cur: &mut Cursor<'a>) -> Scan<Meta<'a>> {
    let mut m = Meta::default();
    let mut seen = Once::default();
    cur.entries(|cur, key| match key {
        "user_api_key_alias" => seen.val(0, cur, &mut m.user_api_key_alias),
        "user_api_key_team_alias" => seen.val(1, cur, &mut m.user_api_key_team_alias),
        "user_api_key_team_id" => seen.val(2, cur, &mut m.user_api_key_team_id),
        "user_api_key_hash" => seen.val(3, cur, &mut m.user_api_key_hash),
        "user_api_key" => seen.val(4, cur, &mut m.user_api_key),
        "user_api_key_user_id" => seen.val(5, cur, &mut m.user_api_key_user_id),
        "user_api_key_end_user_id" => seen.val(6, cur, &mut m.user_api_key_end_user_id),
        "spend_logs_metadata" => {
            seen.first(7)?;
            let token = cur.value()?;
            m.spend_logs_metadata = Picked::scan_rest(cur, token)?;
            Ok(())
        }
        "usage_object" => {
            seen.first(8)?;
            m.usage_object = usage(cur)?.map(|obj| Usage::of(&obj));
            Ok(())
        }
        "additional_usage_values" => {
            seen.first(9)?;
            m.additional_usage_values = usage(cur)?.map(|obj| CacheDetails(obj.cache_detail()));
            Ok(())
        }
        "requester_metadata" => {
            seen.first(10)?;
            let token = cur.value()?;
            m.requester_metadata = Rare::of(Picked::scan_rest(cur, token)?);
            Ok(())
        }
        _ => cur.skip_value(),
    })?;
    Ok(m)
}

/// An optional usage object's counts: `None` for null; any other value but
/// an object holds no count (as serde's reading of it).
fn usage(cur: &mut Cursor<'_>) -> Scan<Option<UsageObj>> {
    let mut obj = UsageObj::default();
    match cur.value()? {
        Token::Null => return Ok(None),
        Token::Object => UsageCtx::Root.scan(cur, &mut obj)?,
        t @ Token::Array => cur.skip_rest(&t)?,
        Token::Scalar(_) => {}
    }
    Ok(Some(obj))
}

/// The entries of a `model_parameters` object whose `{` was read.
fn model_params<'a>(cur: &mut Cursor<'a>) -> Scan<ModelParams<'a>> {
    let mut p = ModelParams::default();
    let mut seen = Once::default();
    cur.entries(|cur, key| match key {
        "user" => seen.val(0, cur, &mut p.user),
        _ => cur.skip_value(),
    })?;
    Ok(p)
}
