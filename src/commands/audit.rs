//! `tokenledger prices audit`: the book against independent price catalogues (see
//! `pricing::audit`); also reads the catalogues for `prices update`'s confidence grades.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;

use super::book::load_book;
use super::messages;
use super::UsageError;
use crate::cli::{BookArgs, CatalogueArgs};
use crate::output::atomic::Output;
use crate::pricing::audit::{self, AuditLine, Catalogue, Verdict};
use crate::render::grid::Grid;

/// The options of `prices audit`.
pub struct Audit {
    pub catalogues: CatalogueArgs,
    pub litellm: Option<PathBuf>,
    pub litellm_date: Option<String>,
    pub provider: Vec<String>,
    pub all: bool,
    pub book: BookArgs,
}

/// The day a catalogue was taken: given, else the book's check date, else today.
fn date(flag: &'static str, given: Option<&str>, book: Option<&str>) -> Result<i64, UsageError> {
    match given.or(book) {
        Some(d) => crate::pricing::parse_effective_from(d).map_err(UsageError::flag(flag)),
        None => Ok(chrono::Utc::now().timestamp_micros()),
    }
}

/// Reads the catalogues given on the command line.
pub fn catalogues(
    c: &CatalogueArgs,
    litellm: Option<&PathBuf>,
    litellm_date: Option<&str>,
    checked_at: Option<&str>,
) -> anyhow::Result<Vec<Catalogue>> {
    let mut out = Vec::new();
    if let Some(p) = litellm {
        let at = date("--litellm-date", litellm_date, checked_at)?;
        out.push(
            Catalogue::litellm(&crate::pricing::load::read_input(p)?, at)
                .with_context(|| p.display().to_string())?,
        );
    }
    if let Some(p) = &c.genai_prices {
        let at = date(
            "--genai-prices-date",
            c.genai_prices_date.as_deref(),
            checked_at,
        )?;
        out.push(
            Catalogue::genai_prices(&crate::pricing::load::read_input(p)?, at)
                .with_context(|| p.display().to_string())?,
        );
    }
    if let Some(p) = &c.models_dev {
        let at = date(
            "--models-dev-date",
            c.models_dev_date.as_deref(),
            checked_at,
        )?;
        out.push(
            Catalogue::models_dev(&crate::pricing::load::read_input(p)?, at)
                .with_context(|| p.display().to_string())?,
        );
    }
    Ok(out)
}

fn day(t: i64) -> String {
    crate::usage::format_timestamp_us(t)
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Agrees => "agrees".into(),
        Verdict::Differs(d) => format!("differs: {}", d.join("; ")),
        Verdict::Absent => "absent".into(),
    }
}

pub fn run(a: Audit) -> anyhow::Result<()> {
    let book = load_book(&a.book.pricing, &a.book.pricing_overlay)?;
    let cats = catalogues(
        &a.catalogues,
        a.litellm.as_ref(),
        a.litellm_date.as_deref(),
        book.checked_at(),
    )?;
    if cats.is_empty() {
        return Err(UsageError::Message(
            "give at least one catalogue: --litellm FILE, --genai-prices FILE or --models-dev FILE"
                .into(),
        )
        .into());
    }
    let lines: Vec<AuditLine> = audit::audit(&book, &cats)
        .into_iter()
        .filter(|l| a.provider.is_empty() || a.provider.contains(&l.row.provider))
        .collect();
    let format = crate::render::Format::from(crate::cli::output_format(
        a.book.format,
        a.book.output.as_deref(),
        crate::cli::TableFormat::Table,
    ));
    let mut columns = vec![
        "provider",
        "model",
        "version",
        "book_tier",
        "confidence",
        "input",
        "output",
    ];
    let names: Vec<String> = cats
        .iter()
        .map(|c| format!("{} ({})", c.name, day(c.at_us)))
        .collect();
    columns.extend(names.iter().map(String::as_str));
    columns.push("agreeing");
    let mut grid = Grid::new(&columns);
    let table = format == crate::render::Format::Table;
    for l in &lines {
        if table && !a.all && l.differing() == 0 {
            continue;
        }
        let r = l.row;
        let mut row = vec![
            r.provider.clone(),
            r.model.clone(),
            r.version_id(),
            r.tier.as_str().to_string(),
            r.confidence_level().unwrap_or("").to_string(),
            r.input.normalize().to_string(),
            r.output.normalize().to_string(),
        ];
        for c in &cats {
            row.push(
                l.verdicts
                    .iter()
                    .find(|(n, _, _)| *n == c.name)
                    .map(|(_, _, v)| verdict_text(v))
                    .unwrap_or_default(),
            );
        }
        row.push(format!("{} of {}", l.agreeing(), l.verdicts.len()));
        grid.rows.push(row);
    }
    let mut w = Output::open(a.book.output.as_ref())?;
    grid.render(format, &[], &mut w)?;
    w.commit()?;
    // Per provider: series judged, agreed by every catalogue that has them, disputed, and
    // known to no catalogue (single-source).
    let mut by: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for l in &lines {
        let e = by.entry(l.row.provider.as_str()).or_default();
        e[0] += 1;
        let present = l
            .verdicts
            .iter()
            .filter(|(_, _, v)| *v != Verdict::Absent)
            .count();
        if l.differing() > 0 {
            e[2] += 1;
        } else if present > 0 {
            e[1] += 1;
        } else {
            e[3] += 1;
        }
    }
    for (p, [n, agree, disputed, single]) in &by {
        messages::info(format_args!(
            "audit {p}: {n} versions judged, {agree} agree, {disputed} disputed, {single} in no catalogue"
        ));
    }
    Ok(())
}
