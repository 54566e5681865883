//! The reporting period of a result: its bounds as instants and its zone, and how to say it
//! in that zone's calendar days.

use serde::Serialize;

/// The reporting period and zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Inclusive start (RFC 3339), if any.
    pub from: Option<String>,
    /// Exclusive end (RFC 3339), if any.
    pub to: Option<String>,
    pub tz: String,
}

impl Period {
    /// The period as calendar days of its own zone, first and last inclusive: "2026-02-01 to
    /// 2026-02-28, Asia/Tokyo" (the bounds are instants; their UTC dates would be a day early
    /// east of UTC), or "all dates, UTC".
    pub fn days_label(&self) -> String {
        let zone = crate::time::parse_tz(&self.tz).ok();
        // A bound inside a day (`--from 2025-06-10T05:00:00Z`) is named with its local time:
        // the same days would otherwise name a different total.
        let local = |s: &Option<String>| -> Option<chrono::NaiveDateTime> {
            let t = chrono::DateTime::parse_from_rfc3339(s.as_deref()?).ok()?;
            Some(match zone {
                Some(z) => t.with_timezone(&z).naive_local(),
                None => t.naive_utc(),
            })
        };
        let midnight =
            |t: Option<chrono::NaiveDateTime>| t.is_none_or(|t| t.time() == chrono::NaiveTime::MIN);
        let (lf, lt) = (local(&self.from), local(&self.to));
        if !midnight(lf) || !midnight(lt) {
            let at = |t: Option<chrono::NaiveDateTime>, none: &str| {
                t.map_or(none.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
            };
            return format!(
                "{} to {} (exclusive), {}",
                at(lf, "the start"),
                at(lt, "the end"),
                self.tz
            );
        }
        // Both bounds are local midnights here: the last day is the one before the end.
        let day = |t: Option<chrono::NaiveDateTime>, last: bool| {
            t.map(|t| {
                let d = t.date();
                let d = if last { d.pred_opt().unwrap_or(d) } else { d };
                d.format("%Y-%m-%d").to_string()
            })
        };
        match (day(lf, false), day(lt, true)) {
            (None, None) => format!("all dates, {}", self.tz),
            // One day is named once.
            (Some(f), Some(t)) if f == t => format!("{f}, {}", self.tz),
            (f, t) => format!(
                "{} to {}, {}",
                f.as_deref().unwrap_or("the start"),
                t.as_deref().unwrap_or("the end"),
                self.tz
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Period;

    #[test]
    fn a_bound_inside_a_day_is_named_with_its_time() {
        let p = Period {
            from: Some("2025-06-10T05:00:00Z".into()),
            to: Some("2025-06-19T15:00:00Z".into()),
            tz: "Asia/Tokyo".into(),
        };
        assert_eq!(
            p.days_label(),
            "2025-06-10 14:00 to 2025-06-20 00:00 (exclusive), Asia/Tokyo"
        );
    }

    #[test]
    fn periods_read_in_local_days_of_their_zone() {
        // February in Tokyo: its bounds are instants on January 31 and February 28 in UTC.
        let p = Period {
            from: Some("2026-01-31T15:00:00Z".into()),
            to: Some("2026-02-28T15:00:00Z".into()),
            tz: "Asia/Tokyo".into(),
        };
        assert_eq!(p.days_label(), "2026-02-01 to 2026-02-28, Asia/Tokyo");
        let open = Period {
            from: Some("2026-10-01T00:00:00Z".into()),
            to: None,
            tz: "UTC".into(),
        };
        assert_eq!(open.days_label(), "2026-10-01 to the end, UTC");
        let all = Period {
            from: None,
            to: None,
            tz: "UTC".into(),
        };
        assert_eq!(all.days_label(), "all dates, UTC");
        let one = Period {
            from: Some("2025-06-10T00:00:00Z".into()),
            to: Some("2025-06-11T00:00:00Z".into()),
            tz: "UTC".into(),
        };
        assert_eq!(one.days_label(), "2025-06-10, UTC");
    }
}
