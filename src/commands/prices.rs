//! `tokenledger prices`: list the rows in force, show a model's history across providers,
//! validate price files, and import LiteLLM's price map as new versions.

use std::path::PathBuf;

use anyhow::Context;

use super::messages;
use super::pipeline::{load_book, output};
use super::{DataError, UsageError};
use crate::cli::{BookArgs, PricesCommand};
use crate::pricing::{self, litellm, PriceBook, PriceRow, Severity};
use crate::render::{self, grid::Grid};
use crate::usage::format_timestamp_us;

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn parse_at(at: Option<&str>) -> Result<i64, UsageError> {
    match at {
        None => Ok(now_us()),
        Some(s) => pricing::parse_effective_from(s).map_err(UsageError::flag("--at")),
    }
}

fn write_grid(grid: &Grid, book: &BookArgs) -> anyhow::Result<()> {
    let mut w = output(book.output.as_ref())?;
    let format = crate::cli::output_format(
        book.format,
        book.output.as_deref(),
        crate::cli::TableFormat::Table,
    );
    grid.render(format.into(), &render::prices::TABLE_COLUMNS, &mut w)?;
    w.commit()?;
    Ok(())
}

pub fn run(cmd: PricesCommand) -> anyhow::Result<()> {
    match cmd {
        PricesCommand::List {
            book,
            provider,
            model,
            canonical,
            at,
        } => {
            let at = parse_at(at.as_deref())?;
            let b = load_book(&book.pricing, &book.pricing_overlay)?;
            let model = model.map(|m| match &provider {
                Some(p) => b.resolve_model(p, &m).to_string(),
                None => pricing::normalise_model_id(&m).to_string(),
            });
            let rows: Vec<&PriceRow> = b
                .in_force(at)
                .into_iter()
                .filter(|r| {
                    provider.as_ref().is_none_or(|p| *p == r.provider)
                        && model.as_ref().is_none_or(|m| *m == r.model)
                        && canonical
                            .as_ref()
                            .is_none_or(|c| Some(c) == r.canonical_model.as_ref())
                })
                .collect();
            let grid = render::prices::listing(&rows);
            if grid.rows.is_empty() {
                messages::info(format_args!(
                    "no price rows in force at {} match",
                    format_timestamp_us(at)
                ));
            }
            write_grid(&grid, &book)
        }
        PricesCommand::History { model, book } => {
            let b = load_book(&book.pricing, &book.pricing_overlay)?;
            let id = pricing::normalise_model_id(&model).to_string();
            let rows: Vec<&PriceRow> = b
                .versions()
                .into_iter()
                .filter(|r| {
                    r.model == b.resolve_model(&r.provider, &id)
                        || r.canonical_model.as_deref() == Some(model.as_str())
                })
                .collect();
            let grid = render::prices::listing(&rows);
            if grid.rows.is_empty() {
                return Err(UsageError::Message(format!(
                    "no model id or canonical model {model:?} in the price book"
                ))
                .into());
            }
            write_grid(&grid, &book)
        }
        PricesCommand::Validate { paths, format } => validate(&paths, format.into()),
        PricesCommand::Update {
            litellm,
            history,
            as_of,
            commit,
            pricing,
            out,
            catalogues,
        } => super::update::run(super::update::Update {
            litellm,
            history,
            as_of,
            commit,
            pricing,
            out,
            catalogues,
        }),
        PricesCommand::Audit {
            catalogues,
            litellm,
            litellm_date,
            provider,
            all,
            book,
        } => super::audit::run(super::audit::Audit {
            catalogues,
            litellm,
            litellm_date,
            provider,
            all,
            book,
        }),
        PricesCommand::Why {
            provider,
            model,
            at,
            region,
            tier,
            deployment_type,
            book,
        } => super::why::why(super::why::Why {
            provider,
            model,
            at,
            region,
            tier,
            deployment_type,
            book,
        }),
        PricesCommand::Coverage { usage, format } => super::why::coverage(usage, format.into()),
        PricesCommand::Diff { old, new, format } => diff(&old, &new, format.into()),
        PricesCommand::ImportLitellm {
            file,
            effective_from,
            output: out_path,
            pricing,
            providers,
        } => import(&file, &effective_from, out_path, &pricing, &providers),
    }
}

