//! The span and resource attributes `otel` reads, by role and rank
//! (docs/sources.md, otel): what the adapter classifies keys by and what
//! `llmspend sources --fields` lists.

/// Attributes the adapter reads, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Key {
    Input,
    Output,
    CacheRead,
    CacheWrite,
    Provider,
    Model,
    RequestModel,
    ResponseId,
    ServiceTier,
    ServiceName,
    Environment,
    EnvironmentOld,
    /// Whether the call was streamed (OpenLLMetry's +1 output bug).
    Stream,
    /// The 1-hour part of the cache writes, where an instrumentation
    /// gives it (OpenLLMetry 0.62 does not).
    CacheWrite1h,
}

pub(super) const KEYS: usize = 14;

/// The known attribute names: `(name, key, rank)`; a lower rank wins
/// among names of the same key.
pub(super) const NAMES: &[(&str, Key, u8)] = &[
    ("gen_ai.usage.input_tokens", Key::Input, 0),
    ("gen_ai.usage.prompt_tokens", Key::Input, 1),
    ("llm.usage.prompt_tokens", Key::Input, 2),
    ("llm.token_count.prompt", Key::Input, 2),
    ("ai.usage.inputTokens", Key::Input, 3),
    ("ai.usage.promptTokens", Key::Input, 4),
    ("gen_ai.usage.output_tokens", Key::Output, 0),
    ("gen_ai.usage.completion_tokens", Key::Output, 1),
    ("llm.usage.completion_tokens", Key::Output, 2),
    ("llm.token_count.completion", Key::Output, 2),
    ("ai.usage.outputTokens", Key::Output, 3),
    ("ai.usage.completionTokens", Key::Output, 4),
    ("gen_ai.usage.cache_read.input_tokens", Key::CacheRead, 0),
    ("gen_ai.usage.cache_read_input_tokens", Key::CacheRead, 1),
    ("llm.usage.cache_read_input_tokens", Key::CacheRead, 2),
    (
        "llm.token_count.prompt_details.cache_read",
        Key::CacheRead,
        2,
    ),
    ("gen_ai.usage.input_tokens.cached", Key::CacheRead, 3),
    ("ai.usage.cachedInputTokens", Key::CacheRead, 4),
    (
        "gen_ai.usage.cache_creation.input_tokens",
        Key::CacheWrite,
        0,
    ),
    (
        "gen_ai.usage.cache_creation_input_tokens",
        Key::CacheWrite,
        1,
    ),
    ("llm.usage.cache_creation_input_tokens", Key::CacheWrite, 2),
    (
        "llm.token_count.prompt_details.cache_write",
        Key::CacheWrite,
        2,
    ),
    ("gen_ai.usage.input_tokens.cache_write", Key::CacheWrite, 3),
    ("gen_ai.provider.name", Key::Provider, 0),
    ("gen_ai.system", Key::Provider, 1),
    ("llm.provider", Key::Provider, 2),
    ("llm.system", Key::Provider, 3),
    ("llm.vendor", Key::Provider, 4),
    ("gen_ai.response.model", Key::Model, 0),
    ("llm.response.model", Key::Model, 1),
    ("llm.model_name", Key::Model, 2),
    ("gen_ai.request.model", Key::RequestModel, 0),
    ("llm.request.model", Key::RequestModel, 1),
    ("gen_ai.response.id", Key::ResponseId, 0),
    ("openai.response.service_tier", Key::ServiceTier, 0),
    ("gen_ai.openai.response.service_tier", Key::ServiceTier, 1),
    ("service.name", Key::ServiceName, 0),
    ("deployment.environment.name", Key::Environment, 0),
    ("deployment.environment", Key::EnvironmentOld, 0),
    ("gen_ai.request.stream", Key::Stream, 0),
    ("llm.is_streaming", Key::Stream, 1),
    (
        "gen_ai.usage.cache_creation.ephemeral_1h_input_tokens",
        Key::CacheWrite1h,
        0,
    ),
];

pub(super) const ASSOCIATION: &str = "traceloop.association.properties.";
