//! JSON plumbing shared by the native readers: iterate the records of a JSON log file whatever
//! its layout (JSON Lines, one top-level array, or concatenated pretty-printed documents), and
//! read numbers and strings out of nested objects without panicking.

use serde_json::Value;

use super::{open, LogFile, ReadError, ReadOptions};

/// A record of a JSON log that is not a JSON value (the line is rejected, the file read on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("invalid JSON: {0}")]
    Invalid(String),
    #[error("not valid UTF-8")]
    NotUtf8,
}

impl From<RecordError> for String {
    fn from(e: RecordError) -> String {
        e.to_string()
    }
}

/// Calls `f(line, record)` for every top-level JSON value in the file.
///
/// - JSON Lines: one value per line; `line` is the 1-based line; a bad line gives `Err`.
/// - A top-level array: one call per element; `line` is the 1-based element number.
/// - Concatenated documents (e.g. pretty-printed API pages): `line` is where each starts.
///
/// JSON Lines and top-level arrays are streamed (an array element at a time); pretty-printed
/// documents are read whole (API responses and exports are small next to request logs).
pub fn for_each_value(
    file: &LogFile,
    opts: &ReadOptions,
    f: impl FnMut(u64, Result<Value, RecordError>),
) -> Result<(), ReadError> {
    for_each_value_limit(file, opts, u64::MAX, f)
}

/// As [`for_each_value`], stopping a JSON Lines file after `limit` lines (for sniffing).
pub fn for_each_value_limit(
    file: &LogFile,
    opts: &ReadOptions,
    limit: u64,
    mut f: impl FnMut(u64, Result<Value, RecordError>),
) -> Result<(), ReadError> {
    let path = file.name();
    let io = |e: std::io::Error| ReadError::Io {
        path: path.clone(),
        source: e,
    };
    let mut reader = super::LineReader::new(open(file, opts)?);
    // Look at the first non-empty line to choose the layout.
    let first: String;
    let first_line_no: u64;
    loop {
        match reader.next_line().map_err(io)? {
            None => return Ok(()),
            Some((n, Err(()))) => {
                return Err(ReadError::Format {
                    path,
                    message: format!("line {n}: not valid UTF-8"),
                })
            }
            Some((_, Ok(""))) => continue,
            Some((n, Ok(t))) => {
                first = t.to_string();
                first_line_no = n;
                break;
            }
        }
    }
    let trimmed = first.as_str();
    if trimmed.starts_with('[') {
        return stream_array(&first, first_line_no, reader.into_inner(), &path, &mut f);
    }
    let first_parses = serde_json::from_str::<Value>(trimmed).is_ok();
    let whole = trimmed.starts_with('[') || trimmed.starts_with('{') && !first_parses;
    if !whole {
        f(
            first_line_no,
            serde_json::from_str(trimmed).map_err(|e| RecordError::Invalid(e.to_string())),
        );
        loop {
            match reader.next_line().map_err(io)? {
                None => return Ok(()),
                Some((n, _)) if n - first_line_no >= limit => return Ok(()),
                Some((n, Err(()))) => f(n, Err(RecordError::NotUtf8)),
                Some((_, Ok(""))) => {}
                Some((n, Ok(t))) => f(
                    n,
                    serde_json::from_str(t).map_err(|e| RecordError::Invalid(e.to_string())),
                ),
            }
        }
    }
    let mut rest = Vec::new();
    loop {
        match reader.next_line().map_err(io)? {
            None => break,
            Some((n, Err(()))) => {
                return Err(ReadError::Format {
                    path,
                    message: format!("line {n}: not valid UTF-8"),
                })
            }
            Some((_, Ok(t))) => rest.push(t.to_string()),
        }
    }
    let mut text = first.clone();
    for l in &rest {
        text.push('\n');
        text.push_str(l);
    }
    // A first line that is a broken JSON Lines record rather than the start of a pretty-printed
    // document: if the text does not parse as documents, read it as lines and reject the bad one.
    let broken = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .next()
        .is_some_and(|r| r.is_err());
    if !trimmed.starts_with('[') && broken {
        let mut line = first_line_no;
        f(
            line,
            serde_json::from_str(&first).map_err(|e| RecordError::Invalid(e.to_string())),
        );
        for l in &rest {
            line += 1;
            if !l.is_empty() {
                f(
                    line,
                    serde_json::from_str(l).map_err(|e| RecordError::Invalid(e.to_string())),
                );
            }
        }
        return Ok(());
    }
    let text = text.as_str();
    let offset_lines = first_line_no - 1;
    if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => {
                for (i, v) in items.into_iter().enumerate() {
                    f(i as u64 + 1, Ok(v));
                }
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(ReadError::Format {
                path,
                message: format!("line {}: invalid JSON: {e}", e.line() as u64 + offset_lines),
            }),
        }
    } else {
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        let mut start = 0usize;
        loop {
            let line = offset_lines
                + 1
                + text.as_bytes()[..start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
            match stream.next() {
                None => return Ok(()),
                Some(Ok(v)) => f(line, Ok(v)),
                Some(Err(e)) => {
                    // The rest of a broken document cannot be resynchronised: stop with the error.
                    return Err(ReadError::Format {
                        path,
                        message: format!(
                            "line {}: invalid JSON: {e}",
                            e.line() as u64 + offset_lines
                        ),
                    });
                }
            }
            start = stream.byte_offset();
            // Skip the whitespace between documents so the next start line is right.
            while start < text.len() && text.as_bytes()[start].is_ascii_whitespace() {
                start += 1;
            }
        }
    }
}

