//! Exact money. Prices are parsed from decimal text into integer units and
//! every sum is an integer, so the same input gives byte-identical output
//! for any thread count and any order of files (docs/design.md, Money).
//!
//! The unit is the pico-dollar (1e-12 USD). A rate-card price has at most
//! six decimals per million tokens, so a price per single token is a whole
//! number of pico-dollars and `tokens x price` is never rounded. Rounding
//! happens once, half-even, when a figure is displayed.

use std::fmt;

/// Pico-dollars per one USD.
pub const PICO_PER_USD: u128 = 1_000_000_000_000;

/// The most decimals a price per million tokens may carry.
pub const MAX_PRICE_DECIMALS: usize = 6;

/// A price per single token, in pico-dollars. `$3.75 / MTok` is `3_750_000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TokenPrice(pub u64);

/// An exact amount of money in pico-dollars. Serialized as that integer:
/// partials written for other engines never carry a rounded or float figure.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub u128);

/// Why a decimal price could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// The text is empty.
    #[error("empty price")]
    Empty,
    /// The text is not a plain non-negative decimal.
    #[error("`{0}` is not a plain decimal number (digits, one optional `.`)")]
    NotDecimal(String),
    /// More than [`MAX_PRICE_DECIMALS`] fractional digits.
    #[error("`{0}` has more than 6 decimals; llmspend keeps prices exact to 1e-6 USD per million tokens")]
    TooPrecise(String),
    /// Larger than any plausible price.
    #[error("`{0}` is too large")]
    TooLarge(String),
}

