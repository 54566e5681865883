//! The aggregate table: what a warehouse query made by `tokenledger sql` returns, and what
//! `--aggregates` reads back. The engine sums integers per (local day, price epoch, group);
//! tokenledger prices them. Every source row lands in exactly one [`Kind`], so
//! `rows read = cells + duplicates + rejected + outside` holds (see `docs/scale-out.md`).
//! Layer 0: names and types only, no I/O.

use serde::{Deserialize, Serialize};

/// The contract's name and version, written into every manifest.
pub const FORMAT: &str = "tokenledger-aggregates/1";

/// The columns of the aggregate table, in order. `d_<name>` columns for the dimensions follow
/// `prompt_bucket`; the measures close the row.
pub mod columns {
    pub const KIND: &str = "kind";
    pub const REASON: &str = "reason";
    pub const LOCAL_DAY: &str = "local_day";
    pub const PRICE_EPOCH: &str = "price_epoch";
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    pub const REGION: &str = "region";
    pub const BATCH: &str = "batch";
    pub const FAILED: &str = "failed";
    pub const SERVICE_TIER: &str = "service_tier";
    pub const WINDOW_MASK: &str = "window_mask";
    pub const LONG_CONTEXT: &str = "long_context";
    pub const MULTI: &str = "multi";
    pub const PROMPT_BUCKET: &str = "prompt_bucket";
    /// The group-key columns after `kind` and `reason`, in order (the dimension columns
    /// follow them).
    pub const KEYS: [&str; 12] = [
        LOCAL_DAY,
        PRICE_EPOCH,
        PROVIDER,
        MODEL,
        REGION,
        BATCH,
        FAILED,
        SERVICE_TIER,
        WINDOW_MASK,
        LONG_CONTEXT,
        MULTI,
        PROMPT_BUCKET,
    ];
    /// Prefix of a dimension column (`d_1_user`).
    pub const DIM_PREFIX: &str = "d_";

    /// The column of dimension `i` (0-based) named `name`: `d_<i+1>_<name>`, the name with
    /// letters, digits and `_` kept (lowercased) and anything else as `_`. Dimension columns
    /// are numbered, so two names cannot collide; the manifest keeps the real names, in order.
    pub fn dim(i: usize, name: &str) -> String {
        let suffix: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        format!("{DIM_PREFIX}{}_{suffix}", i + 1)
    }
    pub const MINUTE_US: &str = "minute_us";
    pub const FIRST_US: &str = "first_us";
    pub const LAST_US: &str = "last_us";
    /// The measures, in the order of [`super::Measures::values`].
    pub const MEASURES: [&str; 8] = [
        "rows_",
        "requests",
        "input_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "output_tokens",
        "reasoning_tokens",
    ];
}

/// What an aggregate row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Usage of one group on one local day within one price epoch.
    Cell,
    /// Copies of a `(provider, request_id)` seen earlier in reading order.
    Duplicate,
    /// Rows failing validation (`reason` names the field).
    Rejected,
    /// Rows outside the period.
    Outside,
    /// Single requests of one provider and model in one UTC minute (for `errors` and the
    /// HTML page's rates).
    Minute,
    /// The query's settings (`reason` holds the [`Manifest`] as JSON).
    Manifest,
    /// Usage of the month before the period (the HTML page's month-over-month change), keyed
    /// like a cell; these rows are counted as `outside` as well.
    Side,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Cell,
        Kind::Duplicate,
        Kind::Rejected,
        Kind::Outside,
        Kind::Minute,
        Kind::Manifest,
        Kind::Side,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Cell => "cell",
            Kind::Duplicate => "duplicate",
            Kind::Rejected => "rejected",
            Kind::Outside => "outside",
            Kind::Minute => "minute",
            Kind::Manifest => "manifest",
            Kind::Side => "side",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// The settings a query was made with. `--aggregates` refuses a file whose manifest does not
