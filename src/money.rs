//! The one place that decides how money is represented and printed.
//!
//! Money is `rust_decimal::Decimal` from the price table to the printed total; nothing here
//! rounds. Tables print every amount at the largest scale any amount in that table needs, so
//! the printed rows add up to the printed total to the last digit. Layer 0: no I/O.

use rust_decimal::Decimal;

/// The exact decimal text of an amount, without trailing zeros (`0.00384`, `12`).
pub fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The number of fractional digits needed to print every amount exactly (at least 2).
pub fn common_scale<'a>(amounts: impl IntoIterator<Item = &'a Decimal>) -> u32 {
    amounts
        .into_iter()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(0)
        .max(2)
}

/// `$1,234.5600` style: thousands separators, exactly `scale` fractional digits (padding only,
/// never rounding: `scale` must be at least the amount's own scale).
pub fn usd(d: Decimal, scale: u32) -> String {
    let mut x = d.normalize();
    if x.scale() < scale {
        x.rescale(scale);
    }
    let text = x.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}${}.{f}", group_thousands(&int)),
        None => format!("{sign}${}", group_thousands(&int)),
    }
}

/// `1234567` -> `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An integer count with thousands separators.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn usd_pads_but_never_rounds() {
        assert_eq!(usd(d("1234.5"), 2), "$1,234.50");
        assert_eq!(usd(d("0.00384"), 5), "$0.00384");
        assert_eq!(usd(d("12"), 3), "$12.000");
        assert_eq!(usd(d("1234567.123456789"), 9), "$1,234,567.123456789");
        assert_eq!(usd(d("-5.5"), 2), "-$5.50");
        assert_eq!(common_scale([&d("1.5"), &d("0.00384"), &d("2.10")]), 5);
        assert_eq!(common_scale([&d("3")]), 2);
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(12345678), "12,345,678");
    }
}
