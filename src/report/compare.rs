//! Provider comparison: re-price real usage on other providers.
//!
//! Every priced cell of the engine (usage of one group on one local day within one price epoch)
//! is re-priced on each target provider at that provider's price for the same canonical model,
//! in force at the same instant (or at a fixed `--at` instant), with the target's own rules for
//! cache, batch and long-context usage. Re-pricing on the provider that actually served the
//! usage uses exactly the version that priced it, so that column equals `report`'s cost.
//! Pure: no I/O, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::price::rank_of;
use crate::engine::{classes_used, GroupKey, Sums};
use crate::engine::{cost_of, CostError, Epochs, PriceError, PricedCell, Pricing};
use crate::pricing::{BookTier, Lookup, PriceBook, PriceRow, Query};
use crate::providers::plausible_model_id;
use crate::report::{dim_value, DAY, MONTH};

pub use crate::report::CANONICAL_MODEL;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Target providers, in output order.
    pub targets: Vec<String>,
    /// Keep only the targets that offer some of the usage (and the providers that served it):
    /// the default when no provider is named.
    pub only_offering: bool,
    /// Price every target at this instant instead of each usage's own time.
    pub at_us: Option<i64>,
    /// Canonical model substitutions (from, to): what-if with another model.
    pub substitutes: Vec<(String, String)>,
    /// Grouping dimensions (the actual provider is always part of a group).
    pub by: Vec<String>,
    /// The engine's extra dimensions, in the engine's order.
    pub engine_dims: Vec<String>,
}

/// Usage of a group on one target provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TargetCost {
    /// Requests the target offers the model for, and their actual cost and cost there.
    pub offered_requests: u64,
    pub offered_actual_cost: Decimal,
    pub target_cost: Decimal,
    /// Usage the target does not offer (never counted as $0).
    pub not_offered_requests: u64,
    pub not_offered_tokens: u64,
    pub not_offered_actual_cost: Decimal,
    /// Why, in requests: the provider does not sell the model at all, the book has no price
    /// of it there at that date (not yet, or only for other regions or tiers), or it was
    /// retired by then.
    pub not_sold_requests: u64,
    pub no_price_then_requests: u64,
    pub retired_requests: u64,
    /// The target's version has no price for a class of the usage (cache reads, 1-hour cache
    /// writes, batch) and no provider rule states one.
    pub no_class_price_requests: u64,
    /// The target versions that priced the offered usage (`provider/model@effective_from`),
    /// the tiers of the book they come from, the provider rules they used and the lowest
    /// confidence among them (`high`, `medium`, `low`).
    pub versions: BTreeSet<String>,
    pub book_tiers: BTreeSet<BookTier>,
    pub rules: BTreeSet<String>,
    pub confidence: Option<&'static str>,
}

/// The lower of two confidences (`low` < `medium` < `high`).
fn lowest(a: Option<&'static str>, b: Option<&'static str>) -> Option<&'static str> {
    let rank = |c: Option<&str>| match c {
        Some("low") => 0,
        Some("medium") => 1,
        Some("high") => 2,
        _ => 3,
    };
    if rank(a) <= rank(b) {
        a
    } else {
        b
    }
}

impl TargetCost {
    fn add(&mut self, o: &TargetCost) {
        self.offered_requests += o.offered_requests;
        self.offered_actual_cost += o.offered_actual_cost;
        self.target_cost += o.target_cost;
        self.not_offered_requests += o.not_offered_requests;
        self.not_offered_tokens += o.not_offered_tokens;
        self.not_offered_actual_cost += o.not_offered_actual_cost;
        self.not_sold_requests += o.not_sold_requests;
        self.no_price_then_requests += o.no_price_then_requests;
        self.retired_requests += o.retired_requests;
        self.no_class_price_requests += o.no_class_price_requests;
        self.versions.extend(o.versions.iter().cloned());
        self.book_tiers.extend(o.book_tiers.iter().copied());
        self.rules.extend(o.rules.iter().cloned());
        self.confidence = lowest(self.confidence, o.confidence);
    }

    /// The target rests on a low-confidence or single-source price somewhere.
    pub fn low_confidence(&self) -> bool {
        self.confidence == Some("low")
    }

