//! The small CSV files a user writes by hand (budgets, customers): cells
//! found by header name, `#` comments and blank lines skipped, and every
//! error naming `file:line` (docs/design.md, Budgets and Bill).

use std::path::Path;

/// A file that cannot be used: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", if *line == 0 { String::new() } else { format!(":{line}") })]
pub struct FileError {
    /// The file as given.
    pub path: String,
    /// The physical line, 1-based (0 when the file could not be read).
    pub line: u64,
    /// What is wrong and what is valid.
    pub message: String,
}

/// One data row: its line and its cells in the order of the columns asked
/// for (`None` for an optional column the header does not name).
#[derive(Debug)]
pub struct Row {
    /// The physical line.
    pub line: u64,
    /// The cells, trimmed.
    pub cells: Vec<Option<String>>,
}

/// A parsed file: its name for messages and its rows.
#[derive(Debug)]
pub struct Table {
    /// The file as given.
    pub path: String,
    /// The data rows, in file order.
    pub rows: Vec<Row>,
}

impl Table {
    /// An error at `line` of this file.
    pub fn error(&self, line: u64, message: impl Into<String>) -> FileError {
        FileError {
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }
}

/// Reads `path` and returns the cells of `required` and `optional`
/// columns, in that order. An unknown column, a missing required one, a
/// row with another number of cells than the header, or text that is not
/// UTF-8 is an error.
pub fn read(path: &Path, required: &[&str], optional: &[&str]) -> Result<Table, FileError> {
    let name = path.display().to_string();
    let text = std::fs::read(path).map_err(|e| FileError {
        path: name.clone(),
        line: 0,
        message: e.to_string(),
    })?;
    parse(&name, &text, required, optional)
}

/// The physical line a record starts on: the reader's position is where it
/// began reading, before the blank lines it skips.
fn start_line(text: &[u8], p: &csv::Position) -> u64 {
    let rest = text.get(p.byte() as usize..).unwrap_or_default();
    let blank = rest
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|&&b| b == b'\n')
        .count();
    p.line() + blank as u64
}

/// [`read`] on text already in memory.
pub fn parse(
    name: &str,
    text: &[u8],
    required: &[&str],
    optional: &[&str],
) -> Result<Table, FileError> {
    let at = |line: u64, message: String| FileError {
        path: name.to_string(),
        line,
        message,
    };
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    // Comments are skipped here, not by the reader: its line count leaves
    // out the comment lines it skips, and messages must name the physical
    // line.
    let comment = |r: &csv::ByteRecord| r.get(0).is_some_and(|c| c.starts_with(b"#"));
    let mut records = reader
        .byte_records()
        .filter(|r| r.as_ref().map_or(true, |r| !comment(r)));
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(at(1, format!("unreadable header: {e}"))),
        None => return Err(at(1, "empty file: no header".into())),
    };
    let header_line = header.position().map_or(1, |p| start_line(text, p));
    let names: Vec<String> = header
        .iter()
        .map(|c| String::from_utf8_lossy(c).trim().to_string())
        .collect();
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    for n in &names {
        if !all.contains(&n.as_str()) {
            return Err(at(
                header_line,
                format!("unknown column `{n}`; columns are {}", all.join(", ")),
            ));
        }
    }
    let mut cols = Vec::new();
    for (i, want) in all.iter().enumerate() {
        let found: Vec<usize> = (0..names.len()).filter(|&c| names[c] == *want).collect();
        if found.len() > 1 {
            return Err(at(header_line, format!("column `{want}` is named twice")));
        }
        if found.is_empty() && i < required.len() {
            return Err(at(
                header_line,
                format!("the header must name the column `{want}`"),
            ));
        }
        cols.push(found.first().copied());
    }
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            at(line, format!("unreadable CSV row: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| start_line(text, p));
        if rec.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        if rec.len() != header.len() {
            return Err(at(
                line,
                format!("{} cells, the header has {}", rec.len(), header.len()),
            ));
        }
        let mut cells = Vec::new();
        for col in &cols {
            cells.push(match col {
                None => None,
                Some(c) => Some(
                    std::str::from_utf8(&rec[*c])
                        .map_err(|_| at(line, "invalid UTF-8".into()))?
                        .trim()
                        .to_string(),
                ),
            });
        }
        rows.push(Row { line, cells });
    }
    Ok(Table {
        path: name.to_string(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_come_by_header_name_with_lines() {
        let t = parse(
            "b.csv",
            b"# budgets\nvalue,scope\n\nx,team\n\r\n\n\"y\",*\n",
            &["scope", "value"],
            &["parent"],
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line, 4);
        assert_eq!(
            t.rows[0].cells,
            [Some("team".into()), Some("x".into()), None]
        );
        assert_eq!(t.rows[1].line, 7);
    }

    #[test]
    fn bad_headers_and_rows_name_the_line() {
        let e = parse("b.csv", b"scope,colour\n", &["scope"], &[]).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e
            .to_string()
            .starts_with("b.csv:1: unknown column `colour`"));
        let e = parse("b.csv", b"value\n", &["scope"], &["value"]).unwrap_err();
        assert!(e.message.contains("`scope`"), "{e}");
        let e = parse("b.csv", b"scope\na\nb,c\n", &["scope"], &[]).unwrap_err();
        assert_eq!(e.to_string(), "b.csv:3: 2 cells, the header has 1");
    }
}
