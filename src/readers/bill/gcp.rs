//! Google Cloud Billing export rows (the BigQuery table exported as newline-delimited JSON):
//! Vertex AI and Gemini API SKUs. Tokens are `usage.amount`, whatever `usage.unit` says (real
//! exports label token SKUs `requests`); `cost` is before credits and `credits[]` is kept on
//! the line. Amounts are read from their JSON text, never through binary floating point.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use super::grammar::gcp_sku;
use super::json_amount as json_decimal;
use super::{format_error, tokens_of, Bill, BillFormat, BilledLine, Charge};
use crate::readers::ReadError;
use crate::text::json::parse_json;

/// Reads export rows (JSON lines) into `bill`; returns the sum of costs and credits.
pub fn read(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let v = parse_json(raw).map_err(|e| format_error(path, format!("line {line}: {e}")))?;
        rows.push((line, v));
    }
    read_rows(path, &rows, bill)
}

/// Reads export rows, each with its line (or Parquet row), into `bill`.
pub fn read_rows(
    path: &Path,
    rows: &[(u64, Value)],
    bill: &mut Bill,
) -> Result<Decimal, ReadError> {
    let mut total = Decimal::ZERO;
    for (line, v) in rows {
        let line = *line;
        let fail = |m: String| format_error(path, format!("line {line}: {m}"));
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or("").trim();
        let money = |p: &str| -> Result<Decimal, ReadError> {
            match v.pointer(p) {
                None | Some(Value::Null) => Ok(Decimal::ZERO),
                Some(x) => {
                    json_decimal(x).ok_or_else(|| fail(format!("{p}: not a decimal amount")))
                }
            }
        };
        let cost = money("/cost")?;
        let mut credits = Decimal::ZERO;
        if let Some(Value::Array(cs)) = v.get("credits") {
            for (k, c) in cs.iter().enumerate() {
                credits += c
                    .get("amount")
                    .and_then(json_decimal)
                    .ok_or_else(|| fail(format!("credits[{k}].amount: not a decimal amount")))?;
            }
        }
        total += cost + credits;
        let start_us = super::table::instant(s("/usage_start_time"))
            .ok_or_else(|| fail("usage_start_time: not an RFC 3339 instant".into()))?;
        let end_us = super::table::instant(s("/usage_end_time")).unwrap_or(start_us);
        let service = s("/service/description");
        let sku = s("/sku/description");
        let ls = service.to_ascii_lowercase();
        let provider = if ls == "gemini api" {
            "google"
        } else if ls.contains("vertex") || ls.starts_with("claude") {
            "vertex-ai"
        } else {
            "google-cloud"
        };
        let mut out = BilledLine {
            start_us,
            end_us,
            provider: provider.to_string(),
            account: Some(s("/billing_account_id").to_string()).filter(|x| !x.is_empty()),
            sub_account: Some(s("/project/id").to_string()).filter(|x| !x.is_empty()),
            service: service.to_string(),
            sku: sku.to_string(),
            region: Some(s("/location/region").to_string()).filter(|x| !x.is_empty()),
            quantity: v.pointer("/usage/amount").and_then(json_decimal),
            unit: Some(s("/usage/unit").to_string()).filter(|x| !x.is_empty()),
            cost,
            credits,
            list_cost: v.get("cost_at_list").and_then(json_decimal),
            currency: s("/currency").to_ascii_uppercase(),
            correction: s("/cost_type") == "adjustment",
            tags: labels(v),
            ..BilledLine::blank(BillFormat::GcpBilling, path, line)
        };
        if out.currency.is_empty() {
            out.currency = "USD".into();
        }
        out.charge = match s("/cost_type") {
            "tax" => Charge::Tax,
            "rounding_error" => Charge::Adjustment,
            _ if provider == "google-cloud" => {
                Charge::NonToken(format!("{service} (not a model service)"))
            }
            _ => match gcp_sku(sku) {
                Some(p) => out.take(p),
                None => Charge::Unrecognised(format!("SKU {sku:?}")),
            },
        };
        if matches!(out.charge, Charge::Tokens(_)) {
            match out.quantity {
                Some(q) => {
                    let (n, note) = tokens_of(q, 1);
                    out.tokens = n;
                    out.check = note;
                }
                None => out.check = Some("no usage.amount; tokens unknown".into()),
            }
        }
        bill.lines.push(out);
    }
    Ok(total)
}

/// Resource labels (`[{"key":..,"value":..}]`) and project labels, as tags.
fn labels(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in ["/labels", "/project/labels"] {
        if let Some(Value::Array(a)) = v.pointer(p) {
            for l in a {
                if let (Some(k), Some(val)) = (
                    l.get("key").and_then(Value::as_str),
                    l.get("value").and_then(Value::as_str),
                ) {
                    out.push((k.to_string(), val.to_string()));
                }
            }
        }
    }
    out
}