    /// The single reason the usage is not offered, when nothing of it is and there is one.
    pub fn only_reason(&self) -> Option<&'static str> {
        let reasons = [
            (self.not_sold_requests, "not sold"),
            (self.no_price_then_requests, "no price then"),
            (self.retired_requests, "retired"),
            (self.no_class_price_requests, "no price for a token class"),
        ];
        let mut nonzero = reasons.iter().filter(|(n, _)| *n > 0);
        match (nonzero.next(), nonzero.next()) {
            (Some((_, r)), None) => Some(r),
            _ => None,
        }
    }

    /// The share of the actual cost of the usage the target offers, 0-100 (display).
    pub fn offered_share(&self) -> Decimal {
        let whole = self.offered_actual_cost + self.not_offered_actual_cost;
        if whole.is_zero() {
            return Decimal::ZERO;
        }
        self.offered_actual_cost / whole * Decimal::from(100)
    }
    /// Whether the target offers all of the group's usage.
    pub fn fully_offered(&self) -> bool {
        self.not_offered_requests == 0
            && self.not_offered_tokens == 0
            && self.not_offered_actual_cost.is_zero()
    }
    pub fn any_offered(&self) -> bool {
        self.offered_requests > 0
            || !self.target_cost.is_zero()
            || !self.offered_actual_cost.is_zero()
    }
    /// Saving of moving the offered usage to the target (positive: the target is cheaper).
    pub fn saving(&self) -> Decimal {
        self.offered_actual_cost - self.target_cost
    }
}

/// One group: its dimensions, the provider that served it, its actual cost and its cost on
/// every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareGroup {
    pub dims: Vec<Option<String>>,
    pub actual_provider: String,
    pub requests: u64,
    pub tokens: u64,
    pub actual_cost: Decimal,
    pub targets: BTreeMap<String, TargetCost>,
}

impl CompareGroup {
    /// The fully-offering target with the lowest cost (ties: the actual provider, then the
    /// first in name order: moving only pays when it is strictly cheaper).
    pub fn cheapest(&self) -> Option<(&str, Decimal)> {
        self.targets
            .iter()
            .filter(|(_, t)| t.fully_offered() && t.any_offered())
            .min_by(|a, b| {
                a.1.target_cost
                    .cmp(&b.1.target_cost)
                    .then((*a.0 != self.actual_provider).cmp(&(*b.0 != self.actual_provider)))
                    .then(a.0.cmp(b.0))
            })
            .map(|(p, t)| (p.as_str(), t.target_cost))
    }
}

/// Usage that could not be compared at all (no price on its own provider).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotComparable {
    pub requests: u64,
    pub tokens: u64,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub by: Vec<String>,
    pub targets: Vec<String>,
    pub groups: Vec<CompareGroup>,
    pub totals: BTreeMap<String, TargetCost>,
    pub actual_cost: Decimal,
    pub requests: u64,
    pub not_comparable: NotComparable,
    /// True when `--substitute` changed a model: the numbers are estimates.
    pub estimate: bool,
    pub substitutes: Vec<(String, String)>,
}

/// Finds a target provider's price for a canonical model.
struct TargetIndex<'a> {
    book: &'a PriceBook,
    /// (provider, canonical) -> the model ids that can offer it: the ids with curated rows
    /// where the provider has any (a curated row is checked against the provider's page; a
    /// generated row of the same model is a price map's copy), else the generated ids that are
    /// real model ids of the provider.
    models: HashMap<(String, String), Vec<String>>,
}

impl<'a> TargetIndex<'a> {
    fn new(book: &'a PriceBook) -> Self {
        let mut curated: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        let mut generated: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        for r in book.rows() {
            if let (Some(c), None, false, None) = (
                &r.canonical_model,
                &r.region,
                r.is_overlay(),
                &r.service_tier,
            ) {
                let key = (r.provider.clone(), c.clone());
                match r.tier {
                    BookTier::Curated => {
                        curated.entry(key).or_default().insert(r.model.clone());
                    }
                    _ if plausible_model_id(&r.provider, &r.model)
                        && !book.is_alias(&r.provider, &r.model) =>
                    {
                        generated.entry(key).or_default().insert(r.model.clone());
                    }
                    _ => {}
                }
            }
        }
        let mut models: HashMap<(String, String), Vec<String>> = HashMap::new();
        for (k, ids) in generated {
            models.insert(k, ids.into_iter().collect());
        }
        for (k, ids) in curated {
            models.insert(k, ids.into_iter().collect());
        }
        TargetIndex { book, models }
    }

