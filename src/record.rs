//! The one normalized row every step after the adapters sees.
//!
//! `record.rs` owns the canonical field names of docs/design.md and nothing else:
//! no parsing, no pricing. Strings borrow from the input chunk where they
//! can (`Cow::Borrowed`) so the hot path does not allocate per row.

use std::borrow::Cow;
use std::fmt;

/// A text field of a usage record, indexable so that grouping, filters and
/// `--map` treat every field the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Field {
    /// `openai`, `anthropic`, `google`, `bedrock`, ...
    Provider,
    /// The model id as the source wrote it.
    Model,
    /// `standard`, `batch`, `flex`, `priority`, ...
    ServiceTier,
    /// Owning team.
    Team,
    /// Cost center for chargeback.
    CostCenter,
    /// OpenAI project, Anthropic workspace, ...
    Project,
    /// Calling service.
    Service,
    /// HTTP route or operation.
    Route,
    /// `prod`, `staging`, ...
    Environment,
    /// End customer (tenant).
    Customer,
    /// User or principal.
    User,
    /// API key alias or id.
    ApiKey,
    /// Provider or gateway request id.
    RequestId,
    /// `success`, `failure`, ...
    Status,
}

impl Field {
    /// Every text field, in declaration order.
    pub const ALL: [Field; 14] = [
        Field::Provider,
        Field::Model,
        Field::ServiceTier,
        Field::Team,
        Field::CostCenter,
        Field::Project,
        Field::Service,
        Field::Route,
        Field::Environment,
        Field::Customer,
        Field::User,
        Field::ApiKey,
        Field::RequestId,
        Field::Status,
    ];

    /// Number of text fields.
    pub const COUNT: usize = Self::ALL.len();

    /// The canonical name (docs/design.md).
    pub fn name(self) -> &'static str {
        match self {
            Field::Provider => "provider",
            Field::Model => "model",
            Field::ServiceTier => "service_tier",
            Field::Team => "team",
            Field::CostCenter => "cost_center",
            Field::Project => "project",
            Field::Service => "service",
            Field::Route => "route",
            Field::Environment => "environment",
            Field::Customer => "customer",
            Field::User => "user",
            Field::ApiKey => "api_key",
            Field::RequestId => "request_id",
            Field::Status => "status",
        }
    }

    /// Looks a field up by its canonical name.
    pub fn from_name(name: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a run reads of a row (see
/// `sources::SourceOptions::fields`): a set
/// of text fields, and whether the cost a source states is read. All of it
/// by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSet(u16);

/// The bit past the text fields: the stated cost.
const REPORTED_COST: u16 = 1 << Field::COUNT;
const _: () = assert!(Field::COUNT < 16);

impl FieldSet {
    /// Every text field and the stated cost.
    pub const ALL: FieldSet = FieldSet((REPORTED_COST << 1) - 1);

    /// No field, no stated cost.
    pub const NONE: FieldSet = FieldSet(0);

    /// This set and `field`.
    pub fn with(self, field: Field) -> FieldSet {
        FieldSet(self.0 | 1 << field as u16)
    }

    /// This set and the stated cost.
    pub fn with_reported_cost(self) -> FieldSet {
        FieldSet(self.0 | REPORTED_COST)
    }

    /// Returns true if and only if `field` is in the set.
    #[inline]
    pub fn contains(self, field: Field) -> bool {
        self.0 & 1 << field as u16 != 0
    }

    /// Returns true if and only if the stated cost is read.
    #[inline]
    pub fn reads_reported_cost(self) -> bool {
        self.0 & REPORTED_COST != 0
    }
}

impl Default for FieldSet {
    fn default() -> Self {
        FieldSet::ALL
    }
}

impl FromIterator<Field> for FieldSet {
    fn from_iter<I: IntoIterator<Item = Field>>(iter: I) -> Self {
        iter.into_iter().fold(FieldSet::NONE, FieldSet::with)
    }
}

/// Token counts with the disjoint semantics of docs/design.md: `input` is the
/// uncached input; the cache counts are separate from it and from each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Tokens {
    /// Uncached input tokens, billed at the base input price.
    pub input: u64,
    /// Output tokens (reasoning included).
    pub output: u64,
    /// Cache-read (cache hit) input tokens.
    pub cache_read: u64,
    /// 5-minute or unspecified cache-write tokens.
    pub cache_write: u64,
    /// 1-hour cache-write tokens.
    pub cache_write_1h: u64,
}

impl Tokens {
    /// All input: uncached + cache read + cache writes. Long-context tiers
    /// are keyed on this.
    pub fn total_input(&self) -> u64 {
        self.input
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write)
            .saturating_add(self.cache_write_1h)
    }

    /// Every token of the request.
    pub fn total(&self) -> u64 {
        self.total_input().saturating_add(self.output)
    }

    /// Every token, exactly: [`Tokens::total`] saturates at `u64::MAX`.
    pub fn total_exact(&self) -> u128 {
        [
            self.input,
            self.output,
            self.cache_read,
            self.cache_write,
            self.cache_write_1h,
        ]
        .map(u128::from)
        .iter()
        .sum()
    }

    /// Returns true if and only if every count is zero.
    pub fn is_zero(&self) -> bool {
        self.total() == 0
    }
}

