//! The canonical usage schema: one record per request (or per pre-aggregated group of requests).
//!
//! Every reader turns its source format into [`UsageRecord`]s; the engine consumes nothing else.
//! Column names are constants here so readers, engine and docs cannot drift apart. This module
//! owns timestamp parsing too, because "what instant does this row describe" is part of the
//! contract. It does no I/O.

use std::fmt;

/// Column names of the canonical request-log schema (CSV header, JSONL keys, Parquet columns).
pub mod col {
    pub const TIMESTAMP: &str = "timestamp";
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    pub const INPUT_TOKENS: &str = "input_tokens";
    pub const OUTPUT_TOKENS: &str = "output_tokens";
    pub const CACHE_READ_TOKENS: &str = "cache_read_tokens";
    pub const CACHE_WRITE_TOKENS: &str = "cache_write_tokens";
    pub const REASONING_TOKENS: &str = "reasoning_tokens";
    pub const REQUESTS: &str = "requests";
    pub const REQUEST_ID: &str = "request_id";
    pub const STATUS: &str = "status";
    pub const USER: &str = "user";
    pub const PROJECT: &str = "project";
    pub const API_KEY: &str = "api_key";
    pub const REGION: &str = "region";
    pub const BATCH: &str = "batch";
    pub const CACHE_WRITE_1H_TOKENS: &str = "cache_write_1h_tokens";
    pub const LONG_CONTEXT: &str = "long_context";

    /// Every column with a defined meaning, in documentation order.
    pub const KNOWN: [&str; 18] = [
        TIMESTAMP,
        PROVIDER,
        MODEL,
        INPUT_TOKENS,
        OUTPUT_TOKENS,
        CACHE_READ_TOKENS,
        CACHE_WRITE_TOKENS,
        REASONING_TOKENS,
        REQUESTS,
        REQUEST_ID,
        STATUS,
        USER,
        PROJECT,
        API_KEY,
        REGION,
        BATCH,
        CACHE_WRITE_1H_TOKENS,
        LONG_CONTEXT,
    ];

    /// Measures and per-request ids: never dimensions.
    pub const NOT_DIMENSIONS: [&str; 9] = [
        TIMESTAMP,
        INPUT_TOKENS,
        OUTPUT_TOKENS,
        CACHE_READ_TOKENS,
        CACHE_WRITE_TOKENS,
        CACHE_WRITE_1H_TOKENS,
        REASONING_TOKENS,
        REQUESTS,
        REQUEST_ID,
    ];
}

/// One canonical usage row, borrowing its strings from the reader's current line.
///
/// Token semantics follow the OpenTelemetry GenAI convention: `input_tokens` includes
/// `cache_read_tokens` and `cache_write_tokens`; `output_tokens` includes `reasoning_tokens`.
/// Readers guarantee `cache_read_tokens + cache_write_tokens <= input_tokens` and
/// `reasoning_tokens <= output_tokens`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord<'a> {
    /// Microseconds since the Unix epoch, UTC.
    pub timestamp_us: i64,
    pub provider: &'a str,
    pub model: &'a str,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Subset of `cache_write_tokens` written with a 1-hour TTL (priced at the 1-hour rate).
    pub cache_write_1h_tokens: u64,
    pub reasoning_tokens: u64,
    /// How many requests this row stands for (1 for a plain request log).
    pub requests: u64,
    pub request_id: Option<&'a str>,
    /// HTTP status; 200 when the source has none.
    pub status: u16,
    pub user: Option<&'a str>,
    pub project: Option<&'a str>,
    pub api_key: Option<&'a str>,
    pub region: Option<&'a str>,
    pub batch: bool,
    /// Whether the request was long-context, when the source says so (e.g. Anthropic's usage
    /// report). `None`: decided from the price book's threshold for single requests.
    pub long_context: Option<bool>,
    /// Columns outside the canonical set, kept as dimensions (only those a command asked for).
    pub extra: Vec<(&'a str, &'a str)>,
}

impl<'a> UsageRecord<'a> {
    /// Input tokens billed at the plain input rate.
    pub fn uncached_input(&self) -> u64 {
        self.input_tokens - self.cache_read_tokens - self.cache_write_tokens
    }

    /// A request is failed when its status is outside 2xx.
    pub fn is_failed(&self) -> bool {
        !(200..300).contains(&self.status)
    }

