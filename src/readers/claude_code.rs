//! Claude Code transcripts: a config folder's `projects/<project>/<session>.jsonl` and
//! `projects/<project>/<session>/subagents/agent-*.jsonl`.
//!
//! Claude Code writes one API response as several lines (one per content block) sharing
//! `message.id` + `requestId`; early lines carry a provisional `output_tokens`. A subagent's
//! responses appear both in the parent's `progress` lines (`data.message.message.usage`) and in
//! the subagent's own file. So every usage-bearing line of the whole folder is a candidate, and
//! for each (`message.id`, `requestId`) only the line with the largest token total is kept (the
//! first such line on a tie); lines without both ids are kept as they are. Lines without a
//! `type` field still count (older transcripts). Usage is Anthropic's: input excludes cache.
//!
//! Dimensions: `project` (the project folder) and `session` (the session file or folder).
//! `usage.speed: "fast"` (fast mode, billed at a premium) makes the model `<model>-fast`, as
//! ccusage names it, so it is never priced at the normal rate.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::json::{at, count_at, str_at, timestamp_us};
use super::{deliver_owned, open, LogFile, ReadError, Rejection, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord};

pub const PROVIDER: &str = "anthropic";

/// True when a JSON line looks like a Claude Code transcript line with usage.
pub fn looks_like(v: &Value) -> bool {
    (v.get("sessionId").is_some() || v.get("requestId").is_some() || v.get("costUSD").is_some())
        && (at(v, &["message", "usage"]).is_some()
            || at(v, &["data", "message", "message", "usage"]).is_some()
            || v.get("parentUuid").is_some())
}

/// (project, session) of a transcript path.
pub fn project_and_session(path: &Path) -> (Option<String>, Option<String>) {
    let parts: Vec<String> = path
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let n = parts.len();
    // <project>/<session>/subagents/agent-x.jsonl
    if n >= 4 && parts[n - 2] == "subagents" {
        return (Some(parts[n - 4].clone()), Some(parts[n - 3].clone()));
    }
    let project = if n >= 2 {
        Some(parts[n - 2].clone())
    } else {
        None
    };
    (project, stem)
}

struct Candidate {
    order: (usize, u64),
    total: u64,
    record: OwnedRecord,
}

fn c(v: &Value, path: &[&str]) -> Result<u64, FieldError> {
    count_at(v, path)
        .map(|x| x.unwrap_or(0))
        .map_err(|m| FieldError::new(path.join("."), m))
}

/// (message id, request id, record) of a usage-bearing line.
type Usage = (Option<String>, Option<String>, OwnedRecord);

/// The usage of one line, if it has any.
fn usage_of(line: &Value) -> Option<Result<Usage, FieldError>> {
    let (msg, req, ts_v) =
        if let Some(m) = at(line, &["message"]).filter(|m| m.get("usage").is_some()) {
            (m, str_at(line, &["requestId"]), at(line, &["timestamp"]))
        } else if line.get("type").and_then(Value::as_str) == Some("progress") {
            let inner = at(line, &["data", "message"])?;
            let m = at(inner, &["message"]).filter(|m| m.get("usage").is_some())?;
            (
                m,
                str_at(inner, &["requestId"]),
                at(inner, &["timestamp"]).or_else(|| at(line, &["timestamp"])),
            )
        } else {
            return None;
        };
    // A line with usage but no model cannot be priced or dropped quietly: it is rejected.
    let Some(model) = str_at(msg, &["model"]) else {
        return Some(Err(FieldError::new(
            "message.model",
            "usage without a model",
        )));
    };
    if model == "<synthetic>" {
        // Claude Code's placeholder for messages it made up itself (no API call).
        return None;
    }
    Some((|| {
        let ts = timestamp_us(
            ts_v.ok_or_else(|| FieldError::new(col::TIMESTAMP, "missing value (required)"))?,
        )
        .map_err(|m| FieldError::new(col::TIMESTAMP, m))?;
        let u = at(msg, &["usage"]).unwrap_or(&Value::Null);
        // Fast mode is billed at its own (higher) rates: it is a model of its own, named as
        // ccusage names it, and stays unpriced until the book has a row for it.
        let model = if str_at(u, &["speed"]) == Some("fast") {
            format!("{model}-fast")
        } else {
            model.to_string()
        };
        let mut o = OwnedRecord::new(ts, PROVIDER, &model);
        let uncached = c(u, &["input_tokens"])?;
        o.cache_read_tokens = c(u, &["cache_read_input_tokens"])?;
        let split_5m = c(u, &["cache_creation", "ephemeral_5m_input_tokens"])?;
        o.cache_write_1h_tokens = c(u, &["cache_creation", "ephemeral_1h_input_tokens"])?;
        // Older lines have only the total, newer ones the split too: take the larger.
        o.cache_write_tokens =
            c(u, &["cache_creation_input_tokens"])?.max(split_5m + o.cache_write_1h_tokens);
        o.input_tokens = uncached + o.cache_read_tokens + o.cache_write_tokens;
        o.output_tokens = c(u, &["output_tokens"])?;
        Ok((
            str_at(msg, &["id"]).map(str::to_string),
            req.map(str::to_string),
            o,
        ))
    })())
}

