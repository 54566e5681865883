//! The one place that decides how money is represented and printed.
//!
//! Money is `rust_decimal::Decimal` from the price table to the printed total. Exact text
//! ([`exact`], [`usd`] with [`common_scale`]) never rounds: csv, json and `--exact` tables print
//! every digit, padded to one scale per table so the rows add up to the total to the last digit.
//! Tables for people ([`shown`]) round each amount half away from zero to cents, or to two
//! significant digits when a non-zero amount is below half a cent (`$0.00038`), so no cost reads
//! as $0.00; such rows may then differ from the total by rounding. Layer 0: no I/O.

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

/// An amount as shown to people: cents, or two significant digits below half a cent (never a
/// non-zero amount shown as zero).
pub fn rounded(d: Decimal) -> Decimal {
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    let cents = d.round_dp_with_strategy(2, MidpointAwayFromZero);
    if !cents.is_zero() || d.is_zero() {
        return cents;
    }
    // The position of the first significant fractional digit, then one more.
    let mut dp = 2;
    while dp < 28 && d.abs() * Decimal::from(10u64.pow(dp.min(19))) < Decimal::ONE {
        dp += 1;
    }
    d.round_dp_with_strategy(dp + 1, MidpointAwayFromZero)
}

/// `$1,234.57`, `$0.00038`: [`rounded`] with thousands separators, at least two decimals.
pub fn cents(d: Decimal) -> String {
    let r = rounded(d);
    usd(r, r.normalize().scale().max(2))
}

/// How tables show money: exactly at `scale` digits (`--exact`) or [`cents`].
pub fn shown(d: Decimal, exact_scale: Option<u32>) -> String {
    match exact_scale {
        Some(scale) => usd(d, scale),
        None => cents(d),
    }
}

/// `1234567` -> `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
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

/// `1 request`, `2,048 requests`: a count and its noun (plural with an `s`).
pub fn count_of(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", count(n))
    }
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
    fn shown_amounts_are_cents_or_never_zero() {
        assert_eq!(cents(d("27.726367685")), "$27.73");
        assert_eq!(cents(d("1234.5")), "$1,234.50");
        assert_eq!(cents(d("0.005")), "$0.01");
        assert_eq!(cents(d("0.00499")), "$0.005");
        assert_eq!(cents(d("0.000384")), "$0.00038");
        assert_eq!(cents(d("0.0000000001234")), "$0.00000000012");
        assert_eq!(cents(d("0")), "$0.00");
        assert_eq!(cents(d("-0.125")), "-$0.13");
        assert_eq!(shown(d("0.0507"), Some(4)), "$0.0507");
        assert_eq!(shown(d("0.0507"), None), "$0.05");
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(12345678), "12,345,678");
        assert_eq!(count_of(1, "request"), "1 request");
        assert_eq!(count_of(0, "request"), "0 requests");
        assert_eq!(count_of(1500, "file"), "1,500 files");
    }
}
