//! The contract between the readers (producers) and their consumers (the engine, the `convert`
//! writers): every good row goes to [`UsageSink::record`], every bad row to
//! [`UsageSink::reject`] with file, line and field, so nothing is lost silently.

use std::fmt;

use super::UsageRecord;

/// A row that could not be read, with enough context to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub file: String,
    /// 1-based line number in the (decompressed) file; for Parquet, the 1-based row number.
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// Receives what a reader produces.
pub trait UsageSink {
    fn record(&mut self, record: &UsageRecord<'_>);
    /// A record whose request id's digest ([`id_digest`] of its provider and id) a reader
    /// worked out already, on a worker thread. Sinks that do not dedupe take it as a record.
    /// A reader knows how many rows are coming (a Parquet footer says so): a sink may size
    /// itself once for them.
    fn expect_rows(&mut self, rows: u64) {
        let _ = rows;
    }
    fn record_digested(&mut self, record: &UsageRecord<'_>, digest: Option<u128>) {
        let _ = digest;
        self.record(record);
    }
    fn reject(&mut self, rejection: Rejection);
    /// A row whose timestamp (`timestamp_us`) is outside the period the reader was given:
    /// only its provider, request id and timestamp were read (a duplicate is still a
    /// duplicate). Sinks that set no period never get it.
    fn outside(&mut self, provider: &str, request_id: Option<&str>, timestamp_us: i64) {
        let _ = (provider, request_id, timestamp_us);
    }
}

/// The 128-bit digest that identifies a request: its provider and its id (the provider's length
/// first, so a NUL or any byte inside a provider or an id can never make pairs of different
/// providers hash the same input). Computed by the engine, or ahead by a reader's workers.
pub fn id_digest(provider: &str, id: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(provider.len() as u64).to_le_bytes());
    h.update(provider.as_bytes());
    h.update(id.as_bytes());
    h.digest128()
}