/// Reads a set of transcript files as one folder (dedupe spans all of them).
pub fn read_all(files: &[LogFile], sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let mut kept: Vec<Candidate> = Vec::new();
    let mut by_id: HashMap<(String, String), usize> = HashMap::new();
    let mut rejected: Vec<((usize, u64), Rejection)> = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let path = file.path.display().to_string();
        let (project, session) = project_and_session(&file.path);
        let mut reader = super::LineReader::new(open(file)?);
        loop {
            let next = reader.next_line().map_err(|e| ReadError::Io {
                path: path.clone(),
                source: e,
            })?;
            let Some((line_no, text)) = next else { break };
            let Ok(t) = text else {
                rejected.push((
                    (fi, line_no),
                    Rejection {
                        file: path.clone(),
                        line: line_no,
                        field: "row".into(),
                        reason: "not valid UTF-8".into(),
                    },
                ));
                continue;
            };
            if t.is_empty() {
                continue;
            }
            let reject = |field: &str, reason: String| Rejection {
                file: path.clone(),
                line: line_no,
                field: field.into(),
                reason,
            };
            let v: Value = match serde_json::from_str(t) {
                Ok(v) => v,
                Err(e) => {
                    rejected.push(((fi, line_no), reject("row", format!("invalid JSON: {e}"))));
                    continue;
                }
            };
            let Some(u) = usage_of(&v) else { continue };
            let (id, req, mut rec) = match u {
                Ok(x) => x,
                Err(e) => {
                    rejected.push(((fi, line_no), reject(&e.field, e.reason)));
                    continue;
                }
            };
            rec.project = project.clone();
            if let Some(s) = &session {
                rec.extra.push(("session".into(), s.clone()));
            }
            let total = rec.input_tokens + rec.output_tokens;
            let cand = Candidate {
                order: (fi, line_no),
                total,
                record: rec,
            };
            match (id, req) {
                (Some(id), Some(req)) => match by_id.get(&(id.clone(), req.clone())) {
                    Some(&i) => {
                        if total > kept[i].total {
                            // Keep the position of the first copy so output order is stable.
                            let order = kept[i].order;
                            kept[i] = Candidate { order, ..cand };
                        }
                    }
                    None => {
                        by_id.insert((id, req), kept.len());
                        kept.push(cand);
                    }
                },
                _ => kept.push(cand),
            }
        }
    }
    // Records and rejections go out in file and line order, whatever the dedupe did.
    let mut events: Vec<((usize, u64), Result<OwnedRecord, Rejection>)> =
        kept.into_iter().map(|c| (c.order, Ok(c.record))).collect();
    events.extend(rejected.into_iter().map(|(o, r)| (o, Err(r))));
    events.sort_by_key(|e| e.0);
    for (order, e) in events {
        match e {
            Ok(r) => deliver_owned(
                sink,
                &files[order.0].path.display().to_string(),
                order.1,
                Ok(r),
            ),
            Err(rej) => sink.reject(rej),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_and_session_from_the_folder_layout() {
        assert_eq!(
            project_and_session(Path::new("/c/projects/-home-me-app/1234.jsonl")),
            (Some("-home-me-app".into()), Some("1234".into()))
        );
        assert_eq!(
            project_and_session(Path::new(
                "/c/projects/-home-me-app/1234/subagents/agent-a1.jsonl"
            )),
            (Some("-home-me-app".into()), Some("1234".into()))
        );
    }
}
