//! One price version ([`PriceRow`]) and the rates it gives each class of usage, with every
//! fallback resolved ([`PriceRow::rates`]). Pure: exact decimals, no I/O.

use rust_decimal::Decimal;

/// Column names of the price table.
pub mod col {
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    pub const EFFECTIVE_FROM: &str = "effective_from";
    pub const INPUT: &str = "input_per_mtok";
    pub const OUTPUT: &str = "output_per_mtok";
    pub const CACHE_READ: &str = "cache_read_per_mtok";
    pub const CACHE_WRITE: &str = "cache_write_per_mtok";
    pub const CACHE_WRITE_1H: &str = "cache_write_1h_per_mtok";
    pub const REASONING: &str = "reasoning_per_mtok";
    pub const LONG_THRESHOLD: &str = "long_context_threshold";
    pub const LONG_INPUT: &str = "long_input_per_mtok";
    pub const LONG_OUTPUT: &str = "long_output_per_mtok";
    pub const LONG_CACHE_READ: &str = "long_cache_read_per_mtok";
    pub const LONG_CACHE_WRITE: &str = "long_cache_write_per_mtok";
    pub const BATCH_INPUT: &str = "batch_input_per_mtok";
    pub const BATCH_OUTPUT: &str = "batch_output_per_mtok";
    pub const CANONICAL_MODEL: &str = "canonical_model";
    pub const REGION: &str = "region";
    pub const CURRENCY: &str = "currency";
    pub const SOURCE: &str = "source";

    pub const REQUIRED: [&str; 5] = [PROVIDER, MODEL, EFFECTIVE_FROM, INPUT, OUTPUT];
    pub const ALL: [&str; 20] = [
        PROVIDER,
        MODEL,
        EFFECTIVE_FROM,
        INPUT,
        OUTPUT,
        CACHE_READ,
        CACHE_WRITE,
        CACHE_WRITE_1H,
        REASONING,
        BATCH_INPUT,
        BATCH_OUTPUT,
        LONG_THRESHOLD,
        LONG_INPUT,
        LONG_OUTPUT,
        LONG_CACHE_READ,
        LONG_CACHE_WRITE,
        CANONICAL_MODEL,
        REGION,
        CURRENCY,
        SOURCE,
    ];
}

/// One price version: in force from `effective_from_us` until the next version of the same
/// provider, model and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub provider: String,
    pub model: String,
    /// `None` means "any region without a row of its own".
    pub region: Option<String>,
    pub effective_from_us: i64,
    /// The `effective_from` text as written in the file.
    pub effective_from: String,
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    pub reasoning: Option<Decimal>,
    pub batch_input: Option<Decimal>,
    pub batch_output: Option<Decimal>,
    /// Prompt size (input including cache reads and writes) above which the whole request is
    /// charged at the long-context rates.
    pub long_context_threshold: Option<u64>,
    pub long_input: Option<Decimal>,
    pub long_output: Option<Decimal>,
    pub long_cache_read: Option<Decimal>,
    pub long_cache_write: Option<Decimal>,
    pub canonical_model: Option<String>,
    pub currency: String,
    pub source: Option<String>,
    pub file: String,
    pub line: u64,
    /// True for rows from a `--pricing-overlay` file (a user's own prices on top of the book).
    pub overlay: bool,
}

/// The rates that apply to one class of usage (on-demand or batch, normal or long context),
/// with every fallback resolved. USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub input: Decimal,
    pub output: Decimal,
    pub reasoning: Decimal,
    pub cache_read: Decimal,
    pub cache_write: Decimal,
    pub cache_write_1h: Decimal,
}

