//! The month before a one-month report, for the HTML page's headline: its range (aggregated on
//! the side in the same read), its total, and how much of it the logs cover.

use rust_decimal::Decimal;

use super::settings::UsageSettings;
use crate::engine::{self, Aggregates};
use crate::pricing::PriceBook;

/// A month's label (`YYYY-MM`) and its UTC range.
type Month = (String, (i64, i64));

/// The month before a one-month report (`--month`).
pub fn previous_month(settings: &UsageSettings) -> Result<Option<Month>, crate::time::PeriodError> {
    month_before(settings.month.as_deref(), &settings.tz)
}

/// The month before `month` (`YYYY-MM`) in `tz`: its label and UTC range.
pub fn month_before(
    month: Option<&str>,
    tz: &chrono_tz::Tz,
) -> Result<Option<Month>, crate::time::PeriodError> {
    let Some(m) = month else {
        return Ok(None);
    };
    let first = chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
        .map_err(|_| crate::time::PeriodError::NotAMonth(m.to_string()))?;
    let Some(prev) = first.checked_sub_months(chrono::Months::new(1)) else {
        return Ok(None);
    };
    let label = prev.format("%Y-%m").to_string();
    let range = crate::time::month_range(tz, &label)?;
    Ok(Some((label, range)))
}

/// The window the engine aggregates on the side for the page's month-over-month change.
pub fn previous_month_range(
    settings: &UsageSettings,
) -> Result<Option<(i64, i64)>, crate::time::PeriodError> {
    Ok(previous_month(settings)?.map(|(_, r)| r))
}

/// The previous month's total, from the side aggregates of the same read.
pub fn previous_total(
    settings: &UsageSettings,
    agg: &Aggregates,
    book: &PriceBook,
    period: crate::report::Period,
) -> anyhow::Result<Option<(String, Decimal)>> {
    let (Some((label, _)), Some(side)) = (previous_month(settings)?, &agg.side) else {
        return Ok(None);
    };
    let priced = engine::price(side, book)?;
    if priced.is_empty() {
        return Ok(None);
    }
    // The same report code as the page's own total.
    let report = crate::report::build(&[], &[], side, &priced, period, vec![]);
    Ok(Some((label, report.total.cost_usd)))
}

/// When the logs start after the previous month's first day, how much of it they cover: a
/// change against a month the logs barely cover would be no change at all ("+292755.9%").
pub fn previous_partial(
    settings: &UsageSettings,
    agg: &Aggregates,
) -> anyhow::Result<Option<String>> {
    let (Some((label, (start, end))), Some(first)) =
        (previous_month(settings)?, agg.counters.first_us)
    else {
        return Ok(None);
    };
    let day = crate::usage::MICROS_PER_DAY;
    // Logs that start during the month's first day cover it (a first request at 00:20).
    if first < start + day {
        return Ok(None);
    }
    let days = (end - start + day / 2) / day;
    let covered = ((end - first).max(0) + day - 1) / day;
    Ok(Some(format!(
        "the logs cover {} of the {days} of {label} (from {}): no change shown",
        crate::money::count_of(covered.min(days) as u64, "day"),
        crate::usage::format_timestamp_us(first)
            .get(..10)
            .unwrap_or_default()
    )))
}
