//! Writers of the canonical request-log schema (CSV, JSONL, Parquet), used by `convert`.
//!
//! Every writer emits the canonical columns in documentation order, then the extra dimension
//! columns (sorted by name), with the same text for a value in every format, so that reading any
//! of them back gives the same records.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;

use crate::usage::{col, UsageRecord};
use crate::usage::{Rejection, UsageSink};

/// Output formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConvertFormat {
    Csv,
    Jsonl,
    Parquet,
}

/// The text of every column of a record, canonical columns first (empty: no value).
pub(super) fn cells(r: &UsageRecord<'_>, extras: &[String]) -> Vec<String> {
    let mut v = r.canonical_cells();
    for e in extras {
        v.push(
            r.extra
                .iter()
                .find(|(k, _)| k == e)
                .map(|(_, x)| x.to_string())
                .unwrap_or_default(),
        );
    }
    v
}

/// Columns that hold counts (written as numbers in JSONL and Parquet).
fn is_count(name: &str) -> bool {
    matches!(
        name,
        col::INPUT_TOKENS
            | col::OUTPUT_TOKENS
            | col::CACHE_READ_TOKENS
            | col::CACHE_WRITE_TOKENS
            | col::REASONING_TOKENS
            | col::REQUESTS
            | col::STATUS
            | col::CACHE_WRITE_1H_TOKENS
    )
}

fn is_bool(name: &str) -> bool {
    name == col::BATCH || name == col::LONG_CONTEXT
}

/// A sink that writes canonical records.
pub struct Writer {
    format: ConvertFormat,
    columns: Vec<String>,
    extras: Vec<String>,
    csv: Option<csv::Writer<BufWriter<File>>>,
    jsonl: Option<BufWriter<File>>,
    parquet: Option<ParquetSink>,
    pub written: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    pub error: Option<String>,
    /// The file being written under a temporary name, and its final name ([`Writer::finish`]
    /// renames it; dropped unfinished, it is removed).
    temp: Option<(tempfile::TempPath, std::path::PathBuf)>,
}

struct ParquetSink {
    file: Option<File>,
    writer: Option<polars::io::parquet::write::BatchedWriter<File>>,
    rows: Vec<Vec<String>>,
}

const PARQUET_BATCH: usize = 65_536;

impl Writer {
    pub fn create(
        path: &Path,
        format: ConvertFormat,
        extras: Vec<String>,
    ) -> std::io::Result<Writer> {
        let mut columns: Vec<String> = col::KNOWN.iter().map(|s| s.to_string()).collect();
        columns.extend(extras.iter().cloned());
        // A device or FIFO (`-o /dev/stdout`) is written in place: it cannot be renamed over.
        let (file, temp) = if super::atomic::special(path) {
            (std::fs::OpenOptions::new().write(true).open(path)?, None)
        } else {
            let (f, t) = super::atomic::temp_file(path, ".tmp")?.into_parts();
            (f, Some(t))
        };
        let mut w = Writer {
            format,
            columns,
            extras,
            csv: None,
            jsonl: None,
            parquet: None,
            written: 0,
            rejected: 0,
            rejections: Vec::new(),
            error: None,
            temp: temp.map(|t| (t, path.to_path_buf())),
        };
        match format {
            ConvertFormat::Csv => {
                let mut c = csv::Writer::from_writer(BufWriter::new(file));
                c.write_record(&w.columns).map_err(std::io::Error::other)?;
                w.csv = Some(c);
            }
            ConvertFormat::Jsonl => w.jsonl = Some(BufWriter::new(file)),
            ConvertFormat::Parquet => {
                w.parquet = Some(ParquetSink {
                    file: Some(file),
                    writer: None,
                    rows: Vec::new(),
                })
            }
        }
        Ok(w)
    }

