//! Gemini CLI chat recordings: `~/.gemini/tmp/<project>/chats/session-*.jsonl` (since v0.39:
//! a metadata line `{"sessionId", "projectHash", "startTime", ...}`, then message records,
//! `{"$set": {...}}` metadata updates and `{"$rewindTo": id}` lines) or, before, one
//! `session-*.json` document `{"sessionId", ..., "messages": [...]}` rewritten whole.
//!
//! Usage is on `type: "gemini"` messages: `tokens {input, output, cached, thoughts, tool,
//! total}` from the API's usage metadata (`input` = promptTokenCount, which includes the
//! `cached` tokens; `thoughts` are outside `output`; `tool` is the tool-use prompt, billed as
//! input). Canonical: input = input + tool, cache read = cached, output = output + thoughts,
//! reasoning = thoughts. A `cached` larger than `input` can only be exclusive and is added.
//!
//! Gemini CLI appends a message again each time it changes (tokens arrive after the text): the
//! last copy of an id in a file counts. A `$rewindTo` drops messages from the conversation but
//! their calls were paid, so they are kept. The request id is `gemini-cli:<session>:<id>`, so
//! a legacy `.json` and the `.jsonl` a resume made from it count each call once.
//! Provider: `google` (the Gemini API's list prices; a "Login with Google" plan is billed
//! otherwise: see README "Coding agents"); project: the `<project>` folder.

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "gemini-cli";
const PROVIDER: &str = "google";

/// True for a Gemini CLI session's metadata line or legacy document.
pub fn looks_like(v: &Value) -> bool {
    v.get("sessionId").is_some()
        && v.get("projectHash").is_some()
        && (v.get("startTime").is_some() || v.get("messages").is_some_and(Value::is_array))
}

/// The `<project>` folder of `.../tmp/<project>/chats/...`.
fn project_of(path: &std::path::Path) -> Option<String> {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let i = parts.iter().rposition(|p| *p == "chats")?;
    i.checked_sub(1).map(|j| parts[j].to_string())
}

struct Message {
    line: u64,
    v: Value,
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let project = project_of(&file.path);
    let mut session: Option<String> = None;
    // Message id -> its last copy, in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut last: std::collections::HashMap<String, Message> = Default::default();
    let mut anonymous: Vec<Message> = Vec::new();
    let mut add = |line: u64, m: Value| {
        if m.get("type").and_then(Value::as_str) != Some("gemini") || m.get("tokens").is_none() {
            return;
        }
        match m.get("id").and_then(Value::as_str).map(str::to_string) {
            Some(id) => {
                if !last.contains_key(&id) {
                    order.push(id.clone());
                }
                last.insert(id, Message { line, v: m });
            }
            None => anonymous.push(Message { line, v: m }),
        }
    };
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else { return };
        if let Some(s) = v.get("sessionId").and_then(Value::as_str) {
            session.get_or_insert_with(|| s.to_string());
        }
        if let Some(msgs) = v.get("messages").and_then(Value::as_array) {
            for m in msgs {
                add(line, m.clone());
            }
        } else {
            add(line, v);
        }
    })?;
    let messages = order
        .into_iter()
        .filter_map(|id| last.remove(&id))
        .chain(anonymous);
    for m in messages {
        let rec = call(&m.v, session.as_deref(), project.clone()).and_then(|(stamp, c)| {
            let ts = timestamp_us(m.v.get("timestamp").unwrap_or(&Value::Null))
                .map_err(|e| FieldError::new("timestamp", e.to_string()));
            agents::record(AGENT, ts, &stamp, c)
        });
        deliver_owned(sink, &path, m.line, rec);
    }
    Ok(())
}

fn call(
    m: &Value,
    session: Option<&str>,
    project: Option<String>,
) -> Result<(String, Call), FieldError> {
    let t = |k: &str| count_field(m, &["tokens", k]);
    let (input, cached, output, thoughts, tool) = (
        t("input")?,
        t("cached")?,
        t("output")?,
        t("thoughts")?,
        t("tool")?,
    );
    let prompt = if cached > input {
        input + cached
    } else {
        input
    };
    let model = str_at(m, &["model"])
        .ok_or_else(|| FieldError::new("model", "a Gemini message with tokens names no model"))?;
    let stamp = str_at(m, &["timestamp"]).unwrap_or_default().to_string();
    Ok((
        stamp,
        Call {
            provider: PROVIDER.into(),
            model: model.to_string(),
            input: prompt + tool,
            cache_read: cached,
            cache_write: 0,
            output: output + thoughts,
            reasoning: thoughts,
            session: session.map(str::to_string),
            project,
            id: m
                .get("id")
                .and_then(Value::as_str)
                .map(|id| format!("{}:{id}", session.unwrap_or(""))),
        },
    ))
}
