//! Which extra (non-canonical) columns some logs have: the header or keys of canonical files
//! and the free-form fields native readers pass on (Bedrock request metadata, LiteLLM tags...).
//! `convert` writes them as CSV columns; `--by`/`--where` suggest them for a misspelt name.

use std::collections::BTreeSet;

use super::{json, open, read_all, FileKind, LogFile, LogFormat, ReadError, ReadOptions};
use crate::usage::{col, Rejection, UsageRecord, UsageSink};

/// Collects the names of the extra columns in a first pass, and counts rejections.
#[derive(Default)]
pub struct ExtraColumns {
    pub names: BTreeSet<String>,
    pub rejected: u64,
}

impl UsageSink for ExtraColumns {
    fn record(&mut self, r: &UsageRecord<'_>) {
        for (k, _) in &r.extra {
            if !self.names.contains(*k) {
                self.names.insert(k.to_string());
            }
        }
    }
    fn reject(&mut self, _: Rejection) {
        self.rejected += 1;
    }
}

/// The extra column names of `files`, sorted (canonical column names are left out).
pub fn extra_columns(files: &[LogFile]) -> Result<Vec<String>, ReadError> {
    let mut names = ExtraColumns::default();
    read_all(files, &ReadOptions::default(), &mut names)?;
    let mut out: BTreeSet<String> = names.names;
    // Canonical readers pass on only the extra columns they are asked for: read their headers.
    for f in files.iter().filter(|f| f.format == LogFormat::Canonical) {
        let path = || f.name();
        match f.kind {
            FileKind::Csv => {
                let mut rdr = csv::Reader::from_reader(open(f, &ReadOptions::default())?);
                let headers = rdr.headers().map_err(|e| ReadError::Format {
                    path: path(),
                    message: e.to_string(),
                })?;
                out.extend(headers.iter().map(|h| h.trim().to_string()));
            }
            FileKind::Jsonl | FileKind::Json => {
                json::for_each_value(f, &ReadOptions::default(), |_, v| {
                    if let Ok(serde_json::Value::Object(m)) = v {
                        out.extend(m.keys().cloned());
                    }
                })?;
            }
            FileKind::Sqlite => {}
            FileKind::Parquet => {
                use polars::prelude::*;
                let file = std::fs::File::open(&f.path).map_err(|e| ReadError::Io {
                    path: path(),
                    source: e,
                })?;
                super::parquet_pages::check_footer_file(&f.path).map_err(|m| {
                    ReadError::Format {
                        path: path(),
                        message: format!("damaged file: {m}"),
                    }
                })?;
                let schema = ParquetReader::new(file)
                    .schema()
                    .map_err(|e| ReadError::Format {
                        path: path(),
                        message: e.to_string(),
                    })?;
                out.extend(schema.iter_names().map(|n| n.to_string()));
            }
        }
    }
    Ok(out
        .into_iter()
        .filter(|n| !n.is_empty() && !col::KNOWN.contains(&n.as_str()))
        .collect())
}
