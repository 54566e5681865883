//! `tokenledger reconcile`: read the bill, price the logs over the bill's period, and explain
//! every dollar of difference by cause (`report::reconcile`).

use rust_decimal::Decimal;

use super::aggregate::aggregate;
use super::messages;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::cli::ReconcileArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report::reconcile;

/// A `--tolerance`: a share of the billed total, or dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    Percent(Decimal),
    Usd(Decimal),
}

/// A `--tolerance` value that is neither.
#[derive(Debug, thiserror::Error)]
#[error("{0:?}: expected a percentage (1%) or dollars (5, $5)")]
pub struct BadTolerance(String);

impl Tolerance {
    pub fn parse(s: &str) -> Result<Tolerance, BadTolerance> {
        let t = s.trim();
        let bad = || BadTolerance(s.to_string());
        if let Some(p) = t.strip_suffix('%') {
            let v: Decimal = p.trim().parse().map_err(|_| bad())?;
            return (v >= Decimal::ZERO)
                .then_some(Tolerance::Percent(v))
                .ok_or_else(bad);
        }
        let v: Decimal = t
            .trim_start_matches('$')
            .trim()
            .parse()
            .map_err(|_| bad())?;
        (v >= Decimal::ZERO)
            .then_some(Tolerance::Usd(v))
            .ok_or_else(bad)
    }

    /// The dollars it allows on a bill of `billed`.
    pub fn allowed(self, billed: Decimal) -> Decimal {
        match self {
            Tolerance::Percent(p) => billed
                .abs()
                .checked_mul(p)
                .map_or(Decimal::MAX, |x| x / Decimal::ONE_HUNDRED),
            Tolerance::Usd(u) => u,
        }
    }
}

/// A bill that cannot be read (its own error, so that the hint names --bill-format).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BillError(pub String);

/// Reads the `--bill` paths, with the notes on stderr.
pub fn read_bill(
    bill_paths: &[std::path::PathBuf],
    bill_format: crate::readers::bill::BillFormat,
) -> anyhow::Result<crate::readers::bill::Bill> {
    let bill = crate::readers::bill::read(bill_paths, bill_format).map_err(|e| match e {
        crate::readers::ReadError::NotFound { .. } => anyhow::Error::from(e),
        other => BillError(format!("{:#}", anyhow::Error::from(other))).into(),
    })?;
    for n in &bill.notes {
        messages::note(n);
    }
    if bill.lines.is_empty() {
        messages::warning("the bill has no lines");
    }
    Ok(bill)
}

/// Reads the bills, prices the logs over the period (the bill's own span when none is given)
/// and reconciles them; notes go to stderr.
pub fn reconciled(
    mut settings: UsageSettings,
    bill_paths: &[std::path::PathBuf],
    bill_format: crate::readers::bill::BillFormat,
    by: &[String],
) -> anyhow::Result<(reconcile::Reconciliation, crate::readers::bill::Bill)> {
    let bill = read_bill(bill_paths, bill_format)?;
    // Without a period, the bill's own span: logs outside it are not the bill's.
    if settings.from_us.is_none() && settings.to_us.is_none() {
        settings.from_us = bill.lines.iter().map(|l| l.start_us).min();
        settings.to_us = bill
            .lines
            .iter()
            .map(|l| l.end_us.max(l.start_us + 1))
            .max();
    }
    let job = Job {
        dims: by.to_vec(),
        ..Job::default()
    };
    let (book, agg) = aggregate(&settings, &job)?;
    let priced = engine::price(&agg, &book)?;
    let rec = reconcile::reconcile(
        &bill,
        &priced,
        &book,
        settings.tz,
        (settings.from_us, settings.to_us),
        settings.period(),
        by,
        &agg.dims,
    );
    // Bills settle late (AWS 8-24 hours, Google up to 5 days, OpenAI and Anthropic 1-2 days).
    let last = bill.lines.iter().map(|l| l.end_us).max();
    let settled = chrono::Utc::now().timestamp_micros() - 5 * crate::usage::MICROS_PER_DAY;
    if let Some(last) = last.filter(|&l| l > settled) {
        messages::warning(format_args!(
            "the bill runs to {}: the last days may not be final (providers settle usage in 1 to 5 days); differences there can be late data",
            crate::usage::format_timestamp_us(last).get(..10).unwrap_or_default()
        ));
    }
    let checks: Vec<&String> = rec.notes.iter().skip(bill.notes.len()).collect();
    for n in checks.iter().take(5) {
        messages::note(n);
    }
    if checks.len() > 5 {
        messages::note(format_args!(
            "and {} more lines whose rate times quantity is not their cost (all in --format json, notes)",
            checks.len() - 5
        ));
    }
    Ok((rec, bill))
}

pub fn run(args: ReconcileArgs) -> anyhow::Result<()> {
    let ReconcileArgs {
        usage,
        bill: bill_paths,
        bill_format,
        tolerance,
        format,
        output: out_path,
        write_overlay,
        by,
        exact,
    } = args;
    let format = Format::from(crate::cli::output_format(
        format,
        out_path.as_deref(),
        crate::cli::ReconcileFormat::Table,
    ));
    let tolerance = tolerance
        .as_deref()
        .map(|t| Tolerance::parse(t).map_err(UsageError::flag("--tolerance")))
        .transpose()?;
    let settings = UsageSettings::from_args(usage)?;
    let (rec, _) = reconciled(settings, &bill_paths, bill_format, &by)?;
    let mut w = Output::open(out_path.as_ref())?;
    let style = render::Style {
        exact,
        ..super::style::terminal_style(out_path.as_ref())
    };
    if format == Format::Html {
        let svg = crate::chart::reconcile::svg(&rec).map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        render::bill::html_page(&rec, svg.as_deref(), style, &mut w)?;
    } else {
        render::reconcile::render(&rec, format, style, &mut w)?;
    }
    w.commit()?;
    if let Some(path) = write_overlay {
        let text = render::reconcile::overlay_csv(&rec, &bill_paths);
        let mut f = crate::output::atomic::AtomicFile::create(&path)?;
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        f.commit()?;
        messages::note(format_args!(
            "{} written to {} (use it with --pricing-overlay)",
            crate::money::count_of(rec.implied_prices.len() as u64, "implied price"),
            path.display()
        ));
    }
    if let Some(t) = tolerance {
        let allowed = t.allowed(rec.totals.billed_cost);
        if rec.totals.unexplained.abs() > allowed {
            return Err(DataError(format!(
                "--tolerance: {} unexplained, more than the {} allowed",
                crate::money::cents(rec.totals.unexplained),
                crate::money::cents(allowed)
            ))
            .into());
        }
    }
    Ok(())
}
