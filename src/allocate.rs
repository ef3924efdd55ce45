//! `report --allocate-unattributed`: an estimate of what each attributed
//! group would carry if the unattributed cost were spread over them. The
//! measured `cost_usd` is never changed; the estimate is a separate
//! `allocated_cost_usd` figure.
//!
//! A group is unattributed when one of its ownership dimensions (team,
//! cost_center, project, service, environment, customer, user, api_key)
//! is missing; its allocated cost is 0. The unattributed cost U is split
//! over the attributed groups in pico-dollars: `proportional` gives group
//! i `U * cost_i / sum(cost)`, `even` gives `U / n`; the pico-dollars left
//! by integer division go one each to the largest remainders (ties: the
//! report's row order). So the allocated column sums exactly to the
//! total cost. With no attributed group, nothing is moved.

use crate::dimension::Dimension;
use crate::money::Money;
use crate::report::Group;

/// Returns true if and only if a missing value of `d` means the cost has
/// no owner.
pub fn is_owner_dimension(d: Dimension) -> bool {
    matches!(
        d,
        Dimension::Team
            | Dimension::CostCenter
            | Dimension::Project
            | Dimension::Service
            | Dimension::Environment
            | Dimension::Customer
            | Dimension::User
            | Dimension::ApiKey
    )
}

/// How `--allocate-unattributed` spreads the unattributed cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Allocate {
    /// In proportion to each attributed group's measured cost.
    Proportional,
    /// In equal parts over the attributed groups.
    Even,
}

/// The allocated cost of each group, in the groups' order.
pub fn allocate(groups: &[Group], dims: &[Dimension], how: Allocate) -> Vec<Money> {
    let attributed: Vec<bool> = groups
        .iter()
        .map(|g| {
            dims.iter()
                .zip(&g.values)
                .all(|(d, v)| v.is_some() || !is_owner_dimension(*d))
        })
        .collect();
    let n = attributed.iter().filter(|a| **a).count() as u128;
    let unattributed: u128 = groups
        .iter()
        .zip(&attributed)
        .filter(|(_, a)| !**a)
        .map(|(g, _)| g.totals.cost.0)
        .sum();
    if n == 0 || unattributed == 0 {
        return groups.iter().map(|g| g.totals.cost).collect();
    }
    let base: u128 = groups
        .iter()
        .zip(&attributed)
        .filter(|(_, a)| **a)
        .map(|(g, _)| g.totals.cost.0)
        .sum();
    let proportional = how == Allocate::Proportional && base > 0;
    // (share, remainder) per attributed group.
    let mut shares: Vec<(u128, u128)> = groups
        .iter()
        .zip(&attributed)
        .map(|(g, a)| match (a, proportional) {
            (false, _) => (0, 0),
            (true, true) => {
                let num = mul_div(unattributed, g.totals.cost.0, base);
                (num.0, num.1)
            }
            (true, false) => (unattributed / n, unattributed % n),
        })
        .collect();
    let given: u128 = shares.iter().map(|s| s.0).sum();
    let mut left = unattributed - given;
    let mut order: Vec<usize> = (0..groups.len()).filter(|&i| attributed[i]).collect();
    order.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i].0 += 1;
        left -= 1;
    }
    groups
        .iter()
        .zip(&attributed)
        .zip(shares)
        .map(|((g, a), (share, _))| {
            if *a {
                Money(g.totals.cost.0 + share)
            } else {
                Money(0)
            }
        })
        .collect()
}

/// `a * b / c` and its remainder, without overflow for any u128 inputs
/// whose true quotient fits (here `b <= c`, so it is at most `a`).
fn mul_div(a: u128, b: u128, c: u128) -> (u128, u128) {
    if let Some(p) = a.checked_mul(b) {
        return (p / c, p % c);
    }
    // Long multiplication in base 2^64 then long division by c, bit by bit.
    let (a_hi, a_lo) = (a >> 64, a & u128::from(u64::MAX));
    let (b_hi, b_lo) = (b >> 64, b & u128::from(u64::MAX));
    let lo_lo = a_lo * b_lo;
    let mid1 = a_hi * b_lo;
    let mid2 = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let (mid, mid_carry) = mid1.overflowing_add(mid2);
    let (lo, c1) = lo_lo.overflowing_add(mid << 64);
    let hi = hi_hi + (mid >> 64) + (u128::from(mid_carry) << 64) + u128::from(c1);
    let (mut q, mut r) = (0u128, 0u128);
    for i in (0..256).rev() {
        let bit = if i >= 128 {
            (hi >> (i - 128)) & 1
        } else {
            (lo >> i) & 1
        };
        let carry = r >> 127;
        r = (r << 1) | bit;
        q <<= 1;
        if carry == 1 || r >= c {
            r = r.wrapping_sub(c);
            q |= 1;
        }
    }
    (q, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Totals;

    fn g(team: Option<&str>, cost: u128) -> Group {
        Group {
            values: vec![team.map(str::to_string)],
            totals: Totals {
                cost: Money(cost),
                ..Totals::default()
            },
        }
    }

    #[test]
    fn proportional_and_even_sum_exactly_to_the_total() {
        let groups = [g(Some("a"), 200), g(None, 100), g(Some("b"), 100)];
        let dims = [Dimension::Team];
        let p = allocate(&groups, &dims, Allocate::Proportional);
        assert_eq!(p, [Money(267), Money(0), Money(133)]);
        let e = allocate(&groups, &dims, Allocate::Even);
        assert_eq!(e, [Money(250), Money(0), Money(150)]);
        let odd = [
            g(Some("a"), 1),
            g(Some("b"), 1),
            g(Some("c"), 1),
            g(None, 2),
        ];
        let e = allocate(&odd, &dims, Allocate::Even);
        assert_eq!(e.iter().map(|m| m.0).sum::<u128>(), 5);
        assert_eq!(e, [Money(2), Money(2), Money(1), Money(0)]);
        // Nothing attributed: nothing moves.
        let none = [g(None, 7)];
        assert_eq!(allocate(&none, &dims, Allocate::Even), [Money(7)]);
    }

    #[test]
    fn mul_div_is_exact_beyond_u128_products() {
        assert_eq!(mul_div(7, 3, 2), (10, 1));
        let big = u128::MAX / 3;
        assert_eq!(
            mul_div(big, 6, 9),
            (big / 9 * 6 + (big % 9) * 6 / 9, (big % 9) * 6 % 9)
        );
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX), (u128::MAX, 0));
    }
}
