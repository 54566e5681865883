//! The canonical request-log schema as CSV (with header), JSONL (one object per line) and
//! Parquet. All three share one row validator, [`build_record`], so a value means the same in
//! every encoding; `blocks` reads large plain CSV on all cores, `write` writes the schema
//! (`convert`).

use std::borrow::Cow;

pub mod blocks;
pub mod row;
pub mod write;

pub use row::{build_record, Layout, RawFields, Triage};

use super::{open, LogFile, ReadError, ReadOptions, Rejection, UsageSink};
use crate::text::lines::{recoverable, CsvRows, CsvStep};
use crate::usage::{col, FieldError, UsageRecord};

/// Reads a canonical CSV file (header required).
pub fn read_csv(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.name();
    let mut rows = CsvRows::new(open(file, opts)?);
    let headers = rows.headers().map_err(|e| ReadError::Format {
        path: path.clone(),
        message: format!("line 1: cannot read the CSV header: {e}"),
    })?;
    let layout = Layout::new(&headers, opts, &path)?;
    // Large plain files are validated on all cores (same validator, same results).
    let big = std::fs::metadata(&file.path).is_ok_and(|m| m.len() >= opts.parallel_min_bytes);
    if !file.gzip && big && blocks::suitable(file, &layout)? {
        return blocks::read(file, layout, opts, sink);
    }
    while let Some(step) = rows.next_step() {
        let r = match step {
            CsvStep::Record(r) => r,
            CsvStep::Error { line, error } if recoverable(&error) => {
                sink.reject(Rejection {
                    file: path.clone(),
                    line,
                    field: "row".into(),
                    reason: "not valid UTF-8".into(),
                });
                continue;
            }
            CsvStep::Error { line, error } => {
                return Err(ReadError::Format {
                    path,
                    message: format!("line {line}: {error}"),
                })
            }
        };
        let rec = r.record;
        if rec.len() == 1 && rec.get(0).is_some_and(|s| s.trim().is_empty()) {
            continue; // a blank line
        }
        // The line is only worked out when a row is rejected (it costs a scan of the row).
        let line = || r.line();
        if let Some(m) = layout.missing {
            sink.reject(Rejection {
                file: path.clone(),
                line: line(),
                field: m.into(),
                reason: "required column is missing from the header".into(),
            });
            continue;
        }
        if rec.len() != layout.columns {
            sink.reject(Rejection {
                file: path.clone(),
                line: line(),
                field: "row".into(),
                reason: format!(
                    "expected {} fields as in the header, found {}",
                    layout.columns,
                    rec.len()
                ),
            });
            continue;
        }
        let get = |i: usize| rec.get(i).filter(|v| !v.is_empty());
        match layout.triage(get, opts) {
            Triage::Read => deliver(sink, &path, line, layout.record(get)),
            Triage::Outside(provider, ts) => sink.outside(provider, None, ts),
            Triage::Side(provider, ts) => match layout.record(get) {
                Ok(r) => sink.record(&r),
                Err(_) => sink.outside(provider, None, ts),
            },
        }
    }
    Ok(())
}

/// Hands a validated row to the sink, or its rejection with file and line.
fn deliver(
    sink: &mut dyn UsageSink,
    path: &str,
    line: impl FnOnce() -> u64,
    result: Result<UsageRecord<'_>, FieldError>,
) {
    match result {
        Ok(r) => sink.record(&r),
        Err(e) => sink.reject(Rejection {
            file: path.to_string(),
            line: line(),
            field: e.field,
            reason: e.reason,
        }),
    }
}

fn json_scalar(v: &serde_json::Value) -> Result<Option<Cow<'_, str>>, &'static str> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Array(_) | Value::Object(_) => return Err("expected a string, number or boolean"),
    })
}

/// Reads canonical JSONL: one JSON object per line; blank lines are skipped.
pub fn read_jsonl(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.name();
    // JSON Lines stream line by line; a `.json` array or pretty-printed objects work too.
    super::json::for_each_value(file, opts, |line, v| {
        let reject = |sink: &mut dyn UsageSink, field: &str, reason: String| {
            sink.reject(Rejection {
                file: path.clone(),
                line,
                field: field.into(),
                reason,
            })
        };
        let obj = match v {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => return reject(sink, "row", "expected a JSON object".into()),
            Err(e) => return reject(sink, "row", e.into()),
        };
        let mut owned: [Option<Cow<str>>; col::COUNT] = Default::default();
        for (i, name) in col::KNOWN.iter().enumerate() {
            if let Some(v) = obj.get(*name) {
                match json_scalar(v) {
                    Ok(s) => owned[i] = s,
                    Err(e) => return reject(sink, name, e.into()),
                }
            }
        }
        let mut extra_owned: Vec<(&str, Cow<str>)> = Vec::new();
        for w in &opts.wanted_extras {
            if let Some(Ok(Some(s))) = obj.get(w.as_str()).map(json_scalar) {
                extra_owned.push((w.as_str(), s));
            }
        }
        let mut raw: RawFields = [None; col::COUNT];
        for (slot, v) in raw.iter_mut().zip(owned.iter()) {
            *slot = v.as_deref();
        }
        let extra = extra_owned.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        match build_record(&raw, extra) {
            Ok(r) => sink.record(&r),
            Err(e) => reject(sink, &e.field, e.reason),
        }
    })
}

/// Reads a canonical Parquet file. Columns may be strings or numbers; timestamps may be strings
/// or a Parquet timestamp type (naive timestamps are UTC).
pub fn read_parquet(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    use polars::prelude::*;
    let path = file.name();
    let fmt_err = |e: PolarsError| ReadError::Format {
        path: path.clone(),
        message: e.to_string(),
    };
    let f = std::fs::File::open(&file.path).map_err(|e| ReadError::Io {
        path: path.clone(),
        source: e,
    })?;
    let df = ParquetReader::new(f).finish().map_err(fmt_err)?;
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let layout = Layout::new(&names, opts, &path)?;
    // Every column is turned into text and validated exactly like CSV.
    let mut text_cols: Vec<Option<StringChunked>> = Vec::with_capacity(names.len());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let t = match s.dtype() {
            DataType::Datetime(unit, _) => {
                let per_us = match unit {
                    TimeUnit::Nanoseconds => 1000,
                    TimeUnit::Microseconds => 1,
                    TimeUnit::Milliseconds => -1000,
                };
                let phys = s.to_physical_repr().into_owned();
                let ints = phys.i64().map_err(fmt_err)?;
                let strs: StringChunked = (0..ints.len())
                    .map(|i| ints.get(i))
                    .map(|v| {
                        v.map(|v| {
                            let us = if per_us > 0 {
                                Some(v.div_euclid(per_us))
                            } else {
                                v.checked_mul(-per_us)
                            };
                            // Out of range: left as text the timestamp parser rejects.
                            us.map_or_else(|| format!("{v} ms"), crate::usage::format_timestamp_us)
                        })
                    })
                    .collect();
                Some(strs)
            }
            _ => s
                .cast(&DataType::String)
                .ok()
                .map(|c| c.str().cloned())
                .transpose()
                .map_err(fmt_err)?,
        };
        text_cols.push(t);
    }
    for row in 0..df.height() {
        let line = row as u64 + 1;
        if let Some(m) = layout.missing {
            sink.reject(Rejection {
                file: path.clone(),
                line,
                field: m.into(),
                reason: "required column is missing".into(),
            });
            continue;
        }
        let result = layout.record(|i| text_cols[i].as_ref().and_then(|c| c.get(row)));
        deliver(sink, &path, || line, result);
    }
    Ok(())
}
