//! The reconciliation of a bill with the logs: billed lines and tokenledger's priced usage
//! joined at (day in the bill's zone, provider, model, token class, tier), every difference
//! given one cause, and the causes adding up to the total difference exactly.
//!
//! The model is joined on the book's canonical model (or the model id where there is none):
//! a billed name is mapped through `bill-names.csv` and the book, a logged id through the
//! book. Only the providers a bill covers are compared: usage of other providers is counted
//! apart as outside the bill. Layer 3: exact sums, no formatting.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::engine::buckets::LocalDays;
use crate::engine::price::class_costs;
use crate::engine::{PricedCell, Pricing};
use crate::pricing::PriceBook;
use crate::readers::bill::{Bill, BillFile, BilledLine, Charge, TokenClass};

mod billed;
mod causes;
pub mod view;

pub use billed::{billed_usage, explain_billed, LeftOut};
pub use view::{bill_view, BillView};

pub use causes::Cause;

/// One joined row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `YYYY-MM-DD` in the reconciliation's zone.
    pub day: String,
    pub provider: String,
    /// The model as billed or, for usage the bill lacks, as logged.
    pub model: String,
    /// The join key: the book's canonical model, or the model id.
    pub canonical_model: String,
    pub token_class: TokenClass,
    pub tier: String,
    pub geo: Option<String>,
    /// The values of the `--by` dimensions.
    pub dims: Vec<String>,
    pub logged_tokens: u64,
    /// `None` when the bill gives no token count (Anthropic's cost report).
    pub billed_tokens: Option<u64>,
    /// `None` when the book cannot price the logged usage (then `unpriced` says why).
    pub computed_cost: Option<Decimal>,
    pub billed_cost: Decimal,
    pub difference: Decimal,
    pub cause: Option<Cause>,
    /// What the cause rests on (the implied price, the book's price, the unit problem...).
    pub detail: Option<String>,
    /// Billed cost per million billed tokens.
    pub implied_price: Option<Decimal>,
    /// Computed cost per million logged tokens.
    pub book_price: Option<Decimal>,
    /// The price versions that priced the logged usage.
    pub book_versions: BTreeSet<String>,
    pub unpriced: Option<String>,
    /// The bill lines (`file:line`) in the row.
    pub sources: Vec<String>,
    /// A book model id of the row (for an overlay of implied prices).
    pub book_model: Option<String>,
}

/// A billed line that is not token usage of a model the logs could show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCharge {
    pub day: String,
    pub provider: String,
    pub service: String,
    pub sku: String,
    pub cost: Decimal,
    pub cause: Cause,
    pub detail: String,
    pub source: String,
}

/// A unit price the bill shows consistently where the book says another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpliedPrice {
    pub provider: String,
    pub model: String,
    pub canonical_model: String,
    pub token_class: TokenClass,
    pub tier: String,
    /// Per million tokens.
    pub billed_price: Decimal,
    pub book_price: Option<Decimal>,
    /// First and last day seen.
    pub from: String,
    pub to: String,
    pub book_versions: BTreeSet<String>,
}

/// The totals; `difference` is `billed - computed` and equals the sum of the causes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub billed_cost: Decimal,
    pub computed_cost: Decimal,
    pub difference: Decimal,
    pub unexplained: Decimal,
}

/// Logged usage of providers the bill does not cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutOfScope {
    pub providers: BTreeSet<String>,
    pub requests: u64,
    pub cost: Decimal,
}

/// The whole reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub period: super::Period,
    /// The `--by` dimensions of the rows.
    pub by: Vec<String>,
    pub rows: Vec<Row>,
    pub other_charges: Vec<OtherCharge>,
    pub causes: BTreeMap<Cause, Decimal>,
    pub totals: Totals,
    pub implied_prices: Vec<ImpliedPrice>,
    pub files: Vec<BillFile>,
    pub notes: Vec<String>,
    pub out_of_scope: OutOfScope,
    /// Bill lines outside the period, and their cost.
    pub bill_outside: (u64, Decimal),
}

