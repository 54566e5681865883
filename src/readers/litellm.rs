//! LiteLLM proxy spend logs: the `LiteLLM_SpendLogs` table exported as CSV (with a header) or
//! JSON (an array, JSON Lines, or `{"data": [...]}`).
//!
//! Columns used: `request_id`, `startTime`, `model` (a `provider/` prefix is dropped; Azure's
//! `us/`, `eu/` and `global/` become the `deployment_type` Data Zone or Global),
//! `custom_llm_provider` (mapped to tokenledger's ids, see `readers::providers`),
//! `prompt_tokens`, `completion_tokens`, `user`, `team_id`, `end_user`, `api_key` (LiteLLM stores
//! it hashed), `model_group`, `call_type`, `status`, and cache tokens from
//! `metadata.usage_object` (`cache_read_input_tokens` or `prompt_tokens_details.cached_tokens`,
//! `cache_creation_input_tokens`). LiteLLM reports prompt tokens in OpenAI's convention (cache
//! included); when the cache counts exceed them, the provider reported input without cache and
//! the cache counts are added. A `failure` row is a failed request (status from
//! `metadata.error_information.error_code` when numeric, else 500).

use serde_json::Value;

use super::json::{at, count_at, count_field as c, for_each_value, str_at, timestamp_us};

use super::{deliver_owned, FileKind, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord};

/// True when a JSON object (or CSV header turned into one) is a spend-log row.
pub fn looks_like(v: &Value) -> bool {
    let row = v
        .get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .unwrap_or(v);
    row.get("call_type").is_some() && row.get("spend").is_some()
}

/// True when a CSV header is a spend-log export.
pub fn header_looks_like(names: &[&str]) -> bool {
    names.contains(&"call_type") && names.contains(&"spend") && names.contains(&"request_id")
}

fn record(row: &Value) -> Result<OwnedRecord, FieldError> {
    let ts_v = at(row, &["startTime"])
        .or_else(|| at(row, &["start_time"]))
        .ok_or_else(|| FieldError::new("startTime", "missing value (required)"))?;
    let ts = timestamp_us(ts_v).map_err(|m| FieldError::new("startTime", m))?;
    let raw_provider = str_at(row, &["custom_llm_provider"]);
    let raw_model = str_at(row, &["model"])
        .ok_or_else(|| FieldError::new(col::MODEL, "missing value (required)"))?;
    let (prefix, bare) = match raw_model.split_once('/') {
        Some((p, m))
            if raw_provider.is_none_or(|rp| rp == p)
                && crate::providers::litellm_id(p).is_some() =>
        {
            (Some(p), m)
        }
        _ => (None, raw_model),
    };
    let provider = match raw_provider.or(prefix) {
        Some(p) => crate::providers::from_litellm(p),
        None => "unknown".to_string(),
    };
    // LiteLLM names Azure deployment types in the model: `azure/us/gpt-4o` and `azure/eu/...`
    // are Data Zone deployments, `azure/global/...` Global Standard.
    let (bare, deployment) = match (provider.as_str(), bare.split_once('/')) {
        ("azure", Some(("us" | "eu", m))) => (m, Some("data-zone")),
        ("azure", Some(("global" | "global-standard", m))) => (m, Some("global")),
        _ => (bare, None),
    };
    let mut o = OwnedRecord::new(ts, &provider, bare);
    if let Some(d) = deployment {
        o.extra
            .push((col::DEPLOYMENT_TYPE.to_string(), d.to_string()));
    }
    let required = |k: &str| {
        count_at(row, &[k])?.ok_or_else(|| FieldError::new(k, "missing value (required)"))
    };
    let prompt = required("prompt_tokens")?;
    o.output_tokens = required("completion_tokens")?;
    // metadata may be an object or JSON text (CSV exports).
    let meta_owned;
    let meta = match at(row, &["metadata"]) {
        Some(Value::String(s)) => {
            meta_owned = match super::json::parse(s) {
                Ok(v) => v,
                Err(e @ super::json::RecordError::RepeatedKey(_)) => {
                    return Err(FieldError::new("metadata", e.to_string()))
                }
                Err(_) => Value::Null,
            };
            &meta_owned
        }
        Some(v) => v,
        None => &Value::Null,
    };
    let uo = at(meta, &["usage_object"]).unwrap_or(&Value::Null);
    let cache_read = match c(uo, &["cache_read_input_tokens"])? {
        0 => c(uo, &["prompt_tokens_details", "cached_tokens"])?,
        n => n,
    };
    let details = ["prompt_tokens_details", "cache_creation_token_details"];
    let cache_write = match c(uo, &["cache_creation_input_tokens"])? {
        0 => c(uo, &["prompt_tokens_details", "cache_creation_tokens"])?,
        n => n,
    };
    // The 1-hour part of the writes: LiteLLM's `cache_creation_token_details`, or Anthropic's
    // own `cache_creation` when the usage is passed through.
    let one_hour = match c(uo, &[details[0], details[1], "ephemeral_1h_input_tokens"])? {
        0 => c(uo, &["cache_creation", "ephemeral_1h_input_tokens"])?,
        n => n,
    };
    if one_hour > cache_write {
        return Err(FieldError::new(
            "metadata",
            format!("{one_hour} 1-hour cache writes exceed the {cache_write} cache writes"),
        ));
    }
    o.cache_read_tokens = cache_read;
    o.cache_write_tokens = cache_write;
    o.cache_write_1h_tokens = one_hour;
    o.input_tokens = if cache_read + cache_write > prompt {
        prompt + cache_read + cache_write
    } else {
        prompt
    };
    o.reasoning_tokens =
        c(uo, &["completion_tokens_details", "reasoning_tokens"])?.min(o.output_tokens);
    o.request_id = str_at(row, &["request_id"]).map(str::to_string);
    o.user = str_at(row, &["user"]).map(str::to_string);
    o.api_key = str_at(row, &["api_key"]).map(str::to_string);
    o.project = str_at(row, &["team_id"]).map(str::to_string);
    for k in ["end_user", "model_group", "call_type"] {
        if let Some(s) = str_at(row, &[k]) {
            o.extra.push((k.to_string(), s.to_string()));
        }
    }
    if str_at(row, &["status"]).is_some_and(|s| s.eq_ignore_ascii_case("failure")) {
        let code = at(meta, &["error_information", "error_code"]).and_then(|v| match v {
            Value::String(s) => s.parse::<u16>().ok(),
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            _ => None,
        });
        o.status = code.filter(|c| (400..600).contains(c)).unwrap_or(500);
    }
    Ok(o)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    if file.kind == FileKind::Csv {
        return super::json::for_each_csv_object(file, opts, sink, |sink, line, row| {
            deliver_owned(sink, &path, line, record(row))
        });
    }
    for_each_value(file, opts, |line, v| match v {
        Err(m) => deliver_owned(sink, &path, line, Err(FieldError::new("row", m))),
        Ok(v) => match v.get("data").and_then(Value::as_array) {
            Some(rows) => {
                for r in rows {
                    deliver_owned(sink, &path, line, record(r));
                }
            }
            None => deliver_owned(sink, &path, line, record(&v)),
        },
    })
}
