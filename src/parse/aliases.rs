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
    KEYS.get(key).copied()
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
