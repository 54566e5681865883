//! The canonical usage schema: one record per request (or per pre-aggregated group of requests).
//!
//! Every reader turns its source format into [`UsageRecord`]s and hands them to a [`UsageSink`];
//! the engine consumes nothing else. Column names are constants ([`col`]) so readers, engine and
//! docs cannot drift apart. This module owns timestamp parsing too, because "what instant does
//! this row describe" is part of the contract, and so are `--where` filters ([`filter`]). Layer 0:
//! it does no I/O and names only `text`.

use std::fmt;

pub mod aggregate;
pub mod columns;
pub mod filter;
pub mod parse;
pub mod sink;

pub use self::columns as col;
pub use filter::{Where, WhereError};
pub use parse::*;
pub use sink::{id_digest, Rejection, UsageSink};

/// One canonical usage row, borrowing its strings from the reader's current line.
///
/// Token semantics follow the OpenTelemetry GenAI convention: `input_tokens` includes
/// `cache_read_tokens` and `cache_write_tokens`; `output_tokens` includes `reasoning_tokens`.
/// Readers guarantee `cache_read_tokens + cache_write_tokens <= input_tokens` and
/// `reasoning_tokens <= output_tokens`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord<'a> {
    /// Microseconds since the Unix epoch, UTC.
    pub timestamp_us: i64,
    pub provider: &'a str,
    pub model: &'a str,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Subset of `cache_write_tokens` written with a 1-hour TTL (priced at the 1-hour rate).
    pub cache_write_1h_tokens: u64,
    pub reasoning_tokens: u64,
    /// How many requests this row stands for (1 for a plain request log).
    pub requests: u64,
    pub request_id: Option<&'a str>,
    /// HTTP status; 200 when the source has none.
    pub status: u16,
    pub user: Option<&'a str>,
    pub project: Option<&'a str>,
    pub api_key: Option<&'a str>,
    pub region: Option<&'a str>,
    pub batch: bool,
    /// Whether the request was long-context, when the source says so (e.g. Anthropic's usage
    /// report). `None`: decided from the price book's threshold for single requests.
    pub long_context: Option<bool>,
    /// The service tier as logged (`priority`, `flex`; `default` and empty are standard). See
    /// [`service_tier`] for the normalised form.
    pub service_tier: Option<&'a str>,
    /// Columns outside the canonical set, kept as dimensions (only those a command asked for).
    pub extra: Vec<(&'a str, &'a str)>,
    /// A class of usage the provider bills that the book has no price for, when the log shows
    /// some (audio tokens, web searches): the request is left unpriced, naming it.
    pub unpriced_class: Option<UnpricedClass>,
}

/// A class of usage a provider bills that tokenledger has no rate for. A request carrying one
/// is left unpriced with it named, never priced as if it were text tokens (audio tokens are
/// part of the input and output counts, at rates several times the text rates) or without it
/// (a web search is billed per search, on top of the tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnpricedClass {
    /// Audio input or output tokens (OpenAI's `input_audio_tokens`, `audio_tokens` details).
    AudioTokens,
    /// Server-side web searches (Anthropic's `server_tool_use.web_search_requests`, OpenAI's
    /// `web_search_call` output items).
    WebSearches,
}

impl UnpricedClass {
    /// How reports name it.
    pub fn label(self) -> &'static str {
        match self {
            UnpricedClass::AudioTokens => "audio tokens",
            UnpricedClass::WebSearches => "web searches",
        }
    }
}

impl<'a> UsageRecord<'a> {
    /// Input tokens billed at the plain input rate.
    pub fn uncached_input(&self) -> u64 {
        self.input_tokens - self.cache_read_tokens - self.cache_write_tokens
    }

    /// A request is failed when its status is outside 2xx.
    pub fn is_failed(&self) -> bool {
        !(200..300).contains(&self.status)
    }

    /// The value of a dimension column by name (known dimension or extra column).
    pub fn dimension(&self, name: &str) -> Option<&'a str> {
        match name {
            col::USER => self.user,
            col::PROJECT => self.project,
            col::API_KEY => self.api_key,
            col::REGION => self.region,
            col::PROVIDER => Some(self.provider),
            col::MODEL => Some(self.model),
            col::REQUEST_ID => self.request_id,
            col::SERVICE_TIER => self.service_tier,
            _ => self.extra.iter().find(|(k, _)| *k == name).map(|(_, v)| *v),
        }
    }
}

