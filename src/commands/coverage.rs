//! `tokenledger prices coverage`: how much of some logs each tier of the book prices.

use super::aggregate::aggregate;
use super::settings::{Job, UsageSettings};
use crate::cli::UsageArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report;

/// Prints the share of the usage each tier of the book prices, and the unpriced models.
pub fn coverage(usage: UsageArgs, format: Format) -> anyhow::Result<()> {
    let settings = UsageSettings::from_args(usage)?;
    let (book, agg) = aggregate(&settings, &Job::default())?;
    let priced = engine::price(&agg, &book)?;
    let r = report::build(
        &[],
        &[],
        &agg,
        &priced,
        settings.period(),
        book.files().to_vec(),
    );
    let mut w = Output::open(None)?;
    render::coverage::render(&r, format, &mut w)?;
    w.commit()?;
    Ok(())
}
