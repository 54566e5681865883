//! `tokenledger convert`: read logs in any supported format and write the canonical schema.

use anyhow::Context;

use super::messages;
use super::pipeline::find_logs;
use crate::cli::ConvertArgs;
use crate::readers::canonical::write::{ExtraColumns, Writer};
use crate::readers::{self, ReadOptions};

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let ConvertArgs {
        logs,
        log_format,
        to,
        output,
    } = args;
    let files = find_logs(&logs, log_format)?;
    // First pass: which extra columns exist (a CSV header must list them up front).
    let mut extras = ExtraColumns::default();
    let all_extras = ReadOptions::default();
    readers::read_all(&files, &all_extras, &mut extras)?;
    // Canonical CSV/JSONL/Parquet readers only pass on extra columns they are asked for.
    let mut names: Vec<String> = extras.names.into_iter().collect();
    let canonical_extras = canonical_extra_columns(&files)?;
    for n in canonical_extras {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.sort();
    let opts = ReadOptions {
        wanted_extras: names.clone(),
        ..ReadOptions::default()
    };
    let mut w = Writer::create(&output, to, names)
        .with_context(|| format!("cannot create {}", output.display()))?;
    readers::read_all(&files, &opts, &mut w)?;
    for r in &w.rejections {
        messages::info(format_args!(
            "rejected {}",
            crate::text::printable(&r.to_string())
        ));
    }
    let rejected = w.rejected;
    let written = w.finish()?;
    messages::info(format_args!(
        "wrote {written} rows to {}{}",
        output.display(),
        if rejected > 0 {
            format!(" ({rejected} rows rejected)")
        } else {
            String::new()
        }
    ));
    Ok(())
}

/// Extra (non-canonical) columns named in the headers of canonical CSV and Parquet files and
/// the keys of canonical JSONL files.
fn canonical_extra_columns(files: &[readers::LogFile]) -> anyhow::Result<Vec<String>> {
    use crate::usage::col;
    let mut out = std::collections::BTreeSet::new();
    for f in files
        .iter()
        .filter(|f| f.format == readers::LogFormat::Canonical)
    {
        match f.kind {
            readers::FileKind::Csv => {
                let mut rdr = csv::Reader::from_reader(readers::open(f, &ReadOptions::default())?);
                for h in rdr
                    .headers()
                    .with_context(|| f.path.display().to_string())?
                {
                    out.insert(h.trim().to_string());
                }
            }
            readers::FileKind::Jsonl | readers::FileKind::Json => {
                readers::json::for_each_value(f, &ReadOptions::default(), |_, v| {
                    if let Ok(serde_json::Value::Object(m)) = v {
                        for k in m.keys() {
                            out.insert(k.clone());
                        }
                    }
                })?;
            }
            readers::FileKind::Parquet => {
                use polars::prelude::*;
                let file = std::fs::File::open(&f.path)?;
                let schema =
                    anyhow::Context::with_context(ParquetReader::new(file).schema(), || {
                        f.path.display().to_string()
                    })?;
                for name in schema.iter_names() {
                    out.insert(name.to_string());
                }
            }
        }
    }
    Ok(out
        .into_iter()
        .filter(|n| !col::KNOWN.contains(&n.as_str()))
        .collect())
}
