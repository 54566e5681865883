//! Cline, Roo Code and Kilo Code task logs: `<storage>/tasks/<task id>/ui_messages.json`, a
//! JSON array of UI messages rewritten whole on every save. `<storage>` is the extension's VS
//! Code global storage (`saoudrizwan.claude-dev`, `rooveterinaryinc.roo-cline`,
//! `kilocode.kilo-code`) or Cline's `~/.cline/data`; the agent is told by that path.
//!
//! Each model request is a `{"ts": <Unix ms>, "type": "say", "say": "api_req_started", "text":
//! "<JSON>"}` message whose text holds `tokensIn`, `tokensOut`, `cacheWrites`, `cacheReads`,
//! `cost` and `apiProtocol` once the request ended (a text without counts is the placeholder
//! written when it started, and is skipped; a cancelled request has counts and was billed).
//! `tokensOut` includes reasoning. What `tokensIn` holds changed: Roo Code since 3.30
//! (2025-10-31) writes the whole input including cache reads and writes; Cline, Kilo Code and
//! earlier Roo Code write the provider's input count, which excludes the cache for the
//! Anthropic protocol and includes cache reads for the OpenAI one. A `tokensIn` smaller than the
//! cache counts can only be exclusive.
//!
//! Cline's SDK (2026) writes `~/.cline/data/sessions/<id>/<id>.messages.json` instead: `{"version":
//! 1, "sessionId", "messages": [...]}` where the last assistant message of each turn has
//! `ts`, `modelInfo {id, provider}` and `metrics {inputTokens, outputTokens, cacheReadTokens,
//! cacheWriteTokens, cost}` for the turn; `inputTokens` includes the cache (Cline's own
//! conversion of older tasks adds the cache to `tokensIn`), unless it is smaller than the
//! cache counts. A `publisher/model` id through Cline's gateway is the publisher's model. Its
//! request id is `cline:<session>:<message id>`.
//!
//! The model is not in the messages: it is the last `<model>` named in the task's
//! `api_conversation_history.json` environment details (Roo and Kilo write it), else the task's
//! requests are unpriced (model `unknown`). Provider: by the model's publisher, else the
//! request's protocol. The request id is `<agent>:<task>:<ts>`: a task read twice (a copy left
//! by a migration) counts once.

use std::path::Path;

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

/// Roo Code's first release (3.30) whose `tokensIn` includes the cache (Unix ms of 2025-10-31).
const ROO_INCLUSIVE_FROM_MS: i64 = 1_761_868_800_000;

/// True for a message of a task's `ui_messages.json`.
pub fn looks_like(v: &Value) -> bool {
    v.get("ts").is_some_and(Value::is_number)
        && matches!(v.get("type").and_then(Value::as_str), Some("say" | "ask"))
}

/// True for a Cline SDK session's `messages.json` document.
pub fn looks_like_sdk(v: &Value) -> bool {
    v.get("version").is_some_and(Value::is_number)
        && v.get("sessionId").is_some()
        && v.get("messages").is_some_and(Value::is_array)
        && v.get("projectHash").is_none()
}

/// The turns of a Cline SDK session document.
fn read_sdk(path: &str, line: u64, v: &Value, sink: &mut dyn UsageSink) {
    let session = str_at(v, &["sessionId"]).unwrap_or("").to_string();
    let empty = Vec::new();
    let messages = v
        .get("messages")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    for m in messages {
        if m.get("role").and_then(Value::as_str) != Some("assistant") || m.get("metrics").is_none()
        {
            continue;
        }
        let rec = (|| {
            let t = |k: &str| count_field(m, &["metrics", k]);
            let (input, output, read, write) = (
                t("inputTokens")?,
                t("outputTokens")?,
                t("cacheReadTokens")?,
                t("cacheWriteTokens")?,
            );
            let raw = str_at(m, &["modelInfo", "id"])
                .ok_or_else(|| FieldError::new("modelInfo.id", "a turn's metrics name no model"))?;
            let gateway = str_at(m, &["modelInfo", "provider"]).unwrap_or("");
            let provider = match gateway {
                "anthropic" | "openai" | "openrouter" | "xai" | "deepseek" | "mistral" | "groq" => {
                    gateway.to_string()
                }
                "gemini" => "google".into(),
                "bedrock" => "aws-bedrock".into(),
                "vertex" => "vertex-ai".into(),
                _ => agents::provider_of_model(raw, gateway),
            };
            let model = match raw.rsplit_once('/') {
                Some((_, m)) if provider != "openrouter" => m,
                _ => raw,
            };
            let ts = m
                .get("ts")
                .and_then(super::json::unix_seconds_us)
                .ok_or_else(|| FieldError::new("ts", "a turn without its time"));
            let c = Call {
                provider,
                model: agents::maker_model_id(model),
                input: if input >= read + write {
                    input
                } else {
                    input + read + write
                },
                cache_read: read,
                cache_write: write,
                output,
                reasoning: 0,
                session: Some(session.clone()),
                project: None,
                // A turn without an id is told by its time and counts.
                id: str_at(m, &["id"]).map(|id| format!("{session}:{id}")),
            };
            let stamp = format!(
                "{session}:{}",
                m.get("ts").map(Value::to_string).unwrap_or_default()
            );
            agents::record("cline", ts, &stamp, c)
        })();
        deliver_owned(sink, path, line, rec);
    }
}

