//! The learned-key-order line reader: the gateway walk over the
//! [`jscan`](crate::parse::jscan) scanner, making the same decisions as the
//! serde visitors of [`reference`](super::reference) ([`Place`],
//! containers, tag arrays, usage objects) while skipping everything else
//! in place. A line the scanner bails on is read by the serde path.
//!
//! Without `--map` and `--alias` (the common case) what a key means depends
//! only on the key and its nesting level, so the walk guesses keys from the
//! order earlier lines had them ([`KeyOrder`]).

use std::borrow::Cow;
use std::cell::RefCell;

use crate::parse::collect::{Collected, Slot};
use crate::parse::dupkeys::{SeenIds, SeenKeys};

use crate::parse::jscan::{Bail, Cursor, Scan, Token, MAX_DEPTH};
use crate::parse::keyorder::{After, KeyOrder, ROOT};
use crate::parse::scalar::Scalar;
use crate::record::FieldSet;

use super::template::Templates;
use super::typed::Values;

use super::place::{
    composite, key_info, offer_tag, Container, Decision, Descend, GatewayJson, Place, LEVELS,
};
use crate::parse::usage::{Step, UsageCtx, UsageObj, UsageSteps};

/// What a learned key means: in a gateway object, at each nesting level
/// (worked out once, when the key is learned), and in a usage object.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Meaning {
    pub(super) by_level: [Decision; LEVELS],
    /// A bit per level at which the key is read by some run (whatever
    /// fields this one reads): met twice in one object there, it makes the
    /// line malformed (`crate::parse::dupkeys`).
    read_at: u8,
    pub(super) usage: UsageSteps,
}

impl Meaning {
    /// What `key` means when the run reads only `fields`: a value for a
    /// slot it does not read is skipped, not offered.
    fn of(key: &str, fields: FieldSet) -> Meaning {
        let mut by_level = key_info(key).map(|info| info.by_level).unwrap_or_default();
        let mut read_at = 0;
        for (level, decision) in by_level.iter().enumerate() {
            if decision.slot.is_some() || decision.descend.is_some() {
                read_at |= 1 << level;
            }
        }
        for decision in &mut by_level {
            if decision
                .slot
                .is_some_and(|(slot, ..)| !slot.is_read(fields))
            {
                decision.slot = None;
            }
        }
        Meaning {
            by_level,
            read_at,
            usage: UsageSteps::of(key),
        }
    }
}

/// The learned keys of this thread's lines, with the fields their
/// meanings were worked out for.
pub(super) struct Learned {
    fields: FieldSet,
    order: KeyOrder<Meaning>,
}

impl Learned {
    fn new(fields: FieldSet) -> Learned {
        Learned {
            fields,
            order: KeyOrder::new(),
        }
    }

    /// Reads the key at the cursor ([`KeyOrder::key`]), a key not yet
    /// learned meaning what it means for these fields.
    #[inline(always)]
    pub(super) fn key(&mut self, cur: &mut Cursor<'_>, after: After) -> Scan<u16> {
        let fields = self.fields;
        self.order.key(cur, after, |key| Meaning::of(key, fields))
    }

    /// What the key `id` means ([`KeyOrder::meaning`]).
    #[inline(always)]
    pub(super) fn meaning(&self, id: u16) -> &Meaning {
        self.order.meaning(id)
    }

    /// The id of a learned key ([`KeyOrder::id_of`]).
    pub(super) fn id_of(&self, key: &str) -> Option<u16> {
        self.order.id_of(key)
    }
}

thread_local! {
    /// Per worker thread, so the hot path takes no lock.
    static LEARNED: RefCell<(Learned, Templates)> =
        RefCell::new((Learned::new(FieldSet::ALL), Templates::default()));
}

/// This thread's template trie: layouts learned and lines read through a
/// template so far, for tests.
#[cfg(test)]
pub(super) fn template_stats() -> (usize, u32) {
    LEARNED.with_borrow(|(_, templates)| (templates.layouts(), templates.total_hits()))
}

/// Lines read by this thread's typed reader so far, for tests.
#[cfg(test)]
pub(super) fn typed_hits() -> u32 {
    LEARNED.with_borrow(|(_, templates)| templates.total_typed())
}

/// Starts a new window of this thread's templates (see
/// `Templates::new_window`).
#[cfg(test)]
pub(super) fn new_template_window() {
    LEARNED.with_borrow_mut(|(_, templates)| templates.new_window());
}

/// Runs `f` with this thread's templates off: lines are read by the walk
/// alone, for tests comparing the two.
#[cfg(test)]
pub(super) fn without_templates<T>(f: impl FnOnce() -> T) -> T {
    let was = LEARNED.with_borrow_mut(|(_, templates)| templates.set_off(true));
    let result = f();
    LEARNED.with_borrow_mut(|(_, templates)| templates.set_off(was));
    result
}