    fn frame(&self, rows: &[Vec<String>]) -> PolarsResult<DataFrame> {
        let mut columns = Vec::with_capacity(self.columns.len());
        for (i, name) in self.columns.iter().enumerate() {
            let c = if is_count(name) {
                let v: Vec<Option<u64>> = rows.iter().map(|r| r[i].parse::<u64>().ok()).collect();
                Column::new(name.as_str().into(), v)
            } else if is_bool(name) {
                let v: Vec<Option<bool>> = rows.iter().map(|r| r[i].parse::<bool>().ok()).collect();
                Column::new(name.as_str().into(), v)
            } else {
                let v: Vec<Option<&str>> = rows
                    .iter()
                    .map(|r| Some(r[i].as_str()).filter(|s| !s.is_empty()))
                    .collect();
                Column::new(name.as_str().into(), v)
            };
            columns.push(c);
        }
        DataFrame::new(rows.len(), columns)
    }

    fn flush_parquet(&mut self, last: bool) -> PolarsResult<()> {
        let Some(p) = self.parquet.as_mut() else {
            return Ok(());
        };
        if p.rows.is_empty() && !(last && p.writer.is_none()) {
            return Ok(());
        }
        let rows = std::mem::take(&mut p.rows);
        let df = self.frame(&rows)?;
        let p = self.parquet.as_mut().expect("parquet sink");
        if p.writer.is_none() {
            let file = p.file.take().expect("file before the first batch");
            p.writer = Some(ParquetWriter::new(file).batched(df.schema())?);
        }
        p.writer.as_mut().expect("writer").write_batch(&df)
    }

    /// Finishes the file.
    pub fn finish(mut self) -> anyhow::Result<u64> {
        if let Some(e) = self.error.take() {
            anyhow::bail!(e);
        }
        match self.format {
            ConvertFormat::Csv => self.csv.take().expect("csv").flush()?,
            ConvertFormat::Jsonl => self.jsonl.take().expect("jsonl").flush()?,
            ConvertFormat::Parquet => {
                self.flush_parquet(true)?;
                if let Some(w) = self.parquet.as_mut().and_then(|p| p.writer.as_mut()) {
                    w.finish()?;
                }
            }
        }
        // Everything written: close the file, then give it its name.
        self.csv = None;
        self.jsonl = None;
        self.parquet = None;
        if let Some((temp, path)) = self.temp.take() {
            super::atomic::replace(temp, &path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        }
        Ok(self.written)
    }

    fn write(&mut self, r: &UsageRecord<'_>) -> anyhow::Result<()> {
        let cells = cells(r, &self.extras);
        match self.format {
            // A spreadsheet opens CSV too: text that would run as a formula is neutralised
            // (counts, timestamps and flags never start with = + - @).
            ConvertFormat::Csv => {
                let safe: Vec<std::borrow::Cow<'_, str>> =
                    cells.iter().map(|c| crate::text::neutralise(c)).collect();
                self.csv
                    .as_mut()
                    .expect("csv")
                    .write_record(safe.iter().map(|c| c.as_bytes()))?
            }
            ConvertFormat::Jsonl => {
                let mut obj = serde_json::Map::new();
                for (name, v) in self.columns.iter().zip(&cells) {
                    if v.is_empty() {
                        continue;
                    }
                    let value = if is_count(name) {
                        serde_json::Value::from(v.parse::<u64>().unwrap_or(0))
                    } else if is_bool(name) {
                        serde_json::Value::from(v == "true")
                    } else {
                        serde_json::Value::from(v.as_str())
                    };
                    obj.insert(name.clone(), value);
                }
                let out = self.jsonl.as_mut().expect("jsonl");
                serde_json::to_writer(&mut *out, &obj)?;
                out.write_all(b"\n")?;
            }
            ConvertFormat::Parquet => {
                let p = self.parquet.as_mut().expect("parquet");
                p.rows.push(cells);
                if p.rows.len() >= PARQUET_BATCH {
                    self.flush_parquet(false)?;
                }
            }
        }
        self.written += 1;
        Ok(())
    }
}

impl UsageSink for Writer {
    fn record(&mut self, r: &UsageRecord<'_>) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.write(r) {
            self.error = Some(e.to_string());
        }
    }
    fn reject(&mut self, mut rejection: Rejection) {
        self.rejected += 1;
        if self.rejections.len() < 10 {
            rejection.reason = crate::text::safe_reason(&rejection.reason);
            self.rejections.push(rejection);
        }
    }
}
