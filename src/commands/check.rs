//! `tokenledger check --budget ...`: the month's spend against budgets, and the projection.

use super::aggregate::aggregate;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::cli::CheckArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report::budget::{self, Budget};

pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let CheckArgs {
        usage,
        budget: texts,
        format,
        output,
        now,
    } = args;
    let format = Format::from(crate::cli::output_format(
        format,
        output.as_deref(),
        crate::cli::TableFormat::Table,
    ));
    let budgets = texts
        .iter()
        .map(|t| Budget::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(UsageError::flag("--budget"))?;
    let now_us = match now {
        Some(n) => crate::pricing::parse_effective_from(&n).map_err(UsageError::flag("--now"))?,
        None => chrono::Utc::now().timestamp_micros(),
    };
    let mut settings = UsageSettings::from_args(usage)?;
    // Without a period, the month of "now" in --tz: budgets are monthly.
    if settings.from_us.is_none() && settings.to_us.is_none() {
        let month = chrono::DateTime::from_timestamp_micros(now_us)
            .map(|t| t.with_timezone(&settings.tz).format("%Y-%m").to_string())
            .unwrap_or_default();
        let (from, to) = crate::time::month_range(&settings.tz, &month)?;
        settings.from_us = Some(from);
        settings.to_us = Some(to);
        settings.month = Some(month);
    }
    let dims: Vec<String> = budgets
        .iter()
        .filter_map(|b| b.scope.as_ref().map(|(d, _)| d.clone()))
        .collect();
    let job = Job {
        dims: super::dims::engine_dims(&dims),
        ..Job::default()
    };
    let (book, agg) = aggregate(&settings, &job)?;
    let priced = engine::price(&agg, &book)?;
    let statuses = budget::check(
        &budgets,
        &priced,
        &agg.dims,
        &settings.tz,
        now_us,
        (settings.from_us, settings.to_us),
    );
    let mut w = Output::open(output.as_ref())?;
    render::budget::render(&statuses, &settings.period(), format, &mut w)?;
    w.commit()?;
    let crossed: Vec<&str> = statuses
        .iter()
        .filter(|s| s.state != "ok")
        .map(|s| s.budget.text.as_str())
        .collect();
    if !crossed.is_empty() {
        return Err(DataError(format!(
            "over budget or projected to be: {}",
            crossed.join(", ")
        ))
        .into());
    }
    Ok(())
}
