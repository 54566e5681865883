//! Pricing aggregated cells with exact decimals: each cell at the version in force during its
//! epoch (see [`super::buckets::Epochs`]); within one epoch cost is linear in tokens, so
//! pricing sums is exactly pricing rows.

use rust_decimal::Decimal;

use super::{Aggregates, Cell, GroupKey, Sums};
use crate::pricing::{Lookup, PriceBook, PriceClass, PriceRow, Query, Retirement};
use crate::usage::{col, deployment_type};

/// The provider whose price depends on the deployment type.
const AZURE: &str = "azure";

/// Why usage could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum UnpricedReason {
    /// The provider/model pair is not in the price book at all.
    NotInPriceBook,
    /// The model is in the book, but its first price starts later.
    BeforeFirstPrice { first_effective_from: String },
    /// The model was retired; usage after that has no price.
    Retired { retired_at: String },
    /// The model has prices, but not for the request's service tier.
    NoServiceTier { tier: String },
    /// The version in force has no price for a class of the usage (cache reads, 1-hour cache
    /// writes, batch...) and no provider rule states one: never billed at another class's rate.
    NoClassPrice { class: PriceClass },
    /// The log shows a class the book has no rates for at all (audio tokens, web searches).
    ClassNotInBook { class: String },
}

impl std::fmt::Display for UnpricedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpricedReason::NotInPriceBook => {
                write!(f, "no price for this provider/model in the price book")
            }
            UnpricedReason::BeforeFirstPrice {
                first_effective_from,
            } => {
                write!(
                    f,
                    "used before its first price (effective from {first_effective_from})"
                )
            }
            UnpricedReason::Retired { retired_at } => {
                write!(f, "the model was retired (from {retired_at})")
            }
            UnpricedReason::NoServiceTier { tier } => {
                write!(
                    f,
                    "no price for the {tier:?} service tier in the price book"
                )
            }
            UnpricedReason::NoClassPrice { class } => {
                write!(
                    f,
                    "no {class} price: the version in force has none and no provider rule states one"
                )
            }
            UnpricedReason::ClassNotInBook { class } => {
                write!(
                    f,
                    "the log shows {class}, which the price book has no rates for (not priced as text tokens)"
                )
            }
        }
    }
}

/// The price applied to a cell, or why there is none.
#[derive(Debug, Clone)]
pub enum Pricing<'a> {
    Priced {
        row: &'a PriceRow,
        cost: Decimal,
        /// The provider rules (`class-rules.csv`) that priced a class of this usage.
        rules: Box<[&'a str]>,
        /// The model was retired before the usage: priced at its last price or its redirect
        /// target's (see [`PriceBook::after_retirement`]), and reports warn about it.
        retired: Option<&'a Retirement>,
    },
    Unpriced(UnpricedReason),
}

/// A cost that cannot be computed exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cost of {provider}/{model} overflows exact decimal arithmetic")]
pub struct PriceError {
    pub provider: String,
    pub model: String,
}

/// A cell with its price.
#[derive(Debug, Clone)]
pub struct PricedCell<'a> {
    pub cell: &'a Cell,
    pub key: &'a GroupKey,
    pub pricing: Pricing<'a>,
    /// Priced at the long-context rates of its version.
    pub long: bool,
    /// Pre-aggregated usage whose summed prompt passes its version's threshold (priced at the
    /// normal rates; see `GroupKey::long_unchecked`).
    pub long_unchecked: bool,
    /// The Azure deployment type of the usage (`global`, `data-zone`, `regional`), when the
    /// logs name one.
    pub deployment: Option<&'static str>,
}

impl PricedCell<'_> {
    /// Azure usage without a recognised `deployment_type`: priced as Global Standard (the list
    /// price), which reports say once.
    pub fn assumed_global(&self) -> bool {
        *self.key.provider == *AZURE && self.deployment.is_none()
    }
}

/// The rank among the book's thresholds of a version's long-context threshold.
pub fn rank_of(book: &PriceBook, row: &PriceRow) -> Option<usize> {
    row.long_context_threshold.map(|t| book.threshold_rank(t))
}

/// Why `sums` cannot be priced at a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostError {
    /// A class of the usage has no price (see [`PriceRow::rates`]).
    NoPrice(PriceClass),
    /// The cost does not fit exact decimal arithmetic.
    Overflow,
}

