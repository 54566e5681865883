//! What a chart shows, computed from priced usage (exact decimals until here; f64 from here on,
//! for pixels only).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::engine::{Epochs, PricedCell, Pricing};
use crate::pricing::PriceBook;
use crate::report::compare::{CompareSettings, Comparison};
use crate::usage::format_day;

/// The series that collects everything beyond the top N.
pub const OTHER: &str = "other";

/// Chart kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Stacked cost per month (or day) per model: the top N and "other".
    SpendByModel,
    /// The same per provider.
    SpendByProvider,
    /// Daily spend with the month-to-date running total.
    Daily,
    /// The period's usage re-priced on each provider.
    Compare,
    /// Token mix (uncached input, cache read, cache write, output) per model.
    Tokens,
}

impl Kind {
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::SpendByModel => "spend-by-model",
            Kind::SpendByProvider => "spend-by-provider",
            Kind::Daily => "daily",
            Kind::Compare => "compare",
            Kind::Tokens => "tokens",
        }
    }
}

/// One named series of values, one per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    /// Drawn lighter (e.g. usage kept at its actual cost).
    pub hatched: bool,
}

/// Everything needed to draw a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub categories: Vec<String>,
    /// Stacked bars, bottom first.
    pub series: Vec<Series>,
    /// An optional line over the bars.
    pub line: Option<Series>,
    /// Values are USD (else token counts).
    pub money: bool,
    /// Text above some bars: (category index, text).
    pub marks: Vec<(usize, String)>,
    /// Footnotes.
    pub notes: Vec<String>,
}

