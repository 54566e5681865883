//! Reads an aggregate table (the result of `tokenledger sql`'s query, saved by the engine as
//! CSV or Parquet) into typed rows. Sums arrive as text and are converted with checks: an empty, signed,
//! fractional or too large sum is an error naming the file, line and column, never a silent
//! zero or a wrapped number.

use std::path::Path;

use super::ReadError;
use crate::usage::aggregate::{columns as acol, AggregateFile, AggregateRow, Kind, Manifest};
use crate::usage::parse_date_days;

/// Reads one aggregate file: Parquet when it starts with Parquet's magic bytes, else CSV.
pub fn read(path: &Path) -> Result<AggregateFile, ReadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound { path: name.clone() },
        _ => ReadError::Io {
            path: name.clone(),
            source: e,
        },
    })?;
    if bytes.starts_with(b"PAR1") {
        return parse_parquet(&name, bytes);
    }
    parse(&name, &bytes)
}

/// Parses an aggregate table saved as Parquet (DuckDB `COPY ... TO 'x.parquet'`, Spark
/// `df.write.parquet`): every column as text, then the CSV rules. Integer and DECIMAL(p,0)
/// columns keep every digit; a floating-point column is refused (DuckDB writes HUGEINT as
/// DOUBLE, which has lost digits before tokenledger sees it). Errors name the row.
pub fn parse_parquet(name: &str, bytes: Vec<u8>) -> Result<AggregateFile, ReadError> {
    use polars::prelude::*;
    let fail = |message: String| ReadError::Format {
        path: name.to_string(),
        message,
    };
    // A damaged file can trip a decoder assertion (found by fuzz/, target `aggregates`), or
    // make polars' allocation abort the process: that file's error, not a crash.
    let df = super::parquet_pages::frame(name, bytes)?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut columns: Vec<Vec<Option<String>>> = Vec::with_capacity(header.len());
    for (c, name_c) in df.columns().iter().zip(&header) {
        let dtype = c.dtype();
        if dtype.is_float() {
            return Err(fail(format!(
                "column {name_c}: floating point ({dtype}) cannot hold exact sums; have the engine \
                 write DECIMAL(38,0) or integers (the query does), or save the result as CSV"
            )));
        }
        let text = c
            .as_materialized_series()
            .cast(&DataType::String)
            .map_err(|e| {
                fail(format!(
                    "column {name_c}: {dtype} is not readable as text: {e}"
                ))
            })?;
        let text = text
            .str()
            .map_err(|e| fail(format!("column {name_c}: {e}")))?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        columns.push(text);
    }
    // A damaged file can decode a column shorter than the frame: its error, not a panic.
    if let Some((i, c)) = columns
        .iter()
        .enumerate()
        .find(|(_, c)| c.len() != df.height())
    {
        return Err(fail(format!(
            "damaged file: column {} has {} values for {} rows",
            crate::text::printable(header.get(i).map_or("?", String::as_str)),
            c.len(),
            df.height()
        )));
    }
    let rows = (0..df.height()).map(|r| {
        Ok(csv::StringRecord::from(
            columns
                .iter()
                .map(|c| c.get(r).cloned().flatten().unwrap_or_default())
                .collect::<Vec<String>>(),
        ))
    });
    parse_records(name, "row", header, rows)
}

/// Parses the bytes of an aggregate CSV named `name`: RFC 4180 quoting (quotes doubled), or,
/// when that does not parse, the backslash-escaped quotes Spark's CSV writer uses by default.
pub fn parse(name: &str, bytes: &[u8]) -> Result<AggregateFile, ReadError> {
    match parse_with(name, bytes, false) {
        Ok(f) => Ok(f),
        Err(first) => parse_with(name, bytes, true).map_err(|_| first),
    }
}