/// The classes of `sums` that need a price of their own (tokens in them, or batch usage).
pub fn classes_used(sums: &Sums, batch: bool) -> Vec<PriceClass> {
    let mut v = Vec::with_capacity(4);
    if sums.cache_read_tokens > 0 {
        v.push(PriceClass::CacheRead);
    }
    if sums.cache_write_tokens > sums.cache_write_1h_tokens {
        v.push(PriceClass::CacheWrite);
    }
    if sums.cache_write_1h_tokens > 0 {
        v.push(PriceClass::CacheWrite1h);
    }
    if batch {
        v.push(PriceClass::Batch);
    }
    v
}

/// Cost of `sums` at `row`'s rates (see [`PriceRow::rates`]): input excluding cache at the
/// input rate, cache reads and 5-minute / 1-hour cache writes at their own rates, output
/// excluding reasoning at the output rate, reasoning at the reasoning rate. A class with
/// tokens and no price is [`CostError::NoPrice`], whatever the other classes cost.
pub fn cost_of(sums: &Sums, row: &PriceRow, batch: bool, long: bool) -> Result<Decimal, CostError> {
    let t = |n: u64| Decimal::from(n);
    let r = row.rates(batch, long).map_err(CostError::NoPrice)?;
    let need = |n: u64, rate: Option<Decimal>, class: PriceClass| match (n, rate) {
        (0, _) => Ok(Decimal::ZERO),
        (_, Some(x)) => Ok(x),
        (_, None) => Err(CostError::NoPrice(class)),
    };
    let write_5m = sums.cache_write_tokens - sums.cache_write_1h_tokens;
    let parts = [
        (sums.uncached_input(), r.input),
        (
            sums.cache_read_tokens,
            need(sums.cache_read_tokens, r.cache_read, PriceClass::CacheRead)?,
        ),
        (
            write_5m,
            need(write_5m, r.cache_write, PriceClass::CacheWrite)?,
        ),
        (
            sums.cache_write_1h_tokens,
            need(
                sums.cache_write_1h_tokens,
                r.cache_write_1h,
                PriceClass::CacheWrite1h,
            )?,
        ),
        (sums.output_tokens - sums.reasoning_tokens, r.output),
        (sums.reasoning_tokens, r.reasoning),
    ];
    let mut total = Decimal::ZERO;
    for (n, rate) in parts {
        total = t(n)
            .checked_mul(rate)
            .and_then(|x| total.checked_add(x))
            .ok_or(CostError::Overflow)?;
    }
    total
        .checked_mul(Decimal::new(1, 6))
        .map(|x| x.normalize())
        .ok_or(CostError::Overflow)
}

/// Tokens and exact cost of one token class (cost in dollars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClassCost {
    pub tokens: u64,
    pub cost: Decimal,
}

/// The cost of `sums` at `row` split by the token classes bills name (input without cache,
/// cache read, 5-minute and 1-hour cache writes, output with reasoning): the parts of
/// [`cost_of`], adding up to it exactly.
pub fn class_costs(
    sums: &Sums,
    row: &PriceRow,
    batch: bool,
    long: bool,
) -> Result<[ClassCost; 5], CostError> {
    let r = row.rates(batch, long).map_err(CostError::NoPrice)?;
    let per_m = Decimal::new(1, 6);
    let part = |n: u64, rate: Option<Decimal>, class: PriceClass| -> Result<ClassCost, CostError> {
        let cost = match (n, rate) {
            (0, _) => Decimal::ZERO,
            (_, Some(x)) => Decimal::from(n)
                .checked_mul(x)
                .and_then(|c| c.checked_mul(per_m))
                .ok_or(CostError::Overflow)?
                .normalize(),
            (_, None) => return Err(CostError::NoPrice(class)),
        };
        Ok(ClassCost { tokens: n, cost })
    };
    let write_5m = sums.cache_write_tokens - sums.cache_write_1h_tokens;
    let plain_out = sums.output_tokens - sums.reasoning_tokens;
    let out = part(plain_out, Some(r.output), PriceClass::Batch)?;
    let reasoning = part(sums.reasoning_tokens, Some(r.reasoning), PriceClass::Batch)?;
    Ok([
        part(sums.uncached_input(), Some(r.input), PriceClass::Batch)?,
        part(sums.cache_read_tokens, r.cache_read, PriceClass::CacheRead)?,
        part(write_5m, r.cache_write, PriceClass::CacheWrite)?,
        part(
            sums.cache_write_1h_tokens,
            r.cache_write_1h,
            PriceClass::CacheWrite1h,
        )?,
        ClassCost {
            tokens: sums.output_tokens,
            cost: out.cost + reasoning.cost,
        },
    ])
}

