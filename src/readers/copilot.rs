//! GitHub Copilot CLI: `~/.copilot/session-store.db` (`COPILOT_HOME` moves the folder), a SQLite
//! database whose `assistant_usage_events` table has one row per model call: `id`,
//! `session_id`, `model` (as asked, `auto` too) and `copilot_usage_model` (as billed),
//! `input_tokens` (including `cache_read_tokens` and `cache_write_tokens`), `output_tokens`,
//! `reasoning_tokens` (apart from the output), `total_nano_aiu` (GitHub's charge in
//! billionths of an AI unit, 10^11 to the dollar) and `created_at` (UTC, `YYYY-MM-DD
//! HH:MM:SS`). `sessions(id, cwd)` gives the project.
//!
//! Canonical: input as logged, output = output + reasoning; cache writes of models whose API
//! bills none apart (all but Anthropic's) are plain input. The request id is
//! `copilot-cli:<session>:<id>`. Copilot is a subscription: the cost is API-equivalent, and
//! GitHub's own figure is the log column `copilot_cost_usd`. Provider: the billed model's
//! publisher.

use std::collections::HashMap;

use super::agents::{self, Call};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::FieldError;

pub const AGENT: &str = "copilot-cli";

/// True for Copilot CLI's session store (its tables).
pub fn looks_like_db(tables: &[String]) -> bool {
    tables.iter().any(|t| t == "assistant_usage_events")
}

/// A usage event's columns, as text (see `sqlite::text`).
type Event = [Option<String>; 11];

pub fn read(
    file: &LogFile,
    _opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let path = file.name();
    let db = super::sqlite::open(&file.path, &path)?;
    let tables = super::sqlite::tables(&db, &path)?;
    let cwd: HashMap<String, String> = if tables.iter().any(|t| t == "sessions") {
        super::sqlite::rows(
            &db,
            &path,
            "SELECT id, cwd FROM sessions WHERE cwd IS NOT NULL",
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?
        .into_iter()
        .collect()
    } else {
        HashMap::new()
    };
    let events: Vec<Event> = super::sqlite::text_rows(
        &db,
        &path,
        "SELECT id, session_id, model, copilot_usage_model, input_tokens, output_tokens, \
         cache_read_tokens, cache_write_tokens, reasoning_tokens, total_nano_aiu, created_at \
         FROM assistant_usage_events ORDER BY created_at, id",
    )?;
    for (n, e) in events.into_iter().enumerate() {
        let rec = (|| {
            let [id, session, model, billed, i, o, rd, wr, rs, nano, created] = e;
            let count = super::sqlite::count;
            let (input, output, read, write, reasoning) = (
                count(&i, "input_tokens")?,
                count(&o, "output_tokens")?,
                count(&rd, "cache_read_tokens")?,
                count(&wr, "cache_write_tokens")?,
                count(&rs, "reasoning_tokens")?,
            );
            let (Some(id), Some(session)) = (id, session) else {
                return Err(FieldError::new(
                    "id",
                    "a usage event without its id or session",
                ));
            };
            let created = created.unwrap_or_default();
            let nano = nano.and_then(|x| x.parse::<i64>().ok());
            let model = billed
                .filter(|m| !m.is_empty())
                .or(model)
                .ok_or_else(|| FieldError::new("model", "a usage event names no model"))?;
            let model = agents::maker_model_id(&model);
            let ts = super::sqlite::utc_time(&created, "created_at");
            let provider = agents::provider_of_model(&model, "github-copilot");
            // Only Anthropic's API bills a cache write apart; elsewhere it is plain input.
            let write_apart = if provider == "anthropic" { write } else { 0 };
            let c = Call {
                provider,
                model,
                input: input.max(read + write),
                cache_read: read,
                cache_write: write_apart,
                output: output + reasoning,
                reasoning,
                project: cwd.get(&session).cloned(),
                id: Some(format!("{session}:{id}")),
                session: Some(session.clone()),
            };
            let mut r = agents::record(AGENT, ts, "", c)?;
            if let Some(nano) = nano.filter(|&x| x >= 0) {
                let usd = rust_decimal::Decimal::from_i128_with_scale(nano as i128, 11).normalize();
                r.extra.push(("copilot_cost_usd".into(), usd.to_string()));
            }
            Ok(r)
        })();
        deliver_owned(sink, &path, n as u64 + 1, rec);
    }
    Ok(())
}
