//! Provider-shaped usage objects embedded in gateway lines, read with the
//! semantics of their **shape**, not of the provider that served them
//! (docs/design.md, token semantics; docs/sources.md):
//!
//! - Gemini `usageMetadata` (`promptTokenCount`, ...): the prompt includes
//!   `cachedContentTokenCount`; `thoughtsTokenCount` is reported beside the
//!   output and billed as output, so it is added.
//! - OpenAI Chat Completions (`prompt_tokens`): cache-inclusive. Cached
//!   reads are `prompt_tokens_details.cached_tokens` (or LiteLLM's
//!   `cache_read_input_tokens`), cache writes `prompt_tokens_details.
//!   cache_write_tokens` (or `cache_creation_input_tokens`); both are
//!   subtracted. Reasoning tokens are inside `completion_tokens`: never added.
//! - OpenAI Responses (`input_tokens` with `input_tokens_details`):
//!   cache-inclusive in the same way.
//! - Anthropic Messages (`input_tokens` with `cache_read_input_tokens` /
//!   `cache_creation_input_tokens`), and canonical names: disjoint, nothing
//!   subtracted. `cache_creation.ephemeral_1h_input_tokens` is the 1-hour
//!   part of the writes.

use std::fmt;
use std::sync::LazyLock;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::parse::cache_detail::split_writes;
pub use crate::parse::cache_detail::{CacheDetail, PromptDetail};
use crate::parse::collect::count_of;

use crate::parse::jscan::{Cursor, Scan, Token};
use crate::parse::json::{KeySeed, ScalarSeed};
use crate::parse::keymap::KeyMap;
use crate::parse::scalar::Scalar;
use crate::record::{Modal, Reason, Tokens};

/// A count inside a usage object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Key {
    PromptTokens,
    CompletionTokens,
    InputTokens,
    OutputTokens,
    CacheReadInput,
    CacheCreationInput,
    CanonCacheRead,
    CanonCacheWrite,
    CanonCacheWrite1h,
    PtdCached,
    PtdCacheWrite,
    Ptd5m,
    Ptd1h,
    ItdCached,
    ItdCacheWrite,
    Cc5m,
    Cc1h,
    GeminiPrompt,
    GeminiCached,
    GeminiCandidates,
    GeminiThoughts,
    PtdAudio,
    PtdImage,
    CtdAudio,
}

const KEYS: usize = 24;

impl Key {
    /// The key as written in its object (the last part of [`Key::name`]).
    fn key(self) -> &'static str {
        let name = self.name();
        name.rsplit('.').next().unwrap_or(name)
    }

    fn name(self) -> &'static str {
        match self {
            Key::PromptTokens => "usage.prompt_tokens",
            Key::CompletionTokens => "usage.completion_tokens",
            Key::InputTokens => "usage.input_tokens",
            Key::OutputTokens => "usage.output_tokens",
            Key::CacheReadInput => "usage.cache_read_input_tokens",
            Key::CacheCreationInput => "usage.cache_creation_input_tokens",
            Key::CanonCacheRead => "usage.cache_read_tokens",
            Key::CanonCacheWrite => "usage.cache_write_tokens",
            Key::CanonCacheWrite1h => "usage.cache_write_1h_tokens",
            Key::PtdCached => "usage.prompt_tokens_details.cached_tokens",
            Key::PtdCacheWrite => "usage.prompt_tokens_details.cache_write_tokens",
            Key::Ptd5m => {
                "usage.prompt_tokens_details.cache_creation_token_details.ephemeral_5m_input_tokens"
            }
            Key::Ptd1h => {
                "usage.prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens"
            }
            Key::ItdCached => "usage.input_tokens_details.cached_tokens",
            Key::ItdCacheWrite => "usage.input_tokens_details.cache_write_tokens",
            Key::Cc5m => "usage.cache_creation.ephemeral_5m_input_tokens",
            Key::Cc1h => "usage.cache_creation.ephemeral_1h_input_tokens",
            Key::GeminiPrompt => "usageMetadata.promptTokenCount",
            Key::GeminiCached => "usageMetadata.cachedContentTokenCount",
            Key::GeminiCandidates => "usageMetadata.candidatesTokenCount",
            Key::GeminiThoughts => "usageMetadata.thoughtsTokenCount",
            Key::PtdAudio => "usage.prompt_tokens_details.audio_tokens",
            Key::PtdImage => "usage.prompt_tokens_details.image_tokens",
            Key::CtdAudio => "usage.completion_tokens_details.audio_tokens",
        }
    }
}

