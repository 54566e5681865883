//! Anthropic usage: JSON Lines of Messages API responses (`"type": "message"` with `usage`), and
//! the Admin API usage report (`GET /v1/organizations/usage_report/messages`: buckets of results
//! with `uncached_input_tokens` and a nested `cache_creation`).
//!
//! Anthropic counts input WITHOUT cache: canonical input = `input_tokens` (or
//! `uncached_input_tokens`) + `cache_creation_input_tokens` + `cache_read_input_tokens`.
//! Cache writes split into 5-minute and 1-hour TTLs (`cache_creation.ephemeral_1h_input_tokens`
//! are the 1-hour ones). A Messages API response has no timestamp of its own: a line needs a
//! `timestamp` (or `created_at`) field, beside the message or around it (`{"timestamp": ...,
//! "response": {...}}`). The usage report counts no requests: its rows have `requests = 0`.

use serde_json::Value;

use super::json::{at, count_at, count_field as c, for_each_value, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord, UnpricedClass};

pub const PROVIDER: &str = "anthropic";

/// The message inside a logged line: the line itself or a wrapper's `response`/`message`/`body`.
fn message(v: &Value) -> Option<&Value> {
    // A Messages API response says `"type": "message"`; OpenAI's Responses API (which also has
    // `usage.input_tokens`) says `"object": "response"` and must not be read as Anthropic.
    let is_message = |m: &Value| {
        m.get("type").and_then(Value::as_str) == Some("message") && m.get("usage").is_some()
    };
    if is_message(v) {
        return Some(v);
    }
    ["response", "message", "body"]
        .iter()
        .filter_map(|k| v.get(*k))
        .find(|m| is_message(m))
}

/// True when a JSON value is a Messages API response or a usage report page or bucket.
pub fn looks_like(v: &Value) -> bool {
    // A usage-report bucket: `starting_at`/`ending_at` and `results` (possibly empty).
    let report = |b: &Value| {
        b.get("results").and_then(Value::as_array).is_some_and(|r| {
            r.iter().any(|x| x.get("uncached_input_tokens").is_some())
                || (b.get("starting_at").is_some() && b.get("ending_at").is_some())
        })
    };
    message(v).is_some_and(|m| at(m, &["usage", "input_tokens"]).is_some())
        || v.get("data")
            .and_then(Value::as_array)
            .is_some_and(|d| d.iter().any(report))
        || report(v)
}

/// Fills the Anthropic token classes from a `usage` object (`input` names the uncached field).
fn tokens(o: &mut OwnedRecord, u: &Value, input: &str) -> Result<(), FieldError> {
    let uncached = c(u, &[input])?;
    let cache_read = c(u, &["cache_read_input_tokens"])?;
    let split_5m = c(u, &["cache_creation", "ephemeral_5m_input_tokens"])?;
    let split_1h = c(u, &["cache_creation", "ephemeral_1h_input_tokens"])?;
    // The report has only the nested split; the Messages API has the total too.
    let cache_write = match count_at(u, &["cache_creation_input_tokens"]) {
        Ok(Some(n)) => n.max(split_5m + split_1h),
        Ok(None) => split_5m + split_1h,
        Err(e) => return Err(e),
    };
    o.cache_read_tokens = cache_read;
    o.cache_write_tokens = cache_write;
    o.cache_write_1h_tokens = split_1h;
    o.input_tokens = uncached + cache_read + cache_write;
    o.output_tokens = c(u, &["output_tokens"])?;
    // Web searches are billed per search on top of the tokens; the book has no rate for them.
    if c(u, &["server_tool_use", "web_search_requests"])? > 0 {
        o.unpriced_class = Some(UnpricedClass::WebSearches);
    }
    Ok(())
}

fn response(line: &Value, m: &Value) -> Result<OwnedRecord, FieldError> {
    let ts_v = ["timestamp", "created_at", "time"]
        .iter()
        .find_map(|k| at(line, &[k]).or_else(|| at(m, &[k])))
        .ok_or_else(|| {
            FieldError::new(
                col::TIMESTAMP,
                "no timestamp: Messages API responses carry none, log them with a \"timestamp\" field",
            )
        })?;
    let ts = timestamp_us(ts_v).map_err(|e| FieldError::new(col::TIMESTAMP, e))?;
    let model = str_at(m, &["model"])
        .ok_or_else(|| FieldError::new(col::MODEL, "missing value (required)"))?;
    // A logged line may say who billed (e.g. Claude on Bedrock): mapped like LiteLLM's names.
    let provider =
        str_at(line, &["provider"]).map_or(PROVIDER.to_string(), crate::providers::from_litellm);
    let mut o = OwnedRecord::new(ts, &provider, model);
    tokens(
        &mut o,
        at(m, &["usage"]).unwrap_or(&Value::Null),
        "input_tokens",
    )?;
    o.request_id = str_at(line, &["request_id"])
        .or_else(|| str_at(m, &["id"]))
        .map(str::to_string);
    service_tier(&mut o, str_at(m, &["usage", "service_tier"]));
    for k in ["user", "project", "api_key"] {
        if let Some(s) = str_at(line, &[k]) {
            match k {
                "user" => o.user = Some(s.into()),
                "project" => o.project = Some(s.into()),
                _ => o.api_key = Some(s.into()),
            }
        }
    }
    Ok(o)
}

/// Anthropic's `service_tier`: `batch` is the Message Batches API (batch rates), `priority` the
/// Priority Tier (its own rates), `standard` the default.
fn service_tier(o: &mut OwnedRecord, tier: Option<&str>) {
    match tier {
        Some("batch") => o.batch = true,
        Some(t) if t != "standard" => o.service_tier = Some(t.to_string()),
        _ => {}
    }
}

fn report_result(start: i64, r: &Value) -> Result<OwnedRecord, FieldError> {
    let model = str_at(r, &["model"]).unwrap_or("(model not grouped)");
    let mut o = OwnedRecord::new(start, PROVIDER, model);
    tokens(&mut o, r, "uncached_input_tokens")?;
    o.requests = 0;
    o.api_key = str_at(r, &["api_key_id"]).map(str::to_string);
    o.project = str_at(r, &["workspace_id"]).map(str::to_string);
    service_tier(&mut o, str_at(r, &["service_tier"]));
    if let Some(cw) = str_at(r, &["context_window"]) {
        o.long_context = Some(cw != "0-200k");
        o.extra.push(("context_window".into(), cw.to_string()));
    }
    Ok(o)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let v = match v {
            Ok(v) => v,
            Err(m) => return deliver_owned(sink, &path, line, Err(FieldError::new("row", m))),
        };
        if let Some(m) = message(&v) {
            return deliver_owned(sink, &path, line, response(&v, m));
        }
        let buckets: Vec<&Value> = match v.get("data").and_then(Value::as_array) {
            Some(d) => d.iter().collect(),
            None if v.get("results").is_some() => vec![&v],
            None => {
                return deliver_owned(
                    sink,
                    &path,
                    line,
                    Err(FieldError::new(
                        "row",
                        "neither a Messages API response nor a usage report",
                    )),
                )
            }
        };
        for b in buckets {
            let start = match at(b, &["starting_at"]).map(timestamp_us) {
                Some(Ok(t)) => t,
                _ => {
                    deliver_owned(
                        sink,
                        &path,
                        line,
                        Err(FieldError::new(
                            "starting_at",
                            "bucket without a valid starting_at",
                        )),
                    );
                    continue;
                }
            };
            for r in b
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                deliver_owned(sink, &path, line, report_result(start, r));
            }
        }
    })
}
