//! Where a key sits in a gateway object and what it means there: the key
//! table (aliases and containers), the nesting levels, the live `--map`
//! paths, and the settings of the JSON reader ([`GatewayJson`]). Both
//! readers of a line, the learned walk over the scanner and the serde
//! visitors, decide through [`Place::decide`], so they read the same values.

use crate::parse::aliases::{alias_with, header_alias, ALIASES};
use crate::parse::collect::{Collected, Slot};
use crate::parse::keymap::KeyMap;
use crate::parse::scalar::Scalar;
use crate::record::FieldSet;

/// What a key of a gateway object means: a slot (canonical name or alias)
/// and/or a container to descend into.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeyInfo {
    pub(super) alias: Option<(Slot, u8, &'static str)>,
    pub(super) container: Option<Container>,
    /// The decision at each nesting level when no `--map` path is alive,
    /// worked out once when the table is built.
    pub(super) by_level: [Decision; LEVELS],
}

/// Nesting levels canonical keys are read at: 0 to `MAX_LEVEL + 1`.
pub(super) const LEVELS: usize = MAX_LEVEL as usize + 2;

/// Every key the gateway reader knows ([`ALIASES`] and the containers), in
/// a [`KeyMap`]: one hash of a few bytes and one comparison per key,
/// instead of a scan of ~90 names.
pub(super) static KEYS: std::sync::LazyLock<KeyMap<KeyInfo>> = std::sync::LazyLock::new(|| {
    let mut entries: Vec<(&'static str, KeyInfo)> = Vec::new();
    let mut add = |key: &'static str, f: &dyn Fn(&mut KeyInfo)| {
        let i = match entries.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                entries.push((key, KeyInfo::default()));
                entries.len() - 1
            }
        };
        f(&mut entries[i].1);
    };
    for &(key, slot, rank) in ALIASES {
        // The first entry of a key wins, as a scan of the list would.
        add(key, &|info| {
            info.alias.get_or_insert((slot, rank, key));
        });
    }
    for &key in CONTAINERS {
        add(key, &|info| info.container = container(key));
    }
    for (_, info) in &mut entries {
        let base = *info;
        for (level, d) in info.by_level.iter_mut().enumerate() {
            *d = decision(base, level as u8, None, 0);
        }
    }
    KeyMap::new(entries)
});

/// Keys of nested objects the reader descends into (see [`container`]).
pub(super) const CONTAINERS: &[&str] = &[
    "metadata",
    "attributes",
    "properties",
    "requestMetadata",
    "request_metadata",
    "spend_logs_metadata",
    "response",
    "context",
    "tags",
    "labels",
    "request_tags",
    "usage",
    "usage_object",
    "usageMetadata",
    "prompt_tokens_details",
    "completion_tokens_details",
    "headers",
    "request_headers",
    "requester_metadata",
    "requester_custom_headers",
];

/// What a nested object under a key is to the gateway reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// Holds canonical keys one level down.
    Nested,
    /// Like `Nested`, and an array of `key:value` strings is read too.
    Tags,
    /// A provider-shaped usage object.
    Usage,
    /// `prompt_tokens_details` at the top of a line: OpenAI-style usage
    /// flattened into the line, so the line's `prompt_tokens` is
    /// cache-inclusive and these are its cache counts (docs/sources.md,
    /// OpenAI per-request usage).
    PromptDetails,
    /// `completion_tokens_details` at the top of a line: its
    /// `audio_tokens` are part of the line's `completion_tokens`.
    CompletionDetails,
}

pub(super) fn container(key: &str) -> Option<Container> {
    Some(match key {
        "metadata"
        | "attributes"
        | "properties"
        | "requestMetadata"
        | "request_metadata"
        | "spend_logs_metadata"
        | "response"
        | "context"
        | "headers"
        | "request_headers"
        | "requester_metadata"
        | "requester_custom_headers" => Container::Nested,
        "tags" | "labels" | "request_tags" => Container::Tags,
        "usage" | "usage_object" | "usageMetadata" => Container::Usage,
        "prompt_tokens_details" => Container::PromptDetails,
        "completion_tokens_details" => Container::CompletionDetails,
        _ => return None,
    })
}

/// What `key` is to the gateway reader: a key of [`KEYS`], else an
/// `x-<field>` header ([`header_alias`]), worked out here (rarely: the
/// learned walk asks once per distinct key, and other keys are rejected by
/// their first two bytes).
pub(super) fn key_info(key: &str) -> Option<KeyInfo> {
    if let Some(info) = KEYS.get(key) {
        return Some(*info);
    }
    let alias = header_alias(key)?;
    let mut info = KeyInfo {
        alias: Some(alias),
        ..KeyInfo::default()
    };
    let base = info;
    for (level, d) in info.by_level.iter_mut().enumerate() {
        *d = decision(base, level as u8, None, 0);
    }
    Some(info)
}