/// Reads one line into `out`, or bails (leaving `out` partly filled).
pub(super) fn collect<'de>(
    json: &GatewayJson,
    line: &'de [u8],
    out: &mut Collected<'de>,
) -> Scan<()> {
    let mut cur = Cursor::new(line);
    walk(json, &mut cur, out)?;
    cur.finish()
}

/// Reads the line that starts `rest` into `out` and gives its length (up
/// to its `\n` or the end of `rest`), or bails as [`collect`] does.
pub(super) fn collect_line<'de>(
    json: &GatewayJson,
    rest: &'de [u8],
    out: &mut Collected<'de>,
) -> Scan<usize> {
    let mut cur = Cursor::new(rest);
    walk(json, &mut cur, out)?;
    cur.finish_line()
}

/// Reads the line that starts `rest` with the typed reader of this
/// thread's templates into `out` and gives its length (up to its `\n` or
/// the end of `rest`); bails when the typed reader does not read it (the
/// line is then [`collect_line`]'s, from its start).
#[inline]
pub(super) fn typed_line<'de>(
    json: &GatewayJson,
    rest: &'de [u8],
    out: &mut Values<'de>,
) -> Scan<usize> {
    if !(json.maps.is_empty() && json.extra.is_empty()) {
        return Err(Bail);
    }
    LEARNED.with_borrow_mut(|(keys, templates)| {
        if keys.fields != json.fields || !templates.typed_on() {
            return Err(Bail);
        }
        let mut cur = Cursor::new(rest);
        templates.read_typed(&mut cur, out)?;
        cur.finish_line()
    })
}

/// The object that starts the cursor's line, into `out`.
fn walk<'de>(json: &GatewayJson, cur: &mut Cursor<'de>, out: &mut Collected<'de>) -> Scan<()> {
    if json.maps.is_empty() && json.extra.is_empty() {
        LEARNED.with_borrow_mut(|(keys, templates)| {
            // Meanings depend on the fields read: a parser of another run
            // on this thread (tests share rayon's threads) starts afresh.
            if keys.fields != json.fields {
                *keys = Learned::new(json.fields);
                *templates = Templates::default();
            }
            if !templates.on() {
                cur.expect(b'{')?;
                return learned(cur, out, 0, ROOT, keys);
            }
            let start = cur.pos();
            let read = templates.read(cur, out, |cur, out, id, decision| {
                entry(cur, out, id, decision, keys)
            });
            if read.is_ok() {
                return Ok(());
            }
            // Nothing of the attempt is kept (docs/internals.md, templates).
            cur.rewind(start);
            out.clear();
            cur.expect(b'{')?;
            learned(cur, out, 0, ROOT, keys)?;
            templates.learn(cur.since(start), &|key, at| {
                let id = keys.id_of(key)?;
                Some((id, keys.meaning(id).by_level[at]))
            });
            Ok(())
        })
    } else {
        cur.expect(b'{')?;
        object(
            cur,
            out,
            Place::root(&json.maps, &json.extra, json.all_maps()),
        )
    }
}

/// The entries of an object whose `{` was just read, at canonical nesting
/// `level`, under the key `parent`, reading keys through `keys`.
fn learned<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    level: u8,
    parent: u16,
    keys: &mut Learned,
) -> Scan<()> {
    if !cur.first_entry()? {
        return Ok(());
    }
    let mut after = After::open(parent);
    let mut seen = SeenIds::default();
    let at = usize::from(level).min(LEVELS - 1);
    loop {
        let id = keys.key(cur, after)?;
        let meaning = keys.meaning(id);
        // A read key met twice (or not learned, so not comparable by id)
        // is left to the serde reader, which names it.
        if meaning.read_at & (1 << at) != 0 && !seen.first(id) {
            return Err(Bail);
        }
        entry(cur, out, id, meaning.by_level[at], keys)?;
        after = After::entry(id);
        if !cur.next_entry()? {
            return Ok(());
        }
    }
}

/// The value of the key `id`, whose decision at its level is `decision`.
#[inline(always)]
fn entry<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    id: u16,
    decision: Decision,
    keys: &mut Learned,
) -> Scan<()> {
    if decision.slot.is_none() && decision.descend.is_none() {
        return cur.skip_value();
    }
    value(cur, out, &[], decision, |cur, out, descend| {
        match (descend.container, descend.level) {
            (Some(Container::Usage), _) => read_usage(cur, out, |cur, obj| {
                UsageCtx::Root.scan_learned(cur, obj, id, keys)
            }),
            (Some(Container::PromptDetails), _) => read_details(cur, out, |cur, obj| {
                UsageCtx::PromptDetails.scan_learned(cur, obj, id, keys)
            }),
            (Some(Container::CompletionDetails), _) => read_completion(cur, out, |cur, obj| {
                UsageCtx::CompletionDetails.scan_learned(cur, obj, id, keys)
            }),
            (_, Some(level)) => learned(cur, out, level, id, keys),
            // Below a non-container only map paths are followed.
            (_, None) => cur.skip_rest(&Token::Object),
        }
    })
}