/// The counts found in one usage object.
#[derive(Debug, Default)]
pub struct UsageObj {
    values: [Option<Result<u64, Reason>>; KEYS],
    pub(crate) has_itd: bool,
    /// A count key met twice: the object's tokens are this error.
    dup: Option<Reason>,
}

/// Where in a usage object a key sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum UsageCtx {
    /// The usage object itself.
    Root,
    /// `prompt_tokens_details`.
    PromptDetails,
    /// `prompt_tokens_details.cache_creation_token_details`.
    PromptCacheCreation,
    /// `input_tokens_details`.
    InputDetails,
    /// `cache_creation`.
    CacheCreation,
    /// `completion_tokens_details`.
    CompletionDetails,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    Count(Key),
    Into(UsageCtx),
    Skip,
}

/// Every key of every usage context: `(context, key, step)`.
const STEPS: &[(UsageCtx, &str, Step)] = {
    use Key::*;
    use Step::*;
    use UsageCtx::*;
    &[
        (Root, "prompt_tokens", Count(PromptTokens)),
        (Root, "completion_tokens", Count(CompletionTokens)),
        (Root, "input_tokens", Count(InputTokens)),
        (Root, "output_tokens", Count(OutputTokens)),
        (Root, "cache_read_input_tokens", Count(CacheReadInput)),
        (
            Root,
            "cache_creation_input_tokens",
            Count(CacheCreationInput),
        ),
        (Root, "cache_read_tokens", Count(CanonCacheRead)),
        (Root, "cache_write_tokens", Count(CanonCacheWrite)),
        (Root, "cache_write_1h_tokens", Count(CanonCacheWrite1h)),
        (Root, "promptTokenCount", Count(GeminiPrompt)),
        (Root, "cachedContentTokenCount", Count(GeminiCached)),
        (Root, "candidatesTokenCount", Count(GeminiCandidates)),
        (Root, "thoughtsTokenCount", Count(GeminiThoughts)),
        (Root, "prompt_tokens_details", Into(PromptDetails)),
        (Root, "input_tokens_details", Into(InputDetails)),
        (Root, "cache_creation", Into(CacheCreation)),
        (Root, "completion_tokens_details", Into(CompletionDetails)),
        (PromptDetails, "audio_tokens", Count(PtdAudio)),
        (PromptDetails, "image_tokens", Count(PtdImage)),
        (CompletionDetails, "audio_tokens", Count(CtdAudio)),
        (PromptDetails, "cached_tokens", Count(PtdCached)),
        (PromptDetails, "cache_write_tokens", Count(PtdCacheWrite)),
        (
            PromptDetails,
            "cache_creation_token_details",
            Into(PromptCacheCreation),
        ),
        (
            PromptCacheCreation,
            "ephemeral_5m_input_tokens",
            Count(Ptd5m),
        ),
        (
            PromptCacheCreation,
            "ephemeral_1h_input_tokens",
            Count(Ptd1h),
        ),
        (InputDetails, "cached_tokens", Count(ItdCached)),
        (InputDetails, "cache_write_tokens", Count(ItdCacheWrite)),
        (CacheCreation, "ephemeral_5m_input_tokens", Count(Cc5m)),
        (CacheCreation, "ephemeral_1h_input_tokens", Count(Cc1h)),
    ]
};