/// Nested containers deeper than this are skipped.
pub(super) const MAX_LEVEL: u8 = 2;

/// A `--map FIELD=dotted.path` override, split into its segments.
#[derive(Debug, Clone)]
pub(super) struct MapPath {
    pub(super) segments: Vec<String>,
    pub(super) slot: Slot,
    pub(super) name: &'static str,
}

pub(super) fn priority(level: u8, rank: u8) -> u8 {
    1 + level * 8 + rank.min(7)
}

/// The JSON Lines reader of the gateway source.
#[derive(Debug, Clone)]
pub struct GatewayJson {
    pub(super) maps: Vec<MapPath>,
    pub(super) extra: Vec<(String, Slot)>,
    /// The text fields the run reads; the learned walk skips the others.
    pub(super) fields: FieldSet,
}

impl GatewayJson {
    /// The mask with a bit for every `--map` path.
    pub(super) fn all_maps(&self) -> u64 {
        if self.maps.is_empty() {
            0
        } else {
            u64::MAX >> (64 - self.maps.len())
        }
    }
}

/// For a key at `depth`, the map path that ends here (if any) and the mask
/// of map paths that continue below it.
pub(super) fn map_step(
    maps: &[MapPath],
    mask: u64,
    depth: usize,
    key: &str,
) -> (Option<usize>, u64) {
    let mut ends = None;
    let mut child = 0u64;
    let mut m = mask;
    while m != 0 {
        let i = m.trailing_zeros() as usize;
        m &= m - 1;
        let path = &maps[i];
        if path.segments.get(depth).is_some_and(|s| s == key) {
            if path.segments.len() == depth + 1 {
                ends.get_or_insert(i);
            } else {
                child |= 1 << i;
            }
        }
    }
    (ends, child)
}

/// What to do with the value under a key.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Decision {
    /// Offer a scalar value to this slot at this priority, naming it so.
    pub(super) slot: Option<(Slot, u8, &'static str)>,
    /// Descend into an object value.
    pub(super) descend: Option<Descend>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Descend {
    pub(super) container: Option<Container>,
    pub(super) level: Option<u8>,
    pub(super) mask: u64,
}

/// Where in a line a key sits, for [`Place::decide`].
#[derive(Clone, Copy)]
pub(super) struct Place<'c> {
    pub(super) maps: &'c [MapPath],
    pub(super) extra: &'c [(String, Slot)],
    /// Canonical keys are read here, at this nesting level.
    pub(super) level: Option<u8>,
    /// Map paths alive at this depth.
    pub(super) mask: u64,
    pub(super) depth: usize,
}

impl<'c> Place<'c> {
    /// The top level of a line, where every map path is alive.
    pub(super) fn root(maps: &'c [MapPath], extra: &'c [(String, Slot)], mask: u64) -> Self {
        Place {
            maps,
            extra,
            level: Some(0),
            mask,
            depth: 0,
        }
    }

    #[inline]
    pub(super) fn decide(&self, key: &str) -> Decision {
        if self.mask == 0 && self.extra.is_empty() {
            // No `--map` path alive here and no `--alias`: the common case,
            // one lookup.
            let Some(level) = self.level else {
                return Decision::default();
            };
            let at = usize::from(level).min(LEVELS - 1);
            return match KEYS.get(key) {
                Some(info) => info.by_level[at],
                None => key_info(key).map_or_else(Decision::default, |info| info.by_level[at]),
            };
        }
        let mut d = Decision::default();
        let (ends, child_mask) = if self.mask == 0 {
            (None, 0)
        } else {
            map_step(self.maps, self.mask, self.depth, key)
        };
        let Some(level) = self.level else {
            // Only map paths are followed below a non-container.
            if let Some(i) = ends {
                d.slot = Some((self.maps[i].slot, 0, self.maps[i].name));
            }
            if child_mask != 0 {
                d.descend = Some(Descend {
                    container: None,
                    level: None,
                    mask: child_mask,
                });
            }
            return d;
        };
        let info = key_info(key).unwrap_or_default();
        let ends = ends.map(|i| (self.maps[i].slot, 0, self.maps[i].name));
        let mut info = info;
        if !self.extra.is_empty() {
            if let Some(found) = alias_with(self.extra, key) {
                info.alias = Some(found);
            }
        }
        decision(info, level, ends, child_mask)
    }
}