    /// The cheapest price of `canonical` on `provider` for this usage, at the version in force
    /// at `at` of each of its ids that prices every class of the usage; or why there is none.
    /// Overlay rows apply through the book's lookup.
    fn offer(
        &self,
        provider: &str,
        canonical: &str,
        at: i64,
        sums: &Sums,
        key: &GroupKey,
    ) -> Offer<'a> {
        let Some(ids) = self
            .models
            .get(&(provider.to_string(), canonical.to_string()))
        else {
            return Offer::NotSold;
        };
        let (mut retired, mut no_class) = (false, false);
        let mut best: Option<(&'a PriceRow, Decimal)> = None;
        for m in ids {
            let r = match self.book.lookup(Query::new(provider, m, at)) {
                Lookup::Priced(r) => r,
                Lookup::Retired(_) => {
                    retired = true;
                    continue;
                }
                _ => continue,
            };
            match cost_of(sums, r, key.batch, key.long_under(rank_of(self.book, r))) {
                Ok(cost) => {
                    if best.is_none_or(|(b, c)| cost < c || (cost == c && r.model < b.model)) {
                        best = Some((r, cost));
                    }
                }
                Err(CostError::NoPrice(_)) => no_class = true,
                Err(CostError::Overflow) => return Offer::Overflow(r),
            }
        }
        match best {
            Some((r, cost)) => Offer::Priced(r, cost),
            None if no_class => Offer::NoClassPrice,
            None if retired => Offer::Retired,
            None => Offer::NoPriceThen,
        }
    }
}

