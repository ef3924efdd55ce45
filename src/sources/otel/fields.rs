//! The attribute names `otel` reads per canonical field, in the order
//! tried, for `llmspend sources --fields` (docs/sources.md), worked out
//! from [`NAMES`] and the attribution aliases. A path is an attribute key
//! of the span; `metadata.<key>` is a key of OpenInference's `metadata`
//! JSON string, `tag.tags.<key>` a `key:value` element of `tag.tags`, and
//! `resource.<attribute>` an attribute of the span's resource.

use super::names::{Key, ASSOCIATION, NAMES};

/// The attribute names of `key`, lowest rank first.
fn names(key: Key) -> Vec<String> {
    let mut n: Vec<(u8, &str)> = NAMES
        .iter()
        .filter(|(_, k, _)| *k == key)
        .map(|(name, _, rank)| (*rank, *name))
        .collect();
    n.sort_by_key(|(rank, _)| *rank);
    n.into_iter().map(|(_, name)| name.to_string()).collect()
}

fn on_resource(paths: &[String]) -> Vec<String> {
    paths.iter().map(|p| format!("resource.{p}")).collect()
}

/// Each canonical field and its paths, in the order tried.
pub(super) fn paths() -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = vec![
        ("timestamp", vec!["(the span's startTimeUnixNano)".into()]),
        ("input_tokens", names(Key::Input)),
        ("output_tokens", names(Key::Output)),
        ("cache_read_tokens", names(Key::CacheRead)),
        ("cache_write_tokens", names(Key::CacheWrite)),
        ("cache_write_1h_tokens", names(Key::CacheWrite1h)),
        (
            "model",
            [names(Key::Model), names(Key::RequestModel)].concat(),
        ),
        (
            "provider",
            [names(Key::Provider), on_resource(&names(Key::Provider))].concat(),
        ),
        ("request_id", names(Key::ResponseId)),
        ("service_tier", names(Key::ServiceTier)),
    ];
    for (field, picked) in crate::parse::attribution::picked_paths("x") {
        let keys: Vec<String> = picked
            .iter()
            .map(|p| p.strip_prefix("x.").unwrap_or(p).to_string())
            .collect();
        let mut span = keys.clone();
        span.extend(match field {
            "team" => vec!["app.team".to_string()],
            "user" => vec!["user.id".to_string()],
            _ => vec![],
        });
        span.extend(keys.iter().map(|k| format!("{ASSOCIATION}{k}")));
        span.extend(keys.iter().map(|k| format!("metadata.{k}")));
        span.extend(keys.iter().map(|k| format!("tag.tags.{k}")));
        let mut paths = span.clone();
        match field {
            "service" => paths.extend(on_resource(&names(Key::ServiceName))),
            "environment" => {
                paths.extend(on_resource(&names(Key::Environment)));
                paths.extend(on_resource(&names(Key::EnvironmentOld)));
            }
            _ => {}
        }
        paths.extend(on_resource(&span));
        out.push((field, paths));
    }
    out
}