const CONTEXTS: usize = 6;

/// [`STEPS`] by key, then by context.
static STEP_MAP: LazyLock<KeyMap<[Step; CONTEXTS]>> = LazyLock::new(|| {
    let mut by_key: Vec<(&'static str, [Step; CONTEXTS])> = Vec::new();
    for &(ctx, key, step) in STEPS {
        let i = match by_key.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                by_key.push((key, [Step::Skip; CONTEXTS]));
                by_key.len() - 1
            }
        };
        by_key[i].1[ctx as usize] = step;
    }
    KeyMap::new(by_key)
});

impl UsageCtx {
    fn step(self, key: &str) -> Step {
        STEP_MAP
            .get(key)
            .map_or(Step::Skip, |steps| steps[self as usize])
    }

    /// Reads the entries of a usage object (or a nested part) into `obj`.
    pub fn visit<'de, A: MapAccess<'de>>(
        self,
        obj: &mut UsageObj,
        mut map: A,
    ) -> Result<(), A::Error> {
        if self == UsageCtx::InputDetails {
            obj.has_itd = true;
        }
        while let Some(step) = map.next_key_seed(KeySeed(|k: &str| self.step(k)))? {
            match step {
                Step::Count(key) => {
                    if let Some(value) = map.next_value_seed(ScalarSeed)? {
                        obj.offer(key, value);
                    }
                }
                Step::Into(ctx) => map.next_value_seed(Nested {
                    ctx,
                    obj: &mut *obj,
                })?,
                Step::Skip => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl UsageCtx {
    /// [`UsageCtx::visit`] over the scanner, after the object's `{`.
    pub fn scan(self, cur: &mut Cursor<'_>, obj: &mut UsageObj) -> Scan<()> {
        if self == UsageCtx::InputDetails {
            obj.has_itd = true;
        }
        cur.entries(|cur, key| {
            self.step(key)
                .take(cur, obj, |ctx, cur, obj| ctx.scan(cur, obj))
        })
    }
}

/// What a key means inside each usage context, for the gateway's learned
/// walk (its `Meaning` of a key).
#[derive(Debug, Clone, Copy, Default)]
pub struct UsageSteps(pub(crate) Option<&'static [Step; CONTEXTS]>);

impl UsageSteps {
    /// The steps of `key`, if it is a usage key anywhere.
    pub fn of(key: &str) -> UsageSteps {
        UsageSteps(STEP_MAP.get(key))
    }
}

impl Step {
    /// Consumes the value under a key: a count is offered, a nested part
    /// read with `into`, anything else skipped.
    #[inline]
    pub(crate) fn take<'de>(
        self,
        cur: &mut Cursor<'de>,
        obj: &mut UsageObj,
        into: impl FnOnce(UsageCtx, &mut Cursor<'de>, &mut UsageObj) -> Scan<()>,
    ) -> Scan<()> {
        match self {
            Step::Count(key) => {
                let token = cur.value()?;
                let value = match token {
                    Token::Scalar(s) => s,
                    Token::Null => Scalar::Null,
                    Token::Object | Token::Array => return cur.skip_rest(&token),
                };
                obj.offer(key, value);
                Ok(())
            }
            Step::Into(ctx) => {
                let token = cur.value()?;
                match token {
                    Token::Object => into(ctx, cur, obj),
                    Token::Array => cur.skip_rest(&token),
                    Token::Scalar(_) | Token::Null => Ok(()),
                }
            }
            Step::Skip => cur.skip_value(),
        }
    }
}

struct Nested<'o> {
    ctx: UsageCtx,
    obj: &'o mut UsageObj,
}

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a usage details object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.ctx.visit(self.obj, map)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

impl UsageObj {
    /// A count under `key`. A repeated key makes the object's tokens the
    /// malformed reason `duplicate key` (docs/sources.md, duplicate keys):
    /// which occurrence counts would depend on the parser.
    fn offer(&mut self, key: Key, value: Scalar<'_>) {
        let slot = &mut self.values[key as usize];
        if slot.is_none() {
            *slot = Some(count_of(key.name(), value));
        } else {
            self.dup.get_or_insert(Reason::DuplicateKey(key.key()));
        }
    }

    fn get(&self, key: Key) -> Result<Option<u64>, Reason> {
        match &self.values[key as usize] {
            Some(Ok(v)) => Ok(Some(*v)),
            Some(Err(e)) => Err(*e),
            None => Ok(None),
        }
    }

    fn first(&self, keys: &[Key]) -> Result<Option<u64>, Reason> {
        for &k in keys {
            if let Some(v) = self.get(k)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// The cache counts that detail a cache-inclusive prompt count, in
    /// OpenAI or Anthropic names, as [`CacheDetail::tokens_of`] takes them
    /// out of it.
    pub fn cache_detail(&self) -> CacheDetail {
        use Key::*;
        if let Some(dup) = self.dup {
            return CacheDetail {
                read: Err(dup),
                ..CacheDetail::default()
            };
        }
        CacheDetail {
            read: self.first(&[PtdCached, CacheReadInput, CanonCacheRead]),
            write: self.first(&[PtdCacheWrite, CacheCreationInput]),
            one_hour: self.first(&[Ptd1h, Cc1h]),
            five_min: self.first(&[Ptd5m, Cc5m]),
        }
    }

    /// The `audio_tokens` of a top-level `completion_tokens_details` (0
    /// when absent).
    pub fn completion_audio(&self) -> Result<u64, Reason> {
        Ok(self.get(Key::CtdAudio)?.unwrap_or(0))
    }

    /// The counts of a top-level `prompt_tokens_details`: its cache counts
    /// and its audio and image input.
    pub fn prompt_detail(&self) -> PromptDetail {
        PromptDetail {
            cache: self.cache_detail(),
            audio: self.get(Key::PtdAudio),
            image: self.get(Key::PtdImage),
        }
    }

    /// The disjoint tokens of this object and its audio and image tokens,
    /// taken out of the text counts that include them, `None` when it
    /// holds no count. Only the Chat Completions shape (`prompt_tokens`)
    /// has them: `prompt_tokens` includes `prompt_tokens_details.
    /// audio_tokens` and `.image_tokens`, `completion_tokens` includes
    /// `completion_tokens_details.audio_tokens` (docs/sources.md). Readers
    /// that carry no [`Modal`] part use [`UsageObj::tokens`], which leaves
    /// them in the text counts.
    pub fn tokens_modal(&self) -> Option<Result<(Tokens, Modal), Reason>> {
        use Key::*;
        let tokens = self.tokens()?;
        Some(tokens.and_then(|t| {
            if self.get(PromptTokens)?.is_none() {
                return Ok((t, Modal::default()));
            }
            let modal = Modal {
                audio_in: self.get(PtdAudio)?.unwrap_or(0),
                audio_out: self.get(CtdAudio)?.unwrap_or(0),
                image_in: self.get(PtdImage)?.unwrap_or(0),
            };
            Ok((modal.taken_out_of(t)?, modal))
        }))
    }

    /// The disjoint tokens of this object, `None` when it holds no count.
    pub fn tokens(&self) -> Option<Result<Tokens, Reason>> {
        if let Some(dup) = self.dup {
            return Some(Err(dup));
        }
        if self.values.iter().all(Option::is_none) {
            return None;
        }
        Some(self.interpret())
    }

    fn interpret(&self) -> Result<Tokens, Reason> {
        use Key::*;
        let gemini = self.get(GeminiPrompt)?.is_some() || self.get(GeminiCandidates)?.is_some();
        if gemini {
            let prompt = self.get(GeminiPrompt)?.unwrap_or(0);
            let cached = self.get(GeminiCached)?.unwrap_or(0);
            let output = self.get(GeminiCandidates)?.unwrap_or(0);
            let thoughts = self.get(GeminiThoughts)?.unwrap_or(0);
            return Ok(Tokens {
                input: prompt
                    .checked_sub(cached)
                    .ok_or(Reason::CachedExceedsInput)?,
                output: output.saturating_add(thoughts),
                cache_read: cached,
                ..Tokens::default()
            });
        }
        if let Some(prompt) = self.get(PromptTokens)? {
            let output = self.get(CompletionTokens)?.unwrap_or(0);
            return self.cache_detail().tokens_of(prompt, output);
        }
        let output = self.first(&[OutputTokens, CompletionTokens])?.unwrap_or(0);
        let input = self.get(InputTokens)?.unwrap_or(0);
        if self.has_itd {
            let read = self.get(ItdCached)?.unwrap_or(0);
            let write = self.get(ItdCacheWrite)?.unwrap_or(0);
            let input = input
                .checked_sub(read)
                .and_then(|v| v.checked_sub(write))
                .ok_or(Reason::CachedExceedsInput)?;
            return Ok(Tokens {
                input,
                output,
                cache_read: read,
                cache_write: write,
                cache_write_1h: 0,
            });
        }
        // Anthropic shape or canonical names: disjoint, nothing subtracted.
        let read = self.first(&[CacheReadInput, CanonCacheRead])?.unwrap_or(0);
        let (w5, w1) = match self.get(CanonCacheWrite)? {
            Some(w) if self.get(CacheCreationInput)?.is_none() => {
                (w, self.get(CanonCacheWrite1h)?.unwrap_or(0))
            }
            _ => split_writes(
                self.get(CacheCreationInput)?,
                self.get(Cc5m)?,
                self.first(&[Cc1h, CanonCacheWrite1h])?,
            )?,
        };
        Ok(Tokens {
            input,
            output,
            cache_read: read,
            cache_write: w5,
            cache_write_1h: w1,
        })
    }
}

/// A provider-shaped usage object read with the gateway's usage rules
/// (see the module doc), kept only as its disjoint
/// tokens (`None` when it holds no count) so that rows stay small.
#[derive(Debug, Default)]
pub struct Usage(Option<Result<Tokens, Reason>>);

impl Usage {
    /// The usage of counts read with the scanner.
    pub fn of(obj: &UsageObj) -> Usage {
        Usage(obj.tokens())
    }

    /// The disjoint tokens, or why they cannot be read; `None` when the
    /// object holds no count.
    pub fn tokens(&self) -> Option<Result<Tokens, Reason>> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Usage {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UsageParts::deserialize(d).map(|parts| Usage(parts.0.tokens()))
    }
}

/// The cache counts of a usage object that details a prompt count stated
/// beside it (LiteLLM's `additional_usage_values` holds the cache split of
/// its row's `prompt_tokens`). Anything but an object holds no count.
#[derive(Debug, Default, Clone, Copy)]
pub struct CacheDetails(pub CacheDetail);

impl<'de> Deserialize<'de> for CacheDetails {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        UsageParts::deserialize(d).map(|parts| CacheDetails(parts.0.cache_detail()))
    }
}

/// A usage object's counts as read, before they are made disjoint.
#[derive(Debug, Default)]
struct UsageParts(UsageObj);

impl<'de> Deserialize<'de> for UsageParts {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UsageVisitor)
    }
}

struct UsageVisitor;

impl<'de> Visitor<'de> for UsageVisitor {
    type Value = UsageParts;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a usage object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<UsageParts, A::Error> {
        let mut obj = UsageObj::default();
        UsageCtx::Root.visit(&mut obj, map)?;
        Ok(UsageParts(obj))
    }
    fn visit_unit<E>(self) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UsageParts, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(UsageParts::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<UsageParts, E> {
        Ok(UsageParts::default())
    }
}
