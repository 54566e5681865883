//! `tokenledger prices import-litellm`: LiteLLM's price map read as new versions of the book
//! (written as a price file to review, never into the book itself).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::book::load_book;
use super::messages;
use super::UsageError;
use crate::output::atomic::Output;
use crate::pricing::{self, litellm};

pub fn run(
    file: &Path,
    effective_from: &str,
    out_path: Option<PathBuf>,
    pricing_paths: &[PathBuf],
    providers: &[String],
) -> anyhow::Result<()> {
    let at = pricing::parse_effective_from(effective_from)
        .map_err(UsageError::flag("--effective-from"))?;
    let text = pricing::load::read_input(file)?;
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
    let mut w = Output::open(out_path.as_ref())?;
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