    /// The value of a dimension column by name (known dimension or extra column).
    pub fn dimension(&self, name: &str) -> Option<&'a str> {
        match name {
            col::USER => self.user,
            col::PROJECT => self.project,
            col::API_KEY => self.api_key,
            col::REGION => self.region,
            col::PROVIDER => Some(self.provider),
            col::MODEL => Some(self.model),
            col::REQUEST_ID => self.request_id,
            _ => self.extra.iter().find(|(k, _)| *k == name).map(|(_, v)| *v),
        }
    }
}

/// An owned usage record, for readers that assemble records from parsed JSON or computed values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedRecord {
    pub timestamp_us: i64,
    pub provider: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub reasoning_tokens: u64,
    pub requests: u64,
    pub request_id: Option<String>,
    pub status: u16,
    pub user: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    pub region: Option<String>,
    pub batch: bool,
    pub long_context: Option<bool>,
    pub extra: Vec<(String, String)>,
}

impl OwnedRecord {
    /// A record for one successful request at `timestamp_us`.
    pub fn new(timestamp_us: i64, provider: &str, model: &str) -> Self {
        OwnedRecord {
            timestamp_us,
            provider: provider.to_string(),
            model: model.to_string(),
            requests: 1,
            status: 200,
            ..Default::default()
        }
    }

    /// Checks the subset rules every record must meet (and the per-row caps).
    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, v) in [
            (col::INPUT_TOKENS, self.input_tokens),
            (col::OUTPUT_TOKENS, self.output_tokens),
            (col::CACHE_READ_TOKENS, self.cache_read_tokens),
            (col::CACHE_WRITE_TOKENS, self.cache_write_tokens),
            (col::REASONING_TOKENS, self.reasoning_tokens),
            (col::REQUESTS, self.requests),
        ] {
            check_plausible(field, v)?;
        }
        if self.model.is_empty() {
            return Err(FieldError::new(col::MODEL, "missing value (required)"));
        }
        if self.cache_read_tokens + self.cache_write_tokens > self.input_tokens {
            return Err(FieldError::new(
                col::CACHE_READ_TOKENS,
                format!(
                    "cache_read_tokens + cache_write_tokens ({} + {}) exceed input_tokens ({})",
                    self.cache_read_tokens, self.cache_write_tokens, self.input_tokens
                ),
            ));
        }
        if self.cache_write_1h_tokens > self.cache_write_tokens {
            return Err(FieldError::new(
                col::CACHE_WRITE_1H_TOKENS,
                "exceed cache_write_tokens",
            ));
        }
        if self.reasoning_tokens > self.output_tokens {
            return Err(FieldError::new(
                col::REASONING_TOKENS,
                format!(
                    "reasoning_tokens ({}) exceed output_tokens ({})",
                    self.reasoning_tokens, self.output_tokens
                ),
            ));
        }
        Ok(())
    }

    /// Borrows the record in the form the engine consumes.
    pub fn as_record(&self) -> UsageRecord<'_> {
        UsageRecord {
            timestamp_us: self.timestamp_us,
            provider: &self.provider,
            model: &self.model,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cache_read_tokens: self.cache_read_tokens,
            cache_write_tokens: self.cache_write_tokens,
            cache_write_1h_tokens: self.cache_write_1h_tokens,
            reasoning_tokens: self.reasoning_tokens,
            requests: self.requests,
            request_id: self.request_id.as_deref(),
            status: self.status,
            user: self.user.as_deref(),
            project: self.project.as_deref(),
            api_key: self.api_key.as_deref(),
            region: self.region.as_deref(),
            batch: self.batch,
            long_context: self.long_context,
            extra: self
                .extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }
}

/// Why a raw value could not become part of a [`UsageRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column (field) at fault, or "row" for whole-row problems.
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

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
pub fn parse_timestamp_us(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let b = s.as_bytes();
    let bad = || {
        format!("cannot parse {s:?} as a timestamp (expected RFC 3339, e.g. 2026-10-03T14:22:05Z)")
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

/// Parses a non-negative integer token count. Accepts surrounding spaces; rejects signs,
/// fractions, exponents and empty text.
pub fn parse_count(field: &str, s: &str) -> Result<u64, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "missing value"));
    }
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

fn check_plausible(field: &str, v: u64) -> Result<u64, FieldError> {
    if v > MAX_COUNT {
        Err(FieldError::new(
            field,
            format!("{v} is implausibly large (more than {MAX_COUNT} in one row)"),
        ))
    } else {
        Ok(v)
    }
}

/// Parses a boolean flag (`true/false`, `1/0`, `yes/no`, case-insensitive; empty is false).
pub fn parse_bool(field: &str, s: &str) -> Result<bool, FieldError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