/// The join key of a row.
/// (day, provider, join model, class, tier, Bedrock geo, the `--by` values).
type Key = (
    i32,
    String,
    String,
    TokenClass,
    String,
    Option<String>,
    Vec<String>,
);

#[derive(Default)]
struct Side {
    model: String,
    geo: Option<String>,
    logged: u64,
    computed: Option<Decimal>,
    unpriced: Option<String>,
    billed_sum: u64,
    /// A billed line of the row gives no token count.
    tokens_unknown: bool,
    billed_cost: Decimal,
    has_bill: bool,
    has_logs: bool,
    versions: BTreeSet<String>,
    sources: Vec<String>,
    book_model: Option<String>,
    notes: Vec<String>,
}

/// The tier of logged usage: `batch`, the service tier, or `standard`.
fn log_tier(batch: bool, tier: Option<&str>) -> String {
    if batch {
        "batch".into()
    } else {
        tier.unwrap_or("standard").to_string()
    }
}

/// The geo of a logged model id (`global.` and geo prefixes of Bedrock profiles).
fn log_geo(model: &str) -> Option<String> {
    let m = crate::pricing::normalise_model_id(model);
    if m.starts_with("global.") {
        Some("global".into())
    } else if ["us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov."]
        .iter()
        .any(|p| m.starts_with(p))
    {
        Some("regional".into())
    } else {
        None
    }
}

/// The geo a row is joined on: Bedrock prices global and in-region (geo) profiles apart, and
/// both its bills and its model ids say which (no global marker is in-region); elsewhere the
/// geo is compared through the price (a premium of exactly 10%).
fn geo_key(provider: &str, geo: Option<&str>) -> Option<String> {
    (provider == "aws-bedrock").then(|| geo.unwrap_or("regional").to_string())
}

