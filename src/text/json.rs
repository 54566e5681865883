//! JSON read strictly, for inputs whose numbers are money: an object naming a key twice is
//! refused (serde_json would keep the last silently), and a number that is not a plain integer
//! keeps the text it was written as (`3.3e-06`), so an amount is read as exact decimal text and
//! never through `f64`. Used by the price catalogues (`pricing::input`) and the bills
//! (`readers::bill`). Pure: text in, values out.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A JSON document that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("{0} is named twice (which one is meant cannot be told)")]
    DuplicateKey(String),
}

/// Parses a JSON document strictly (see the module's comment). In the value returned, an
/// integer that fits 64 bits is a number and any other number is a string of its text.
pub fn parse_json(text: &str) -> Result<Value, JsonError> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| JsonError::Json(e.to_string()))?;
    strict(raw, "")
}

/// The members of an object in order, as raw values.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    out.push((k, m.next_value::<&'de RawValue>()?));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn strict(raw: &RawValue, path: &str) -> Result<Value, JsonError> {
    let text = raw.get().trim();
    let fail = |e: serde_json::Error| {
        JsonError::Json(format!(
            "{}: {e}",
            if path.is_empty() {
                "the document"
            } else {
                path
            }
        ))
    };
    match text.as_bytes().first() {
        Some(b'{') => {
            let Members(members) = serde_json::from_str(text).map_err(fail)?;
            let mut seen = HashSet::with_capacity(members.len());
            let mut out = Map::new();
            for (k, v) in members {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if !seen.insert(k.clone()) {
                    return Err(JsonError::DuplicateKey(
                        super::printable(&here).into_owned(),
                    ));
                }
                out.insert(k, strict(v, &here)?);
            }
            Ok(Value::Object(out))
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(fail)?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| strict(v, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        Some(b'-' | b'0'..=b'9') => {
            let integer = text
                .strip_prefix('-')
                .unwrap_or(text)
                .bytes()
                .all(|b| b.is_ascii_digit());
            if integer {
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    if v.is_u64() || v.is_i64() {
                        return Ok(v);
                    }
                }
            }
            Ok(Value::String(text.to_string()))
        }
        _ => serde_json::from_str(text).map_err(fail),
    }
}

/// A number of an input as an exact decimal: an integer, or the text of any other number
/// (`0.000003`, `3.3e-06`, as [`parse_json`] keeps it). `None` for anything else, and for a
/// value more precise than 28 decimal places (never rounded, never made 0).
pub fn json_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(Decimal::from)
            .or_else(|| n.as_i64().map(Decimal::from))
            .or_else(|| decimal_text(&n.to_string(), 0)),
        Value::String(s) => decimal_text(s, 0),
        _ => None,
    }
}

/// The decimal written as `text` (plain or scientific notation) times 10^`shift`, exactly:
/// `None` when it is not a number or needs more than 28 decimal places or 96 bits.
pub fn decimal_text(text: &str, shift: i64) -> Option<Decimal> {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(Decimal::ZERO);
    }
    // value = digits x 10^power
    let mut power = exp.checked_sub(frac.len() as i64)?.checked_add(shift)?;
    let mut digits = digits.to_string();
    while power < 0 && digits.ends_with('0') {
        digits.pop();
        power += 1;
    }
    if power > 28 || digits.len() > 29 {
        return None;
    }
    if power > 0 {
        digits.push_str(&"0".repeat(power as usize));
        power = 0;
    }
    let scale = u32::try_from(-power).ok()?;
    if scale > 28 {
        return None;
    }
    let m: i128 = digits.parse().ok()?;
    let d = Decimal::try_from_i128_with_scale(if negative { -m } else { m }, scale).ok()?;
    Some(d.normalize())
}
