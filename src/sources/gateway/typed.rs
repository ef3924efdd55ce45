//! The typed reader of a template (docs/internals.md, typed templates):
//! each value of a learned layout is read as the kind the learned line had
//! there (a string into a text field, an integer count, a timestamp) and
//! put straight where [`Collected::finish`] would have taken it from, with
//! no offer, priority or candidate table per value.
//!
//! Exactness: a node is typed only when no value before it on its path
//! goes to the same slot, so each slot of a typed line has one candidate,
//! and the winner is that candidate whatever its priority. Each value is
//! read as [`Collected::offer`] would take it (a blank string is no value);
//! a value of another kind (a number as a string, a negative or fractional
//! count, an escape) bails, and the line is read by the template and the
//! walk as before. [`Values::finish`] is [`Collected::finish`] for rows
//! without a usage object, details, duplicate key or stated cost, which a
//! typed line cannot have.
//!
//! [`Collected::finish`]: crate::parse::collect::Collected::finish
//! [`Collected::offer`]: crate::parse::collect::Collected::offer

use std::borrow::Cow;

use crate::parse::collect::{is_blank, time_of, Count, Slot};
use crate::parse::daymemo::DayMemo;
use crate::parse::jscan::{Cursor, Scan};
use crate::parse::scalar::Scalar;
use crate::parse::sink::Sink;
use crate::record::{Field, Ignored, Reason, Timestamp, Tokens, UsageRecord};

use super::place::Decision;

/// How the typed reader reads the value after a template node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Typed {
    /// Not typed: a line reaching this node is left to the walk.
    No,
    /// The line's object is closed.
    End,
    /// A value no slot of the run reads, skipped (checked) whatever it is.
    Skip,
    /// A string, into a text field.
    Text(Field),
    /// A string timestamp.
    TimeStr,
    /// An integer timestamp (epoch seconds or milliseconds).
    TimeInt,
    /// An integer count.
    Count(Count),
}

/// A bit per slot, for [`Typed::of`].
fn bit(slot: Slot) -> u32 {
    match slot {
        Slot::Text(f) => 1 << (f as u32),
        Slot::Time => 1 << 16,
        Slot::Count(c) => 1 << (17 + c as u32),
        Slot::Cost => 1 << 24,
    }
}

impl Typed {
    /// How a value read with `decision` is read typed, when the learned
    /// line's value started with the byte `kind`; `used` has a bit per
    /// slot a value before it on the path goes to (this one's is added).
    pub(super) fn of(decision: Decision, kind: Option<u8>, used: &mut u32) -> Typed {
        let Some((slot, ..)) = decision.slot else {
            return Typed::No;
        };
        let repeated = *used & bit(slot) != 0;
        *used |= bit(slot);
        if repeated || decision.descend.is_some() {
            return Typed::No;
        }
        let string = kind == Some(b'"');
        let integer = kind.is_some_and(|b| b.is_ascii_digit());
        match slot {
            Slot::Text(f) if string => Typed::Text(f),
            Slot::Time if string => Typed::TimeStr,
            Slot::Time if integer => Typed::TimeInt,
            Slot::Count(c) if integer => Typed::Count(c),
            _ => Typed::No,
        }
    }
}

/// The values of a line read by the typed reader.
#[derive(Debug, Default)]
pub(super) struct Values<'a> {
    text: [Option<&'a str>; Field::COUNT],
    time: Option<Result<Timestamp, Reason>>,
    counts: [Option<u64>; Count::COUNT],
}

impl<'a> Values<'a> {
    /// Reads the value at the cursor as `typed` says (not `No`, `End` or
    /// `Skip`), or bails.
    /// `days` remembers the dates of string timestamps.
    #[inline(always)]
    pub(super) fn read(
        &mut self,
        cur: &mut Cursor<'a>,
        typed: Typed,
        days: &mut DayMemo,
    ) -> Scan<()> {
        match typed {
            Typed::Text(f) => {
                let s = cur.str_here()?;
                if !is_blank(s) {
                    self.text[f as usize] = Some(s);
                }
            }
            Typed::TimeStr => {
                let s = cur.str_here()?;
                // `time_of` of the string, with the dates remembered.
                if !is_blank(s) {
                    self.time = Some(days.parse(s).ok_or(Reason::BadTimestamp));
                }
            }
            Typed::TimeInt => self.time = Some(time_of(Scalar::U64(cur.uint_here()?))),
            Typed::Count(c) => self.counts[c as usize] = Some(cur.uint_here()?),
            Typed::No | Typed::End | Typed::Skip => return Err(crate::parse::jscan::Bail),
        }
        Ok(())
    }

