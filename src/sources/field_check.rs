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
    // Audio and image tokens: the record's modal part, no slot of their own.
    match name {
        "audio_input_tokens" => return count(r.modal.audio_in),
        "audio_output_tokens" => return count(r.modal.audio_out),
        "image_input_tokens" => return count(r.modal.image_in),
        _ => {}
    }
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

/// The audio and image token fields (OpenAI), read into the record's
/// modal part.
const MODAL: [&str; 3] = [
    "audio_input_tokens",
    "audio_output_tokens",
    "image_input_tokens",
];

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

/// The first record `source` reads from `line`, made into a file named
/// `file` by `wrap`.
fn record(
    source: &dyn Source,
    file: &str,
    wrap: &dyn Fn(&Value) -> String,
    line: &Value,
) -> Option<UsageRecord<'static>> {
    let text = wrap(line);
    let sample = Sample {
        path: std::path::Path::new(file),
        head: text.as_bytes(),
    };
    let parser = source.open(&sample, &SourceOptions::default()).unwrap();
    let c = Capture::run(parser.as_ref(), &text);
    c.records.into_iter().next().map(|(_, r)| r)
}

/// One shape of a source's input (a page of results, a CSV export): the
/// file name it is read from, how `wrap` makes the object the paths are
/// relative to (one result, one row) into that file's text, and the key
/// paths the source lists for that shape.
pub struct Shape<'a> {
    /// The file name (its extension picks the parser).
    pub file: &'a str,
    /// Makes one result or row into the file's text.
    pub wrap: &'a dyn Fn(&Value) -> String,
    /// The paths listed for this shape.
    pub fields: Vec<(&'static str, Vec<String>)>,
    /// A removed path is blanked instead (a CSV column stays in the header,
    /// which recognition needs).
    pub blank: bool,
}

/// A bucket page (`data[].results[]`) holding the one result `v`, in a
/// bucket that starts at `start` (`start_time` or `starting_at`).
pub fn page(start: (&'static str, Value)) -> impl Fn(&Value) -> String {
    move |v| {
        let mut bucket = serde_json::json!({ "results": [v] });
        bucket[start.0] = start.1.clone();
        serde_json::json!({ "object": "page", "data": [bucket] }).to_string()
    }
}

/// A CSV file of one row: the header is `v`'s keys, the row its values.
pub fn csv_row(v: &Value) -> String {
    let obj = v.as_object().expect("a CSV row as an object");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(obj.keys()).unwrap();
    w.write_record(obj.values().map(|v| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }))
    .unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The rows of CSV `text` as objects (column name to text).
pub fn csv_objects(text: &str) -> Vec<Value> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            Value::Object(
                header
                    .iter()
                    .zip(row.iter())
                    .map(|(k, v)| (k.to_string(), Value::from(v)))
                    .collect(),
            )
        })
        .collect()
}

/// The values a listed path is set to, one at a time: a path is read if
/// any of them gives the field (a text may need to be a flag, `true`, or a
/// `model, detail` pair).
fn sample_values(field: &str) -> Vec<Value> {
    if MODAL.contains(&field) {
        return vec![Value::from(7777)];
    }
    match Slot::from_name(field).unwrap() {
        Slot::Text(_) => vec![
            Value::from("zz-check-7"),
            Value::from("zz-check-7, detail"),
            Value::from(true),
        ],
        Slot::Time => vec![Value::from("2026-10-09T10:11:12Z")],
        Slot::Count(_) => vec![Value::from(7777)],
        Slot::Cost => vec![Value::from(1.5)],
    }
}

/// Checks `source.fields()` both ways: `base` is a line that is a record
/// whatever single path is added to it; `fixtures` are real lines, of
/// which those that are records (at least one) are checked.
pub fn check(source: &dyn Source, file: &str, base: &str, fixtures: &[&str]) {
    let shape = Shape {
        file,
        wrap: &|v: &Value| v.to_string(),
        fields: source.fields(),
        blank: false,
    };
    let fixtures: Vec<Value> = fixtures
        .iter()
        .map(|f| serde_json::from_str(f).unwrap())
        .collect();
    check_shape(source, &shape, &[base], &fixtures);
}

/// Checks one shape's paths both ways: every listed path set alone on one
/// of the `bases` (each a record whatever single path is added) gives the
/// record that field; in `fixtures` (real results or rows, of which those
/// that are records, at least one, are checked), removing every listed
/// path of a field leaves the record without it, and a field the record
/// has is listed at all.
pub fn check_shape(source: &dyn Source, shape: &Shape<'_>, bases: &[&str], fixtures: &[Value]) {
    let list = &shape.fields;
    let (file, wrap) = (shape.file, shape.wrap);
    assert!(!list.is_empty(), "{} lists no field", source.name());
    let bases: Vec<(Value, UsageRecord<'static>)> = bases
        .iter()
        .map(|b| {
            let v: Value = serde_json::from_str(b).unwrap();
            let r = record(source, file, wrap, &v)
                .unwrap_or_else(|| panic!("{file}: the base {b} is no record"));
            (v, r)
        })
        .collect();
    for (field, paths) in list {
        for path in paths.iter().filter(|p| !p.starts_with('(')) {
            let read = bases.iter().any(|(base, before)| {
                sample_values(field).into_iter().any(|value| {
                    let mut line = base.clone();
                    set(&mut line, path, value);
                    record(source, file, wrap, &line).is_some_and(|got| {
                        field_of(&got, field).is_some()
                            && field_of(&got, field) != field_of(before, field)
                    })
                })
            });
            assert!(
                read,
                "{} ({file}): {field} is listed at `{path}` but not read",
                source.name()
            );
        }
    }
    let mut checked = 0;
    for full in fixtures {
        let Some(r) = record(source, file, wrap, full) else {
            continue;
        };
        checked += 1;
        for name in Slot::names() {
            if field_of(&r, name).is_none() || name == "requests" {
                continue;
            }
            let Some((_, paths)) = list.iter().find(|(f, _)| *f == name) else {
                panic!(
                    "{} ({file}): reads {name} but does not list it",
                    source.name()
                );
            };
            if paths.iter().all(|p| p.starts_with('(')) {
                continue;
            }
            let mut line = full.clone();
            for path in paths {
                if shape.blank {
                    if line.get(segments(path)[0]).is_some() {
                        set(&mut line, path, Value::from(""));
                    }
                } else {
                    remove(&mut line, path);
                }
            }
            if let Some(r) = record(source, file, wrap, &line) {
                assert_eq!(
                    field_of(&r, name),
                    None,
                    "{} ({file}): {name} is read from a path not listed ({paths:?}) in {line}",
                    source.name()
                );
            }
        }
    }
    assert!(checked > 0, "no fixture line is a record");
}
