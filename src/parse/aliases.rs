//! The canonical field names and their common aliases, as gateways and
//! exports spell them: the vocabulary every adapter that reads free-form
//! keys (gateway logs, CSV headers, tag objects) shares.

use std::sync::LazyLock;

use crate::parse::collect::{Count, Slot};
use crate::parse::keymap::KeyMap;
use crate::record::Field;

/// Columns and keys that name a canonical slot: `(key, slot, rank)`, where a
/// lower rank wins among keys at the same depth. The key itself names the
/// field in a malformed reason.
pub const ALIASES: &[(&str, Slot, u8)] = &[
    ("timestamp", Slot::Time, 0),
    ("ts", Slot::Time, 1),
    ("time", Slot::Time, 1),
    ("@timestamp", Slot::Time, 1),
    ("created_at", Slot::Time, 2),
    ("createdAt", Slot::Time, 2),
    ("startTime", Slot::Time, 2),
    ("start_time", Slot::Time, 2),
    ("request_time", Slot::Time, 3),
    ("date", Slot::Time, 4),
    ("provider", Slot::Text(Field::Provider), 0),
    ("custom_llm_provider", Slot::Text(Field::Provider), 1),
    ("llm_provider", Slot::Text(Field::Provider), 1),
    ("vendor", Slot::Text(Field::Provider), 2),
    ("model", Slot::Text(Field::Model), 0),
    ("model_name", Slot::Text(Field::Model), 1),
    ("modelId", Slot::Text(Field::Model), 1),
    ("model_id", Slot::Text(Field::Model), 2),
    ("service_tier", Slot::Text(Field::ServiceTier), 0),
    ("team", Slot::Text(Field::Team), 0),
    ("team_alias", Slot::Text(Field::Team), 1),
    ("team_name", Slot::Text(Field::Team), 1),
    ("team_id", Slot::Text(Field::Team), 2),
    ("cost_center", Slot::Text(Field::CostCenter), 0),
    ("cost_centre", Slot::Text(Field::CostCenter), 1),
    ("costcenter", Slot::Text(Field::CostCenter), 1),
    ("costCenter", Slot::Text(Field::CostCenter), 1),
    ("cost-center", Slot::Text(Field::CostCenter), 1),
    ("project", Slot::Text(Field::Project), 0),
    ("project_id", Slot::Text(Field::Project), 1),
    ("workspace", Slot::Text(Field::Project), 2),
    ("workspace_id", Slot::Text(Field::Project), 2),
    ("service", Slot::Text(Field::Service), 0),
    ("service_name", Slot::Text(Field::Service), 1),
    ("app", Slot::Text(Field::Service), 2),
    ("application", Slot::Text(Field::Service), 2),
    ("route", Slot::Text(Field::Route), 0),
    ("endpoint", Slot::Text(Field::Route), 1),
    ("path", Slot::Text(Field::Route), 2),
    ("environment", Slot::Text(Field::Environment), 0),
    ("env", Slot::Text(Field::Environment), 1),
    ("deployment_environment", Slot::Text(Field::Environment), 1),
    ("customer", Slot::Text(Field::Customer), 0),
    ("customer_id", Slot::Text(Field::Customer), 1),
    ("tenant", Slot::Text(Field::Customer), 1),
    ("tenant_id", Slot::Text(Field::Customer), 2),
    ("end_user", Slot::Text(Field::Customer), 3),
    ("user", Slot::Text(Field::User), 0),
    ("user_id", Slot::Text(Field::User), 1),
    ("api_key", Slot::Text(Field::ApiKey), 0),
    ("api_key_alias", Slot::Text(Field::ApiKey), 1),
    ("key_alias", Slot::Text(Field::ApiKey), 1),
    ("api_key_id", Slot::Text(Field::ApiKey), 2),
    ("key_id", Slot::Text(Field::ApiKey), 2),
    ("request_id", Slot::Text(Field::RequestId), 0),
    ("requestId", Slot::Text(Field::RequestId), 1),
    ("status", Slot::Text(Field::Status), 0),
    ("input_tokens", Slot::Count(Count::Input), 0),
    ("prompt_tokens", Slot::Count(Count::Input), 1),
    ("output_tokens", Slot::Count(Count::Output), 0),
    ("completion_tokens", Slot::Count(Count::Output), 1),
    ("cache_read_tokens", Slot::Count(Count::CacheRead), 0),
    ("cache_read_input_tokens", Slot::Count(Count::CacheRead), 1),
    ("cached_tokens", Slot::Count(Count::CacheRead), 2),
    ("cache_write_tokens", Slot::Count(Count::CacheWrite), 0),
    (
        "cache_creation_input_tokens",
        Slot::Count(Count::CacheWrite),
        1,
    ),
    ("cache_write_1h_tokens", Slot::Count(Count::CacheWrite1h), 0),
    ("requests", Slot::Count(Count::Requests), 0),
    ("num_requests", Slot::Count(Count::Requests), 1),
    ("request_count", Slot::Count(Count::Requests), 1),
    ("reported_cost_usd", Slot::Cost, 0),
    ("cost_usd", Slot::Cost, 1),
    ("cost", Slot::Cost, 1),
    ("total_cost", Slot::Cost, 2),
    ("spend", Slot::Cost, 2),
    ("response_cost", Slot::Cost, 2),
];

