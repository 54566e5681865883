//! The canonical request-log schema as CSV (with header), JSONL (one object per line) and
//! Parquet. All three share one row validator, [`build_record`], so a value means the same in
//! every encoding.

use std::borrow::Cow;
use std::io::Read;

use super::{open, LogFile, ReadError, ReadOptions, Rejection, UsageSink};
use crate::usage::{
    col, parse_bool, parse_count, parse_status, parse_timestamp_us, FieldError, UsageRecord,
};

/// Index of each canonical column in [`col::KNOWN`].
mod k {
    pub const TIMESTAMP: usize = 0;
    pub const PROVIDER: usize = 1;
    pub const MODEL: usize = 2;
    pub const INPUT: usize = 3;
    pub const OUTPUT: usize = 4;
    pub const CACHE_READ: usize = 5;
    pub const CACHE_WRITE: usize = 6;
    pub const REASONING: usize = 7;
    pub const REQUESTS: usize = 8;
    pub const REQUEST_ID: usize = 9;
    pub const STATUS: usize = 10;
    pub const USER: usize = 11;
    pub const PROJECT: usize = 12;
    pub const API_KEY: usize = 13;
    pub const REGION: usize = 14;
    pub const BATCH: usize = 15;
    pub const CACHE_WRITE_1H: usize = 16;
    pub const LONG_CONTEXT: usize = 17;
}

/// The raw text of the canonical fields of one row (`None` for absent or empty).
pub type RawFields<'a> = [Option<&'a str>; 18];

fn known_index(name: &str) -> Option<usize> {
    col::KNOWN.iter().position(|c| *c == name)
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    // Canonical values are ASCII where it matters; trim_ascii is much cheaper than trim().
    v.map(str::trim_ascii).filter(|s| !s.is_empty())
}

/// Validates one row's raw fields into a record. This is the single definition of what a valid
/// canonical row is.
pub fn build_record<'a>(
    f: &RawFields<'a>,
    extra: Vec<(&'a str, &'a str)>,
) -> Result<UsageRecord<'a>, FieldError> {
    let required = |i: usize| {
        non_empty(f[i]).ok_or_else(|| FieldError::new(col::KNOWN[i], "missing value (required)"))
    };
    let count = |i: usize, default: u64| match non_empty(f[i]) {
        None => Ok(default),
        Some(s) => parse_count(col::KNOWN[i], s),
    };
    let timestamp_us = parse_timestamp_us(required(k::TIMESTAMP)?)
        .map_err(|e| FieldError::new(col::TIMESTAMP, e))?;
    let provider = required(k::PROVIDER)?;
    let model = required(k::MODEL)?;
    let input_tokens = parse_count(col::INPUT_TOKENS, required(k::INPUT)?)?;
    let output_tokens = parse_count(col::OUTPUT_TOKENS, required(k::OUTPUT)?)?;
    let cache_read_tokens = count(k::CACHE_READ, 0)?;
    let cache_write_tokens = count(k::CACHE_WRITE, 0)?;
    let cache_write_1h_tokens = count(k::CACHE_WRITE_1H, 0)?;
    let reasoning_tokens = count(k::REASONING, 0)?;
    let requests = count(k::REQUESTS, 1)?;
    if cache_read_tokens.saturating_add(cache_write_tokens) > input_tokens {
        return Err(FieldError::new(
            col::CACHE_READ_TOKENS,
            format!(
                "cache_read_tokens + cache_write_tokens ({} + {}) exceed input_tokens ({}); input_tokens must include cached tokens",
                cache_read_tokens, cache_write_tokens, input_tokens
            ),
        ));
    }
    if cache_write_1h_tokens > cache_write_tokens {
        return Err(FieldError::new(
            col::CACHE_WRITE_1H_TOKENS,
            format!(
                "cache_write_1h_tokens ({cache_write_1h_tokens}) exceed cache_write_tokens ({cache_write_tokens}); they are a subset"
            ),
        ));
    }
    if reasoning_tokens > output_tokens {
        return Err(FieldError::new(
            col::REASONING_TOKENS,
            format!(
                "reasoning_tokens ({reasoning_tokens}) exceed output_tokens ({output_tokens}); output_tokens must include reasoning"
            ),
        ));
    }
    let status = parse_status(f[k::STATUS].unwrap_or(""))?;
    let batch = parse_bool(col::BATCH, f[k::BATCH].unwrap_or(""))?;
    let long_context = match non_empty(f[k::LONG_CONTEXT]) {
        None => None,
        Some(s) => Some(parse_bool(col::LONG_CONTEXT, s)?),
    };
    Ok(UsageRecord {
        timestamp_us,
        provider,
        model,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        reasoning_tokens,
        requests,
        request_id: non_empty(f[k::REQUEST_ID]),
        status,
        user: non_empty(f[k::USER]),
        project: non_empty(f[k::PROJECT]),
        api_key: non_empty(f[k::API_KEY]),
        region: non_empty(f[k::REGION]),
        batch,
        long_context,
        extra,
    })
}

struct Header {
    known: [Option<usize>; 18],
    /// (name, column index) of the extra columns a command asked for.
    extras: Vec<(String, usize)>,
}

impl Header {
    fn new(names: &[String], opts: &ReadOptions, path: &str) -> Result<Self, ReadError> {
        let mut known = [None; 18];
        let mut extras = Vec::new();
        for (i, raw) in names.iter().enumerate() {
            let name = raw.trim();
            if names[..i].iter().any(|n| n.trim() == name) {
                return Err(ReadError::Format {
                    path: path.to_string(),
                    message: format!("line 1: column {name:?} appears twice in the header"),
                });
            }
            match known_index(name) {
                Some(k) => known[k] = Some(i),
                None if opts.wanted_extras.iter().any(|w| w == name) => {
                    extras.push((name.to_string(), i))
                }
                None => {}
            }
        }
        Ok(Header { known, extras })
    }

