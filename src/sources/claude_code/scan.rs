//! A transcript line read with the scanner ([`crate::parse::jscan`]): it
//! steps over the tool results, thinking blocks and content that make up
//! most of a line's bytes in place, where serde_json walks them through
//! visitor calls. The same [`Line`] comes out as serde would give; on
//! anything the scanner declines (an escape in a value read, a duplicate
//! field, invalid JSON, whitespace it does not take) the caller reads the
//! line with serde_json, whose verdict is the reference.

use crate::parse::jscan::{Bail, Cursor, Scan, Token};
use crate::parse::json::{scan_scalar, Lenient, Text, Val};
use crate::parse::scalar::Scalar;
use crate::parse::usage::{Usage, UsageCtx, UsageObj};

use serde::Deserialize;

/// A transcript line: the fields of a response the source reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Line<'a> {
    #[serde(borrow, rename = "type")]
    pub(super) kind: Text<'a>,
    #[serde(borrow)]
    pub(super) message: Lenient<Message<'a>>,
    /// Older Claude Code versions wrote their own cost estimate.
    #[serde(borrow, rename = "costUSD")]
    pub(super) cost_usd: Val<'a>,
    #[serde(borrow, rename = "requestId")]
    pub(super) request_id: Text<'a>,
    #[serde(borrow)]
    pub(super) timestamp: Text<'a>,
    #[serde(borrow, rename = "sessionId")]
    pub(super) session_id: Text<'a>,
    #[serde(borrow)]
    pub(super) cwd: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Message<'a> {
    #[serde(borrow)]
    pub(super) id: Text<'a>,
    #[serde(borrow)]
    pub(super) model: Text<'a>,
    pub(super) usage: Option<Usage>,
}

/// A string value as [`Text`] reads it: `None` unless a string.
fn text<'a>(cur: &mut Cursor<'a>) -> Scan<Text<'a>> {
    Ok(Text(match scan_scalar(cur)? {
        Some(Scalar::Str(s)) => Some(s),
        _ => None,
    }))
}

/// Marks `bit` as read; a field met twice is serde's `duplicate field`
/// error, left to serde to report.
fn once(seen: &mut u8, bit: u8) -> Scan<()> {
    if *seen & bit != 0 {
        return Err(Bail);
    }
    *seen |= bit;
    Ok(())
}

/// `message`, as [`Lenient`]`<`[`Message`]`>`: an object is read, anything
/// else is `None`.
fn message<'a>(cur: &mut Cursor<'a>) -> Scan<Lenient<Message<'a>>> {
    let token = cur.value()?;
    if !matches!(token, Token::Object) {
        cur.skip_rest(&token)?;
        return Ok(Lenient(None));
    }
    let mut m = Message::default();
    let mut seen = 0u8;
    cur.entries(|cur, key| match key {
        "id" => {
            once(&mut seen, 1)?;
            m.id = text(cur)?;
            Ok(())
        }
        "model" => {
            once(&mut seen, 2)?;
            m.model = text(cur)?;
            Ok(())
        }
        "usage" => {
            once(&mut seen, 4)?;
            // `Option<Usage>`: null is `None`; an object is read; any other
            // value is a usage without counts.
            let token = cur.value()?;
            m.usage = match token {
                Token::Null => None,
                Token::Object => {
                    let mut obj = UsageObj::default();
                    UsageCtx::Root.scan(cur, &mut obj)?;
                    Some(Usage::of(&obj))
                }
                _ => {
                    cur.skip_rest(&token)?;
                    Some(Usage::default())
                }
            };
            Ok(())
        }
        _ => cur.skip_value(),
    })?;
    Ok(Lenient(Some(m)))
}

/// The line as [`Line`], or [`Bail`] to read it with serde_json.
pub(super) fn line(unit: &[u8]) -> Scan<Line<'_>> {
    let mut cur = Cursor::new(unit);
    cur.expect(b'{')?;
    let mut l = Line::default();
    let mut seen = 0u8;
    cur.entries(|cur, key| {
        match key {
            "type" => {
                once(&mut seen, 1)?;
                l.kind = text(cur)?;
            }
            "message" => {
                once(&mut seen, 2)?;
                l.message = message(cur)?;
            }
            "costUSD" => {
                once(&mut seen, 4)?;
                l.cost_usd = Val(scan_scalar(cur)?.filter(|s| !matches!(s, Scalar::Null)));
            }
            "requestId" => {
                once(&mut seen, 8)?;
                l.request_id = text(cur)?;
            }
            "timestamp" => {
                once(&mut seen, 16)?;
                l.timestamp = text(cur)?;
            }
            "sessionId" => {
                once(&mut seen, 32)?;
                l.session_id = text(cur)?;
            }
            "cwd" => {
                once(&mut seen, 64)?;
                l.cwd = text(cur)?;
            }
            _ => cur.skip_value()?,
        }
        Ok(())
    })?;
    cur.finish()?;
    Ok(l)
}

/// Returns true if and only if the line's first top-level `type` is
/// something other than the string `assistant`, as far as the scanner
/// reads: such a line is ignored or malformed, never a response, whatever
/// follows, so the first pass need not read the rest (a `progress` copy's
/// payload, a tool result). False when unsure.
pub(super) fn not_assistant(unit: &[u8]) -> bool {
    let mut cur = Cursor::new(unit);
    let walk = |cur: &mut Cursor<'_>| -> Scan<bool> {
        cur.expect(b'{')?;
        if !cur.first_entry()? {
            return Ok(true);
        }
        loop {
            if cur.key()? == "type" {
                return Ok(match cur.value()? {
                    Token::Scalar(Scalar::Str(s)) => s != "assistant",
                    // Not a string: `type` reads as absent.
                    token => {
                        cur.skip_rest(&token)?;
                        true
                    }
                });
            }
            cur.skip_value()?;
            if !cur.next_entry()? {
                // No `type` at all: not an assistant line either.
                return Ok(true);
            }
        }
    };
    walk(&mut cur).unwrap_or(false)
}
