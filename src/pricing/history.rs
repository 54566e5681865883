//! The generator's inputs as data: LiteLLM's dated history (one snapshot of a key per line),
//! today's map as snapshots, and the canonical-name overrides, each read strictly
//! (`input::parse_json`).

use serde_json::{Map, Value};

use super::canonical::Override;
use super::input::{at_line, parse_json, InputError};
use super::values::parse_effective_from;
use crate::text::lines::{CsvRows, CsvStep};

/// One snapshot of one key: the entry LiteLLM had from `seen_us` on (`None`: the key was gone).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub key: String,
    pub seen_us: i64,
    pub commit: String,
    pub entry: Option<Map<String, Value>>,
}

/// Reads the history file's lines (`{"key","seen_from","commit","entry"}`, in snapshot order).
pub fn parse_history(text: &str) -> Result<Vec<Snapshot>, InputError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i as u64 + 1;
        let v: Value = parse_json(line).map_err(|e| at_line(n, e.to_string()))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str);
        let (Some(key), Some(seen), Some(commit)) =
            (field("key"), field("seen_from"), field("commit"))
        else {
            return Err(at_line(n, "needs key, seen_from and commit"));
        };
        let seen_us = parse_effective_from(seen).map_err(|m| at_line(n, m.to_string()))?;
        out.push(Snapshot {
            key: key.to_string(),
            seen_us,
            commit: commit.to_string(),
            entry: v.get("entry").and_then(Value::as_object).cloned(),
        });
    }
    Ok(out)
}

/// The map alone, as one snapshot per key at `as_of` with `commit`.
pub fn snapshots_of_map(
    text: &str,
    as_of_us: i64,
    commit: &str,
) -> Result<Vec<Snapshot>, InputError> {
    let root: Value = parse_json(text)?;
    let obj = root.as_object().ok_or(InputError::NotAnObject)?;
    Ok(obj
        .iter()
        .filter_map(|(k, v)| {
            Some(Snapshot {
                key: k.clone(),
                seen_us: as_of_us,
                commit: commit.to_string(),
                entry: Some(v.as_object()?.clone()),
            })
        })
        .collect())
}

/// Reads the canonical-name table: `provider,model,canonical` (`*` patterns; empty canonical:
/// none).
pub fn parse_overrides(text: &str) -> Result<Vec<Override>, InputError> {
    let mut rows = CsvRows::new(text.as_bytes());
    let headers = rows.headers().map_err(|e| at_line(1, e.to_string()))?;
    if headers != ["provider", "model", "canonical"] {
        return Err(at_line(1, "expected the columns provider,model,canonical"));
    }
    let mut out = Vec::new();
    while let Some(step) = rows.next_step() {
        match step {
            CsvStep::Record(r) => {
                let get = |i: usize| r.record.get(i).unwrap_or("").trim().to_string();
                out.push(Override {
                    provider: get(0),
                    model: get(1),
                    canonical: Some(get(2)).filter(|c| !c.is_empty()),
                });
            }
            CsvStep::Error { line, error } => return Err(at_line(line, error.to_string())),
        }
    }
    Ok(out)
}
