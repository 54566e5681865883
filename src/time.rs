//! Reporting periods: `--month`, `--from`, `--to` turned into UTC instants for one time zone.
//!
//! A period is half-open: the start is included, the end is not. Plain dates mean local
//! midnight in the reporting zone (DST-correct; where midnight does not exist, the first
//! instant of that day). Layer 0: pure, no clock (callers pass "now").

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::usage::parse_timestamp_us;

/// A period or zone that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("unknown time zone {0:?} (use an IANA name such as UTC or Europe/Berlin)")]
    UnknownZone(String),
    #[error("{0:?} is not a month (expected YYYY-MM, e.g. 2026-10)")]
    NotAMonth(String),
    #[error("{0:?} is not a date (YYYY-MM-DD) or an RFC 3339 timestamp")]
    NotADate(String),
    #[error("{text:?} does not exist in {zone} (skipped by a clock change)")]
    SkippedLocalTime { text: String, zone: String },
    #[error("--to must be after --from (the end is exclusive)")]
    EndNotAfterStart,
    /// One of the above, in the value of a flag (reads `--month: "2025-13" is not a month`
    /// through the error chain).
    #[error("{flag}")]
    Flag {
        flag: &'static str,
        source: Box<PeriodError>,
    },
}

impl PeriodError {
    fn in_flag(flag: &'static str) -> impl Fn(PeriodError) -> PeriodError {
        move |e| PeriodError::Flag {
            flag,
            source: Box::new(e),
        }
    }
}

/// Parses an IANA zone name.
pub fn parse_tz(name: &str) -> Result<Tz, PeriodError> {
    name.parse::<Tz>()
        .map_err(|_| PeriodError::UnknownZone(name.to_string()))
}

/// The first instant of a local date in `tz`, as UTC microseconds.
pub fn local_midnight_us(tz: &Tz, date: NaiveDate) -> i64 {
    let midnight: NaiveDateTime = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // A DST gap can swallow midnight (e.g. America/Santiago): take the first instant that exists.
    let mut t = midnight;
    for _ in 0..=24 * 4 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.timestamp_micros();
        }
        t += Duration::minutes(15);
    }
    midnight.and_utc().timestamp_micros()
}

/// The local date of an instant (UTC microseconds) in `tz`, as days since 1970-01-01: the
/// engine's `day` of a cell.
pub fn local_day(tz: &Tz, us: i64) -> Option<i64> {
    use chrono::Datelike;
    let t = chrono::DateTime::from_timestamp_micros(us)?;
    Some(i64::from(t.with_timezone(tz).date_naive().num_days_from_ce()) - 719_163)
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
}

/// A `--from`/`--to` value: a date (local midnight) or an RFC 3339 instant.
pub fn parse_bound(tz: &Tz, s: &str) -> Result<i64, PeriodError> {
    if let Some(d) = parse_date(s) {
        return Ok(local_midnight_us(tz, d));
    }
    // A date and time without an offset is a local time in the reporting zone.
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz
                .from_local_datetime(&naive)
                .earliest()
                .map(|dt| dt.timestamp_micros())
                .ok_or_else(|| PeriodError::SkippedLocalTime {
                    text: s.to_string(),
                    zone: tz.to_string(),
                });
        }
    }
    parse_timestamp_us(s).map_err(|_| PeriodError::NotADate(s.to_string()))
}

/// The half-open UTC range of a `YYYY-MM` month in `tz`.
pub fn month_range(tz: &Tz, s: &str) -> Result<(i64, i64), PeriodError> {
    let bad = || PeriodError::NotAMonth(s.to_string());
    if s.len() != 7 {
        return Err(bad());
    }
    let first = parse_date(&format!("{s}-01")).ok_or_else(bad)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    Ok((local_midnight_us(tz, first), local_midnight_us(tz, next)))
}

/// Resolves the period options into `(from, to)` UTC microseconds.
pub fn resolve(
    tz: &Tz,
    month: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), PeriodError> {
    if let Some(m) = month {
        let (a, b) = month_range(tz, m).map_err(PeriodError::in_flag("--month"))?;
        return Ok((Some(a), Some(b)));
    }
    let f = from
        .map(|s| parse_bound(tz, s))
        .transpose()
        .map_err(PeriodError::in_flag("--from"))?;
    let t = to
        .map(|s| parse_bound(tz, s))
        .transpose()
        .map_err(PeriodError::in_flag("--to"))?;
    if let (Some(f), Some(t)) = (f, t) {
        if t <= f {
            return Err(PeriodError::EndNotAfterStart);
        }
    }
    Ok((f, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_are_days_since_the_epoch_in_the_zone() {
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        // 2025-06-30T20:00Z is July 1 in Tokyo: day 20,270 (2025-07-01), June 30 in UTC.
        let us = crate::usage::parse_timestamp_us("2025-06-30T20:00:00Z").unwrap();
        assert_eq!(local_day(&tokyo, us), Some(20_270));
        assert_eq!(local_day(&Tz::UTC, us), Some(20_269));
        assert_eq!(local_day(&Tz::UTC, 0), Some(0));
    }

    fn us(s: &str) -> i64 {
        parse_timestamp_us(s).unwrap()
    }

    #[test]
    fn month_in_utc_and_in_a_zone() {
        let utc = parse_tz("UTC").unwrap();
        assert_eq!(
            month_range(&utc, "2025-12").unwrap(),
            (us("2025-12-01T00:00:00Z"), us("2026-01-01T00:00:00Z"))
        );
        let ny = parse_tz("America/New_York").unwrap();
        // October starts in EDT (UTC-4); November starts in EDT too (DST ends Nov 2).
        assert_eq!(
            month_range(&ny, "2025-10").unwrap(),
            (us("2025-10-01T04:00:00Z"), us("2025-11-01T04:00:00Z"))
        );
        // November ends in EST (UTC-5).
        assert_eq!(
            month_range(&ny, "2025-11").unwrap().1,
            us("2025-12-01T05:00:00Z")
        );
        assert!(month_range(&utc, "2025-13").is_err());
        assert!(month_range(&utc, "2025-1").is_err());
    }

    #[test]
    fn midnight_in_a_dst_gap() {
        // Santiago skipped 2024-09-08 00:00-01:00 local (clocks jumped to 01:00, UTC-3).
        let tz = parse_tz("America/Santiago").unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 9, 8).unwrap();
        assert_eq!(local_midnight_us(&tz, d), us("2024-09-08T04:00:00Z"));
    }

    #[test]
    fn bounds_and_validation() {
        let utc = parse_tz("UTC").unwrap();
        assert_eq!(
            resolve(
                &utc,
                None,
                Some("2025-06-01"),
                Some("2025-06-10T12:00:00+02:00")
            )
            .unwrap(),
            (
                Some(us("2025-06-01T00:00:00Z")),
                Some(us("2025-06-10T10:00:00Z"))
            )
        );
        assert!(resolve(&utc, None, Some("2025-06-10"), Some("2025-06-01")).is_err());
        let berlin = parse_tz("Europe/Berlin").unwrap();
        assert_eq!(
            parse_bound(&berlin, "2025-06-01T00:00:00").unwrap(),
            us("2025-05-31T22:00:00Z")
        );
        assert_eq!(
            parse_bound(&berlin, "2025-06-01T00:00:00Z").unwrap(),
            us("2025-06-01T00:00:00Z")
        );
        assert!(parse_tz("Mars/Olympus").is_err());
    }
}
