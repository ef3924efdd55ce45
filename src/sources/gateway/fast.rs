//! The gateway walk over the [`jscan`](crate::sources::jscan) scanner: the
//! same decisions as the serde visitors in the parent module ([`Place`],
//! containers, tag arrays, usage objects), made while skipping everything
//! else in place. A line the scanner bails on is read by the serde path.

use std::borrow::Cow;

use crate::sources::collect::{Collected, Scalar};
use crate::sources::jscan::{Cursor, Scan, Token};

use super::usage::{UsageCtx, UsageObj};
use super::{composite, offer_tag, Container, Decision, GatewayJson, Place};

/// Reads one line into `out`, or bails (leaving `out` partly filled).
pub(super) fn collect<'de>(
    json: &GatewayJson,
    line: &'de [u8],
    out: &mut Collected<'de>,
) -> Scan<()> {
    let mut cur = Cursor::new(line);
    cur.expect(b'{')?;
    object(
        &mut cur,
        out,
        Place::root(&json.maps, &json.extra, json.all_maps()),
    )?;
    cur.finish()
}

/// The entries of an object whose `{` was just read.
fn object<'de>(cur: &mut Cursor<'de>, out: &mut Collected<'de>, place: Place<'_>) -> Scan<()> {
    cur.entries(|cur, key| {
        let decision = place.decide(key);
        if decision.slot.is_none() && decision.descend.is_none() {
            return cur.skip_value();
        }
        value(cur, out, place, decision)
    })
}

/// The value under a key the walk cares about.
fn value<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    place: Place<'_>,
    decision: Decision,
) -> Scan<()> {
    let token = cur.value()?;
    match token {
        Token::Scalar(scalar) => {
            if let Some((slot, prio, name)) = decision.slot {
                match scalar {
                    Scalar::Str(Cow::Borrowed(s)) => out.offer_str(slot, prio, s, name),
                    scalar => out.offer(slot, prio, scalar, name),
                }
            }
            Ok(())
        }
        Token::Null => Ok(()),
        Token::Object => match decision.descend {
            None => {
                cur.skip_rest(&token)?;
                composite(out, decision, "{…}");
                Ok(())
            }
            Some(descend) if descend.container == Some(Container::Usage) => {
                let mut usage = UsageObj::default();
                UsageCtx::Root.scan(cur, &mut usage)?;
                if out.usage.is_none() {
                    out.usage = usage.tokens();
                }
                Ok(())
            }
            Some(descend) => object(
                cur,
                out,
                Place {
                    level: descend.level,
                    mask: descend.mask,
                    depth: place.depth + 1,
                    ..place
                },
            ),
        },
        Token::Array => {
            let tags = decision
                .descend
                .filter(|d| d.container == Some(Container::Tags))
                .and_then(|d| d.level);
            match tags {
                Some(level) => cur.items(|cur| match cur.value()? {
                    Token::Scalar(Scalar::Str(tag)) => {
                        offer_tag(out, place.extra, level, tag);
                        Ok(())
                    }
                    Token::Scalar(_) | Token::Null => Ok(()),
                    t @ (Token::Object | Token::Array) => cur.skip_rest(&t),
                }),
                None => {
                    cur.skip_rest(&token)?;
                    composite(out, decision, "[…]");
                    Ok(())
                }
            }
        }
    }
}
