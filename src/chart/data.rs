//! What a chart shows, read off the rows of a report (exact decimals until here; f64 from here
//! on, for pixels only).

use crate::engine::{Aggregates, PricedCell};
use crate::pricing::PriceBook;
use crate::report::{self, dims, Period, Report, CANONICAL_MODEL};
use crate::usage::col;

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
    /// Computed from the logs vs billed, per day (needs --bill).
    Reconcile,
}

impl Kind {
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::SpendByModel => "spend-by-model",
            Kind::SpendByProvider => "spend-by-provider",
            Kind::Daily => "daily",
            Kind::Compare => "compare",
            Kind::Tokens => "tokens",
            Kind::Reconcile => "reconcile",
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

impl ChartData {
    /// This chart with every text made safe the way every other output makes it: control
    /// and bidirectional characters replaced (an SVG with a C0 control is not even valid XML),
    /// credential-shaped words fingerprinted.
    pub fn sanitized(&self) -> ChartData {
        let t = |s: &str| crate::text::redact_secrets(&crate::text::printable(s)).into_owned();
        let series = |v: &Series| Series {
            name: t(&v.name),
            ..v.clone()
        };
        ChartData {
            title: t(&self.title),
            x_label: t(&self.x_label),
            y_label: t(&self.y_label),
            categories: self.categories.iter().map(|c| t(c)).collect(),
            series: self.series.iter().map(series).collect(),
            line: self.line.as_ref().map(series),
            marks: self
                .marks
                .iter()
                .map(|m| Mark {
                    text: t(&m.text),
                    ..m.clone()
                })
                .collect(),
            notes: self.notes.iter().map(|n| t(n)).collect(),
            ..self.clone()
        }
    }
}

/// A text above a category's bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The category's index.
    pub at: usize,
    pub text: String,
    /// In a grouped chart, the series whose bar the text names (drawn above that bar; else
    /// centred on the category).
    pub series: Option<usize>,
    /// Placed before the other marks when room is short (the others may be left out).
    pub first: bool,
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
    /// Text above some bars.
    pub marks: Vec<Mark>,
    /// Footnotes.
    pub notes: Vec<String>,
    /// Series side by side within a category (each bar on its own) instead of stacked; a
    /// category shows only its non-zero bars.
    pub grouped: bool,
    /// A reference value per category, drawn as a dash across the category (e.g. the actual
    /// cost the bars compare with).
    pub reference: Option<Series>,
}

impl ChartData {
    pub fn stack_max(&self) -> f64 {
        if self.grouped {
            return self
                .series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .chain(self.reference.iter().flat_map(|r| r.values.iter().copied()))
                .fold(0.0, f64::max);
        }
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

/// The dimensions of the report a chart is drawn from.
/// With `canonical`, a chart "per model" (spend by model, token mix) names models by their
/// canonical name, so one model sold by several providers is one series.
pub fn chart_by(kind: Kind, by_day: bool, canonical: bool) -> Vec<String> {
    let time = if by_day { dims::DAY } else { dims::MONTH };
    let v: &[&str] = match kind {
        Kind::SpendByModel if canonical => &[time, CANONICAL_MODEL],
        Kind::SpendByModel => &[time, col::MODEL],
        Kind::SpendByProvider => &[time, col::PROVIDER],
        Kind::Daily | Kind::Reconcile => &[dims::DAY],
        Kind::Tokens if canonical => &[CANONICAL_MODEL],
        Kind::Tokens => &[col::PROVIDER, col::MODEL],
        Kind::Compare => &[CANONICAL_MODEL],
    };
    v.iter().map(|s| s.to_string()).collect()
}

/// How a chart is cut.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    /// Bars per day instead of per month.
    pub by_day: bool,
    /// Models named by their canonical name (see [`chart_by`]).
    pub canonical: bool,
    /// Series with their own colour.
    pub top: usize,
    /// Providers of the compare chart (empty: every provider in the book).
    pub targets: Vec<String>,
    /// Title suffix naming the period.
    pub suffix: String,
}

/// The priced usage a chart is drawn from.
pub struct Source<'a> {
    pub agg: &'a Aggregates,
    pub priced: &'a [PricedCell<'a>],
    pub book: &'a PriceBook,
    /// The dimensions the engine grouped by.
    pub engine_dims: &'a [String],
    pub period: Period,
}

impl Source<'_> {
    /// The report a chart of `kind` is drawn from: the same [`report::build`] as the table.
    pub fn report(&self, kind: Kind, by_day: bool, canonical: bool) -> Report {
        report::build(
            &chart_by(kind, by_day, canonical),
            self.engine_dims,
            self.agg,
            self.priced,
            self.period.clone(),
            vec![],
        )
    }
}

/// Every day from `first` to `last` (inclusive, `YYYY-MM-DD`), so gaps show as empty days.
pub fn day_span(first: &str, last: &str) -> Vec<String> {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let (Some(mut d), Some(end)) = (parse(first), parse(last)) else {
        return vec![];
    };
    let mut out = Vec::new();
    while d <= end && out.len() < 40_000 {
        out.push(d.format("%Y-%m-%d").to_string());
        let Some(next) = d.succ_opt() else { break };
        d = next;
    }
    out
}
