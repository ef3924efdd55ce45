//! `claude-code`: Claude Code session transcripts
//! (`~/.claude/projects/<project>/<session>.jsonl`, SOURCES.md §12).
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
//! `requestId`. The file is read as one document so that, per key, the most
//! complete line (most output tokens; ties: the last) is the record and
//! the others are counted as `duplicate` (ccusage #797, #888, #976). Without
//! a `requestId` (third-party endpoints) the key is `message.id` within the
//! session. Duplicates are found **within a file only**: a resumed session
//! that copies an earlier transcript into a new file is counted twice until
//! the pipeline gains a cross-file dedupe stage.
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
use serde::Deserialize;

use crate::record::{Field, Reason, Timestamp, Tokens, UsageRecord};
use crate::sources::fields;
use crate::sources::json::{read_object, Usage};
use crate::sources::{Framing, Parser, Sample, Sink, Source, SourceOptions};

/// The Claude Code source.
pub struct ClaudeCode;

const NAME: &str = "claude-code";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Line<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
    #[serde(borrow, rename = "requestId")]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "sessionId")]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cwd: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Message<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    usage: Option<Usage>,
}

/// A usable assistant line, kept until the file's duplicates are known.
#[derive(Debug)]
struct Entry<'a> {
    line: u64,
    timestamp: Timestamp,
    tokens: Tokens,
    model: Option<Cow<'a, str>>,
    request_id: Option<Cow<'a, str>>,
    message_id: Option<Cow<'a, str>>,
    cwd: Option<Cow<'a, str>>,
}

/// What one line is.
enum Outcome<'a> {
    Entry(Entry<'a>, Option<Cow<'a, str>>),
    Ignored,
    Malformed(Reason),
}

fn read_line(unit: &[u8], line: u64) -> Outcome<'_> {
    let parsed = match read_object(unit, |de| Line::deserialize(de)) {
        Ok(l) => l,
        Err(reason) => return Outcome::Malformed(reason),
    };
    if parsed.kind.as_deref() != Some("assistant") {
        return Outcome::Ignored;
    }
    let Some(message) = parsed.message else {
        return Outcome::Ignored;
    };
    let Some(tokens) = message.usage.and_then(|u| u.0.tokens()) else {
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
        Some(t) => match fields::parse_timestamp(t) {
            Some(t) => t,
            None => return Outcome::Malformed(Reason::BadTimestamp),
        },
    };
    Outcome::Entry(
        Entry {
            line,
            timestamp,
            tokens,
            model: message.model,
            request_id: parsed.request_id,
            message_id: message.id,
            cwd: parsed.cwd,
        },
        parsed.session_id,
    )
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

/// Reads one transcript file as a document.
struct ClaudeCodeParser;

impl Parser for ClaudeCodeParser {
    fn framing(&self) -> Framing {
        Framing::Document
    }

    fn parse_unit(&self, doc: &[u8], sink: &mut dyn Sink) {
        let usage = memmem::Finder::new(b"\"usage\"");
        let mut entries: Vec<Entry<'_>> = Vec::new();
        // (message id, request id or session) -> index of the best entry.
        type Key<'k> = (Cow<'k, str>, Option<Cow<'k, str>>, Option<Cow<'k, str>>);
        let mut best: FxHashMap<Key<'_>, usize> = FxHashMap::default();
        let mut losers: Vec<bool> = Vec::new();
        let mut line = 0u64;
        let mut rest = doc;
        while !rest.is_empty() {
            let (unit, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            line += 1;
            let unit = unit.strip_suffix(b"\r").unwrap_or(unit);
            if unit.iter().all(u8::is_ascii_whitespace) {
                sink.at_line(line);
                sink.blank();
                continue;
            }
            if usage.find(unit).is_none() {
                sink.at_line(line);
                sink.ignored();
                continue;
            }
            match read_line(unit, line) {
                Outcome::Ignored => {
                    sink.at_line(line);
                    sink.ignored();
                }
                Outcome::Malformed(reason) => {
                    sink.at_line(line);
                    sink.malformed(reason);
                }
                Outcome::Entry(entry, session) => {
                    let index = entries.len();
                    losers.push(false);
                    if let Some(id) = entry.message_id.clone() {
                        let scope = if entry.request_id.is_some() {
                            None
                        } else {
                            session
                        };
                        let key = (id, entry.request_id.clone(), scope);
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
                    entries.push(entry);
                }
            }
        }
        for (entry, lost) in entries.into_iter().zip(losers) {
            sink.at_line(entry.line);
            if lost {
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
        "Claude Code session transcripts (JSONL): assistant lines' Anthropic-shaped message.usage, deduplicated by message.id + requestId within each file"
    }

    fn signature(&self) -> &'static str {
        "JSON lines with `sessionId` and `parentUuid`, or `type` = `assistant` with `message.usage`"
    }

    fn recognizes(&self, sample: &Sample<'_>) -> bool {
        let head = sample.head;
        sample.first_line().first() == Some(&b'{')
            && has(head, "\"sessionId\"")
            && (has(head, "\"parentUuid\"")
                || (has(head, "\"type\":\"assistant\"") && has(head, "\"usage\"")))
    }

    fn open(
        &self,
        _sample: &Sample<'_>,
        _options: &SourceOptions,
    ) -> Result<Box<dyn Parser>, String> {
        Ok(Box::new(ClaudeCodeParser))
    }
}

#[cfg(test)]
mod tests;
