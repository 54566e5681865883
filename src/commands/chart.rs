//! `tokenledger chart`: spend and token charts as PNG or SVG.

use std::collections::BTreeSet;

use super::report::{load_and_aggregate, UsageSettings};
use super::Failure;
use crate::chart::{self, data, ChartData, Kind};
use crate::cli::ChartArgs;
use crate::compare::{self, CompareSettings};
use crate::engine::{self, PricedCell};
use crate::pricing::PriceBook;

/// " (2025-06, UTC)" style suffix for titles.
pub fn period_suffix(s: &UsageSettings) -> String {
    let p = s.period();
    let range = match (&p.from, &p.to) {
        (None, None) => "all dates".to_string(),
        (f, t) => format!(
            "{} to {}",
            f.as_deref().map_or("start", |x| &x[..10]),
            t.as_deref().map_or("end", |x| &x[..10])
        ),
    };
    format!(" ({range}, {})", p.tz)
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
    o: &ChartOptions,
) -> Result<ChartData, Failure> {
    let (by_day, top, targets, suffix) = (o.by_day, o.top, &o.targets, o.suffix.as_str());
    Ok(match kind {
        Kind::SpendByModel => data::spend_by(priced, false, by_day, top, suffix),
        Kind::SpendByProvider => data::spend_by(priced, true, by_day, top, suffix),
        Kind::Daily => data::daily(priced, suffix),
        Kind::Tokens => data::tokens(priced, top, suffix),
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
            let boundaries = book.boundaries();
            let c = compare::compare(
                priced,
                book,
                &boundaries,
                &CompareSettings {
                    targets,
                    at_us: None,
                    substitutes: vec![],
                    by: vec![],
                    engine_dims: vec![],
                },
            )
            .map_err(Failure::Data)?;
            data::compare(&c, suffix)
        }
    })
}

pub fn run(args: ChartArgs) -> anyhow::Result<()> {
    let ChartArgs {
        kind,
        usage,
        output,
        top,
        width,
        height,
        by,
        providers,
    } = args;
    let by_day = match by.as_deref() {
        None | Some("month") => false,
        Some("day") => true,
        Some(other) => {
            return Err(
                Failure::Usage(format!("--by {other:?}: charts group by month or day")).into(),
            )
        }
    };
    if !(200..=8000).contains(&width) || !(150..=8000).contains(&height) {
        return Err(
            Failure::Usage("--width must be 200-8000 and --height 150-8000 pixels".into()).into(),
        );
    }
    let settings = UsageSettings::from_args(usage)?;
    let (book, agg) = load_and_aggregate(&settings, &[])?;
    let boundaries = book.boundaries();
    let priced = engine::price(&agg, &book, &boundaries).map_err(Failure::Data)?;
    let unpriced: u64 = super::report::warn_unpriced_only(&priced);
    let opts = ChartOptions {
        by_day,
        top,
        targets: providers,
        suffix: period_suffix(&settings),
    };
    let mut data = chart_data(kind, &priced, &book, &opts)?;
    if data.is_empty() {
        return Err(Failure::Data("no usage in the period: nothing to chart".into()).into());
    }
    if unpriced > 0 && kind != Kind::Tokens {
        data.notes.push(format!(
            "{unpriced} unpriced requests are not in this chart"
        ));
    }
    chart::write(&output, &data, (width, height))
        .map_err(|e| Failure::Data(format!("{}: {e}", output.display())))?;
    eprintln!("tokenledger: wrote {}", output.display());
    if settings.strict && unpriced > 0 {
        return Err(Failure::Data(format!("--strict: {unpriced} unpriced requests")).into());
    }
    Ok(())
}
