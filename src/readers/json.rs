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
    /// A key given twice in one object: which value is meant is unknown (serde_json and most
    /// tools keep the last, others the first), so the record is not billed either way.
    #[error("key {0:?} appears twice in one object")]
    RepeatedKey(String),
}

/// Parses one JSON value, refusing a key repeated within an object (as a CSV header may not
/// name a column twice).
pub fn parse(text: &str) -> Result<Value, RecordError> {
    checked(serde_json::from_str::<Checked>(text))
}

fn checked(r: Result<Checked, serde_json::Error>) -> Result<Value, RecordError> {
    match r {
        Ok(Checked(v, None)) => Ok(v),
        Ok(Checked(_, Some(key))) => Err(RecordError::RepeatedKey(key)),
        Err(e) => Err(RecordError::Invalid(e.to_string())),
    }
}

/// A JSON value and the first key found repeated in one of its objects. Built by its own
/// visitor (serde_json's `Value` keeps the last of repeated keys without a word).
struct Checked(Value, Option<String>);

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut repeated = None;
        let v = serde::de::DeserializeSeed::deserialize(Seed(&mut repeated), d)?;
        Ok(Checked(v, repeated))
    }
}

struct Seed<'a>(&'a mut Option<String>);

impl<'de> serde::de::DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Seed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(&mut *self.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(Seed(&mut *self.0))?;
            if m.contains_key(&k) {
                if self.0.is_none() {
                    *self.0 = Some(k);
                }
            } else {
                m.insert(k, v);
            }
        }
        Ok(Value::Object(m))
    }
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
    let first_parses = serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok();
    let whole = trimmed.starts_with('{') && !first_parses;
    if !whole {
        f(first_line_no, parse(trimmed));
        return json_lines(reader, first_line_no, 0, limit, &path, &mut f);
    }
    // Concatenated documents (pretty-printed API pages), streamed a document at a time. The
    // bytes of the first one are kept until it parses: if it does not, the first line was a
    // broken JSON Lines record rather than the start of a document, and the file is read as
    // lines from the top (the bad line rejected, the others read).
    let head = std::io::Cursor::new(format!("{first}\n").into_bytes());
    let mut docs = Docs {
        inner: std::io::BufReader::new(std::io::Read::chain(head, reader.into_inner())),
        newlines: 0,
        record: Some(Vec::new()),
    };
    let mut count = 0u64;
    while docs.skip_whitespace().map_err(io)? {
        if count >= limit {
            return Ok(());
        }
        let line = first_line_no + docs.newlines;
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(&mut docs);
            serde::Deserialize::deserialize(&mut de)
        };
        match parsed {
            Ok(v) => f(line, checked(Ok(v))),
            Err(_) if count == 0 => {
                let seen = docs.record.take().unwrap_or_default();
                let rest = std::io::Read::chain(std::io::Cursor::new(seen), docs.inner);
                let lines = super::LineReader::new(rest);
                return json_lines(lines, 0, first_line_no - 1, limit, &path, &mut f);
            }
            Err(e) => {
                // The rest of a broken document cannot be resynchronised: stop with the error.
                return Err(ReadError::Format {
                    path,
                    message: format!(
                        "line {}, column {}: invalid JSON: {}",
                        line + e.line() as u64 - 1,
                        e.column(),
                        without_position(&e)
                    ),
                });
            }
        }
        docs.record = None;
        count += 1;
    }
    Ok(())
}

/// serde_json's message without its " at line L column C" (counted from where that parser
/// started, not from the top of the file).
fn without_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The rest of a JSON Lines file, a record a line: line numbers are the reader's plus `offset`;
/// stops `limit` lines after line `from`.
fn json_lines<R: std::io::Read>(
    mut reader: super::LineReader<R>,
    from: u64,
    offset: u64,
    limit: u64,
    path: &str,
    f: &mut impl FnMut(u64, Result<Value, RecordError>),
) -> Result<(), ReadError> {
    loop {
        let next = reader.next_line().map_err(|e| ReadError::Io {
            path: path.to_string(),
            source: e,
        })?;
        match next {
            None => return Ok(()),
            Some((n, _)) if n + offset - from >= limit => return Ok(()),
            Some((n, Err(()))) => f(n + offset, Err(RecordError::NotUtf8)),
            Some((_, Ok(""))) => {}
            Some((n, Ok(t))) => f(n + offset, parse(t)),
        }
    }
}

