//! Cursor's usage export (the dashboard's "Export CSV"): one row per request event. Columns are
//! matched by name, as the export has changed: `Date` (RFC 3339 with milliseconds), `User`
//! (team exports), `Kind` (`Included`, `On-Demand`, `Free`, `Errored, No Charge`, ...),
//! `Model`, `Max Mode`, `Input (w/ Cache Write)`, `Input (w/o Cache Write)`, `Cache Read`,
//! `Output Tokens`, `Total Tokens`, `Cost`.
//!
//! The two input columns partition the input: in Cursor's own rows `Total Tokens` is the sum of
//! both input columns, `Cache Read` and `Output Tokens`, and "w/ Cache Write" can be smaller
//! than "w/o", so "w/ Cache Write" is the input written to the cache and "w/o" the plain input.
//! A row whose total only adds up with "w/" holding "w/o" (older exports) is read that way.
//! Canonical input = plain + cache write + cache read; output includes reasoning.
//!
//! Cursor bills a plan: `Kind` and Cursor's own `Cost` are kept as the log columns
//! `cursor_kind` and `cursor_cost` beside tokenledger's API-equivalent price; a request Cursor
//! did not charge because it failed (`Errored`, `Aborted`) is a failed request. Rows carry no
//! request id: the id is a hash of the row, so overlapping exports count each request once.
//! Provider: by the model's publisher (`claude-*` -> anthropic, `gpt-*` -> openai, ...);
//! Cursor's names of Claude models are turned into Anthropic's ids; cache-write tokens of other
//! providers' models, whose APIs bill no cache write, are plain input. Cursor's own models
//! (`auto`, `composer-1`) are `cursor` and stay unpriced.

use serde_json::Value;

use super::agents::{self, Call};
use super::json::{count_field, str_at, timestamp_us};
use super::{deliver_owned, LogFile, ReadError, ReadOptions, UsageSink};
use crate::usage::{FieldError, OwnedRecord};

pub const AGENT: &str = "cursor";
const WITH: &str = "Input (w/ Cache Write)";
const WITHOUT: &str = "Input (w/o Cache Write)";

/// True for the header of a Cursor usage export.
pub fn header_looks_like(names: &[&str]) -> bool {
    names.contains(&"Date")
        && names.contains(&"Model")
        && names.contains(&"Output Tokens")
        && (names.contains(&WITH) || names.contains(&WITHOUT))
}

pub fn read(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) -> Result<(), ReadError> {
    let path = file.name();
    super::json::for_each_csv_object(file, opts, sink, |sink, line, row| {
        deliver_owned(sink, &path, line, record(row))
    })
}

fn record(row: &Value) -> Result<OwnedRecord, FieldError> {
    let n = |k: &str| count_field(row, &[k]);
    let (with, without, read, output, total) = (
        n(WITH)?,
        n(WITHOUT)?,
        n("Cache Read")?,
        n("Output Tokens")?,
        n("Total Tokens")?,
    );
    let write = if total > 0 && with + read + output == total && with >= without {
        with - without
    } else {
        with
    };
    let plain = without;
    let date = row
        .get("Date")
        .ok_or_else(|| FieldError::new("Date", "missing value (required)"))?;
    let ts = timestamp_us(date).map_err(|e| FieldError::new("Date", e.to_string()));
    let model = str_at(row, &["Model"])
        .ok_or_else(|| FieldError::new("Model", "missing value (required)"))?;
    let kind = str_at(row, &["Kind"]).unwrap_or("");
    let stamp = format!(
        "{}|{kind}|{}",
        str_at(row, &["Date"]).unwrap_or(""),
        str_at(row, &["User"]).unwrap_or("")
    );
    let model = agents::maker_model_id(model);
    let provider = agents::provider_of_model(&model, AGENT);
    let input = plain + write + read;
    // Only Anthropic's API bills writing to its cache apart; elsewhere those tokens are input.
    let write = if provider == "anthropic" { write } else { 0 };
    let c = Call {
        provider,
        model,
        input,
        cache_read: read,
        cache_write: write,
        output,
        ..Call::default()
    };
    let mut r = agents::record(AGENT, ts, &stamp, c)?;
    r.user = str_at(row, &["User"]).map(str::to_string);
    let lower = kind.to_ascii_lowercase();
    if lower.contains("errored") || lower.contains("aborted") {
        r.status = 500;
    }
    if !kind.is_empty() {
        r.extra.push(("cursor_kind".into(), kind.to_string()));
    }
    if let Some(cost) = str_at(row, &["Cost"]) {
        r.extra.push(("cursor_cost".into(), cost.to_string()));
    }
    if str_at(row, &["Max Mode"]).is_some_and(|m| m.eq_ignore_ascii_case("yes")) {
        r.extra.push(("max_mode".into(), "true".into()));
    }
    Ok(r)
}
