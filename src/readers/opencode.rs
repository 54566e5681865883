//! OpenCode: the SQLite database `~/.local/share/opencode/opencode.db` (OpenCode 1.2 and later;
//! `opencode-<channel>.db` for other channels), tables `message(id, session_id, data)` and
//! `part(id, message_id, data)` with JSON in `data`, and the JSON files of earlier versions
//! (`storage/message/<session>/msg_<id>.json`, each one message with its `id` and `sessionID`).
//!
//! An assistant message has `providerID`, `modelID`, `time.created` (Unix ms), `path.root` and
//! `tokens {input, output, reasoning, cache {read, write}, total}`; OpenCode stores the input
//! without the cache (canonical input = input + read + write). Each model call of a message
//! also leaves a `step-finish` part with that call's `tokens`, while the message's own
//! `tokens` keep only the last call's: a message with step-finish parts is their sum, else its
//! own counts. Whether `reasoning` is inside `output` changed between versions: a `total` that
//! adds up with reasoning apart means apart (output = output + reasoning), else it is inside;
//! without a total, apart (the current versions).
//!
//! Kilo Code's command line is OpenCode's code and keeps `~/.local/share/kilo/kilo.db`: read
//! the same way, as agent `kilo-code`. The request id is `opencode:<message id>`, so the database and the JSON files the migration
//! left behind count each message once. Provider: OpenCode's `providerID` where it is an API
//! tokenledger prices (`anthropic`, `openai`, `google`, `openrouter`, ...), else the model's
//! publisher (`github-copilot`, OpenCode Zen, plans: API-equivalent); `session` and `project`
//! (the message's root folder) are dimensions.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{at, count_field, for_each_value, str_at, unix_seconds_us};
use super::{deliver_owned, FileKind, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{FieldError, OwnedRecord};

pub const AGENT: &str = "opencode";
/// Kilo Code's command line (2026) is OpenCode's code: `~/.local/share/kilo/kilo.db`, the same
/// tables and messages.
pub const KILO: &str = "kilo-code";

/// The agent of a database or message file: Kilo's under a `kilo` folder or named `kilo*.db`.
fn agent_of(path: &Path) -> &'static str {
    let kilo = path.components().any(|c| c.as_os_str() == "kilo")
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("kilo") && n.ends_with(".db"));
    if kilo {
        KILO
    } else {
        AGENT
    }
}

/// OpenCode provider ids that are APIs with prices in the book, and tokenledger's names.
const PROVIDERS: [(&str, &str); 12] = [
    ("anthropic", "anthropic"),
    ("openai", "openai"),
    ("google", "google"),
    ("google-vertex", "vertex-ai"),
    ("amazon-bedrock", "aws-bedrock"),
    ("azure", "azure"),
    ("openrouter", "openrouter"),
    ("xai", "xai"),
    ("deepseek", "deepseek"),
    ("groq", "groq"),
    ("mistral", "mistral"),
    ("fireworks-ai", "fireworks"),
];

/// True for an OpenCode message file of the versions before the database.
pub fn looks_like(v: &Value) -> bool {
    v.get("sessionID").is_some()
        && v.get("modelID").is_some()
        && v.get("providerID").is_some()
        && v.get("role").is_some()
}

/// True for an OpenCode database (its tables).
pub fn looks_like_db(tables: &[String]) -> bool {
    ["message", "part", "session"]
        .iter()
        .all(|t| tables.iter().any(|x| x == t))
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    if file.kind == FileKind::Sqlite {
        return read_db(file, sink);
    }
    let agent = agent_of(&file.path);
    // storage/message/<session>/msg_<id>.json: its calls' parts in storage/part/msg_<id>/.
    let parts_dir = file
        .path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map(|storage| storage.join("part"));
    for_each_value(file, opts, |line, v| {
        let Ok(m) = v else { return };
        if m.get("role").and_then(Value::as_str) != Some("assistant") {
            return;
        }
        let id = str_at(&m, &["id"]).map(str::to_string);
        let session = str_at(&m, &["sessionID"]).map(str::to_string);
        let steps = match (&parts_dir, &id) {
            (Some(d), Some(id)) => legacy_steps(&d.join(id)),
            _ => Vec::new(),
        };
        deliver_owned(sink, &path, line, record(agent, &m, id, session, &steps));
    })
}

/// The step-finish parts of a message of the versions before the database (one JSON file a
/// part), in their names' order.
fn legacy_steps(dir: &Path) -> Vec<Value> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() < 1 << 20 || b.windows(11).any(|w| w == b"step-finish"))
        .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(|v| v.get("type").and_then(Value::as_str) == Some("step-finish"))
        .collect()
}

