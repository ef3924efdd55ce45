//! Route templates: `/v1/users/8812/chat` -> `/v1/users/{id}/chat`, so a
//! route groups as one endpoint and not one row per user. A path segment
//! is an id when it is all digits, a UUID, or a long hex string (16 or
//! more hex digits with at least one digit). The query string is dropped.
//! No regex: one pass over the bytes. `--raw-routes` turns it off.

/// The placeholder an id segment becomes.
pub const ID: &str = "{id}";

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Returns true if and only if a path segment is an id.
pub fn is_id(seg: &str) -> bool {
    let b = seg.as_bytes();
    if b.is_empty() {
        return false;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    if b.len() == 36 {
        let uuid = b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => is_hex(c),
        });
        if uuid {
            return true;
        }
    }
    b.len() >= 16 && b.iter().all(|&c| is_hex(c)) && b.iter().any(u8::is_ascii_digit)
}

/// Folds the ids of `route` into `out` and returns true, or returns false
/// (leaving `out` alone) when the route has no id and no query string.
pub fn template(route: &str, out: &mut String) -> bool {
    let path = route.split_once(['?', '#']).map_or(route, |(p, _)| p);
    let has_id = path.split('/').any(is_id);
    if !has_id && path.len() == route.len() {
        return false;
    }
    out.clear();
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(if is_id(seg) { ID } else { seg });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(route: &str) -> String {
        let mut out = String::new();
        if template(route, &mut out) {
            out
        } else {
            route.to_string()
        }
    }

    #[test]
    fn numeric_uuid_and_long_hex_ids_fold() {
        assert_eq!(t("/v1/users/8812/chat"), "/v1/users/{id}/chat");
        assert_eq!(
            t("/v1/threads/0b7e4c2a-9d1f-4e0a-8c3b-2f6d5e4a1b09/runs"),
            "/v1/threads/{id}/runs"
        );
        assert_eq!(t("/blob/9f86d081884c7d65"), "/blob/{id}");
        assert_eq!(t("/v1/chat/completions"), "/v1/chat/completions");
        assert_eq!(t("/v1/models/gpt-4o"), "/v1/models/gpt-4o");
        // Hex-looking words without a digit are words.
        assert_eq!(t("/feedfacedeadbeefcafe"), "/feedfacedeadbeefcafe");
        assert_eq!(t("/search?q=1"), "/search");
        assert_eq!(t("/v2/orgs/7/users/12/"), "/v2/orgs/{id}/users/{id}/");
    }
}