/// A top-level array, an element at a time from the reader (the first line already read):
/// memory is one element, not the file. `f` gets the 1-based element number.
fn stream_array(
    first: &str,
    first_line_no: u64,
    rest: impl std::io::Read,
    path: &str,
    f: &mut impl FnMut(u64, Result<Value, RecordError>),
) -> Result<(), ReadError> {
    use std::io::Read;
    struct Elements<'a, F>(&'a mut F);
    impl<'de, F: FnMut(u64, Result<Value, RecordError>)> serde::de::Visitor<'de> for Elements<'_, F> {
        type Value = ();
        fn expecting(&self, fm: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            fm.write_str("a JSON array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut n = 0u64;
            while let Some(v) = seq.next_element::<Value>()? {
                n += 1;
                (self.0)(n, Ok(v));
            }
            Ok(())
        }
    }
    let head = std::io::Cursor::new(format!("{first}\n").into_bytes());
    let mut de = serde_json::Deserializer::from_reader(head.chain(rest));
    serde::Deserializer::deserialize_seq(&mut de, Elements(f))
        .and_then(|()| de.end())
        .map_err(|e| ReadError::Format {
            path: path.to_string(),
            message: format!(
                "line {}: invalid JSON: {e}",
                e.line() as u64 + first_line_no - 1
            ),
        })
}

/// The value at a path of object keys.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    if cur.is_null() {
        None
    } else {
        Some(cur)
    }
}

/// A string at a path (numbers are not strings).
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A non-negative integer at a path: a JSON integer, an integral float (`12.0`) or a numeric
/// string. `Err` names the path when the value is there but is not such a count.
pub fn count_at(v: &Value, path: &[&str]) -> Result<Option<u64>, crate::usage::FieldError> {
    let Some(x) = at(v, path) else {
        return Ok(None);
    };
    let field = path.join(".");
    let bad = || {
        crate::usage::FieldError::new(
            &field,
            format!("{field} = {x} is not a non-negative integer"),
        )
    };
    match x {
        Value::Number(n) => {
            let v = if let Some(u) = n.as_u64() {
                u
            } else if let Some(f) = n.as_f64() {
                if f >= 0.0 && f.fract() == 0.0 && f < 1e15 {
                    f as u64
                } else {
                    return Err(bad());
                }
            } else {
                return Err(bad());
            };
            // The same cap as text counts, before any reader adds counts together.
            if v > crate::usage::MAX_COUNT {
                return Err(crate::usage::FieldError::new(
                    &field,
                    format!("{field} = {v} is implausibly large"),
                ));
            }
            Ok(Some(v))
        }
        Value::String(s) => crate::usage::parse_count(&field, s).map(Some),
        _ => Err(bad()),
    }
}