fn parse_with(name: &str, bytes: &[u8], backslash: bool) -> Result<AggregateFile, ReadError> {
    let fail = |line: u64, message: String| ReadError::Format {
        path: name.to_string(),
        message: format!("line {line}: {message}"),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .escape(backslash.then_some(b'\\'))
        .from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let records = rdr.into_records();
    parse_records(name, "line", header, records)
}

/// The rows of an aggregate table (header first, then records numbered from 2 as CSV lines;
/// `unit` is what the messages call a position: line, or row for Parquet).
fn parse_records(
    name: &str,
    unit: &str,
    header: Vec<String>,
    records: impl Iterator<Item = Result<csv::StringRecord, csv::Error>>,
) -> Result<AggregateFile, ReadError> {
    let fail = |line: u64, message: String| ReadError::Format {
        path: name.to_string(),
        message: match (unit, line) {
            ("line", _) => format!("line {line}: {message}"),
            (_, 1) => format!("columns: {message}"),
            _ => format!("{unit} {}: {message}", line - 1),
        },
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let pos = |c: &str| header.iter().position(|h| h == c);
    let need = |c: &str| {
        pos(c).ok_or_else(|| {
            fail(
                1,
                format!("no {c:?} column: not the result of a `tokenledger sql` query"),
            )
        })
    };
    let kind_i = need(acol::KIND)?;
    let reason_i = need(acol::REASON)?;
    // The keys, then minute_us, first_us, last_us.
    let fixed: Vec<usize> = acol::KEYS
        .iter()
        .chain(&[acol::MINUTE_US, acol::FIRST_US, acol::LAST_US])
        .map(|c| need(c))
        .collect::<Result<_, _>>()?;
    let measures: Vec<usize> = acol::MEASURES
        .iter()
        .map(|c| need(c))
        .collect::<Result<_, _>>()?;
    // The dimension columns, in order (`d_1_user`, `d_2_team`, ...).
    let dim_cols: Vec<usize> = (1..)
        .map_while(|i| {
            let prefix = format!("{}{i}_", acol::DIM_PREFIX);
            header.iter().position(|h| h.starts_with(&prefix))
        })
        .collect();

    let mut manifest: Option<Manifest> = None;
    let mut rows = Vec::new();
    for (i, rec) in records.enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| fail(line, e.to_string()))?;
        let get = |c: usize| rec.get(c).map(str::trim).filter(|s| !s.is_empty());
        let text = |c: usize| get(c).map(str::to_string);
        let column = |c: usize| header[c].as_str();
        let kind_text = get(kind_i).unwrap_or("");
        let kind = Kind::parse(kind_text)
            .ok_or_else(|| fail(line, format!("unknown kind {:?}", kind_text)))?;
        if kind == Kind::Manifest {
            let json = get(reason_i).unwrap_or("");
            let m: Manifest = serde_json::from_str(json)
                .map_err(|e| fail(line, format!("the manifest is not readable: {e}")))?;
            if manifest.is_some() {
                return Err(fail(line, "a second manifest (were two results concatenated? pass them as separate --aggregates files)".into()));
            }
            manifest = Some(m);
            continue;
        }
        let int = |c: usize| -> Result<Option<i64>, ReadError> {
            get(c)
                .map(|s| {
                    s.parse::<i64>()
                        .map_err(|_| fail(line, format!("{}: {s:?} is not an integer", column(c))))
                })
                .transpose()
        };
        let small = |c: usize, max: i64| -> Result<i64, ReadError> {
            match int(c)? {
                Some(v) if (0..=max).contains(&v) => Ok(v),
                Some(v) => Err(fail(line, format!("{}: {v} is out of range", column(c)))),
                None if matches!(kind, Kind::Cell | Kind::Side) => {
                    Err(fail(line, format!("{}: empty in a cell row", column(c))))
                }
                None => Ok(0),
            }
        };
        let day = match get(fixed[0]) {
            None => None,
            Some(s) => Some(
                parse_date_days(s.get(..10).unwrap_or(s))
                    .and_then(|d| i32::try_from(d).ok())
                    .ok_or_else(|| fail(line, format!("local_day: {s:?} is not a date")))?,
            ),
        };
        let mut row = AggregateRow {
            line,
            kind,
            reason: text(reason_i),
            day,
            epoch: None,
            provider: text(fixed[2]),
            model: text(fixed[3]),
            region: text(fixed[4]),
            batch: small(fixed[5], 1)? == 1,
            failed: small(fixed[6], 1)? == 1,
            service_tier: text(fixed[7]),
            window_mask: small(fixed[8], i64::MAX)? as u64,
            long_context: match small(fixed[9], 2)? {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            },
            multi: small(fixed[10], 1)? == 1,
            prompt_bucket: small(fixed[11], 255)? as u8,
            dims: dim_cols.iter().map(|&c| text(c)).collect(),
            minute_us: int(fixed[12])?,
            first_us: int(fixed[13])?,
            last_us: int(fixed[14])?,
            measures: Default::default(),
        };
        if matches!(kind, Kind::Cell | Kind::Side) {
            row.epoch = Some(small(fixed[1], u32::MAX as i64)? as u32);
            if row.day.is_none() || row.provider.is_none() || row.model.is_none() {
                return Err(fail(
                    line,
                    "a cell without local_day, provider or model".into(),
                ));
            }
        }
        // Only cells and minutes carry token sums; every kind carries its row count.
        let summed = matches!(kind, Kind::Cell | Kind::Minute | Kind::Side);
        for (k, (slot, &c)) in row
            .measures
            .values_mut()
            .into_iter()
            .zip(&measures)
            .enumerate()
        {
            match get(c) {
                Some(s) => *slot = sum(s).map_err(|e| fail(line, format!("{}: {e}", column(c))))?,
                None if summed || k == 0 => {
                    return Err(fail(
                        line,
                        format!(
                            "{}: empty (the engine returned NULL: an overflow?)",
                            column(c)
                        ),
                    ))
                }
                None => {}
            }
        }
        check_row(&row).map_err(|e| fail(line, e.to_string()))?;
        rows.push(row);
    }
    let manifest = manifest.ok_or_else(|| ReadError::Format {
        path: name.to_string(),
        message: "no manifest row: not the complete result of a `tokenledger sql` query".into(),
    })?;
    if manifest.dims.len() != dim_cols.len() {
        return Err(fail(
            1,
            format!(
                "{} dimension columns, but the manifest names {}",
                dim_cols.len(),
                manifest.dims.len()
            ),
        ));
    }
    // Each dimension column under the name the query gave it: a renamed column (another
    // dimension's values under this one's name) is refused, not summed as this dimension.
    for (i, (&c, d)) in dim_cols.iter().zip(&manifest.dims).enumerate() {
        let want = acol::dim(i, d);
        if header[c] != want {
            return Err(fail(
                1,
                format!(
                    "column {:?} where the manifest's dimension {} ({:?}) should be {want:?}",
                    crate::text::printable(&header[c]),
                    i + 1,
                    crate::text::printable(d)
                ),
            ));
        }
    }
    Ok(AggregateFile {
        path: name.to_string(),
        manifest,
        rows,
    })
}

