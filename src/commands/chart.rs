//! `tokenledger chart`: spend and token charts as PNG or SVG.

use super::aggregate::aggregate;
use super::messages;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::chart::chart_data;
use crate::chart::data::{ChartOptions, Source};
use crate::chart::{self, Kind};
use crate::cli::ChartArgs;
use crate::engine;

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
        bill,
        bill_format,
    } = args;
    let (mut time, mut naming) = (None, None);
    for b in &by {
        let slot = match b.as_str() {
            "month" | "day" => &mut time,
            "model" | "canonical_model" => &mut naming,
            other => {
                return Err(UsageError::Message(format!(
                    "--by {other:?}: charts group by month or day, and name models by model or \
                     canonical_model"
                ))
                .into())
            }
        };
        if slot.replace(b.as_str()).is_some() {
            return Err(UsageError::Message(format!(
                "--by {}: name one time bucket and one model naming at most",
                by.join(",")
            ))
            .into());
        }
    }
    let canonical = match naming {
        Some(n) => n == "canonical_model",
        None => kind == Kind::SpendByModel,
    };
    if !(200..=8000).contains(&width) || !(150..=8000).contains(&height) {
        return Err(UsageError::Message(
            "--width must be 200-8000 and --height 150-8000 pixels".into(),
        )
        .into());
    }
    if chart::ImageFormat::of(&output).is_none() {
        return Err(UsageError::Message(format!(
            "--output {}: a chart file must end in .png or .svg",
            output.display()
        ))
        .into());
    }
    let settings = UsageSettings::from_args(usage)?;
    // One month or less is drawn by day (one bar per month would be one bar), as the page
    // and --out-dir draw it.
    let by_day = time == Some("day")
        || (time.is_none()
            && settings
                .from_us
                .zip(settings.to_us)
                .is_some_and(|(f, t)| t - f <= 31 * crate::usage::MICROS_PER_DAY));
    if kind == Kind::Reconcile || !bill.is_empty() {
        if kind != Kind::Reconcile || bill.is_empty() {
            return Err(UsageError::Message(
                "--bill goes with the reconcile chart, and the reconcile chart needs --bill".into(),
            )
            .into());
        }
        let (rec, _) = super::reconcile::reconciled(settings, &bill, bill_format, &[])?;
        let suffix = chart::reconcile::title_suffix(&rec.period);
        let data = chart::reconcile::chart(Some(&rec), &suffix);
        if data.is_empty() {
            return Err(DataError(
                "no usage and no bill line in the period: nothing to chart".into(),
            )
            .into());
        }
        chart::write(&output, &data, (width, height))
            .map_err(|e| DataError(format!("{}: {e}", output.display())))?;
        messages::info(format_args!("wrote {}", output.display()));
        return Ok(());
    }
    let (book, agg) = aggregate(&settings, &Job::default())?;
    let priced = engine::price(&agg, &book)?;
    let unpriced: u64 = messages::unpriced_cells(&priced);
    let opts = ChartOptions {
        by_day,
        canonical,
        top,
        targets: providers,
        suffix: settings.title_suffix(),
    };
    let source = Source {
        agg: &agg,
        priced: &priced,
        book: &book,
        engine_dims: &[],
        period: settings.period(),
    };
    let mut data = chart_data(kind, &source, &opts)?;
    if data.is_empty() {
        let what = if unpriced > 0 {
            format!(
                "no priced usage in the period ({})",
                crate::money::count_of(unpriced, "unpriced request")
            )
        } else {
            "no usage in the period".to_string()
        };
        return Err(DataError(format!("{what}: nothing to chart")).into());
    }
    if unpriced > 0 && kind != Kind::Tokens {
        data.notes.push(format!(
            "{} not in this chart",
            crate::money::count_of(unpriced, "unpriced request")
        ));
    }
    chart::write(&output, &data, (width, height))
        .map_err(|e| DataError(format!("{}: {e}", output.display())))?;
    messages::info(format_args!("wrote {}", output.display()));
    if settings.strict && unpriced > 0 {
        return Err(DataError(format!(
            "--strict: {}",
            crate::money::count_of(unpriced, "unpriced request")
        ))
        .into());
    }
    Ok(())
}
