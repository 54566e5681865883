//! One cause for each difference, from a fixed vocabulary, tested in order: what only one side
//! has, then (same tokens) rounding, a geo premium (exactly 1.1x or 1/1.1x the book's price),
//! a tier (0.5x or 2x), another price; then the passes that look across rows (cache TTL:
//! the same write tokens split 5-minute/1-hour differently; tier: the same tokens billed
//! under another tier).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{day_text, ImpliedPrice, Row, Side};
use crate::readers::bill::TokenClass;

/// Why a billed and a computed amount differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// Billed tokens the logs lack (the model is in the logs).
    MissingFromLogs,
    /// Logged tokens the bill lacks.
    NotBilled,
    /// Same tokens, another unit price.
    PriceDiffers,
    /// Same cache-write tokens, another 5-minute / 1-hour split.
    CacheTtl,
    /// The bill's price is the book's times 1.1 (or divided by it): regional vs global.
    GeoPremium,
    /// Batch, priority or flex: another tier's price or the same tokens under another tier.
    Tier,
    /// Credits, refunds and discounts.
    Credit,
    /// Below a cent on a line, and invoice rounding lines.
    Rounding,
    /// A model the logs never mention.
    NotInLogs,
    /// Charges that are not tokens: throughput, storage, search, tax...
    NonToken,
    Unexplained,
}

impl Cause {
    /// The name in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::MissingFromLogs => "missing_from_logs",
            Cause::NotBilled => "not_billed",
            Cause::PriceDiffers => "price_differs",
            Cause::CacheTtl => "cache_ttl",
            Cause::GeoPremium => "geo_premium",
            Cause::Tier => "tier",
            Cause::Credit => "credit",
            Cause::Rounding => "rounding",
            Cause::NotInLogs => "not_in_logs",
            Cause::NonToken => "non_token",
            Cause::Unexplained => "unexplained",
        }
    }

    /// What the cause means, for the summary.
    pub fn meaning(self) -> &'static str {
        match self {
            Cause::MissingFromLogs => "billed tokens the logs lack",
            Cause::NotBilled => "logged tokens the bill lacks",
            Cause::PriceDiffers => "same tokens at another unit price",
            Cause::CacheTtl => "cache writes billed at another TTL (5 minutes / 1 hour)",
            Cause::GeoPremium => "regional vs global price (x1.1)",
            Cause::Tier => "batch / priority / flex tier",
            Cause::Credit => "credits, refunds and discounts",
            Cause::Rounding => "rounding (under a cent a line)",
            Cause::NotInLogs => "models the logs never mention",
            Cause::NonToken => "charges that are not tokens (throughput, storage, search, tax)",
            Cause::Unexplained => "unexplained",
        }
    }
}

const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// `a / b` when `b` is not zero.
fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    (!b.is_zero()).then(|| a.checked_div(b)).flatten()
}

/// True when `x` is within 0.2% of `target`.
fn near(x: Decimal, target: Decimal) -> bool {
    x.checked_sub(target)
        .zip(target.checked_mul(Decimal::new(2, 3)))
        .is_some_and(|(d, t)| d.abs() <= t)
}

/// `a * b`, or zero where it does not fit (never a panic on a hostile bill).
fn times(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b).unwrap_or_default()
}

/// Per million tokens.
fn per_m(cost: Decimal, tokens: u64) -> Option<Decimal> {
    ratio(
        cost.checked_mul(Decimal::from(1_000_000))?,
        Decimal::from(tokens),
    )
    .map(|p| p.round_dp(6).normalize())
}

/// Builds a row from its two sides and gives it a cause.
pub(super) fn row(
    day: i32,
    provider: String,
    canonical: String,
    class: TokenClass,
    tier: String,
    s: Side,
    logged_models: &BTreeSet<(String, String)>,
) -> Row {
    let billed_tokens = (!s.tokens_unknown).then_some(s.billed_sum);
    let computed = s.computed.unwrap_or_default();
    let difference = s.billed_cost - computed;
    let implied = billed_tokens.and_then(|t| per_m(s.billed_cost, t));
    let book = s.computed.and_then(|c| per_m(c, s.logged));
    let mut r = Row {
        day: day_text(day),
        provider: provider.clone(),
        model: s.model,
        canonical_model: canonical.clone(),
        token_class: class,
        tier,
        geo: s.geo,
        dims: Vec::new(),
        logged_tokens: s.logged,
        billed_tokens,
        computed_cost: s.computed.or((!s.has_logs).then_some(Decimal::ZERO)),
        billed_cost: s.billed_cost,
        difference,
        cause: None,
        detail: None,
        implied_price: implied,
        book_price: book,
        book_versions: s.versions,
        unpriced: s.unpriced.clone(),
        sources: s.sources,
        book_model: s.book_model,
    };
    let (cause, detail) = decide(
        &r,
        &s.notes,
        s.has_bill,
        logged_models.contains(&(provider, canonical)),
    );
    r.cause = cause;
    r.detail = detail;
    r
}

