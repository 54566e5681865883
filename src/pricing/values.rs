//! The values of price files: an `effective_from` (a date or an instant) and a price (plain
//! decimal text, USD per million tokens), each refused with a reason rather than rounded.
//! Pure: no I/O.

use rust_decimal::Decimal;

use crate::usage::{parse_date_days, parse_timestamp_us, MICROS_PER_DAY};

/// Parses an `effective_from`: `YYYY-MM-DD` (00:00 UTC) or an RFC 3339 instant.
pub fn parse_effective_from(s: &str) -> Result<i64, ValueError> {
    if let Some(days) = parse_date_days(s) {
        return Ok(days * MICROS_PER_DAY);
    }
    parse_timestamp_us(s).map_err(|_| ValueError::NotADate(s.to_string()))
}

/// A value of a price file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{0:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant")]
    NotADate(String),
    #[error("{0:?} is not a decimal number (USD per million tokens)")]
    NotADecimal(String),
    #[error("negative price {0}")]
    Negative(String),
    #[error("{0:?} has more than 28 decimal places, more than tokenledger holds exactly")]
    TooPrecise(String),
}

pub fn parse_price(s: &str) -> Result<Decimal, ValueError> {
    // Plain decimal notation only: `1_000` and `1e-3` are not prices (rust_decimal would take
    // the first), and more than 28 decimals cannot be held exactly (it would round them,
    // possibly to 0).
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(ValueError::NotADecimal(s.to_string()));
    }
    if frac.trim_end_matches('0').len() > 28 {
        return Err(ValueError::TooPrecise(s.to_string()));
    }
    let d: Decimal = s
        .parse()
        .map_err(|_| ValueError::NotADecimal(s.to_string()))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(ValueError::Negative(s.to_string()));
    }
    Ok(d.normalize())
}