/// The agent that wrote a task folder, from its storage path.
pub fn agent_of(path: &Path) -> &'static str {
    let s = path.to_string_lossy().to_ascii_lowercase();
    if s.contains("roo-cline") {
        "roo-code"
    } else if s.contains("kilo-code") || s.contains("kilocode") {
        "kilo-code"
    } else {
        "cline"
    }
}

/// The last `<model>...</model>` in a conversation history's text.
fn last_model(history: &str) -> Option<String> {
    let start = history.rfind("<model>")? + "<model>".len();
    let end = history[start..].find("</model>")? + start;
    let m = history[start..end].trim();
    (!m.is_empty() && m.len() < 200).then(|| m.to_string())
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let agent = agent_of(&file.path);
    let task = file
        .path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .map(str::to_string);
    let model = file
        .path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("api_conversation_history.json")).ok())
        .and_then(|h| last_model(&h));
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else { return };
        if looks_like_sdk(&v) {
            return read_sdk(&path, line, &v, sink);
        }
        if v.get("say").and_then(Value::as_str) != Some("api_req_started") {
            return;
        }
        // Its text is the request's JSON: without it the request cannot be counted, and says so.
        let info = match str_at(&v, &["text"]).map(serde_json::from_str::<Value>) {
            Some(Ok(info)) => info,
            Some(Err(e)) => {
                let e = FieldError::new(
                    "text",
                    format!("an api_req_started text that is not JSON: {e}"),
                );
                return deliver_owned(sink, &path, line, Err(e));
            }
            None => return,
        };
        if info.get("tokensIn").is_none() && info.get("tokensOut").is_none() {
            return;
        }
        // Unix milliseconds (seconds, micro- or nanoseconds by magnitude, as elsewhere).
        let us = v.get("ts").and_then(super::json::unix_seconds_us);
        let ts = us.map_or(0, |u| u.div_euclid(1000));
        let rec = (|| {
            let t = |k: &str| count_field(&info, &[k]);
            let (tin, tout, writes, reads) = (
                t("tokensIn")?,
                t("tokensOut")?,
                t("cacheWrites")?,
                t("cacheReads")?,
            );
            let protocol = str_at(&info, &["apiProtocol"]).unwrap_or("anthropic");
            let inclusive =
                (agent == "roo-code" && ts >= ROO_INCLUSIVE_FROM_MS) || protocol.contains("openai");
            let input = if inclusive && tin >= reads + writes {
                tin
            } else if protocol.contains("openai") {
                // The OpenAI protocol's input holds the cache reads; writes are not a class there.
                tin.max(reads) + writes
            } else {
                tin + reads + writes
            };
            let model = model.clone().unwrap_or_else(|| "unknown".into());
            let fallback = if protocol.contains("openai") {
                "openai"
            } else {
                "anthropic"
            };
            let c = Call {
                provider: agents::provider_of_model(&model, fallback),
                model,
                input,
                cache_read: reads,
                cache_write: writes,
                output: tout,
                reasoning: 0,
                session: task.clone(),
                project: None,
                id: Some(format!("{}:{ts}", task.as_deref().unwrap_or(""))),
            };
            let us = us.ok_or_else(|| FieldError::new("ts", "a request without its time"));
            agents::record(agent, us, &ts.to_string(), c)
        })();
        deliver_owned(sink, &path, line, rec);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_the_last_one_named() {
        let h = r#"[{"content":"<environment_details><model>claude-sonnet-4-5</model>"},{"content":"<model>claude-opus-4-1</model></environment_details>"}]"#;
        assert_eq!(last_model(h).as_deref(), Some("claude-opus-4-1"));
        assert_eq!(last_model("no model"), None);
        assert_eq!(
            agent_of(Path::new(
                "/c/globalStorage/rooveterinaryinc.roo-cline/tasks/1/ui_messages.json"
            )),
            "roo-code"
        );
        assert_eq!(
            agent_of(Path::new("/h/.cline/data/tasks/1/ui_messages.json")),
            "cline"
        );
    }
}
