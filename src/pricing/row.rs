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
    pub const SERVICE_TIER: &str = "service_tier";
    pub const EVIDENCE: &str = "evidence";
    pub const CONFIDENCE: &str = "confidence";
    pub const LITELLM_KEY: &str = "litellm_key";
    pub const LITELLM_COMMIT: &str = "litellm_commit";
    /// Overlay files only: a discount in percent off the book's rates (`10` is 10% off).
    pub const DISCOUNT_PCT: &str = "discount_pct";

    pub const REQUIRED: [&str; 5] = [PROVIDER, MODEL, EFFECTIVE_FROM, INPUT, OUTPUT];
    pub const ALL: [&str; 25] = [
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
        SERVICE_TIER,
        EVIDENCE,
        CONFIDENCE,
        LITELLM_KEY,
        LITELLM_COMMIT,
    ];
}

/// Where a price row comes from, in the order lookups prefer them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookTier {
    /// A `--pricing-overlay` file: a user's own prices (e.g. contract rates); wins while in force.
    Overlay,
    /// Checked against the provider's page or announcement, with a source URL per row
    /// (`pricing/curated/`, or any `--pricing` file outside a `generated/` folder).
    Curated,
    /// Made by `prices update` from LiteLLM's price map and its dated history
    /// (`pricing/generated/`); each version names its LiteLLM key and mirror commit.
    Generated,
}

impl BookTier {
    pub fn as_str(self) -> &'static str {
        match self {
            BookTier::Overlay => "overlay",
            BookTier::Curated => "curated",
            BookTier::Generated => "generated",
        }
    }
}

/// One price version: in force from `effective_from_us` until the next version of the same
/// provider, model, region and service tier.
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
    /// The service tier this price is for (`priority`, `flex`, `off-peak`, ...); `None` is the
    /// standard price.
    pub service_tier: Option<String>,
    /// What the price was checked against (curated rows), free text.
    pub evidence: Option<String>,
    /// How sure the row (its date above all) is: `high`, `medium`, `low`.
    pub confidence: Option<String>,
    /// The LiteLLM key a generated row comes from, and the mirror commit that first showed it.
    pub litellm_key: Option<String>,
    pub litellm_commit: Option<String>,
    /// The uplift rule that derived this row from a base row (see `pricing::rules`).
    pub rule: Option<String>,
    /// The classes a provider rule priced for this row, with the rule's name (see
    /// `pricing::classes`); the row's own columns are never in it.
    pub filled: Vec<(PriceClass, String)>,
    /// For a row an overlay made from a book row (contract rates, a discount): the index in
    /// [`crate::pricing::PriceBook::rows`] of that book row, whose rates are the list price.
    pub list: Option<usize>,
    pub tier: BookTier,
    pub file: String,
    pub line: u64,
}

/// The rates that apply to one class of usage (on-demand or batch, normal or long context).
/// USD per million tokens. A cache class is `None` when neither the row nor a provider rule
/// prices it (see `pricing::classes`): usage of it is unpriced, never billed at another rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub input: Decimal,
    pub output: Decimal,
    pub reasoning: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
}

impl PriceRow {
    /// A row with only input and output rates, in force from `effective_from` (`YYYY-MM-DD`
    /// or an RFC 3339 instant, at `effective_from_us`).
    pub fn new(
        provider: &str,
        model: &str,
        (effective_from_us, effective_from): (i64, &str),
        input: Decimal,
        output: Decimal,
        tier: BookTier,
    ) -> PriceRow {
        PriceRow {
            provider: provider.to_string(),
            model: model.to_string(),
            region: None,
            effective_from_us,
            effective_from: effective_from.to_string(),
            input,
            output,
            cache_read: None,
            cache_write: None,
            cache_write_1h: None,
            reasoning: None,
            batch_input: None,
            batch_output: None,
            long_context_threshold: None,
            long_input: None,
            long_output: None,
            long_cache_read: None,
            long_cache_write: None,
            canonical_model: None,
            currency: "USD".into(),
            source: None,
            service_tier: None,
            evidence: None,
            confidence: None,
            litellm_key: None,
            litellm_commit: None,
            rule: None,
            filled: Vec::new(),
            list: None,
            tier,
            file: String::new(),
            line: 0,
        }
    }

