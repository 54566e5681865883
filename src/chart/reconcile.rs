//! `chart reconcile`: per day, the cost computed from the logs beside what the bill says for
//! token usage, and a footnote with the totals, the charges that are not tokens and what is
//! unexplained.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::data::{day_span, ChartData, Series};
use crate::report::reconcile::Reconciliation;

fn f(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// " (2026-10-01 to 2026-10-31, UTC)": a chart title's period, in local days.
pub fn title_suffix(p: &crate::report::Period) -> String {
    format!(" ({})", p.days_label())
}

/// The chart of `rec` as an SVG document for a page (none when there is nothing to draw).
pub fn svg(rec: &Reconciliation) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let data = chart(Some(rec), &title_suffix(&rec.period));
    if data.is_empty() {
        return Ok(None);
    }
    super::svg_string(&data, (1100, 560)).map(Some)
}

/// The chart of `rec` (empty without one).
pub fn chart(rec: Option<&Reconciliation>, period: &str) -> ChartData {
    let mut computed: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut billed: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut notes = Vec::new();
    if let Some(rec) = rec {
        for r in &rec.rows {
            *computed.entry(&r.day).or_default() += r.computed_cost.unwrap_or_default();
            *billed.entry(&r.day).or_default() += r.billed_cost;
        }
        let t = &rec.totals;
        let other: Decimal = rec.other_charges.iter().map(|o| o.cost).sum();
        notes.push(format!(
            "billed {} (token usage {}, other charges and credits {}); computed from the logs {}; unexplained {}",
            crate::money::cents(t.billed_cost),
            crate::money::cents(t.billed_cost - other),
            crate::money::cents(other),
            crate::money::cents(t.computed_cost),
            crate::money::cents(t.unexplained)
        ));
    }
    let first = computed.keys().chain(billed.keys()).min().copied();
    let last = computed.keys().chain(billed.keys()).max().copied();
    let days = match (first, last) {
        (Some(a), Some(b)) => day_span(a, b),
        _ => vec![],
    };
    let values = |m: &BTreeMap<&str, Decimal>| -> Vec<f64> {
        days.iter()
            .map(|d| f(m.get(d.as_str()).copied().unwrap_or_default()))
            .collect()
    };
    ChartData {
        title: format!("Computed vs billed{period}"),
        x_label: "day".into(),
        y_label: "cost (USD)".into(),
        series: vec![
            Series {
                name: "computed from the logs".into(),
                values: values(&computed),
                hatched: false,
            },
            Series {
                name: "billed (token usage)".into(),
                values: values(&billed),
                hatched: false,
            },
        ],
        categories: days,
        line: None,
        money: true,
        marks: vec![],
        notes,
        grouped: true,
        reference: None,
    }
}