/// Concatenated JSON documents from a reader: counts the newlines passed (so each document's
/// first line is known) and, while `record` is set, keeps the bytes read.
struct Docs<R> {
    inner: R,
    newlines: u64,
    record: Option<Vec<u8>>,
}

impl<R: std::io::BufRead> Docs<R> {
    fn pass(&mut self, n: usize) -> std::io::Result<()> {
        let avail = self.inner.fill_buf()?;
        self.newlines += memchr::memchr_iter(b'\n', &avail[..n]).count() as u64;
        if let Some(r) = &mut self.record {
            r.extend_from_slice(&avail[..n]);
        }
        self.inner.consume(n);
        Ok(())
    }

    /// Passes the whitespace before the next document; false at the end of the input.
    fn skip_whitespace(&mut self) -> std::io::Result<bool> {
        loop {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                return Ok(false);
            }
            let ws = avail.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let more = ws < avail.len();
            self.pass(ws)?;
            if more {
                return Ok(true);
            }
        }
    }
}

impl<R: std::io::BufRead> std::io::Read for Docs<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.inner.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.pass(n)?;
        Ok(n)
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
            while let Some(v) = seq.next_element::<Checked>()? {
                n += 1;
                (self.0)(n, checked(Ok(v)));
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

/// The rows of a CSV log as JSON objects keyed by the header's names (empty cells left out),
/// for readers that read the same fields from CSV and JSON exports. A row whose field count
/// differs from the header's, or that is not UTF-8, is rejected with its line; `f` gets the
/// sink back, the line and the row.
pub fn for_each_csv_object(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn super::UsageSink,
    mut f: impl FnMut(&mut dyn super::UsageSink, u64, &Value),
) -> Result<(), ReadError> {
    use crate::text::lines::{recoverable, CsvStep};
    let path = file.name();
    let (mut rows, headers) = super::csv_with_header(file, opts)?;
    let reject = |sink: &mut dyn super::UsageSink, line: u64, reason: String| {
        sink.reject(crate::usage::Rejection {
            file: path.clone(),
            line,
            field: "row".into(),
            reason,
        })
    };
    while let Some(step) = rows.next_step() {
        match step {
            CsvStep::Record(r) => {
                let rec = r.record;
                if rec.len() != headers.len() {
                    let reason = format!(
                        "expected {} fields as in the header, found {}",
                        headers.len(),
                        rec.len()
                    );
                    reject(sink, r.line(), reason);
                    continue;
                }
                let mut obj = serde_json::Map::new();
                for (h, v) in headers.iter().zip(rec.iter()) {
                    if !v.is_empty() {
                        obj.insert(h.clone(), Value::String(v.to_string()));
                    }
                }
                f(sink, r.line(), &Value::Object(obj));
            }
            CsvStep::Error { line, error } => {
                if !recoverable(&error) {
                    return Err(ReadError::Format {
                        path,
                        message: error.to_string(),
                    });
                }
                reject(sink, line, "not valid UTF-8".into());
            }
        }
    }
    Ok(())
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
    fn a_repeated_key_anywhere_is_named_and_values_are_kept_exactly() {
        assert_eq!(
            parse(r#"{"a":1,"b":{"c":[{"d":1,"d":2}]},"a":3}"#),
            Err(RecordError::RepeatedKey("d".into())),
            "the first one found, however deep"
        );
        assert_eq!(
            parse(r#"{"a":{"x":1},"b":{"x":2}}"#).unwrap(),
            json!({"a":{"x":1},"b":{"x":2}}),
            "the same key in two objects is fine"
        );
        let v =
            parse(r#"{"n":18446744073709551615,"i":-5,"f":-0,"s":"\u00e9","z":null,"t":[true]}"#)
                .unwrap();
        assert_eq!(v["n"].as_u64(), Some(u64::MAX));
        assert_eq!(v["i"].as_i64(), Some(-5));
        assert_eq!(v["f"].as_f64(), Some(0.0));
        assert_eq!(v["s"], "\u{e9}");
        assert_eq!(v["z"], Value::Null);
        assert_eq!(v["t"][0], true);
        assert!(matches!(parse("{\"a\":"), Err(RecordError::Invalid(_))));
    }

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