/// The entries of an object whose `{` was just read.
fn object<'de>(cur: &mut Cursor<'de>, out: &mut Collected<'de>, place: Place<'_>) -> Scan<()> {
    let mut seen = SeenKeys::default();
    cur.entries(|cur, key| {
        let decision = place.decide(key);
        if decision.slot.is_none() && decision.descend.is_none() {
            return cur.skip_value();
        }
        if !seen.first(key) {
            return Err(Bail);
        }
        value(cur, out, place.extra, decision, |cur, out, descend| {
            if descend.container == Some(Container::Usage) {
                return read_usage(cur, out, |cur, obj| UsageCtx::Root.scan(cur, obj));
            }
            if descend.container == Some(Container::PromptDetails) {
                return read_details(cur, out, |cur, obj| UsageCtx::PromptDetails.scan(cur, obj));
            }
            if descend.container == Some(Container::CompletionDetails) {
                return read_completion(cur, out, |cur, obj| {
                    UsageCtx::CompletionDetails.scan(cur, obj)
                });
            }
            // A `--map` path may lead deep; the reference parser, with its
            // own limit, reads such a line rather than this walk recursing
            // (a debug build's frames would overflow a worker's stack).
            if place.depth + 1 >= MAX_DEPTH as usize {
                return Err(Bail);
            }
            object(
                cur,
                out,
                Place {
                    level: descend.level,
                    mask: descend.mask,
                    depth: place.depth + 1,
                    ..place
                },
            )
        })
    })
}

/// A usage object whose `{` was just read, with `scan`; the first one of
/// a line counts.
fn read_usage<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    scan: impl FnOnce(&mut Cursor<'de>, &mut UsageObj) -> Scan<()>,
) -> Scan<()> {
    let mut usage = UsageObj::default();
    scan(cur, &mut usage)?;
    if out.usage.is_none() {
        out.take_usage(usage.tokens_modal());
    }
    Ok(())
}

/// A top-level `completion_tokens_details` whose `{` was just read, with
/// `scan`: the audio part of the line's `completion_tokens`.
fn read_completion<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    scan: impl FnOnce(&mut Cursor<'de>, &mut UsageObj) -> Scan<()>,
) -> Scan<()> {
    let mut details = UsageObj::default();
    scan(cur, &mut details)?;
    out.completion_audio
        .get_or_insert_with(|| details.completion_audio());
    Ok(())
}

/// A top-level `prompt_tokens_details` whose `{` was just read, with
/// `scan`: the cache counts of the line's cache-inclusive `prompt_tokens`.
fn read_details<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    scan: impl FnOnce(&mut Cursor<'de>, &mut UsageObj) -> Scan<()>,
) -> Scan<()> {
    let mut details = UsageObj::default();
    scan(cur, &mut details)?;
    out.prompt_details
        .get_or_insert_with(|| Box::new(details.prompt_detail()));
    Ok(())
}

/// The value under a key the walk cares about; `nested` walks an object
/// the decision descends into (its `{` read): a container or a usage
/// object. Inlined: the walk and the templates each call it through
/// [`entry`], and a call per value costs about 3% on genlogs' lines.
#[inline(always)]
fn value<'de>(
    cur: &mut Cursor<'de>,
    out: &mut Collected<'de>,
    extra: &[(String, Slot)],
    decision: Decision,
    nested: impl FnOnce(&mut Cursor<'de>, &mut Collected<'de>, Descend) -> Scan<()>,
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
            Some(descend) => nested(cur, out, descend),
        },
        Token::Array => {
            let tags = decision
                .descend
                .filter(|d| d.container == Some(Container::Tags))
                .and_then(|d| d.level);
            match tags {
                Some(level) => cur.items(|cur| match cur.value()? {
                    Token::Scalar(Scalar::Str(tag)) => {
                        offer_tag(out, extra, level, tag);
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

impl UsageCtx {
    /// [`UsageCtx::scan`] with keys read through `keys`, for the object
    /// under the key `parent`.
    pub(super) fn scan_learned(
        self,
        cur: &mut Cursor<'_>,
        obj: &mut UsageObj,
        parent: u16,
        keys: &mut Learned,
    ) -> Scan<()> {
        if self == UsageCtx::InputDetails {
            obj.has_itd = true;
        }
        if !cur.first_entry()? {
            return Ok(());
        }
        let mut after = After::open(parent);
        loop {
            let id = keys.key(cur, after)?;
            let step = keys
                .meaning(id)
                .usage
                .0
                .map_or(Step::Skip, |steps| steps[self as usize]);
            step.take(cur, obj, |ctx, cur, obj| {
                ctx.scan_learned(cur, obj, id, keys)
            })?;
            after = After::entry(id);
            if !cur.next_entry()? {
                return Ok(());
            }
        }
    }
}
