//! The cost feeds of the model vendors' Admin APIs, saved as they come: OpenAI's Costs API
//! (`GET /v1/organization/costs`, amounts in dollars as JSON numbers, currency `usd`) and
//! Anthropic's `cost_report` (amounts in cents as decimal strings). A file holds one page,
//! pages one per line, or a JSON array of pages. Both are daily; neither gives a unit price,
//! and Anthropic's gives no token counts (the usage report, read as logs, has them).

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use super::grammar::openai_line_item;
use super::json_amount as json_decimal;
use super::{format_error, tokens_of, Bill, BillFormat, BilledLine, Charge, TokenClass};
use crate::readers::ReadError;
use crate::text::json::parse_json;

/// The pages of a file, each with the line it starts on.
fn pages(path: &Path, text: &str) -> Result<Vec<(u64, Value)>, ReadError> {
    let t = text.trim_start_matches('\u{feff}');
    let whole = parse_json(t);
    let mut out = Vec::new();
    match whole {
        Ok(Value::Array(a)) => out.extend(a.into_iter().map(|p| (1, p))),
        Ok(v) => out.push((1, v)),
        Err(_) => {
            for (i, l) in t.lines().enumerate() {
                if l.trim().is_empty() {
                    continue;
                }
                let v = parse_json(l)
                    .map_err(|e| format_error(path, format!("line {}: {e}", i + 1)))?;
                out.push((i as u64 + 1, v));
            }
        }
    }
    Ok(out)
}

/// The buckets of a page (`data`), refusing a page that is not one.
fn buckets<'v>(path: &Path, line: u64, page: &'v Value) -> Result<&'v Vec<Value>, ReadError> {
    page.get("data").and_then(Value::as_array).ok_or_else(|| {
        format_error(
            path,
            format!("line {line}: a page without a data list of buckets"),
        )
    })
}

fn base(path: &Path, line: u64, format: BillFormat, provider: &str) -> BilledLine {
    BilledLine {
        provider: provider.to_string(),
        ..BilledLine::blank(format, path, line)
    }
}

fn text_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

/// Reads OpenAI Costs API pages into `bill`; returns the sum of their amounts.
pub fn read_openai(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    let mut total = Decimal::ZERO;
    for (line, page) in pages(path, text)? {
        for b in buckets(path, line, &page)? {
            let secs = |k: &str| {
                b.get(k)
                    .and_then(Value::as_i64)
                    .and_then(|s| s.checked_mul(1_000_000))
                    .ok_or_else(|| {
                        format_error(path, format!("line {line}: bucket {k}: not Unix seconds"))
                    })
            };
            let (start_us, end_us) = (secs("start_time")?, secs("end_time")?);
            for r in b
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let amount = r
                    .pointer("/amount/value")
                    .and_then(json_decimal)
                    .ok_or_else(|| {
                        format_error(
                            path,
                            format!("line {line}: amount.value: not a decimal amount"),
                        )
                    })?;
                total += amount;
                let mut out = base(path, line, BillFormat::OpenaiCosts, "openai");
                out.start_us = start_us;
                out.end_us = end_us;
                out.cost = amount;
                out.service = "costs".into();
                out.sub_account = text_of(r, "project_id");
                out.currency = r
                    .pointer("/amount/currency")
                    .and_then(Value::as_str)
                    .unwrap_or("usd")
                    .to_ascii_uppercase();
                match text_of(r, "line_item") {
                    None => {
                        out.charge = Charge::Unrecognised(
                            "no line_item: fetch the costs with group_by[]=line_item".into(),
                        )
                    }
                    Some(item) => {
                        let p = openai_line_item(&item);
                        out.sku = item;
                        out.charge = out.take(p);
                    }
                }
                out.quantity = r.get("quantity").and_then(json_decimal);
                out.unit = text_of(r, "quantity_unit");
                if matches!(out.charge, Charge::Tokens(_)) {
                    let scale = match out.unit.as_deref() {
                        Some("tokens") => Some(1),
                        Some("1000_tokens") => Some(1_000),
                        _ => None,
                    };
                    if let (Some(q), Some(s)) = (out.quantity, scale) {
                        let (n, note) = tokens_of(q, s);
                        out.tokens = n;
                        out.check = note;
                    }
                }
                bill.lines.push(out);
            }
        }
    }
    Ok(total)
}

/// Reads Anthropic `cost_report` pages into `bill`; returns the sum of their amounts (dollars).
pub fn read_anthropic(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    let mut total = Decimal::ZERO;
    for (line, page) in pages(path, text)? {
        for b in buckets(path, line, &page)? {
            let at = |k: &str| {
                b.get(k)
                    .and_then(Value::as_str)
                    .and_then(super::table::instant)
                    .ok_or_else(|| {
                        format_error(
                            path,
                            format!("line {line}: bucket {k}: not an RFC 3339 instant"),
                        )
                    })
            };
            let (start_us, end_us) = (at("starting_at")?, at("ending_at")?);
            for r in b
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let cents = r.get("amount").and_then(json_decimal).ok_or_else(|| {
                    format_error(
                        path,
                        format!("line {line}: amount: not a decimal amount of cents"),
                    )
                })?;
                let cost = cents / Decimal::ONE_HUNDRED;
                total += cost;
                let mut out = base(path, line, BillFormat::AnthropicCost, "anthropic");
                out.start_us = start_us;
                out.end_us = end_us;
                out.cost = cost;
                out.service = "cost_report".into();
                out.sub_account = text_of(r, "workspace_id");
                out.currency = text_of(r, "currency")
                    .unwrap_or_else(|| "USD".into())
                    .to_ascii_uppercase();
                out.sku = text_of(r, "description").unwrap_or_default();
                out.model = text_of(r, "model");
                out.geo = text_of(r, "inference_geo").filter(|g| g != "not_available");
                out.long_context = text_of(r, "context_window").is_some_and(|c| c != "0-200k");
                out.tier = match text_of(r, "service_tier").as_deref() {
                    Some("batch") => "batch",
                    Some("priority") => "priority",
                    Some("flex") => "flex",
                    _ => "standard",
                };
                let cost_type = text_of(r, "cost_type").unwrap_or_default();
                out.charge = match (cost_type.as_str(), text_of(r, "token_type").as_deref()) {
                    ("tokens", Some(tt)) => match tt {
                        "uncached_input_tokens" => Charge::Tokens(TokenClass::InputUncached),
                        "output_tokens" => Charge::Tokens(TokenClass::Output),
                        "cache_read_input_tokens" => Charge::Tokens(TokenClass::CacheRead),
                        "cache_creation.ephemeral_5m_input_tokens" => {
                            Charge::Tokens(TokenClass::CacheWrite5m)
                        }
                        "cache_creation.ephemeral_1h_input_tokens" => {
                            Charge::Tokens(TokenClass::CacheWrite1h)
                        }
                        other => Charge::Unrecognised(format!("token type {other:?}")),
                    },
                    ("tokens", None) => Charge::Unrecognised(
                        "no token_type: fetch the report with group_by[]=description".into(),
                    ),
                    ("", _) => Charge::Unrecognised("no cost_type".into()),
                    (other, _) => Charge::NonToken(other.replace('_', " ")),
                };
                bill.lines.push(out);
            }
        }
    }
    Ok(total)
}