fn read_db(file: &LogFile, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    let agent = agent_of(&file.path);
    let db = super::sqlite::open(&file.path, &path)?;
    // Only the step-finish parts (tool outputs and file contents stay in the database).
    let steps: Vec<(String, Value)> = super::sqlite::rows(
        &db,
        &path,
        "SELECT message_id, data FROM part WHERE data LIKE '%step-finish%'",
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        },
    )?
    .into_iter()
    .filter_map(|(m, d)| {
        let v: Value = serde_json::from_str(&d?).ok()?;
        (v.get("type").and_then(Value::as_str) == Some("step-finish")).then_some((m?, v))
    })
    .collect();
    let mut by_message: HashMap<String, Vec<Value>> = HashMap::new();
    for (m, v) in steps {
        by_message.entry(m).or_default().push(v);
    }
    let messages = super::sqlite::rows(
        &db,
        &path,
        "SELECT id, session_id, data FROM message ORDER BY time_created, id",
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        },
    )?;
    for (n, (id, session, data)) in messages.into_iter().enumerate() {
        let line = n as u64 + 1;
        let (Some(id), Some(data)) = (id, data) else {
            let e = FieldError::new("id", "a message row without its id or data");
            deliver_owned(sink, &path, line, Err(e));
            continue;
        };
        let m = match serde_json::from_str::<Value>(&data) {
            Ok(m) => m,
            Err(e) => {
                deliver_owned(
                    sink,
                    &path,
                    line,
                    Err(FieldError::new(
                        "data",
                        format!("message {id}: invalid JSON: {e}"),
                    )),
                );
                continue;
            }
        };
        if m.get("role").and_then(Value::as_str) != Some("assistant") {
            continue;
        }
        let steps = by_message.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        deliver_owned(
            sink,
            &path,
            line,
            record(agent, &m, Some(id), session, steps),
        );
    }
    Ok(())
}

/// (input, output, reasoning, read, write) of a `tokens` object, reasoning placed by `total`.
fn tokens(t: &Value) -> Result<[u64; 5], FieldError> {
    let n = |p: &[&str]| count_field(t, p);
    let (input, output, reasoning, read, write) = (
        n(&["input"])?,
        n(&["output"])?,
        n(&["reasoning"])?,
        n(&["cache", "read"])?,
        n(&["cache", "write"])?,
    );
    let inside = at(t, &["total"]).is_some()
        && n(&["total"])? == input + output + read + write
        && reasoning > 0;
    let output = if inside { output } else { output + reasoning };
    Ok([input + read + write, output, reasoning, read, write])
}

fn record(
    agent: &str,
    m: &Value,
    id: Option<String>,
    session: Option<String>,
    steps: &[Value],
) -> Result<OwnedRecord, FieldError> {
    let mut sum = [0u64; 5];
    let parts: Vec<&Value> = if steps.is_empty() {
        m.get("tokens").into_iter().collect()
    } else {
        steps.iter().filter_map(|s| s.get("tokens")).collect()
    };
    for t in parts {
        let v = tokens(t)?;
        for (s, x) in sum.iter_mut().zip(v) {
            *s = s.saturating_add(x);
        }
    }
    let model = str_at(m, &["modelID"])
        .ok_or_else(|| FieldError::new("modelID", "an assistant message names no model"))?;
    let opencode_provider = str_at(m, &["providerID"]).unwrap_or("");
    let provider = PROVIDERS
        .iter()
        .find(|(o, _)| *o == opencode_provider)
        .map(|(_, p)| p.to_string())
        .unwrap_or_else(|| agents::provider_of_model(model, opencode_provider));
    // A gateway's `publisher/model` is the publisher's model (OpenRouter's ids keep the prefix).
    let model = match model.rsplit_once('/') {
        Some((_, m)) if provider != "openrouter" => m,
        _ => model,
    };
    let model = agents::maker_model_id(model);
    let ts = m
        .pointer("/time/created")
        .and_then(unix_seconds_us)
        .ok_or_else(|| FieldError::new("time.created", "an assistant message without its time"));
    let c = Call {
        provider,
        model,
        input: sum[0],
        cache_read: sum[3],
        cache_write: sum[4],
        output: sum[1],
        reasoning: sum[2],
        session,
        project: str_at(m, &["path", "root"])
            .or_else(|| str_at(m, &["path", "cwd"]))
            .map(str::to_string),
        id,
    };
    let mut r = agents::record(agent, ts, "", c)?;
    // A message still being written (no completion time) grows: a running total the ledger
    // replaces when it has grown.
    if m.pointer("/time/completed").is_none_or(Value::is_null) {
        r.extra
            .push((crate::usage::col::SNAPSHOT.into(), "true".into()));
    }
    if !opencode_provider.is_empty() {
        r.extra
            .push(("opencode_provider".into(), opencode_provider.to_string()));
    }
    Ok(r)
}
