//! Line templates: the byte layout of the lines a single gateway writes,
//! learned from lines the learned-key walk read, so
//! that a line of the same layout is read with one compare per key and no
//! key lookup (docs/internals.md, templates).
//!
//! A template is the sequence of a line's structural bytes between values
//! (`{"timestamp":`, `,"request_id":`, `,"metadata":{"team":`, `}}`), each
//! with what the walk does with the value that follows: skip it, or read
//! it with the decision of its key at its level. Objects the walk descends
//! into as containers are flattened into their parent's sequence. The
//! templates of a thread share their prefixes in a small trie, since one
//! gateway writes a few layouts (an optional key or two).
//!
//! Exactness: the walk is deterministic in the bytes it reads and in the
//! ids of learned keys, which never change. A line whose structural bytes
//! are exactly a template's reaches every value at the same place, with
//! the same key, meaning and nesting as the line the template came from;
//! its keys are the same, so no read key repeats. Each value is then read
//! by the walk's own code. On the first byte that differs (or a value the
//! walk would bail on) the line is read again from its start by the walk,
//! with nothing kept from the attempt.

use crate::parse::collect::Collected;
use crate::parse::daymemo::DayMemo;
use crate::parse::jscan::{Bail, Cursor, KnownKey, Scan};

use super::place::{Container, Decision, LEVELS};
use super::typed::{Typed, Values};

/// Nodes per thread: the layouts of one gateway take a few dozen.
const NODES: usize = 256;

/// Children per node, tried latest-hit first.
const KIDS: usize = 4;

/// Lines between two checks of the hit rate: the first check comes early,
/// so that lines without a common layout (genlogs') pay for few attempts.
const FIRST_WINDOW: u32 = 512;
const WINDOW: u32 = 4096;

/// What the walk does with the value after a node's bytes.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// The line's object is closed: the template is done.
    End,
    /// A value no slot of the run reads.
    Skip,
    /// A value read with the decision of the key `id` at its level.
    Read(u16, Decision),
}

