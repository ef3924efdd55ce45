//! Collecting canonical values from a row before it becomes a record.
//!
//! Sources find the same canonical field in several places (top level,
//! nested metadata, aliases, `--map` paths). Each candidate value comes with
//! a priority; the lowest wins. Values are checked here, once, with the
//! rules of docs/design.md (counts are non-negative integers, timestamps in the
//! accepted forms, an empty string is missing).

use std::borrow::Cow;

use crate::parse::counts;
use crate::parse::scalar::Scalar;
use crate::record::{Field, FieldSet, Reason, Timestamp, Tokens, UsageRecord};
use crate::time;

/// A count a source can carry as a flat field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Count {
    /// Uncached input tokens.
    Input,
    /// Output tokens.
    Output,
    /// Cache-read tokens.
    CacheRead,
    /// 5-minute (or unspecified) cache-write tokens.
    CacheWrite,
    /// 1-hour cache-write tokens.
    CacheWrite1h,
    /// Requests the row stands for.
    Requests,
}

impl Count {
    /// Number of counts.
    pub const COUNT: usize = 6;

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Count::Input => "input_tokens",
            Count::Output => "output_tokens",
            Count::CacheRead => "cache_read_tokens",
            Count::CacheWrite => "cache_write_tokens",
            Count::CacheWrite1h => "cache_write_1h_tokens",
            Count::Requests => "requests",
        }
    }
}

/// Where a value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A text field.
    Text(Field),
    /// The timestamp.
    Time,
    /// A flat count.
    Count(Count),
    /// A cost the source states (reported cost).
    Cost,
}

impl Slot {
    /// Looks up a slot by its canonical name (`team`, `timestamp`,
    /// `input_tokens`, `reported_cost_usd`, ...).
    pub fn from_name(name: &str) -> Option<Slot> {
        if let Some(f) = Field::from_name(name) {
            return Some(Slot::Text(f));
        }
        Some(match name {
            "timestamp" => Slot::Time,
            "input_tokens" => Slot::Count(Count::Input),
            "output_tokens" => Slot::Count(Count::Output),
            "cache_read_tokens" => Slot::Count(Count::CacheRead),
            "cache_write_tokens" => Slot::Count(Count::CacheWrite),
            "cache_write_1h_tokens" => Slot::Count(Count::CacheWrite1h),
            "requests" => Slot::Count(Count::Requests),
            "reported_cost_usd" | "cost" => Slot::Cost,
            _ => return None,
        })
    }

    /// Returns true if and only if a run that reads `fields` needs this
    /// slot's value. The model is always read: it decides whether a row is
    /// a record; times and counts too, since they decide whether it is
    /// malformed. A stated cost never does (an unreadable one is no cost).
    pub fn is_read(self, fields: FieldSet) -> bool {
        match self {
            Slot::Text(f) => f == Field::Model || fields.contains(f),
            Slot::Cost => fields.reads_reported_cost(),
            Slot::Time | Slot::Count(_) => true,
        }
    }

    /// Every canonical slot name, for error messages.
    pub fn names() -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Field::ALL.iter().map(|f| f.name()).collect();
        v.extend([
            "timestamp",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "requests",
            "reported_cost_usd",
        ]);
        v
    }
}

type Ranked<T> = Option<(u8, T)>;

/// Candidate values of one row, lowest priority number winning.
#[derive(Debug, Default)]
pub struct Collected<'a> {
    text: [Ranked<Cow<'a, str>>; Field::COUNT],
    time: Ranked<Result<Timestamp, Reason>>,
    counts: [Ranked<Result<u64, Reason>>; Count::COUNT],
    cost: Ranked<Option<u128>>,
    /// Tokens from a provider-shaped usage object, which beat flat counts.
    pub usage: Option<Result<Tokens, Reason>>,
    /// The cache counts of a flat line's cache-inclusive `prompt_tokens`
    /// (a top-level `prompt_tokens_details`, OpenAI's shape).
    /// Boxed: rare, and the collected values are cleared every row.
    pub prompt_details: Option<Box<crate::parse::cache_detail::PromptDetail>>,
    /// The audio part of a flat line's `completion_tokens` (a top-level
    /// `completion_tokens_details.audio_tokens`), taken out of the output
    /// when the line has no usage object.
    pub completion_audio: Option<Result<u64, Reason>>,
    /// Audio and image tokens, already taken out of `usage` (OpenAI).
    pub modal: crate::record::Modal,
    /// A key read twice in one object: the row is malformed.
    dup: Option<&'static str>,
    /// [`crate::record::note`] bits for the record.
    pub notes: u8,
}