/// OpenAI audio and image tokens, disjoint from [`Tokens`]: taken out of
/// the text input and output counts that include them, priced by their own
/// rate-card columns (docs/design.md, "Audio and image tokens"). Cached
/// audio or image input is counted here too, at the audio or image input
/// price: the card has no cached-modality column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Modal {
    /// Audio input tokens.
    pub audio_in: u64,
    /// Audio output tokens.
    pub audio_out: u64,
    /// Image input tokens.
    pub image_in: u64,
}

impl Modal {
    /// Returns true if and only if every count is zero.
    #[inline]
    pub fn is_zero(&self) -> bool {
        (self.audio_in | self.audio_out | self.image_in) == 0
    }

    /// Every audio and image token, exactly.
    pub fn total_exact(&self) -> u128 {
        u128::from(self.audio_in) + u128::from(self.audio_out) + u128::from(self.image_in)
    }

    /// `tokens` (text counts that include these) with these taken out.
    pub fn taken_out_of(&self, tokens: Tokens) -> Result<Tokens, Reason> {
        let exceeds = Reason::Other("audio or image tokens exceed the tokens that include them");
        let input = self.audio_in.checked_add(self.image_in).ok_or(exceeds)?;
        Ok(Tokens {
            input: tokens.input.checked_sub(input).ok_or(exceeds)?,
            output: tokens.output.checked_sub(self.audio_out).ok_or(exceeds)?,
            ..tokens
        })
    }

    /// `tokens` with these counts added back where a report sums tokens:
    /// audio and image input to `input`, audio output to `output`.
    pub fn counted_in(&self, tokens: &Tokens) -> Tokens {
        Tokens {
            input: tokens
                .input
                .saturating_add(self.audio_in)
                .saturating_add(self.image_in),
            output: tokens.output.saturating_add(self.audio_out),
            ..*tokens
        }
    }
}

pub use crate::time::Timestamp;

/// One usage row, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord<'a> {
    /// When the request happened, UTC seconds.
    pub timestamp: Timestamp,
    /// How many API requests the row stands for (1 for a log line, N for an
    /// aggregated row, 0 for an aggregated row whose source gives no count).
    pub requests: u64,
    /// Token counts, disjoint.
    pub tokens: Tokens,
    /// Audio and image tokens, disjoint from `tokens`.
    pub modal: Modal,
    /// Text fields by [`Field`]; `None` is a missing value.
    pub text: [Option<Cow<'a, str>>; Field::COUNT],
    /// A cost the source itself states, in pico-dollars; kept for
    /// reconciliation, never used as the priced cost.
    pub reported_cost: Option<u128>,
    /// Name of the adapter that read the row.
    pub source: &'static str,
    /// What the source knows about how the counts were written: bits of
    /// [`note`] (lossy or buggy instrumentations, a known context window).
    pub notes: u8,
    /// A row llmspend itself priced (source `llmspend`, normalized JSONL):
    /// `Some(cost)` is taken as written and never priced again (`None`
    /// inside: unpriced), and the row is not a line read (its run's
    /// trailer counted the line). `None` for every other source.
    pub written_cost: Option<Option<u128>>,
}

/// Bits of [`UsageRecord::notes`]: facts a source knows about a record
/// that change how it is priced or warned about (docs/design.md,
/// Warnings).
pub mod note {
    /// The source says the request ran above the long-context threshold
    /// (Anthropic `context_window` `200k-1M`): priced at the tier rates.
    pub const LONG_CONTEXT: u8 = 1;
    /// The source says it ran below (`0-200k`): never tiered.
    pub const SHORT_CONTEXT: u8 = 2;
    /// 5-minute and 1-hour cache writes come as one count (OpenLLMetry
    /// Anthropic spans): priced as 5-minute.
    pub const CACHE_WRITES_MERGED: u8 = 4;
    /// Output is one more than billed (OpenLLMetry's streamed Anthropic
    /// spans), priced as logged.
    pub const PLUS_ONE_OUTPUT: u8 = 8;
    /// The same, with the 1 subtracted (`--correct-known-bugs`).
    pub const PLUS_ONE_CORRECTED: u8 = 16;
    /// The input count includes cached tokens and no cache split is given:
    /// cached input is priced as uncached.
    pub const NO_CACHE_SPLIT: u8 = 32;
    /// Audio or image tokens with no price of their own in the rate card
    /// (not priced, never as text). Set by pricing, not by sources: the
    /// record's [`super::Modal`] parts whose card column is empty.
    pub const UNPRICED_MODALITY: u8 = 64;
}