/// The decision for a key at a canonical nesting `level`, given the slot of
/// a `--map` path that ends here (which beats an alias) and the mask of map
/// paths that continue below.
pub(super) fn decision(
    info: KeyInfo,
    level: u8,
    mapped: Option<(Slot, u8, &'static str)>,
    child_mask: u64,
) -> Decision {
    let mut d = Decision::default();
    if mapped.is_some() {
        d.slot = mapped;
    } else if let Some((slot, rank, name)) = info.alias {
        d.slot = Some((slot, priority(level, rank), name));
    }
    // Prompt details are the line's own only at its top level.
    let container = info.container.filter(|c| {
        let top_only = matches!(c, Container::PromptDetails | Container::CompletionDetails);
        level <= MAX_LEVEL && (!top_only || level == 0)
    });
    if container.is_some() || child_mask != 0 {
        d.descend = Some(Descend {
            container,
            level: match container {
                Some(Container::Nested | Container::Tags) => Some(level + 1),
                _ => None,
            },
            mask: child_mask,
        });
    }
    d
}

/// An object or array where a count or a timestamp belongs: offered as
/// text that no count or timestamp parses (see `Value::composite`); both
/// the serde visitors and the scanner walk call this.
pub(super) fn composite(out: &mut Collected<'_>, decision: Decision, shown: &'static str) {
    if let Some((slot @ (Slot::Count(_) | Slot::Time), prio, name)) = decision.slot {
        out.offer(slot, prio, Scalar::Str(shown.into()), name);
    }
}

/// Reads a `key:value` (or `key=value`) tag string into its canonical slot.
pub(super) fn offer_tag<'de>(
    out: &mut Collected<'de>,
    extra: &[(String, Slot)],
    level: u8,
    tag: std::borrow::Cow<'de, str>,
) {
    let Some(split) = tag.find([':', '=']) else {
        return;
    };
    let key = tag[..split].trim();
    let Some((slot @ Slot::Text(_), rank, name)) = alias_with(extra, key) else {
        return;
    };
    let value = match &tag {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s[split + 1..].trim()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s[split + 1..].trim().to_string()),
    };
    out.offer(slot, priority(level, rank), Scalar::Str(value), name);
}

/// The key paths the reader tries for each canonical slot, in the order
/// they win (for `llmspend sources --fields`), from [`ALIASES`], the
/// `x-` headers and [`CONTAINERS`]: every name at the top level (by rank,
/// then an `x-<field>` header), then the same names one container down
/// (`{C}.name`, `{C}` any nested container), then two down, then
/// `key:value` strings of a tag array. A flat count loses to a usage
/// object (`usage`, `usage_object`, `usageMetadata`), read by its shape.
pub(super) fn field_paths() -> Vec<(&'static str, Vec<String>)> {
    use crate::parse::aliases::{leak_name, HEADER_FIELDS, HEADER_RANK};
    let mut slots: Vec<Slot> = Vec::new();
    for &(_, slot, _) in ALIASES {
        if !slots.contains(&slot) {
            slots.push(slot);
        }
    }
    let nested: Vec<&str> = CONTAINERS
        .iter()
        .copied()
        .filter(|&c| matches!(container(c), Some(Container::Nested | Container::Tags)))
        .collect();
    let tags: Vec<&str> = CONTAINERS
        .iter()
        .copied()
        .filter(|&c| container(c) == Some(Container::Tags))
        .collect();
    let usage: Vec<&str> = CONTAINERS
        .iter()
        .copied()
        .filter(|&c| container(c) == Some(Container::Usage))
        .collect();
    let mut out = Vec::new();
    out.push(("{C}", vec![nested.join(" | ")]));
    for slot in slots {
        let mut names: Vec<(u8, String)> = ALIASES
            .iter()
            .filter(|(_, s, _)| *s == slot)
            .map(|&(key, _, rank)| (rank, key.to_string()))
            .collect();
        if matches!(slot, Slot::Text(f) if HEADER_FIELDS.contains(&f)) {
            names.push((
                HEADER_RANK,
                format!("x-{}", leak_name(slot).replace('_', "-")),
            ));
        }
        names.sort_by_key(|(rank, _)| *rank);
        let level: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
        let mut paths = Vec::new();
        if let Slot::Count(_) = slot {
            paths.push(format!("({} by shape)", usage.join(" | ")));
        }
        paths.extend(level.iter().cloned());
        for depth in 1..=MAX_LEVEL + 1 {
            let prefix = "{C}.".repeat(usize::from(depth));
            paths.extend(level.iter().map(|n| format!("{prefix}{n}")));
            if let (Slot::Text(_), 1) = (slot, depth) {
                // A tag array's strings rank with the keys one level down.
                let tag_names = level.iter().filter(|n| !n.starts_with("x-"));
                paths.extend(tag_names.map(|n| format!("{}[\"{n}:…\"]", tags.join(" | "))));
            }
        }
        out.push((leak_name(slot), paths));
    }
    out
}
