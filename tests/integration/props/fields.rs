//! Counts and timestamps parsed from text.

use proptest::prelude::*;

use super::config;

proptest! {
    #![proptest_config(config(256))]

    /// A count is accepted exactly when it is digits that fit a u64: any
    /// longer run of digits is malformed, never wrapped or saturated.
    #[test]
    fn counts_past_u64_are_malformed_not_wrapped(digits in "[0-9]{1,30}") {
        use llmspend::parse::counts::count_from_text;
        let fits = digits.parse::<u128>().unwrap() <= u128::from(u64::MAX);
        match count_from_text("input_tokens", &digits) {
            Ok(Some(v)) => {
                prop_assert!(fits);
                prop_assert_eq!(u128::from(v), digits.parse::<u128>().unwrap());
            }
            other => prop_assert!(!fits, "{:?}", other),
        }
    }

    /// RFC 3339 with any offset, `T` or space, with or without fraction,
    /// agrees with chrono.
    #[test]
    fn rfc3339_timestamps_agree_with_chrono(
        secs in 0i64..4_102_444_800, // 1970 .. 2100
        offset_min in -840i32..=840,
        space in any::<bool>(),
        frac in proptest::option::of(0u32..1_000_000),
    ) {
        use chrono::{DateTime, FixedOffset};
        let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
        let t = DateTime::from_timestamp(secs, 0).unwrap().with_timezone(&offset);
        let mut text = t.format("%Y-%m-%dT%H:%M:%S").to_string();
        if space {
            text = text.replacen('T', " ", 1);
        }
        if let Some(f) = frac {
            text.push_str(&format!(".{f:06}"));
        }
        text.push_str(&t.format("%:z").to_string());
        prop_assert_eq!(llmspend::time::parse_timestamp(&text), Some(secs), "{}", text);
    }
}
