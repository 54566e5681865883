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

mod fast;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::json::{at, count_field as c, str_at, timestamp_us};
use super::{open, LogFile, ReadError, ReadOptions, Rejection, UsageSink};
use crate::usage::{col, FieldError, OwnedRecord, UnpricedClass};

/// The `agent` of every row.
pub const AGENT: &str = "claude-code";

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

/// (message id, request id, record) of a usage-bearing line.
type Usage = (Option<String>, Option<String>, OwnedRecord);

/// The usage of one line, if it has any.
fn usage_of(line: &Value) -> Option<Result<Usage, FieldError>> {
    let (msg, req, ts_v) =
        if let Some(m) = at(line, &["message"]).filter(|m| at(m, &["usage"]).is_some()) {
            (m, str_at(line, &["requestId"]), at(line, &["timestamp"]))
        } else if line.get("type").and_then(Value::as_str) == Some("progress") {
            let inner = at(line, &["data", "message"])?;
            let m = at(inner, &["message"]).filter(|m| at(m, &["usage"]).is_some())?;
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
        if c(u, &["server_tool_use", "web_search_requests"])? > 0 {
            o.unpriced_class = Some(UnpricedClass::WebSearches);
        }
        Ok((
            str_at(msg, &["id"]).map(str::to_string),
            req.map(str::to_string),
            o,
        ))
    })())
}

/// One usage-bearing line, kept compactly until the whole folder is read.
#[derive(Debug, Clone)]
struct Cand {
    file: u32,
    line: u64,
    ts: i64,
    /// Index into the model table of the worker (then of the merge).
    model: u32,
    input: u64,
    cache_read: u64,
    cache_write: u64,
    cache_write_1h: u64,
    output: u64,
    /// The line shows server-side web searches (billed per search; the book has no rate).
    web_searches: bool,
    /// Hash of (message.id, requestId) when both are present.
    key: Option<u128>,
}

impl Cand {
    fn total(&self) -> u64 {
        self.input + self.output
    }
}

fn key_of(id: Option<&str>, req: Option<&str>) -> Option<u128> {
    let (id, req) = (id?, req?);
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(id.as_bytes());
    h.update(&[0]);
    h.update(req.as_bytes());
    Some(h.digest128())
}