/// Prices every cell with the version in force during its epoch.
pub fn price<'a>(
    agg: &'a Aggregates,
    book: &'a PriceBook,
) -> Result<Vec<PricedCell<'a>>, PriceError> {
    let deployment_dim = agg.dims.iter().position(|d| d == col::DEPLOYMENT_TYPE);
    agg.cells
        .iter()
        .map(|cell| price_cell(agg, book, cell, deployment_dim))
        .collect()
}

/// Calls `f` with every cell priced, one at a time, in the aggregates' order: a report of a
/// million cells then never holds a priced vector beside its rows (pricing is a few percent
/// of its time, so pricing twice is cheaper than 88 MB).
pub fn price_each<'a>(
    agg: &'a Aggregates,
    book: &'a PriceBook,
    f: &mut dyn FnMut(&PricedCell<'a>),
) -> Result<(), PriceError> {
    let deployment_dim = agg.dims.iter().position(|d| d == col::DEPLOYMENT_TYPE);
    for cell in &agg.cells {
        f(&price_cell(agg, book, cell, deployment_dim)?);
    }
    Ok(())
}

/// Prices one cell with the version in force during its epoch.
fn price_cell<'a>(
    agg: &'a Aggregates,
    book: &'a PriceBook,
    cell: &'a Cell,
    deployment_dim: Option<usize>,
) -> Result<PricedCell<'a>, PriceError> {
    {
        let key = &agg.groups[cell.group as usize];
        let deployment = deployment_dim
            .and_then(|i| key.dims.get(i))
            .and_then(|d| d.as_deref())
            .and_then(deployment_type);
        let query = Query {
            provider: &key.provider,
            model: &key.model,
            region: key.region.as_deref(),
            tier: key.service_tier.as_deref(),
            deployment,
            at_us: agg.epochs.start(cell.epoch),
        };
        let (mut long, mut long_unchecked) = (false, false);
        let (found, retired) = match book.lookup(query) {
            Lookup::Retired(r) => match book.after_retirement(query, r) {
                Lookup::Priced(row) => (Lookup::Priced(row), Some(r)),
                _ => (Lookup::Retired(r), None),
            },
            other => (other, None),
        };
        let pricing = match found {
            _ if key.unpriced_class.is_some() => {
                Pricing::Unpriced(UnpricedReason::ClassNotInBook {
                    class: key
                        .unpriced_class
                        .as_deref()
                        .map(str::to_string)
                        .unwrap_or_default(),
                })
            }
            Lookup::Priced(row) => {
                let rank = rank_of(book, row);
                long = key.long_under(rank);
                long_unchecked = key.long_unchecked(rank);
                match cost_of(&cell.sums, row, key.batch, long) {
                    Ok(cost) => Pricing::Priced {
                        row,
                        cost,
                        rules: row
                            .rules_used(&classes_used(&cell.sums, key.batch))
                            .into_boxed_slice(),
                        retired,
                    },
                    Err(CostError::NoPrice(class)) => {
                        Pricing::Unpriced(UnpricedReason::NoClassPrice { class })
                    }
                    Err(CostError::Overflow) => {
                        return Err(PriceError {
                            provider: key.provider.to_string(),
                            model: key.model.to_string(),
                        })
                    }
                }
            }
            Lookup::BeforeFirst(row) => Pricing::Unpriced(UnpricedReason::BeforeFirstPrice {
                first_effective_from: row.effective_from.clone(),
            }),
            Lookup::Retired(r) => Pricing::Unpriced(UnpricedReason::Retired {
                retired_at: r.at.clone(),
            }),
            Lookup::NoServiceTier => Pricing::Unpriced(UnpricedReason::NoServiceTier {
                tier: key
                    .service_tier
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_default(),
            }),
            Lookup::Unknown => Pricing::Unpriced(UnpricedReason::NotInPriceBook),
        };
        Ok(PricedCell {
            cell,
            key,
            pricing,
            long,
            long_unchecked,
            deployment,
        })
    }
}
