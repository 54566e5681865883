//! The generated tier of the book as files: one CSV per provider and `delisted.csv`, each
//! written whole or not at all; a provider's file is removed when it has no rows any more.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use crate::output::atomic::AtomicFile;
use crate::pricing::generate;
use crate::pricing::{self, PriceRow};

/// Writes one CSV per provider (and removes generated files of providers that have none now).
pub fn write_files(dir: &Path, rows: &[PriceRow]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut by_provider: BTreeMap<&str, Vec<&PriceRow>> = BTreeMap::new();
    for r in rows {
        by_provider.entry(&r.provider).or_default().push(r);
    }
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let name = p.file_name().and_then(|s| s.to_str()).unwrap_or("");
        if p.extension().is_some_and(|e| e == "csv")
            && !by_provider.contains_key(stem)
            && name != pricing::load::DELISTED_FILE
        {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    for (provider, mut rows) in by_provider {
        rows.sort_by(|a, b| {
            (&a.model, &a.region, &a.service_tier, a.effective_from_us).cmp(&(
                &b.model,
                &b.region,
                &b.service_tier,
                b.effective_from_us,
            ))
        });
        let file = AtomicFile::create(&dir.join(format!("{provider}.csv")))?;
        let mut w = csv::Writer::from_writer(file);
        w.write_record(pricing::col::ALL)?;
        for r in rows {
            w.write_record(pricing::table_record(r))?;
        }
        w.into_inner().map_err(|e| e.into_error())?.commit()?;
    }
    Ok(())
}

/// Writes `delisted.csv`: the models whose every LiteLLM key disappeared, and when.
pub fn write_delisted(dir: &Path, delisted: &[generate::Delisted]) -> anyhow::Result<()> {
    let file = AtomicFile::create(&dir.join(pricing::load::DELISTED_FILE))?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record([
        "provider",
        "model",
        "delisted_at",
        "litellm_key",
        "litellm_commit",
    ])?;
    let mut sorted: Vec<&generate::Delisted> = delisted.iter().collect();
    sorted.sort_by(|a, b| (&a.provider, &a.model).cmp(&(&b.provider, &b.model)));
    for d in sorted {
        w.write_record([
            d.provider.as_str(),
            d.model.as_str(),
            &crate::usage::format_timestamp_us(d.at_us),
            d.key.as_str(),
            d.commit.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error())?.commit()
}
