//! Figures as every bill format writes them.

use crate::money::{plain_decimal, Money};

/// A margin in millionths of a percent as plain decimal text: `15`, `12.5`.
pub(super) fn margin_text(m: i128) -> String {
    plain_decimal(m, 6)
}

/// Cents as dollars with two decimals.
pub(super) fn cents(c: u128) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Cost with six decimals.
pub(super) fn cost(m: Money) -> String {
    m.to_usd_string(6)
}
