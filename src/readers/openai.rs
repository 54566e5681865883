//! OpenAI usage: the Usage API completions response (`GET /v1/organization/usage/completions`:
//! pages of daily or hourly buckets, each result a pre-aggregated row of `num_model_requests`
//! requests, grouped by any of project_id, user_id, api_key_id, model, batch, service_tier), and
//! JSON Lines of raw Chat Completions or Responses API bodies with their `usage`.
//!
//! OpenAI's input counts INCLUDE cached tokens (`input_cached_tokens`, `cached_tokens` are
//! subsets) and output includes reasoning, which is the canonical convention. Audio tokens are
//! part of input/output at rates several times the text rates, which the book does not have: a
//! row with any is left unpriced, naming them (`usage::UnpricedClass::AudioTokens`), never
//! priced as text.

use serde_json::Value;

use super::json::{at, count_field as c, for_each_value, str_at, timestamp_us, unix_seconds_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord, UnpricedClass};

pub const PROVIDER: &str = "openai";

/// True when a JSON value is a usage page, bucket or API body this reader understands.
pub fn looks_like(v: &Value) -> bool {
    let obj = v.get("object").and_then(Value::as_str).unwrap_or("");
    let direct =
        matches!(
            obj,
            "page" | "bucket" | "chat.completion" | "response" | "text_completion"
        ) && (v.get("data").is_some() || v.get("results").is_some() || v.get("usage").is_some());
    direct || wrapped(v).is_some()
}

/// An API body logged inside a wrapper (`{"timestamp": ..., "response": {...}}`).
fn wrapped(v: &Value) -> Option<&Value> {
    ["response", "body"]
        .iter()
        .filter_map(|k| v.get(*k))
        .find(|b| {
            matches!(
                b.get("object").and_then(Value::as_str),
                Some("chat.completion" | "response" | "text_completion")
            ) && b.get("usage").is_some()
        })
}

/// One Usage API result inside a bucket starting at `start_us`.
fn usage_result(start_us: i64, r: &Value) -> Result<OwnedRecord, FieldError> {
    // Without a model group-by the API reports no model: the usage stays visible as unpriced.
    let model = str_at(r, &["model"]).unwrap_or("(model not grouped)");
    let mut o = OwnedRecord::new(start_us, PROVIDER, model);
    o.input_tokens = c(r, &["input_tokens"])?;
    o.output_tokens = c(r, &["output_tokens"])?;
    o.cache_read_tokens = c(r, &["input_cached_tokens"])?;
    o.requests = c(r, &["num_model_requests"])?;
    o.project = str_at(r, &["project_id"]).map(str::to_string);
    o.user = str_at(r, &["user_id"]).map(str::to_string);
    o.api_key = str_at(r, &["api_key_id"]).map(str::to_string);
    o.batch = at(r, &["batch"]).and_then(Value::as_bool).unwrap_or(false);
    o.service_tier = str_at(r, &["service_tier"]).map(str::to_string);
    for (k, name) in [
        ("input_audio_tokens", "input_audio_tokens"),
        ("output_audio_tokens", "output_audio_tokens"),
    ] {
        let n = c(r, &[k])?;
        if n > 0 {
            o.extra.push((name.into(), n.to_string()));
            o.unpriced_class = Some(UnpricedClass::AudioTokens);
        }
    }
    Ok(o)
}

/// A raw Chat Completions (`prompt_tokens`) or Responses (`input_tokens`) body, possibly inside
/// a wrapper that carries the timestamp.
fn api_body(line: &Value) -> Result<OwnedRecord, FieldError> {
    let v = wrapped(line).unwrap_or(line);
    let ts_v = at(v, &["created"])
        .or_else(|| at(v, &["created_at"]))
        .or_else(|| at(line, &["timestamp"]))
        .or_else(|| at(line, &["created_at"]));
    let ts = ts_v
        .ok_or_else(|| FieldError::new(col::TIMESTAMP, "no created/created_at timestamp"))
        .and_then(|t| timestamp_us(t).map_err(|m| FieldError::new(col::TIMESTAMP, m)))?;
    let model = str_at(v, &["model"])
        .ok_or_else(|| FieldError::new(col::MODEL, "missing value (required)"))?;
    let mut o = OwnedRecord::new(ts, PROVIDER, model);
    let u = at(v, &["usage"]).ok_or_else(|| FieldError::new("usage", "missing usage object"))?;
    if u.get("prompt_tokens").is_some() {
        o.input_tokens = c(u, &["prompt_tokens"])?;
        o.output_tokens = c(u, &["completion_tokens"])?;
        o.cache_read_tokens = c(u, &["prompt_tokens_details", "cached_tokens"])?;
        o.reasoning_tokens = c(u, &["completion_tokens_details", "reasoning_tokens"])?;
        let audio = c(u, &["prompt_tokens_details", "audio_tokens"])?
            .saturating_add(c(u, &["completion_tokens_details", "audio_tokens"])?);
        if audio > 0 {
            o.unpriced_class = Some(UnpricedClass::AudioTokens);
        }
    } else {
        o.input_tokens = c(u, &["input_tokens"])?;
        o.output_tokens = c(u, &["output_tokens"])?;
        o.cache_read_tokens = c(u, &["input_tokens_details", "cached_tokens"])?;
        o.reasoning_tokens = c(u, &["output_tokens_details", "reasoning_tokens"])?;
        // The Responses API's web search tool is billed per call on top of the tokens.
        let searched = at(v, &["output"])
            .and_then(Value::as_array)
            .is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i.get("type").and_then(Value::as_str) == Some("web_search_call"))
            });
        if searched {
            o.unpriced_class = Some(UnpricedClass::WebSearches);
        }
    }
    o.request_id = str_at(v, &["id"]).map(str::to_string);
    // `default` and `auto` are the standard rates; `priority` and `flex` have their own rows
    // in the book; any other tier (`scale`) stays unpriced unless the book prices it.
    o.service_tier = str_at(v, &["service_tier"]).map(str::to_string);
    Ok(o)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let v = match v {
            Ok(v) => v,
            Err(m) => return deliver_owned(sink, &path, line, Err(FieldError::new("row", m))),
        };
        let buckets: Vec<&Value> = match v.get("object").and_then(Value::as_str) {
            Some("page") => v
                .get("data")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            Some("bucket") => vec![&v],
            _ if v.get("results").is_some() && v.get("start_time").is_some() => vec![&v],
            _ => {
                return deliver_owned(sink, &path, line, api_body(&v));
            }
        };
        for b in buckets {
            let Some(start) = b.get("start_time").and_then(unix_seconds_us) else {
                deliver_owned(
                    sink,
                    &path,
                    line,
                    Err(FieldError::new("start_time", "bucket without a start_time")),
                );
                continue;
            };
            // Empty buckets (`results: []`) are periods without usage: nothing to count.
            for r in b
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                deliver_owned(sink, &path, line, usage_result(start, r));
            }
        }
    })
}