/// Returns true if and only if `s` is empty or whitespace: no value.
#[inline]
pub fn is_blank(s: &str) -> bool {
    // An ASCII first byte that is not whitespace proves the value is not
    // blank without trimming it (the common case).
    let plain = s.as_bytes().first().is_some_and(|b| b.is_ascii_graphic());
    !plain && s.trim().is_empty()
}

fn offer<T>(slot: &mut Ranked<T>, prio: u8, value: T) {
    if slot.as_ref().is_none_or(|(p, _)| prio < *p) {
        *slot = Some((prio, value));
    }
}

impl<'a> Collected<'a> {
    /// Empties every slot, keeping nothing from the previous row.
    pub fn clear(&mut self) {
        *self = Collected::default();
    }

    /// Returns true if and only if the row holds a model or any token
    /// count (valid or not): what makes a row usage rather than some
    /// other event ([`Collected::finish`] ignores a row with neither).
    pub fn has_usage(&self) -> bool {
        self.text[Field::Model as usize].is_some()
            || self.usage.is_some()
            || self
                .counts
                .iter()
                .enumerate()
                .any(|(i, c)| c.is_some() && i != Count::Requests as usize)
    }

    /// Notes that `key`, which the source reads, occurs twice in one
    /// object of the row: [`Collected::finish`] gives `duplicate key`.
    pub fn duplicate(&mut self, key: &'static str) {
        self.dup.get_or_insert(key);
    }

    /// Returns true if and only if a text value is already held at a
    /// priority at least as good as `prio`.
    pub fn has_text(&self, field: Field, prio: u8) -> bool {
        self.text[field as usize]
            .as_ref()
            .is_some_and(|(p, _)| *p <= prio)
    }

    /// [`Collected::offer`] of a borrowed string, the common case (CSV
    /// cells, JSON strings): a text slot takes it here, inlined, without
    /// building and matching a [`Scalar`], a call every CSV cell would
    /// otherwise pay.
    #[inline]
    pub fn offer_str(&mut self, slot: Slot, prio: u8, s: &'a str, field_name: &'static str) {
        match slot {
            Slot::Text(f) => {
                if !is_blank(s) {
                    offer(&mut self.text[f as usize], prio, Cow::Borrowed(s));
                }
            }
            _ => self.offer(slot, prio, Scalar::Str(Cow::Borrowed(s)), field_name),
        }
    }

    /// Offers a scalar for a slot at a priority (lower wins). `field_name`
    /// names the field in a malformed reason.
    pub fn offer(&mut self, slot: Slot, prio: u8, value: Scalar<'a>, field_name: &'static str) {
        if matches!(value, Scalar::Null) {
            return;
        }
        if matches!(&value, Scalar::Str(s) if is_blank(s)) {
            return;
        }
        match slot {
            Slot::Text(f) => {
                let text = match value {
                    Scalar::Str(s) => s,
                    Scalar::U64(v) => Cow::Owned(v.to_string()),
                    Scalar::I64(v) => Cow::Owned(v.to_string()),
                    Scalar::F64(v) => Cow::Owned(v.to_string()),
                    Scalar::Bool(v) => Cow::Borrowed(if v { "true" } else { "false" }),
                    Scalar::Null => return,
                };
                offer(&mut self.text[f as usize], prio, text);
            }
            Slot::Time => offer(&mut self.time, prio, time_of(value)),
            Slot::Count(c) => offer(
                &mut self.counts[c as usize],
                prio,
                count_of(field_name, value),
            ),
            Slot::Cost => offer(&mut self.cost, prio, cost_of(value)),
        }
    }

    /// The tokens of a usage object read with its audio and image part
    /// (`UsageObj::tokens_modal` of the usage reader): the text counts
    /// become the row's usage, the audio and image counts its modal part.
    pub fn take_usage(&mut self, read: Option<Result<(Tokens, crate::record::Modal), Reason>>) {
        self.usage = read.map(|r| {
            r.map(|(tokens, modal)| {
                self.modal = modal;
                tokens
            })
        });
    }

