//! `claude-code`: Claude Code session transcripts
//! (`~/.claude/projects/<project>/<session>.jsonl`, docs/sources.md).
//!
//! Each `type:"assistant"` line carries `message.usage` in the Anthropic
//! Messages shape: `input_tokens` is **uncached** and disjoint from
//! `cache_read_input_tokens` and `cache_creation_input_tokens` (whose
//! `cache_creation.ephemeral_5m/1h_input_tokens` split is kept), so nothing
//! is subtracted. `message.model`, `requestId`, `timestamp` and `cwd`
//! (as the project) complete the record; the provider is `anthropic`
//! (`bedrock` for a Bedrock model id such as `us.anthropic.claude-...`).
//!
//! Duplicates: one response is written as several lines (streaming
//! snapshots, one line per content block) with the same `message.id` and
//! `requestId`, and a resumed session starts with copies of the earlier
//! transcript in a new file. Per key, the most complete line (most output
//! tokens; ties: the later line, and across files the first file in path
//! order) is the record and the others are counted as `duplicate` (ccusage
//! #797, #888, #976). Without a `requestId` (third-party endpoints) the key
//! is `message.id` within the session (ccusage #1635). Across files this
//! needs a first pass ([`Parser::prepare`]) over every transcript of the
//! run, recorded in [`Claims`](claims::Claims); standard input gets no first pass and is
//! deduplicated within itself only.
//!
//! Everything else is `ignored`: user lines (including a Task result's
//! `toolUseResult.usage`, which repeats a subagent's usage), `progress`
//! lines (a subagent's responses, counted from its own file), summaries,
//! file snapshots, and `<synthetic>` error lines with zero usage. Lines
//! without the text `"usage"` are ignored without being parsed (most bytes
//! of a transcript are tool results).

use std::borrow::Cow;

use memchr::memmem;
use rustc_hash::FxHashMap;

use crate::parse::json::read_object_as;

use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::parse::Framing;
use crate::record::{Field, Ignored, Reason, Timestamp, Tokens, UsageRecord};
use crate::sources::contract::{Parser, RunScratch, Sample, Source, SourceOptions};
use crate::time;
use claims::{Claim, KeyHash};
use scan::Line;

/// The Claude Code source.
pub struct ClaudeCode;

const NAME: &str = "claude-code";

/// The key paths [`Line`] and [`Message`](scan::Message) are read at, per canonical
/// field in the order tried, for `llmspend sources --fields`; a usage
/// object is read by its shape ([`Usage`]), listed here with the Messages
/// API names Claude Code writes. `field_check` proves every path is read
/// and every path read is listed (`claude_code/tests.rs`).
const FIELDS: &[(&str, &[&str])] = &[
    ("model", &["message.model"]),
    (
        "provider",
        &["message.model (anthropic; bedrock for a Bedrock model id)"],
    ),
    ("project", &["cwd"]),
    ("request_id", &["requestId", "message.id"]),
    ("timestamp", &["timestamp"]),
    ("input_tokens", &["message.usage.input_tokens"]),
    ("output_tokens", &["message.usage.output_tokens"]),
    (
        "cache_read_tokens",
        &["message.usage.cache_read_input_tokens"],
    ),
    (
        "cache_write_tokens",
        &[
            "message.usage.cache_creation_input_tokens",
            "message.usage.cache_creation.ephemeral_5m_input_tokens",
        ],
    ),
    (
        "cache_write_1h_tokens",
        &["message.usage.cache_creation.ephemeral_1h_input_tokens"],
    ),
    ("reported_cost_usd", &["costUSD"]),
];

/// A usable assistant line, kept until the file's duplicates are known.
#[derive(Debug)]
struct Entry<'a> {
    line: u64,
    timestamp: Timestamp,
    tokens: Tokens,
    model: Option<Cow<'a, str>>,
    request_id: Option<Cow<'a, str>>,
    message_id: Option<Cow<'a, str>>,
    /// The session, which scopes a response without a request id.
    scope: Option<Cow<'a, str>>,
    /// `costUSD`, in pico-dollars.
    reported_cost: Option<u128>,
    cwd: Option<Cow<'a, str>>,
}

/// What one line is.
enum Outcome<'a> {
    Entry(Entry<'a>),
    Ignored,
    Malformed(Reason),
}