/// A target's price for some usage, or why it has none.
enum Offer<'a> {
    Row(&'a PriceRow),
    /// The cost does not fit exact arithmetic at this row.
    Overflow(&'a PriceRow),
    /// A row, and the usage's cost at it.
    Priced(&'a PriceRow, Decimal),
    /// The row has no price for a class of the usage (cache reads, batch, ...).
    NoClassPrice,
    NotSold,
    NoPriceThen,
    Retired,
}

/// Compares priced cells on every target provider.
pub fn compare(
    priced: &[PricedCell<'_>],
    book: &PriceBook,
    epochs: &Epochs,
    s: &CompareSettings,
) -> Result<Comparison, PriceError> {
    let index = TargetIndex::new(book);
    let mut groups: BTreeMap<(Vec<Option<String>>, String), CompareGroup> = BTreeMap::new();
    let mut not_comparable = NotComparable::default();
    let mut estimate = false;
    for pc in priced {
        let (cell, key) = (pc.cell, pc.key);
        let (actual_row, actual_cost) = match &pc.pricing {
            Pricing::Priced { row, cost, .. } => (*row, *cost),
            Pricing::Unpriced(_) => {
                not_comparable.requests += cell.sums.requests;
                not_comparable.tokens += cell.sums.total_tokens();
                continue;
            }
        };
        let dims: Vec<Option<String>> =
            s.by.iter()
                .map(|d| {
                    dim_value(
                        d,
                        cell,
                        key,
                        actual_row.canonical_model.as_deref(),
                        &s.engine_dims,
                    )
                })
                .collect();
        let g = groups
            .entry((dims.clone(), key.provider.to_string()))
            .or_insert_with(|| CompareGroup {
                dims,
                actual_provider: key.provider.to_string(),
                requests: 0,
                tokens: 0,
                actual_cost: Decimal::ZERO,
                targets: s
                    .targets
                    .iter()
                    .map(|t| (t.clone(), TargetCost::default()))
                    .collect(),
            });
        g.requests += cell.sums.requests;
        g.tokens += cell.sums.total_tokens();
        g.actual_cost += actual_cost;
        let canonical = actual_row.canonical_model.as_deref();
        let substituted = canonical.and_then(|c| {
            s.substitutes
                .iter()
                .find(|(from, _)| from == c)
                .map(|(_, to)| to.as_str())
        });
        if substituted.is_some() {
            estimate = true;
        }
        let target_canonical = substituted.or(canonical);
        let at = s.at_us.unwrap_or(epochs.start(cell.epoch));
        for (target, tc) in g.targets.iter_mut() {
            let offer = |c: Option<&str>| match c {
                Some(c) => index.offer(target, c, at, &cell.sums, key),
                None => Offer::NotSold,
            };
            let row = if **target == *key.provider && substituted.is_none() {
                if s.at_us.is_none() {
                    // The identity: the version that priced the usage in `report`.
                    Offer::Row(actual_row)
                } else {
                    let q = Query {
                        provider: &key.provider,
                        model: &key.model,
                        region: key.region.as_deref(),
                        tier: key.service_tier.as_deref(),
                        deployment: pc.deployment,
                        at_us: at,
                    };
                    match book.lookup(q) {
                        Lookup::Priced(r) => Offer::Row(r),
                        Lookup::Retired(_) => Offer::Retired,
                        _ => offer(target_canonical),
                    }
                }
            } else {
                offer(target_canonical)
            };
            // Long context is decided per version: the requests' prompt bucket against the
            // target's own threshold (128k, 200k, 272k, ...). A target version without a price
            // for a class of the usage (and no provider rule for it) does not offer it.
            let row = match row {
                Offer::Row(r) => {
                    match cost_of(&cell.sums, r, key.batch, key.long_under(rank_of(book, r))) {
                        Ok(cost) => Offer::Priced(r, cost),
                        Err(CostError::NoPrice(_)) => Offer::NoClassPrice,
                        Err(CostError::Overflow) => Offer::Overflow(r),
                    }
                }
                other => other,
            };
            match row {
                Offer::Priced(r, cost) => {
                    tc.offered_requests += cell.sums.requests;
                    tc.offered_actual_cost += actual_cost;
                    tc.target_cost += cost;
                    tc.versions.insert(r.version_id());
                    tc.book_tiers.insert(r.tier);
                    tc.rules.extend(
                        r.rules_used(&classes_used(&cell.sums, key.batch))
                            .into_iter()
                            .map(str::to_string),
                    );
                    tc.confidence = lowest(tc.confidence, r.confidence_level());
                }
                Offer::Overflow(r) => {
                    return Err(PriceError {
                        provider: target.clone(),
                        model: r.model.clone(),
                    })
                }
                why => {
                    tc.not_offered_requests += cell.sums.requests;
                    tc.not_offered_tokens += cell.sums.total_tokens();
                    tc.not_offered_actual_cost += actual_cost;
                    *match why {
                        Offer::Retired => &mut tc.retired_requests,
                        Offer::NoPriceThen => &mut tc.no_price_then_requests,
                        Offer::NoClassPrice => &mut tc.no_class_price_requests,
                        _ => &mut tc.not_sold_requests,
                    } += cell.sums.requests;
                }
            }
        }
    }
    let mut totals: BTreeMap<String, TargetCost> = s
        .targets
        .iter()
        .map(|t| (t.clone(), TargetCost::default()))
        .collect();
    let mut actual_cost = Decimal::ZERO;
    let mut requests = 0;
    let mut out: Vec<CompareGroup> = groups.into_values().collect();
    for g in &mut out {
        g.actual_cost = g.actual_cost.normalize();
        actual_cost += g.actual_cost;
        requests += g.requests;
        for (t, c) in g.targets.iter_mut() {
            c.target_cost = c.target_cost.normalize();
            c.offered_actual_cost = c.offered_actual_cost.normalize();
            c.not_offered_actual_cost = c.not_offered_actual_cost.normalize();
            totals.get_mut(t).expect("every target has a total").add(c);
        }
    }
    for c in totals.values_mut() {
        c.target_cost = c.target_cost.normalize();
        c.offered_actual_cost = c.offered_actual_cost.normalize();
        c.not_offered_actual_cost = c.not_offered_actual_cost.normalize();
    }
    // By default, only the providers that offer some of the usage (or served it) are shown.
    let mut targets = s.targets.clone();
    if s.only_offering {
        let served: std::collections::BTreeSet<&str> =
            out.iter().map(|g| g.actual_provider.as_str()).collect();
        targets.retain(|t| totals[t].offered_requests > 0 || served.contains(t.as_str()));
        totals.retain(|t, _| targets.contains(t));
        for g in &mut out {
            g.targets.retain(|t, _| targets.contains(t));
        }
    }
    // Time ascending, then the most expensive first.
    let time: Vec<usize> =
        s.by.iter()
            .enumerate()
            .filter(|(_, d)| *d == MONTH || *d == DAY)
            .map(|(i, _)| i)
            .collect();
    out.sort_by(|a, b| {
        let ta: Vec<_> = time.iter().map(|&i| &a.dims[i]).collect();
        let tb: Vec<_> = time.iter().map(|&i| &b.dims[i]).collect();
        ta.cmp(&tb)
            .then(b.actual_cost.cmp(&a.actual_cost))
            .then(a.dims.cmp(&b.dims))
            .then(a.actual_provider.cmp(&b.actual_provider))
    });
    Ok(Comparison {
        by: s.by.clone(),
        targets,
        groups: out,
        totals,
        actual_cost: actual_cost.normalize(),
        requests,
        not_comparable,
        estimate,
        substitutes: s.substitutes.clone(),
    })
}

/// Percentage of `part` in `whole`, two decimals (display only).
pub fn pct(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        return String::new();
    }
    (part / whole * Decimal::from(100))
        .round_dp(2)
        .normalize()
        .to_string()
}

#[cfg(test)]
mod tests;
