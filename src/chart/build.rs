//! Chart data built from a report (the same `report::build` as the table, so a chart's bars add
//! up to the table's total) or from a comparison: spend per model or provider, daily spend,
//! the token mix, the provider comparison.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::data::{chart_by, day_span, ChartData, ChartOptions, Kind, Mark, Series, Source, OTHER};
use crate::report::compare::{CompareSettings, Comparison};
use crate::report::Report;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Every month from `first` to `last` (inclusive, `YYYY-MM`).
fn month_span(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        Some((m.get(0..4)?.parse().ok()?, m.get(5..7)?.parse().ok()?))
    };
    let (Some((mut y, mut mo)), Some(end)) = (parse(first), parse(last)) else {
        return vec![];
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

/// The continuous run of time buckets a report's rows fall in (dimension 0 is `month` or `day`).
fn buckets(report: &Report, by_day: bool) -> Vec<String> {
    let labels: BTreeSet<&str> = report
        .rows
        .iter()
        .filter_map(|r| r.dims.first()?.as_deref())
        .collect();
    match (labels.first(), labels.last()) {
        (Some(a), Some(b)) if by_day => day_span(a, b),
        (Some(a), Some(b)) => month_span(a, b),
        _ => vec![],
    }
}

/// Stacked spend per period per name, top N names by cost plus "other", from a report by
/// `[month|day, model|provider]` (see [`chart_by`]): each bar is the sum of report rows, so the
/// chart's totals are the table's.
pub fn spend_by(
    report: &Report,
    by_provider: bool,
    by_day: bool,
    top: usize,
    period: &str,
) -> ChartData {
    let categories = buckets(report, by_day);
    let mut totals: BTreeMap<&str, Decimal> = BTreeMap::new();
    for r in &report.rows {
        let name = r.dims.get(1).and_then(|d| d.as_deref()).unwrap_or("");
        *totals.entry(name).or_default() += r.measures.cost_usd;
    }
    let mut ranked: Vec<(&str, Decimal)> =
        totals.into_iter().filter(|(_, c)| !c.is_zero()).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top = top.max(1);
    let keep: Vec<&str> = ranked.iter().take(top).map(|(n, _)| *n).collect();
    let has_other = ranked.len() > top;
    let mut names: Vec<String> = keep.iter().map(|n| n.to_string()).collect();
    if has_other {
        names.push(OTHER.to_string());
    }
    let index: BTreeMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut acc: BTreeMap<(usize, usize), Decimal> = BTreeMap::new();
    for r in &report.rows {
        let (Some(Some(bucket)), name) = (r.dims.first(), r.dims.get(1).and_then(|d| d.as_deref()))
        else {
            continue;
        };
        let Some(&ci) = index.get(bucket.as_str()) else {
            continue;
        };
        if r.measures.cost_usd.is_zero() {
            continue;
        }
        let si = keep
            .iter()
            .position(|k| Some(*k) == name)
            .unwrap_or(names.len() - 1);
        *acc.entry((si, ci)).or_default() += r.measures.cost_usd;
    }
    let mut series: Vec<Series> = names
        .iter()
        .map(|n| Series {
            name: n.clone(),
            values: vec![0.0; categories.len()],
            hatched: false,
        })
        .collect();
    for ((si, ci), c) in acc {
        series[si].values[ci] = f(c);
    }
    // Biggest at the bottom of the stack, "other" on top.
    let what = if by_provider { "provider" } else { "model" };
    ChartData {
        title: format!("Spend by {what}{period}"),
        x_label: if by_day { "day".into() } else { "month".into() },
        y_label: "cost (USD)".into(),
        categories: if ranked.is_empty() {
            vec![]
        } else {
            categories
        },
        series,
        line: None,
        money: true,
        marks: vec![],
        grouped: false,
        reference: None,
        notes: if has_other {
            vec![format!("top {top} {what}s by cost; the rest is \"other\"")]
        } else {
            vec![]
        },
    }
}

/// Daily spend with the running month-to-date total, from a report by `[day]`.
pub fn daily(report: &Report, period: &str) -> ChartData {
    let by_day: BTreeMap<&str, Decimal> = report
        .rows
        .iter()
        .filter(|r| !r.measures.cost_usd.is_zero())
        .filter_map(|r| Some((r.dims.first()?.as_deref()?, r.measures.cost_usd)))
        .collect();
    let days = match (by_day.keys().next(), by_day.keys().next_back()) {
        (Some(a), Some(b)) => day_span(a, b),
        _ => vec![],
    };
    let mut values = Vec::with_capacity(days.len());
    let mut mtd = Vec::with_capacity(days.len());
    let mut running = Decimal::ZERO;
    let mut month = "";
    for d in &days {
        if d[..7] != *month {
            month = &d[..7];
            running = Decimal::ZERO;
        }
        let c = by_day.get(d.as_str()).copied().unwrap_or_default();
        running += c;
        values.push(f(c));
        mtd.push(f(running));
    }
    ChartData {
        title: format!("Daily spend{period}"),
        x_label: "day".into(),
        y_label: "cost (USD)".into(),
        categories: days,
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
        grouped: false,
        reference: None,
    }
}

/// Token mix per model (top N by tokens), from a report by `[provider, model]` (labelled
/// `provider/model`; any dimensions work, joined with `/`).
pub fn tokens(report: &Report, top: usize, period: &str) -> ChartData {
    let mut ranked: Vec<(String, [u64; 4])> = report
        .rows
        .iter()
        .map(|r| {
            let m = &r.measures;
            let uncached = m
                .input_tokens
                .saturating_sub(m.cache_read_tokens)
                .saturating_sub(m.cache_write_tokens);
            let name = r
                .dims
                .iter()
                .map(|d| d.as_deref().unwrap_or("-"))
                .collect::<Vec<_>>()
                .join("/");
            (
                name,
                [
                    uncached,
                    m.cache_read_tokens,
                    m.cache_write_tokens,
                    m.output_tokens,
                ],
            )
        })
        .filter(|(_, v)| v.iter().any(|&t| t > 0))
        .collect();
    ranked.sort_by(|a, b| {
        let (ta, tb) = (
            a.1.iter().map(|&t| t as u128).sum::<u128>(),
            b.1.iter().map(|&t| t as u128).sum::<u128>(),
        );
        tb.cmp(&ta).then(a.0.cmp(&b.0))
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
        categories: ranked.iter().map(|(m, _)| m.to_string()).collect(),
        series,
        line: None,
        money: false,
        marks: vec![],
        grouped: false,
        reference: None,
        notes: if extra > 0 {
            vec![format!(
                "top {top} models by tokens; {extra} more not shown"
            )]
        } else {
            vec![]
        },
    }
}

/// The same usage on each provider, per canonical model and the provider it ran on: one bar
/// per provider that offers all of it (side by side), a dash at what it actually cost, and the
/// best saving above each group. Only comparable usage is drawn: a provider that offers part
/// of a group's usage gets no bar for it. From a comparison by `[canonical_model]`.
pub fn compare(c: &Comparison, top: usize, period: &str) -> ChartData {
    let top = top.max(1);
    let shown: Vec<&crate::report::compare::CompareGroup> = c
        .groups
        .iter()
        .filter(|g| {
            g.targets
                .values()
                .any(|t| t.fully_offered() && t.any_offered())
        })
        .take(top)
        .collect();
    let hidden = c.groups.len() - shown.len();
    let categories: Vec<String> = shown
        .iter()
        .map(|g| {
            let model = g
                .dims
                .first()
                .cloned()
                .flatten()
                .unwrap_or_else(|| "-".into());
            format!("{model} @ {}", g.actual_provider)
        })
        .collect();
    let series: Vec<Series> = c
        .targets
        .iter()
        .filter_map(|t| {
            let values: Vec<f64> = shown
                .iter()
                .map(|g| match g.targets.get(t) {
                    Some(tc) if tc.fully_offered() && tc.any_offered() => f(tc.target_cost),
                    _ => 0.0,
                })
                .collect();
            values.iter().any(|v| *v > 0.0).then(|| Series {
                name: t.clone(),
                values,
                hatched: false,
            })
        })
        .collect();
    let marks = shown
        .iter()
        .enumerate()
        .map(|(i, g)| match g.cheapest() {
            Some((p, cost)) if p != g.actual_provider && !g.actual_cost.is_zero() => {
                let pct = (g.actual_cost - cost) / g.actual_cost * Decimal::from(100);
                Mark {
                    at: i,
                    text: format!("{p} -{}%", pct.round_dp(0)),
                    series: series.iter().position(|s| s.name == p),
                    first: true,
                }
            }
            _ => Mark {
                at: i,
                text: "lowest here".to_string(),
                series: series.iter().position(|s| s.name == g.actual_provider),
                first: false,
            },
        })
        .collect();
    let mut notes = vec![
        "bars: the same usage priced on each provider that offers all of it; dash: its actual cost; above: the biggest saving"
            .to_string(),
    ];
    if hidden > 0 {
        notes.push(format!(
            "{hidden} more groups not shown (see `tokenledger compare`)"
        ));
    }
    ChartData {
        title: format!(
            "The same usage on each provider{period}{}",
            if c.estimate { " (ESTIMATE)" } else { "" }
        ),
        x_label: "model @ provider it ran on".into(),
        y_label: "cost (USD)".into(),
        categories,
        series,
        line: None,
        money: true,
        marks,
        notes,
        grouped: true,
        reference: Some(Series {
            name: "actual cost".into(),
            values: shown.iter().map(|g| f(g.actual_cost)).collect(),
            hatched: false,
        }),
    }
}

/// Builds one chart's data.
pub fn chart_data(
    kind: Kind,
    src: &Source<'_>,
    o: &ChartOptions,
) -> Result<ChartData, crate::engine::PriceError> {
    let (by_day, top, suffix) = (o.by_day, o.top, o.suffix.as_str());
    let report = || src.report(kind, by_day, o.canonical);
    Ok(match kind {
        Kind::SpendByModel => spend_by(&report(), false, by_day, top, suffix),
        Kind::SpendByProvider => spend_by(&report(), true, by_day, top, suffix),
        Kind::Daily => daily(&report(), suffix),
        Kind::Tokens => tokens(&report(), top, suffix),
        // Drawn from a reconciliation (`super::reconcile::chart`); without a bill, nothing.
        Kind::Reconcile => super::reconcile::chart(None, suffix),
        Kind::Compare => {
            let targets: Vec<String> = if o.targets.is_empty() {
                src.book
                    .rows()
                    .iter()
                    .map(|r| r.provider.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            } else {
                o.targets.clone()
            };
            let c = crate::report::compare::compare(
                src.priced,
                src.book,
                &src.agg.epochs,
                &CompareSettings {
                    only_offering: o.targets.is_empty(),
                    targets,
                    at_us: None,
                    substitutes: vec![],
                    by: chart_by(kind, by_day, false),
                    engine_dims: src.engine_dims.to_vec(),
                },
            )?;
            compare(&c, top, suffix)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{measures, report, row};

    fn by_month_model() -> Report {
        report(
            &["month", "model"],
            vec![
                row(&["2026-08", "a"], measures(1, 10, 0, 1, "1.25")),
                row(&["2026-08", "b"], measures(1, 10, 0, 1, "0.5")),
                row(&["2026-08", "c"], measures(1, 10, 0, 1, "0.125")),
                // September has no usage: it shows as an empty month.
                row(&["2026-10", "a"], measures(1, 10, 0, 1, "2")),
                row(&["2026-10", "c"], measures(1, 10, 0, 1, "0.25")),
                // Unpriced (cost 0): no series of its own.
                row(&["2026-10", "d"], measures(1, 10, 0, 1, "0")),
            ],
        )
    }

    #[test]
    fn spend_bars_are_the_report_rows() {
        let c = spend_by(&by_month_model(), false, false, 2, "");
        assert_eq!(c.categories, ["2026-08", "2026-09", "2026-10"]);
        let names: Vec<&str> = c.series.iter().map(|s| s.name.as_str()).collect();
        // Ranked by total cost: a 3.25, c 0.375, b 0.5 -> a, b, then "other" (c).
        assert_eq!(names, ["a", "b", OTHER]);
        assert_eq!(c.series[0].values, [1.25, 0.0, 2.0]);
        assert_eq!(c.series[1].values, [0.5, 0.0, 0.0]);
        assert_eq!(c.series[2].values, [0.125, 0.0, 0.25]);
        // The bars add up to the report's total.
        let sum: f64 = c.series.iter().flat_map(|s| s.values.iter()).sum();
        assert_eq!(sum, 4.125);
        assert_eq!(c.notes, ["top 2 models by cost; the rest is \"other\""]);
    }

    #[test]
    fn spend_with_every_name_shown_has_no_other() {
        let c = spend_by(&by_month_model(), false, false, 10, "");
        assert_eq!(c.series.len(), 3);
        assert!(c.notes.is_empty());
    }

    #[test]
    fn nothing_priced_is_nothing_to_chart() {
        let r = report(
            &["month", "model"],
            vec![row(&["2026-10", "d"], measures(5, 10, 0, 1, "0"))],
        );
        assert!(spend_by(&r, false, false, 10, "").is_empty());
        let r = report(
            &["day"],
            vec![row(&["2026-10-01"], measures(5, 10, 0, 1, "0"))],
        );
        assert!(daily(&r, "").is_empty());
    }

    #[test]
    fn daily_fills_gaps_and_restarts_month_to_date() {
        let r = report(
            &["day"],
            vec![
                row(&["2026-09-29"], measures(1, 1, 0, 1, "1")),
                row(&["2026-10-01"], measures(1, 1, 0, 1, "2")),
                row(&["2026-10-02"], measures(1, 1, 0, 1, "0.5")),
            ],
        );
        let c = daily(&r, "");
        assert_eq!(
            c.categories,
            ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"]
        );
        assert_eq!(c.series[0].values, [1.0, 0.0, 2.0, 0.5]);
        assert_eq!(
            c.line.as_ref().map(|l| l.values.clone()),
            Some(vec![1.0, 1.0, 2.0, 2.5])
        );
    }

    #[test]
    fn token_mix_splits_input_and_ranks_models() {
        let mut big = measures(1, 1_000, 600, 50, "1");
        big.cache_write_tokens = 100;
        let r = report(
            &["model"],
            vec![
                row(&["small"], measures(1, 10, 0, 5, "0")),
                row(&["big"], big),
                row(&["none"], measures(1, 0, 0, 0, "0")),
            ],
        );
        let c = tokens(&r, 1, "");
        assert_eq!(c.categories, ["big"]);
        let v: Vec<f64> = c.series.iter().map(|s| s.values[0]).collect();
        assert_eq!(v, [300.0, 600.0, 100.0, 50.0]);
        assert_eq!(c.notes, ["top 1 models by tokens; 1 more not shown"]);
    }

    #[test]
    fn long_spans_are_bounded() {
        assert_eq!(day_span("2026-01-01", "2025-01-01"), Vec::<String>::new());
        assert_eq!(month_span("2025-11", "2026-02").len(), 4);
        assert_eq!(day_span("0001-01-01", "9999-12-31").len(), 40_000);
        assert!(month_span("x", "2026-01").is_empty());
    }
}
