//! Telling a log file's format from its content (the first records), or taking the one forced
//! with `--log-format`.

use super::{
    amp, anthropic, bedrock, claude_code, cline, codex, copilot, cursor, droid, gemini_cli, goose,
    json, kimi, litellm, open, openai, opencode, otel, qwen, sqlite, FileKind, LogFile, LogFormat,
    ReadError, ReadOptions,
};

/// Decides the format of every file still `Auto`: `forced` when given, else by content. A file
/// found in a folder whose format cannot be told is taken out of `files` and returned with the
/// reason (the run goes on without it); a file named on the command line is an error.
pub fn resolve_formats(
    files: &mut Vec<LogFile>,
    forced: LogFormat,
    map: &[(String, String)],
) -> Result<Vec<(LogFile, ReadError)>, ReadError> {
    let mut unknown = Vec::new();
    let mut kept = Vec::with_capacity(files.len());
    for mut f in std::mem::take(files) {
        if forced != LogFormat::Auto {
            f.format = forced;
        } else if f.format == LogFormat::Auto {
            match sniff(&f, map) {
                Ok(fmt) => f.format = fmt,
                Err(e) if f.from_folder => {
                    unknown.push((f, e));
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        let ok = match f.format {
            LogFormat::Canonical => true,
            LogFormat::Litellm => {
                matches!(f.kind, FileKind::Csv | FileKind::Json | FileKind::Jsonl)
            }
            LogFormat::Cursor => f.kind == FileKind::Csv,
            LogFormat::Copilot | LogFormat::Goose => f.kind == FileKind::Sqlite,
            LogFormat::Opencode => {
                matches!(f.kind, FileKind::Sqlite | FileKind::Json | FileKind::Jsonl)
            }
            _ => matches!(f.kind, FileKind::Json | FileKind::Jsonl),
        };
        if !ok {
            return Err(ReadError::Format {
                path: f.name(),
                message: format!("a {:?} file cannot hold {} logs", f.kind, f.format.name()),
            });
        }
        kept.push(f);
    }
    *files = kept;
    Ok(unknown)
}

/// Looks at the start of a file to tell its format; `map` is `--map`'s renaming, under which a
/// JSON record with other column names can be a canonical one.
pub fn sniff(file: &LogFile, map: &[(String, String)]) -> Result<LogFormat, ReadError> {
    let path = file.name();
    match file.kind {
        FileKind::Parquet => return Ok(LogFormat::Canonical),
        FileKind::Sqlite => {
            let db = sqlite::open(&file.path, &path)?;
            let tables = sqlite::tables(&db, &path)?;
            return if opencode::looks_like_db(&tables) {
                Ok(LogFormat::Opencode)
            } else if copilot::looks_like_db(&tables) {
                Ok(LogFormat::Copilot)
            } else if goose::looks_like_db(&db, &tables) {
                Ok(LogFormat::Goose)
            } else {
                Err(ReadError::Format {
                    path,
                    message: "a SQLite database that is not OpenCode's, Copilot CLI's or Goose's"
                        .into(),
                })
            };
        }
        FileKind::Csv => {
            let mut rdr =
                csv::ReaderBuilder::new().from_reader(open(file, &ReadOptions::default())?);
            let names: Vec<String> = rdr
                .headers()
                .map(|h| h.iter().map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            return Ok(if litellm::header_looks_like(&names) {
                LogFormat::Litellm
            } else if cursor::header_looks_like(&names) {
                LogFormat::Cursor
            } else {
                LogFormat::Canonical
            });
        }
        FileKind::Json | FileKind::Jsonl => {}
    }
    // Look at up to 20 records: the first lines of a transcript may carry no usage.
    let mut seen = 0;
    let mut found = None;
    let mut first_error = None;
    let result = json::for_each_value_limit(file, &ReadOptions::default(), 20, |_, v| {
        if found.is_some() || seen >= 20 {
            return;
        }
        seen += 1;
        match v {
            Ok(v) => found = detect(&v).or_else(|| mapped_canonical(&v, map)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    });
    if let Some(f) = found {
        return Ok(f);
    }
    result?;
    Err(ReadError::Format {
        path,
        message: format!(
            "not a recognised log format ({}); expected canonical JSONL, a Bedrock invocation log, an OpenAI usage export, Anthropic usage, a Claude Code transcript, a Codex CLI session, a coding agent's log (Gemini CLI, Qwen Code, Kimi CLI, Amp, OpenCode, Copilot CLI, Goose, Droid, Cline/Roo/Kilo Code), LiteLLM spend logs or OTLP JSON spans (or force one with --log-format)",
            first_error.map_or_else(|| "no record matched".to_string(), |e| e.to_string())
        ),
    })
}

/// Canonical when its columns, renamed by `--map`, are (no renaming: [`detect`] decides).
fn mapped_canonical(v: &serde_json::Value, map: &[(String, String)]) -> Option<LogFormat> {
    let has = |name| v.get(super::map_source(map, name)).is_some();
    (!map.is_empty() && has("timestamp") && has("provider") && has("input_tokens"))
        .then_some(LogFormat::Canonical)
}

/// The format a JSON record belongs to, if any. Order matters: Bedrock records embed Anthropic
/// messages, and Claude Code lines embed them too.
pub fn detect(v: &serde_json::Value) -> Option<LogFormat> {
    let arr_first;
    let v = match v {
        serde_json::Value::Array(a) => {
            arr_first = a.first()?.clone();
            &arr_first
        }
        other => other,
    };
    if codex::looks_like(v) {
        Some(LogFormat::Codex)
    } else if amp::looks_like(v) {
        Some(LogFormat::Amp)
    } else if droid::looks_like(v) {
        Some(LogFormat::Droid)
    } else if opencode::looks_like(v) {
        Some(LogFormat::Opencode)
    } else if gemini_cli::looks_like(v) {
        Some(LogFormat::GeminiCli)
    } else if qwen::looks_like(v) {
        Some(LogFormat::Qwen)
    } else if kimi::looks_like(v) {
        Some(LogFormat::Kimi)
    } else if cline::looks_like(v) || cline::looks_like_sdk(v) {
        Some(LogFormat::Cline)
    } else if bedrock::looks_like(v) {
        Some(LogFormat::Bedrock)
    } else if otel::looks_like(v) {
        Some(LogFormat::Otel)
    } else if litellm::looks_like(v) {
        // Before OpenAI and Anthropic: spend-log rows may embed a stored API response.
        Some(LogFormat::Litellm)
    } else if claude_code::looks_like(v) {
        Some(LogFormat::ClaudeCode)
    } else if openai::looks_like(v) {
        Some(LogFormat::OpenaiUsage)
    } else if anthropic::looks_like(v) {
        Some(LogFormat::Anthropic)
    } else if v.get("timestamp").is_some()
        && v.get("provider").is_some()
        && v.get("input_tokens").is_some()
    {
        Some(LogFormat::Canonical)
    } else {
        None
    }
}