    /// Reports the line to `sink` as [`Sink::outcome`] reports what
    /// [`Collected::finish`](crate::parse::collect::Collected::finish)
    /// gives for the same values ([`Winners::finish`] for a row without a
    /// usage object or stated cost), the record built in place.
    #[inline(always)]
    pub(super) fn report(&mut self, source: &'static str, sink: &mut dyn Sink) {
        let c = |c: Count| self.counts[c as usize];
        let parts = [
            c(Count::Input),
            c(Count::Output),
            c(Count::CacheRead),
            c(Count::CacheWrite),
            c(Count::CacheWrite1h),
        ];
        let has_tokens = parts.iter().any(Option::is_some);
        if !has_tokens && self.text[Field::Model as usize].is_none() {
            return sink.ignored(Ignored::NoUsage);
        }
        let timestamp = match self.time.take() {
            Some(Ok(t)) => t,
            Some(Err(reason)) => return sink.malformed(reason),
            None => return sink.malformed(Reason::NoTimestamp),
        };
        let [input, output, cache_read, cache_write, cache_write_1h] =
            parts.map(Option::unwrap_or_default);
        let mut record = UsageRecord::new(source);
        for (slot, value) in record.text.iter_mut().zip(self.text) {
            *slot = value.map(Cow::Borrowed);
        }
        record.timestamp = timestamp;
        record.tokens = Tokens {
            input,
            output,
            cache_read,
            cache_write,
            cache_write_1h,
        };
        if let Some(requests) = c(Count::Requests) {
            record.requests = requests;
        }
        sink.record(record);
    }

    /// The record, or why the line is malformed, as
    /// [`Collected::finish`](crate::parse::collect::Collected::finish)
    /// gives it for the same values: [`Values::report`]'s reference.
    #[cfg(test)]
    pub(super) fn finish(
        &mut self,
        source: &'static str,
    ) -> Result<Option<UsageRecord<'a>>, Reason> {
        use crate::parse::collect::Winners;
        let mut record = UsageRecord::new(source);
        for (slot, value) in record.text.iter_mut().zip(self.text) {
            *slot = value.map(Cow::Borrowed);
        }
        Winners {
            time: self.time.take(),
            counts: self.counts.map(|c| c.map(Ok)),
            cost: None,
            usage: None,
        }
        .finish(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::testing::Capture;

    /// `report` gives what `finish` (`Winners::finish`, the reference)
    /// gives, for every mix of present and missing values.
    #[test]
    fn report_is_what_finish_gives() {
        let times = [
            None,
            Some(Ok(1_759_482_842)),
            Some(Err(Reason::BadTimestamp)),
        ];
        for mask in 0..1u32 << 8 {
            for time in &times {
                let mut values = Values::default();
                if mask & 1 != 0 {
                    values.text[Field::Model as usize] = Some("gpt-4o");
                }
                if mask & 2 != 0 {
                    values.text[Field::Team as usize] = Some("ads");
                }
                for (i, count) in values.counts.iter_mut().enumerate() {
                    if mask & (4 << i) != 0 {
                        *count = Some(10 + i as u64);
                    }
                }
                values.time = *time;
                let mut reference = Capture::default();
                let mut copy = Values {
                    time: *time,
                    ..values
                };
                reference.outcome(copy.finish("gateway"));
                let mut reported = Capture::default();
                values.report("gateway", &mut reported);
                assert_eq!(
                    format!("{reported:?}"),
                    format!("{reference:?}"),
                    "{mask} {time:?}"
                );
            }
        }
    }
}
