//! Droid (Factory): `~/.factory/sessions/[<project>/]<session>.settings.json`, one document per
//! session that Droid rewrites with the session's running totals: `model`, `providerLock`,
//! `providerLockTimestamp` (when the session chose its provider: its start) and `tokenUsage
//! {inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, thinkingTokens}`.
//!
//! The names are Anthropic's and so is the meaning (both other readers of these files agree):
//! input without the cache (canonical input = input + read + creation), thinking apart from the
//! output (output = output + thinking, reasoning = thinking). A session is one row at its
//! start, marked as a running total (`snapshot=true`): a later sync of the ledger replaces it
//! with the new total. Custom models (`custom:Claude-Opus-4.5-Thinking-[Anthropic]-0`) are
//! named as their maker does (`claude-opus-4-5`). The request id is `droid:<session>`.
//! Provider: `providerLock`, else the model's publisher.

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "droid";

/// True for a Droid session's settings document.
pub fn looks_like(v: &Value) -> bool {
    v.get("tokenUsage").is_some_and(Value::is_object)
        && (v.get("providerLock").is_some() || v.get("model").is_some())
}

/// The maker's id of a Droid model name.
pub fn model_id(m: &str) -> String {
    let m = m.strip_prefix("custom:").unwrap_or(m);
    let m = match m.find("-[") {
        Some(i) => &m[..i],
        None => m,
    };
    let m = m.to_ascii_lowercase();
    let m = m.strip_suffix("-thinking").unwrap_or(&m);
    agents::maker_model_id(m)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let session = name
        .strip_suffix(".settings.json")
        .unwrap_or(name)
        .to_string();
    let project = file
        .path
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n != "sessions"))
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(str::to_string);
    let modified = std::fs::metadata(&file.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_micros() as i64);
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else { return };
        if !looks_like(&v) {
            return;
        }
        let rec = (|| {
            let t = |k: &str| count_field(&v, &["tokenUsage", k]);
            let (input, output, read, write, thinking) = (
                t("inputTokens")?,
                t("outputTokens")?,
                t("cacheReadTokens")?,
                t("cacheCreationTokens")?,
                t("thinkingTokens")?,
            );
            let model = model_id(
                str_at(&v, &["model"])
                    .ok_or_else(|| FieldError::new("model", "the session names no model"))?,
            );
            let ts = match v.get("providerLockTimestamp") {
                Some(s) => timestamp_us(s)
                    .map_err(|e| FieldError::new("providerLockTimestamp", e.to_string())),
                None => modified.ok_or_else(|| {
                    FieldError::new("providerLockTimestamp", "no start time and no file time")
                }),
            };
            let lock = str_at(&v, &["providerLock"]).unwrap_or("");
            let c = Call {
                provider: match lock {
                    "anthropic" | "openai" | "google" | "xai" => lock.to_string(),
                    _ => agents::provider_of_model(&model, lock),
                },
                model,
                input: input + read + write,
                cache_read: read,
                cache_write: write,
                output: output + thinking,
                reasoning: thinking,
                session: Some(session.clone()),
                project: project.clone(),
                id: Some(session.clone()),
            };
            let mut r = agents::record(AGENT, ts, "", c)?;
            r.extra
                .push((crate::usage::col::SNAPSHOT.into(), "true".into()));
            Ok(r)
        })();
        deliver_owned(sink, &path, line, rec);
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn droid_model_names_become_the_makers() {
        let m = super::model_id;
        assert_eq!(
            m("custom:Claude-Opus-4.5-Thinking-[Anthropic]-0"),
            "claude-opus-4-5"
        );
        assert_eq!(
            m("claude-sonnet-4-5-20250929"),
            "claude-sonnet-4-5-20250929"
        );
        assert_eq!(m("gpt-5-codex"), "gpt-5-codex");
    }
}