    /// Turns the candidates into a record, or the reason it is malformed.
    /// Returns `Ok(None)` for a row that carries no usage at all (neither
    /// model nor any token count): such a row is `ignored`.
    /// Takes the values out of `self` rather than consuming it, so the
    /// candidates are not moved (copied) once more per row.
    pub fn finish(&mut self, source: &'static str) -> Result<Option<UsageRecord<'a>>, Reason> {
        if let Some(key) = self.dup.take() {
            return Err(Reason::DuplicateKey(key));
        }
        let mut record = UsageRecord::new(source);
        record.notes = std::mem::take(&mut self.notes);
        record.modal = std::mem::take(&mut self.modal);
        for (slot, value) in record.text.iter_mut().zip(&mut self.text) {
            *slot = value.take().map(|(_, v)| v);
        }
        let counts = self.counts.each_ref().map(|c| c.as_ref().map(|(_, v)| *v));
        let mut usage = self.usage.take();
        let flat_audio = self.completion_audio.take().filter(|_| usage.is_none());
        // OpenAI usage flattened into the line: its `prompt_tokens` includes
        // the cached tokens its top-level `prompt_tokens_details` counts
        // (docs/sources.md, OpenAI per-request usage), unless the line also
        // names disjoint cache counts of its own.
        if let (None, Some(details)) = (&usage, self.prompt_details.take()) {
            let cache = [Count::CacheRead, Count::CacheWrite, Count::CacheWrite1h];
            let prompt = counts[Count::Input as usize].is_some();
            if prompt && cache.iter().all(|&c| counts[c as usize].is_none()) {
                let get = |c: Count| counts[c as usize].unwrap_or(Ok(0));
                // Its audio and image input are their own part.
                usage = Some((|| {
                    let (tokens, modal) =
                        details.tokens_modal_of(get(Count::Input)?, get(Count::Output)?)?;
                    record.modal = modal;
                    Ok(tokens)
                })());
            }
        }
        let finished = Winners {
            time: self.time.take().map(|(_, t)| t),
            counts,
            cost: self.cost.take().map(|(_, c)| c),
            usage,
        }
        .finish(record);
        match (finished, flat_audio) {
            // The audio part of a flat line's `completion_tokens`, its own
            // part (docs/design.md, "Audio and image tokens").
            (Ok(Some(mut r)), Some(audio)) => {
                let audio = audio?;
                let output = r.tokens.output.checked_sub(audio);
                r.tokens.output = output.ok_or(Reason::Other(
                    "audio or image tokens exceed the tokens that include them",
                ))?;
                r.modal.audio_out = audio;
                Ok(Some(r))
            }
            (finished, _) => finished,
        }
    }
}

/// The winning value of every non-text slot of a row, for a reader that
/// picks the winners itself (the CSV reader, whose columns are known per
/// header) instead of offering every candidate to a [`Collected`].
#[derive(Debug, Default)]
pub struct Winners {
    /// The timestamp, or why it is bad.
    pub time: Option<Result<Timestamp, Reason>>,
    /// The flat counts, by [`Count`].
    pub counts: [Option<Result<u64, Reason>>; Count::COUNT],
    /// A stated cost (`None` inside: present but unreadable).
    pub cost: Option<Option<u128>>,
    /// Tokens from a usage object, which beat flat counts.
    pub usage: Option<Result<Tokens, Reason>>,
}

impl Winners {
    /// Completes `record` (whose text fields are set) with these values,
    /// as [`Collected::finish`] describes.
    pub fn finish<'a>(
        self,
        mut record: UsageRecord<'a>,
    ) -> Result<Option<UsageRecord<'a>>, Reason> {
        let tokens = match self.usage {
            Some(usage) => Some(usage?),
            None => self.flat_tokens()?,
        };
        let has_model = record.text[Field::Model as usize].is_some();
        if tokens.is_none() && !has_model {
            return Ok(None);
        }
        record.timestamp = match self.time {
            Some(t) => t?,
            None => return Err(Reason::NoTimestamp),
        };
        record.tokens = tokens.unwrap_or_default();
        if let Some(r) = self.counts[Count::Requests as usize] {
            record.requests = r?;
        }
        record.reported_cost = self.cost.flatten();
        Ok(Some(record))
    }

    fn flat_tokens(&self) -> Result<Option<Tokens>, Reason> {
        let get = |c: Count| -> Result<Option<u64>, Reason> { self.counts[c as usize].transpose() };
        let parts = [
            get(Count::Input)?,
            get(Count::Output)?,
            get(Count::CacheRead)?,
            get(Count::CacheWrite)?,
            get(Count::CacheWrite1h)?,
        ];
        if parts.iter().all(Option::is_none) {
            return Ok(None);
        }
        let [input, output, cache_read, cache_write, cache_write_1h] =
            parts.map(Option::unwrap_or_default);
        Ok(Some(Tokens {
            input,
            output,
            cache_read,
            cache_write,
            cache_write_1h,
        }))
    }
}

