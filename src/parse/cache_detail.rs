//! The cache counts that detail a cache-inclusive prompt count (OpenAI's
//! `prompt_tokens_details`), kept apart from the usage-object reader so
//! that a row's collected values can hold them (docs/sources.md, gateway).

use crate::record::{Modal, Reason, Tokens};

/// The cache counts of a usage object that details a cache-inclusive
/// prompt count (OpenAI's shape; LiteLLM's `additional_usage_values` beside
/// its row's `prompt_tokens`), each as read: small enough to keep in a row.
#[derive(Debug, Clone, Copy)]
pub struct CacheDetail {
    pub(crate) read: Result<Option<u64>, Reason>,
    pub(crate) write: Result<Option<u64>, Reason>,
    pub(crate) one_hour: Result<Option<u64>, Reason>,
    pub(crate) five_min: Result<Option<u64>, Reason>,
}

/// A flat line's top-level `prompt_tokens_details`: its cache counts and
/// its `audio_tokens` and `image_tokens`, parts of the line's prompt
/// (boxed in a row: rare). Apart from [`CacheDetail`] so that rows that
/// hold cache details unboxed (LiteLLM's) do not grow.
#[derive(Debug, Clone, Copy)]
pub struct PromptDetail {
    /// The cache counts.
    pub cache: CacheDetail,
    pub(crate) audio: Result<Option<u64>, Reason>,
    pub(crate) image: Result<Option<u64>, Reason>,
}

impl Default for CacheDetail {
    fn default() -> Self {
        CacheDetail {
            read: Ok(None),
            write: Ok(None),
            one_hour: Ok(None),
            five_min: Ok(None),
        }
    }
}

impl CacheDetail {
    /// The disjoint tokens of a request of `prompt` (cache inclusive) and
    /// `completion` tokens with these cache counts: reads and writes (the
    /// 5-minute/1-hour split kept) are taken out of `prompt`.
    pub fn tokens_of(self, prompt: u64, completion: u64) -> Result<Tokens, Reason> {
        let read = self.read?.unwrap_or(0);
        let (w5, w1) = split_writes(self.write?, self.five_min?, self.one_hour?)?;
        let input = prompt
            .checked_sub(read)
            .and_then(|v| v.checked_sub(w5))
            .and_then(|v| v.checked_sub(w1))
            .ok_or(Reason::CachedExceedsInput)?;
        Ok(Tokens {
            input,
            output: completion,
            cache_read: read,
            cache_write: w5,
            cache_write_1h: w1,
        })
    }
}

impl PromptDetail {
    /// [`CacheDetail::tokens_of`] with the audio and image input of the
    /// details taken out of the uncached input as their own part (docs/
    /// design.md, "Audio and image tokens").
    pub fn tokens_modal_of(self, prompt: u64, completion: u64) -> Result<(Tokens, Modal), Reason> {
        let tokens = self.cache.tokens_of(prompt, completion)?;
        let modal = Modal {
            audio_in: self.audio?.unwrap_or(0),
            audio_out: 0,
            image_in: self.image?.unwrap_or(0),
        };
        Ok((modal.taken_out_of(tokens)?, modal))
    }
}

/// Splits cache writes into (5-minute, 1-hour) from a total and the
/// optional parts. When only a total is known, every write is 5-minute
/// (docs/design.md, token semantics).
pub(crate) fn split_writes(
    total: Option<u64>,
    five_min: Option<u64>,
    one_hour: Option<u64>,
) -> Result<(u64, u64), Reason> {
    match (total, five_min, one_hour) {
        (Some(t), _, Some(h)) => Ok((t.checked_sub(h).ok_or(Reason::CachedExceedsInput)?, h)),
        (Some(t), _, None) => Ok((t, 0)),
        (None, f, h) => Ok((f.unwrap_or(0), h.unwrap_or(0))),
    }
}