    /// Resolves the rates for batch and/or long-context usage, or names the class the row
    /// cannot price (`Err(Batch)`: batch usage and no batch price, from the row or a rule).
    ///
    /// Nothing falls back to another class's rate (a missing cache price is not the input
    /// rate, a missing batch price not the on-demand one; see `pricing::classes`). What does
    /// follow from the row, exactly:
    /// - reasoning without its own price is output (every provider bills it so);
    /// - under long context, the long rates; a missing long output rate is the output rate
    ///   (the provider raises only input), and a cache price without a long counterpart moves
    ///   by the long/normal input ratio (Claude: 2x) when that ratio is exact;
    /// - under batch, every rate moves by the batch/on-demand ratio of its base (input for
    ///   cache, output for reasoning), long-context rates included, when the ratio is exact
    ///   (it is 0.5 for every provider in the book); an inexact ratio is `Err(Batch)`.
    pub fn rates(&self, batch: bool, long: bool) -> Result<Rates, PriceClass> {
        let long = long && self.long_context_threshold.is_some();
        let (input, output) = if long {
            (
                self.long_input.unwrap_or(self.input),
                self.long_output.unwrap_or(self.output),
            )
        } else {
            (self.input, self.output)
        };
        let by_long = |normal: Option<Decimal>, own_long: Option<Decimal>| match (long, own_long) {
            (true, Some(r)) => Some(r),
            _ => normal.and_then(|r| scaled(r, input, self.input)),
        };
        let cache_read = by_long(self.cache_read, self.long_cache_read);
        let cache_write = by_long(self.cache_write, self.long_cache_write);
        let cache_write_1h = self
            .cache_write_1h
            .and_then(|r| scaled(r, input, self.input));
        let reasoning = match self.reasoning {
            Some(r) => scaled(r, output, self.output).ok_or(PriceClass::Batch)?,
            None => output,
        };
        let rates = Rates {
            input,
            output,
            reasoning,
            cache_read,
            cache_write,
            cache_write_1h,
        };
        if !batch {
            return Ok(rates);
        }
        let (Some(bi), Some(bo)) = (self.batch_input, self.batch_output) else {
            return Err(PriceClass::Batch);
        };
        let fi = ratio(bi, self.input).ok_or(PriceClass::Batch)?;
        let fo = ratio(bo, self.output).ok_or(PriceClass::Batch)?;
        let times = |d: Decimal, f: Decimal| d.checked_mul(f).map(|x| x.normalize());
        let opt = |d: Option<Decimal>| d.and_then(|d| times(d, fi));
        Ok(Rates {
            input: times(input, fi).ok_or(PriceClass::Batch)?,
            output: times(output, fo).ok_or(PriceClass::Batch)?,
            reasoning: times(reasoning, fo).ok_or(PriceClass::Batch)?,
            cache_read: opt(cache_read),
            cache_write: opt(cache_write),
            cache_write_1h: opt(cache_write_1h),
        })
    }

    /// The provider rules that priced a class of this row, for the classes `used` says the
    /// usage has (see `pricing::classes`), in class order.
    pub fn rules_used(&self, used: &[PriceClass]) -> Vec<&str> {
        self.filled
            .iter()
            .filter(|(c, _)| used.contains(c))
            .map(|(_, n)| n.as_str())
            .collect()
    }