impl PriceRow {
    /// Resolves the rates for batch and/or long-context usage.
    ///
    /// Fallbacks, all chosen so that usage is never priced at $0 by omission:
    /// - a missing cache-read or cache-write price is the (effective) input rate, batch included;
    ///   a missing 1-hour cache-write price is the 5-minute one;
    /// - a missing reasoning price is the output rate; a missing batch price the on-demand one;
    /// - a rate the book gives only for the normal tier (cache, 1-hour cache write, reasoning)
    ///   moves with its base rate: under batch or long context it is scaled by the same factor
    ///   as the input (cache) or output (reasoning) rate, when that factor is exact (e.g. 2x);
    ///   otherwise it falls back to the base rate of the tier;
    /// - long-context usage uses the long rates (a missing long output rate is the output rate);
    ///   a long-context batch request is charged the long on-demand rates, as the book has no
    ///   batch long-context prices (this errs on the high side).
    pub fn rates(&self, batch: bool, long: bool) -> Rates {
        let (input, output) = if long && self.long_context_threshold.is_some() {
            (
                self.long_input.unwrap_or(self.input),
                self.long_output.unwrap_or(self.output),
            )
        } else {
            (self.input_rate(batch), self.output_rate(batch))
        };
        let long = long && self.long_context_threshold.is_some();
        let cache_read = match (long, self.long_cache_read, self.cache_read) {
            (true, Some(r), _) => r,
            (_, _, Some(r)) => scaled(r, input, self.input),
            _ => input,
        };
        let cache_write = match (long, self.long_cache_write, self.cache_write) {
            (true, Some(r), _) => r,
            (_, _, Some(r)) => scaled(r, input, self.input),
            _ => input,
        };
        let cache_write_1h = match self.cache_write_1h {
            Some(r) => scaled(r, input, self.input),
            None => cache_write,
        };
        let reasoning = match self.reasoning {
            Some(r) => scaled(r, output, self.output),
            None => output,
        };
        Rates {
            input,
            output,
            reasoning,
            cache_read,
            cache_write,
            cache_write_1h,
        }
    }

    /// Cache reads are charged at the input rate when the book has no cache-read price.
    pub fn cache_read_rate(&self) -> Decimal {
        self.cache_read.unwrap_or(self.input)
    }
    /// Cache writes are charged at the input rate when the book has no cache-write price.
    pub fn cache_write_rate(&self) -> Decimal {
        self.cache_write.unwrap_or(self.input)
    }
    /// Input rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn input_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_input.unwrap_or(self.input)
        } else {
            self.input
        }
    }
    /// Output rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn output_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_output.unwrap_or(self.output)
        } else {
            self.output
        }
    }
    /// A stable identifier of this price version, e.g. `openai/o3@2025-06-10`.
    pub fn version_id(&self) -> String {
        let base = match &self.region {
            Some(r) => format!(
                "{}/{}[{}]@{}",
                self.provider, self.model, r, self.effective_from
            ),
            None => format!("{}/{}@{}", self.provider, self.model, self.effective_from),
        };
        if self.overlay {
            format!("overlay:{base}")
        } else {
            base
        }
    }
}

/// A row's cells in the price-table column order ([`col::ALL`]).
pub fn table_record(r: &PriceRow) -> Vec<String> {
    let d = |v: Option<Decimal>| v.map(|x| x.normalize().to_string()).unwrap_or_default();
    vec![
        r.provider.clone(),
        r.model.clone(),
        r.effective_from.clone(),
        d(Some(r.input)),
        d(Some(r.output)),
        d(r.cache_read),
        d(r.cache_write),
        d(r.cache_write_1h),
        d(r.reasoning),
        d(r.batch_input),
        d(r.batch_output),
        r.long_context_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        d(r.long_input),
        d(r.long_output),
        d(r.long_cache_read),
        d(r.long_cache_write),
        r.canonical_model.clone().unwrap_or_default(),
        r.region.clone().unwrap_or_default(),
        r.currency.clone(),
        r.source.clone().unwrap_or_default(),
    ]
}

/// `rate` moved by the factor `new_base / old_base` when that factor is exact; otherwise
/// `new_base` (the tier's base rate). With `new_base == old_base` it is `rate` itself.
fn scaled(rate: Decimal, new_base: Decimal, old_base: Decimal) -> Decimal {
    if new_base == old_base {
        return rate;
    }
    if old_base.is_zero() {
        return new_base;
    }
    match new_base.checked_div(old_base) {
        Some(m) if m.checked_mul(old_base) == Some(new_base) => {
            rate.checked_mul(m).map_or(new_base, |x| x.normalize())
        }
        _ => new_base,
    }
}
