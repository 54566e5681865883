//! Where a request falls in time: its local day in the reporting zone ([`LocalDays`]) and its
//! price epoch ([`Epochs`]), both with a one-entry cache because logs arrive roughly in time
//! order.

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

use crate::usage::MICROS_PER_DAY;

/// Local dates (days since 1970-01-01) of UTC instants in one zone, DST-correct.
#[derive(Debug, Clone)]
pub struct LocalDays {
    tz: Tz,
    /// (15-minute bucket, UTC offset in µs) of the last offset lookup.
    cache: (i64, i64),
}

impl LocalDays {
    pub fn new(tz: Tz) -> Self {
        LocalDays {
            tz,
            cache: (i64::MIN, 0),
        }
    }

    /// The local date of `ts` (UTC microseconds).
    pub fn day(&mut self, ts: i64) -> i32 {
        // Zone offsets change on 15-minute boundaries of UTC in every zone in use, so one lookup
        // per 15-minute bucket is exact.
        const BUCKET: i64 = 15 * 60 * 1_000_000;
        let b = ts.div_euclid(BUCKET);
        if self.cache.0 != b {
            let secs = ts.div_euclid(1_000_000);
            let off = chrono::DateTime::from_timestamp(secs, 0)
                .map(|dt| {
                    self.tz
                        .offset_from_utc_datetime(&dt.naive_utc())
                        .fix()
                        .local_minus_utc() as i64
                })
                .unwrap_or(0);
            self.cache = (b, off * 1_000_000);
        }
        (ts + self.cache.1).div_euclid(MICROS_PER_DAY) as i32
    }
}

/// Price epochs: the intervals between the instants at which some price of the book starts.
/// Within one epoch no price changes, so cost is linear in tokens there. Epoch 0 is everything
/// before the first boundary; epoch `e` starts at boundary `e - 1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Epochs {
    boundaries: Vec<i64>,
    /// (start, end, epoch) of the last lookup.
    cache: Option<(i64, i64, u32)>,
}

impl Epochs {
    /// `boundaries` must be sorted and unique (see `PriceBook::boundaries`).
    pub fn new(boundaries: Vec<i64>) -> Self {
        Epochs {
            boundaries,
            cache: None,
        }
    }

    /// The epoch of `ts`.
    pub fn of(&mut self, ts: i64) -> u32 {
        if let Some((lo, hi, e)) = self.cache {
            if ts >= lo && ts < hi {
                return e;
            }
        }
        let b = &self.boundaries;
        let e = b.partition_point(|&x| x <= ts);
        let lo = if e == 0 { i64::MIN } else { b[e - 1] };
        let hi = b.get(e).copied().unwrap_or(i64::MAX);
        self.cache = Some((lo, hi, e as u32));
        e as u32
    }

    /// The first instant of epoch `e` (`i64::MIN` for epoch 0): any instant of the epoch finds
    /// the same price versions, and its start is the simplest.
    pub fn start(&self, e: u32) -> i64 {
        match e {
            0 => i64::MIN,
            e => self.boundaries[e as usize - 1],
        }
    }

    pub fn boundaries(&self) -> &[i64] {
        &self.boundaries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{days_from_civil, parse_timestamp_us};

    fn us(s: &str) -> i64 {
        parse_timestamp_us(s).unwrap()
    }

    #[test]
    fn local_days_follow_the_zone_and_dst() {
        let mut ny = LocalDays::new(chrono_tz::America::New_York);
        assert_eq!(
            ny.day(us("2025-11-01T03:30:00Z")) as i64,
            days_from_civil(2025, 10, 31)
        );
        let mut berlin = LocalDays::new(chrono_tz::Europe::Berlin);
        // 00:30 on the 26th (UTC+2), then 23:30 on the 26th (UTC+1) after DST ended.
        let a = berlin.day(us("2025-10-25T22:30:00Z"));
        let b = berlin.day(us("2025-10-26T22:30:00Z"));
        assert_eq!((a, b), (a, a));
        assert_eq!(a as i64, days_from_civil(2025, 10, 26));
        // Before the epoch: floor, not truncation.
        let mut utc = LocalDays::new(chrono_tz::UTC);
        assert_eq!(utc.day(-1), -1);
    }

    #[test]
    fn epochs_start_at_their_boundary() {
        let b = us("2025-06-10T00:00:00Z");
        let c = us("2025-07-01T12:00:00Z");
        let mut e = Epochs::new(vec![b, c]);
        assert_eq!(e.of(b - 1), 0);
        assert_eq!(e.of(b), 1);
        assert_eq!(e.of(c - 1), 1);
        assert_eq!(e.of(c), 2);
        // The cache answers the same after a jump back.
        assert_eq!(e.of(b - 1), 0);
        assert_eq!(e.start(0), i64::MIN);
        assert_eq!(e.start(1), b);
        assert_eq!(e.start(2), c);
        let mut none = Epochs::new(vec![]);
        assert_eq!(none.of(0), 0);
    }
}
