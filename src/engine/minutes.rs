//! Requests per provider, model and minute, for rate-limit analysis (`errors`).

use super::groups::Groups;
use super::{FastMap, MinuteCount};

/// Per-minute request and token counts, keyed by interned provider and model codes.
#[derive(Default)]
pub struct Minutes {
    counts: FastMap<(u32, u32, i64), (u64, u64)>,
}

impl Minutes {
    /// Counts `requests` and `tokens` at `ts` (UTC microseconds).
    pub fn add(&mut self, provider: u32, model: u32, ts: i64, requests: u64, tokens: u64) {
        let e = self
            .counts
            .entry((provider, model, ts.div_euclid(60_000_000)))
            .or_default();
        e.0 += requests;
        e.1 += tokens;
    }

    /// The counts with their names, sorted by provider, model and minute.
    pub fn finish(&self, groups: &Groups) -> Vec<MinuteCount> {
        let name = |c| groups.value(c).unwrap_or_default().to_string();
        let mut out: Vec<MinuteCount> = self
            .counts
            .iter()
            .map(|(&(p, m, minute), &(requests, tokens))| MinuteCount {
                provider: name(p),
                model: name(m),
                minute_us: minute * 60_000_000,
                requests,
                tokens,
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
        m.add(p, a, 60_000_000 + 5, 2, 20);
        m.add(p, a, 119_999_999, 3, 30);
        m.add(p, a, 120_000_000, 1, 10);
        m.add(p, b, -1, 4, 40);
        let got: Vec<(String, i64, u64, u64)> = m
            .finish(&g)
            .into_iter()
            .map(|c| (c.model, c.minute_us, c.requests, c.tokens))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a-model".into(), -60_000_000, 4, 40),
                ("b-model".into(), 60_000_000, 5, 50),
                ("b-model".into(), 120_000_000, 1, 10),
            ]
        );
    }
}
