//! The inputs of `prices update`, `prices import-litellm` and `prices audit` (LiteLLM's map and
//! its history, the known-errors table, genai-prices and models.dev), read strictly: a JSON
//! object naming a key twice is refused (serde_json would keep the last silently), and a
//! number that is not a plain integer keeps the text it was written as (`3.3e-06`), so a
//! price is read as exact decimal text and never through `f64` (which rounds long values and
//! made tiny ones an explicit $0 price); the strict reading itself is `text::json`. Pure: text
//! in, values out.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::text::json::JsonError;
pub use crate::text::json::{decimal_text, json_decimal};

/// The largest input read (bytes, after gzip): LiteLLM's map is about 1.5 MB and its history
/// about 2 MB; anything near this bound is not a price catalogue.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// A generator input that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("expected a JSON object of model entries")]
    NotAnObject,
    #[error("{0} is named twice (which one is meant cannot be told)")]
    DuplicateKey(String),
}

impl From<JsonError> for InputError {
    fn from(e: JsonError) -> Self {
        match e {
            JsonError::Json(m) => InputError::Json(m),
            JsonError::DuplicateKey(k) => InputError::DuplicateKey(k),
        }
    }
}

/// Parses a JSON document strictly (see `text::json`).
pub fn parse_json(text: &str) -> Result<Value, InputError> {
    crate::text::json::parse_json(text).map_err(InputError::from)
}

pub fn at_line(line: u64, message: impl Into<String>) -> InputError {
    InputError::Line {
        line,
        message: message.into(),
    }
}

/// A per-token number as a per-million decimal, exactly (`7.2e-07` -> `0.72`; `1e-30` ->
/// `0.000000000000000000000001`, which per token would not fit).
pub fn json_per_mtok(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(_) => json_decimal(v).and_then(|d| d.checked_mul(Decimal::from(1_000_000))),
        Value::String(s) => decimal_text(s, 6),
        _ => None,
    }
    .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert!(parse_json(r#"{"a":{"x":1},"b":2}"#).is_ok());
        let e =
            parse_json(r#"{"gpt-4o":{"input_cost_per_token":1e-6,"input_cost_per_token":2e-6}}"#)
                .unwrap_err()
                .to_string();
        assert!(
            e.contains("gpt-4o.input_cost_per_token is named twice"),
            "{e}"
        );
        let e = parse_json(r#"{"a":1,"a":1}"#).unwrap_err().to_string();
        assert!(e.contains("a is named twice"), "{e}");
        assert!(parse_json(r#"{"a":1"#).is_err());
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = parse_json(r#"{"p":0.00000012345678901234567,"t":1e-30,"n":42,"z":0.0}"#).unwrap();
        // Through f64 these were 1.2345678901234568e-7 and an explicit $0 (28 decimals).
        assert_eq!(
            json_per_mtok(&v["p"]).unwrap().to_string(),
            "0.12345678901234567"
        );
        assert_eq!(
            json_per_mtok(&v["t"]).unwrap().to_string(),
            "0.000000000000000000000001"
        );
        assert_eq!(v["n"], Value::from(42));
        assert_eq!(json_decimal(&v["z"]), Some(Decimal::ZERO));
        // The per-token values LiteLLM writes, per million exactly.
        for (text, want) in [
            ("7.2e-07", "0.72"),
            ("3e-06", "3"),
            ("7.5e-08", "0.075"),
            ("1.25e-6", "1.25"),
        ] {
            let got = json_per_mtok(&Value::String(text.into())).unwrap();
            assert_eq!(got.to_string(), want, "{text}");
        }
    }

    #[test]
    fn decimal_text_is_exact_or_nothing() {
        let d = |s: &str, k: i64| decimal_text(s, k).map(|d| d.to_string());
        assert_eq!(d("1.25e-6", 6).as_deref(), Some("1.25"));
        assert_eq!(d("-0.5", 0).as_deref(), Some("-0.5"));
        assert_eq!(d("12E2", 0).as_deref(), Some("1200"));
        assert_eq!(d("0.000", 0).as_deref(), Some("0"));
        // More than 28 decimal places: refused, never rounded (to 0 or otherwise).
        assert_eq!(d("1e-29", 0), None);
        assert_eq!(d("1.00000000000000000000000000001", 0), None);
        for bad in [
            "",
            ".",
            "1e",
            "abc",
            "1.2.3",
            "0x10",
            "1e99999999999999999999",
        ] {
            assert_eq!(d(bad, 0), None, "{bad}");
        }
    }
}
