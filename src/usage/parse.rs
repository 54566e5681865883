//! Parsing and formatting of the canonical values: timestamps, dates, counts, flags, statuses.
//! Pure functions; no I/O.

use super::{col, FieldError};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Parses a `YYYY-MM-DD` date into days since the Unix epoch.
pub fn parse_date_days(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])? as i64;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Parses a request timestamp into microseconds since the Unix epoch (UTC).
///
/// Accepted: RFC 3339 with an offset (`2026-10-03T14:22:05Z`, `2026-10-03T14:22:05.5+02:00`,
/// `+0200` and `+02` too), and the same without an offset (`2026-10-03 14:22:05`,
/// `2026-10-03T14:22:05.123`), which is read as UTC. `T`, `t` or a space separate date and time.
/// Fractions finer than a microsecond are truncated (floor), which keeps ordering intact.
pub fn parse_timestamp_us(s: &str) -> Result<i64, TimestampError> {
    let s = s.trim();
    let b = s.as_bytes();
    let bad = || TimestampError {
        text: s.to_string(),
    };
    if b.len() < 19 || !b[..19].is_ascii() {
        return Err(bad());
    }
    let days = parse_date_days(&s[0..10]).ok_or_else(bad)?;
    if !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let hh = digits(&b[11..13]).ok_or_else(bad)?;
    let mm = digits(&b[14..16]).ok_or_else(bad)?;
    let ss = digits(&b[17..19]).ok_or_else(bad)?;
    if hh > 23 || mm > 59 || ss > 60 {
        return Err(bad());
    }
    let mut i = 19;
    let mut micros: i64 = 0;
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        i += 1;
        let start = i;
        let mut scale = 100_000;
        while i < b.len() && b[i].is_ascii_digit() {
            micros += (b[i] - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
    }
    let mut offset_secs: i64 = 0;
    if i < b.len() {
        match b[i] {
            b'Z' | b'z' if i + 1 == b.len() => {}
            b'+' | b'-' => {
                let sign = if b[i] == b'+' { 1 } else { -1 };
                let rest = &b[i + 1..];
                let (oh, om) = match rest.len() {
                    2 => (digits(rest), Some(0)),
                    4 => (digits(&rest[0..2]), digits(&rest[2..4])),
                    5 if rest[2] == b':' => (digits(&rest[0..2]), digits(&rest[3..5])),
                    _ => (None, None),
                };
                let (oh, om) = (oh.ok_or_else(bad)?, om.ok_or_else(bad)?);
                if oh > 23 || om > 59 {
                    return Err(bad());
                }
                offset_secs = sign * (oh as i64 * 3600 + om as i64 * 60);
            }
            _ => return Err(bad()),
        }
    }
    // A leap second (:60) is held at the last microsecond of its minute, so it stays on its
    // own day and before any price change at the next midnight.
    if ss == 60 {
        let secs = days * 86_400 + hh as i64 * 3600 + mm as i64 * 60 + 59 - offset_secs;
        return Ok(secs * 1_000_000 + 999_999);
    }
    let secs = days * 86_400 + hh as i64 * 3600 + mm as i64 * 60 + ss as i64 - offset_secs;
    Ok(secs * 1_000_000 + micros)
}

/// A timestamp that is not RFC 3339 (nor, where a source allows it, Unix time).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse {text:?} as a timestamp (expected RFC 3339, e.g. 2026-10-03T14:22:05Z)")]
pub struct TimestampError {
    pub text: String,
}

impl From<TimestampError> for String {
    fn from(e: TimestampError) -> String {
        e.to_string()
    }
}

/// Formats microseconds since the epoch as RFC 3339 UTC (`2025-06-10T00:00:00.5Z`).
pub fn format_timestamp_us(us: i64) -> String {
    match chrono::DateTime::from_timestamp_micros(us) {
        Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => us.to_string(),
    }
}

/// Formats days since the epoch as `YYYY-MM-DD`.
pub fn format_day(days: i64) -> String {
    match chrono::DateTime::from_timestamp(days * 86_400, 0) {
        Some(dt) => dt.format("%Y-%m-%d").to_string(),
        None => days.to_string(),
    }
}

/// Parses a non-negative integer token count. Accepts surrounding spaces, `12.0` and negative
/// zero (`-0`, `-0.0`); rejects other signs, fractions, exponents and empty text.
pub fn parse_count(field: &str, s: &str) -> Result<u64, FieldError> {
    // The common case first: 1 to 13 ASCII digits and nothing else (at most 10^13 - 1, so no
    // overflow), parsed from the bytes; anything else takes the general path below.
    if (1..=13).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit()) {
        let v = s.bytes().fold(0u64, |v, c| v * 10 + u64::from(c - b'0'));
        return check_plausible(field, v);
    }
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "missing value"));
    }
    // Negative zero (JSON parsers give `-0` back as `-0.0`) is zero.
    let t = match t.strip_prefix('-') {
        Some(z) if z.starts_with('0') && z.bytes().all(|c| c == b'0' || c == b'.') => z,
        _ => t,
    };
    if t.starts_with('-') && t.len() > 1 && t[1..].bytes().all(|c| c.is_ascii_digit() || c == b'.')
    {
        return Err(FieldError::new(field, format!("negative value {t:?}")));
    }
    if t.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(v) = t.parse::<u64>() {
            return check_plausible(field, v);
        }
    }
    // "12.0" is written by tools that store counts as floats; accept it only when it is integral.
    if let Some((int, frac)) = t.split_once('.') {
        let digits_only = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
        if digits_only(int) && digits_only(frac) && frac.bytes().all(|c| c == b'0') {
            if let Ok(v) = int.parse::<u64>() {
                return check_plausible(field, v);
            }
        }
    }
    Err(FieldError::new(
        field,
        format!("{t:?} is not a non-negative integer"),
    ))
}

