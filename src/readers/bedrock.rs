//! AWS Bedrock model invocation logs (`schemaType: ModelInvocationLog`), as delivered to S3
//! (`.json.gz`, one record per line) or exported from CloudWatch (one record per line, a JSON
//! array, or Logs Insights rows whose `@message` holds the record as text).
//!
//! Bedrock counts input WITHOUT cache: canonical input = `inputTokenCount` +
//! `cacheReadInputTokenCount` + `cacheWriteInputTokenCount`; the 1-hour part of the writes
//! comes from the response body's `cacheDetails` (see [`one_hour_writes`]). A record without token counts
//! (a request a guardrail blocked) is a request with no tokens and the dimension
//! `outcome=guardrail_blocked`, not a rejected row. `errorCode` makes the request failed.

use serde_json::Value;

use super::json::{at, count_at, for_each_value, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord};

pub const PROVIDER: &str = "aws-bedrock";

/// HTTP status of a Bedrock error code.
pub fn status_of(error_code: &str) -> u16 {
    match error_code {
        "ThrottlingException" | "ServiceQuotaExceededException" => 429,
        "AccessDeniedException" => 403,
        "ValidationException" => 400,
        "ResourceNotFoundException" => 404,
        "ModelTimeoutException" => 408,
        "ModelNotReadyException" | "ServiceUnavailableException" => 503,
        "ModelErrorException" => 424,
        _ => 500,
    }
}

/// True when a JSON value is a Bedrock invocation record.
pub fn looks_like(v: &Value) -> bool {
    let v = unwrap_message(v)
        .ok()
        .flatten()
        .unwrap_or_else(|| v.clone());
    v.get("schemaType").and_then(Value::as_str) == Some("ModelInvocationLog")
        || (v.get("modelId").is_some()
            && v.get("requestId").is_some()
            && v.get("operation").is_some())
}

/// CloudWatch Logs Insights rows carry the record as JSON text in `@message`.
/// `Err` when that text repeats a key (which value is meant is unknown); `None` when there is
/// no such text or it is not JSON (the row itself is then the record).
fn unwrap_message(v: &Value) -> Result<Option<Value>, FieldError> {
    let Some(m) = v.get("@message").and_then(Value::as_str) else {
        return Ok(None);
    };
    match super::json::parse(m) {
        Ok(v) => Ok(Some(v)),
        Err(e @ super::json::RecordError::RepeatedKey(_)) => {
            Err(FieldError::new("@message", e.to_string()))
        }
        Err(_) => Ok(None),
    }
}

