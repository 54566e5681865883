//! Column names of the canonical request-log schema (CSV header, JSONL keys, Parquet columns),
//! shared by readers, writers and the engine so they cannot drift apart.

pub const TIMESTAMP: &str = "timestamp";
pub const PROVIDER: &str = "provider";
pub const MODEL: &str = "model";
pub const INPUT_TOKENS: &str = "input_tokens";
pub const OUTPUT_TOKENS: &str = "output_tokens";
pub const CACHE_READ_TOKENS: &str = "cache_read_tokens";
pub const CACHE_WRITE_TOKENS: &str = "cache_write_tokens";
pub const REASONING_TOKENS: &str = "reasoning_tokens";
pub const REQUESTS: &str = "requests";
pub const REQUEST_ID: &str = "request_id";
pub const STATUS: &str = "status";
pub const USER: &str = "user";
pub const PROJECT: &str = "project";
pub const API_KEY: &str = "api_key";
pub const REGION: &str = "region";
pub const BATCH: &str = "batch";
pub const CACHE_WRITE_1H_TOKENS: &str = "cache_write_1h_tokens";
pub const LONG_CONTEXT: &str = "long_context";
pub const SERVICE_TIER: &str = "service_tier";

/// The Azure deployment type (`global`, `data-zone`, `regional`; see
/// [`crate::usage::deployment_type`]). Read like an extra column (every reader keeps it), and
/// always carried by the engine, because it decides the Azure price.
pub const DEPLOYMENT_TYPE: &str = "deployment_type";

/// Marks a row that is a running total (`true`): one row per session, rewritten by its agent as
/// the session goes on (Goose, Droid). An extra column; the ledger keeps the latest of each.
pub const SNAPSHOT: &str = "snapshot";

/// The number of canonical columns.
pub const COUNT: usize = 19;

/// Every column with a defined meaning, in documentation order.
pub const KNOWN: [&str; COUNT] = [
    TIMESTAMP,
    PROVIDER,
    MODEL,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    CACHE_READ_TOKENS,
    CACHE_WRITE_TOKENS,
    REASONING_TOKENS,
    REQUESTS,
    REQUEST_ID,
    STATUS,
    USER,
    PROJECT,
    API_KEY,
    REGION,
    BATCH,
    CACHE_WRITE_1H_TOKENS,
    LONG_CONTEXT,
    SERVICE_TIER,
];

/// Measures and per-request ids: never dimensions.
pub const NOT_DIMENSIONS: [&str; 9] = [
    TIMESTAMP,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    CACHE_READ_TOKENS,
    CACHE_WRITE_TOKENS,
    CACHE_WRITE_1H_TOKENS,
    REASONING_TOKENS,
    REQUESTS,
    REQUEST_ID,
];
