//! Kimi CLI wire logs: `~/.kimi/sessions/<md5 of the work dir>/<session>/wire.jsonl` (and
//! `.../<session>/subagents/<agent>/wire.jsonl`). The first line is
//! `{"type": "metadata", "protocol_version": ...}`; then `{"timestamp": <Unix seconds>,
//! "message": {"type", "payload"}}`. Usage is in `StatusUpdate` payloads, once per model step:
//! `token_usage {input_other, output, input_cache_read, input_cache_creation}` where
//! `input_other` excludes both cache counts and `output` includes reasoning. Canonical input =
//! the three input counts added. A `StatusUpdate` without `token_usage` (plan mode, MCP
//! status) is not usage; `context_tokens` is a gauge and is ignored.
//!
//! The wire log does not name the model: it is the `default_model` of the Kimi folder's
//! `config.toml` (its `[models.<name>]` table's `model`), read when the log is read, else
//! `kimi-for-coding`, the Kimi Code plan's model (then marked `model_guessed`). A forked session
//! copies wire lines verbatim: the request id is the step's `message_id` and instant, so a copy
//! counts once. Provider: `moonshot` for Kimi models (the book has no Moonshot prices yet: such
//! usage is reported unpriced, never $0), else by the configured model's publisher.

use std::path::Path;

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, for_each_value, str_at, unix_seconds_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "kimi-cli";
const PLAN_MODEL: &str = "kimi-for-coding";

/// True for a line of a Kimi CLI wire log.
pub fn looks_like(v: &Value) -> bool {
    (v.get("type").and_then(Value::as_str) == Some("metadata")
        && v.get("protocol_version").is_some())
        || (v.get("timestamp").is_some_and(Value::is_number)
            && v.pointer("/message/type").is_some_and(Value::is_string)
            && v.pointer("/message/payload").is_some())
}

/// (project, session, Kimi folder) of `.../sessions/<project>/<session>/[subagents/<a>/]wire.jsonl`.
fn places(path: &Path) -> (Option<String>, Option<String>, Option<std::path::PathBuf>) {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let Some(i) = parts.iter().rposition(|p| *p == "sessions") else {
        return (None, None, None);
    };
    let home = path.ancestors().nth(parts.len() - i).map(Path::to_path_buf);
    (
        parts.get(i + 1).map(|s| s.to_string()),
        parts
            .get(i + 2)
            .filter(|s| **s != "wire.jsonl")
            .map(|s| s.to_string()),
        home,
    )
}

/// The model `config.toml` names as the default: `default_model = "x"`, then the `model` key
/// of the `[models.x]` (or `[models."x"]`) table; the table's name when it has no such key.
pub fn configured_model(toml: &str) -> Option<String> {
    let unquote = |s: &str| s.trim().trim_matches('"').trim_matches('\'').to_string();
    let value = |line: &str, key: &str| -> Option<String> {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| unquote(v.split('#').next().unwrap_or(v)))
    };
    let mut table = String::new();
    let mut default = None;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            table = line.trim_matches(['[', ']']).to_string();
        } else if table.is_empty() {
            if let Some(v) = value(line, "default_model") {
                default = Some(v);
            }
        }
    }
    let default = default.filter(|d| !d.is_empty())?;
    let wanted = [format!("models.{default}"), format!("models.\"{default}\"")];
    let mut table = String::new();
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            table = line.trim_matches(['[', ']']).to_string();
        } else if wanted.contains(&table) {
            if let Some(m) = value(line, "model").filter(|m| !m.is_empty()) {
                return Some(m);
            }
        }
    }
    Some(default)
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let (project, session, home) = places(&file.path);
    let configured = home
        .and_then(|h| std::fs::read_to_string(h.join("config.toml")).ok())
        .and_then(|t| configured_model(&t));
    let (model, guessed) = match configured {
        Some(m) => (m, false),
        None => (PLAN_MODEL.to_string(), true),
    };
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else { return };
        let Some(p) = v.pointer("/message/payload") else {
            return;
        };
        if v.pointer("/message/type").and_then(Value::as_str) != Some("StatusUpdate")
            || p.get("token_usage").is_none_or(Value::is_null)
        {
            return;
        }
        let rec = (|| {
            let t = |k: &str| count_field(p, &["token_usage", k]);
            let (other, read, write, output) = (
                t("input_other")?,
                t("input_cache_read")?,
                t("input_cache_creation")?,
                t("output")?,
            );
            let stamp = v.get("timestamp").cloned().unwrap_or(Value::Null);
            let ts = unix_seconds_us(&stamp).ok_or_else(|| {
                FieldError::new(
                    "timestamp",
                    format!("timestamp = {stamp} is not Unix seconds"),
                )
            });
            let c = Call {
                provider: agents::provider_of_model(&model, "moonshot"),
                model: model.clone(),
                input: other + read + write,
                cache_read: read,
                cache_write: write,
                output,
                reasoning: 0,
                session: session.clone(),
                project: project.clone(),
                id: str_at(p, &["message_id"]).map(|id| format!("{id}@{stamp}")),
            };
            let mut r = agents::record(AGENT, ts, &stamp.to_string(), c)?;
            if guessed {
                r.extra.push(("model_guessed".into(), "true".into()));
            }
            Ok(r)
        })();
        deliver_owned(sink, &path, line, rec);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_is_looked_up_in_its_table() {
        let t = "default_model = \"kimi-code\"\n\n[models.kimi-code]\nprovider = \"kimi\"\nmodel = \"kimi-for-coding\"\n\n[models.\"gpt\"]\nmodel = \"gpt-5\"\n";
        assert_eq!(configured_model(t).as_deref(), Some("kimi-for-coding"));
        let t = "default_model = \"gpt\" # mine\n[models.\"gpt\"]\nmodel = \"gpt-5\"\n";
        assert_eq!(configured_model(t).as_deref(), Some("gpt-5"));
        assert_eq!(configured_model("[models.x]\nmodel = \"y\"\n"), None);
    }

    #[test]
    fn places_come_from_the_layout() {
        let (p, s, h) = places(Path::new("/h/.kimi/sessions/ab12/s1/wire.jsonl"));
        assert_eq!((p.as_deref(), s.as_deref()), (Some("ab12"), Some("s1")));
        assert_eq!(h.as_deref(), Some(Path::new("/h/.kimi")));
        let (_, s, _) = places(Path::new(
            "/h/.kimi/sessions/ab12/s1/subagents/a/wire.jsonl",
        ));
        assert_eq!(s.as_deref(), Some("s1"));
    }
}
