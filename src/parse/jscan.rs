//! A validating JSON scanner for the hot path of line-oriented adapters.
//!
//! Most bytes of a gateway line belong to values the report never reads
//! (ids, user agents, latencies). A serde deserializer walks them through
//! visitor calls; this scanner skips them in place, eight bytes a step, and
//! hands the caller only keys and the values it asks for, borrowed from the
//! line.
//!
//! It is *validating but not reporting*: it accepts only lines that are
//! valid JSON (RFC 8259) and valid UTF-8, and gives up ([`Bail`]) on
//! everything else — errors, but also what it chooses not to handle: an
//! escape in a key or a value that is read, a control character, nesting
//! deeper than [`MAX_DEPTH`], a number out of `f64` range. The caller then
//! reads the line again with serde_json, whose verdict and error reason are
//! the reference. So the scanner decides only lines both agree on, and a
//! test compares the two on every generated and damaged line.

mod numbers;
mod strings;

use crate::parse::scalar::Scalar;

/// The scanner gave up on the line; read it with the reference parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

/// A scan step.
pub type Scan<T> = Result<T, Bail>;

/// Nesting deeper than this inside a skipped value makes the scanner bail
/// (serde_json's limit is 128; logs nest a handful of levels).
pub const MAX_DEPTH: u32 = 64;

/// The start of a value, as [`Cursor::value`] found it.
#[derive(Debug)]
pub enum Token<'a> {
    /// A string, number or boolean.
    Scalar(Scalar<'a>),
    /// `null`.
    Null,
    /// `{`: the cursor is after it; read the entries with
    /// [`Cursor::entries`] or skip them with [`Cursor::skip_rest`].
    Object,
    /// `[`: the cursor is after it; read with [`Cursor::items`] or skip.
    Array,
}

/// A key as the bytes `"key":`, for [`Cursor::known_key`]: one compare of
/// two 16-byte words instead of a scan for the closing quote and a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownKey {
    words: [u128; 2],
    masks: [u128; 2],
    len: u8,
}

impl KnownKey {
    /// The pattern of a key [`Cursor::key`] returned (so free of quotes,
    /// backslashes and control bytes), if `"key":` fits 32 bytes.
    pub fn of(key: &str) -> Option<KnownKey> {
        let len = key.len() + 3;
        if len > 32 {
            return None;
        }
        let mut bytes = [0u8; 32];
        bytes[0] = b'"';
        bytes[1..=key.len()].copy_from_slice(key.as_bytes());
        bytes[key.len() + 1] = b'"';
        bytes[key.len() + 2] = b':';
        Some(Self::pattern(&bytes, len))
    }

    /// The pattern of any 1 to 32 bytes (a template's structural bytes
    /// between two values), for [`Cursor::known_key`].
    pub fn raw(lit: &[u8]) -> Option<KnownKey> {
        if lit.is_empty() || lit.len() > 32 {
            return None;
        }
        let mut bytes = [0u8; 32];
        bytes[..lit.len()].copy_from_slice(lit);
        Some(Self::pattern(&bytes, lit.len()))
    }

    /// The bytes of the pattern.
    pub fn bytes(&self) -> Vec<u8> {
        let mut all = [0u8; 32];
        all[..16].copy_from_slice(&self.words[0].to_le_bytes());
        all[16..].copy_from_slice(&self.words[1].to_le_bytes());
        all[..usize::from(self.len)].to_vec()
    }

    fn pattern(bytes: &[u8; 32], len: usize) -> KnownKey {
        let mut mask = [0u8; 32];
        mask[..len].fill(0xFF);
        let word = |b: &[u8; 32], at: usize| {
            let mut w = [0u8; 16];
            w.copy_from_slice(&b[at..at + 16]);
            u128::from_le_bytes(w)
        };
        KnownKey {
            words: [word(bytes, 0), word(bytes, 16)],
            masks: [word(&mask, 0), word(&mask, 16)],
            len: len as u8,
        }
    }
}

