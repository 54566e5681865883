//! Goose: the SQLite database `~/.local/share/goose/sessions/sessions.db`
//! (`$GOOSE_PATH_ROOT/data/sessions/sessions.db`), one row per session in `sessions` with the
//! session's running totals (`accumulated_input_tokens`, `accumulated_output_tokens`,
//! `accumulated_total_tokens`), `provider_name`, `model_config_json` (`model_name`),
//! `working_dir` and `created_at` (UTC, `YYYY-MM-DD HH:MM:SS`).
//!
//! Goose logs no call of its own, only these totals, and no cache split: the input (cache
//! included, as Goose adds it up) is priced as uncached input, which overstates sessions that
//! read a cache. A session is one row at its start (`created_at`), marked as a running total
//! (`snapshot=true`): a later sync of the ledger replaces the session's row with its new total.
//! Sessions without usage are left out. The request id is `goose:<session>@<created_at>`.
//! Provider: Goose's `provider_name` where the book prices it (`anthropic`, `openai`,
//! `google`, `openrouter`, ...), else the model's publisher; local models (`ollama`) stay
//! unpriced under their provider.

use super::agents::{self, Call};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "goose";

/// True for Goose's session database (its `sessions` table with running totals).
pub fn looks_like_db(db: &rusqlite::Connection, tables: &[String]) -> bool {
    tables.iter().any(|t| t == "sessions")
        && db
            .prepare("SELECT accumulated_input_tokens, model_config_json FROM sessions LIMIT 0")
            .is_ok()
}

/// A session's columns, as text (see `sqlite::text`).
type Session = [Option<String>; 8];

pub fn read(
    file: &LogFile,
    _opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.name();
    let db = super::sqlite::open(&file.path, &path)?;
    let sessions: Vec<Session> = super::sqlite::text_rows(
        &db,
        &path,
        "SELECT id, provider_name, model_config_json, working_dir, created_at, \
         accumulated_input_tokens, accumulated_output_tokens, accumulated_total_tokens \
         FROM sessions ORDER BY created_at, id",
    )?;
    for (n, e) in sessions.into_iter().enumerate() {
        let [id, provider, config, dir, created, input, output, _total] = e;
        let zero = |v: &Option<String>| v.as_deref().is_none_or(|x| x.trim() == "0");
        if zero(&input) && zero(&output) {
            continue;
        }
        let rec = (|| {
            let input = super::sqlite::count(&input, "accumulated_input_tokens")?;
            let output = super::sqlite::count(&output, "accumulated_output_tokens")?;
            let id = id.ok_or_else(|| FieldError::new("id", "a session without its id"))?;
            let created = created.unwrap_or_default();
            let model = config
                .as_deref()
                .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
                .and_then(|c| c.get("model_name")?.as_str().map(str::to_string))
                .ok_or_else(|| {
                    FieldError::new("model_config_json", "the session names no model")
                })?;
            let goose_provider = provider.unwrap_or_default();
            let provider = match goose_provider.as_str() {
                "anthropic" | "openai" | "google" | "openrouter" | "xai" | "groq" | "deepseek"
                | "mistral" => goose_provider.clone(),
                "aws_bedrock" => "aws-bedrock".into(),
                "gcp_vertex_ai" => "vertex-ai".into(),
                "azure_openai" => "azure".into(),
                "ollama" => "ollama".into(),
                "" => agents::provider_of_model(&model, AGENT),
                other => agents::provider_of_model(&model, other),
            };
            let ts = super::sqlite::utc_time(&created, "created_at");
            let c = Call {
                provider,
                model,
                input,
                output,
                session: Some(id.clone()),
                project: dir,
                id: Some(format!("{id}@{created}")),
                ..Call::default()
            };
            let mut r = agents::record(AGENT, ts, "", c)?;
            r.extra
                .push((crate::usage::col::SNAPSHOT.into(), "true".into()));
            Ok(r)
        })();
        deliver_owned(sink, &path, n as u64 + 1, rec);
    }
    Ok(())
}