fn book_at(path: &PathBuf) -> anyhow::Result<PriceBook> {
    if path.as_os_str() == "builtin" {
        load_book(&[], &[])
    } else {
        load_book(std::slice::from_ref(path), &[])
    }
}

fn diff(old: &PathBuf, new: &PathBuf, format: crate::render::Format) -> anyhow::Result<()> {
    let (a, b) = (book_at(old)?, book_at(new)?);
    let changes = pricing::diff::diff(&a, &b);
    let grid = render::prices::diff_grid(&changes);
    let mut w = output(None)?;
    grid.render(format, &[], &mut w)?;
    w.commit()?;
    let count = |k| changes.iter().filter(|c| c.kind == k).count();
    use pricing::diff::ChangeKind;
    messages::info(format_args!(
        "{} added, {} removed, {} repriced",
        count(ChangeKind::Added),
        count(ChangeKind::Removed),
        count(ChangeKind::Repriced)
    ));
    Ok(())
}

fn validate(paths: &[PathBuf], format: crate::render::Format) -> anyhow::Result<()> {
    let mut findings = Vec::new();
    let sources = if paths.is_empty() {
        pricing::embedded_sources()
    } else {
        pricing::read_sources(paths, false, &mut findings)
    };
    let book = PriceBook::from_sources_full(&sources, &mut findings);
    let mut all = findings;
    all.extend(book.review());
    all.sort_by(|a, b| (&a.file, a.line, a.severity).cmp(&(&b.file, b.line, b.severity)));
    all.dedup();
    let grid = render::prices::findings_grid(&all);
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    let mut w = output(None)?;
    if !all.is_empty() || format != crate::render::Format::Table {
        grid.render(format, &[], &mut w)?;
    }
    w.commit()?;
    messages::info(format_args!(
        "{} price rows in {} files: {errors} error(s), {warnings} warning(s)",
        book.rows().len(),
        book.files().len()
    ));
    if errors > 0 {
        return Err(DataError(format!("the price table has {errors} error(s)")).into());
    }
    Ok(())
}

fn import(
    file: &PathBuf,
    effective_from: &str,
    out_path: Option<PathBuf>,
    pricing_paths: &[PathBuf],
    providers: &[String],
) -> anyhow::Result<()> {
    let at = pricing::parse_effective_from(effective_from)
        .map_err(UsageError::flag("--effective-from"))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut imp = litellm::parse(&text).with_context(|| file.display().to_string())?;
    if !providers.is_empty() {
        imp.entries
            .retain(|e| providers.iter().any(|p| p == e.provider));
    }
    let book = load_book(pricing_paths, &[])?;
    let source = format!(
        "LiteLLM model_prices_and_context_window.json ({})",
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let (changes, unchanged) = litellm::diff(&book, &imp, effective_from, at, &source);
    let mut w = output(out_path.as_ref())?;
    let mut out = csv::Writer::from_writer(&mut w);
    out.write_record(pricing::col::ALL)?;
    for c in &changes {
        out.write_record(pricing::table_record(&c.row))?;
    }
    out.flush()?;
    drop(out);
    w.commit()?;
    let new_models = changes.iter().filter(|c| c.previous.is_none()).count();
    messages::info(format_args!(
        "LiteLLM import at {effective_from}: {} entries read, {} changed prices, {new_models} new models, {unchanged} unchanged, {} skipped, {} anomalies (not imported)",
        imp.entries.len(),
        changes.len() - new_models,
        imp.skipped.len(),
        imp.anomalies.len()
    ));
    for c in changes.iter().filter(|c| c.previous.is_some()) {
        messages::detail(format_args!(
            "changed {}/{}: {} (was {})",
            c.entry.provider,
            c.entry.model,
            c.what,
            c.previous.as_deref().unwrap_or("")
        ));
    }
    for (k, m) in &imp.anomalies {
        messages::detail(format_args!("anomaly {k}: {m}"));
    }
    Ok(())
}
