//! The canonical request-log schema as CSV (with header), JSONL (one object per line) and
//! Parquet. All three share one row validator, [`build_record`], so a value means the same in
//! every encoding; `blocks` reads large plain CSV on all cores, `write` writes the schema
//! (`convert`).

use std::borrow::Cow;

pub mod batch;
pub mod blocks;
pub mod row;
mod split;

pub use row::{build_record, Layout, RawFields, Triage};

use super::{LogFile, ReadError, ReadOptions, Rejection, UsageSink};
use crate::text::lines::{recoverable, CsvStep};
use crate::usage::{col, FieldError, UsageRecord};

/// Reads a canonical CSV file (header required).
pub fn read_csv(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.name();
    let (mut rows, headers) = crate::readers::csv_with_header(file, opts)?;
    let layout = Layout::new(&headers, opts, &path)?;
    // Large plain files are validated on all cores (same validator, same results).
    let big = std::fs::metadata(&file.path).is_ok_and(|m| m.len() >= opts.parallel_min_bytes);
    // What the block reader read when it stopped at a block that is not plain: the rows before
    // (the same bytes, read again here, are skipped).
    let mut done = (0u64, 0u64);
    if !file.gzip && big && blocks::suitable(file, &layout, opts.max_line_bytes)? {
        match blocks::read(file, layout.clone(), opts, sink)? {
            blocks::Done::All => return Ok(()),
            blocks::Done::Until { offset, line } => done = (offset, line),
        }
    }
    while let Some(step) = rows.next_step() {
        let r = match step {
            CsvStep::Record(r) if r.record.position().map_or(0, |p| p.byte()) < done.0 => continue,
            CsvStep::Record(r) => r,
            CsvStep::Error { line, .. } if line < done.1 => continue,
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
            if let Some(v) = obj.get(opts.source_of(name)) {
                match json_scalar(v) {
                    Ok(s) => owned[i] = s,
                    Err(e) => return reject(sink, name, e.into()),
                }
            }
        }
        let mut extra_owned: Vec<(&str, Cow<str>)> = Vec::new();
        for w in &opts.wanted_extras {
            if let Some(Ok(Some(s))) = obj.get(opts.source_of(w)).map(json_scalar) {
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

/// Reads a canonical Parquet file a few row groups at a time (memory stays flat in the file's
/// size), reading only the columns the report uses. Typed columns are validated by the one row
/// validator: integers and booleans are written as text into a per-row scratch buffer (no string
/// columns are materialised), timestamps as RFC 3339 (naive timestamps are UTC).
pub fn read_parquet(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    use polars::prelude::*;
    /// Rows per batch: whole row groups up to about this many rows.
    const BATCH_ROWS: usize = 65_536;
    let path = file.name();
    let fmt_err = |e: PolarsError| ReadError::Format {
        path: path.clone(),
        message: e.to_string(),
    };
    let open = || {
        std::fs::File::open(&file.path).map_err(|e| ReadError::Io {
            path: path.clone(),
            source: e,
        })
    };
    // The footer first: a damaged list length there would make polars' allocation abort.
    let damaged = |message: &dyn std::fmt::Display| ReadError::Format {
        path: path.clone(),
        message: format!("damaged file: {message}"),
    };
    crate::readers::caught(|| super::parquet_pages::check_footer_file(&file.path))
        .map_err(|p| damaged(&p))?
        .map_err(|d| damaged(&d))?;
    let mut reader = ParquetReader::new(open()?);
    let schema = reader.schema().map_err(fmt_err)?;
    let all: Vec<String> = schema.iter_names().map(|s| s.to_string()).collect();
    let metadata = reader.get_metadata().map_err(fmt_err)?.clone();
    // Only the canonical columns and the extras asked for.
    let wanted: Vec<String> = all
        .iter()
        .filter(|n| {
            let n = opts.mapped(n).trim();
            row::known_index(n).is_some() || opts.wanted_extras.iter().any(|w| w == n)
        })
        .cloned()
        .collect();
    let layout = Layout::new(&wanted, opts, &path)?;
    // Page headers first: a damaged value count would make polars' allocation abort the process.
    crate::readers::caught(|| {
        super::parquet_pages::check_file(&file.path, |n| wanted.iter().any(|w| w == n))
    })
    .map_err(|p| damaged(&p))?
    .map_err(|d| damaged(&d))?;
    // Batches of whole row groups.
    let mut batches: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut len) = (0usize, 0usize);
    for rg in &metadata.row_groups {
        if len > 0 && len + rg.num_rows() > BATCH_ROWS {
            batches.push((start, len));
            start += len;
            len = 0;
        }
        len += rg.num_rows();
    }
    if len > 0 {
        batches.push((start, len));
    }
    let names: Vec<String> = layout.extras.iter().map(|(n, _)| n.clone()).collect();
    // The footer says how many rows come: the dedupe set is sized once for them.
    sink.expect_rows(metadata.num_rows as u64);
    // Worker threads (one per core, at most four) decode and validate batches, worker w the
    // batches w, w + n, ...; this thread aggregates them in file order as they come.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let gate = Gate::default();
    std::thread::scope(|scope| -> Result<(), ReadError> {
        type Done = (usize, Result<batch::OwnedBatch, ReadError>);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Done>(workers);
        let (wanted, metadata, layout, path) = (&wanted, &metadata, &layout, &path);
        let (open, fmt_err, batches) = (&open, &fmt_err, &batches);
        // How many batches this thread has delivered: a worker waits before decoding a batch
        // more than one round ahead of it, so memory stays bounded whatever the workers' pace.
        let gate = &gate;
        let _open_on_exit = GateGuard(gate);
        for w in 0..workers {
            let tx = tx.clone();
            scope.spawn(move || {
                let mut scratch = String::new();
                let mut spans: Vec<Option<(usize, usize)>> = vec![None; wanted.len()];
                let counts = layout.count_columns();
                for (k, &(offset, rows)) in batches.iter().enumerate().skip(w).step_by(workers) {
                    if !gate.wait_until(k.saturating_sub(workers)) {
                        return;
                    }
                    // A decoder panic on a damaged file (polars') becomes this file's error here,
                    // in the worker, with its message (not "a scoped thread panicked").
                    let batch = crate::readers::caught(|| {
                        open().and_then(|f| {
                            let mut r = ParquetReader::new(f)
                                .with_columns(Some(wanted.clone()))
                                .with_slice(Some((offset, rows)));
                            r.set_metadata(metadata.clone());
                            let df = r.finish().map_err(fmt_err)?;
                            let cols: Vec<ParquetColumn> = df
                                .columns()
                                .iter()
                                .map(|c| column(c.as_materialized_series()))
                                .collect::<PolarsResult<_>>()
                                .map_err(fmt_err)?;
                            // A damaged file can decode fewer columns than asked for, or a column
                            // shorter than the batch: that is the file's error, never an index past
                            // the end of the columns or of a column.
                            if cols.len() != wanted.len() {
                                return Err(ReadError::Format {
                                    path: path.clone(),
                                    message: format!(
                                        "damaged file: {} columns decoded where {} were asked for",
                                        cols.len(),
                                        wanted.len()
                                    ),
                                });
                            }
                            if let Some((c, n)) = df
                                .columns()
                                .iter()
                                .zip(&cols)
                                .map(|(c, v)| (c.name().to_string(), v.len()))
                                .find(|(_, n)| *n != df.height())
                            {
                                return Err(ReadError::Format {
                                    path: path.clone(),
                                    message: format!(
                                        "damaged file: column {} has {n} values for {} rows",
                                        crate::text::printable(&c),
                                        df.height()
                                    ),
                                });
                            }
                            let mut out = batch::OwnedBatch::default();
                            for row in 0..df.height() {
                                let line = (offset + row) as u64 + 1;
                                // Typed values of this row as text, in one buffer.
                                // (Unsigned count columns go to the validator as numbers.)
                                scratch.clear();
                                for (i, (c, span)) in cols.iter().zip(spans.iter_mut()).enumerate()
                                {
                                    *span = match c {
                                        ParquetColumn::Unsigned(_) if counts[i] => None,
                                        _ => c.write(row, &mut scratch),
                                    };
                                }
                                let get = |i: usize| match (&cols[i], spans[i]) {
                                    (ParquetColumn::Text(v), _) => v.get(row).copied().flatten(),
                                    (_, Some((a, b))) => Some(&scratch[a..b]),
                                    _ => None,
                                };
                                let count = |i: usize| match &cols[i] {
                                    ParquetColumn::Unsigned(v) if counts[i] => {
                                        v.get(row).copied().flatten()
                                    }
                                    _ => None,
                                };
                                match layout.record_typed(get, count) {
                                    Ok(r) => out.push(&r, layout),
                                    Err(e) => out.reject(line, e.field, e.reason),
                                }
                            }
                            Ok(out)
                        })
                    })
                    .unwrap_or_else(|what| {
                        Err(ReadError::Format {
                            path: path.clone(),
                            message: format!(
                                "damaged or unsupported file (the reader stopped: {})",
                                crate::text::safe_reason(&what.0)
                            ),
                        })
                    });
                    let failed = batch.is_err();
                    if tx.send((k, batch)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // In file order: a batch that arrives early waits; the first error (in file order)
        // ends the read.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (k, batch) in rx {
            waiting.insert(k, batch);
            while let Some(batch) = waiting.remove(&next) {
                batch?.deliver(path, &names, sink);
                next += 1;
                gate.set(next);
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Batches delivered so far, for workers to wait on ([`usize::MAX`]: stop).
#[derive(Default)]
struct Gate {
    delivered: std::sync::Mutex<usize>,
    moved: std::sync::Condvar,
}

impl Gate {
    fn set(&self, n: usize) {
        if let Ok(mut d) = self.delivered.lock() {
            *d = n;
        }
        self.moved.notify_all();
    }

    /// Waits until `n` batches are delivered; false when the reading stopped.
    fn wait_until(&self, n: usize) -> bool {
        let Ok(mut d) = self.delivered.lock() else {
            return false;
        };
        while *d < n {
            match self.moved.wait(d) {
                Ok(g) => d = g,
                Err(_) => return false,
            }
        }
        *d != usize::MAX
    }
}

/// Opens the gate for good when the consuming thread leaves (done, or on an error), so no
/// worker waits forever.
struct GateGuard<'a>(&'a Gate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        self.0.set(usize::MAX);
    }
}

/// One Parquet column of a batch, as the validator reads it.
enum ParquetColumn<'a> {
    Text(Vec<Option<&'a str>>),
    Unsigned(Vec<Option<u64>>),
    Signed(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    /// A timestamp in microseconds (`None`: out of range, or null).
    Micros(Vec<Option<Result<i64, i64>>>),
    /// Anything else, cast to text by polars.
    Owned(Vec<Option<String>>),
}

impl ParquetColumn<'_> {
    /// Appends row `row`'s value to `buf` unless the column holds text; returns its span.
    fn write(&self, row: usize, buf: &mut String) -> Option<(usize, usize)> {
        use std::fmt::Write;
        let start = buf.len();
        match self {
            ParquetColumn::Text(_) => return None,
            ParquetColumn::Unsigned(v) => buf.push_str(itoa::Buffer::new().format((*v.get(row)?)?)),
            ParquetColumn::Signed(v) => buf.push_str(itoa::Buffer::new().format((*v.get(row)?)?)),
            ParquetColumn::Bool(v) => buf.push_str(if (*v.get(row)?)? { "true" } else { "false" }),
            ParquetColumn::Micros(v) => match (*v.get(row)?)? {
                Ok(us) => buf.push_str(&crate::usage::format_timestamp_us(us)),
                // Out of range: left as text the timestamp parser rejects.
                Err(raw) => {
                    let _ = write!(buf, "{raw} (out of range)");
                }
            },
            ParquetColumn::Owned(v) => buf.push_str(v.get(row)?.as_deref()?),
        }
        Some((start, buf.len()))
    }

    /// How many values the column holds.
    fn len(&self) -> usize {
        match self {
            ParquetColumn::Text(v) => v.len(),
            ParquetColumn::Unsigned(v) => v.len(),
            ParquetColumn::Signed(v) => v.len(),
            ParquetColumn::Bool(v) => v.len(),
            ParquetColumn::Micros(v) => v.len(),
            ParquetColumn::Owned(v) => v.len(),
        }
    }
}

fn column(s: &polars::prelude::Series) -> polars::prelude::PolarsResult<ParquetColumn<'_>> {
    use polars::prelude::*;
    Ok(match s.dtype() {
        DataType::String => ParquetColumn::Text(s.str()?.iter().collect()),
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            let u = s.cast(&DataType::UInt64)?;
            ParquetColumn::Unsigned(u.u64()?.iter().collect())
        }
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            let i = s.cast(&DataType::Int64)?;
            ParquetColumn::Signed(i.i64()?.iter().collect())
        }
        DataType::Boolean => ParquetColumn::Bool(s.bool()?.iter().collect()),
        DataType::Datetime(unit, _) => {
            let per_us: i64 = match unit {
                TimeUnit::Nanoseconds => 1000,
                TimeUnit::Microseconds => 1,
                TimeUnit::Milliseconds => -1000,
            };
            let phys = s.to_physical_repr().into_owned();
            ParquetColumn::Micros(
                phys.i64()?
                    .iter()
                    .map(|v| {
                        v.map(|v| {
                            if per_us > 0 {
                                Ok(v.div_euclid(per_us))
                            } else {
                                v.checked_mul(-per_us).ok_or(v)
                            }
                        })
                    })
                    .collect(),
            )
        }
        _ => match s.cast(&DataType::String) {
            Ok(t) => ParquetColumn::Owned(t.str()?.iter().map(|v| v.map(str::to_string)).collect()),
            Err(_) => ParquetColumn::Owned(vec![None; s.len()]),
        },
    })
}