    /// How sure the row is: `high`, `medium`, `low`, or `None` when it does not say (a user's
    /// own price file). A row only one source states (`evidence` says single-source) is `low`
    /// whatever its column says.
    pub fn confidence_level(&self) -> Option<&'static str> {
        let single = self
            .evidence
            .as_deref()
            .is_some_and(|e| e.contains("single-source"));
        match self.confidence.as_deref() {
            _ if single => Some("low"),
            Some("high") => Some("high"),
            Some("medium") => Some("medium"),
            Some(_) => Some("low"),
            None => None,
        }
    }

    /// True for rows from a `--pricing-overlay` file.
    pub fn is_overlay(&self) -> bool {
        self.tier == BookTier::Overlay
    }

    /// A stable identifier of this price version, e.g. `openai/o3@2025-06-10`,
    /// `openai/gpt-5.4-2026-03-05{priority}@2026-03-05`, `vertex-ai/claude-sonnet-4-5[*]@...`
    /// (`[*]`: derived by an uplift rule for any region it names).
    pub fn version_id(&self) -> String {
        let mut id = format!("{}/{}", self.provider, self.model);
        if let Some(r) = &self.region {
            id.push_str(&format!("[{r}]"));
        }
        if let Some(t) = &self.service_tier {
            id.push_str(&format!("{{{t}}}"));
        }
        id.push('@');
        id.push_str(&self.effective_from);
        if let Some(rule) = &self.rule {
            id.push_str(&format!("+{rule}"));
        }
        match self.tier {
            BookTier::Overlay => format!("overlay:{id}"),
            _ => id,
        }
    }

    /// This row with every rate multiplied by `factor` (an uplift rule), exactly.
    pub fn scaled_by(&self, factor: Decimal) -> Option<PriceRow> {
        let m = |d: Decimal| d.checked_mul(factor).map(|x| x.normalize());
        let o = |d: Option<Decimal>| match d {
            Some(x) => m(x).map(Some),
            None => Some(None),
        };
        Some(PriceRow {
            input: m(self.input)?,
            output: m(self.output)?,
            cache_read: o(self.cache_read)?,
            cache_write: o(self.cache_write)?,
            cache_write_1h: o(self.cache_write_1h)?,
            reasoning: o(self.reasoning)?,
            batch_input: o(self.batch_input)?,
            batch_output: o(self.batch_output)?,
            long_input: o(self.long_input)?,
            long_output: o(self.long_output)?,
            long_cache_read: o(self.long_cache_read)?,
            long_cache_write: o(self.long_cache_write)?,
            ..self.clone()
        })
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
        r.service_tier.clone().unwrap_or_default(),
        r.evidence.clone().unwrap_or_default(),
        r.confidence.clone().unwrap_or_default(),
        r.litellm_key.clone().unwrap_or_default(),
        r.litellm_commit.clone().unwrap_or_default(),
    ]
}

/// `rate` moved by the factor `new_base / old_base` when that factor is exact (`None`
/// otherwise). With `new_base == old_base` it is `rate` itself.
fn scaled(rate: Decimal, new_base: Decimal, old_base: Decimal) -> Option<Decimal> {
    if new_base == old_base {
        return Some(rate);
    }
    let m = ratio(new_base, old_base)?;
    rate.checked_mul(m).map(|x| x.normalize())
}

/// `a / b` when it is exact (`ratio x b == a`); `1` for `0 / 0`.
fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    if a == b {
        return Some(Decimal::ONE);
    }
    if b.is_zero() {
        return None;
    }
    let m = a.checked_div(b)?;
    (m.checked_mul(b) == Some(a)).then_some(m)
}

/// A class of usage a row may leave without a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceClass {
    CacheRead,
    /// Cache writes with the 5-minute TTL (or a provider's only TTL).
    CacheWrite,
    CacheWrite1h,
    /// Batch input and output (`batch=true` usage).
    Batch,
}

impl PriceClass {
    pub const ALL: [PriceClass; 4] = [
        PriceClass::CacheRead,
        PriceClass::CacheWrite,
        PriceClass::CacheWrite1h,
        PriceClass::Batch,
    ];

    /// The name in `class-rules.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceClass::CacheRead => "cache_read",
            PriceClass::CacheWrite => "cache_write",
            PriceClass::CacheWrite1h => "cache_write_1h",
            PriceClass::Batch => "batch",
        }
    }

    /// How reports name it: "no cache-read price".
    pub fn label(self) -> &'static str {
        match self {
            PriceClass::CacheRead => "cache-read",
            PriceClass::CacheWrite => "cache-write",
            PriceClass::CacheWrite1h => "1-hour cache-write",
            PriceClass::Batch => "batch",
        }
    }

    pub(super) fn parse(s: &str) -> Option<PriceClass> {
        PriceClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether `row` prices this class itself.
    pub fn in_row(self, row: &PriceRow) -> bool {
        match self {
            PriceClass::CacheRead => row.cache_read.is_some(),
            PriceClass::CacheWrite => row.cache_write.is_some(),
            PriceClass::CacheWrite1h => row.cache_write_1h.is_some(),
            PriceClass::Batch => row.batch_input.is_some() && row.batch_output.is_some(),
        }
    }
}

impl std::fmt::Display for PriceClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
