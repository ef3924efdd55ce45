//! How model ids and tier names are normalised to find a rate: the tier
//! names that mean the standard price, and the Bedrock profile, vendor and
//! version affixes and dated snapshot suffixes a lookup may drop; the
//! provider names gateways use, folded into the card's.

use std::borrow::Cow;

/// Lowercases a provider name and folds the spellings gateways use into
/// the rate card's provider names. Applied to both sides: a record's
/// provider and a rate-card row's (embedded or `--rates`), so a card
/// written with LiteLLM's names (`vertex_ai`) prices those logs.
pub fn canonical_provider(provider: &str) -> Cow<'static, str> {
    let lower = provider.trim().to_ascii_lowercase();
    for (canonical, aliases) in PROVIDER_ALIASES {
        if *canonical == lower || aliases.contains(&lower.as_str()) {
            return Cow::Borrowed(canonical);
        }
    }
    Cow::Owned(lower)
}

/// Every provider spelling [`canonical_provider`] folds, by the card's name.
pub const PROVIDER_ALIASES: [(&str, &[&str]); 5] = [
    ("openai", &["openai_chat", "text-completion-openai"]),
    ("anthropic", &["anthropic_messages"]),
    (
        "google",
        &[
            "gemini",
            "vertex_ai",
            "vertex_ai_beta",
            "vertex",
            "google_ai_studio",
            "vertex_ai-language-models",
        ],
    ),
    (
        "bedrock",
        &["bedrock_converse", "aws_bedrock", "aws.bedrock"],
    ),
    ("azure", &["azure_openai", "azure_ai", "az.ai.openai"]),
];

/// Returns true if and only if a tier name means the standard price.
pub fn is_standard_tier(tier: &str) -> bool {
    // No allocation: this runs per record that names a tier.
    ["", "standard", "default", "auto", "on_demand", "on-demand"]
        .iter()
        .any(|s| tier.eq_ignore_ascii_case(s))
}

/// Bedrock cross-region inference profile prefixes.
const PROFILE_PREFIXES: [&str; 7] = ["us.", "eu.", "apac.", "jp.", "global.", "us-gov.", "ca."];

/// Drops a Bedrock inference-profile prefix (`us.anthropic.claude-...` ->
/// `anthropic.claude-...`); `None` when the id has none.
pub fn drop_profile(model: &str) -> Option<&str> {
    let rest = PROFILE_PREFIXES
        .iter()
        .find_map(|p| model.strip_prefix(p))?;
    // A vendor segment must follow (`anthropic.`, `meta.`, `amazon.`).
    rest.split_once('.')
        .filter(|(vendor, _)| !vendor.is_empty() && vendor.bytes().all(|b| b.is_ascii_lowercase()))
        .map(|_| rest)
}

/// Drops a Bedrock model version suffix (`...-v1:0`, `...-v2`) and the
/// vendor prefix, leaving the provider's own id
/// (`anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929`).
pub fn drop_model_version(model: &str) -> Option<&str> {
    let (vendor, id) = model.split_once('.')?;
    if vendor.is_empty()
        || !vendor
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    let at = id.rfind("-v")?;
    let version = &id[at + 2..];
    let (major, minor) = version.split_once(':').unwrap_or((version, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| &id[..at])
}

/// The family of a model id: without a routing prefix (`openai/`), a
/// Bedrock inference profile and version, and a dated snapshot suffix,
/// as [`super::RateCard::candidates`] tries them (`openai/gpt-4o-2024-08-06`
/// -> `gpt-4o`). A slice of `model`, never a copy.
pub fn family(model: &str) -> &str {
    let mut base = model.rsplit_once('/').map_or(model, |(_, m)| m);
    if let Some(m) = drop_profile(base) {
        base = m;
    }
    if let Some(m) = drop_model_version(base) {
        base = m;
    }
    drop_snapshot(base).unwrap_or(base)
}

/// Drops a dated snapshot suffix: `-2024-05-13`, `-20250929`, `@20250929`,
/// `-0613` style (four digits), and `-latest`.
pub fn drop_snapshot(model: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(m) = model.strip_suffix("-latest") {
        return Some(m);
    }
    let b = model.as_bytes();
    let n = b.len();
    if n > 11 && b[n - 11] == b'-' && b[n - 6] == b'-' && b[n - 3] == b'-' {
        let (y, m, d) = (&model[n - 10..n - 6], &model[n - 5..n - 3], &model[n - 2..]);
        if digits(y) && digits(m) && digits(d) {
            return Some(&model[..n - 11]);
        }
    }
    if n > 9 && (b[n - 9] == b'-' || b[n - 9] == b'@') && digits(&model[n - 8..]) {
        return Some(&model[..n - 9]);
    }
    if n > 5 && b[n - 5] == b'-' && digits(&model[n - 4..]) {
        return Some(&model[..n - 5]);
    }
    None
}