/// The rules every source row keeps, checked on a row of sums (a cell's sums keep them
/// exactly when each of its rows did): cached tokens within the input, the 1-hour writes
/// within the writes, reasoning within the output, no sum over its rows times the per-row cap,
/// a cell's instants in order, a minute row on a minute. The checks the book and the period
/// decide (epoch, day, thresholds) are the engine's (`engine::import`).
fn check_row(row: &AggregateRow) -> Result<(), RowError> {
    use crate::usage::MAX_COUNT;
    if row.kind == Kind::Manifest {
        return Ok(());
    }
    let m = &row.measures;
    if m.rows == 0 {
        return Err(RowError::NoRows);
    }
    if !matches!(row.kind, Kind::Cell | Kind::Side | Kind::Minute) {
        return Ok(());
    }
    let cap = u128::from(m.rows) * u128::from(MAX_COUNT);
    let values = [
        m.requests,
        m.input_tokens,
        m.cache_read_tokens,
        m.cache_write_tokens,
        m.cache_write_1h_tokens,
        m.output_tokens,
        m.reasoning_tokens,
    ];
    for (name, v) in acol::MEASURES[1..].iter().zip(values) {
        if u128::from(v) > cap {
            return Err(RowError::OverCap {
                name,
                value: v,
                rows: m.rows,
            });
        }
    }
    let cached = u128::from(m.cache_read_tokens) + u128::from(m.cache_write_tokens);
    if cached > u128::from(m.input_tokens) {
        return Err(RowError::CacheOverInput(
            m.cache_read_tokens,
            m.cache_write_tokens,
            m.input_tokens,
        ));
    }
    if m.cache_write_1h_tokens > m.cache_write_tokens {
        return Err(RowError::OneHourOverWrites(
            m.cache_write_1h_tokens,
            m.cache_write_tokens,
        ));
    }
    if m.reasoning_tokens > m.output_tokens {
        return Err(RowError::ReasoningOverOutput(
            m.reasoning_tokens,
            m.output_tokens,
        ));
    }
    match row.kind {
        Kind::Minute => {
            let minute = row.minute_us.ok_or(RowError::NoMinute)?;
            if minute.rem_euclid(60_000_000) != 0 {
                return Err(RowError::NotAMinute(minute));
            }
            // A minute row counts single requests.
            if m.requests != m.rows {
                return Err(RowError::MinuteRequests(m.requests, m.rows));
            }
        }
        _ => match (row.first_us, row.last_us) {
            (Some(a), Some(b)) if a <= b => {}
            (Some(a), Some(b)) => return Err(RowError::OutOfOrder(a, b)),
            _ => return Err(RowError::NoInstants),
        },
    }
    Ok(())
}