    /// Validates one row, given the text of its column `i`.
    fn record<'a>(
        &'a self,
        get: impl Fn(usize) -> Option<&'a str>,
    ) -> Result<UsageRecord<'a>, FieldError> {
        let mut raw: RawFields = [None; 18];
        for (slot, idx) in raw.iter_mut().zip(self.known.iter()) {
            *slot = idx.and_then(&get);
        }
        let extra = self
            .extras
            .iter()
            .filter_map(|(n, i)| get(*i).map(|v| (n.as_str(), v)))
            .collect();
        build_record(&raw, extra)
    }

    fn missing_required(&self) -> Option<&'static str> {
        [k::TIMESTAMP, k::PROVIDER, k::MODEL, k::INPUT, k::OUTPUT]
            .into_iter()
            .find(|&i| self.known[i].is_none())
            .map(|i| col::KNOWN[i])
    }
}

/// Reads a canonical CSV file (header required).
pub fn read_csv(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.path.display().to_string();
    let (counting, lines) = super::lines::wrap(open(file)?);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(counting);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            return Err(ReadError::Format {
                path,
                message: format!("line 1: cannot read the CSV header: {e}"),
            })
        }
    };
    let header = Header::new(&headers, opts, &path)?;
    let missing = header.missing_required();
    // Large plain files are validated on all cores (same validator, same results).
    let big =
        std::fs::metadata(&file.path).is_ok_and(|m| m.len() >= super::parallel_csv::min_bytes());
    // Conditions under which splitting at newlines finds exactly the csv crate's records: no
    // quotes, no lone carriage returns, no blank lines before the header, a modest width.
    if !file.gzip
        && big
        && headers.len() <= super::parallel_csv::MAX_COLUMNS
        && super::parallel_csv::plain(file)?
    {
        let first = {
            let mut r = open(file)?;
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while r.read(&mut byte).map_err(|e| ReadError::Io {
                path: path.clone(),
                source: e,
            })? == 1
            {
                head.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            head.len()
        };
        let layout = super::parallel_csv::Layout {
            known: header.known,
            extras: header.extras.clone(),
            columns: headers.len(),
            missing,
        };
        return super::parallel_csv::read(file, layout, first, 1, opts, sink);
    }
    let mut rec = csv::StringRecord::new();
    loop {
        let end_line;
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            // The line is only worked out when a row is rejected (it costs a scan of the row).
            Ok(true) => end_line = lines.line_at(rdr.position().byte().saturating_sub(1)),
            Err(e) => {
                let line = lines.line_at(rdr.position().byte().saturating_sub(1));
                match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        sink.reject(Rejection {
                            file: path.clone(),
                            line,
                            field: "row".into(),
                            reason: "not valid UTF-8".into(),
                        });
                        continue;
                    }
                    _ => {
                        return Err(ReadError::Format {
                            path,
                            message: format!("line {line}: {e}"),
                        })
                    }
                }
            }
        }
        if rec.len() == 1 && rec.get(0).is_some_and(|s| s.trim().is_empty()) {
            continue; // a blank line
        }
        let line = || super::lines::record_line(end_line, &rec);
        if let Some(m) = missing {
            sink.reject(Rejection {
                file: path.clone(),
                line: line(),
                field: m.into(),
                reason: "required column is missing from the header".into(),
            });
            continue;
        }
        if rec.len() != headers.len() {
            sink.reject(Rejection {
                file: path.clone(),
                line: line(),
                field: "row".into(),
                reason: format!(
                    "expected {} fields as in the header, found {}",
                    headers.len(),
                    rec.len()
                ),
            });
            continue;
        }
        // A one-month report over a year of logs: rows of other months cost a timestamp parse.
        if opts.period.is_some() {
            let field = |k: usize| {
                header.known[k]
                    .and_then(|i| rec.get(i))
                    .map(str::trim_ascii)
                    .filter(|v| !v.is_empty())
            };
            // Rows with a request id are validated fully: an invalid row must not make a valid
            // one a duplicate.
            if let (Some(Ok(ts)), Some(provider), None) = (
                field(k::TIMESTAMP).map(parse_timestamp_us),
                field(k::PROVIDER),
                field(k::REQUEST_ID),
            ) {
                if opts.outside(ts) {
                    sink.outside(provider, None);
                    continue;
                }
            }
        }
        let result = header.record(|i| rec.get(i).filter(|v| !v.is_empty()));
        deliver(sink, &path, line, result);
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
    let path = file.path.display().to_string();
    // JSON Lines stream line by line; a `.json` array or pretty-printed objects work too.
    super::json::for_each_value(file, |line, v| {
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
            Err(e) => return reject(sink, "row", e),
        };
        let mut owned: [Option<Cow<str>>; 18] = Default::default();
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
        let mut raw: RawFields = [None; 18];
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
    let path = file.path.display().to_string();
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
    let header = Header::new(&names, opts, &path)?;
    let missing = header.missing_required();
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
        if let Some(m) = missing {
            sink.reject(Rejection {
                file: path.clone(),
                line,
                field: m.into(),
                reason: "required column is missing".into(),
            });
            continue;
        }
        let result = header.record(|i| text_cols[i].as_ref().and_then(|c| c.get(row)));
        deliver(sink, &path, || line, result);
    }
    Ok(())
}