impl<'a> UsageRecord<'a> {
    /// An empty record read by `source`.
    pub fn new(source: &'static str) -> Self {
        UsageRecord {
            timestamp: 0,
            requests: 1,
            tokens: Tokens::default(),
            modal: Modal::default(),
            text: Default::default(),
            reported_cost: None,
            source,
            notes: 0,
            written_cost: None,
        }
    }

    /// The value of a text field, `None` when missing.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.text[field as usize].as_deref()
    }

    /// Sets a text field; an empty string is a missing value (docs/design.md).
    pub fn set(&mut self, field: Field, value: Cow<'a, str>) {
        self.text[field as usize] = if value.trim().is_empty() {
            None
        } else {
            Some(value)
        };
    }
}

/// Why a unit carries nothing to count: the `ignored` bucket, counted per
/// reason like malformed units (docs/design.md, Accounting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ignored {
    /// Neither a model nor a token count (a row of some other data).
    NoUsage,
    /// A span or message with no token counts.
    NoTokenCounts,
    /// An event of another kind (a user prompt, a non-invocation log).
    NotUsageEvent,
    /// A page, array or bucket with no records in it.
    Empty,
    /// A CSV header row.
    Header,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ignored::NoUsage => "no model or token counts",
            Ignored::NoTokenCounts => "no token counts",
            Ignored::NotUsageEvent => "not a usage event",
            Ignored::Empty => "empty page or bucket",
            Ignored::Header => "CSV header",
        })
    }
}

/// A line of only NUL bytes (and whitespace): a writer crashed after the
/// file was extended and before its data reached the disk. Malformed, not
/// blank, so the crash shows in the accounting.
pub const NUL_TAIL: Reason = Reason::Other("NUL bytes (file cut short?)");

/// Why a record could not be used. Static data, so counting a reason costs
/// no allocation in the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Not valid JSON (truncated, bad syntax, too deep).
    InvalidJson,
    /// Valid JSON but not one object (array, scalar, two objects).
    NotAnObject,
    /// No timestamp field: the row cannot be placed in a billing period.
    NoTimestamp,
    /// A timestamp that is not one of the accepted forms.
    BadTimestamp,
    /// A token or request count that is not a non-negative integer.
    BadCount {
        /// The field as the source names it.
        field: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Cached tokens exceed the cache-inclusive input count they belong to.
    CachedExceedsInput,
    /// The line is not valid UTF-8.
    InvalidUtf8,
    /// A CSV row that cannot be read (unclosed quote, wrong field count).
    BadCsvRow,
    /// A line longer than the configured limit.
    LineTooLong,
    /// A key the source reads occurs twice in one object (or a CSV header):
    /// which value counts would depend on the parser, so neither does
    /// (docs/sources.md, duplicate keys).
    DuplicateKey(&'static str),
    /// A source-specific problem.
    Other(&'static str),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::InvalidJson => f.write_str("invalid JSON"),
            Reason::NotAnObject => f.write_str("not one JSON object"),
            Reason::NoTimestamp => f.write_str("no timestamp"),
            Reason::BadTimestamp => f.write_str("unreadable timestamp"),
            Reason::BadCount { field, why } => write!(f, "invalid count in `{field}`: {why}"),
            Reason::CachedExceedsInput => {
                f.write_str("cached tokens exceed the input tokens that include them")
            }
            Reason::InvalidUtf8 => f.write_str("invalid UTF-8"),
            Reason::BadCsvRow => f.write_str("unreadable CSV row"),
            Reason::LineTooLong => f.write_str("line longer than --max-line-bytes"),
            Reason::DuplicateKey(key) => write!(f, "duplicate key `{key}`"),
            Reason::Other(s) => f.write_str(s),
        }
    }
}

/// Where a record came from: a file of the run and a physical line in it,
/// counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Index of the input file in the run's sorted file list.
    pub file: u32,
    /// Physical line, counted from 1.
    pub line: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_strings_are_missing_values() {
        let mut r = UsageRecord::new("gateway");
        r.set(Field::Team, Cow::Borrowed("  "));
        assert_eq!(r.get(Field::Team), None);
        r.set(Field::Team, Cow::Borrowed("search"));
        assert_eq!(r.get(Field::Team), Some("search"));
    }

    #[test]
    fn field_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn total_input_counts_every_input_kind() {
        let t = Tokens {
            input: 1,
            output: 100,
            cache_read: 10,
            cache_write: 1000,
            cache_write_1h: 10000,
        };
        assert_eq!(t.total_input(), 11011);
        assert_eq!(t.total(), 11111);
    }

    #[test]
    fn record_stays_small() {
        // 448 bytes before the audio and image counts (three u64, 24
        // bytes), 480 with them (the u128 stated cost aligns it to 16),
        // 512 with the cost a normalized row carries (source `llmspend`).
        assert_eq!(std::mem::size_of::<UsageRecord<'static>>(), 512);
    }
}