fn read_line(unit: &[u8], line: u64) -> Outcome<'_> {
    // The scanner first; serde_json for what it declines, and the verdict.
    let parsed = match scan::line(unit) {
        Ok(l) => l,
        Err(_) => match read_object_as::<Line>(unit) {
            Ok(l) => l,
            Err(reason) => return Outcome::Malformed(reason),
        },
    };
    if parsed.kind.as_deref() != Some("assistant") {
        return Outcome::Ignored;
    }
    let Some(message) = parsed.message.0 else {
        return Outcome::Ignored;
    };
    let Some(tokens) = message.usage.and_then(|u| u.tokens()) else {
        return Outcome::Ignored;
    };
    let tokens = match tokens {
        Ok(t) => t,
        Err(reason) => return Outcome::Malformed(reason),
    };
    if tokens.is_zero() && message.model.as_deref().is_none_or(|m| m == "<synthetic>") {
        return Outcome::Ignored;
    }
    let timestamp = match parsed.timestamp.as_deref() {
        None => return Outcome::Malformed(Reason::NoTimestamp),
        Some(t) => match time::parse_timestamp(t) {
            Some(t) => t,
            None => return Outcome::Malformed(Reason::BadTimestamp),
        },
    };
    Outcome::Entry(Entry {
        line,
        timestamp,
        tokens,
        model: message.model.0,
        request_id: parsed.request_id.0,
        message_id: message.id.0,
        scope: parsed.session_id.0,
        reported_cost: match parsed.cost_usd.0 {
            Some(Scalar::F64(v)) => crate::money::stated_pico_f64(v, 12),
            Some(Scalar::U64(v)) => Some(u128::from(v) * crate::money::PICO_PER_USD),
            _ => None,
        },
        cwd: parsed.cwd.0,
    })
}

fn provider_of(model: &str) -> &'static str {
    if model.contains("anthropic.") {
        "bedrock"
    } else {
        "anthropic"
    }
}

impl<'a> Entry<'a> {
    fn into_record(self) -> UsageRecord<'a> {
        let mut r = UsageRecord::new(NAME);
        r.timestamp = self.timestamp;
        r.tokens = self.tokens;
        r.reported_cost = self.reported_cost;
        if let Some(model) = self.model {
            r.set(Field::Provider, Cow::Borrowed(provider_of(&model)));
            r.set(Field::Model, model);
        }
        if let Some(id) = self.request_id.or(self.message_id) {
            r.set(Field::RequestId, id);
        }
        if let Some(cwd) = self.cwd {
            r.set(Field::Project, cwd);
        }
        r
    }
}

/// The physical lines of a document, numbered from 1, without line endings.
fn lines(doc: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let doc = doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc);
    let mut rest = doc;
    let mut line = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (unit, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        line += 1;
        Some((line, unit.strip_suffix(b"\r").unwrap_or(unit)))
    })
}

/// The dedupe key of a response: `message.id` with `requestId`, or with
/// the session when there is no request id; `None` without a message id.
fn write_key(buf: &mut String, entry: &Entry<'_>) -> bool {
    let Some(id) = &entry.message_id else {
        return false;
    };
    buf.clear();
    buf.push_str(id);
    buf.push('\u{1f}');
    buf.push_str(entry.request_id.as_deref().unwrap_or(""));
    buf.push('\u{1f}');
    if entry.request_id.is_none() {
        buf.push_str(entry.scope.as_deref().unwrap_or(""));
    }
    true
}

/// A 128-bit digest of a dedupe key (two independent 64-bit hashes), so
/// the run-wide table stores no strings; a collision is out of reach for
/// any realistic number of responses.
fn key_hash(buf: &mut String, entry: &Entry<'_>) -> Option<KeyHash> {
    use std::hash::{Hash, Hasher};
    if !write_key(buf, entry) {
        return None;
    }
    let mut fx = rustc_hash::FxHasher::default();
    buf.hash(&mut fx);
    // `DefaultHasher::new` uses fixed keys: the same digest in every worker.
    let mut sip = std::collections::hash_map::DefaultHasher::new();
    buf.hash(&mut sip);
    Some((fx.finish(), sip.finish()))
}

/// Reads one transcript file as a document.
struct ClaudeCodeParser {
    path: std::sync::Arc<str>,
    run: std::sync::Arc<RunScratch>,
}

impl Parser for ClaudeCodeParser {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn prepare(&self, doc: &[u8]) {
        let usage = memmem::Finder::new(b"\"usage\"");
        let mut local: FxHashMap<KeyHash, Claim> = FxHashMap::default();
        let mut key = String::new();
        for (line, unit) in lines(doc) {
            // Only responses make claims: a line whose `type` is not
            // `assistant` (a `progress` copy, a tool result) is passed
            // over once its type is read.
            if usage.find(unit).is_none() || scan::not_assistant(unit) {
                continue;
            }
            let Outcome::Entry(entry) = read_line(unit, line) else {
                continue;
            };
            let Some(hash) = key_hash(&mut key, &entry) else {
                continue;
            };
            let claim = Claim {
                output: entry.tokens.output,
                path: self.path.clone(),
                line,
            };
            match local.get_mut(&hash) {
                Some(held) if !claim.beats(held) => {}
                Some(held) => *held = claim,
                None => {
                    local.insert(hash, claim);
                }
            }
        }
        let Ok(mut global) = self.run.claude_code.0.write() else {
            return;
        };
        for (k, claim) in local {
            match global.get_mut(&k) {
                Some(held) if !claim.beats(held) => {}
                Some(held) => *held = claim,
                None => {
                    global.insert(k, claim);
                }
            }
        }
    }

