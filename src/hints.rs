//! What to tell a user whose inputs gave nothing to count: the keys the
//! first lines hold, and the canonical fields they most likely mean, as
//! `--map` suggestions (docs/design.md, Exit codes). Also the edit
//! distance used to suggest names (`rates gpt4o` -> `gpt-4o`).
//!
//! This reads the head of each input again, after the run, and only when
//! nothing was parsed or a `--map` is to be checked: never on the hot path.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::input::{decompress, Input};
use crate::parse::collect::Slot;

/// How many bytes of each input are looked at.
const HEAD_BYTES: u64 = 64 << 10;

/// The Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The names nearest `name` by edit distance (case-insensitive), at most
/// `max` of them, within a distance of a third of the name's length.
pub fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let name = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&name, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// The key paths of the first non-blank lines of the inputs: dotted paths
/// to a JSON line's leaves, or a CSV header's columns. At most `lines`
/// lines in all; standard input (already consumed) is skipped.
pub fn first_keys(inputs: &[Input], lines: usize) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for input in inputs {
        let Input::File(path) = input else { continue };
        let Some(head) = head_of(path) else { continue };
        for line in head.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
            if out.len() >= lines {
                return out;
            }
            if line.is_empty() {
                continue;
            }
            let keys = keys_of(line);
            if !keys.is_empty() {
                out.push((input.display(), keys));
            }
            if line.first() != Some(&b'{') {
                break; // a CSV header: its rows add nothing
            }
        }
    }
    out
}

/// The first bytes of a file, decompressed.
fn head_of(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let (reader, _) = decompress::open(file, path, Arc::new(AtomicU64::new(0))).ok()?;
    let mut head = Vec::new();
    reader.take(HEAD_BYTES).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The leaf key paths of a JSON object, or the columns of a CSV header.
pub fn keys_of(line: &[u8]) -> Vec<String> {
    if let Ok(serde_json::Value::Object(o)) = serde_json::from_slice(line) {
        let mut keys = Vec::new();
        flatten("", &serde_json::Value::Object(o), &mut keys);
        return keys;
    }
    match std::str::from_utf8(line) {
        Ok(text) if text.contains(',') => text
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) if !o.is_empty() => {
            for (k, v) in o {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// Words that name a canonical field, for keys no alias knows.
const SYNONYMS: &[(&str, &str)] = &[
    ("llm", "model"),
    ("model", "model"),
    ("engine", "model"),
    ("team", "team"),
    ("owner", "team"),
    ("cost_center", "cost_center"),
    ("costcenter", "cost_center"),
    ("project", "project"),
    ("service", "service"),
    ("app", "service"),
    ("customer", "customer"),
    ("tenant", "customer"),
    ("user", "user"),
    ("provider", "provider"),
    ("vendor", "provider"),
    ("route", "route"),
    ("path", "route"),
    ("env", "environment"),
    ("environment", "environment"),
    ("time", "timestamp"),
    ("ts", "timestamp"),
    ("timestamp", "timestamp"),
    ("date", "timestamp"),
    ("created", "timestamp"),
    ("in", "input_tokens"),
    ("input", "input_tokens"),
    ("prompt", "input_tokens"),
    ("out", "output_tokens"),
    ("output", "output_tokens"),
    ("completion", "output_tokens"),
    ("cached", "cache_read_tokens"),
    ("request_id", "request_id"),
];

/// The canonical field a key most likely means, if any: by a word of its
/// last segments (`tokens.in` -> `input_tokens`, `owner.team` -> `team`,
/// `llm.name` -> `model`), else by edit distance to a field's name.
pub fn field_for(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('.').collect();
    let last = *segments.last()?;
    if let Some(s) = Slot::from_name(last).map(|_| last) {
        return Slot::names().into_iter().find(|n| *n == s);
    }
    for seg in segments.iter().rev() {
        let joined = seg.replace('-', "_");
        if let Some((_, f)) = SYNONYMS.iter().find(|(w, _)| *w == joined) {
            return Some(f);
        }
        for word in joined.split('_') {
            if let Some((_, f)) = SYNONYMS.iter().find(|(w, _)| *w == word) {
                return Some(f);
            }
        }
    }
    nearest(last, Slot::names(), 1).first().copied()
}

/// `--map` suggestions for the keys seen: `FIELD=KEY`, one per field, in
/// the order the keys were seen.
pub fn map_suggestions(keys: &[String]) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for k in keys {
        if let Some(f) = field_for(k) {
            if !seen.contains(&f) {
                seen.push(f);
                out.push(format!("--map {f}={k}"));
            }
        }
    }
    out
}

/// The `--map` paths found in no input's first lines: a JSON key path or a
/// CSV column.
pub fn unmatched_maps(inputs: &[Input], maps: &[(Slot, String)]) -> Vec<(Slot, String)> {
    if maps.is_empty() {
        return Vec::new();
    }
    let mut left: Vec<(Slot, String)> = maps.to_vec();
    // Each input's first lines in turn, until every path has been seen.
    for input in inputs {
        if left.is_empty() {
            break;
        }
        let keys: Vec<String> = first_keys(std::slice::from_ref(input), 200)
            .into_iter()
            .flat_map(|(_, k)| k)
            .collect();
        left.retain(|(_, path)| {
            !keys
                .iter()
                .any(|k| k == path || k.starts_with(&format!("{path}.")))
        });
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_and_nearest_names() {
        assert_eq!(edit_distance("gpt4o", "gpt-4o"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            nearest("gpt4o", ["o1", "gpt-4o", "gpt-4o-mini"], 3),
            ["gpt-4o"]
        );
    }

    #[test]
    fn unknown_keys_map_to_the_nearest_fields() {
        assert_eq!(field_for("llm.name"), Some("model"));
        assert_eq!(field_for("tokens.in"), Some("input_tokens"));
        assert_eq!(field_for("tokens.out"), Some("output_tokens"));
        assert_eq!(field_for("owner.team"), Some("team"));
        assert_eq!(field_for("ts"), Some("timestamp"));
        assert_eq!(field_for("zzzzzz"), None);
        let keys = ["ts", "llm.name", "tokens.in", "tokens.out", "owner.team"].map(String::from);
        assert_eq!(
            map_suggestions(&keys),
            [
                "--map timestamp=ts",
                "--map model=llm.name",
                "--map input_tokens=tokens.in",
                "--map output_tokens=tokens.out",
                "--map team=owner.team"
            ]
        );
    }

    #[test]
    fn a_map_path_is_looked_for_in_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        let b = dir.path().join("b.jsonl");
        std::fs::write(&a, "{\"x\":1}\n".repeat(500)).unwrap();
        std::fs::write(&b, "{\"meta\":{\"owner\":\"t\"}}\n").unwrap();
        let team = Slot::from_name("team").unwrap();
        let maps = vec![(team, "meta.owner".to_string()), (team, "nope".to_string())];
        let inputs = [Input::File(a), Input::File(b)];
        assert_eq!(
            unmatched_maps(&inputs, &maps),
            vec![(team, "nope".to_string())]
        );
    }

    #[test]
    fn keys_of_json_lines_and_csv_headers() {
        assert_eq!(
            keys_of(br#"{"a":{"b":1,"c":{}},"d":2}"#),
            ["a.b", "a.c", "d"]
        );
        assert_eq!(keys_of(b"date,amount,memo"), ["date", "amount", "memo"]);
    }
}
