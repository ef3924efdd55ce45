//! Checks a source's `llmspend sources --fields` list against what its
//! parser reads, both ways, on JSON lines (docs/sources.md):
//! - every listed path is read: a line with only that path set (on a base
//!   line that is a record without it) gives the record that field;
//! - every path read is listed: in real fixture lines, removing every
//!   listed path of a field leaves the record without that field, and a
//!   field the record has is listed at all.
//!
//! A path is dotted JSON keys; text after ` (` is a note, and a path that
//! is only a note (`(always bedrock)`) is a value the source sets itself.

use serde_json::Value;

use crate::parse::collect::{Count, Slot};
use crate::record::UsageRecord;
use crate::sources::contract::{Sample, Source, SourceOptions};
use crate::sources::testing::Capture;

/// The value of canonical field `name` in `r`, if it has one (a zero
/// count is none).
pub fn field_of(r: &UsageRecord<'_>, name: &str) -> Option<String> {
    let t = &r.tokens;
    let count = |v: u64| (v != 0).then(|| v.to_string());
    match Slot::from_name(name).unwrap_or_else(|| panic!("{name} is no canonical field")) {
        Slot::Text(f) => r.get(f).map(str::to_string),
        Slot::Time => Some(format!("{:?}", r.timestamp)),
        Slot::Count(Count::Input) => count(t.input),
        Slot::Count(Count::Output) => count(t.output),
        Slot::Count(Count::CacheRead) => count(t.cache_read),
        Slot::Count(Count::CacheWrite) => count(t.cache_write),
        Slot::Count(Count::CacheWrite1h) => count(t.cache_write_1h),
        Slot::Count(Count::Requests) => count(r.requests),
        Slot::Cost => r.reported_cost.map(|c| c.to_string()),
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split(" (").next().unwrap().split('.').collect()
}

fn set(v: &mut Value, path: &str, value: Value) {
    let segs = segments(path);
    let mut cur = v;
    for s in &segs[..segs.len() - 1] {
        let obj = cur.as_object_mut().expect("an object on the path");
        cur = obj
            .entry(s.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    cur.as_object_mut()
        .unwrap()
        .insert(segs[segs.len() - 1].to_string(), value);
}

fn remove(v: &mut Value, path: &str) {
    let segs = segments(path);
    let mut cur = v;
    for s in &segs[..segs.len() - 1] {
        match cur.get_mut(*s) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(o) = cur.as_object_mut() {
        o.remove(segs[segs.len() - 1]);
    }
}

/// The first record `source` reads from `line` in a file named `file`.
fn record(source: &dyn Source, file: &str, line: &Value) -> Option<UsageRecord<'static>> {
    let text = line.to_string();
    let sample = Sample {
        path: std::path::Path::new(file),
        head: text.as_bytes(),
    };
    let parser = source.open(&sample, &SourceOptions::default()).unwrap();
    let c = Capture::run(parser.as_ref(), &text);
    c.records.into_iter().next().map(|(_, r)| r)
}

fn sample_value(field: &str) -> Value {
    match Slot::from_name(field).unwrap() {
        Slot::Text(_) => Value::from("zz-check-7"),
        Slot::Time => Value::from("2026-10-09T10:11:12Z"),
        Slot::Count(_) => Value::from(7777),
        Slot::Cost => Value::from(1.5),
    }
}

/// Checks `source.fields()` both ways: `base` is a line that is a record
/// whatever single path is added to it; `fixtures` are real lines, of
/// which those that are records (at least one) are checked.
pub fn check(source: &dyn Source, file: &str, base: &str, fixtures: &[&str]) {
    let list = source.fields();
    assert!(!list.is_empty(), "{} lists no field", source.name());
    let base: Value = serde_json::from_str(base).unwrap();
    let before = record(source, file, &base).expect("the base line is a record");
    for (field, paths) in &list {
        for path in paths.iter().filter(|p| !p.starts_with('(')) {
            let mut line = base.clone();
            set(&mut line, path, sample_value(field));
            let got = record(source, file, &line)
                .unwrap_or_else(|| panic!("{field} at {path}: no record from {line}"));
            assert!(
                field_of(&got, field).is_some()
                    && field_of(&got, field) != field_of(&before, field),
                "{}: {field} is listed at `{path}` but not read from {line}",
                source.name()
            );
        }
    }
    let mut checked = 0;
    for fixture in fixtures {
        let full: Value = serde_json::from_str(fixture).unwrap();
        let Some(r) = record(source, file, &full) else {
            continue;
        };
        checked += 1;
        for name in Slot::names() {
            if field_of(&r, name).is_none() || name == "requests" {
                continue;
            }
            let Some((_, paths)) = list.iter().find(|(f, _)| *f == name) else {
                panic!("{}: reads {name} but does not list it", source.name());
            };
            if paths.iter().all(|p| p.starts_with('(')) {
                continue;
            }
            let mut line = full.clone();
            for path in paths {
                remove(&mut line, path);
            }
            if let Some(r) = record(source, file, &line) {
                assert_eq!(
                    field_of(&r, name),
                    None,
                    "{}: {name} is read from a path not listed ({paths:?}) in {line}",
                    source.name()
                );
            }
        }
    }
    assert!(checked > 0, "no fixture line is a record");
}
