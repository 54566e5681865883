//! CSV bills read by column name (providers add, drop and reorder columns between versions),
//! and the values every bill shares: exact decimal amounts and UTC instants in the spellings
//! exports use.

use std::collections::HashMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::format_error;
use crate::readers::ReadError;

/// A CSV bill: its header and records, each with the line it starts on.
pub struct Table {
    index: HashMap<String, usize>,
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses `text` (a header, then records; RFC 4180 quoting). A header naming a column
    /// twice is refused: which one is meant cannot be told.
    pub fn parse(path: &Path, text: &str) -> Result<Table, ReadError> {
        use crate::text::lines::{CsvRows, CsvStep};
        let mut r = CsvRows::new(text.as_bytes());
        let header = r
            .headers()
            .map_err(|e| format_error(path, format!("line 1: {e}")))?;
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let mut rows = Vec::new();
        while let Some(step) = r.next_step() {
            match step {
                CsvStep::Record(rec) => {
                    if rec.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    rows.push((rec.line(), rec.record.clone()));
                }
                CsvStep::Error { line, error } => {
                    return Err(format_error(path, format!("line {line}: {error}")))
                }
            }
        }
        Ok(Table { index, rows })
    }

    /// A table of `header` and `rows` read elsewhere (a Parquet file's).
    pub fn from_rows(header: &[String], rows: Vec<(u64, csv::StringRecord)>) -> Table {
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Table { index, rows }
    }

    pub fn has(&self, col: &str) -> bool {
        self.index.contains_key(col)
    }

    /// The first of `cols` the header has.
    pub fn first_of<'c>(&self, cols: &[&'c str]) -> Option<&'c str> {
        cols.iter().copied().find(|c| self.has(c))
    }

    /// Requires every column of `cols`, naming the missing ones and the header found.
    pub fn require(&self, path: &Path, what: &str, cols: &[&str]) -> Result<(), ReadError> {
        let missing: Vec<&str> = cols.iter().copied().filter(|c| !self.has(c)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(format_error(
            path,
            format!("line 1: not {what}: no column {}", missing.join(", ")),
        ))
    }

    /// The trimmed value of `col` in `rec` ("" when the column or the cell is absent).
    pub fn get<'r>(&self, rec: &'r csv::StringRecord, col: &str) -> &'r str {
        self.index
            .get(col)
            .and_then(|&i| rec.get(i))
            .map_or("", str::trim)
    }

    /// The value of `col`, `None` when empty.
    pub fn opt(&self, rec: &csv::StringRecord, col: &str) -> Option<String> {
        Some(self.get(rec, col))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// A bill amount as an exact decimal (`2.503875`, `-5.0`, `1.2E-5`; `1,234.5` and amounts
/// beyond [`super::MAX_AMOUNT`] are refused).
pub fn amount(v: &str) -> Option<Decimal> {
    crate::text::json::decimal_text(v, 0).and_then(super::plausible)
}

/// A required amount, or an error naming the line and column.
pub fn need_amount(path: &Path, line: u64, col: &str, v: &str) -> Result<Decimal, ReadError> {
    amount(v).ok_or_else(|| {
        format_error(
            path,
            format!(
                "line {line}: {col}: {:?} is not a decimal amount (at most a quadrillion)",
                crate::text::printable(v.get(..40).unwrap_or(v))
            ),
        )
    })
}

/// An amount that may be empty (then zero).
pub fn amount_or_zero(path: &Path, line: u64, col: &str, v: &str) -> Result<Decimal, ReadError> {
    if v.is_empty() {
        Ok(Decimal::ZERO)
    } else {
        need_amount(path, line, col, v)
    }
}

/// A UTC instant in microseconds: RFC 3339 (with or without fractions), `YYYY-MM-DD HH:MM:SS`
/// (UTC), `YYYY-MM-DD`, or Azure's `MM/DD/YYYY`.
pub fn instant(v: &str) -> Option<i64> {
    let v = v.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(t.timestamp_micros());
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v.trim_end_matches(" UTC"), f) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    for f in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(v, f) {
            return d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_micros());
        }
    }
    None
}

/// A required instant, or an error naming the line and column.
pub fn need_instant(path: &Path, line: u64, col: &str, v: &str) -> Result<i64, ReadError> {
    instant(v).ok_or_else(|| {
        format_error(
            path,
            format!(
                "line {line}: {col}: {:?} is not a date or an RFC 3339 instant",
                crate::text::printable(v.get(..40).unwrap_or(v))
            ),
        )
    })
}

/// One day in microseconds.
pub const DAY_US: i64 = 86_400_000_000;

/// Tags written as a JSON object (`{"team":"search"}`), or Azure's object without its braces
/// (`"team": "search"`); anything else is kept under the key `tags`.
pub fn tags(v: &str) -> Vec<(String, String)> {
    let t = v.trim();
    if t.is_empty() || t == "{}" {
        return Vec::new();
    }
    let text = if t.starts_with('{') {
        t.to_string()
    } else {
        format!("{{{t}}}")
    };
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
        Ok(m) => m
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect(),
        Err(_) => vec![("tags".to_string(), t.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_the_spellings_bills_use() {
        let day = instant("2026-10-14").unwrap();
        assert_eq!(instant("2026-10-14T00:00:00Z"), Some(day));
        assert_eq!(instant("2026-10-14T00:00:00.000Z"), Some(day));
        assert_eq!(instant("2026-10-14 00:00:00 UTC"), Some(day));
        assert_eq!(instant("10/14/2026"), Some(day));
        assert_eq!(instant("2026-10-14T09:00:00+09:00"), Some(day));
        assert_eq!(instant("14.10.2026"), None);
    }

    #[test]
    fn tags_with_and_without_braces() {
        let want = vec![("team".to_string(), "search".to_string())];
        assert_eq!(tags(r#"{"team":"search"}"#), want);
        assert_eq!(tags(r#""team": "search""#), want);
        assert_eq!(tags(""), vec![]);
        assert_eq!(tags("not json"), vec![("tags".into(), "not json".into())]);
    }
}
