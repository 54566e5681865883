//! `tokenledger check --budget ... --anomaly`: the month's spend against budgets and the
//! projection, and days whose spend departs from its rolling baseline.

use super::aggregate::aggregate;
use super::messages;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::cli::CheckArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report::anomaly;
use crate::report::budget::{self, Budget};

/// The `--budget` flags, read.
/// A budget scoped to a provider the book does not know is a usage error (it would never be
/// spent: `provider=bedrock` for `aws-bedrock`).
pub fn budget_providers(
    book: &crate::pricing::PriceBook,
    budgets: &[Budget],
) -> anyhow::Result<()> {
    for b in budgets {
        if let Some((dim, value)) = &b.scope {
            if dim == crate::pricing::col::PROVIDER {
                super::values::check_provider(book, &format!("--budget {}", b.text), value)?;
            }
        }
    }
    Ok(())
}

pub fn budgets(texts: &[String]) -> Result<Vec<Budget>, UsageError> {
    texts
        .iter()
        .map(|t| Budget::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(UsageError::flag("--budget"))
}

pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let CheckArgs {
        usage,
        budget: texts,
        anomaly,
        baseline_days,
        anomaly_min,
        format,
        output,
        now,
    } = args;
    let rule = anomaly::Rule {
        baseline_days,
        min_usd: budget::parse_usd(&anomaly_min)
            .filter(|d| !d.is_sign_negative())
            .ok_or_else(|| {
                UsageError::Message(format!(
                    "--anomaly-min {anomaly_min:?}: expected an amount in USD, e.g. 1 or 0.50"
                ))
            })?,
        ..anomaly::Rule::default()
    };
    let format = Format::from(crate::cli::output_format(
        format,
        output.as_deref(),
        crate::cli::TableFormat::Table,
    ));
    let budgets = budgets(&texts)?;
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
        flags: dims.iter().map(|d| (d.clone(), "--budget")).collect(),
        dims: super::dims::engine_dims(&dims),
        ..Job::default()
    };
    let period = settings.period();
    let bounds = (settings.from_us, settings.to_us);
    let day_of = |us: i64| crate::time::local_day(&settings.tz, us);
    let first_day = bounds.0.and_then(day_of);
    // The anomaly baseline is read from the days before the period (one more for a change of
    // the clocks); budgets count the period only.
    let mut read = settings.clone();
    if anomaly {
        read.from_us = bounds
            .0
            .map(|f| f - (baseline_days as i64 + 1) * crate::usage::MICROS_PER_DAY);
    }
    let (book, agg) = aggregate(&read, &job)?;
    budget_providers(&book, &budgets)?;
    let all = engine::price(&agg, &book)?;
    let priced: Vec<_> = all
        .iter()
        .filter(|pc| first_day.is_none_or(|f| pc.cell.day as i64 >= f))
        .cloned()
        .collect();
    // Completed days only: today is still running.
    let anomalies = match (anomaly, first_day, day_of(now_us)) {
        (true, Some(first), Some(today)) => {
            let last = bounds
                .1
                .and_then(|t| day_of(t - 1))
                .map_or(today - 1, |l| l.min(today - 1));
            anomaly::anomalies(&all, first, last, &rule)
        }
        _ => vec![],
    };
    // Logs that stop before the period does (or before now) leave spend out: a budget would
    // read as kept. Said, with the day they end.
    let end = bounds.1.map_or(now_us, |t| t.min(now_us));
    if let Some(last) = agg.counters.last_us {
        let gap = (end - last) / crate::usage::MICROS_PER_DAY;
        if gap >= 1 && bounds.0.is_none_or(|f| last >= f) {
            messages::warning(format_args!(
                "the logs end on {}, {} before the {}: spend and projection count only the days they cover",
                day_of(last).map(crate::usage::format_day).unwrap_or_default(),
                crate::money::count_of(gap as u64, "day"),
                if end == now_us { "time of this run" } else { "end of the period" }
            ));
        }
    }
    let statuses = budget::check(&budgets, &priced, &agg.dims, &settings.tz, now_us, bounds);
    let mut w = Output::open(output.as_ref())?;
    let found = anomaly.then_some((anomalies.as_slice(), &rule));
    render::budget::render(&statuses, found, &period, format, &mut w)?;
    w.commit()?;
    let crossed: Vec<&str> = statuses
        .iter()
        .filter(|s| s.state != "ok")
        .map(|s| s.budget.text.as_str())
        .collect();
    let mut why = Vec::new();
    if !crossed.is_empty() {
        why.push(format!(
            "over budget or projected to be: {}",
            crossed.join(", ")
        ));
    }
    if !anomalies.is_empty() {
        let n = anomalies.len();
        why.push(format!(
            "{n} {} in spend (see above)",
            if n == 1 { "anomaly" } else { "anomalies" }
        ));
    }
    if !why.is_empty() {
        return Err(DataError(why.join("; ")).into());
    }
    Ok(())
}
