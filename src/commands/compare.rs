//! `tokenledger compare`: the same usage re-priced on every provider.

use std::collections::BTreeSet;

use super::aggregate::aggregate;
use super::dims::{engine_dims, validate_by};
use super::messages;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::cli::CompareArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report::compare::{self, CompareSettings};

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let CompareArgs {
        usage,
        providers,
        by,
        at,
        substitute,
        format,
        output: out_path,
        bill,
        bill_format,
        exact,
    } = args;
    let format = Format::from(crate::cli::output_format(
        format,
        out_path.as_deref(),
        crate::cli::TableFormat::Table,
    ));
    let settings = UsageSettings::from_args(usage)?;
    let by = validate_by(&by)?;
    let at_us = at
        .as_deref()
        .map(|s| crate::pricing::parse_effective_from(s).map_err(UsageError::flag("--at")))
        .transpose()?;
    let mut substitutes = Vec::new();
    for s in &substitute {
        let Some((from, to)) = s.split_once('=') else {
            return Err(UsageError::Message(format!(
                "--substitute {s:?}: expected FROM=TO (canonical model names)"
            ))
            .into());
        };
        substitutes.push((from.trim().to_string(), to.trim().to_string()));
    }
    let by_engine = engine_dims(&by);
    let job = Job {
        dims: by_engine.clone(),
        ..Job::default()
    };
    let (book, agg) = if bill.is_empty() {
        aggregate(&settings, &job)?
    } else {
        let b = super::reconcile::read_bill(&bill, bill_format)?;
        let book = std::sync::Arc::new(super::book::load_book(
            &settings.pricing,
            &settings.pricing_overlay,
        )?);
        let (records, left) = crate::report::reconcile::billed_usage(&b, &book);
        if left.lines > 0 {
            messages::note(format_args!(
                "{} of the bill ({}) not compared: {}",
                crate::money::count_of(left.lines, "line"),
                crate::money::cents(left.cost),
                left.reasons
                    .iter()
                    .map(|(r, n)| format!("{n} {r}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        messages::note(
            "--bill: the bill's token lines priced with the book on every provider, the bill's own included (what the bill charged and why it differs: `tokenledger reconcile`); bills count no requests",
        );
        super::aggregate::aggregate_records(&settings, &job, book, &records)?
    };
    let known: BTreeSet<String> = book.rows().iter().map(|r| r.provider.clone()).collect();
    let canonicals: BTreeSet<String> = book
        .rows()
        .iter()
        .filter_map(|r| r.canonical_model.clone())
        .collect();
    for (from, to) in &substitutes {
        for c in [from, to] {
            if !canonicals.contains(c) {
                return Err(UsageError::Message(format!(
                    "--substitute: {c:?} is not a canonical model of the price book"
                ))
                .into());
            }
        }
    }
    let only_offering = providers.is_empty();
    let targets: Vec<String> = if providers.is_empty() {
        known.iter().cloned().collect()
    } else {
        for p in &providers {
            if !known.contains(p) {
                return Err(UsageError::Message(format!(
                    "--providers: {p:?} has no prices in the book (known: {})",
                    known.iter().cloned().collect::<Vec<_>>().join(", ")
                ))
                .into());
            }
        }
        providers
    };
    let priced = engine::price(&agg, &book)?;
    let cmp = compare::compare(
        &priced,
        &book,
        &agg.epochs,
        &CompareSettings {
            only_offering,
            targets,
            at_us,
            substitutes,
            by: by.clone(),
            engine_dims: by_engine,
        },
    )?;
    let unpriced = messages::unpriced_cells(&priced);
    if cmp.estimate {
        messages::note(
            "--substitute makes every figure an ESTIMATE (token counts assumed unchanged)",
        );
    }
    let mut w = Output::open(out_path.as_ref())?;
    let style = render::Style {
        exact,
        ..super::style::terminal_style(out_path.as_ref())
    };
    render::compare::render(&cmp, format, style, &mut w)?;
    w.commit()?;
    if settings.strict && unpriced > 0 {
        return Err(DataError(format!(
            "--strict: {unpriced} unpriced requests could not be compared"
        ))
        .into());
    }
    Ok(())
}