impl ChartData {
    pub fn stack_max(&self) -> f64 {
        (0..self.categories.len())
            .map(|i| {
                self.series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    }
    pub fn line_max(&self) -> f64 {
        self.line
            .as_ref()
            .map_or(0.0, |l| l.values.iter().copied().fold(0.0, f64::max))
    }
    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// All days from the first to the last (inclusive), so gaps show as empty days.
fn day_range(days: &BTreeSet<i32>) -> Vec<i32> {
    match (days.first(), days.last()) {
        (Some(&a), Some(&b)) => (a..=b).collect(),
        _ => vec![],
    }
}

fn month_range(months: &BTreeSet<String>) -> Vec<String> {
    let (Some(a), Some(b)) = (months.first(), months.last()) else {
        return vec![];
    };
    let parse = |m: &str| -> Option<(i32, u32)> {
        Some((m.get(0..4)?.parse().ok()?, m.get(5..7)?.parse().ok()?))
    };
    let (Some((mut y, mut mo)), Some(end)) = (parse(a), parse(b)) else {
        return months.iter().cloned().collect();
    };
    let mut out = Vec::new();
    while (y, mo) <= end && out.len() < 1200 {
        out.push(format!("{y:04}-{mo:02}"));
        mo += 1;
        if mo > 12 {
            mo = 1;
            y += 1;
        }
    }
    out
}

/// Stacked spend per period per name (model or provider), top N names by cost plus "other".
pub fn spend_by(
    priced: &[PricedCell<'_>],
    by_provider: bool,
    by_day: bool,
    top: usize,
    period: &str,
) -> ChartData {
    let mut cost: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut days = BTreeSet::new();
    let mut months = BTreeSet::new();
    for pc in priced {
        let Pricing::Priced { cost: c, .. } = &pc.pricing else {
            continue;
        };
        let name = if by_provider {
            pc.key.provider.clone()
        } else {
            pc.key.model.clone()
        };
        let day = format_day(pc.cell.day as i64);
        days.insert(pc.cell.day);
        months.insert(day[..7].to_string());
        let bucket = if by_day { day } else { day[..7].to_string() };
        *cost.entry((bucket, name.clone())).or_default() += *c;
        *totals.entry(name).or_default() += *c;
    }
    let categories: Vec<String> = if by_day {
        day_range(&days)
            .into_iter()
            .map(|d| format_day(d as i64))
            .collect()
    } else {
        month_range(&months)
    };
    let mut ranked: Vec<(String, Decimal)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let top = top.max(1);
    let keep: Vec<String> = ranked.iter().take(top).map(|(n, _)| n.clone()).collect();
    let has_other = ranked.len() > top;
    let mut names: Vec<String> = keep.clone();
    if has_other {
        names.push(OTHER.to_string());
    }
    let index: BTreeMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut series: Vec<Series> = names
        .iter()
        .map(|n| Series {
            name: n.clone(),
            values: vec![0.0; categories.len()],
            hatched: false,
        })
        .collect();
    let mut acc: BTreeMap<(usize, usize), Decimal> = BTreeMap::new();
    for ((bucket, name), c) in &cost {
        let Some(&ci) = index.get(bucket.as_str()) else {
            continue;
        };
        let si = keep
            .iter()
            .position(|k| k == name)
            .unwrap_or(names.len() - 1);
        *acc.entry((si, ci)).or_default() += *c;
    }
    for ((si, ci), c) in acc {
        series[si].values[ci] = f(c);
    }
    // Biggest at the bottom of the stack, "other" on top.
    let what = if by_provider { "provider" } else { "model" };
    ChartData {
        title: format!("Spend by {what}{period}"),
        x_label: if by_day { "day".into() } else { "month".into() },
        y_label: "cost (USD)".into(),
        categories,
        series,
        line: None,
        money: true,
        marks: vec![],
        notes: if has_other {
            vec![format!("top {top} {what}s by cost; the rest is \"other\"")]
        } else {
            vec![]
        },
    }
}

/// Daily spend with the running month-to-date total.
pub fn daily(priced: &[PricedCell<'_>], period: &str) -> ChartData {
    let mut by_day: BTreeMap<i32, Decimal> = BTreeMap::new();
    for pc in priced {
        if let Pricing::Priced { cost, .. } = &pc.pricing {
            *by_day.entry(pc.cell.day).or_default() += *cost;
        }
    }
    let days = day_range(&by_day.keys().copied().collect());
    let mut values = Vec::with_capacity(days.len());
    let mut mtd = Vec::with_capacity(days.len());
    let mut running = Decimal::ZERO;
    let mut month = String::new();
    for d in &days {
        let text = format_day(*d as i64);
        if text[..7] != month {
            month = text[..7].to_string();
            running = Decimal::ZERO;
        }
        let c = by_day.get(d).copied().unwrap_or_default();
        running += c;
        values.push(f(c));
        mtd.push(f(running));
    }
    ChartData {
        title: format!("Daily spend{period}"),
        x_label: "day".into(),
        y_label: "cost (USD)".into(),
        categories: days.iter().map(|d| format_day(*d as i64)).collect(),
        series: vec![Series {
            name: "daily spend".into(),
            values,
            hatched: false,
        }],
        line: Some(Series {
            name: "month to date".into(),
            values: mtd,
            hatched: false,
        }),
        money: true,
        marks: vec![],
        notes: vec![],
    }
}

/// Token mix per model (top N by tokens).
pub fn tokens(priced: &[PricedCell<'_>], top: usize, period: &str) -> ChartData {
    let mut per: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for pc in priced {
        let s = &pc.cell.sums;
        let e = per.entry(pc.key.model.clone()).or_default();
        e[0] += s.uncached_input();
        e[1] += s.cache_read_tokens;
        e[2] += s.cache_write_tokens;
        e[3] += s.output_tokens;
    }
    let mut ranked: Vec<(String, [u64; 4])> = per.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.iter()
            .sum::<u64>()
            .cmp(&a.1.iter().sum::<u64>())
            .then(a.0.cmp(&b.0))
    });
    let top = top.max(1);
    let extra = ranked.len().saturating_sub(top);
    ranked.truncate(top);
    let names = ["uncached input", "cache read", "cache write", "output"];
    let series = names
        .iter()
        .enumerate()
        .map(|(k, n)| Series {
            name: n.to_string(),
            values: ranked.iter().map(|(_, v)| v[k] as f64).collect(),
            hatched: false,
        })
        .collect();
    ChartData {
        title: format!("Token mix by model{period}"),
        x_label: "model".into(),
        y_label: "tokens".into(),
        categories: ranked.iter().map(|(m, _)| m.clone()).collect(),
        series,
        line: None,
        money: false,
        marks: vec![],
        notes: if extra > 0 {
            vec![format!(
                "top {top} models by tokens; {extra} more not shown"
            )]
        } else {
            vec![]
        },
    }
}

/// The period's usage re-priced on each provider: per provider, the cost of the usage it offers
/// (at its prices) stacked under the usage it does not offer (kept at its actual cost, drawn
/// light), against the actual spend.
pub fn compare(c: &Comparison, period: &str) -> ChartData {
    let actual: BTreeSet<&str> = c
        .groups
        .iter()
        .map(|g| g.actual_provider.as_str())
        .collect();
    let repriced: Vec<f64> = c
        .targets
        .iter()
        .map(|t| f(c.totals[t].target_cost))
        .collect();
    let kept: Vec<f64> = c
        .targets
        .iter()
        .map(|t| f(c.totals[t].not_offered_actual_cost))
        .collect();
    let marks = c
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| actual.contains(t.as_str()))
        .map(|(i, _)| (i, "actual".to_string()))
        .collect();
    ChartData {
        title: format!(
            "The same usage on each provider{period}{}",
            if c.estimate { " (ESTIMATE)" } else { "" }
        ),
        x_label: "provider".into(),
        y_label: "cost (USD)".into(),
        categories: c.targets.clone(),
        series: vec![
            Series {
                name: "re-priced on this provider".into(),
                values: repriced,
                hatched: false,
            },
            Series {
                name: "not offered there (at actual cost)".into(),
                values: kept,
                hatched: true,
            },
        ],
        line: Some(Series {
            name: "actual spend".into(),
            values: vec![f(c.actual_cost); c.targets.len()],
            hatched: false,
        }),
        money: true,
        marks,
        notes: vec!["\"actual\" marks the providers that served the usage".into()],
    }
}

/// How a chart is cut.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    /// Bars per day instead of per month.
    pub by_day: bool,
    /// Series with their own colour.
    pub top: usize,
    /// Providers of the compare chart (empty: every provider in the book).
    pub targets: Vec<String>,
    /// Title suffix naming the period.
    pub suffix: String,
}

/// Builds one chart's data.
pub fn chart_data(
    kind: Kind,
    priced: &[PricedCell<'_>],
    book: &PriceBook,
    epochs: &Epochs,
    o: &ChartOptions,
) -> Result<ChartData, crate::engine::PriceError> {
    let (by_day, top, targets, suffix) = (o.by_day, o.top, &o.targets, o.suffix.as_str());
    Ok(match kind {
        Kind::SpendByModel => spend_by(priced, false, by_day, top, suffix),
        Kind::SpendByProvider => spend_by(priced, true, by_day, top, suffix),
        Kind::Daily => daily(priced, suffix),
        Kind::Tokens => tokens(priced, top, suffix),
        Kind::Compare => {
            let targets: Vec<String> = if targets.is_empty() {
                book.rows()
                    .iter()
                    .map(|r| r.provider.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            } else {
                targets.to_vec()
            };
            let c = crate::report::compare::compare(
                priced,
                book,
                epochs,
                &CompareSettings {
                    targets,
                    at_us: None,
                    substitutes: vec![],
                    by: vec![],
                    engine_dims: vec![],
                },
            )?;
            compare(&c, suffix)
        }
    })
}
