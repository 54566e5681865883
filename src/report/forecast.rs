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
pub fn forecast(
    priced: &[PricedCell<'_>],
    tz: &chrono_tz::Tz,
    now_us: i64,
    period_from: Option<i64>,
    period_to: Option<i64>,
) -> Option<Forecast> {
    let mut acc = ForecastAcc::new(tz, now_us, period_from, period_to)?;
    priced.iter().for_each(|pc| acc.add(pc));
    acc.finish()
}

/// A [`forecast`] made while the cells go by (a report priced as it is read keeps no priced
/// vector to read again).
pub struct ForecastAcc {
    month: String,
    /// The month's bounds (instants) and local days (first, first of the next month).
    start: i64,
    end: i64,
    days: (i64, i64),
    now_us: i64,
    today: i64,
    /// The data reaches into the month (a report of closed months has no projection).
    seen: bool,
    cost: Decimal,
}

impl ForecastAcc {
    /// `None` when the month of `now_us` cannot be projected: the period does not give the
    /// whole month so far, or less than an hour of it has passed.
    pub fn new(
        tz: &chrono_tz::Tz,
        now_us: i64,
        period_from: Option<i64>,
        period_to: Option<i64>,
    ) -> Option<Self> {
        use chrono::{Datelike, TimeZone};
        let now = chrono::DateTime::from_timestamp_micros(now_us)?;
        let local = tz.from_utc_datetime(&now.naive_utc()).date_naive();
        let first = local.with_day(1)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        let start = crate::time::local_midnight_us(tz, first);
        let end = crate::time::local_midnight_us(tz, next);
        // The run-rate needs the whole month so far: a period that starts later or ends before
        // now does not give it.
        if period_to.is_some_and(|t| t < now_us) || period_from.is_some_and(|f| f > start) {
            return None;
        }
        if now_us - start < 3_600_000_000 {
            return None;
        }
        Some(ForecastAcc {
            month: first.format("%Y-%m").to_string(),
            start,
            end,
            days: (
                crate::time::local_day(tz, start)?,
                crate::time::local_day(tz, end)?,
            ),
            now_us,
            today: crate::time::local_day(tz, now_us)?,
            seen: false,
            cost: Decimal::ZERO,
        })
    }

    /// Counts a cell: its priced cost when it is in the month, up to today (a log may hold
    /// more than has happened by "now").
    pub fn add(&mut self, pc: &PricedCell<'_>) {
        let day = pc.cell.day as i64;
        if day < self.days.0 || day >= self.days.1 {
            return;
        }
        self.seen = true;
        if let Pricing::Priced { cost, .. } = &pc.pricing {
            if day <= self.today {
                self.cost += *cost;
            }
        }
    }

    pub fn finish(self) -> Option<Forecast> {
        if !self.seen || self.cost.is_zero() {
            // No data in the month, or nothing priced yet (or only unpriced usage): a $0
            // projection would mislead.
            return None;
        }
        let elapsed = self.now_us - self.start;
        let projected =
            (self.cost * Decimal::from(self.end - self.start) / Decimal::from(elapsed)).round_dp(2);
        let days = Decimal::from(elapsed) / Decimal::from(crate::usage::MICROS_PER_DAY);
        Some(Forecast {
            month: self.month,
            cost_so_far: self.cost.normalize(),
            days_elapsed: days.round_dp(1).normalize().to_string(),
            days_in_month: ((self.end - self.start + 3_600_000_000) / crate::usage::MICROS_PER_DAY)
                as u32,
            projected,
            based_on_from: crate::usage::format_timestamp_us(self.start),
            based_on_to: crate::usage::format_timestamp_us(self.now_us),
        })
    }
}
