//! Codex CLI session logs (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`): one JSON line per
//! event, `{"timestamp", "type", "payload"}`. Usage is in `event_msg` lines whose
//! `payload.type` is `token_count`: `payload.info.total_token_usage` (cumulative for the
//! session) and `last_token_usage` (the latest model call). Input includes cached input and
//! output includes reasoning, as in the canonical schema.
//!
//! Per file, a model call is `last_token_usage` when the cumulative total moved, else the
//! change of the total (saturating at 0); a line whose total did not move (Codex re-writes
//! `token_count` on rate-limit refreshes) adds nothing, nor do `info: null` lines. The model is
//! the line's own, else the latest `turn_context` of the file, else `gpt-5` (marked
//! `model_guessed`); `codex-auto-review` maps by date to the model Codex used then. A forked
//! or sub-agent session replays its parent's history as a burst of lines in one second at its
//! start: that burst is skipped. Every call gets a request id from its timestamp, model and
//! counts, so the same call copied into another file (resumed, archived) counts once.
//! Provider: `openai`; project: the session's working folder; `session` and `model_guessed`
//! are log columns.

use serde_json::Value;

use super::json::{for_each_value, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{FieldError, OwnedRecord};

pub const PROVIDER: &str = "openai";

/// The model of a call that names none, as ccusage prices it.
const FALLBACK_MODEL: &str = "gpt-5";

/// What `codex-auto-review` stood for, by date (the newest model on or before it).
const AUTO_REVIEW: [(&str, &str); 7] = [
    ("2026-04-23", "gpt-5.5"),
    ("2026-03-05", "gpt-5.4"),
    ("2026-02-05", "gpt-5.3-codex"),
    ("2025-12-11", "gpt-5.2-codex"),
    ("2025-11-13", "gpt-5.1-codex"),
    ("2025-09-15", "gpt-5-codex"),
    ("2025-08-07", "gpt-5"),
];

/// The line kinds of a Codex session file.
const KINDS: [&str; 5] = [
    "session_meta",
    "turn_context",
    "event_msg",
    "response_item",
    "compacted",
];

/// True for a line of a Codex session file.
pub fn looks_like(v: &Value) -> bool {
    v.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| KINDS.contains(&t))
        && v.get("payload").is_some_and(Value::is_object)
        && v.get("timestamp").is_some()
}

/// One usage vector: input (with cached), cached, output (with reasoning), reasoning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Usage {
    input: u64,
    cached: u64,
    output: u64,
    reasoning: u64,
    total: u64,
}

impl Usage {
    fn of(v: Option<&Value>) -> Option<Usage> {
        let o = v?.as_object()?;
        if o.is_empty() {
            return None;
        }
        let n = |keys: &[&str]| -> u64 {
            keys.iter()
                .find_map(|k| {
                    let x = o.get(*k)?;
                    x.as_u64()
                        .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
                })
                .unwrap_or(0)
        };
        Some(Usage {
            input: n(&["input_tokens", "prompt_tokens"]),
            cached: n(&[
                "cached_input_tokens",
                "cache_read_input_tokens",
                "cached_tokens",
            ]),
            output: n(&["output_tokens", "completion_tokens"]),
            reasoning: n(&["reasoning_output_tokens", "reasoning_tokens"]),
            total: n(&["total_tokens"]),
        })
    }
    fn minus(self, prev: Usage) -> Usage {
        Usage {
            input: self.input.saturating_sub(prev.input),
            cached: self.cached.saturating_sub(prev.cached),
            output: self.output.saturating_sub(prev.output),
            reasoning: self.reasoning.saturating_sub(prev.reasoning),
            total: self.total.saturating_sub(prev.total),
        }
    }
    fn is_zero(&self) -> bool {
        self.input == 0 && self.cached == 0 && self.output == 0 && self.reasoning == 0
    }
}