impl TokenPrice {
    /// Parses a USD price per million tokens written as decimal text
    /// (`3`, `0.075`, `3.750000`) into pico-dollars per token.
    ///
    /// Fails on signs, exponents, thousands separators and more than six
    /// decimals, because each would make the figure inexact or ambiguous.
    pub fn parse_per_mtok(text: &str) -> Result<TokenPrice, PriceError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PriceError::Empty);
        }
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits_only(whole) || !digits_only(frac) {
            return Err(PriceError::NotDecimal(text.to_string()));
        }
        if frac.len() > MAX_PRICE_DECIMALS {
            return Err(PriceError::TooPrecise(text.to_string()));
        }
        if whole.len() > 9 {
            return Err(PriceError::TooLarge(text.to_string()));
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| PriceError::NotDecimal(text.to_string()))?
        };
        let mut frac_units: u64 = 0;
        for i in 0..MAX_PRICE_DECIMALS {
            let digit = frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
            frac_units = frac_units * 10 + digit;
        }
        // $1 / MTok = 1e-6 $/token = 1e6 pico-dollars per token.
        Ok(TokenPrice(whole * 1_000_000 + frac_units))
    }

    /// The cost of `tokens` tokens at this price.
    pub fn times(self, tokens: u64) -> Money {
        Money(u128::from(self.0) * u128::from(tokens))
    }

    /// Writes the price back as USD per million tokens, without trailing zeros.
    pub fn display_per_mtok(self) -> String {
        let whole = self.0 / 1_000_000;
        let frac = self.0 % 1_000_000;
        if frac == 0 {
            return whole.to_string();
        }
        let frac = format!("{frac:06}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(0);

    /// Rounds half-even to `decimals` fractional digits of a dollar
    /// (0..=12) and returns the integer count of those units.
    pub fn round_to(self, decimals: u32) -> u128 {
        let divisor = 10u64.pow(12 - decimals.min(12));
        // u64 division is several times cheaper than u128's, and every
        // amount under $18 million fits; a report can have millions of rows.
        let (quotient, remainder) = match u64::try_from(self.0) {
            Ok(v) => (u128::from(v / divisor), u128::from(v % divisor)),
            Err(_) => (self.0 / u128::from(divisor), self.0 % u128::from(divisor)),
        };
        let half = u128::from(divisor / 2);
        if divisor == 1 || remainder < half || (remainder == half && quotient % 2 == 0) {
            quotient
        } else {
            quotient + 1
        }
    }

    /// Reads USD written as plain decimal text with at most 12 fractional
    /// digits (`12.345678901234`, `3`), exactly; `None` for anything else
    /// (a sign, an exponent, more digits than a pico-dollar holds).
    pub fn from_usd_str(text: &str) -> Option<Money> {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 12 {
            return None;
        }
        if text.ends_with('.') {
            return None;
        }
        let whole: u128 = whole.parse().ok()?;
        let mut units: u128 = 0;
        for i in 0..12 {
            let d = frac.as_bytes().get(i).map_or(0, |b| u128::from(b - b'0'));
            units = units * 10 + d;
        }
        whole
            .checked_mul(PICO_PER_USD)?
            .checked_add(units)
            .map(Money)
    }

    /// The amount as USD with exactly `decimals` fractional digits, rounded
    /// half-even, e.g. `12.345678` for six.
    pub fn to_usd_string(self, decimals: u32) -> String {
        let mut out = String::new();
        self.push_usd(decimals, &mut out);
        out
    }

    /// Appends [`Money::to_usd_string`]`(decimals)` to `out`.
    pub fn push_usd(self, decimals: u32, out: &mut String) {
        let units = self.round_to(decimals);
        if decimals == 0 {
            push_uint(out, units);
            return;
        }
        let scale = 10u128.pow(decimals);
        let (whole, frac) = match u64::try_from(units) {
            Ok(u) if decimals <= 19 => {
                let scale = 10u64.pow(decimals);
                (u128::from(u / scale), u128::from(u % scale))
            }
            _ => (units / scale, units % scale),
        };
        push_uint(out, whole);
        out.push('.');
        let digits = decimal_digits(frac);
        for _ in digits..decimals as usize {
            out.push('0');
        }
        push_uint(out, frac);
    }

    /// The share `self / total` in percent with one decimal, rounded half-even;
    /// `0.0` when the total is zero.
    pub fn percent_of(self, total: Money) -> String {
        percent(self.0, total.0)
    }
}

/// Appends the decimal digits of `n`: what `write!("{n}")` writes, without
/// the formatting machinery, which is slow for `u128` and shows when a
/// report has millions of rows.
pub fn push_uint(out: &mut String, n: u128) {
    let mut buf = [0u8; 39];
    let mut i = buf.len();
    // Digits by u64 division where the number fits (nearly always): u128
    // division is a library call.
    match u64::try_from(n) {
        Ok(mut rest) => loop {
            i -= 1;
            buf[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        },
        Err(_) => {
            let mut rest = n;
            loop {
                i -= 1;
                buf[i] = b'0' + (rest % 10) as u8;
                rest /= 10;
                if rest == 0 {
                    break;
                }
            }
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// How many decimal digits `n` has (1 for zero).
fn decimal_digits(n: u128) -> usize {
    let mut digits = 1;
    let mut rest = n;
    while rest >= 10 {
        digits += 1;
        rest /= 10;
    }
    digits
}

/// `part / whole` in percent with one decimal, rounded half-even, computed in
/// integers; `0.0` when `whole` is zero.
pub fn percent(part: u128, whole: u128) -> String {
    if whole == 0 {
        return "0.0".to_string();
    }
    // tenths of a percent: part * 1000 / whole, half-even.
    let num = part.saturating_mul(1000);
    let q = num / whole;
    let r = num % whole;
    let twice = r.saturating_mul(2);
    let tenths = if twice > whole || (twice == whole && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `num / den` rounded half-even, in integers; `den` must not be zero.
pub fn div_half_even(num: u128, den: u128) -> u128 {
    let (q, r) = (num / den, num % den);
    let twice = r.saturating_mul(2);
    if twice > den || (twice == den && q % 2 == 1) {
        q + 1
    } else {
        q
    }
}

/// Why a decimal in a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not digits with one optional `.` (and, where allowed, a leading `-`).
    #[error("`{0}` is not a decimal number")]
    NotDecimal(String),
    /// A `-` where only non-negative figures are allowed.
    #[error("`{0}` is negative")]
    Negative(String),
    /// More fractional digits than the contract keeps.
    #[error("`{0}` has more than {1} decimals")]
    TooPrecise(String, u32),
    /// Too many digits.
    #[error("`{0}` is too large")]
    TooLarge(String),
}

/// Parses decimal text (`12`, `-3.5`, `.25`) into an integer count of
/// `10^-decimals` units, exactly: signs only when `signed`, no exponent, no
/// separators, at most `decimals` fractional digits.
pub fn parse_decimal(text: &str, decimals: u32, signed: bool) -> Result<i128, DecimalError> {
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(DecimalError::NotDecimal(t.to_string()));
    }
    if neg && !signed {
        return Err(DecimalError::Negative(t.to_string()));
    }
    if frac.len() > decimals as usize {
        return Err(DecimalError::TooPrecise(t.to_string(), decimals));
    }
    if whole.trim_start_matches('0').len() > 15 {
        return Err(DecimalError::TooLarge(t.to_string()));
    }
    let mut v: i128 = 0;
    for b in whole.bytes() {
        v = v * 10 + i128::from(b - b'0');
    }
    for i in 0..decimals as usize {
        v = v * 10 + frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
    }
    Ok(if neg { -v } else { v })
}

/// Reads a stated amount (a cost a source reports) written as decimal
/// text, `0.004635`, `4.635e-05`, `+12`, exactly into pico-dollars, where
/// the text is in units of `10^-shift` pico-dollars' scale: `shift` 12 for
/// dollars, 10 for cents. Digits past the pico-dollar are rounded
/// half-even, once. `None` for a sign `-`, no digits, or an amount past
/// 10^24 dollars.
pub fn stated_pico(text: &str, shift: i32) -> Option<u128> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return None;
    }
    // value = D * 10^(exp - frac.len()); pico = D * 10^(shift + exp - frac.len()).
    // Without allocating: parsers call this for every line that states a cost.
    let all = || {
        whole
            .bytes()
            .chain(frac.bytes())
            .skip_while(|&b| b == b'0')
            .map(|b| u128::from(b - b'0'))
    };
    let n = all().count();
    if n == 0 {
        return Some(0);
    }
    if exp.unsigned_abs() > 400 || frac.len() > 400 {
        return None;
    }
    let k = shift + exp - frac.len() as i32;
    let keep = n as i64 + i64::from(k.min(0));
    if keep <= 0 {
        // Below a pico-dollar: half-even rounds up only past one half.
        let mut gone = all();
        let up = keep == 0
            && match gone.next() {
                Some(f) => f > 5 || (f == 5 && gone.any(|d| d != 0)),
                None => false,
            };
        return Some(u128::from(up));
    }
    if keep + i64::from(k.max(0)) > 36 {
        return None;
    }
    let mut digits = all();
    let mut q: u128 = 0;
    for d in digits.by_ref().take(keep as usize) {
        q = q * 10 + d;
    }
    if k >= 0 {
        return q.checked_mul(10u128.checked_pow(k as u32)?);
    }
    let up = match digits.next() {
        Some(f) => f > 5 || (f == 5 && (digits.any(|d| d != 0) || q % 2 == 1)),
        None => false,
    };
    Some(q + u128::from(up))
}

/// A stated amount a parser handed over as a double (serde gives no
/// text): read from the shortest decimal that gives back the same double,
/// which is the text written for any amount of up to 15 significant
/// digits (Python, JavaScript and Rust all write that form), then
/// [`stated_pico`]. `None` for a negative or non-finite value.
pub fn stated_pico_f64(v: f64, shift: i32) -> Option<u128> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    // `{:e}` writes the shortest text; into a stack buffer, no allocation.
    let mut buf = [0u8; 40];
    let mut w: &mut [u8] = &mut buf;
    std::io::Write::write_fmt(&mut w, format_args!("{v:e}")).ok()?;
    let len = 40 - w.len();
    stated_pico(std::str::from_utf8(&buf[..len]).ok()?, shift)
}

/// A signed amount of pico-dollars as USD with `decimals` digits, rounded
/// half-even (the magnitude, then the sign): `-12.500000`.
pub fn signed_usd(pico: i128, decimals: u32) -> String {
    let text = Money(pico.unsigned_abs()).to_usd_string(decimals);
    if pico < 0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        format!("-{text}")
    } else {
        text
    }
}

/// Integer units of `10^-decimals` written as decimal text without
/// trailing zeros (`12500` with 3 decimals is `12.5`).
pub fn plain_decimal(units: i128, decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let (sign, abs) = (if units < 0 { "-" } else { "" }, units.unsigned_abs());
    let frac = abs % scale;
    if frac == 0 {
        return format!("{sign}{}", abs / scale);
    }
    let frac = format!("{frac:0width$}", width = decimals as usize);
    format!("{sign}{}.{}", abs / scale, frac.trim_end_matches('0'))
}

impl fmt::Display for Money {
    /// Six decimals: the precision of the CSV contract.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_usd_string(6))
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 = self.0.saturating_add(other.0);
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    /// Adds exactly; saturates only past u128::MAX pico-dollars (3.4e26
    /// USD), which no log reaches.
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_amounts_read_exactly_from_text() {
        assert_eq!(stated_pico("0.004635", 12), Some(4_635_000_000));
        assert_eq!(stated_pico("4.635e-05", 12), Some(46_350_000));
        assert_eq!(stated_pico("4.635E-3", 12), Some(4_635_000_000));
        assert_eq!(stated_pico("12", 12), Some(12_000_000_000_000));
        assert_eq!(stated_pico("123.45", 10), Some(1_234_500_000_000));
        assert_eq!(stated_pico(".5", 12), Some(500_000_000_000));
        // Past the pico-dollar: half-even, once.
        assert_eq!(stated_pico("0.0000000000005", 12), Some(0));
        assert_eq!(stated_pico("0.0000000000015", 12), Some(2));
        assert_eq!(stated_pico("0.00000000000150001", 12), Some(2));
        assert_eq!(stated_pico("0.0000000000025", 12), Some(2));
        assert_eq!(stated_pico("1e-20", 12), Some(0));
        for bad in ["", "-1", "abc", "1.2.3", "e5", "1e", "1e999"] {
            assert_eq!(stated_pico(bad, 12), None, "{bad}");
        }
        // A double is read from its shortest text: never a float product.
        assert_eq!(stated_pico_f64(0.004635, 12), Some(4_635_000_000));
        assert_eq!(
            stated_pico_f64(1234567.891234, 12),
            Some(1_234_567_891_234_000_000)
        );
        assert_eq!(stated_pico_f64(0.1 + 0.2, 12), Some(300_000_000_000));
        assert_eq!(stated_pico_f64(-1.0, 12), None);
    }

    #[test]
    fn integers_and_amounts_print_as_format_prints_them() {
        for n in [
            0u128,
            7,
            10,
            99,
            1234567890,
            u128::from(u64::MAX),
            u128::MAX,
        ] {
            let mut s = String::new();
            push_uint(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        for (pico, decimals, text) in [
            (0u128, 6, "0.000000"),
            (1_234_567_890_123, 6, "1.234568"),
            (500_000, 6, "0.000000"),
            (1_500_000, 6, "0.000002"),
            (12_345_678_500_000, 6, "12.345678"),
            (3 * PICO_PER_USD, 0, "3"),
            (1, 12, "0.000000000001"),
        ] {
            assert_eq!(Money(pico).to_usd_string(decimals), text);
        }
        // Either side of the u64 fast paths, against u128 arithmetic.
        for pico in [
            u128::from(u64::MAX) - 1,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::from(u64::MAX) * 1000 + 500_000,
            u128::MAX / 3,
        ] {
            for decimals in [0u32, 2, 6, 12] {
                let divisor = 10u128.pow(12 - decimals);
                let (q, r) = (pico / divisor, pico % divisor);
                let half = divisor / 2;
                let units = if divisor == 1 || r < half || (r == half && q % 2 == 0) {
                    q
                } else {
                    q + 1
                };
                let scale = 10u128.pow(decimals);
                let want = if decimals == 0 {
                    units.to_string()
                } else {
                    let frac = (units % scale).to_string();
                    let pad = "0".repeat(decimals as usize - frac.len());
                    format!("{}.{pad}{frac}", units / scale)
                };
                assert_eq!(
                    Money(pico).to_usd_string(decimals),
                    want,
                    "{pico} {decimals}"
                );
            }
        }
    }

    #[test]
    fn usd_text_of_up_to_twelve_decimals_reads_back_exactly() {
        for pico in [
            0u128,
            1,
            999_999_999_999,
            1_000_000_000_000,
            12_345_678_901_234_567,
        ] {
            let m = Money(pico);
            assert_eq!(Money::from_usd_str(&m.to_usd_string(12)), Some(m));
        }
        assert_eq!(Money::from_usd_str("3"), Some(Money(3 * PICO_PER_USD)));
        assert_eq!(Money::from_usd_str("0.5"), Some(Money(PICO_PER_USD / 2)));
        for bad in ["", ".5", "1.", "-1", "1e3", "0.0000000000001", "1,5", " 1"] {
            assert_eq!(Money::from_usd_str(bad), None, "{bad}");
        }
    }
    #[test]
    fn parses_prices_into_pico_dollars_per_token() {
        assert_eq!(
            TokenPrice::parse_per_mtok("3").unwrap(),
            TokenPrice(3_000_000)
        );
        assert_eq!(
            TokenPrice::parse_per_mtok("3.75").unwrap(),
            TokenPrice(3_750_000)
        );
        assert_eq!(
            TokenPrice::parse_per_mtok("0.075").unwrap(),
            TokenPrice(75_000)
        );
        assert_eq!(
            TokenPrice::parse_per_mtok("0.0375").unwrap(),
            TokenPrice(37_500)
        );
        assert_eq!(
            TokenPrice::parse_per_mtok("0.000001").unwrap(),
            TokenPrice(1)
        );
        assert_eq!(
            TokenPrice::parse_per_mtok(".5").unwrap(),
            TokenPrice(500_000)
        );
        assert_eq!(TokenPrice::parse_per_mtok("0").unwrap(), TokenPrice(0));
    }

    #[test]
    fn rejects_inexact_or_ambiguous_prices() {
        assert!(matches!(
            TokenPrice::parse_per_mtok("0.0000001"),
            Err(PriceError::TooPrecise(_))
        ));
        for bad in ["-1", "1e-6", "1,000", "$3", "3.", ".", "abc", "1.2.3", "+3"] {
            if bad == "3." {
                assert!(TokenPrice::parse_per_mtok(bad).is_ok());
                continue;
            }
            assert!(TokenPrice::parse_per_mtok(bad).is_err(), "{bad}");
        }
        assert_eq!(TokenPrice::parse_per_mtok(" "), Err(PriceError::Empty));
    }

    #[test]
    fn cost_is_exact_for_cheap_prices() {
        // 1 token at $0.075/MTok is 7.5e-8 USD: 75_000 pico-dollars, not zero.
        let p = TokenPrice::parse_per_mtok("0.075").unwrap();
        assert_eq!(p.times(1), Money(75_000));
        assert_eq!(p.times(3).to_usd_string(12), "0.000000225000");
    }

    #[test]
    fn the_sonnet_example_from_sources_md_is_exact() {
        // 150 x 3 + 1200 x 0.30 + 300 x 3.75 + 180 x 15 per MTok = $0.004635.
        let price = |s| TokenPrice::parse_per_mtok(s).unwrap();
        let total = price("3").times(150)
            + price("0.30").times(1200)
            + price("3.75").times(300)
            + price("15").times(180);
        assert_eq!(total.to_string(), "0.004635");
    }

    #[test]
    fn rounding_is_half_even_once() {
        // 0.0000005 USD exactly: a tie at the sixth decimal rounds to even.
        assert_eq!(Money(500_000).to_usd_string(6), "0.000000");
        assert_eq!(Money(1_500_000).to_usd_string(6), "0.000002");
        assert_eq!(Money(2_500_000).to_usd_string(6), "0.000002");
        assert_eq!(Money(2_500_001).to_usd_string(6), "0.000003");
        assert_eq!(Money(12_345_678_499_999).to_usd_string(6), "12.345678");
        assert_eq!(Money(0).to_usd_string(6), "0.000000");
        assert_eq!(Money(1).to_usd_string(12), "0.000000000001");
        assert_eq!(Money(1_000_000_000_000).to_usd_string(2), "1.00");
    }

    #[test]
    fn percent_is_integer_arithmetic() {
        assert_eq!(percent(1, 3), "33.3");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(percent(1, 8), "12.5"); // 125 tenths exactly... 12.5
        assert_eq!(percent(1, 16), "6.2"); // 62.5 tenths: tie to even
        assert_eq!(percent(3, 16), "18.8"); // 187.5 tenths: tie to even 188
        assert_eq!(percent(0, 0), "0.0");
        assert_eq!(percent(5, 5), "100.0");
    }

    #[test]
    fn displays_prices_per_mtok() {
        assert_eq!(TokenPrice(3_750_000).display_per_mtok(), "3.75");
        assert_eq!(TokenPrice(15_000_000).display_per_mtok(), "15");
        assert_eq!(TokenPrice(37_500).display_per_mtok(), "0.0375");
    }

    #[test]
    fn decimals_parse_exactly_and_refuse_what_is_not_exact() {
        assert_eq!(parse_decimal("12.5", 6, false), Ok(12_500_000));
        assert_eq!(parse_decimal(".25", 2, false), Ok(25));
        assert_eq!(parse_decimal("-100", 3, true), Ok(-100_000));
        assert_eq!(
            parse_decimal("-1", 6, false),
            Err(DecimalError::Negative("-1".into()))
        );
        assert!(matches!(
            parse_decimal("1.0000001", 6, false),
            Err(DecimalError::TooPrecise(..))
        ));
        for bad in ["", "abc", "1e3", "1,000", "--1", ".", "+1"] {
            assert!(parse_decimal(bad, 6, true).is_err(), "{bad}");
        }
        assert_eq!(plain_decimal(12_500, 3), "12.5");
        assert_eq!(plain_decimal(-7_000, 3), "-7");
        assert_eq!(signed_usd(-12_500_000_000_000, 6), "-12.500000");
        assert_eq!(signed_usd(-1, 6), "0.000000");
    }

    #[test]
    fn division_rounds_half_even() {
        assert_eq!(div_half_even(5, 2), 2);
        assert_eq!(div_half_even(7, 2), 4);
        assert_eq!(div_half_even(10, 4), 2);
        assert_eq!(div_half_even(11, 4), 3);
        assert_eq!(div_half_even(1, 3), 0);
    }
}