impl Action {
    fn same(&self, other: &Action) -> bool {
        match (self, other) {
            (Action::End, Action::End) | (Action::Skip, Action::Skip) => true,
            (Action::Read(a, _), Action::Read(b, _)) => a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// The structural bytes before the value (none at the root).
    lit: KnownKey,
    action: Action,
    /// How the typed reader reads the value (see [`Typed`]).
    typed: Typed,
    /// Following nodes, 0 for none (the root is never a child).
    kids: [u16; KIDS],
}

/// The templates of one thread's lines.
pub(super) struct Templates {
    nodes: Vec<Node>,
    /// Lines tried and read in the current window, of `window` lines.
    tries: u32,
    window: u32,
    hits: u32,
    /// Off for good after a window in which fewer than three lines of four
    /// fitted: the lines have no template worth trying.
    off: bool,
    /// Lines tried and read by the typed reader in the current window.
    typed_tries: u32,
    typed_hits: u32,
    /// Off for good after a window in which fewer than three lines of four
    /// tried fitted the typed reader.
    typed_off: bool,
    /// The dates of the typed reader's string timestamps.
    days: DayMemo,
    /// Lines read through a template, every window.
    #[cfg(test)]
    total_hits: u32,
    /// Of which by the typed reader.
    #[cfg(test)]
    total_typed: u32,
}

impl Default for Templates {
    fn default() -> Self {
        let root = Node {
            lit: KnownKey::raw(b"{").expect("one byte fits"),
            action: Action::End,
            typed: Typed::No,
            kids: [0; KIDS],
        };
        Templates {
            nodes: vec![root],
            tries: 0,
            window: FIRST_WINDOW,
            hits: 0,
            off: false,
            typed_tries: 0,
            typed_hits: 0,
            typed_off: false,
            days: DayMemo::default(),
            #[cfg(test)]
            total_hits: 0,
            #[cfg(test)]
            total_typed: 0,
        }
    }
}

impl Templates {
    /// Whether lines should be tried against the templates.
    #[inline(always)]
    pub(super) fn on(&self) -> bool {
        !self.off
    }

    /// Whether lines should be tried against the typed reader first.
    #[inline(always)]
    pub(super) fn typed_on(&self) -> bool {
        !self.off && !self.typed_off
    }

    /// The child of `node` whose bytes are at the cursor, stepped over;
    /// the one found is tried first next time.
    #[inline(always)]
    fn step(&mut self, cur: &mut Cursor<'_>, node: usize) -> Scan<usize> {
        let kids = self.nodes[node].kids;
        for (i, &kid) in kids.iter().enumerate() {
            if kid == 0 {
                return Err(Bail);
            }
            if cur.known_key(&self.nodes[usize::from(kid)].lit) {
                if i > 0 {
                    self.nodes[node].kids.swap(0, i);
                }
                return Ok(usize::from(kid));
            }
        }
        Err(Bail)
    }

    /// Reads the line at the cursor through a template with the typed
    /// reader into `out` (docs/internals.md, typed templates), the cursor
    /// then after the line's object; bails when no template fits or a
    /// value is not of its node's kind (`out` and the cursor are then the
    /// caller's to reset, and the line the walk's). Counts as a template
    /// try and, when it reads the line, as a hit.
    #[inline(always)]
    pub(super) fn read_typed<'de>(
        &mut self,
        cur: &mut Cursor<'de>,
        out: &mut Values<'de>,
    ) -> Scan<()> {
        self.typed_tries += 1;
        let mut node = 0;
        loop {
            node = self.step(cur, node)?;
            match self.nodes[node].typed {
                Typed::End => break,
                Typed::Skip => cur.skip_value()?,
                typed => out.read(cur, typed, &mut self.days)?,
            }
        }
        self.typed_hits += 1;
        self.count_try();
        self.hits += 1;
        #[cfg(test)]
        {
            self.total_hits += 1;
            self.total_typed += 1;
        }
        Ok(())
    }

    /// One more line tried against the templates.
    #[inline(always)]
    fn count_try(&mut self) {
        self.tries += 1;
        if self.tries >= self.window {
            self.judge();
        }
    }

    /// Reads the line at the cursor through a template into `out`, the
    /// cursor then after the line's object, each read value with `entry`;
    /// bails when no template fits (`out` and the cursor are then the
    /// caller's to reset).
    #[inline(always)]
    pub(super) fn read<'de>(
        &mut self,
        cur: &mut Cursor<'de>,
        out: &mut Collected<'de>,
        mut entry: impl FnMut(&mut Cursor<'de>, &mut Collected<'de>, u16, Decision) -> Scan<()>,
    ) -> Scan<()> {
        self.count_try();
        let mut node = 0;
        loop {
            node = self.step(cur, node)?;
            match self.nodes[node].action {
                Action::End => {
                    self.hits += 1;
                    #[cfg(test)]
                    {
                        self.total_hits += 1;
                    }
                    return Ok(());
                }
                Action::Skip => cur.skip_value()?,
                Action::Read(id, decision) => entry(cur, out, id, decision)?,
            }
        }
    }

    /// Ends a window: off when fewer than three lines of four fitted.
    #[cold]
    fn judge(&mut self) {
        if self.hits < self.tries / 4 * 3 {
            self.off = true;
        }
        // Lines the typed reader tried (a run's lines through
        // `collect_line`) that mostly did not fit it: a layout with values
        // of other kinds, or a usage object, which the walk reads.
        if self.typed_tries >= 64 && self.typed_hits < self.typed_tries / 4 * 3 {
            self.typed_off = true;
        }
        self.tries = 0;
        self.hits = 0;
        self.typed_tries = 0;
        self.typed_hits = 0;
        self.window = WINDOW;
    }

