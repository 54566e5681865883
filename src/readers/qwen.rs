//! Qwen Code chat recordings: `~/.qwen/projects/<sanitised cwd>/chats/<session>.jsonl`, one
//! `ChatRecord` per line (`uuid`, `sessionId`, `timestamp`, `type`: user, assistant,
//! tool_result or system, `cwd`, `model`, `usageMetadata`).
//!
//! Usage is on `assistant` records: `usageMetadata` in the Gemini API's terms
//! (`promptTokenCount`, which includes `cachedContentTokenCount`; `candidatesTokenCount`;
//! `thoughtsTokenCount` outside the candidates; `totalTokenCount`). Some OpenAI-compatible
//! back ends put only the uncached prompt in `promptTokenCount`: a cached count larger than the
//! prompt, or a total that only adds up that way, is taken as exclusive and added. `system`
//! records (`ui_telemetry`) repeat the assistant's usage and are skipped.
//!
//! A `/branch` copies records into a new session file with the same `uuid`: the request id
//! is `qwen-code:<uuid>`, so a copied call counts once. Provider: by the model's publisher
//! (`qwen*` -> `alibaba`, Model Studio; `gpt-*` -> openai, ...), as Qwen Code can call any
//! OpenAI-compatible API; project: the record's `cwd`.

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "qwen-code";

/// True for a Qwen Code chat record.
pub fn looks_like(v: &Value) -> bool {
    v.get("uuid").is_some()
        && v.get("sessionId").is_some()
        && v.get("type").is_some_and(Value::is_string)
        // Gemini-shaped content (`parts`), not Claude Code's (`content`, `userType`, `requestId`).
        && (v.get("usageMetadata").is_some()
            || v.pointer("/message/parts").is_some()
            || v.get("systemPayload").is_some())
        && v.get("userType").is_none()
        && v.get("requestId").is_none()
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else { return };
        if v.get("type").and_then(Value::as_str) != Some("assistant")
            || v.get("usageMetadata").is_none()
        {
            return;
        }
        let rec = call(&v).and_then(|c| {
            let ts = timestamp_us(v.get("timestamp").unwrap_or(&Value::Null))
                .map_err(|e| FieldError::new("timestamp", e.to_string()));
            agents::record(AGENT, ts, str_at(&v, &["timestamp"]).unwrap_or(""), c)
        });
        deliver_owned(sink, &path, line, rec);
    })
}

fn call(v: &Value) -> Result<Call, FieldError> {
    let t = |k: &str| count_field(v, &["usageMetadata", k]);
    let (prompt, cached, candidates, thoughts, total) = (
        t("promptTokenCount")?,
        t("cachedContentTokenCount")?,
        t("candidatesTokenCount")?,
        t("thoughtsTokenCount")?,
        t("totalTokenCount")?,
    );
    let exclusive = cached > prompt
        || (cached > 0 && total > 0 && total == prompt + cached + candidates + thoughts);
    let model = str_at(v, &["model"])
        .ok_or_else(|| FieldError::new("model", "an assistant record with usage names no model"))?;
    Ok(Call {
        provider: agents::provider_of_model(model, "alibaba"),
        model: model.to_string(),
        input: if exclusive { prompt + cached } else { prompt },
        cache_read: cached,
        cache_write: 0,
        output: candidates + thoughts,
        reasoning: thoughts,
        session: str_at(v, &["sessionId"]).map(str::to_string),
        project: str_at(v, &["cwd"]).map(str::to_string),
        id: str_at(v, &["uuid"]).map(str::to_string),
    })
}
