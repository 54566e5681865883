//! Known errors of LiteLLM's price map (`pricing/litellm/known-errors.csv`) and how
//! `prices update` corrects them before a version becomes a generated row: the right value of a
//! field, the field removed, the whole version dropped, or (`applies_to=all`) every price field
//! of the entry scaled by the same correction, for an entry whose prices are all off by one
//! factor (a geo profile priced at the global rate). Pure.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::input::{at_line, decimal_text, json_decimal, InputError};
use crate::text::glob_match;
use crate::text::lines::{CsvRows, CsvStep};

/// How a known error is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// The right value (per token, as LiteLLM writes it).
    Value(Decimal),
    /// The field should not be there.
    Remove,
    /// The whole version is wrong: the previous version stays in force.
    Drop,
}

/// One known LiteLLM error (`pricing/litellm/known-errors.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownError {
    /// The LiteLLM key (`*` patterns allowed).
    pub key: String,
    pub field: String,
    /// The wrong value; `None` matches any value of the field.
    pub wrong: Option<Decimal>,
    pub fix: Fix,
    /// `applies_to=all`: the correction of [`Self::field`] (right / wrong) applies to every
    /// price field of the entry, which is off by the same factor.
    pub all_prices: bool,
    pub evidence: String,
    pub line: u64,
}

/// Whether a LiteLLM field is a price (`input_cost_per_token`, `cache_read_input_token_cost`,
/// `output_cost_per_token_batches`, ...).
pub fn is_price_field(name: &str) -> bool {
    name.contains("cost")
}

/// Reads the known-errors table: `litellm_key,field,wrong_value,right_value_or_drop,evidence_url`
/// and optionally `applies_to` (`all`: scale every price field of the entry by the field's
/// correction); more columns are notes. `right_value_or_drop`: a number, `drop` (the version),
/// or `none` (the field).
pub fn parse_known_errors(text: &str) -> Result<Vec<KnownError>, InputError> {
    let mut rows = CsvRows::new(text.as_bytes());
    let headers = rows.headers().map_err(|e| at_line(1, e.to_string()))?;
    let pos = |c: &str| {
        headers
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| at_line(1, format!("column {c} is missing")))
    };
    let (k, f, w, r, e) = (
        pos("litellm_key")?,
        pos("field")?,
        pos("wrong_value")?,
        pos("right_value_or_drop")?,
        pos("evidence_url")?,
    );
    let applies = headers.iter().position(|h| h == "applies_to");
    let mut out = Vec::new();
    while let Some(step) = rows.next_step() {
        let rec = match step {
            CsvStep::Record(rec) => rec,
            CsvStep::Error { line, error } => return Err(at_line(line, error.to_string())),
        };
        let line = rec.line();
        let get = |i: usize| rec.record.get(i).unwrap_or("").trim().to_string();
        let wrong = match get(w).as_str() {
            "" | "*" => None,
            t => Some(
                decimal_text(t, 0)
                    .ok_or_else(|| at_line(line, format!("wrong_value {t:?} is not a number")))?,
            ),
        };
        let fix = match get(r).to_ascii_lowercase().as_str() {
            "drop" => Fix::Drop,
            "none" | "remove" => Fix::Remove,
            t => Fix::Value(decimal_text(t, 0).ok_or_else(|| {
                at_line(
                    line,
                    format!("right_value_or_drop {t:?} is not a number, drop or none"),
                )
            })?),
        };
        if get(e).is_empty() {
            return Err(at_line(line, "every known error needs an evidence_url"));
        }
        out.push(KnownError {
            key: get(k),
            field: get(f),
            wrong,
            fix,
            all_prices: match applies.map(get).as_deref() {
                None | Some("") | Some("field") => false,
                Some("all") => true,
                Some(other) => {
                    return Err(at_line(
                        line,
                        format!("applies_to {other:?}: expected field (the default) or all"),
                    ))
                }
            },
            evidence: get(e),
            line,
        });
    }
    Ok(out)
}

/// Applies the known errors of `key` to one entry; `None` when the version is dropped.
pub fn fix_entry(
    key: &str,
    mut e: Map<String, Value>,
    errors: &[KnownError],
    fixed: &mut BTreeSet<u64>,
) -> Option<Map<String, Value>> {
    for k in errors.iter().filter(|k| glob_match(&k.key, key)) {
        let Some(current) = e.get(&k.field) else {
            continue;
        };
        if k.wrong.is_some() && json_decimal(current) != k.wrong {
            continue;
        }
        fixed.insert(k.line);
        match &k.fix {
            Fix::Drop => return None,
            Fix::Remove => {
                e.remove(&k.field);
            }
            Fix::Value(v) => {
                if k.all_prices {
                    // right / wrong, exactly; every price field moves by it.
                    let factor = json_decimal(current).and_then(|w| v.checked_div(w));
                    if let Some(factor) = factor {
                        let fields: Vec<String> = e
                            .keys()
                            .filter(|f| is_price_field(f) && *f != &k.field)
                            .cloned()
                            .collect();
                        for f in fields {
                            let scaled = e
                                .get(&f)
                                .and_then(json_decimal)
                                .and_then(|x| x.checked_mul(factor));
                            if let Some(x) = scaled {
                                set(&mut e, &f, x);
                            }
                        }
                    }
                }
                set(&mut e, &k.field, *v);
            }
        }
    }
    Some(e)
}

/// Writes a per-token decimal into a LiteLLM entry (as the exact text `json_decimal` reads).
fn set(e: &mut Map<String, Value>, field: &str, v: Decimal) {
    // As `input::parse_json` keeps a non-integer number: its exact text.
    e.insert(field.to_string(), Value::String(v.normalize().to_string()));
}

/// A known error that corrects one field by a factor while a sibling price field of the same
/// entry carries the same error: the later snapshot where LiteLLM fixed the field shows the
/// sibling moved by the same factor. Returns a message per such sibling, for the review.
pub fn siblings_left_wrong(
    key: &str,
    entries: &[&Map<String, Value>],
    errors: &[KnownError],
) -> Vec<String> {
    let mut out = Vec::new();
    for k in errors
        .iter()
        .filter(|k| glob_match(&k.key, key) && !k.all_prices)
    {
        let (Some(wrong), Fix::Value(right)) = (k.wrong, &k.fix) else {
            continue;
        };
        let Some(factor) = right.checked_div(wrong).filter(|f| *f != Decimal::ONE) else {
            continue;
        };
        let field_is = |e: &Map<String, Value>, want: Decimal| {
            e.get(&k.field).and_then(json_decimal) == Some(want)
        };
        let Some(at) = entries.iter().position(|e| field_is(e, wrong)) else {
            continue;
        };
        let Some(fixed) = entries[at..].iter().find(|e| field_is(e, *right)) else {
            continue;
        };
        let stated = |f: &str| {
            errors
                .iter()
                .any(|o| o.line != k.line && glob_match(&o.key, key) && o.field == f)
        };
        for (f, v) in entries[at] {
            if f == &k.field || !is_price_field(f) || stated(f) {
                continue;
            }
            let (Some(before), Some(after)) =
                (json_decimal(v), fixed.get(f).and_then(json_decimal))
            else {
                continue;
            };
            if before != after && before.checked_mul(factor).map(|x| x.normalize()) == Some(after) {
                out.push(format!(
                    "known error line {} corrects {} x{factor} but {f} has the same error ({before} -> {after} when LiteLLM fixed it): state it too, or give the line applies_to=all",
                    k.line, k.field
                ));
            }
        }
    }
    out
}