#[derive(Default)]
struct Models {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Models {
    fn code(&mut self, m: &str) -> u32 {
        if let Some(&c) = self.index.get(m) {
            return c;
        }
        let c = self.names.len() as u32;
        self.names.push(m.to_string());
        self.index.insert(m.to_string(), c);
        c
    }
}

/// What one line gives: nothing (not usage), a candidate, or a rejection.
enum Parsed {
    Nothing,
    Usage(Cand),
    Bad(FieldError),
}

/// The general path, for lines the fast one does not fit (odd types, bad values).
fn slow(file: u32, line: u64, text: &str, models: &mut Models) -> Parsed {
    let v: Value = match super::json::parse(text) {
        Ok(v) => v,
        Err(e) => return Parsed::Bad(FieldError::new("row", e.to_string())),
    };
    match usage_of(&v) {
        None => Parsed::Nothing,
        Some(Err(e)) => Parsed::Bad(e),
        Some(Ok((id, req, rec))) => Parsed::Usage(Cand {
            file,
            line,
            ts: rec.timestamp_us,
            model: models.code(&rec.model),
            input: rec.input_tokens,
            cache_read: rec.cache_read_tokens,
            cache_write: rec.cache_write_tokens,
            cache_write_1h: rec.cache_write_1h_tokens,
            output: rec.output_tokens,
            web_searches: rec.unpriced_class == Some(UnpricedClass::WebSearches),
            key: key_of(id.as_deref(), req.as_deref()),
        }),
    }
}

type Worked = (Vec<Cand>, Vec<((u32, u64), Rejection)>, Models);

fn work(files: &[(u32, &LogFile)], opts: &ReadOptions) -> Result<Worked, ReadError> {
    let mut cands = Vec::new();
    let mut rejected = Vec::new();
    let mut models = Models::default();
    for &(fi, file) in files {
        let path = file.name();
        let mut reader = super::LineReader::new(open(file, opts)?);
        loop {
            let next = reader.next_line().map_err(|e| ReadError::Io {
                path: path.clone(),
                source: e,
            })?;
            let Some((line, text)) = next else { break };
            let parsed = match text {
                Err(()) => Parsed::Bad(FieldError::new("row", "not valid UTF-8")),
                Ok("") => continue,
                Ok(t) => match fast::fast(fi, line, t, &mut models) {
                    Some(p) => p,
                    None => slow(fi, line, t, &mut models),
                },
            };
            match parsed {
                Parsed::Nothing => {}
                Parsed::Usage(c) => cands.push(c),
                Parsed::Bad(e) => rejected.push((
                    (fi, line),
                    Rejection {
                        file: path.clone(),
                        line,
                        field: e.field,
                        reason: e.reason,
                    },
                )),
            }
        }
    }
    Ok((cands, rejected, models))
}

/// Reads a set of transcript files as one folder (dedupe spans all of them). Files are parsed
/// on several threads; the result does not depend on how they were split.
pub fn read_all(
    files: &[LogFile],
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let numbered: Vec<(u32, &LogFile)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (i as u32, f))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(numbered.len().max(1));
    // Contiguous ranges of about equal bytes, so the merge keeps file order.
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let total: u64 = sizes.iter().sum::<u64>().max(1);
    let mut ranges = Vec::new();
    let (mut start, mut acc) = (0usize, 0u64);
    for (i, s) in sizes.iter().enumerate() {
        acc += s;
        if acc * workers as u64 >= total * (ranges.len() as u64 + 1) && ranges.len() + 1 < workers {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges.push(start..numbered.len());
    let results: Vec<Result<Worked, ReadError>> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|r| {
                let part = &numbered[r.clone()];
                s.spawn(move || work(part, opts))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ReadError::Format {
                        path: String::new(),
                        message: "a reader thread failed".into(),
                    })
                })
            })
            .collect()
    });
    // Merge in file order, mapping each worker's model codes onto one table.
    let mut models = Models::default();
    let mut kept: Vec<Cand> = Vec::new();
    let mut by_key: HashMap<u128, usize> = HashMap::new();
    let mut rejected = Vec::new();
    for r in results {
        let (cands, rej, wm) = r?;
        let map: Vec<u32> = wm.names.iter().map(|n| models.code(n)).collect();
        rejected.extend(rej);
        for mut c in cands {
            c.model = map[c.model as usize];
            match c.key {
                Some(k) => match by_key.get(&k) {
                    Some(&i) => {
                        // Keep the largest copy, at the position of the first.
                        if c.total() > kept[i].total() {
                            let (file, line) = (kept[i].file, kept[i].line);
                            kept[i] = Cand { file, line, ..c };
                        }
                    }
                    None => {
                        by_key.insert(k, kept.len());
                        kept.push(c);
                    }
                },
                None => kept.push(c),
            }
        }
    }
    let places: Vec<(Option<String>, Option<String>)> =
        files.iter().map(|f| project_and_session(&f.path)).collect();
    // Records and rejections go out in file and line order, whatever the dedupe did.
    let mut events: Vec<((u32, u64), Result<Cand, Rejection>)> = kept
        .into_iter()
        .map(|c| ((c.file, c.line), Ok(c)))
        .collect();
    events.extend(rejected.into_iter().map(|(o, r)| (o, Err(r))));
    events.sort_by_key(|e| e.0);
    for (_, e) in events {
        match e {
            Err(rej) => sink.reject(rej),
            Ok(c) => {
                let (project, session) = &places[c.file as usize];
                // The message and request ids the copies were deduplicated by, as the row's id:
                // a ledger, or the same transcript read from another place, counts it once.
                let id = c.key.map(|k| format!("{AGENT}:{k:032x}"));
                let mut extra = vec![(super::agents::AGENT, AGENT)];
                if let Some(s) = session {
                    extra.push(("session", s.as_str()));
                }
                let rec = crate::usage::UsageRecord {
                    timestamp_us: c.ts,
                    provider: PROVIDER,
                    model: &models.names[c.model as usize],
                    input_tokens: c.input,
                    output_tokens: c.output,
                    cache_read_tokens: c.cache_read,
                    cache_write_tokens: c.cache_write,
                    cache_write_1h_tokens: c.cache_write_1h,
                    reasoning_tokens: 0,
                    requests: 1,
                    request_id: id.as_deref(),
                    status: 200,
                    user: None,
                    project: project.as_deref(),
                    api_key: None,
                    region: None,
                    batch: false,
                    long_context: None,
                    service_tier: None,
                    extra,
                    unpriced_class: c.web_searches.then_some(UnpricedClass::WebSearches),
                };
                sink.record(&rec);
            }
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
