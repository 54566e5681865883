//! OpenTelemetry GenAI spans in OTLP JSON (`{"resourceSpans": [...]}`, one export per line or
//! one per file, as the OTLP file exporter and collectors write them).
//!
//! Reads `gen_ai.provider.name` (or the older `gen_ai.system`, mapped as in
//! `readers::providers`), `gen_ai.response.model` (else `gen_ai.request.model`),
//! `gen_ai.usage.input_tokens` (cache included, per the semantic conventions),
//! `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_write.input_tokens` (or the
//! older `gen_ai.usage.cache_creation.input_tokens`) with its 1-hour part where the span carries
//! it (see [`one_hour_writes`]),
//! `gen_ai.usage.output_tokens`, `gen_ai.usage.reasoning.output_tokens`, `gen_ai.response.id`.
//! The span's start is the request time; an error status (code 2) makes it failed, with the
//! status from `http.response.status_code` when present, else 500. Resource attributes
//! (`service.name`, ...) become dimensions under their own names. Spans without GenAI usage
//! attributes (HTTP, database, ...) are not usage and are skipped.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{for_each_value, str_at};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord};

/// True when a JSON value is an OTLP traces export.
pub fn looks_like(v: &Value) -> bool {
    v.get("resourceSpans").is_some()
}

/// OTLP attribute list -> key/value text (integers in OTLP JSON are strings).
fn attributes(list: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for a in list.and_then(Value::as_array).into_iter().flatten() {
        let (Some(k), Some(v)) = (a.get("key").and_then(Value::as_str), a.get("value")) else {
            continue;
        };
        let text = if let Some(s) = v.get("stringValue").and_then(Value::as_str) {
            s.to_string()
        } else if let Some(i) = v.get("intValue") {
            match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        } else if let Some(d) = v.get("doubleValue") {
            d.to_string()
        } else if let Some(b) = v.get("boolValue").and_then(Value::as_bool) {
            b.to_string()
        } else {
            continue;
        };
        out.insert(k.to_string(), text);
    }
    out
}

fn count(attrs: &BTreeMap<String, String>, key: &str) -> Result<u64, FieldError> {
    match attrs.get(key) {
        None => Ok(0),
        Some(s) => crate::usage::parse_count(key, s),
    }
}

/// The cache-write attribute: `gen_ai.usage.cache_write.input_tokens` since the GenAI
/// conventions renamed it (opentelemetry-python-genai#613, September 2026), or the older
/// `gen_ai.usage.cache_creation.input_tokens`. Both present and different: which is meant is
/// unknown, so the span is rejected.
fn cache_writes(attrs: &BTreeMap<String, String>) -> Result<u64, FieldError> {
    const NEW: &str = "gen_ai.usage.cache_write.input_tokens";
    const OLD: &str = "gen_ai.usage.cache_creation.input_tokens";
    match (attrs.contains_key(NEW), attrs.contains_key(OLD)) {
        (true, true) => {
            let (n, o) = (count(attrs, NEW)?, count(attrs, OLD)?);
            if n != o {
                return Err(FieldError::new(
                    NEW,
                    format!("{n} cache-write tokens, but {OLD} says {o}"),
                ));
            }
            Ok(n)
        }
        (true, false) => count(attrs, NEW),
        _ => count(attrs, OLD),
    }
}

/// The 1-hour part of the cache writes, where the span carries it: Anthropic's usage
/// flattened (`gen_ai.usage.cache_write.ephemeral_1h_input_tokens`, or under the older
/// `cache_creation`), or `gen_ai.usage.cache_write.ttl` = `1h` for a span whose writes all had
/// the 1-hour TTL. The GenAI conventions define no TTL attribute yet; without one the writes
/// are 5-minute writes.
fn one_hour_writes(attrs: &BTreeMap<String, String>, writes: u64) -> Result<u64, FieldError> {
    let key = [
        "gen_ai.usage.cache_write.ephemeral_1h_input_tokens",
        "gen_ai.usage.cache_creation.ephemeral_1h_input_tokens",
    ]
    .into_iter()
    .find(|k| attrs.contains_key(*k));
    let one_hour = match key {
        Some(k) => count(attrs, k)?,
        None => match attrs
            .get("gen_ai.usage.cache_write.ttl")
            .map(String::as_str)
        {
            Some("1h") => writes,
            _ => 0,
        },
    };
    if one_hour > writes {
        return Err(FieldError::new(
            key.unwrap_or("gen_ai.usage.cache_write.ttl"),
            format!("{one_hour} 1-hour cache writes exceed the {writes} cache writes"),
        ));
    }
    Ok(one_hour)
}