/// An owned usage record, for readers that assemble records from parsed JSON or computed values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedRecord {
    pub timestamp_us: i64,
    pub provider: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub reasoning_tokens: u64,
    pub requests: u64,
    pub request_id: Option<String>,
    pub status: u16,
    pub user: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    pub region: Option<String>,
    pub batch: bool,
    pub long_context: Option<bool>,
    pub service_tier: Option<String>,
    pub extra: Vec<(String, String)>,
    pub unpriced_class: Option<UnpricedClass>,
}

impl UsageRecord<'_> {
    /// The text of the canonical columns, in [`col::KNOWN`]'s order (empty: no value), as the
    /// canonical writers write them.
    pub fn canonical_cells(&self) -> Vec<String> {
        let o = |v: Option<&str>| v.unwrap_or("").to_string();
        vec![
            format_timestamp_us(self.timestamp_us),
            self.provider.to_string(),
            self.model.to_string(),
            self.input_tokens.to_string(),
            self.output_tokens.to_string(),
            self.cache_read_tokens.to_string(),
            self.cache_write_tokens.to_string(),
            self.reasoning_tokens.to_string(),
            self.requests.to_string(),
            o(self.request_id),
            self.status.to_string(),
            o(self.user),
            o(self.project),
            o(self.api_key),
            o(self.region),
            self.batch.to_string(),
            self.cache_write_1h_tokens.to_string(),
            self.long_context.map(|b| b.to_string()).unwrap_or_default(),
            o(self.service_tier),
        ]
    }
}

impl OwnedRecord {
    /// A record for one successful request at `timestamp_us`.
    pub fn new(timestamp_us: i64, provider: &str, model: &str) -> Self {
        OwnedRecord {
            timestamp_us,
            provider: provider.to_string(),
            model: model.to_string(),
            requests: 1,
            status: 200,
            ..Default::default()
        }
    }

    /// Checks the subset rules every record must meet (and the per-row caps).
    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, v) in [
            (col::INPUT_TOKENS, self.input_tokens),
            (col::OUTPUT_TOKENS, self.output_tokens),
            (col::CACHE_READ_TOKENS, self.cache_read_tokens),
            (col::CACHE_WRITE_TOKENS, self.cache_write_tokens),
            (col::REASONING_TOKENS, self.reasoning_tokens),
            (col::REQUESTS, self.requests),
        ] {
            check_plausible(field, v)?;
        }
        if self.model.is_empty() {
            return Err(FieldError::new(col::MODEL, "missing value (required)"));
        }
        if self.cache_read_tokens + self.cache_write_tokens > self.input_tokens {
            return Err(FieldError::new(
                col::CACHE_READ_TOKENS,
                format!(
                    "cache_read_tokens + cache_write_tokens ({} + {}) exceed input_tokens ({})",
                    self.cache_read_tokens, self.cache_write_tokens, self.input_tokens
                ),
            ));
        }
        if self.cache_write_1h_tokens > self.cache_write_tokens {
            return Err(FieldError::new(
                col::CACHE_WRITE_1H_TOKENS,
                "exceed cache_write_tokens",
            ));
        }
        if self.reasoning_tokens > self.output_tokens {
            return Err(FieldError::new(
                col::REASONING_TOKENS,
                format!(
                    "reasoning_tokens ({}) exceed output_tokens ({})",
                    self.reasoning_tokens, self.output_tokens
                ),
            ));
        }
        Ok(())
    }

    /// Borrows the record in the form the engine consumes.
    pub fn as_record(&self) -> UsageRecord<'_> {
        UsageRecord {
            timestamp_us: self.timestamp_us,
            provider: &self.provider,
            model: &self.model,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cache_read_tokens: self.cache_read_tokens,
            cache_write_tokens: self.cache_write_tokens,
            cache_write_1h_tokens: self.cache_write_1h_tokens,
            reasoning_tokens: self.reasoning_tokens,
            requests: self.requests,
            request_id: self.request_id.as_deref(),
            status: self.status,
            user: self.user.as_deref(),
            project: self.project.as_deref(),
            api_key: self.api_key.as_deref(),
            region: self.region.as_deref(),
            batch: self.batch,
            long_context: self.long_context,
            service_tier: self.service_tier.as_deref(),
            extra: self
                .extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            unpriced_class: self.unpriced_class,
        }
    }
}

/// Why a raw value could not become part of a [`UsageRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column (field) at fault, or "row" for whole-row problems.
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::error::Error for FieldError {}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
