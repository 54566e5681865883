//! Failures and rate limits, from the same aggregates as the cost report.
//!
//! Failed requests (status outside 2xx) per provider, model, local day and status, with a
//! class (401 unauthorized, 403 forbidden, 408 timeout, 429 rate limited, 5xx server error,
//! other 4xx); and per provider and model the peak requests in one minute and, against a limit,
//! the minutes that went over it. Pure: no I/O.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::Aggregates;
use crate::usage::{format_day, format_timestamp_us};

/// A failure class for a status.
pub fn class(status: u16) -> &'static str {
    match status {
        401 => "unauthorized",
        403 => "forbidden",
        408 => "timeout",
        429 => "rate limited",
        500..=599 => "server error",
        400..=499 => "client error",
        _ => "other",
    }
}

/// Failed requests of one provider, model, day and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureRow {
    pub provider: String,
    pub model: String,
    pub day: String,
    pub status: u16,
    pub class: &'static str,
    pub failed_requests: u64,
}

/// Request rate of one provider and model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    pub provider: String,
    pub model: String,
    pub requests: u64,
    pub peak_requests_per_minute: u64,
    /// The first minute at the peak (RFC 3339, in the report's zone).
    pub peak_minute: String,
    /// Minutes over `--rate-limit` (0 without one).
    pub minutes_over_limit: u64,
    /// The first such minutes (up to 10).
    pub first_minutes_over: Vec<String>,
    /// The most input plus output tokens in one minute (providers throttle on tokens too).
    pub peak_tokens_per_minute: u64,
    pub peak_tokens_minute: String,
}

/// The failures and rate report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorsReport {
    pub requests: u64,
    pub failed_requests: u64,
    /// Failed requests per class.
    pub by_class: BTreeMap<&'static str, u64>,
    pub failures: Vec<FailureRow>,
    pub rate: Vec<RateRow>,
    /// The limit checked, requests per minute.
    pub rate_limit_per_minute: Option<u64>,
    /// The peak over all providers and models.
    pub overall_peak_requests_per_minute: u64,
    /// Requests of pre-aggregated rows (usage exports' buckets): they have no minute of their
    /// own, so they are not in the per-minute rates.
    pub not_per_minute_requests: u64,
}

/// A `--rate-limit` value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitError {
    #[error("{0:?}: expected N/min, e.g. 20/min")]
    Format(String),
    #[error("{text:?}: {number:?} is not a whole number")]
    Number { text: String, number: String },
    #[error("{text:?}: unit {unit:?} is not supported (use /min)")]
    Unit { text: String, unit: String },
}

/// Parses `20/min` (also `20/m`, `20/minute`).
pub fn parse_rate_limit(s: &str) -> Result<u64, RateLimitError> {
    let (n, unit) = s
        .split_once('/')
        .ok_or_else(|| RateLimitError::Format(s.to_string()))?;
    let n_parsed: u64 = n.trim().parse().map_err(|_| RateLimitError::Number {
        text: s.to_string(),
        number: n.to_string(),
    })?;
    match unit.trim() {
        "min" | "m" | "minute" => Ok(n_parsed),
        other => Err(RateLimitError::Unit {
            text: s.to_string(),
            unit: other.to_string(),
        }),
    }
}

/// An instant as RFC 3339 in `tz` (`...Z` in UTC, else with the zone's offset), so peak minutes
/// read in the zone whose days the report uses.
fn instant_in(us: i64, tz: &chrono_tz::Tz) -> String {
    if *tz == chrono_tz::UTC {
        return format_timestamp_us(us);
    }
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| {
            t.with_timezone(tz)
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
        })
        .unwrap_or_else(|| format_timestamp_us(us))
}

/// Builds the report; `status_dim` is the index of `status` among the engine's dimensions;
/// minutes are written in `tz`.
pub fn build(
    agg: &Aggregates,
    status_dim: usize,
    limit: Option<u64>,
    tz: &chrono_tz::Tz,
) -> ErrorsReport {
    let mut failures: BTreeMap<(String, String, i32, u16), u64> = BTreeMap::new();
    let mut requests = 0;
    let mut failed = 0;
    let mut by_class: BTreeMap<&'static str, u64> = BTreeMap::new();
    for cell in &agg.cells {
        let key = &agg.groups[cell.group as usize];
        requests += cell.sums.requests;
        if !key.failed {
            continue;
        }
        let status: u16 = key
            .dims
            .get(status_dim)
            .and_then(|s| s.as_deref())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        *failures
            .entry((
                key.provider.to_string(),
                key.model.to_string(),
                cell.day,
                status,
            ))
            .or_default() += cell.sums.requests;
        *by_class.entry(class(status)).or_default() += cell.sums.requests;
        failed += cell.sums.requests;
    }
    let failures = failures
        .into_iter()
        .map(|((provider, model, day, status), n)| FailureRow {
            provider,
            model,
            day: format_day(day as i64),
            status,
            class: class(status),
            failed_requests: n,
        })
        .collect();
    let mut rate: BTreeMap<(String, String), RateRow> = BTreeMap::new();
    let mut overall: BTreeMap<i64, u64> = BTreeMap::new();
    for m in &agg.minutes {
        *overall.entry(m.minute_us).or_default() += m.requests;
        let r = rate
            .entry((m.provider.clone(), m.model.clone()))
            .or_insert_with(|| RateRow {
                provider: m.provider.clone(),
                model: m.model.clone(),
                requests: 0,
                peak_requests_per_minute: 0,
                peak_minute: String::new(),
                minutes_over_limit: 0,
                first_minutes_over: vec![],
                peak_tokens_per_minute: 0,
                peak_tokens_minute: String::new(),
            });
        r.requests += m.requests;
        if m.requests > r.peak_requests_per_minute {
            r.peak_requests_per_minute = m.requests;
            r.peak_minute = instant_in(m.minute_us, tz);
        }
        if m.tokens > r.peak_tokens_per_minute {
            r.peak_tokens_per_minute = m.tokens;
            r.peak_tokens_minute = instant_in(m.minute_us, tz);
        }
        if limit.is_some_and(|l| m.requests > l) {
            r.minutes_over_limit += 1;
            if r.first_minutes_over.len() < 10 {
                r.first_minutes_over.push(instant_in(m.minute_us, tz));
            }
        }
    }
    let mut rate: Vec<RateRow> = rate.into_values().collect();
    rate.sort_by(|a, b| {
        b.peak_requests_per_minute
            .cmp(&a.peak_requests_per_minute)
            .then(a.provider.cmp(&b.provider))
            .then(a.model.cmp(&b.model))
    });
    ErrorsReport {
        requests,
        failed_requests: failed,
        by_class,
        failures,
        rate,
        rate_limit_per_minute: limit,
        overall_peak_requests_per_minute: overall.values().copied().max().unwrap_or(0),
        not_per_minute_requests: agg.counters.not_per_minute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_limits() {
        assert_eq!(class(429), "rate limited");
        assert_eq!(class(503), "server error");
        assert_eq!(class(404), "client error");
        assert_eq!(parse_rate_limit("20/min").unwrap(), 20);
        assert!(parse_rate_limit("20/h").is_err());
        assert!(parse_rate_limit("x/min").is_err());
    }
}
