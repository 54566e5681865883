//! Parquet bills: AWS CUR 2.0 and FOCUS exports written as Parquet, Azure's Parquet exports,
//! and Google's billing export saved as Parquet. Every row becomes a JSON object (records as
//! objects, repeated fields as arrays, a Parquet MAP as an object), then the format's own
//! reader reads it: the same rules as CSV and JSON lines, one code path per format.
//!
//! Amounts: Parquet bills write money as binary doubles (AWS, Google). A double is read to 10
//! significant digits, the precision the providers' own pipelines keep, so the noise of binary
//! floating point (`2.5038750000000003`) does not become cents on a reconciliation.

use std::path::Path;

use polars::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::{format_error, Bill, BillFormat};
use crate::readers::ReadError;

/// A double as exact decimal text to 10 significant digits (`2.5038750000000003` ->
/// `2.503875`); `None` for NaN and infinities.
pub fn double_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v == 0.0 {
        return Some("0".into());
    }
    crate::text::json::decimal_text(&format!("{v:.9e}"), 0).map(|d| d.normalize().to_string())
}

/// The values of a column, one per row.
fn values(s: &Series) -> PolarsResult<Vec<Value>> {
    let n = s.len();
    Ok(match s.dtype() {
        DataType::Struct(fields) => {
            let ca = s.struct_()?;
            let subs: Vec<Vec<Value>> = ca
                .fields_as_series()
                .iter()
                .map(values)
                .collect::<PolarsResult<_>>()?;
            (0..n)
                .map(|i| {
                    let mut m = Map::new();
                    for (f, col) in fields.iter().zip(&subs) {
                        m.insert(
                            f.name().to_string(),
                            col.get(i).cloned().unwrap_or(Value::Null),
                        );
                    }
                    Value::Object(m)
                })
                .collect()
        }
        DataType::List(_) => {
            let ca = s.list()?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match ca.get_as_series(i) {
                    Some(inner) => Value::Array(values(&inner)?),
                    None => Value::Null,
                });
            }
            out
        }
        DataType::Float32 | DataType::Float64 => {
            let f = s.cast(&DataType::Float64)?;
            f.f64()?
                .iter()
                .map(|v| v.and_then(double_text).map_or(Value::Null, Value::String))
                .collect()
        }
        // Instants by their physical value (a zone-aware column cannot be cast to text here):
        // UTC, RFC 3339.
        DataType::Datetime(unit, _) => {
            let per_us = |v: i64| match unit {
                TimeUnit::Nanoseconds => Some(v.div_euclid(1_000)),
                TimeUnit::Microseconds => Some(v),
                TimeUnit::Milliseconds => v.checked_mul(1_000),
            };
            let phys = s.to_physical_repr();
            phys.i64()?
                .iter()
                .map(|v| {
                    v.and_then(per_us).map_or(Value::Null, |us| {
                        Value::String(crate::usage::format_timestamp_us(us))
                    })
                })
                .collect()
        }
        DataType::Date => {
            let phys = s.to_physical_repr();
            phys.i32()?
                .iter()
                .map(|v| {
                    v.map_or(Value::Null, |d| {
                        Value::String(crate::usage::format_day(d as i64))
                    })
                })
                .collect()
        }
        DataType::Boolean => s
            .bool()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::Bool))
            .collect(),
        _ => {
            let t = s.cast(&DataType::String)?;
            t.str()?
                .iter()
                .map(|v| v.map_or(Value::Null, |x| Value::String(x.to_string())))
                .collect()
        }
    })
}

/// A key-value list (how a Parquet MAP reads) as an object; anything else as it is.
fn maps_as_objects(v: Value) -> Value {
    match v {
        Value::Array(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|x| x.get("key").is_some() && x.get("value").is_some()) =>
        {
            let mut m = Map::new();
            for x in items {
                let k = match &x["key"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                m.insert(k, x["value"].clone());
            }
            Value::Object(m)
        }
        other => other,
    }
}

/// A file's column names and its rows as JSON objects, each with its row number.
pub type Rows = (Vec<String>, Vec<(u64, Value)>);

/// Reads a Parquet file's rows as JSON objects, each with its row number.
pub fn rows(path: &Path, bytes: Vec<u8>) -> Result<Rows, ReadError> {
    let fail = |m: String| format_error(path, m);
    // A damaged file must be its error, not an abort (see `parquet_pages`).
    let df = crate::readers::parquet_pages::frame(&path.display().to_string(), bytes)?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut cols = Vec::with_capacity(header.len());
    for (c, name) in df.columns().iter().zip(&header) {
        let v = values(c.as_materialized_series())
            .map_err(|e| fail(format!("column {}: {e}", crate::text::printable(name))))?;
        if v.len() != df.height() {
            return Err(fail(format!(
                "damaged file: column {} has {} values for {} rows",
                crate::text::printable(name),
                v.len(),
                df.height()
            )));
        }
        cols.push(v);
    }
    let rows = (0..df.height())
        .map(|i| {
            let mut m = Map::new();
            for (name, col) in header.iter().zip(&mut cols) {
                m.insert(name.clone(), maps_as_objects(std::mem::take(&mut col[i])));
            }
            (i as u64 + 1, Value::Object(m))
        })
        .collect();
    Ok((header, rows))
}

/// The text of a cell for the CSV-shaped readers: strings as they are, objects and arrays as
/// JSON (a CUR `product` map reads like its CSV form).
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The format of a Parquet bill, from its columns.
pub fn detect(path: &Path, header: &[String]) -> Result<BillFormat, ReadError> {
    super::by_columns(|c: &str| header.iter().any(|h| h == c)).ok_or_else(|| {
        format_error(
            path,
            "a Parquet file that is no bill tokenledger reads (no line_item_usage_type, BilledCost, MeterName or sku column)",
        )
    })
}

/// Reads a Parquet bill into `bill` (format `f`, or detected); returns its format and total.
pub fn read(
    path: &Path,
    bytes: Vec<u8>,
    f: BillFormat,
    bill: &mut Bill,
) -> Result<(BillFormat, Decimal), ReadError> {
    let (header, rows) = rows(path, bytes)?;
    let f = match f {
        BillFormat::Auto => detect(path, &header)?,
        f => f,
    };
    let total = match f {
        BillFormat::GcpBilling => super::gcp::read_rows(path, &rows, bill)?,
        BillFormat::AwsCur | BillFormat::Focus | BillFormat::AzureCost => {
            let records = rows
                .iter()
                .map(|(n, v)| {
                    let cells: Vec<String> = header.iter().map(|h| cell(&v[h.as_str()])).collect();
                    (*n, csv::StringRecord::from(cells))
                })
                .collect();
            let t = super::table::Table::from_rows(&header, records);
            match f {
                BillFormat::AwsCur => super::aws::read_table(path, &t, bill)?,
                BillFormat::Focus => super::focus::read_table(path, &t, bill)?,
                _ => super::azure::read_table(path, &t, bill)?,
            }
        }
        other => {
            return Err(format_error(
                path,
                format!(
                    "{} is not written as Parquet; read it as JSON",
                    other.as_str()
                ),
            ))
        }
    };
    Ok((f, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_read_to_ten_significant_digits() {
        assert_eq!(double_text(2.5038750000000003).as_deref(), Some("2.503875"));
        assert_eq!(double_text(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(double_text(0.0000054).as_deref(), Some("0.0000054"));
        assert_eq!(double_text(-5.0).as_deref(), Some("-5"));
        assert_eq!(double_text(576.0).as_deref(), Some("576"));
        assert_eq!(double_text(f64::NAN), None);
    }
}
