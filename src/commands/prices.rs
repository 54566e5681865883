//! `tokenledger prices`: list the rows in force, show a model's history across providers,
//! validate price files (importing LiteLLM's map is `import`, regenerating the generated tier
//! `update`, checking against catalogues `audit`).

use std::path::PathBuf;

use super::book::load_book;
use super::messages;
use super::{DataError, UsageError};
use crate::cli::{BookArgs, PricesCommand};
use crate::output::atomic::Output;
use crate::pricing::{self, PriceBook, PriceRow, Severity};
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
    let mut w = Output::open(book.output.as_ref())?;
    let format = crate::cli::output_format(
        book.format,
        book.output.as_deref(),
        crate::cli::TableFormat::Table,
    );
    // Fitted to the terminal (the columns after provider and model go from the right).
    let mut grid = grid.clone();
    grid.width = super::style::terminal_style(book.output.as_ref()).width;
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
            let grid = render::prices::history(&rows);
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
            billed,
            book,
        } => super::why::why(super::why::Why {
            provider,
            model,
            at,
            region,
            tier,
            deployment_type,
            billed,
            book,
        }),
        PricesCommand::Coverage { usage, format } => {
            super::coverage::coverage(usage, format.into())
        }
        PricesCommand::Diff { old, new, format } => diff(&old, &new, format.into()),
        PricesCommand::ImportLitellm {
            file,
            effective_from,
            output: out_path,
            pricing,
            providers,
        } => super::import::run(&file, &effective_from, out_path, &pricing, &providers),
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
    let mut w = Output::open(None)?;
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
    let mut w = Output::open(None)?;
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