fn decide(
    r: &Row,
    notes: &[String],
    has_bill: bool,
    model_logged: bool,
) -> (Option<Cause>, Option<String>) {
    let d = r.difference;
    if let Some(n) = notes.iter().find(|n| n.starts_with("billed in")) {
        return (
            Some(Cause::Unexplained),
            Some(format!("{n}; the book is in USD")),
        );
    }
    if r.canonical_model.starts_with("unmapped: ") {
        return (
            Some(Cause::Unexplained),
            Some(format!(
                "no book model for the billed name {:?} (add it to bill-names.csv)",
                r.model
            )),
        );
    }
    if let Some(why) = &r.unpriced {
        return (
            Some(Cause::Unexplained),
            Some(format!("the logged usage is not priced: {why}")),
        );
    }
    if !has_bill {
        return (
            Some(Cause::NotBilled),
            Some("no bill line for this usage".into()),
        );
    }
    if r.logged_tokens == 0 {
        return if model_logged {
            (Some(Cause::MissingFromLogs), None)
        } else {
            (
                Some(Cause::NotInLogs),
                Some("the logs never mention this model".into()),
            )
        };
    }
    let Some(bt) = r.billed_tokens else {
        if d.abs() < CENT {
            return (Some(Cause::Rounding).filter(|_| !d.is_zero()), None);
        }
        return (
            Some(Cause::Unexplained),
            Some(
                "the bill gives no token count here, so tokens and price cannot be told apart"
                    .into(),
            ),
        );
    };
    let (Some(implied), Some(book)) = (r.implied_price, r.book_price) else {
        return (Some(Cause::Unexplained), None);
    };
    let x = ratio(implied, book).unwrap_or_default();
    if bt == r.logged_tokens {
        if d.is_zero() {
            return (None, None);
        }
        if d.abs() < CENT {
            return (Some(Cause::Rounding), None);
        }
        let price = format!("billed ${implied}/M, the book ${book}/M");
        let eleven = Decimal::new(11, 1);
        if near(x, eleven) || near(times(x, eleven), Decimal::ONE) {
            return (
                Some(Cause::GeoPremium),
                Some(format!("{price} (x{})", x.round_dp(4))),
            );
        }
        if near(x, Decimal::new(5, 1)) || near(x, Decimal::TWO) {
            return (
                Some(Cause::Tier),
                Some(format!("{price} (x{})", x.round_dp(4))),
            );
        }
        return (Some(Cause::PriceDiffers), Some(price));
    }
    for (scale, name) in [(1_000, "thousand"), (1_000_000, "million")] {
        let s = Decimal::from(scale);
        if near(x, s) || near(times(x, s), Decimal::ONE) {
            return (
                Some(Cause::Unexplained),
                Some(format!(
                    "unit scale: the billed price per token is a {name} times off the book's; the bill's quantity unit is read wrong (check its unit of measure)"
                )),
            );
        }
    }
    let at_book = times(book, Decimal::from(bt)) / Decimal::from(1_000_000);
    let gap = at_book.checked_sub(r.billed_cost).unwrap_or(Decimal::MAX);
    if gap.abs() < CENT || near(x, Decimal::ONE) {
        let cause = if bt > r.logged_tokens {
            Cause::MissingFromLogs
        } else {
            Cause::NotBilled
        };
        let detail = format!(
            "{} tokens billed, {} logged",
            crate::money::count(bt),
            crate::money::count(r.logged_tokens)
        );
        return (Some(cause), Some(detail));
    }
    let detail = format!(
        "tokens and price both differ: {} billed at ${implied}/M, {} logged at ${book}/M",
        crate::money::count(bt),
        crate::money::count(r.logged_tokens)
    );
    (Some(Cause::Unexplained), Some(detail))
}

/// Cache writes: where a (day, provider, model, tier) has the same write tokens on both sides
/// but the bill splits them into 5-minute and 1-hour writes otherwise, the differences of its
/// write rows are the TTL's.
pub(super) fn cache_ttl_pass(rows: &mut [Row]) {
    type Group = (String, String, String, String, Vec<String>);
    let mut groups: BTreeMap<Group, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.token_class.is_cache_write() {
            groups
                .entry((
                    r.day.clone(),
                    r.provider.clone(),
                    r.canonical_model.clone(),
                    r.tier.clone(),
                    r.dims.clone(),
                ))
                .or_default()
                .push(i);
        }
    }
    for idx in groups.values().filter(|v| v.len() > 1) {
        let billed: Option<u64> = idx.iter().map(|&i| rows[i].billed_tokens).sum();
        let logged: u64 = idx.iter().map(|&i| rows[i].logged_tokens).sum();
        let split_differs = idx
            .iter()
            .any(|&i| rows[i].billed_tokens != Some(rows[i].logged_tokens));
        let priced = idx.iter().all(|&i| rows[i].unpriced.is_none());
        if billed == Some(logged) && split_differs && priced {
            for &i in idx {
                let r = &mut rows[i];
                r.cause = Some(Cause::CacheTtl);
                r.detail = Some(format!(
                    "{} write tokens on both sides, split otherwise between 5-minute and 1-hour writes",
                    crate::money::count(logged)
                ));
            }
        }
    }
}