fn model_of(v: &Value) -> Option<String> {
    ["model", "model_name"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .or_else(|| v.get("metadata")?.get("model")?.as_str())
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

/// One call found in a file, before it becomes a record.
struct Call {
    line: u64,
    ts: Result<i64, FieldError>,
    stamp: String,
    model: String,
    guessed: bool,
    usage: Usage,
    project: Option<String>,
    session: Option<String>,
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let mut calls: Vec<Call> = Vec::new();
    let mut prev: Option<Usage> = None;
    let mut model: Option<(String, bool)> = None;
    let mut cwd: Option<String> = None;
    let mut session: Option<String> = None;
    let mut forked = false;
    let mut seen_meta = false;
    for_each_value(file, opts, |line, v| {
        let Ok(v) = v else {
            // A broken line (a session cut off while writing) is not usage; its neighbours are.
            return;
        };
        let (Some(kind), Some(p)) = (v.get("type").and_then(Value::as_str), v.get("payload"))
        else {
            return;
        };
        match kind {
            "session_meta" if !seen_meta => {
                // The first is this session's; a fork's copy of its parent's comes after.
                seen_meta = true;
                session = p.get("id").and_then(Value::as_str).map(str::to_string);
                cwd = p.get("cwd").and_then(Value::as_str).map(str::to_string);
                forked = p.get("forked_from_id").is_some_and(|x| !x.is_null())
                    || p.pointer("/source/subagent/thread_spawn").is_some();
            }
            "turn_context" => {
                if let Some(m) = model_of(p) {
                    model = Some((m, false));
                }
                if let Some(c) = p.get("cwd").and_then(Value::as_str) {
                    cwd = Some(c.to_string());
                }
            }
            "event_msg" if p.get("type").and_then(Value::as_str) == Some("token_count") => {
                let Some(info) = p.get("info").filter(|i| i.is_object()) else {
                    return;
                };
                let total = Usage::of(info.get("total_token_usage"));
                let last = Usage::of(info.get("last_token_usage"));
                let advanced = total.is_none() || total != prev;
                let delta = match (last, total) {
                    (Some(l), _) if advanced => l,
                    (_, Some(t)) => t.minus(prev.unwrap_or_default()),
                    _ => return,
                };
                if total.is_some() {
                    prev = total;
                }
                if delta.is_zero() {
                    return;
                }
                let stamp_value = v.get("timestamp").cloned().unwrap_or(Value::Null);
                let ts = timestamp_us(&stamp_value)
                    .map_err(|e| FieldError::new("timestamp", e.to_string()));
                let stamp = match &stamp_value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let (mut m, mut guessed) = match model_of(p).or_else(|| model_of(info)) {
                    Some(m) => (m, false),
                    None => model
                        .clone()
                        .unwrap_or_else(|| (FALLBACK_MODEL.to_string(), true)),
                };
                model = Some((m.clone(), guessed));
                if m == "codex-auto-review" {
                    let day = stamp.get(..10).unwrap_or_default();
                    m = AUTO_REVIEW
                        .iter()
                        .find(|(from, _)| day >= *from)
                        .map_or(FALLBACK_MODEL, |(_, to)| to)
                        .to_string();
                    guessed = true;
                }
                calls.push(Call {
                    line,
                    ts,
                    stamp,
                    model: m,
                    guessed,
                    usage: delta,
                    project: cwd.clone(),
                    session: session.clone(),
                });
            }
            _ => {}
        }
    })?;
    // A fork or sub-agent session starts with its parent's history replayed in one second.
    let skip = if forked {
        let second = |c: &Call| c.stamp.get(..19).map(str::to_string);
        let first = calls.first().and_then(second);
        let burst = calls
            .iter()
            .take_while(|c| second(c) == first && first.is_some())
            .count();
        if burst >= 2 {
            burst
        } else {
            0
        }
    } else {
        0
    };
    for c in calls.into_iter().skip(skip) {
        let rec = c.ts.map(|ts| {
            let u = c.usage;
            let mut o = OwnedRecord::new(ts, PROVIDER, &c.model);
            o.input_tokens = u.input;
            o.cache_read_tokens = u.cached.min(u.input);
            o.output_tokens = u.output;
            o.reasoning_tokens = u.reasoning.min(u.output);
            o.project = c.project;
            // The same call copied into another file (resumed, archived) counts once.
            let key = format!(
                "{}|{}|{}|{}|{}|{}",
                c.stamp, c.model, u.input, u.cached, u.output, u.reasoning
            );
            o.request_id = Some(format!(
                "codex:{:016x}",
                xxhash_rust::xxh3::xxh3_64(key.as_bytes())
            ));
            o.extra.push((super::agents::AGENT.into(), "codex".into()));
            if let Some(s) = c.session {
                o.extra.push(("session".into(), s));
            }
            if c.guessed {
                o.extra.push(("model_guessed".into(), "true".into()));
            }
            o
        });
        deliver_owned(sink, &path, c.line, rec);
    }
    Ok(())
}