/// A row of sums no query over valid logs returns (see [`check_row`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum RowError {
    #[error("rows_: 0 (every row of the result counts at least one source row)")]
    NoRows,
    #[error("{name}: {value} over {rows} rows is more than {max} a row (the most one row may hold)", max = crate::usage::MAX_COUNT)]
    OverCap {
        name: &'static str,
        value: u64,
        rows: u64,
    },
    #[error("cache_read_tokens + cache_write_tokens ({0} + {1}) exceed input_tokens ({2}): no row's cached tokens can")]
    CacheOverInput(u64, u64, u64),
    #[error("cache_write_1h_tokens ({0}) exceed cache_write_tokens ({1}): they are a subset")]
    OneHourOverWrites(u64, u64),
    #[error("reasoning_tokens ({0}) exceed output_tokens ({1}): they are a subset")]
    ReasoningOverOutput(u64, u64),
    #[error("minute_us: empty in a minute row")]
    NoMinute,
    #[error("minute_us: {0} is not the start of a minute")]
    NotAMinute(i64),
    #[error("requests ({0}) differ from rows_ ({1}) in a minute row of single requests")]
    MinuteRequests(u64, u64),
    #[error("first_us ({0}) after last_us ({1})")]
    OutOfOrder(i64, i64),
    #[error("first_us or last_us: empty in a cell row")]
    NoInstants,
}

/// A sum as an engine writes it (`123`, or `123.0` from a decimal with a scale), checked
/// into `u64`.
fn sum(s: &str) -> Result<u64, SumError> {
    let int = match s.split_once('.') {
        Some((i, f)) if f.bytes().all(|b| b == b'0') => i,
        Some(_) => return Err(SumError::NotWhole(s.to_string())),
        None => s,
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SumError::NotANumber(s.to_string()));
    }
    int.trim_start_matches('0')
        .parse::<u64>()
        .or_else(|e| match e.kind() {
            std::num::IntErrorKind::Empty => Ok(0),
            _ => Err(SumError::TooLarge(s.to_string())),
        })
}

/// A sum that cannot be held exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum SumError {
    #[error("{0:?} is not a whole number")]
    NotWhole(String),
    #[error("{0:?} is not a non-negative whole number")]
    NotANumber(String),
    #[error("{0:?} is larger than {max} (the largest sum tokenledger holds)", max = u64::MAX)]
    TooLarge(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_backslash_escapes_are_read_too() {
        let m = r#"{"format":"tokenledger-aggregates/1","tokenledger":"0","dialect":"spark","log_format":"canonical","tz":"UTC","from_us":null,"to_us":null,"dims":[],"dedupe":"first","per_minute":false,"book":"x"}"#;
        let header = "kind,reason,local_day,price_epoch,provider,model,region,batch,failed,service_tier,window_mask,long_context,multi,prompt_bucket,minute_us,first_us,last_us,rows_,requests,input_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens";
        let tail = ",,,,,,,,,,,,,,,,0,,,,,,,";
        let doubled = format!("{header}\nmanifest,\"{}\"{tail}\n", m.replace('"', "\"\""));
        let backslashed = format!("{header}\nmanifest,\"{}\"{tail}\n", m.replace('"', "\\\""));
        let a = parse("a.csv", doubled.as_bytes()).unwrap();
        let b = parse("b.csv", backslashed.as_bytes()).unwrap();
        assert_eq!(a.manifest, b.manifest);
        assert_eq!(a.manifest.dialect, "spark");
    }

    #[test]
    fn sums_are_checked_not_wrapped() {
        assert_eq!(sum("0"), Ok(0));
        assert_eq!(sum("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(sum("12.000"), Ok(12));
        assert!(sum("18446744073709551616").is_err());
        assert!(sum("99999999999999999999999999999999999999999").is_err());
        assert!(sum("-1").is_err());
        assert!(sum("+1").is_err());
        assert!(sum("1.5").is_err());
        assert!(sum("1e3").is_err());
    }
}