    /// Learns the layout of `line`, an object the walk just read whole
    /// (from its start to its closing `}`), unless the trie is full or the
    /// line has no layout a template can hold (a structural run over 32
    /// bytes, a key not learned). `decide` gives a learned key's id and
    /// its decision at a nesting level.
    #[cold]
    pub(super) fn learn(&mut self, line: &[u8], decide: Decide<'_>) {
        if self.nodes.len() >= NODES {
            return;
        }
        let Some(steps) = layout(line, decide) else {
            return;
        };
        let mut node = 0;
        // The slots the line's values before this step go to.
        let mut used = 0u32;
        for (lit, action, kind) in steps {
            let typed = match action {
                Action::End => Typed::End,
                Action::Skip => Typed::Skip,
                Action::Read(_, decision) => Typed::of(decision, kind, &mut used),
            };
            let kids = self.nodes[node].kids;
            let found = kids.iter().copied().find(|&k| {
                let kid = &self.nodes[usize::from(k)];
                k != 0 && kid.lit == lit && kid.action.same(&action)
            });
            node = match found {
                Some(k) => usize::from(k),
                None => {
                    let Some(free) = kids.iter().position(|&k| k == 0) else {
                        return;
                    };
                    if self.nodes.len() >= NODES {
                        return;
                    }
                    let id = self.nodes.len() as u16;
                    self.nodes.push(Node {
                        lit,
                        action,
                        typed,
                        kids: [0; KIDS],
                    });
                    self.nodes[node].kids[free] = id;
                    usize::from(id)
                }
            };
        }
    }

    /// Turns the templates off or on, giving the previous state, for tests.
    #[cfg(test)]
    pub(super) fn set_off(&mut self, off: bool) -> bool {
        std::mem::replace(&mut self.off, off)
    }

    /// Lines read through a template so far, for tests.
    #[cfg(test)]
    pub(super) fn total_hits(&self) -> u32 {
        self.total_hits
    }

    /// Lines read by the typed reader so far, for tests.
    #[cfg(test)]
    pub(super) fn total_typed(&self) -> u32 {
        self.total_typed
    }

    /// Starts a new window, for tests that try many lines which do not
    /// fit without turning the templates off.
    #[cfg(test)]
    pub(super) fn new_window(&mut self) {
        self.tries = 0;
        self.hits = 0;
        self.typed_tries = 0;
        self.typed_hits = 0;
    }

    /// How many layouts end in the trie, for tests.
    #[cfg(test)]
    pub(super) fn layouts(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n.action, Action::End))
            .count()
            - 1
    }
}

/// A learned key's id and its decision at a nesting level (0 to
/// `LEVELS - 1`), or `None` for a key not learned.
pub(super) type Decide<'f> = &'f dyn Fn(&str, usize) -> Option<(u16, Decision)>;

/// The structural runs of `line` with the action after each, as the walk
/// reads it with `decide`; `None` if a run does not fit a pattern.
fn layout(line: &[u8], decide: Decide<'_>) -> Option<Vec<(KnownKey, Action, Option<u8>)>> {
    let mut cur = Cursor::new(line);
    let mut steps = Vec::new();
    let mut start = 0;
    cur.expect(b'{').ok()?;
    object(&mut cur, decide, 0, &mut steps, &mut start)?;
    steps.push((KnownKey::raw(cur.since(start))?, Action::End, None));
    Some(steps)
}

/// The entries of an object whose `{` was just read, at nesting `level`;
/// `start` is where the current structural run began.
fn object(
    cur: &mut Cursor<'_>,
    decide: Decide<'_>,
    level: u8,
    steps: &mut Vec<(KnownKey, Action, Option<u8>)>,
    start: &mut usize,
) -> Option<()> {
    if !cur.first_entry().ok()? {
        return Some(());
    }
    let at = usize::from(level).min(LEVELS - 1);
    loop {
        let key = cur.key().ok()?;
        let (id, decision) = decide(key, at)?;
        cur.skip_ws();
        let nested = decision
            .descend
            .filter(|d| d.container != Some(Container::Usage))
            .and_then(|d| d.level);
        let value = cur.pos();
        match nested {
            // The walk descends into this object at `level`: its entries
            // join the parent's sequence.
            Some(level) if cur.expect(b'{').is_ok() => object(cur, decide, level, steps, start)?,
            _ => {
                cur.rewind(value);
                let action = if decision.slot.is_none() && decision.descend.is_none() {
                    Action::Skip
                } else {
                    Action::Read(id, decision)
                };
                steps.push((KnownKey::raw(cur.since(*start))?, action, cur.peek()));
                cur.skip_value().ok()?;
                *start = cur.pos();
            }
        }
        if !cur.next_entry().ok()? {
            return Some(());
        }
    }
}