/// Inclusive input: where the logs' input of a (day, provider, model, tier, geo) is exactly the
/// bill's input plus its cache reads and writes, and the logs show no cache tokens there, the
/// logs counted cached tokens as input (OpenAI's, Gemini's and Azure's `prompt_tokens` include
/// them): said on those rows (the cause stays `unexplained`, as the vocabulary has no name for
/// it), so the fix is in the logs, not the price.
pub(super) fn inclusive_input_pass(rows: &mut [Row]) {
    let same = |a: &Row, b: &Row| {
        a.day == b.day
            && a.provider == b.provider
            && a.canonical_model == b.canonical_model
            && a.tier == b.tier
            && a.geo == b.geo
            && a.dims == b.dims
    };
    for i in 0..rows.len() {
        let r = &rows[i];
        let Some(bt) = r.billed_tokens else { continue };
        if r.token_class != TokenClass::InputUncached || r.logged_tokens <= bt {
            continue;
        }
        let cache: Vec<usize> = (0..rows.len())
            .filter(|&j| {
                j != i
                    && same(&rows[j], r)
                    && rows[j].token_class != TokenClass::Output
                    && rows[j].token_class != TokenClass::InputUncached
            })
            .collect();
        let billed_cache: Option<u64> = cache.iter().map(|&j| rows[j].billed_tokens).sum();
        let logged_cache: u64 = cache.iter().map(|&j| rows[j].logged_tokens).sum();
        if logged_cache == 0 && billed_cache.is_some_and(|c| c > 0 && bt + c == r.logged_tokens) {
            let detail = format!(
                "the logs count cached tokens as input: {} logged = {} input + {} cached billed; log the cached tokens (cache_read_tokens) to price them at their rate",
                crate::money::count(r.logged_tokens),
                crate::money::count(bt),
                crate::money::count(billed_cache.unwrap_or_default())
            );
            for k in std::iter::once(i).chain(cache) {
                rows[k].cause = Some(Cause::Unexplained);
                rows[k].detail = Some(detail.clone());
            }
        }
    }
}

/// Tiers and geos: the same tokens of a (day, provider, model, class) billed under one tier
/// (or geo) and logged under another; each row pairs once.
pub(super) fn pair_pass(rows: &mut [Row]) {
    let n = rows.len();
    let mut used = vec![false; n];
    for i in 0..n {
        for j in 0..n {
            if used[i] || used[j] {
                continue;
            }
            let (a, b) = (&rows[i], &rows[j]);
            let pair = a.day == b.day
                && a.provider == b.provider
                && a.canonical_model == b.canonical_model
                && a.token_class == b.token_class
                && a.dims == b.dims
                && (a.tier != b.tier || a.geo != b.geo)
                && a.logged_tokens == 0
                && b.sources.is_empty()
                && b.logged_tokens > 0
                && a.billed_tokens == Some(b.logged_tokens);
            if !pair {
                continue;
            }
            let (cause, detail) = if a.tier != b.tier {
                (
                    Cause::Tier,
                    format!("billed as {}, logged as {}", a.tier, b.tier),
                )
            } else {
                let g = |x: &Option<String>| x.clone().unwrap_or_else(|| "unknown".into());
                (
                    Cause::GeoPremium,
                    format!("billed {}, logged {}", g(&a.geo), g(&b.geo)),
                )
            };
            for k in [i, j] {
                used[k] = true;
                rows[k].cause = Some(cause);
                rows[k].detail = Some(detail.clone());
            }
        }
    }
}

/// Unit prices the bill shows for a (provider, model, class, tier) on every day it has one,
/// where they differ from the book's (or the book has none).
pub(super) fn implied_prices(rows: &[Row]) -> Vec<ImpliedPrice> {
    let mut groups: BTreeMap<(String, String, TokenClass, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        // Geo premiums and tiers are the book's own rules, not prices to replace.
        let wanted = r.cause == Some(Cause::PriceDiffers) || r.unpriced.is_some();
        if wanted && r.implied_price.is_some() && !r.sources.is_empty() {
            groups
                .entry((
                    r.provider.clone(),
                    r.canonical_model.clone(),
                    r.token_class,
                    r.tier.clone(),
                ))
                .or_default()
                .push(r);
        }
    }
    let mut out = Vec::new();
    for ((provider, canonical, class, tier), rs) in groups {
        let prices: BTreeSet<Decimal> = rs.iter().filter_map(|r| r.implied_price).collect();
        if prices.len() != 1 {
            continue;
        }
        let first = rs[0];
        out.push(ImpliedPrice {
            provider,
            model: first
                .book_model
                .clone()
                .unwrap_or_else(|| first.model.clone()),
            canonical_model: canonical,
            token_class: class,
            tier,
            billed_price: prices.into_iter().next().unwrap_or_default(),
            book_price: first.book_price,
            from: rs.iter().map(|r| r.day.clone()).min().unwrap_or_default(),
            to: rs.iter().map(|r| r.day.clone()).max().unwrap_or_default(),
            book_versions: rs
                .iter()
                .flat_map(|r| r.book_versions.iter().cloned())
                .collect(),
        });
    }
    out
}
