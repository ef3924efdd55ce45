//! Escaping for the HTML report: every value from the logs passes through
//! here before it reaches the page, so no element, attribute or script can
//! come from the data (docs/design.md, "Report HTML").

use std::fmt::Write as _;

/// Text for an HTML element's content or a quoted attribute value:
/// `& < > " '` become character references, and control characters (other
/// than tab and newline) and bidirectional overrides are written as
/// visible `\u{..}` escapes, as in the terminal table.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if risky(c) => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

fn risky(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// JSON text made safe inside `<script type="application/json">`: `<`,
/// `>` and `&` become `\u003c`, `\u003e` and `\u0026`, so neither
/// `</script>` nor `<!--` can appear, and U+2028/U+2029 are escaped too.
/// In JSON these characters occur only inside strings, where the escape
/// denotes the same character: the result parses to the same value.
pub fn json_in_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_becomes_text() {
        assert_eq!(
            text("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(text("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
        assert_eq!(text("x\u{202E}y\u{1b}"), "x\\u{202e}y\\u{1b}");
        assert_eq!(text("plain"), "plain");
    }

    #[test]
    fn script_breakouts_cannot_survive_in_json() {
        let v = serde_json::json!({"team": "</script><!--<script>alert(1)</script>&\u{2028}"});
        let raw = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_in_script(&raw);
        for bad in ["<", ">", "&", "\u{2028}"] {
            assert!(!safe.contains(bad), "{bad:?} in {safe}");
        }
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