/// A count at a path, 0 when absent; a bad value is a field error naming the path.
pub fn count_field(v: &Value, path: &[&str]) -> Result<u64, crate::usage::FieldError> {
    count_at(v, path).map(|x| x.unwrap_or(0))
}

/// A Unix time integer -> microseconds. The unit is told by the magnitude, as tools write
/// seconds, milliseconds, microseconds or nanoseconds: below 10^11 seconds (until year 5138),
/// below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds.
fn unix_int_us(v: i64) -> Option<i64> {
    let a = v.unsigned_abs();
    if a < 100_000_000_000 {
        v.checked_mul(1_000_000)
    } else if a < 100_000_000_000_000 {
        v.checked_mul(1_000)
    } else if a < 100_000_000_000_000_000 {
        Some(v)
    } else {
        Some(v.div_euclid(1_000))
    }
}

/// Unix seconds (or ms/µs/ns by magnitude; integer or float) -> microseconds.
pub fn unix_seconds_us(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => unix_int_us(i),
            None => n
                .as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e11)
                .map(|f| (f * 1e6).round() as i64),
        },
        Value::String(s) => s.trim().parse::<i64>().ok().and_then(unix_int_us),
        _ => None,
    }
}

/// A timestamp that may be RFC 3339 text or Unix seconds.
pub fn timestamp_us(v: &Value) -> Result<i64, crate::usage::TimestampError> {
    let bad = |text: String| crate::usage::TimestampError { text };
    match v {
        Value::String(s) => {
            if let Ok(t) = crate::usage::parse_timestamp_us(s) {
                return Ok(t);
            }
            unix_seconds_us(v).ok_or_else(|| bad(s.clone()))
        }
        other => unix_seconds_us(other).ok_or_else(|| bad(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_accept_integers_integral_floats_and_strings() {
        let v = json!({"a": {"b": 12, "c": 12.0, "d": "7", "e": -1, "f": 1.5, "g": "x"}});
        assert_eq!(count_at(&v, &["a", "b"]).unwrap(), Some(12));
        assert_eq!(count_at(&v, &["a", "c"]).unwrap(), Some(12));
        assert_eq!(count_at(&v, &["a", "d"]).unwrap(), Some(7));
        assert_eq!(count_at(&v, &["a", "zz"]).unwrap(), None);
        assert!(count_at(&v, &["a", "e"]).is_err());
        assert!(count_at(&v, &["a", "f"]).is_err());
        assert!(count_at(&v, &["a", "g"]).is_err());
    }

    #[test]
    fn timestamps_from_text_and_unix_seconds() {
        assert_eq!(
            timestamp_us(&json!(1736616660)).unwrap(),
            1_736_616_660_000_000
        );
        assert_eq!(
            timestamp_us(&json!("2025-01-11T17:31:00Z")).unwrap(),
            1_736_616_660_000_000
        );
        assert!(timestamp_us(&json!("soon")).is_err());
        assert!(timestamp_us(&json!(1e300)).is_err());
        // Milliseconds, microseconds and nanoseconds are told by magnitude.
        assert_eq!(
            timestamp_us(&json!(1736616660000i64)).unwrap(),
            1_736_616_660_000_000
        );
        assert_eq!(
            timestamp_us(&json!(1736616660000000i64)).unwrap(),
            1_736_616_660_000_000
        );
        assert_eq!(
            timestamp_us(&json!(1736616660000000000i64)).unwrap(),
            1_736_616_660_000_000
        );
        assert!(count_at(&json!({"n": 18446744073709551615u64}), &["n"]).is_err());
    }
}