/// The 1-hour part of a record's cache writes, from the response body the log keeps
/// (`output.outputBodyJson`): the Converse usage's `cacheDetails` (one entry per TTL,
/// `{"inputTokens", "ttl": "1h"|"5m"}`), or an Anthropic InvokeModel body's
/// `usage.cache_creation.ephemeral_1h_input_tokens`; a streamed body is a list of events, whose
/// usage is in a `metadata` (Converse) or `message_start` (Anthropic) event. 0 when the body
/// says nothing: the writes are 5-minute writes, Bedrock's default.
fn one_hour_writes(v: &Value) -> Result<u64, FieldError> {
    let Some(body) = at(v, &["output", "outputBodyJson"]) else {
        return Ok(0);
    };
    let events: Vec<&Value> = match body {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut best = 0u64;
    for e in events {
        for usage in [
            at(e, &["usage"]),
            at(e, &["metadata", "usage"]),
            at(e, &["message", "usage"]),
        ]
        .into_iter()
        .flatten()
        {
            let mut one_hour = 0u64;
            if let Some(Value::Array(details)) = usage.get("cacheDetails") {
                for d in details {
                    if d.get("ttl").and_then(Value::as_str) == Some("1h") {
                        let n = count_at(d, &["inputTokens"])?.unwrap_or(0);
                        one_hour = one_hour.checked_add(n).ok_or_else(|| {
                            FieldError::new("cacheDetails", "the 1-hour writes overflow")
                        })?;
                    }
                }
            } else if let Some(n) =
                count_at(usage, &["cache_creation", "ephemeral_1h_input_tokens"])?
            {
                one_hour = n;
            }
            best = best.max(one_hour);
        }
    }
    Ok(best)
}

fn record(v: &Value) -> Result<OwnedRecord, FieldError> {
    let f = |field: &str, m: String| FieldError::new(field, m);
    if let Some(t) = v.get("schemaType").and_then(Value::as_str) {
        if t != "ModelInvocationLog" {
            return Err(f(
                "schemaType",
                format!("{t:?} is not a ModelInvocationLog"),
            ));
        }
    }
    let ts = timestamp_us(
        at(v, &["timestamp"])
            .ok_or_else(|| f(col::TIMESTAMP, "missing value (required)".into()))?,
    )
    .map_err(|m| f(col::TIMESTAMP, m.into()))?;
    let model =
        str_at(v, &["modelId"]).ok_or_else(|| f("modelId", "missing value (required)".into()))?;
    let mut r = OwnedRecord::new(ts, PROVIDER, model);
    let c = |path: &[&str]| count_at(v, path);
    let input = c(&["input", "inputTokenCount"])?;
    let output = c(&["output", "outputTokenCount"])?;
    r.cache_read_tokens = c(&["input", "cacheReadInputTokenCount"])?.unwrap_or(0);
    r.cache_write_tokens = c(&["input", "cacheWriteInputTokenCount"])?.unwrap_or(0);
    r.input_tokens = input.unwrap_or(0) + r.cache_read_tokens + r.cache_write_tokens;
    r.cache_write_1h_tokens = one_hour_writes(v)?;
    if r.cache_write_1h_tokens > r.cache_write_tokens {
        return Err(f(
            "cacheDetails",
            format!(
                "{} 1-hour cache writes exceed cacheWriteInputTokenCount {}",
                r.cache_write_1h_tokens, r.cache_write_tokens
            ),
        ));
    }
    r.output_tokens = output.unwrap_or(0);
    if input.is_none() && output.is_none() {
        let guardrail = at(
            v,
            &[
                "output",
                "outputBodyJson",
                "amazon-bedrock-trace",
                "guardrail",
            ],
        )
        .is_some()
            || at(
                v,
                &["output", "outputBodyJson", "amazon-bedrock-guardrailAction"],
            )
            .is_some();
        let outcome = if guardrail {
            "guardrail_blocked"
        } else {
            "no_token_counts"
        };
        r.extra.push(("outcome".into(), outcome.into()));
    }
    r.request_id = str_at(v, &["requestId"]).map(str::to_string);
    if let Some(code) = str_at(v, &["errorCode"]) {
        r.status = status_of(code);
        r.extra.push(("error_code".into(), code.to_string()));
    }
    r.region = str_at(v, &["region"]).map(str::to_string);
    // The AWS account billed (FOCUS BillingAccountId).
    if let Some(acct) = str_at(v, &["accountId"]) {
        r.extra.push(("billing_account".into(), acct.to_string()));
    }
    if let Some(ir) = str_at(v, &["inferenceRegion"]) {
        r.extra.push(("inference_region".into(), ir.to_string()));
    }
    r.user = str_at(v, &["identity", "arn"]).map(str::to_string);
    if let Some(op) = str_at(v, &["operation"]) {
        r.extra.push(("operation".into(), op.to_string()));
    }
    if let Some(Value::Object(meta)) = at(v, &["requestMetadata"]) {
        for (k, val) in meta {
            let Some(s) = val.as_str() else { continue };
            match k.as_str() {
                "project" => r.project = Some(s.to_string()),
                "user" => r.user = Some(s.to_string()),
                _ => r.extra.push((k.clone(), s.to_string())),
            }
        }
    }
    Ok(r)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let result = v.map_err(|m| FieldError::new("row", m)).and_then(|v| {
            let inner = unwrap_message(&v)?;
            record(inner.as_ref().unwrap_or(&v))
        });
        deliver_owned(sink, &path, line, result);
    })
}
