//! Making log-sourced text safe to show: spreadsheet formula guards for
//! CSV, and control / bidi character escapes for terminals.

use std::borrow::Cow;

/// Prefixes a CSV text cell with `'` when a spreadsheet would run it as a
/// formula (docs/design.md: cells beginning with `=`, `+`, `-`, `@`, tab, CR, LF).
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Appends [`csv_cell`]`(text)` to `out`, without an allocation of its own.
pub fn push_csv_cell(out: &mut String, text: &str) {
    if let Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n') = text.as_bytes().first() {
        out.push('\'');
    }
    out.push_str(text);
}

/// Escapes control characters and bidirectional overrides, which a log
/// value could use to rewrite what a terminal shows.
pub fn terminal(text: &str) -> Cow<'_, str> {
    let risky = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(risky) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if risky(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised() {
        for cell in ["=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx", "\nx"] {
            assert!(csv_cell(cell).starts_with('\''), "{cell:?}");
        }
        assert_eq!(csv_cell("search"), "search");
        assert_eq!(csv_cell("(unattributed)"), "(unattributed)");
    }

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(terminal("ok"), "ok");
        assert_eq!(terminal("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(terminal("x\u{202E}y"), "x\\u{202e}y");
    }
}