/// Looks a key up among the canonical names and aliases.
pub fn alias(key: &str) -> Option<(Slot, u8, &'static str)> {
    KEYS.get(key).copied().or_else(|| header_alias(key))
}

/// The rank of an `x-<field>` header: after every alias of its field at
/// the same place.
pub const HEADER_RANK: u8 = 4;

/// The fields an `x-<field>` header attributes. Not the API key: an
/// `x-api-key` header is the secret itself, never a name to report.
pub const HEADER_FIELDS: &[Field] = &[
    Field::Team,
    Field::CostCenter,
    Field::Project,
    Field::Service,
    Field::Route,
    Field::Environment,
    Field::Customer,
    Field::User,
];

/// An HTTP header a gateway forwarded, `x-<name>` where `<name>` is a
/// canonical attribution field or alias (`x-team`, `X-Cost-Center`,
/// `x_user_id`): the slot, [`HEADER_RANK`] and the canonical name the
/// header stands for. Header names are case-insensitive and `-` and `_`
/// are the same (docs/sources.md, headers). Keys that do not start with
/// `x-` or `x_` are rejected by their first two bytes.
#[inline]
pub fn header_alias(key: &str) -> Option<(Slot, u8, &'static str)> {
    let b = key.as_bytes();
    if b.len() < 3 || !matches!(b[0], b'x' | b'X') || !matches!(b[1], b'-' | b'_') {
        return None;
    }
    let rest = &b[2..];
    let mut folded = [0u8; 32];
    if rest.len() > folded.len() {
        return None;
    }
    for (to, &c) in folded.iter_mut().zip(rest) {
        *to = if c == b'-' {
            b'_'
        } else {
            c.to_ascii_lowercase()
        };
    }
    let name = std::str::from_utf8(&folded[..rest.len()]).ok()?;
    match KEYS.get(name)? {
        &(slot @ Slot::Text(field), _, canonical) if HEADER_FIELDS.contains(&field) => {
            Some((slot, HEADER_RANK, canonical))
        }
        _ => None,
    }
}

/// Every name of [`ALIASES`] in a [`KeyMap`]: one hash of a few bytes and
/// one comparison per key, instead of a scan of ~90 names. The first entry
/// of a key wins, as a scan of the list would.
static KEYS: LazyLock<KeyMap<(Slot, u8, &'static str)>> = LazyLock::new(|| {
    let mut entries: Vec<(&'static str, (Slot, u8, &'static str))> = Vec::new();
    for &(key, slot, rank) in ALIASES {
        if !entries.iter().any(|(k, _)| *k == key) {
            entries.push((key, (slot, rank, key)));
        }
    }
    KeyMap::new(entries)
});

/// Looks a key up among `--alias KEY=FIELD` names first (they beat the
/// built-in names and rank like an alias), then [`alias`].
pub fn alias_with(extra: &[(String, Slot)], key: &str) -> Option<(Slot, u8, &'static str)> {
    if !extra.is_empty() {
        if let Some((_, slot)) = extra.iter().find(|(k, _)| k == key) {
            return Some((*slot, 1, leak_name(*slot)));
        }
    }
    alias(key)
}

/// The name a slot shows in a malformed reason when no key named it.
pub fn leak_name(slot: Slot) -> &'static str {
    match slot {
        Slot::Text(f) => f.name(),
        Slot::Time => "timestamp",
        Slot::Count(c) => c.name(),
        Slot::Cost => "reported_cost_usd",
    }
}

/// `name` as a `&'static str`, for a malformed reason naming a key read
/// from input (a duplicate key). Each distinct name is leaked once, so the
/// memory is bounded by the distinct names ever reported; only error
/// paths call this.
pub fn intern(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod header_tests {
    use super::*;

    #[test]
    fn x_headers_name_attribution_fields_in_any_case_and_separator() {
        let team = Some((Slot::Text(Field::Team), HEADER_RANK, "team"));
        for key in ["x-team", "X-Team", "X_TEAM", "x_team"] {
            assert_eq!(alias(key), team, "{key}");
        }
        let cc = Some((Slot::Text(Field::CostCenter), HEADER_RANK));
        for key in [
            "x-cost-center",
            "X-Cost-Center",
            "x_cost_center",
            "X-COST_CENTRE",
        ] {
            assert_eq!(alias(key).map(|a| (a.0, a.1)), cc, "{key}");
        }
        assert_eq!(
            alias("X-User-Id"),
            Some((Slot::Text(Field::User), HEADER_RANK, "user_id"))
        );
        // Not attribution, or a secret: not read.
        for key in [
            "x-api-key",
            "X-Model",
            "x-input-tokens",
            "x-",
            "xteam",
            "x-request-id",
        ] {
            assert_eq!(alias(key), None, "{key}");
        }
        // A canonical name is still itself.
        assert_eq!(alias("team").map(|a| a.1), Some(0));
    }
}
