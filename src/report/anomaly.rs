//! Spend anomalies (`tokenledger check --anomaly`): a day on which a provider and model's
//! priced spend departs from its own rolling baseline.
//!
//! The baseline of day D for one (provider, model) is the daily spend of the `baseline_days`
//! days before D (14 by default; days without requests count as $0, so a model that ran
//! every other day has a low baseline), limited to days the logs cover. Its level is the
//! median of those days, its spread the median absolute deviation scaled by 1.4826 (so that
//! it estimates a standard deviation on normal data while one earlier spike moves neither).
//! Day D is a **spike** when its spend is above the median by more than `threshold` spreads,
//! more than twice the median, and by at least `min_usd`; a **drop** when it is below by more
//! than `threshold` spreads, under half the median, and by at least `min_usd` (a drop often
//! means logging broke, or traffic moved). A day needs at least `min_days` baseline days in
//! the logs, so the first week of a log is never judged. Exact decimals; no I/O.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::{PricedCell, Pricing};
use crate::usage::format_day;

/// How anomalies are found (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub baseline_days: u32,
    pub min_days: u32,
    /// Spreads a day must depart by.
    pub threshold: Decimal,
    /// The smallest departure in USD worth a line.
    pub min_usd: Decimal,
}

impl Default for Rule {
    fn default() -> Rule {
        Rule {
            baseline_days: 14,
            min_days: 7,
            threshold: Decimal::from(3),
            min_usd: Decimal::ONE,
        }
    }
}

impl Rule {
    /// The rule in words, for every output that lists anomalies.
    pub fn describe(&self) -> String {
        format!(
            "a day's priced spend per provider and model against the median of the {} days before it (days without requests count as $0; at least {} of them in the logs), flagged when it departs by more than {} x 1.4826 x the median absolute deviation, by at least ${} and by a factor of 2",
            self.baseline_days,
            self.min_days,
            self.threshold.normalize(),
            self.min_usd.normalize()
        )
    }
}

/// One day of one provider and model that departs from its baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// `YYYY-MM-DD`, local in the reporting zone.
    pub day: String,
    pub provider: String,
    pub model: String,
    pub spend: Decimal,
    /// The median of the baseline days.
    pub baseline: Decimal,
    /// 1.4826 x the median absolute deviation of the baseline days.
    pub spread: Decimal,
    /// Baseline days the logs cover.
    pub days: u32,
    /// `spike` or `drop`.
    pub kind: &'static str,
}

fn median(mut v: Vec<Decimal>) -> Decimal {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => Decimal::ZERO,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO,
    }
}

/// The anomalies of the local days `first..=last` (days since 1970-01-01) in `priced`. The logs
/// are taken to cover the days from the first to the last day any cell falls on (priced or
/// not): baseline days before the first are not counted, and days after the last are not
/// judged (a log that stops is not a drop).
pub fn anomalies(priced: &[PricedCell<'_>], first: i64, last: i64, rule: &Rule) -> Vec<Anomaly> {
    let Some(covered_from) = priced.iter().map(|pc| pc.cell.day as i64).min() else {
        return vec![];
    };
    let covered_to = priced
        .iter()
        .map(|pc| pc.cell.day as i64)
        .max()
        .unwrap_or(covered_from);
    let mut daily: BTreeMap<(&str, &str), BTreeMap<i64, Decimal>> = BTreeMap::new();
    for pc in priced {
        if let Pricing::Priced { cost, .. } = &pc.pricing {
            *daily
                .entry((&*pc.key.provider, &*pc.key.model))
                .or_default()
                .entry(pc.cell.day as i64)
                .or_default() += cost;
        }
    }
    let scale: Decimal = "1.4826".parse().unwrap_or(Decimal::ONE);
    let mut out = Vec::new();
    for ((provider, model), days) in &daily {
        let spend_on = |d: i64| days.get(&d).copied().unwrap_or_default();
        for d in first.max(covered_from)..=last.min(covered_to) {
            let from = (d - rule.baseline_days as i64).max(covered_from);
            let n = (d - from).max(0) as u32;
            if n < rule.min_days.max(1) {
                continue;
            }
            let window: Vec<Decimal> = (from..d).map(spend_on).collect();
            let spend = spend_on(d);
            if spend.is_zero() && window.iter().all(Decimal::is_zero) {
                continue;
            }
            let level = median(window.clone());
            let spread = median(window.iter().map(|v| (*v - level).abs()).collect()) * scale;
            let margin = rule.threshold * spread;
            let kind = if spend - level > margin
                && spend > level * Decimal::TWO
                && spend - level >= rule.min_usd
            {
                "spike"
            } else if level - spend > margin
                && spend * Decimal::TWO < level
                && level - spend >= rule.min_usd
            {
                "drop"
            } else {
                continue;
            };
            out.push(Anomaly {
                day: format_day(d),
                provider: provider.to_string(),
                model: model.to_string(),
                spend,
                baseline: level,
                spread: spread.round_dp(8),
                days: n,
                kind,
            });
        }
    }
    out.sort_by(|a, b| (&a.day, &a.provider, &a.model).cmp(&(&b.day, &b.provider, &b.model)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_none() {
        let d = |v: &[i64]| v.iter().map(|x| Decimal::from(*x)).collect::<Vec<_>>();
        assert_eq!(median(d(&[3, 1, 2])), Decimal::from(2));
        assert_eq!(median(d(&[4, 1, 2, 3])), "2.5".parse::<Decimal>().unwrap());
        assert_eq!(median(vec![]), Decimal::ZERO);
    }
}