/// A position in one line of JSON.
pub struct Cursor<'a> {
    /// The line.
    buf: &'a [u8],
    pos: usize,
}

/// The JSON whitespace bytes but `\n`, as match arms: the scanner reads
/// one line, and a `\n` ends it (so given the rest of a chunk it stops at
/// its line's end; a line split off before has no `\n` anyway).
const WS0: u8 = b' ';
const WS1: u8 = b'\t';
const WS2: u8 = b'\r';

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

impl<'a> Cursor<'a> {
    /// A cursor at the start of `line`. UTF-8 is checked where it can be
    /// broken, in strings: the scan for a string's end also stops at each
    /// byte from 0x80 up (one more OR in its SIMD step) and checks the run
    /// of them there ([`Cursor::utf8_run`]); anywhere else such a byte is
    /// not JSON grammar and the scanner bails. So no separate pass checks
    /// the whole line before the walk, which costs measurably more on JSONL
    /// (`benches/paired.sh`).
    #[inline]
    pub fn new(line: &'a [u8]) -> Self {
        Cursor { buf: line, pos: 0 }
    }

    /// The offset of the cursor in its buffer.
    #[inline(always)]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor back to `pos` (from [`Cursor::pos`]).
    #[inline]
    pub fn rewind(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The bytes from `start` (from [`Cursor::pos`]) to the cursor.
    pub fn since(&self, start: usize) -> &'a [u8] {
        &self.buf[start..self.pos]
    }