/// The largest count one row may carry (a million million). Larger values are data errors, and
/// the cap keeps sums over billions of rows far from integer overflow.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

pub(crate) fn check_plausible(field: &str, v: u64) -> Result<u64, FieldError> {
    if v > MAX_COUNT {
        Err(FieldError::new(
            field,
            format!("{v} is implausibly large (more than {MAX_COUNT} in one row)"),
        ))
    } else {
        Ok(v)
    }
}

/// Parses a boolean flag (`true/false`, `1/0`, `yes/no`, in any ASCII case; empty is false).
pub fn parse_bool(field: &str, s: &str) -> Result<bool, FieldError> {
    // As written by most tools: no allocation.
    match s {
        "" | "false" | "0" => return Ok(false),
        "true" | "1" => return Ok(true),
        _ => {}
    }
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "n" | "f" => Ok(false),
        "true" | "1" | "yes" | "y" | "t" => Ok(true),
        other => Err(FieldError::new(
            field,
            format!("{other:?} is not true/false"),
        )),
    }
}

/// Parses an HTTP status (100..=599; empty means 200).
pub fn parse_status(s: &str) -> Result<u16, FieldError> {
    // Three ASCII digits, the usual case, read from the bytes.
    if let &[a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] = s.as_bytes() {
        return Ok(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'));
    }
    let t = s.trim();
    if t.is_empty() {
        return Ok(200);
    }
    match t.parse::<u16>() {
        Ok(v) if (100..=599).contains(&v) => Ok(v),
        _ => Err(FieldError::new(
            col::STATUS,
            format!("{t:?} is not an HTTP status (100-599)"),
        )),
    }
}

/// A service tier as written in a price file or a log: lower-cased, `_` and spaces as `-`;
/// the standard tier (empty, `standard`, `default`, `auto`, `on-demand`) is `None`.
pub fn service_tier(s: &str) -> Option<String> {
    let t = s.trim();
    let canonical = t
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let t = if canonical {
        t.to_string()
    } else {
        t.to_ascii_lowercase().replace(['_', ' '], "-")
    };
    match t.as_str() {
        "" | "standard" | "default" | "auto" | "on-demand" => None,
        _ => Some(t),
    }
}

/// An Azure deployment type as a log or a price file writes it (`GlobalStandard`, `Data Zone
/// Standard`, `regional`, `GlobalBatch`, ...): `global`, `data-zone` or `regional`; `None` for
/// anything else. The deployment type, not the resource's region, decides an Azure price:
/// Global Standard is the list price, Data Zone and Regional deployments cost more.
pub fn deployment_type(s: &str) -> Option<&'static str> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if t.is_empty() {
        return None;
    }
    let t = t
        .strip_suffix("standard")
        .or_else(|| t.strip_suffix("batch"))
        .or_else(|| t.strip_suffix("provisioned"))
        .unwrap_or(&t);
    match t {
        "global" => Some("global"),
        "datazone" | "dz" => Some("data-zone"),
        "regional" | "region" | "" => Some("regional"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any string of up to 20 digits (with or without spaces around) parses as the
        /// general path parses it: the same number, or the same refusal.
        #[test]
        fn counts_parse_as_the_general_path(d in "[0-9]{1,20}", pad in proptest::bool::ANY) {
            let t = if pad { format!(" {d} ") } else { d.clone() };
            let general = d.parse::<u64>().ok().filter(|v| *v <= MAX_COUNT);
            match parse_count("f", &t) {
                Ok(v) => proptest::prop_assert_eq!(Some(v), general),
                Err(_) => proptest::prop_assert_eq!(None, general),
            }
        }
    }

    /// The digit fast paths give what the general parsers give.
    #[test]
    fn fast_paths_agree_with_the_general_parsers() {
        for t in [
            "0",
            "7",
            "007",
            "1234567890123",
            "1000000000000",
            "1000000000001",
            "99",
        ] {
            let general: Result<u64, _> = t.parse::<u64>();
            match parse_count("f", t) {
                Ok(v) => assert_eq!(Ok(v), general, "{t}"),
                Err(e) => assert!(e.reason.contains("implausibly large"), "{t}: {e:?}"),
            }
        }
        assert_eq!(parse_count("f", " 12 ").unwrap(), 12);
        for (t, v) in [
            ("200", 200),
            ("429", 429),
            ("599", 599),
            ("100", 100),
            ("", 200),
        ] {
            assert_eq!(parse_status(t).unwrap(), v);
        }
        for bad in ["099", "600", "999", "20x"] {
            assert!(parse_status(bad).is_err(), "{bad}");
        }
        assert!(parse_bool("b", "TRUE").unwrap() && !parse_bool("b", "No").unwrap());
        assert!(parse_bool("b", "maybe").is_err());
    }

    #[test]
    fn deployment_types_as_azure_writes_them() {
        for (s, want) in [
            ("GlobalStandard", Some("global")),
            ("global", Some("global")),
            ("Global Batch", Some("global")),
            ("DataZoneStandard", Some("data-zone")),
            ("data-zone", Some("data-zone")),
            ("Data Zone Batch", Some("data-zone")),
            ("Standard", Some("regional")),
            ("regional", Some("regional")),
            ("eastus2", None),
            ("", None),
        ] {
            assert_eq!(deployment_type(s), want, "{s:?}");
        }
    }

    const OCT3: i64 = 20_364; // days from 1970-01-01 to 2025-10-03

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2025, 10, 3), OCT3);
        assert_eq!(parse_date_days("2024-02-29"), Some(19_782));
        assert_eq!(parse_date_days("2025-02-29"), None);
        assert_eq!(parse_date_days("2025-13-01"), None);
    }

    #[test]
    fn timestamps_with_and_without_offsets() {
        let z = parse_timestamp_us("2025-10-03T14:22:05Z").unwrap();
        assert_eq!(z, (OCT3 * 86_400 + 14 * 3600 + 22 * 60 + 5) * 1_000_000);
        assert_eq!(parse_timestamp_us("2025-10-03 14:22:05").unwrap(), z);
        assert_eq!(parse_timestamp_us("2025-10-03t14:22:05z").unwrap(), z);
        assert_eq!(parse_timestamp_us("2025-10-03T16:22:05+02:00").unwrap(), z);
        assert_eq!(parse_timestamp_us("2025-10-03T16:22:05+0200").unwrap(), z);
        assert_eq!(parse_timestamp_us("2025-10-03T12:22:05-02").unwrap(), z);
        assert_eq!(
            parse_timestamp_us("2025-10-03T14:22:05.123").unwrap(),
            z + 123_000
        );
        assert_eq!(
            parse_timestamp_us("2025-10-03T14:22:05.1234569Z").unwrap(),
            z + 123_456
        );
    }

    #[test]
    fn bad_timestamps_are_errors() {
        for s in [
            "",
            "2025-10-03",
            "2025-10-03T25:00:00Z",
            "2025-10-03T14:22:05+2:00",
            "2025-10-03T14:22:05Zjunk",
            "03/10/2025 14:22:05",
            "2025-10-03T14:22:05.",
            "2025-10-0\u{e9}T14:22:05Z",
            "2025-10-03T14:2\u{e9}:05Z",
        ] {
            assert!(parse_timestamp_us(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn counts_reject_negative_and_fractional() {
        assert_eq!(parse_count("x", " 42 ").unwrap(), 42);
        assert_eq!(parse_count("x", "42.0").unwrap(), 42);
        assert!(parse_count("x", "-1")
            .unwrap_err()
            .reason
            .contains("negative"));
        assert!(parse_count("x", "-10").is_err());
        assert_eq!(parse_count("x", "-0").unwrap(), 0);
        assert_eq!(parse_count("x", "-0.0").unwrap(), 0);
        assert!(parse_count("x", "-0.5").is_err());
        assert!(parse_count("x", "-0x1").is_err());
        assert!(parse_count("x", "-").is_err());
        assert!(parse_count("x", "1.5").is_err());
        assert!(parse_count("x", "1e3").is_err());
        assert!(parse_count("x", "+5").is_err());
        assert!(parse_count("x", "7.").is_err());
        assert!(parse_count("x", ".0").is_err());
        assert!(parse_count("x", "").is_err());
        assert!(parse_count("x", "18446744073709551615")
            .unwrap_err()
            .reason
            .contains("implausibly large"));
        assert_eq!(parse_count("x", "1000000000000").unwrap(), MAX_COUNT);
    }

    #[test]
    fn status_and_bool() {
        assert_eq!(parse_status("").unwrap(), 200);
        assert_eq!(parse_status("429").unwrap(), 429);
        assert!(parse_status("42").is_err());
        assert!(parse_bool("batch", "TRUE").unwrap());
        assert!(!parse_bool("batch", "").unwrap());
        assert!(parse_bool("batch", "maybe").is_err());
    }
}