/// match its own settings and price book: a mismatch is an error, never a silent difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The tokenledger version that wrote the query (informational).
    pub tokenledger: String,
    pub dialect: String,
    pub log_format: String,
    /// The reporting time zone of `local_day`.
    pub tz: String,
    /// The period, UTC microseconds (inclusive start, exclusive end).
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    /// The dimension columns (`d_<name>`), in order.
    pub dims: Vec<String>,
    /// `first` (first `(provider, request_id)` in reading order wins) or `none`.
    pub dedupe: String,
    /// Whether `minute` rows are included.
    pub per_minute: bool,
    /// The window of the `side` rows (the month before the period), if any.
    #[serde(default)]
    pub side_from_us: Option<i64>,
    #[serde(default)]
    pub side_to_us: Option<i64>,
    /// The digest of what the query took from the price book (epoch boundaries, long-context
    /// thresholds, time windows): see `PriceBook::query_digest`.
    pub book: String,
}

/// Integer sums over a set of rows: an aggregate row's measures (checked into `u64` when
/// read) and the engine's sums per cell are the same thing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    pub rows: u64,
    pub requests: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Subset of `cache_write_tokens` written with a 1-hour TTL.
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
}

impl Sums {
    /// The measures in the order of [`columns::MEASURES`], for filling from a row.
    pub fn values_mut(&mut self) -> [&mut u64; 8] {
        [
            &mut self.rows,
            &mut self.requests,
            &mut self.input_tokens,
            &mut self.cache_read_tokens,
            &mut self.cache_write_tokens,
            &mut self.cache_write_1h_tokens,
            &mut self.output_tokens,
            &mut self.reasoning_tokens,
        ]
    }

    /// Adds `o` (sums of rows the engine read, far from any limit: see `MAX_COUNT`).
    pub fn add(&mut self, o: &Sums) {
        for (a, b) in self.values_mut().into_iter().zip(o.values()) {
            *a += b;
        }
    }

    /// Adds `o`, or `None` when a sum would pass `u64::MAX` (sums an engine made elsewhere).
    pub fn checked_add(&mut self, o: &Sums) -> Option<()> {
        let mut out = *self;
        for (a, b) in out.values_mut().into_iter().zip(o.values()) {
            *a = a.checked_add(b)?;
        }
        *self = out;
        Some(())
    }

    fn values(&self) -> [u64; 8] {
        let mut c = *self;
        c.values_mut().map(|v| *v)
    }

    pub fn uncached_input(&self) -> u64 {
        self.input_tokens - self.cache_read_tokens - self.cache_write_tokens
    }

    pub fn total_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
}

/// One row of the aggregate table, typed. Which fields are set depends on [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateRow {
    /// 1-based line in the aggregate file (the header is line 1).
    pub line: u64,
    pub kind: Kind,
    pub reason: Option<String>,
    /// Local date, days since 1970-01-01.
    pub day: Option<i32>,
    pub epoch: Option<u32>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub region: Option<String>,
    pub batch: bool,
    pub failed: bool,
    /// The service tier as logged (normalised when read into the engine).
    pub service_tier: Option<String>,
    /// Bit `i` set: the book's time window `i` covers the request's instant and provider.
    pub window_mask: u64,
    pub long_context: Option<bool>,
    pub multi: bool,
    pub prompt_bucket: u8,
    /// Values of [`Manifest::dims`], in order.
    pub dims: Vec<Option<String>>,
    /// Start of the minute (UTC microseconds) of a `minute` row.
    pub minute_us: Option<i64>,
    pub first_us: Option<i64>,
    pub last_us: Option<i64>,
    pub measures: Sums,
}

/// One aggregate file, read.
#[derive(Debug, Clone)]
pub struct AggregateFile {
    /// The file's name as given (for messages).
    pub path: String,
    pub manifest: Manifest,
    pub rows: Vec<AggregateRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_names_become_column_names() {
        assert_eq!(columns::dim(0, "team"), "d_1_team");
        assert_eq!(columns::dim(2, "Cost-Center.1"), "d_3_cost_center_1");
    }
}