/// Reconciles `bill` with the priced usage. `period` bounds the bill lines compared (UTC
/// microseconds, end exclusive); `tz` is the zone of the days.
/// `by` names extra dimensions to join on (`project` is the bill's sub-account, `account` its
/// billing account, any other name a tag of the bill and a column of the logs); `engine_dims`
/// are the aggregates' dimensions, which must include them.
#[allow(clippy::too_many_arguments)]
pub fn reconcile(
    bill: &Bill,
    priced: &[PricedCell<'_>],
    book: &PriceBook,
    tz: chrono_tz::Tz,
    period: (Option<i64>, Option<i64>),
    period_info: super::Period,
    by: &[String],
    engine_dims: &[String],
) -> Reconciliation {
    let positions: Vec<Option<usize>> = by
        .iter()
        .map(|d| engine_dims.iter().position(|e| e == d))
        .collect();
    let mut days = LocalDays::new(tz);
    let inside = |us: i64| period.0.is_none_or(|f| us >= f) && period.1.is_none_or(|t| us < t);
    let providers: BTreeSet<&str> = bill.lines.iter().map(|l| l.provider.as_str()).collect();
    let mut sides: BTreeMap<Key, Side> = BTreeMap::new();
    let mut other = Vec::new();
    let mut bill_outside = (0u64, Decimal::ZERO);
    let mut billed_total = Decimal::ZERO;
    let mut notes = bill.notes.clone();
    for l in &bill.lines {
        if !inside(l.start_us) {
            bill_outside.0 += 1;
            bill_outside.1 += l.net();
            continue;
        }
        billed_total += l.net();
        let day = days.day(l.start_us);
        let source = format!("{}:{}", l.file, l.line);
        if let Some(check) = &l.check {
            notes.push(format!("{source}: {check}"));
        }
        if l.correction {
            other.push(OtherCharge {
                day: crate::usage::format_day(day as i64),
                provider: l.provider.clone(),
                service: l.service.clone(),
                sku: l.sku.clone(),
                cost: l.net(),
                cause: Cause::Unexplained,
                detail: "a correction of an earlier period (the provider restated it)".into(),
                source,
            });
            continue;
        }
        if !l.credits.is_zero() {
            // Credits attached to a line are credits, never netted into its token class.
            other.push(OtherCharge {
                day: crate::usage::format_day(day as i64),
                provider: l.provider.clone(),
                service: l.service.clone(),
                sku: l.sku.clone(),
                cost: l.credits,
                cause: Cause::Credit,
                detail: "credits attached to the line".into(),
                source: source.clone(),
            });
        }
        match token_key(l, book) {
            Ok((class, key, book_model)) => {
                let s = sides
                    .entry((
                        day,
                        l.provider.clone(),
                        key,
                        class,
                        l.tier.to_string(),
                        geo_key(&l.provider, l.geo.as_deref()),
                        by.iter().map(|d| view::join_value(l, d)).collect(),
                    ))
                    .or_default();
                s.has_bill = true;
                s.model = l.model.clone().unwrap_or_default();
                s.geo = l.geo.clone().or(s.geo.take());
                s.billed_cost += l.cost;
                match l.tokens {
                    Some(n) => s.billed_sum += n,
                    None => s.tokens_unknown = true,
                }
                s.book_model = s.book_model.take().or(book_model);
                if l.currency != "USD" {
                    s.notes.push(format!("billed in {}", l.currency));
                }
                s.sources.push(source);
            }
            Err((cause, detail)) => other.push(OtherCharge {
                day: crate::usage::format_day(day as i64),
                provider: l.provider.clone(),
                service: l.service.clone(),
                sku: l.sku.clone(),
                cost: l.cost,
                cause,
                detail,
                source,
            }),
        }
    }
    let mut out_of_scope = OutOfScope::default();
    let mut computed_total = Decimal::ZERO;
    let mut logged_models: BTreeSet<(String, String)> = BTreeSet::new();
    for pc in priced {
        let key = pc.key;
        let provider = &*key.provider;
        if !providers.contains(provider) {
            out_of_scope.providers.insert(provider.to_string());
            out_of_scope.requests += pc.cell.sums.requests;
            if let Pricing::Priced { cost, .. } = &pc.pricing {
                out_of_scope.cost += cost;
            }
            continue;
        }
        let model = book.resolve_model(provider, &key.model).to_string();
        let canonical = book
            .canonical_of(provider, &model)
            .map(str::to_string)
            .unwrap_or_else(|| crate::pricing::normalise_model_id(&model).to_string());
        logged_models.insert((provider.to_string(), canonical.clone()));
        let tier = log_tier(key.batch, key.service_tier.as_deref());
        let parts = match &pc.pricing {
            Pricing::Priced { row, .. } => class_costs(&pc.cell.sums, row, key.batch, pc.long)
                .ok()
                .map(|p| (p, row.version_id())),
            Pricing::Unpriced(_) => None,
        };
        let s = &pc.cell.sums;
        let tokens = [
            s.uncached_input(),
            s.cache_read_tokens,
            s.cache_write_tokens - s.cache_write_1h_tokens,
            s.cache_write_1h_tokens,
            s.output_tokens,
        ];
        let classes = [
            TokenClass::InputUncached,
            TokenClass::CacheRead,
            TokenClass::CacheWrite5m,
            TokenClass::CacheWrite1h,
            TokenClass::Output,
        ];
        for (i, class) in classes.into_iter().enumerate() {
            if tokens[i] == 0 {
                continue;
            }
            let side = sides
                .entry((
                    pc.cell.day,
                    provider.to_string(),
                    canonical.clone(),
                    class,
                    tier.clone(),
                    geo_key(provider, log_geo(&key.model).as_deref()),
                    positions
                        .iter()
                        .map(|p| {
                            p.and_then(|i| {
                                key.dims.get(i).cloned().flatten().map(|v| v.to_string())
                            })
                            .unwrap_or_default()
                        })
                        .collect(),
                ))
                .or_default();
            side.has_logs = true;
            if side.model.is_empty() {
                side.model = key.model.to_string();
            }
            side.geo = side.geo.take().or_else(|| log_geo(&key.model));
            side.logged += tokens[i];
            side.book_model.get_or_insert_with(|| model.clone());
            match (&parts, &pc.pricing) {
                (Some((p, version)), _) => {
                    side.computed = Some(side.computed.unwrap_or_default() + p[i].cost);
                    computed_total += p[i].cost;
                    side.versions.insert(version.clone());
                }
                (None, Pricing::Unpriced(reason)) => side.unpriced = Some(reason.to_string()),
                (None, _) => side.unpriced = Some("the book cannot price this class".into()),
            }
        }
    }
    merge_unknown_ttl(&mut sides);
    let mut rows: Vec<Row> = sides
        .into_iter()
        .map(
            |((day, provider, canonical, class, tier, geo, dims), mut s)| {
                if geo.is_some() {
                    s.geo = geo;
                }
                let mut r = causes::row(day, provider, canonical, class, tier, s, &logged_models);
                r.dims = dims;
                r
            },
        )
        .collect();
    causes::cache_ttl_pass(&mut rows);
    causes::pair_pass(&mut rows);
    causes::inclusive_input_pass(&mut rows);
    let implied_prices = causes::implied_prices(&rows);
    let mut by_cause: BTreeMap<Cause, Decimal> = BTreeMap::new();
    for r in &rows {
        if let Some(c) = r.cause {
            *by_cause.entry(c).or_default() += r.difference;
        }
    }
    for o in &other {
        *by_cause.entry(o.cause).or_default() += o.cost;
    }
    let totals = Totals {
        billed_cost: billed_total,
        computed_cost: computed_total,
        difference: billed_total - computed_total,
        unexplained: by_cause
            .get(&Cause::Unexplained)
            .copied()
            .unwrap_or_default(),
    };
    Reconciliation {
        period: period_info,
        by: by.to_vec(),
        rows,
        other_charges: other,
        causes: by_cause,
        totals,
        implied_prices,
        files: bill.files.clone(),
        notes,
        out_of_scope,
        bill_outside,
    }
}

/// The token class, join key and book model of a billed line, or the cause of a line that is
/// not token usage.
fn token_key(
    l: &BilledLine,
    book: &PriceBook,
) -> Result<(TokenClass, String, Option<String>), (Cause, String)> {
    let class = match &l.charge {
        Charge::Tokens(c) => *c,
        Charge::NonToken(kind) => return Err((Cause::NonToken, kind.clone())),
        Charge::Credit => return Err((Cause::Credit, "credit, refund or discount".into())),
        Charge::Tax => return Err((Cause::NonToken, "tax and fees".into())),
        Charge::Adjustment => {
            return Err((Cause::Rounding, "invoice rounding or adjustment".into()))
        }
        Charge::Unrecognised(why) => {
            return Err((
                Cause::Unexplained,
                format!("a line tokenledger cannot read: {why}"),
            ))
        }
    };
    let billed = l.model.as_deref().unwrap_or_default();
    match book.bill_model(&l.provider, billed) {
        Some(m) => Ok((class, m.key, m.model)),
        None => Ok((class, format!("unmapped: {billed}"), None)),
    }
}

/// Where the bill has cache writes without a TTL for a (day, provider, model, tier), the
/// logs' 5-minute and 1-hour writes are compared with them as one.
fn merge_unknown_ttl(sides: &mut BTreeMap<Key, Side>) {
    let unknown: Vec<Key> = sides
        .iter()
        .filter(|(k, s)| k.3 == TokenClass::CacheWriteUnknownTtl && s.has_bill)
        .map(|(k, _)| k.clone())
        .collect();
    for k in unknown {
        for class in [TokenClass::CacheWrite5m, TokenClass::CacheWrite1h] {
            let from = (
                k.0,
                k.1.clone(),
                k.2.clone(),
                class,
                k.4.clone(),
                k.5.clone(),
                k.6.clone(),
            );
            let take = sides.get(&from).is_some_and(|s| !s.has_bill);
            if let Some(s) = take.then(|| sides.remove(&from)).flatten() {
                let to = sides.entry(k.clone()).or_default();
                to.has_logs = true;
                to.logged += s.logged;
                to.computed = match (to.computed, s.computed) {
                    (a, None) => a,
                    (None, b) => b,
                    (Some(a), Some(b)) => Some(a + b),
                };
                to.unpriced = to.unpriced.take().or(s.unpriced);
                to.versions.extend(s.versions);
            }
        }
    }
}

/// The day text of a row key.
pub fn day_text(day: i32) -> String {
    crate::usage::format_day(day as i64)
}