    /// Skips whitespace within the line (see [`WS0`]).
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            // One compare settles the common case, a token right here.
            if b > b' ' || !matches!(b, WS0 | WS1 | WS2) {
                break;
            }
            self.pos += 1;
        }
    }

    /// The byte at the cursor, not consumed.
    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// A string value right at the cursor (no whitespace before it), as
    /// [`Cursor::value`] would read it: bails on anything else, an escape
    /// or a control byte.
    #[inline(always)]
    pub fn str_here(&mut self) -> Scan<&'a str> {
        if self.buf.get(self.pos) != Some(&b'"') {
            return Err(Bail);
        }
        self.pos += 1;
        self.plain_str()
    }

    /// A number right at the cursor that [`Cursor::value`] would read as
    /// a `u64` (an integer without sign, fraction or exponent that fits),
    /// its value; bails on anything else.
    #[inline(always)]
    pub fn uint_here(&mut self) -> Scan<u64> {
        if !matches!(self.buf.get(self.pos), Some(b'0'..=b'9')) {
            return Err(Bail);
        }
        match self.number_shape()? {
            (false, value, true) => Ok(value),
            _ => Err(Bail),
        }
    }

    /// The next byte, consumed.
    #[inline(always)]
    fn byte(&mut self) -> Scan<u8> {
        let b = *self.buf.get(self.pos).ok_or(Bail)?;
        self.pos += 1;
        Ok(b)
    }

    /// Consumes `b` after optional whitespace.
    #[inline(always)]
    pub fn expect(&mut self, b: u8) -> Scan<()> {
        self.ws();
        if self.byte()? == b {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Accepts the line: only whitespace may follow.
    pub fn finish(mut self) -> Scan<()> {
        self.ws();
        if self.pos != self.buf.len() {
            return Err(Bail);
        }
        Ok(())
    }

    /// Accepts the line that starts the buffer: only whitespace may follow
    /// up to a `\n` or the end. Gives the offset of that end.
    #[inline]
    pub fn finish_line(mut self) -> Scan<usize> {
        self.ws();
        match self.buf.get(self.pos) {
            None | Some(b'\n') => Ok(self.pos),
            Some(_) => Err(Bail),
        }
    }

    /// The next value (after optional whitespace). Objects and arrays are
    /// only opened: the caller reads or skips their contents.
    #[inline(always)]
    pub fn value(&mut self) -> Scan<Token<'a>> {
        let b = self.byte()?;
        Ok(match b {
            b'"' => Token::Scalar(Scalar::Str(self.plain_str()?.into())),
            b'{' => Token::Object,
            b'[' => Token::Array,
            b't' => {
                self.literal(b"rue")?;
                Token::Scalar(Scalar::Bool(true))
            }
            b'f' => {
                self.literal(b"alse")?;
                Token::Scalar(Scalar::Bool(false))
            }
            b'n' => {
                self.literal(b"ull")?;
                Token::Null
            }
            b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                Token::Scalar(self.number()?)
            }
            // Whitespace is one more arm of the match on the first byte,
            // not a check of its own before every value: logs are compact.
            WS0 | WS1 | WS2 => return self.value_after_ws(),
            _ => return Err(Bail),
        })
    }

    #[inline(never)]
    fn value_after_ws(&mut self) -> Scan<Token<'a>> {
        self.ws();
        self.value()
    }

    fn literal(&mut self, rest: &[u8]) -> Scan<()> {
        if self.buf.get(self.pos..self.pos + rest.len()) == Some(rest) {
            self.pos += rest.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Skips a number or literal without building it. Like serde_json's
    /// `IgnoredAny`, only the grammar is checked: a float out of `f64`
    /// range is fine where nobody reads it.
    #[inline(always)]
    fn skip_scalar(&mut self) -> Scan<()> {
        match self.byte()? {
            b't' => self.literal(b"rue"),
            b'f' => self.literal(b"alse"),
            b'n' => self.literal(b"ull"),
            b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                self.number_shape().map(|_| ())
            }
            WS0 | WS1 | WS2 => self.skip_value_after_ws(),
            _ => Err(Bail),
        }
    }

    #[inline(never)]
    fn skip_value_after_ws(&mut self) -> Scan<()> {
        self.ws();
        self.skip_value()
    }

    /// Calls `f` with each key of the object whose `{` was just read, the
    /// cursor before the key's value; `f` must consume the value (read it
    /// with [`Cursor::value`] or skip it with [`Cursor::skip_value`]).
    #[inline(always)]
    pub fn entries(&mut self, mut f: impl FnMut(&mut Self, &'a str) -> Scan<()>) -> Scan<()> {
        if !self.first_entry()? {
            return Ok(());
        }
        loop {
            let key = self.key()?;
            f(self, key)?;
            if !self.next_entry()? {
                return Ok(());
            }
        }
    }

    /// After the `{` of an object: whether it has entries (an empty
    /// object is consumed whole). Then [`Cursor::key`] or
    /// [`Cursor::known_key`] reads the first key.
    #[inline(always)]
    pub fn first_entry(&mut self) -> Scan<bool> {
        self.ws();
        if self.buf.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After an entry's value: whether another entry follows (`,`) or the
    /// object ends (`}`). After a `,` the cursor may be at whitespace
    /// before the key: [`Cursor::key`] skips it, [`Cursor::known_key`]
    /// does not match there (see [`Cursor::skip_ws`]).
    #[inline(always)]
    pub fn next_entry(&mut self) -> Scan<bool> {
        match self.byte()? {
            b',' => Ok(true),
            b'}' => Ok(false),
            WS0 | WS1 | WS2 => self.next_entry_after_ws(),
            _ => Err(Bail),
        }
    }

    #[inline(never)]
    fn next_entry_after_ws(&mut self) -> Scan<bool> {
        self.ws();
        self.next_entry()
    }

    /// Skips whitespace and tells whether there was any.
    #[inline]
    pub fn skip_ws(&mut self) -> bool {
        if !matches!(self.buf.get(self.pos), Some(&(WS0 | WS1 | WS2))) {
            return false;
        }
        self.ws();
        true
    }

    /// An entry's key (after optional whitespace) and its `:`, the cursor
    /// then before the value.
    #[inline(always)]
    pub fn key(&mut self) -> Scan<&'a str> {
        self.ws();
        if self.byte()? != b'"' {
            return Err(Bail);
        }
        let key = self.plain_str()?;
        self.expect(b':')?;
        Ok(key)
    }

    /// Steps over `"key":` if that is what the cursor is at, and tells
    /// whether it did. Exactly what [`Cursor::key`] would have read: the
    /// pattern holds no quote, backslash or control byte inside the key.
    #[inline(always)]
    pub fn known_key(&mut self, known: &KnownKey) -> bool {
        let hit = match self.buf.get(self.pos..self.pos + 32) {
            Some(window) => {
                let word = |at: usize| {
                    let mut w = [0u8; 16];
                    w.copy_from_slice(&window[at..at + 16]);
                    u128::from_le_bytes(w)
                };
                ((word(0) ^ known.words[0]) & known.masks[0])
                    | ((word(16) ^ known.words[1]) & known.masks[1])
                    == 0
            }
            // Near the end of the line: compare bytes.
            None => {
                let len = usize::from(known.len);
                let mut pattern = [0u8; 32];
                pattern[..16].copy_from_slice(&known.words[0].to_le_bytes());
                pattern[16..].copy_from_slice(&known.words[1].to_le_bytes());
                self.buf.get(self.pos..self.pos + len) == Some(&pattern[..len])
            }
        };
        if hit {
            self.pos += usize::from(known.len);
        }
        hit
    }

    /// Calls `f` once per element of the array whose `[` was just read;
    /// `f` must consume the element.
    pub fn items(&mut self, mut f: impl FnMut(&mut Self) -> Scan<()>) -> Scan<()> {
        self.ws();
        if self.buf.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            f(self)?;
            self.ws();
            match self.byte()? {
                b',' => {}
                b']' => return Ok(()),
                _ => return Err(Bail),
            }
        }
    }

    /// Skips one whole value (after optional whitespace), checking it.
    #[inline(always)]
    pub fn skip_value(&mut self) -> Scan<()> {
        match self.buf.get(self.pos) {
            Some(b'"') => {
                self.pos += 1;
                self.skip_str()
            }
            Some(b'{') | Some(b'[') => {
                let open = self.byte()?;
                self.skip_nested(open)
            }
            _ => self.skip_scalar(),
        }
    }

    /// Skips the rest of an object or array opened by `open` (`{` or `[`),
    /// as returned by [`Cursor::value`].
    pub fn skip_rest(&mut self, token: &Token<'_>) -> Scan<()> {
        match token {
            Token::Object => self.skip_nested(b'{'),
            Token::Array => self.skip_nested(b'['),
            Token::Scalar(_) | Token::Null => Ok(()),
        }
    }

    /// Skips the contents of a container after its opener, with a bit
    /// stack instead of recursion (1 = object).
    fn skip_nested(&mut self, open: u8) -> Scan<()> {
        let mut stack: u64 = u64::from(open == b'{');
        let mut depth: u32 = 1;
        // True right after an opener: the container may close at once.
        let mut fresh = true;
        loop {
            let in_object = stack & 1 == 1;
            self.ws();
            let closer = if in_object { b'}' } else { b']' };
            if fresh && self.buf.get(self.pos) == Some(&closer) {
                self.pos += 1;
                depth -= 1;
                stack >>= 1;
                if depth == 0 {
                    return Ok(());
                }
            } else {
                if in_object {
                    if self.byte()? != b'"' {
                        return Err(Bail);
                    }
                    self.skip_str()?;
                    self.expect(b':')?;
                    self.ws();
                }
                match self.buf.get(self.pos) {
                    Some(&b @ (b'{' | b'[')) => {
                        if depth >= MAX_DEPTH {
                            return Err(Bail);
                        }
                        self.pos += 1;
                        depth += 1;
                        stack = stack << 1 | u64::from(b == b'{');
                        fresh = true;
                        continue;
                    }
                    Some(b'"') => {
                        self.pos += 1;
                        self.skip_str()?;
                    }
                    _ => self.skip_scalar()?,
                }
            }
            // After a value (or a closed container): a comma, or closers.
            loop {
                self.ws();
                let closer = if stack & 1 == 1 { b'}' } else { b']' };
                match self.byte()? {
                    b',' => {
                        fresh = false;
                        break;
                    }
                    b if b == closer => {
                        depth -= 1;
                        stack >>= 1;
                        if depth == 0 {
                            return Ok(());
                        }
                    }
                    _ => return Err(Bail),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips(line: &str) -> bool {
        let mut c = Cursor::new(line.as_bytes());
        c.skip_value().is_ok() && c.finish().is_ok()
    }

    #[test]
    fn skipping_accepts_exactly_what_serde_json_accepts() {
        let cases = [
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[1,2,{"b":null}],"c":"x\"y\\z\u00e9","d":-0.5e+3}"#,
            r#"[[[]],[{}],{"a":{}}]"#,
            r#" { "a" : [ 1 , true , false , null ] } "#,
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"{"a"}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12G4"}"#,
            r#"[1 2]"#,
            r#"{"a":1}}"#,
            r#"{"a":[}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{1:2}"#,
            "{\"a\":\"\u{1}\"}",
            r#""plain""#,
            r#"-12"#,
            r#"[1e400,2]"#,
            r#"[-1e400]"#,
            r#"[1e-400]"#,
            r#"[123456789012345678901234567890.5e10]"#,
        ];
        for case in cases {
            let serde = serde_json::from_str::<serde::de::IgnoredAny>(case).is_ok();
            assert_eq!(skips(case), serde, "{case}");
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-2.5e-3",
            "1E2",
        ] {
            let mut c = Cursor::new(text.as_bytes());
            let mine = match c.value().unwrap() {
                Token::Scalar(s) => format!("{s:?}"),
                other => panic!("{other:?}"),
            };
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            let theirs = if let Some(u) = v.as_u64() {
                format!("{:?}", Scalar::U64(u))
            } else if let Some(i) = v.as_i64() {
                format!("{:?}", Scalar::I64(i))
            } else {
                format!("{:?}", Scalar::F64(v.as_f64().unwrap()))
            };
            assert_eq!(mine, theirs, "{text}");
        }
        assert!(Cursor::new(b"1e400").value().is_err());
    }

    /// Every length of integer part, ended by every kind of byte: the
    /// value as `number` promises it (a `u64` if it is an integer that
    /// fits, else the nearest `f64`), the cursor just after it, and
    /// serde_json's value (with `float_roundtrip`, which this crate turns
    /// on: without it serde_json may miss the nearest double past 15
    /// significant digits, and a line it reads would differ from one the
    /// scanner reads).
    #[test]
    fn numbers_of_every_length_are_read_whole() {
        let mut next = crate::parse::testing::xorshift(0x51_7CC1_B727_220A);
        for len in 1..=22 {
            for _ in 0..200 {
                let mut digits: String = (0..len)
                    .map(|_| char::from(b'0' + (next() % 10) as u8))
                    .collect();
                if digits.starts_with('0') && len > 1 {
                    digits.replace_range(..1, "7");
                }
                for after in [",", "}", " ", ",\"é\":1", "]", ".5,", "e3,", "E-2}"] {
                    let text = format!("{digits}{after}          ");
                    let mut c = Cursor::new(text.as_bytes());
                    let mine = format!("{:?}", c.value().unwrap());
                    let end = text.find([',', '}', ' ', ']']).unwrap();
                    let number = &text[..end];
                    let want = match number.parse::<u64>() {
                        Ok(u) => Scalar::U64(u),
                        Err(_) => Scalar::F64(number.parse().unwrap()),
                    };
                    assert_eq!(mine, format!("{:?}", Token::Scalar(want)), "{text}");
                    assert_eq!(c.pos, end, "{text}");
                    let theirs: serde_json::Value = serde_json::from_str(number).unwrap();
                    let theirs = match theirs.as_u64() {
                        Some(u) => Scalar::U64(u),
                        None => Scalar::F64(theirs.as_f64().unwrap()),
                    };
                    assert_eq!(mine, format!("{:?}", Token::Scalar(theirs)), "{text}");
                }
            }
        }
        // A leading zero ends the integer part, as the grammar says.
        let mut c = Cursor::new(b"01234567,");
        assert!(matches!(c.value(), Ok(Token::Scalar(Scalar::U64(0)))));
        assert_eq!(c.pos, 1);
    }

    #[test]
    fn strings_stop_at_quotes_escapes_and_control_bytes() {
        let cursor = |bytes: &'static [u8]| Cursor::new(bytes);
        let mut c = cursor(b"abcdefghijklmnop\"rest");
        assert_eq!(c.plain_str(), Ok("abcdefghijklmnop"));
        assert_eq!(cursor(b"abc\\\"def\"").plain_str(), Err(Bail));
        assert_eq!(cursor(b"abcdefghij\x01k\"").plain_str(), Err(Bail));
        assert_eq!(
            cursor("caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e\"".as_bytes()).plain_str(),
            Ok("caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e")
        );
        // Bytes that are not UTF-8 are refused wherever they sit (a skipped
        // string, a read one), short or long.
        assert_eq!(cursor(b"ab\xffcdefghijk\"").plain_str(), Err(Bail));
        assert_eq!(cursor(b"[\"a\xffbcdefghijk\"]").skip_value(), Err(Bail));
        let mut long = br#"{"a":""#.repeat(40);
        long.extend_from_slice(b"\xc3\x28\"}");
        assert_eq!(Cursor::new(&long).skip_value(), Err(Bail));
    }

    /// Strings with characters of every width at every offset, and broken
    /// sequences: read and skipped as `str::from_utf8` judges their bytes.
    #[test]
    fn strings_are_checked_as_utf8_at_every_offset() {
        let pieces: [&[u8]; 12] = [
            "\u{e9}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1f600}".as_bytes(),
            b"a",
            b"\xc3",
            b"\x80",
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"\xf4\x90\x80\x80",
            b"\xe2\x82",
            b"\xf0\x9f\x98",
            b"\xff",
        ];
        for pad in 0..40 {
            for a in pieces {
                for b in pieces {
                    let mut content = vec![b'x'; pad];
                    content.extend_from_slice(a);
                    content.extend(std::iter::repeat_n(b'y', pad % 7));
                    content.extend_from_slice(b);
                    let want = std::str::from_utf8(&content).ok();
                    let mut line = content.clone();
                    line.extend_from_slice(b"\",\"z\":1}");
                    let mut c = Cursor::new(&line);
                    assert_eq!(c.plain_str().ok(), want, "{content:?}");
                    let mut c = Cursor::new(&line);
                    assert_eq!(c.skip_str().is_ok(), want.is_some(), "{content:?}");
                    if want.is_some() {
                        assert_eq!(c.pos, content.len() + 1);
                    }
                }
            }
        }
    }

    #[test]
    fn a_string_ends_where_it_ends_at_every_length_and_block_edge() {
        for len in 0..80 {
            let line = vec![b'y'; len];
            assert_eq!(Cursor::new(&line).string_stop(0), len);
            for stop in [b'"', b'\\', b'\x01', 0xC3] {
                let mut line = vec![b'x'; len];
                line.push(stop);
                line.extend_from_slice(b"\xa9tail\"");
                assert_eq!(Cursor::new(&line).string_stop(0), len, "len {len}");
            }
            // Two-byte characters straddling every block edge.
            let mut content = "\u{e9}".repeat(len / 2).into_bytes();
            content.extend(std::iter::repeat_n(b'x', len % 2));
            let mut line = content.clone();
            line.extend_from_slice(b"\"tail");
            let mut c = Cursor::new(&line);
            assert_eq!(c.plain_str().map(str::len), Ok(content.len()), "len {len}");
            assert_eq!(c.pos, content.len() + 1);
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_bails_without_recursion() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(!skips(&deep));
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(skips(&ok));
    }
}
