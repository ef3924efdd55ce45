//! Keys in the order the lines of one log have them.
//!
//! A gateway writes every line from the same few templates, so the key that
//! follows `"model"` is, line after line, the same one or one of two. A
//! [`KeyOrder`] remembers, per key, the keys that followed it last, and per
//! key whose value is an object, the keys that opened that object. Reading
//! a key then starts with a guess: if the bytes at the cursor are the
//! guessed `"key":`, one compare of two words replaces the scan for the
//! closing quote, the hash and the lookup of what the key means. A wrong
//! guess costs that compare and falls back to reading the key.
//!
//! Guesses only ever save work: a key is taken as guessed only when its
//! bytes are exactly the learned ones, so what the walk reads is the same
//! with or without the memory. It is per thread and bounded (at most
//! [`CAPACITY`] keys; keys past that are read the plain way).

use rustc_hash::FxHashMap;

use crate::parse::jscan::{Cursor, KnownKey, Scan};

/// Keys remembered per thread; a log with more distinct keys than this
/// reads the rest without guesses. A power of two, so an id masked to it
/// needs no bounds check.
pub const CAPACITY: usize = 512;

/// The id of the pseudo-key above a line's top-level object. Never a
/// guess, so in a list of guesses it marks an empty place.
pub const ROOT: u16 = 0;

/// The id of every key not learned (too long, or past [`CAPACITY`]):
/// nothing is guessed after it.
pub const NONE: u16 = 1;

/// How many followers are remembered per key: a template with optional
/// keys (`"error"` on failures only, a latency on streamed calls) has a few
/// at one place. With four, almost no key of a generated log is read the
/// plain way.
const WAYS: usize = 4;
const _: () = assert!(WAYS == 4, "KeyOrder::follow is written for four ways");

/// Learned keys with what each means (`V`, from the adapter's lookup) and
/// which keys follow which.
pub struct KeyOrder<V> {
    known: Box<[KnownKey; CAPACITY]>,
    values: Box<[V; CAPACITY]>,
    /// The guesses at a place ([`After::place`]), the latest first.
    ways: Box<[[u16; WAYS]; 2 * CAPACITY]>,
    learned: usize,
    ids: FxHashMap<Box<str>, u16>,
}

/// Where a key sits: first in the object under a key, or after one.
#[derive(Debug, Clone, Copy)]
pub struct After(usize);

impl After {
    /// The first key of the object under the key `parent`.
    #[inline(always)]
    pub fn open(parent: u16) -> After {
        After(usize::from(parent) * 2 + 1)
    }

    /// The key after `prev` in its object.
    #[inline(always)]
    pub fn entry(prev: u16) -> After {
        After(usize::from(prev) * 2)
    }

    #[inline(always)]
    fn place(self) -> usize {
        self.0 & (2 * CAPACITY - 1)
    }

    fn key(self) -> u16 {
        (self.0 / 2) as u16
    }
}

impl<V: Copy + Default> KeyOrder<V> {
    /// An empty memory.
    pub fn new() -> Self {
        let never = KnownKey::of("").expect("an empty key fits");
        KeyOrder {
            known: boxed(never),
            values: boxed(V::default()),
            ways: boxed([ROOT; WAYS]),
            learned: 2,
            ids: FxHashMap::default(),
        }
    }

    /// Reads the key at the cursor (which must be at one): the guessed one
    /// if it is there, else the plain way, learning it. Gives its id, whose
    /// [`KeyOrder::meaning`] holds what it means until the next key is
    /// read; `lookup` is asked only for keys not yet learned.
    #[inline(always)]
    pub fn key<'a>(
        &mut self,
        cur: &mut Cursor<'a>,
        after: After,
        lookup: impl FnOnce(&str) -> V,
    ) -> Scan<u16> {
        let [guess, second, ..] = self.ways[after.place()];
        if guess != ROOT && cur.known_key(&self.known[usize::from(guess) & (CAPACITY - 1)]) {
            return Ok(guess);
        }
        // Most wrong first guesses are the other of two keys that take
        // turns at a place (an optional key): tried here, without the call.
        if second != ROOT && cur.known_key(&self.known[usize::from(second) & (CAPACITY - 1)]) {
            self.ways[after.place()].swap(0, 1);
            return Ok(second);
        }
        self.other_key(cur, after, lookup)
    }

    /// What the key `id` (from [`KeyOrder::key`]) means. Borrowed, since a
    /// meaning may be large: one load of the part needed, not a copy.
    #[inline(always)]
    pub fn meaning(&self, id: u16) -> &V {
        &self.values[usize::from(id) & (CAPACITY - 1)]
    }

    /// [`KeyOrder::key`] when the first two guesses were wrong.
    #[inline(never)]
    fn other_key<'a>(
        &mut self,
        cur: &mut Cursor<'a>,
        after: After,
        lookup: impl FnOnce(&str) -> V,
    ) -> Scan<u16> {
        // Whitespace before the key (after a `,`) made the first two guesses
        // miss without being wrong: past it, every guess is tried.
        let first = if cur.skip_ws() { 0 } else { 2 };
        for way in first..WAYS {
            let guess = self.ways[after.place()][way];
            if guess == ROOT {
                break;
            }
            let at = usize::from(guess) & (CAPACITY - 1);
            if cur.known_key(&self.known[at]) {
                self.follow(after, guess);
                return Ok(guess);
            }
        }
        let key = cur.key()?;
        let id = match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let value = lookup(key);
                let id = self.learn(key, value);
                // A key not learned keeps its meaning in NONE's place, for
                // the caller to read before the next key.
                self.values[usize::from(id)] = value;
                id
            }
        };
        self.follow(after, id);
        Ok(id)
    }

    /// Remembers `key`, if there is room and it fits a pattern.
    fn learn(&mut self, key: &str, value: V) -> u16 {
        let Some(known) = KnownKey::of(key) else {
            return NONE;
        };
        if self.learned >= CAPACITY {
            return NONE;
        }
        let id = self.learned;
        self.learned += 1;
        self.known[id] = known;
        self.values[id] = value;
        self.ids.insert(key.into(), id as u16);
        id as u16
    }

    /// Puts `id` first among the guesses at `after`.
    fn follow(&mut self, after: After, id: u16) {
        if after.key() == NONE || id == NONE {
            return;
        }
        let ways = &mut self.ways[after.place()];
        let w = *ways;
        // Spelled out for four ways: `copy_within` of a length known only
        // at run time is a call to memmove per wrong first guess.
        *ways = match w.iter().position(|&k| k == id) {
            Some(0) => w,
            Some(1) => [id, w[0], w[2], w[3]],
            Some(2) => [id, w[0], w[1], w[3]],
            _ => [id, w[0], w[1], w[2]],
        };
    }

    /// The id of a learned key (never [`NONE`]): it keeps that id, and its
    /// meaning, for the life of this memory.
    pub fn id_of(&self, key: &str) -> Option<u16> {
        self.ids.get(key).copied()
    }

    /// How many ids are taken (the root and [`NONE`] included), for tests.
    pub fn learned(&self) -> usize {
        self.learned
    }
}