fn span_record(
    resource: &BTreeMap<String, String>,
    span: &Value,
) -> Option<Result<OwnedRecord, FieldError>> {
    let attrs = attributes(span.get("attributes"));
    if !attrs.contains_key("gen_ai.usage.input_tokens")
        && !attrs.contains_key("gen_ai.usage.output_tokens")
    {
        return None;
    }
    Some((|| {
        let start = str_at(span, &["startTimeUnixNano"])
            .map(str::to_string)
            .or_else(|| span.get("startTimeUnixNano").map(|v| v.to_string()))
            .ok_or_else(|| FieldError::new("startTimeUnixNano", "missing value (required)"))?;
        let nanos: i128 = start.parse().map_err(|_| {
            FieldError::new("startTimeUnixNano", format!("{start:?} is not an integer"))
        })?;
        let ts = i64::try_from(nanos.div_euclid(1000))
            .map_err(|_| FieldError::new("startTimeUnixNano", "out of range"))?;
        let provider = attrs
            .get("gen_ai.provider.name")
            .or_else(|| attrs.get("gen_ai.system"))
            .map(|p| crate::providers::from_otel(p))
            .ok_or_else(|| {
                FieldError::new("gen_ai.provider.name", "missing (and no gen_ai.system)")
            })?;
        let model = attrs
            .get("gen_ai.response.model")
            .or_else(|| attrs.get("gen_ai.request.model"))
            .ok_or_else(|| {
                FieldError::new(
                    col::MODEL,
                    "no gen_ai.response.model or gen_ai.request.model",
                )
            })?;
        let mut o = OwnedRecord::new(ts, &provider, model);
        let input = count(&attrs, "gen_ai.usage.input_tokens")?;
        o.cache_read_tokens = count(&attrs, "gen_ai.usage.cache_read.input_tokens")?;
        o.cache_write_tokens = cache_writes(&attrs)?;
        o.cache_write_1h_tokens = one_hour_writes(&attrs, o.cache_write_tokens)?;
        // Some instrumentations report Anthropic's input without cache; then the parts exceed it.
        o.input_tokens = if o.cache_read_tokens + o.cache_write_tokens > input {
            input + o.cache_read_tokens + o.cache_write_tokens
        } else {
            input
        };
        o.output_tokens = count(&attrs, "gen_ai.usage.output_tokens")?;
        o.reasoning_tokens =
            count(&attrs, "gen_ai.usage.reasoning.output_tokens")?.min(o.output_tokens);
        o.request_id = attrs.get("gen_ai.response.id").cloned();
        let http = attrs
            .get("http.response.status_code")
            .and_then(|s| s.parse::<u16>().ok());
        let error = span
            .get("status")
            .and_then(|s| s.get("code"))
            .and_then(|c| match c {
                Value::Number(n) => n.as_u64(),
                Value::String(s) if s == "STATUS_CODE_ERROR" => Some(2),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            == Some(2);
        o.status = match (error, http) {
            (_, Some(h)) if (100..600).contains(&h) => h,
            (true, _) => 500,
            _ => 200,
        };
        o.region = attrs
            .get("cloud.region")
            .or_else(|| resource.get("cloud.region"))
            .cloned();
        o.user = attrs
            .get("enduser.id")
            .or_else(|| attrs.get("user.id"))
            .cloned();
        if let Some(op) = attrs.get("gen_ai.operation.name") {
            o.extra.push(("gen_ai.operation.name".into(), op.clone()));
        }
        for (k, v) in resource {
            o.extra.push((k.clone(), v.clone()));
        }
        Ok(o)
    })())
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let v = match v {
            Ok(v) => v,
            Err(m) => return deliver_owned(sink, &path, line, Err(FieldError::new("row", m))),
        };
        let Some(rs) = v.get("resourceSpans").and_then(Value::as_array) else {
            return deliver_owned(
                sink,
                &path,
                line,
                Err(FieldError::new(
                    "resourceSpans",
                    "not an OTLP traces export",
                )),
            );
        };
        for r in rs {
            let resource = attributes(r.get("resource").and_then(|x| x.get("attributes")));
            // `instrumentationLibrarySpans` is the name before OTLP 0.15.
            let scopes = r
                .get("scopeSpans")
                .or_else(|| r.get("instrumentationLibrarySpans"));
            for ss in scopes.and_then(Value::as_array).into_iter().flatten() {
                for span in ss
                    .get("spans")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(rec) = span_record(&resource, span) {
                        deliver_owned(sink, &path, line, rec);
                    }
                }
            }
        }
    })
}
