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

use crate::sources::jscan::{Cursor, KnownKey, Scan};

/// Keys remembered per thread; a log with more distinct keys than this
/// reads the rest without guesses.
pub const CAPACITY: usize = 512;

/// The id of the pseudo-key above a line's top-level object.
pub const ROOT: u16 = 0;

/// No key: unknown, or past [`CAPACITY`].
pub const NONE: u16 = u16::MAX;

/// How many followers are remembered per key: a template with an optional
/// key (`"error"` on failures only) has two.
const WAYS: usize = 2;

struct Learned<V> {
    known: KnownKey,
    value: V,
    /// Keys that followed this one in its object, the latest first.
    next: [u16; WAYS],
    /// First keys of an object under this key, the latest first.
    first: [u16; WAYS],
}

/// Learned keys with what each means (`V`, from the adapter's lookup) and
/// which keys follow which.
pub struct KeyOrder<V> {
    keys: Vec<Learned<V>>,
    ids: FxHashMap<Box<str>, u16>,
}

/// Where a key sits: first in the object under `parent`, or after `prev`.
#[derive(Debug, Clone, Copy)]
pub enum After {
    /// The first key of the object under this key.
    Open(u16),
    /// The key after this one.
    Entry(u16),
}

impl<V: Copy> KeyOrder<V> {
    /// An empty memory; `root` is what the [`ROOT`] pseudo-key means.
    pub fn new(root: V) -> Self {
        KeyOrder {
            keys: vec![Learned {
                // Never matched: a pattern of length zero is not looked at
                // for the root, which no line names.
                known: KnownKey::of("").expect("an empty key fits"),
                value: root,
                next: [NONE; WAYS],
                first: [NONE; WAYS],
            }],
            ids: FxHashMap::default(),
        }
    }

    /// Reads the key at the cursor (which must be at one): a guessed one
    /// if it is there, else the plain way, learning it. Gives its id and
    /// what it means; `lookup` is asked only for keys not yet learned.
    #[inline]
    pub fn key<'a>(
        &mut self,
        cur: &mut Cursor<'a>,
        after: After,
        lookup: impl FnOnce(&str) -> V,
    ) -> Scan<(u16, V)> {
        let guesses = match after {
            After::Open(NONE) | After::Entry(NONE) => [NONE; WAYS],
            After::Open(parent) => self.keys[usize::from(parent)].first,
            After::Entry(prev) => self.keys[usize::from(prev)].next,
        };
        for (way, &guess) in guesses.iter().enumerate() {
            if guess == NONE {
                break;
            }
            let learned = &self.keys[usize::from(guess)];
            if cur.known_key(&learned.known) {
                let value = learned.value;
                if way != 0 {
                    self.follow(after, guess);
                }
                return Ok((guess, value));
            }
        }
        let key = cur.key()?;
        let (id, value) = match self.ids.get(key) {
            Some(&id) => (id, self.keys[usize::from(id)].value),
            None => {
                let value = lookup(key);
                (self.learn(key, value), value)
            }
        };
        if id != NONE {
            self.follow(after, id);
        }
        Ok((id, value))
    }

    /// Remembers `key` (if there is room and it fits a pattern).
    #[cold]
    fn learn(&mut self, key: &str, value: V) -> u16 {
        let Some(known) = KnownKey::of(key) else {
            return NONE;
        };
        if self.keys.len() >= CAPACITY {
            return NONE;
        }
        let id = self.keys.len() as u16;
        self.keys.push(Learned {
            known,
            value,
            next: [NONE; WAYS],
            first: [NONE; WAYS],
        });
        self.ids.insert(key.into(), id);
        id
    }

    /// Puts `id` first among the guesses for `after`.
    fn follow(&mut self, after: After, id: u16) {
        let ways = match after {
            After::Open(NONE) | After::Entry(NONE) => return,
            After::Open(parent) => &mut self.keys[usize::from(parent)].first,
            After::Entry(prev) => &mut self.keys[usize::from(prev)].next,
        };
        if ways[0] == id {
            return;
        }
        ways[1] = ways[0];
        ways[0] = id;
    }

    /// How many keys are learned (the root included), for tests.
    pub fn learned(&self) -> usize {
        self.keys.len()
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
        let mut after = After::Open(ROOT);
        if cur.first_entry().unwrap() {
            loop {
                let (id, v) = order.key(&mut cur, after, str::len).unwrap();
                out.push((id, v));
                cur.skip_value().unwrap();
                after = After::Entry(id);
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
        let mut order = KeyOrder::new(0);
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
        // model, team, cost, teax, te, costs, error.
        assert_eq!(order.learned(), 8);
    }

    #[test]
    fn a_full_memory_still_reads_every_key() {
        let mut order = KeyOrder::new(0);
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
        let mut order = KeyOrder::new(0);
        let long = "k".repeat(40);
        let line = format!(r#"{{"a":1,"{long}":2,"b":3}}"#);
        for _ in 0..2 {
            let got = keys_of(&mut order, &line);
            assert_eq!(got.iter().map(|&(_, v)| v).collect::<Vec<_>>(), [1, 40, 1]);
            assert_eq!(got[1].0, NONE);
        }
    }
}
