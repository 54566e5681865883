//! `tokenledger prices why`: which row prices a request, and where it comes from (with
//! `--billed`, first which book model a bill's name for a model is).

use super::book::load_book;
use super::{DataError, UsageError};
use crate::cli::BookArgs;
use crate::output::atomic::Output;
use crate::pricing::{self, Lookup, Query};
use crate::render::{self, Format};
use crate::report;
use crate::usage::{deployment_type, service_tier};

/// The question `prices why` answers.
pub struct Why {
    pub provider: String,
    pub model: String,
    pub at: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub deployment_type: Option<String>,
    /// `model` is a bill's name for a model.
    pub billed: bool,
    pub book: BookArgs,
}

pub fn why(mut q: Why) -> anyhow::Result<()> {
    let at = match &q.at {
        Some(s) => pricing::parse_effective_from(s).map_err(UsageError::flag("--at"))?,
        None => chrono::Utc::now().timestamp_micros(),
    };
    let book = load_book(&q.book.pricing, &q.book.pricing_overlay)?;
    let mut billed_lines = Vec::new();
    if q.billed {
        let (lines, model) = report::reconcile::explain_billed(&book, &q.provider, &q.model);
        billed_lines = lines;
        match model {
            Some(m) => q.model = m,
            None => {
                let mut w = Output::open(q.book.output.as_ref())?;
                render::why::render(&billed_lines, Format::Table, &mut w)?;
                w.commit()?;
                return Err(DataError(format!(
                    "{}: no book model for the billed name {:?}",
                    q.provider, q.model
                ))
                .into());
            }
        }
    }
    let resolved = book.resolve_model(&q.provider, &q.model).to_string();
    let tier = q.tier.as_deref().and_then(service_tier);
    let deployment = match &q.deployment_type {
        Some(d) => Some(deployment_type(d).ok_or_else(|| {
            UsageError::Message(format!(
                "--deployment-type {d:?}: expected global, data-zone or regional"
            ))
        })?),
        None => None,
    };
    let query = Query {
        provider: &q.provider,
        model: &q.model,
        region: q.region.as_deref(),
        tier: tier.as_deref(),
        deployment,
        at_us: at,
    };
    let mut lines: Vec<(String, String)> = billed_lines;
    lines.push((
        "request".into(),
        format!(
            "{}/{} at {}{}{}",
            q.provider,
            q.model,
            crate::usage::format_timestamp_us(at),
            q.region
                .as_ref()
                .map(|r| format!(", region {r}"))
                .unwrap_or_default(),
            tier.as_ref()
                .map(|t| format!(", {t} tier"))
                .unwrap_or_default(),
        ),
    ));
    if resolved != q.model {
        lines.push(("model id in the book".into(), resolved.clone()));
    }
    let mut found = book.lookup(query);
    if let Lookup::Retired(r) = found {
        // A request the provider still served after the retirement is priced so, with a
        // warning in reports; say which price and why.
        let after = book.after_retirement(query, r);
        if let Lookup::Priced(_) = after {
            lines.push((
                if r.delisted { "delisted" } else { "retired" }.into(),
                format!(
                    "from {} ({}); a request that still succeeded is priced at {}",
                    r.at,
                    r.source.as_deref().unwrap_or("no source"),
                    match &r.redirect_to {
                        Some(to) => format!("{to}, the model the provider bills it as"),
                        None => "its last price".into(),
                    }
                ),
            ));
            if let Some(e) = &r.evidence {
                lines.push(("retirement evidence".into(), e.clone()));
            }
            found = after;
        }
    }
    match found {
        Lookup::Priced(row) => render::why::describe(&book, row, &mut lines),
        Lookup::BeforeFirst(row) => {
            lines.push(("result".into(), format!(
                "unpriced: before the first price ({})",
                row.effective_from
            )));
            render::why::describe(&book, row, &mut lines);
        }
        Lookup::Retired(r) => {
            lines.push(("result".into(), format!("unpriced: retired from {}", r.at)));
            if let Some(s) = &r.source {
                lines.push(("retirement source".into(), s.clone()));
            }
        }
        Lookup::NoServiceTier => lines.push((
            "result".into(),
            format!(
                "unpriced: the book has prices for this model, but none for the {} tier",
                tier.clone().unwrap_or_default()
            ),
        )),
        Lookup::Unknown => lines.push((
            "result".into(),
            "unpriced: no price for this provider/model in the book (see `prices coverage` and the README's \"unpriced models\")".into(),
        )),
    }
    if let Some(r) = book.retirement(&q.provider, &resolved) {
        if at < r.at_us {
            lines.push(("retires".into(), r.at.clone()));
        }
    }
    let mut w = Output::open(q.book.output.as_ref())?;
    let format = crate::cli::output_format(
        q.book.format,
        q.book.output.as_deref(),
        crate::cli::TableFormat::Table,
    );
    render::why::render(&lines, Format::from(format), &mut w)?;
    w.commit()?;
    if !matches!(found, Lookup::Priced(_)) {
        return Err(DataError(format!(
            "{}/{} has no price at that time",
            q.provider, q.model
        ))
        .into());
    }
    Ok(())
}
