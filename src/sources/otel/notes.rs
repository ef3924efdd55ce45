//! What OTel spans are known to lose or distort, by instrumentation
//! (docs/design.md, Warnings): OpenLLMetry's Anthropic spans merge 5-minute
//! and 1-hour cache writes and, streamed, count one output token too many;
//! spans with no cache attribute at all cannot split cached input.

use std::borrow::Cow;

use serde::Deserialize;

use crate::parse::json::Val;
use crate::parse::scalar::Scalar;
use crate::record::Tokens;

/// OpenLLMetry's Anthropic instrumentation.
const OPENLLMETRY_ANTHROPIC: &str = "opentelemetry.instrumentation.anthropic";

/// The last OpenLLMetry release known to add 1 to the output of streamed
/// Anthropic calls (traceloop/openllmetry PR #4377, still open when 0.62
/// was the latest release); every earlier release has it too.
const PLUS_ONE_UP_TO: (u64, u64) = (0, 62);

/// What a span's scope says about its counts.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ScopeFacts {
    /// OpenLLMetry's Anthropic instrumentation.
    openllmetry_anthropic: bool,
    /// A version of it with the +1 output bug.
    plus_one: bool,
    /// `--correct-known-bugs`.
    correct: bool,
}

impl ScopeFacts {
    pub(super) fn of(scope: &Option<Scope<'_>>, correct: bool) -> ScopeFacts {
        let text = |v: &Val<'_>| match &v.0 {
            Some(Scalar::Str(s)) => Some(s.trim().to_string()),
            _ => None,
        };
        let Some(scope) = scope else {
            return ScopeFacts {
                correct,
                ..ScopeFacts::default()
            };
        };
        let anthropic = text(&scope.name).as_deref() == Some(OPENLLMETRY_ANTHROPIC);
        let version = text(&scope.version).and_then(|v| {
            let mut parts = v.split('.').map(|p| p.parse::<u64>().ok());
            Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
        });
        ScopeFacts {
            openllmetry_anthropic: anthropic,
            plus_one: anthropic && version.is_some_and(|v| v <= PLUS_ONE_UP_TO),
            correct,
        }
    }
}

/// What the span's counts are known to lose or distort
/// ([`crate::record::note`]); with `--correct-known-bugs`, corrects them.
/// What one span says, read by the adapter (`otel.rs`).
pub(super) struct SpanFacts<'v> {
    /// Its provider, mapped by [`provider`].
    pub provider: Option<Scalar<'v>>,
    /// The 1-hour cache writes, where given.
    pub write_1h: Option<u64>,
    /// `gen_ai.request.stream` / `llm.is_streaming`.
    pub stream: Option<Scalar<'v>>,
    /// Any cache attribute (read or write) present.
    pub cache_attr: bool,
}

pub(super) fn notes(span: SpanFacts<'_>, scope: ScopeFacts, tokens: &mut Tokens) -> u8 {
    use crate::record::note;
    let mut notes = 0;
    let anthropic = scope.openllmetry_anthropic
        || matches!(span.provider.map(provider), Some(Scalar::Str(p)) if p == "anthropic");
    match span.write_1h {
        // The 1-hour part of the writes (all of them, if it exceeds the
        // merged count).
        Some(h) => {
            tokens.cache_write_1h = h;
            tokens.cache_write = tokens.cache_write.saturating_sub(h);
        }
        // One count for 5-minute and 1-hour writes: priced as 5-minute.
        None if anthropic && tokens.cache_write > 0 => notes |= note::CACHE_WRITES_MERGED,
        None => {}
    }
    let streamed = match &span.stream {
        Some(Scalar::Bool(b)) => *b,
        Some(Scalar::Str(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    if scope.plus_one && streamed && tokens.output > 0 {
        if scope.correct {
            tokens.output -= 1;
            notes |= note::PLUS_ONE_CORRECTED;
        } else {
            notes |= note::PLUS_ONE_OUTPUT;
        }
    }
    // Cache-inclusive input and not one cache attribute: cached input, if
    // any, cannot be told apart.
    if !span.cache_attr {
        notes |= note::NO_CACHE_SPLIT;
    }
    notes
}

/// The instrumentation scope: which library wrote the spans.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Scope<'a> {
    #[serde(borrow)]
    name: Val<'a>,
    #[serde(borrow)]
    version: Val<'a>,
}

/// Maps OTel provider names onto rate-card provider names.
pub(super) fn provider(value: Scalar<'_>) -> Scalar<'_> {
    let Scalar::Str(s) = &value else {
        return value;
    };
    let t = s.trim();
    let is = |names: &[&str]| names.iter().any(|n| t.eq_ignore_ascii_case(n));
    let mapped = if is(&["aws.bedrock", "bedrock", "aws_bedrock"]) {
        "bedrock"
    } else if is(&[
        "gcp.gemini",
        "gcp.vertex_ai",
        "gcp.gen_ai",
        "vertex_ai",
        "vertexai",
        "gemini",
        "google",
    ]) {
        "google"
    } else if is(&["azure.ai.openai", "az.ai.openai", "azure"]) {
        "azure"
    } else if is(&["openai"]) {
        "openai"
    } else if is(&["anthropic"]) {
        "anthropic"
    } else if t.bytes().any(|b| b.is_ascii_uppercase()) {
        return Scalar::Str(Cow::Owned(t.to_ascii_lowercase()));
    } else {
        return value;
    };
    Scalar::Str(Cow::Borrowed(mapped))
}