    fn parse_unit(&self, doc: &[u8], sink: &mut dyn Sink) {
        let usage = memmem::Finder::new(b"\"usage\"");
        let mut entries: Vec<Entry<'_>> = Vec::new();
        // (message id, request id, session scope) -> index of the best entry.
        type Key<'k> = (&'k str, Option<&'k str>, Option<&'k str>);
        let mut best: FxHashMap<Key<'_>, usize> = FxHashMap::default();
        let mut losers: Vec<bool> = Vec::new();
        for (line, unit) in lines(doc) {
            if unit.iter().all(u8::is_ascii_whitespace) {
                sink.at_line(line);
                sink.blank();
                continue;
            }
            if usage.find(unit).is_none() {
                sink.at_line(line);
                sink.ignored(Ignored::NotUsageEvent);
                continue;
            }
            match read_line(unit, line) {
                Outcome::Ignored => {
                    sink.at_line(line);
                    sink.ignored(Ignored::NotUsageEvent);
                }
                Outcome::Malformed(reason) => {
                    sink.at_line(line);
                    sink.malformed(reason);
                }
                Outcome::Entry(entry) => {
                    losers.push(false);
                    entries.push(entry);
                }
            }
        }
        for index in 0..entries.len() {
            let entry = &entries[index];
            let Some(id) = entry.message_id.as_deref() else {
                continue;
            };
            let scope = if entry.request_id.is_some() {
                None
            } else {
                entry.scope.as_deref()
            };
            let key = (id, entry.request_id.as_deref(), scope);
            match best.get_mut(&key) {
                None => {
                    best.insert(key, index);
                }
                Some(held) => {
                    // Most output tokens wins; on a tie the later line.
                    if entry.tokens.output >= entries[*held].tokens.output {
                        losers[*held] = true;
                        *held = index;
                    } else {
                        losers[index] = true;
                    }
                }
            }
        }
        drop(best);
        let claims = self.run.claude_code.0.read().ok();
        let mut key = String::new();
        for (entry, lost) in entries.into_iter().zip(losers) {
            sink.at_line(entry.line);
            // A better copy in another file of the run (or elsewhere in
            // this one) makes this a duplicate; unprepared input (stdin)
            // has no claims and relies on the per-file rule alone.
            let elsewhere = claims.as_ref().is_some_and(|c| {
                key_hash(&mut key, &entry)
                    .and_then(|h| c.get(&h))
                    .is_some_and(|claim| *claim.path != *self.path || claim.line != entry.line)
            });
            if lost || elsewhere {
                sink.duplicate();
            } else {
                sink.record(entry.into_record());
            }
        }
    }
}

fn has(hay: &[u8], needle: &str) -> bool {
    memmem::find(hay, needle.as_bytes()).is_some()
}

impl Source for ClaudeCode {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "Claude Code session transcripts (JSONL): assistant lines' Anthropic-shaped message.usage, streamed and resumed-session copies deduplicated by message.id + requestId across the files of a run"
    }

    fn signature(&self) -> &'static str {
        "JSON lines with `sessionId` and `parentUuid`, or `type` = `assistant` with `message.usage`; any .jsonl under `.claude/projects/`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        let head = sample.head;
        if sample.first_line().first() != Some(&b'{') {
            return false;
        }
        // A transcript can open with a file snapshot larger than the sample;
        // Claude Code's own folder says what it is.
        let path = sample.path.to_string_lossy().replace('\\', "/");
        let in_claude_folder =
            path.contains("/.claude/projects/") || path.contains("/.config/claude/projects/");
        (in_claude_folder && sample.extension() == "jsonl")
            || (has(head, "\"sessionId\"")
                && (has(head, "\"parentUuid\"")
                    || (has(head, "\"type\":\"assistant\"") && has(head, "\"usage\""))))
    }

    fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        crate::sources::contract::listed(FIELDS)
    }

    fn open(
        &self,
        sample: &Sample<'_>,
        options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        Ok(Box::new(ClaudeCodeParser {
            path: sample.path.to_string_lossy().into(),
            run: options.run.clone(),
        }))
    }
}

pub mod claims;
mod scan;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod tests;
