//! Requests per provider, model and minute, for rate-limit analysis (`errors`).

use super::groups::Groups;
use super::{FastMap, MinuteCount};

/// Per-minute request counts, keyed by interned provider and model codes.
#[derive(Default)]
pub struct Minutes {
    counts: FastMap<(u32, u32, i64), u64>,
}

impl Minutes {
    /// Counts `requests` at `ts` (UTC microseconds).
    pub fn add(&mut self, provider: u32, model: u32, ts: i64, requests: u64) {
        *self
            .counts
            .entry((provider, model, ts.div_euclid(60_000_000)))
            .or_default() += requests;
    }

    /// The counts with their names, sorted by provider, model and minute.
    pub fn finish(&self, groups: &Groups) -> Vec<MinuteCount> {
        let name = |c| groups.value(c).unwrap_or_default().to_string();
        let mut out: Vec<MinuteCount> = self
            .counts
            .iter()
            .map(|(&(p, m, minute), &requests)| MinuteCount {
                provider: name(p),
                model: name(m),
                minute_us: minute * 60_000_000,
                requests,
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.provider, &a.model, a.minute_us).cmp(&(&b.provider, &b.model, b.minute_us))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_minute_sorted_by_name() {
        let mut g = Groups::default();
        let (p, a, b) = (
            g.code(Some("p")),
            g.code(Some("b-model")),
            g.code(Some("a-model")),
        );
        let mut m = Minutes::default();
        m.add(p, a, 60_000_000 + 5, 2);
        m.add(p, a, 119_999_999, 3);
        m.add(p, a, 120_000_000, 1);
        m.add(p, b, -1, 4);
        let got: Vec<(String, i64, u64)> = m
            .finish(&g)
            .into_iter()
            .map(|c| (c.model, c.minute_us, c.requests))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a-model".into(), -60_000_000, 4),
                ("b-model".into(), 60_000_000, 5),
                ("b-model".into(), 120_000_000, 1),
            ]
        );
    }
}
