//! Inconsistent spellings of one owner: `Search`, `search`, `search-team`,
//! `Search_Team`. [`normalize`] gives every spelling one key: lower case,
//! runs of spaces, `_` and `-` as one `-`, no separator at either end, and
//! for `team` a trailing `-team` dropped. `coverage` lists the values that
//! share a key; `--normalize-values` groups by the key instead of the value
//! as logged.

use crate::record::Field;

fn is_sep(c: char) -> bool {
    c.is_whitespace() || c == '_' || c == '-'
}

fn needs_work(field: Field, value: &str) -> bool {
    let b = value.as_bytes();
    value
        .chars()
        .any(|c| c.is_uppercase() || c.is_whitespace() || c == '_')
        || b.first() == Some(&b'-')
        || b.last() == Some(&b'-')
        || value.contains("--")
        || (field == Field::Team && value.len() > 5 && value.ends_with("-team"))
}

/// Writes the normalized form of `value` into `out` and returns true, or
/// returns false (leaving `out` alone) when the value is already normal.
pub fn normalize(field: Field, value: &str, out: &mut String) -> bool {
    if !needs_work(field, value) {
        return false;
    }
    out.clear();
    let mut pending_sep = false;
    for c in value.chars() {
        if is_sep(c) {
            pending_sep = !out.is_empty();
            continue;
        }
        if pending_sep {
            out.push('-');
            pending_sep = false;
        }
        out.extend(c.to_lowercase());
    }
    if field == Field::Team && out.len() > 5 && out.ends_with("-team") {
        out.truncate(out.len() - 5);
    }
    if out.is_empty() {
        // Nothing but separators: keep the value as logged.
        return false;
    }
    out != value
}

/// The normalized form, owned (for reports, not the hot path).
pub fn key(field: Field, value: &str) -> String {
    let mut out = String::new();
    if normalize(field, value, &mut out) {
        out
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_team_share_a_key() {
        for v in [
            "Search",
            "search",
            "search-team",
            "Search_Team",
            " search  team ",
        ] {
            assert_eq!(key(Field::Team, v), "search", "{v}");
        }
        assert_eq!(key(Field::CostCenter, "CC_1042"), "cc-1042");
        assert_eq!(key(Field::CostCenter, "cc-1042"), "cc-1042");
        assert_eq!(key(Field::Service, "search-team"), "search-team");
        assert_eq!(key(Field::Team, "team"), "team");
        assert_eq!(key(Field::Team, "---"), "---");
        let mut out = String::new();
        assert!(!normalize(Field::Team, "payments", &mut out));
    }
}