/// `N` copies of `value`, allocated on the heap directly (`Box::new` of an
/// array may build it on the stack first: 130 KB here, in a debug build).
fn boxed<T: Copy, const N: usize>(value: T) -> Box<[T; N]> {
    vec![value; N]
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!("the vector has N elements"))
}

impl<V: Copy + Default> Default for KeyOrder<V> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads every key of a flat object, as the walk would, skipping values.
    fn keys_of(order: &mut KeyOrder<usize>, line: &str) -> Vec<(u16, usize)> {
        let mut cur = Cursor::new(line.as_bytes());
        cur.expect(b'{').unwrap();
        let mut out = Vec::new();
        let mut after = After::open(ROOT);
        if cur.first_entry().unwrap() {
            loop {
                let id = order.key(&mut cur, after, str::len).unwrap();
                out.push((id, *order.meaning(id)));
                cur.skip_value().unwrap();
                after = After::entry(id);
                if !cur.next_entry().unwrap() {
                    break;
                }
            }
        }
        cur.finish().unwrap();
        out
    }

    #[test]
    fn guessed_keys_mean_what_read_keys_mean() {
        let mut order = KeyOrder::new();
        let lines = [
            r#"{"model":"a","team":"x","cost":1}"#,
            r#"{"model":"b","team":"y","cost":2}"#,
            // A key that differs from the guess in its last byte, one
            // that only starts like it, and one that is longer.
            r#"{"model":"b","teax":"y","cost":2}"#,
            r#"{"model":"b","te":"y","costs":2,"cost":3}"#,
            r#"{"model":"b","error":"e","team":"y","cost":2}"#,
            r#"{"model":"b","team":"y","cost":2}"#,
            r#"{ "model" : "b" , "team": "y","cost" :2}"#,
        ];
        for _ in 0..3 {
            for line in lines {
                let got = keys_of(&mut order, line);
                let mut cur = Cursor::new(line.as_bytes());
                cur.expect(b'{').unwrap();
                let mut want = Vec::new();
                cur.entries(|cur, key| {
                    want.push(key.len());
                    cur.skip_value()
                })
                .unwrap();
                let got: Vec<usize> = got.iter().map(|&(_, v)| v).collect();
                assert_eq!(got, want, "{line}");
            }
        }
        // The root, NONE, and model, team, cost, teax, te, costs, error.
        assert_eq!(order.learned(), 9);
    }

    #[test]
    fn a_full_memory_still_reads_every_key() {
        let mut order = KeyOrder::new();
        let line: String = {
            let entries: Vec<String> = (0..CAPACITY + 10)
                .map(|i| format!("\"k{i}\":{i}"))
                .collect();
            format!("{{{}}}", entries.join(","))
        };
        for _ in 0..2 {
            let got = keys_of(&mut order, &line);
            assert_eq!(got.len(), CAPACITY + 10);
            assert!(got
                .iter()
                .enumerate()
                .all(|(i, &(_, v))| v == format!("k{i}").len()));
            assert_eq!(got.last().unwrap().0, NONE);
        }
        assert_eq!(order.learned(), CAPACITY);
    }

    #[test]
    fn a_key_too_long_for_a_pattern_is_read_every_time() {
        let mut order = KeyOrder::new();
        let long = "k".repeat(40);
        let line = format!(r#"{{"a":1,"{long}":2,"b":3}}"#);
        for _ in 0..2 {
            let got = keys_of(&mut order, &line);
            assert_eq!(got.iter().map(|&(_, v)| v).collect::<Vec<_>>(), [1, 40, 1]);
            assert_eq!(got[1].0, NONE);
        }
    }
}
