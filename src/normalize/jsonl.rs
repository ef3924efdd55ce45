//! Normalized rows as JSONL: one object per row with the columns of
//! [`COLUMNS`](super::COLUMNS) in order; money as strings with exactly 12
//! decimals, `timestamp` as RFC 3339 UTC with `Z`, `day` as `YYYY-MM-DD`.
//! The last line is the trailer: the run's accounting
//! (docs/normalize.md).

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{push_decimal, push_timestamp, Cell, Row, COLUMNS, SCHEMA};
use crate::accounting::Accounting;

/// Appends `text` as a JSON string.
fn push_str(text: &str, out: &mut String) {
    // Serializing a str into a String cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

/// Appends one row as a JSON object (no newline).
pub fn push_row(row: &Row, files: &[String], out: &mut String) {
    out.push('{');
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(c.name);
        out.push_str("\":");
        match row.cell(i, files) {
            Cell::Timestamp(t) => {
                out.push('"');
                push_timestamp(t, out);
                out.push('"');
            }
            Cell::Date(d) => {
                out.push('"');
                out.push_str(&crate::time::format_day(d));
                out.push('"');
            }
            Cell::Text(Some(t)) => push_str(t, out),
            Cell::Text(None) | Cell::Decimal(None) => out.push_str("null"),
            Cell::Int(n) => out.push_str(&n.to_string()),
            Cell::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Cell::Decimal(Some(p)) => {
                out.push('"');
                push_decimal(p, out);
                out.push('"');
            }
        }
    }
    out.push('}');
}

/// The trailer line's object: what the run read, kept and dropped.
pub fn trailer(rates_sha256: &str, records: u64, a: &Accounting) -> Value {
    let c = &a.counts;
    let samples: Vec<Value> = a
        .samples
        .iter()
        .map(|s| json!({"file": s.file, "line": s.line, "reason": s.reason}))
        .collect();
    json!({
        "_llmspend": "accounting",
        "schema": SCHEMA,
        "rates_sha256": rates_sha256,
        "records": records,
        "lines_read": c.lines_read,
        "filtered": c.filtered,
        "duplicate": c.duplicate,
        "malformed": c.malformed,
        "blank": c.blank,
        "ignored": c.ignored,
        "malformed_samples": samples,
        "malformed_reasons": a.reasons,
        "ignored_reasons": a.ignored,
        "ignored_samples": a
            .ignored_samples
            .iter()
            .map(|s| json!({"file": s.file, "line": s.line, "reason": s.reason}))
            .collect::<Vec<Value>>(),
    })
}

/// Writes one row and its newline; `line` is scratch.
pub fn write_row(
    row: &Row,
    files: &[String],
    line: &mut String,
    w: &mut dyn Write,
) -> io::Result<()> {
    line.clear();
    push_row(row, files, line);
    line.push('\n');
    w.write_all(line.as_bytes())
}

/// Writes the trailer line.
pub fn write_trailer(trailer: &Value, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *w, trailer)?;
    w.write_all(b"\n")
}
