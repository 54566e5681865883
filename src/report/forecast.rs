//! The month-end projection of a month in progress, from the run-rate so far. A projection,
//! not a bill; the caller passes "now".

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::{PricedCell, Pricing};

/// A month-end projection from the run-rate so far. A projection, not a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// The month in progress (`YYYY-MM`, reporting zone).
    pub month: String,
    /// Exact priced cost of the month so far.
    pub cost_so_far: Decimal,
    /// Days of the month elapsed at "now" (one decimal).
    pub days_elapsed: String,
    pub days_in_month: u32,
    /// cost_so_far x days_in_month / days_elapsed, rounded to cents.
    pub projected: Decimal,
    /// The instants the run-rate is measured between (RFC 3339).
    pub based_on_from: String,
    pub based_on_to: String,
}

impl Serialize for Forecast {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("month", &self.month)?;
        m.serialize_entry("cost_so_far_usd", &crate::money::exact(self.cost_so_far))?;
        m.serialize_entry("days_elapsed", &self.days_elapsed)?;
        m.serialize_entry("days_in_month", &self.days_in_month)?;
        m.serialize_entry(
            "projected_month_end_usd",
            &crate::money::exact(self.projected),
        )?;
        m.serialize_entry("based_on_from", &self.based_on_from)?;
        m.serialize_entry("based_on_to", &self.based_on_to)?;
        m.serialize_entry("note", "projection from the run-rate so far, not a bill")?;
        m.end()
    }
}

/// Projects the month containing `now_us` (in `tz`) when it is in progress and the period
/// covers it. `None` for closed months or less than an hour into the month.
pub fn forecast<'a>(
    priced: &[PricedCell<'a>],
    tz: &chrono_tz::Tz,
    now_us: i64,
    period_from: Option<i64>,
    period_to: Option<i64>,
) -> Option<Forecast> {
    let each = |f: &mut dyn FnMut(&PricedCell<'a>)| {
        priced.iter().for_each(f);
        Ok::<(), std::convert::Infallible>(())
    };
    match forecast_from(&each, tz, now_us, period_from, period_to) {
        Ok(f) => f,
        Err(never) => match never {},
    }
}

/// [`forecast`] pricing each cell as it is read (see `report::build_pricing`).
pub fn forecast_pricing<'a>(
    agg: &'a crate::engine::Aggregates,
    book: &'a crate::pricing::PriceBook,
    tz: &chrono_tz::Tz,
    now_us: i64,
    period_from: Option<i64>,
    period_to: Option<i64>,
) -> Result<Option<Forecast>, crate::engine::PriceError> {
    let each = |f: &mut dyn FnMut(&PricedCell<'a>)| crate::engine::price_each(agg, book, f);
    forecast_from(&each, tz, now_us, period_from, period_to)
}

fn forecast_from<'a, E>(
    cells: &super::EachCell<'_, 'a, E>,
    tz: &chrono_tz::Tz,
    now_us: i64,
    period_from: Option<i64>,
    period_to: Option<i64>,
) -> Result<Option<Forecast>, E> {
    use chrono::{Datelike, TimeZone};
    let month_of = || {
        let now = chrono::DateTime::from_timestamp_micros(now_us)?;
        let local = tz.from_utc_datetime(&now.naive_utc()).date_naive();
        let first = local.with_day(1)?;
        Some((first, first.checked_add_months(chrono::Months::new(1))?))
    };
    let Some((first, next)) = month_of() else {
        return Ok(None);
    };
    let start = crate::time::local_midnight_us(tz, first);
    let end = crate::time::local_midnight_us(tz, next);
    // The run-rate needs the whole month so far: a period that starts later or ends before
    // now does not give it.
    if period_to.is_some_and(|t| t < now_us) || period_from.is_some_and(|f| f > start) {
        return Ok(None);
    }
    let elapsed = now_us - start;
    if elapsed < 3_600_000_000 {
        return Ok(None);
    }
    let month = first.format("%Y-%m").to_string();
    let Some(today) = crate::time::local_day(tz, now_us) else {
        return Ok(None);
    };
    // The month's days: the data must reach into it (a report of closed months has no
    // projection), and only days up to "now" count (a log may hold more than has happened).
    let (month_start, month_end) = (
        crate::time::local_day(tz, start),
        crate::time::local_day(tz, end),
    );
    let in_month =
        |day: i64| month_start.is_some_and(|s| day >= s) && month_end.is_none_or(|e| day < e);
    let (mut seen, mut cost) = (false, Decimal::ZERO);
    cells(&mut |pc: &PricedCell<'a>| {
        let day = pc.cell.day as i64;
        if in_month(day) {
            seen = true;
            if let Pricing::Priced { cost: c, .. } = &pc.pricing {
                if day <= today {
                    cost += *c;
                }
            }
        }
    })?;
    if !seen || cost.is_zero() {
        // No data in the month, or nothing priced yet (or only unpriced usage): a $0
        // projection would mislead.
        return Ok(None);
    }
    let projected = (cost * Decimal::from(end - start) / Decimal::from(elapsed)).round_dp(2);
    let days = Decimal::from(elapsed) / Decimal::from(crate::usage::MICROS_PER_DAY);
    Ok(Some(Forecast {
        month,
        cost_so_far: cost.normalize(),
        days_elapsed: days.round_dp(1).normalize().to_string(),
        days_in_month: ((end - start + 3_600_000_000) / crate::usage::MICROS_PER_DAY) as u32,
        projected,
        based_on_from: crate::usage::format_timestamp_us(start),
        based_on_to: crate::usage::format_timestamp_us(now_us),
    }))
}
