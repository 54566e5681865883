//! Amp threads: `~/.local/share/amp/threads/T-<id>.json`, one JSON document per thread
//! (`{"id", "created", "usageLedger": {"events": [...]}, "messages": [...]}`), rewritten as the
//! thread goes on.
//!
//! Two views of the same model calls: the usage ledger's events (`id`, `timestamp`, `model`,
//! `credits`, `toMessageId`, `tokens {input, output}`) and the assistant messages' `usage`
//! (`model`, `inputTokens`, `outputTokens`, `cacheReadInputTokens`,
//! `cacheCreationInputTokens`, `credits`, `timestamp`), which alone splits the cache. A call is
//! read from its message when the message has usage (the event whose `toMessageId` names it
//! gives the instant when the message has none), else from its event; a message no event names
//! counts too. Input excludes the cache (Anthropic's way): canonical input = input + cache read
//! + cache write. Amp logs no reasoning apart.
//!
//! The request id is `amp:<thread>:<message id>` (or `:event:<event id>`), so a thread read
//! again after it grew counts its old calls once. Amp bills credits: a call's `credits` is
//! the log column `amp_credits`. Provider: by the model's publisher (`claude-*` -> anthropic).

use std::collections::HashMap;

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at, timestamp_us, unix_seconds_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{FieldError, OwnedRecord};

pub const AGENT: &str = "amp";

/// True for an Amp thread document.
pub fn looks_like(v: &Value) -> bool {
    v.get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| id.starts_with("T-"))
        && (v
            .pointer("/usageLedger/events")
            .is_some_and(Value::is_array)
            || v.get("messages").is_some_and(Value::is_array))
}

fn message_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let Ok(thread) = v else { return };
        if !looks_like(&thread) {
            return;
        }
        for rec in calls(&thread) {
            deliver_owned(sink, &path, line, rec);
        }
    })
}

/// The records of one thread.
fn calls(t: &Value) -> Vec<Result<OwnedRecord, FieldError>> {
    let thread = str_at(t, &["id"]).unwrap_or("").to_string();
    let created = t.get("created").and_then(unix_seconds_us);
    let empty = Vec::new();
    let messages: Vec<&Value> = t
        .get("messages")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .filter(|m| m.get("usage").is_some_and(Value::is_object))
        .collect();
    let by_id: HashMap<String, &Value> = messages
        .iter()
        .filter_map(|m| Some((message_id(m.get("messageId"))?, *m)))
        .collect();
    let mut used: std::collections::HashSet<String> = Default::default();
    let mut out = Vec::new();
    let events = t
        .pointer("/usageLedger/events")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    for e in events {
        let to = message_id(e.get("toMessageId"));
        match to.as_ref().and_then(|id| by_id.get(id)) {
            Some(m) => {
                let id = to.clone().unwrap_or_default();
                if used.insert(id.clone()) {
                    out.push(from_message(&thread, &id, m, e.get("timestamp"), created));
                }
            }
            None => out.push(from_event(&thread, e)),
        }
    }
    for (n, m) in messages.iter().enumerate() {
        // (A message without an id is known by its place among the messages with usage, which
        // only grow at the end.)
        let id = message_id(m.get("messageId")).unwrap_or_else(|| format!("at{n}"));
        if used.insert(id.clone()) {
            out.push(from_message(&thread, &id, m, None, created));
        }
    }
    out
}

fn stamp(v: Option<&Value>, fallback: Option<i64>) -> Result<(i64, String), FieldError> {
    match v {
        Some(s) => timestamp_us(s)
            .map(|t| (t, s.to_string()))
            .map_err(|e| FieldError::new("timestamp", e.to_string())),
        None => fallback.map(|t| (t, t.to_string())).ok_or_else(|| {
            FieldError::new("timestamp", "a call without a time in a thread without one")
        }),
    }
}

fn finish(
    thread: &str,
    id: String,
    ts: i64,
    mut c: Call,
    credits: Option<&Value>,
) -> Result<OwnedRecord, FieldError> {
    c.provider = agents::provider_of_model(&c.model, "anthropic");
    c.session = Some(thread.to_string());
    c.id = Some(id);
    let mut r = agents::record(AGENT, Ok(ts), "", c)?;
    if let Some(x) = credits.filter(|x| x.is_number()) {
        r.extra.push(("amp_credits".into(), x.to_string()));
    }
    Ok(r)
}

fn from_message(
    thread: &str,
    id: &str,
    m: &Value,
    event_time: Option<&Value>,
    created: Option<i64>,
) -> Result<OwnedRecord, FieldError> {
    let u = |k: &str| count_field(m, &["usage", k]);
    let (input, output, read, write) = (
        u("inputTokens")?,
        u("outputTokens")?,
        u("cacheReadInputTokens")?,
        u("cacheCreationInputTokens")?,
    );
    let (ts, _) = stamp(m.pointer("/usage/timestamp").or(event_time), created)?;
    let model = str_at(m, &["usage", "model"])
        .ok_or_else(|| FieldError::new("usage.model", "a message's usage names no model"))?;
    let c = Call {
        model: model.to_string(),
        input: input + read + write,
        cache_read: read,
        cache_write: write,
        output,
        ..Call::default()
    };
    finish(
        thread,
        format!("{thread}:{id}"),
        ts,
        c,
        m.pointer("/usage/credits"),
    )
}

fn from_event(thread: &str, e: &Value) -> Result<OwnedRecord, FieldError> {
    let (ts, _) = stamp(e.get("timestamp"), None)?;
    let model = str_at(e, &["model"])
        .ok_or_else(|| FieldError::new("model", "a usage event names no model"))?;
    let c = Call {
        model: model.to_string(),
        input: count_field(e, &["tokens", "input"])?,
        output: count_field(e, &["tokens", "output"])?,
        ..Call::default()
    };
    let id = str_at(e, &["id"]).unwrap_or("");
    finish(
        thread,
        format!("{thread}:event:{id}"),
        ts,
        c,
        e.get("credits"),
    )
}
