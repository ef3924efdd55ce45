//! Token counts as sources write them: integers, numeric strings, or
//! floats that must be judged. Every adapter reads its counts through
//! these, so a bad count has the same malformed reason in every format.

use crate::record::Reason;

/// Parses a token or request count written as text: digits only.
pub fn count_from_text(field: &'static str, text: &str) -> Result<Option<u64>, Reason> {
    // The common case, a short run of ASCII digits, in one pass: no
    // Unicode-aware trim, no second scan by `parse`.
    if (1..=19).contains(&text.len()) {
        let mut v = 0u64;
        if text.bytes().all(|b| {
            v = v * 10 + u64::from(b.wrapping_sub(b'0'));
            b.is_ascii_digit()
        }) {
            return Ok(Some(v));
        }
    }
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().map(Some).map_err(|_| Reason::BadCount {
            field,
            why: "out of range",
        });
    }
    let why = if t.starts_with('-') {
        "negative"
    } else if t.eq_ignore_ascii_case("nan") || t.eq_ignore_ascii_case("inf") {
        "not a number"
    } else if t.contains(['e', 'E']) {
        "exponent notation"
    } else if t.contains('.') {
        "fractional"
    } else {
        "not an integer"
    };
    Err(Reason::BadCount { field, why })
}

/// Judges a count that arrived as a JSON float.
pub fn count_from_float(field: &'static str, v: f64) -> Reason {
    let why = if v.is_nan() {
        "not a number"
    } else if v < 0.0 {
        "negative"
    } else if v.fract() != 0.0 {
        "fractional"
    } else if v >= 1.8e19 {
        "out of range"
    } else {
        "not an integer (exponent or decimal point)"
    };
    Reason::BadCount { field, why }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_non_negative_integers() {
        assert_eq!(count_from_text("t", "42"), Ok(Some(42)));
        assert_eq!(count_from_text("t", ""), Ok(None));
        let why = |s| match count_from_text("t", s) {
            Err(Reason::BadCount { why, .. }) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(why("-1"), "negative");
        assert_eq!(why("1.5"), "fractional");
        assert_eq!(why("1e3"), "exponent notation");
        assert_eq!(why("NaN"), "not a number");
        assert_eq!(why("99999999999999999999999"), "out of range");
        assert_eq!(why("12a"), "not an integer");
    }
}