/// Checks a timestamp value: epoch seconds or milliseconds (number or
/// text), or the accepted text forms (see [`time::parse_timestamp`]).
pub fn time_of(value: Scalar<'_>) -> Result<Timestamp, Reason> {
    match value {
        Scalar::Str(s) => time::parse_timestamp(&s),
        Scalar::U64(v) => time::epoch_from_int(v),
        Scalar::F64(v) => time::epoch_from_float(v),
        _ => None,
    }
    .ok_or(Reason::BadTimestamp)
}

/// Checks a count value against the rules of docs/design.md.
pub fn count_of(field: &'static str, value: Scalar<'_>) -> Result<u64, Reason> {
    match value {
        Scalar::U64(v) => Ok(v),
        Scalar::I64(_) => Err(Reason::BadCount {
            field,
            why: "negative",
        }),
        Scalar::F64(v) => Err(counts::count_from_float(field, v)),
        Scalar::Str(s) => counts::count_from_text(field, &s).map(Option::unwrap_or_default),
        Scalar::Bool(_) => Err(Reason::BadCount {
            field,
            why: "boolean",
        }),
        Scalar::Null => Ok(0),
    }
}

/// Reads a stated cost in USD into pico-dollars, exactly from its decimal
/// text (a JSON number from its shortest text, see
/// [`crate::money::stated_pico_f64`]); reconciliation compares it with the
/// priced cost to the pico-dollar.
pub fn cost_of(value: Scalar<'_>) -> Option<u128> {
    // Exact from the text (docs/design.md, Money): never a float product.
    match value {
        Scalar::U64(v) => u128::from(v).checked_mul(crate::money::PICO_PER_USD),
        Scalar::F64(v) => crate::money::stated_pico_f64(v, 12),
        Scalar::Str(s) => crate::money::stated_pico(&s, 12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_priority_number_wins() {
        let mut c = Collected::default();
        c.offer(
            Slot::Text(Field::Team),
            5,
            Scalar::Str("nested".into()),
            "team",
        );
        c.offer(
            Slot::Text(Field::Team),
            1,
            Scalar::Str("top".into()),
            "team",
        );
        c.offer(
            Slot::Text(Field::Team),
            3,
            Scalar::Str("middle".into()),
            "team",
        );
        c.offer(Slot::Time, 1, Scalar::U64(1_759_482_842), "timestamp");
        c.offer(
            Slot::Text(Field::Model),
            1,
            Scalar::Str("gpt-4o".into()),
            "model",
        );
        let r = c.finish("gateway").unwrap().unwrap();
        assert_eq!(r.get(Field::Team), Some("top"));
    }

    #[test]
    fn a_row_without_usage_is_ignored_and_without_time_malformed() {
        let mut c = Collected::default();
        c.offer(Slot::Text(Field::Team), 1, Scalar::Str("x".into()), "team");
        assert_eq!(c.finish("gateway"), Ok(None));
        let mut c = Collected::default();
        c.offer(Slot::Count(Count::Input), 1, Scalar::U64(3), "input_tokens");
        assert_eq!(c.finish("gateway"), Err(Reason::NoTimestamp));
    }

    #[test]
    fn bad_counts_name_the_field() {
        let mut c = Collected::default();
        c.offer(Slot::Time, 1, Scalar::U64(1_759_482_842), "timestamp");
        c.offer(
            Slot::Count(Count::Input),
            1,
            Scalar::I64(-3),
            "prompt_tokens",
        );
        assert_eq!(
            c.finish("gateway"),
            Err(Reason::BadCount {
                field: "prompt_tokens",
                why: "negative"
            })
        );
    }
}
