//! The run of a usage command: the book loaded, the logs (or a warehouse's aggregates) read
//! and aggregated by the engine, and the names asked for checked against what was read.

use std::sync::Arc;

use anyhow::Context;

use super::book::load_book;
use super::dims::check_columns;
use super::logs::find_logs;
use super::messages;
use super::progress::progress_bar;
use super::settings::{max_line_bytes, Job, UsageSettings};
use super::UsageError;
use crate::engine::{Aggregates, Aggregator, EngineSettings};
use crate::pricing::PriceBook;
use crate::readers::{self, Progress, ReadOptions};
use crate::usage::col;

/// Aggregates `records` (a bill's usage) in place of logs.
pub fn aggregate_records(
    s: &UsageSettings,
    job: &Job,
    book: Arc<PriceBook>,
    records: &[crate::usage::OwnedRecord],
) -> anyhow::Result<(Arc<PriceBook>, Aggregates)> {
    use crate::usage::UsageSink;
    let mut agg = Aggregator::new(EngineSettings {
        tz: s.tz,
        from_us: s.from_us,
        to_us: s.to_us,
        dims: job.dims.clone(),
        boundaries: book.boundaries(),
        book: Some(book.clone()),
        per_minute: false,
        filter: s.filter.clone(),
        side: None,
    });
    for r in records {
        agg.record(&r.as_record());
    }
    let aggregates = agg.finish().context("aggregating the bill's usage")?;
    aggregates.check_totals()?;
    Ok((book, aggregates))
}

/// Loads the price book, reads every log file and aggregates it.
pub fn aggregate(s: &UsageSettings, job: &Job) -> anyhow::Result<(Arc<PriceBook>, Aggregates)> {
    let book = Arc::new(load_book(&s.pricing, &s.pricing_overlay)?);
    let aggregate_files = s
        .aggregates
        .iter()
        .map(|p| readers::aggregates::read(p))
        .collect::<Result<Vec<_>, _>>()
        .context("--aggregates")?;
    let mut dims = job.dims.clone();
    // The Azure deployment type decides the Azure price, so the engine carries it after the
    // job's and the filter's dimensions (whose positions do not move): always from logs, and
    // from aggregates whose every file has it (the query grouped by it).
    let carries = aggregate_files.is_empty()
        || aggregate_files
            .iter()
            .all(|f| f.manifest.dims.iter().any(|d| d == col::DEPLOYMENT_TYPE));
    if carries && !dims.iter().any(|d| d == col::DEPLOYMENT_TYPE) {
        for w in &s.filter {
            if !crate::engine::groups::IN_KEY.contains(&w.dim.as_str()) && !dims.contains(&w.dim) {
                dims.push(w.dim.clone());
            }
        }
        dims.push(col::DEPLOYMENT_TYPE.into());
    }
    let settings = EngineSettings {
        tz: s.tz,
        from_us: s.from_us,
        to_us: s.to_us,
        dims,
        boundaries: book.boundaries(),
        book: Some(book.clone()),
        per_minute: job.per_minute,
        filter: s.filter.clone(),
        side: job.side,
    };
    if !aggregate_files.is_empty() {
        let aggregates = crate::engine::import::import(&aggregate_files, &settings, &book)
            .map_err(|e| match e {
                // The data's fault (exit 1), not the command line's.
                crate::engine::import::ImportError::Overflow { .. }
                | crate::engine::import::ImportError::Invalid { .. } => {
                    anyhow::anyhow!("--aggregates: {e}")
                }
                other => UsageError::Message(format!("--aggregates: {other}")).into(),
            })?;
        aggregates.check_totals()?;
        return Ok((book, aggregates));
    }
    let logs = find_logs(
        &s.logs,
        s.log_format,
        &s.exclude,
        s.ledger.as_deref(),
        &s.map,
    )?;
    let files = &logs.files;
    if files.is_empty() {
        messages::warning("no log files found under the --logs paths");
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let bar = progress_bar(sizes.iter().sum());
    let opts = ReadOptions {
        wanted_extras: job
            .dims
            .iter()
            .chain(s.filter.iter().map(|w| &w.dim))
            .map(String::as_str)
            .chain([col::DEPLOYMENT_TYPE])
            .filter(|d| !col::KNOWN.contains(d))
            .map(str::to_string)
            .collect(),
        period: Some((s.from_us, s.to_us)).filter(|(f, t)| f.is_some() || t.is_some()),
        side: job.side,
        parallel_min_bytes: s.parallel_min_bytes,
        max_line_bytes: max_line_bytes(),
        overlong: Default::default(),
        map: s.map.clone(),
        content_ids: logs.content_ids.clone(),
        progress: bar.clone().map(|b| {
            Progress(Arc::new(move |n| {
                b.inc(n);
                // Headers are read twice by some readers: never show more than 100%.
                if b.length().is_some_and(|l| b.position() > l) {
                    b.set_length(b.position());
                }
            }))
        }),
    };
    let mut agg = Aggregator::new(settings)
        // Canonical rows with ids are about 150 bytes: sizes the dedupe set once, if ids appear.
        .with_expected_rows(sizes.iter().map(|&n| n as usize / 150).sum());
    let read = readers::read_all(files, &opts, &mut agg);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    read?;
    let aggregates = agg.finish().context("aggregating usage")?;
    check_columns(s, job, &aggregates, files)?;
    aggregates.check_totals()?;
    let c = &aggregates.counters;
    if aggregates.cells.is_empty() && c.filtered_out > 0 {
        super::values::filtered_everything(s, &book, &aggregates, c.filtered_out)?;
    }
    if aggregates.cells.is_empty() && c.outside_period > 0 {
        // A period with nothing in it: say what the logs do cover.
        if let (Some(first), Some(last)) = (c.first_us, c.last_us) {
            let mut days = crate::engine::buckets::LocalDays::new(s.tz);
            let mut day = |us: i64| crate::usage::format_day(days.day(us) as i64);
            messages::warning(format_args!(
                "no usage in the period; the logs cover {} to {} ({})",
                day(first),
                day(last),
                s.tz_name
            ));
        }
    }
    Ok((book, aggregates))
}
