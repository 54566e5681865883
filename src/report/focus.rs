//! FOCUS (FinOps Open Cost and Usage Specification) 1.2 export of priced usage.
//!
//! One row per charge period (a local day of the reporting zone, exclusive end) x provider x
//! region x model x token class x price version (and batch / long-context tier, which change the
//! rate) x project x tags. Every row carries `ListUnitPrice` (USD per million tokens) and
//! `PricingQuantity` (millions of tokens), and `ListCost` is exactly their product; the rows sum
//! exactly to `report`'s total. Unpriced usage has no cost and no FOCUS row: `report` shows it.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::engine::{PricedCell, Pricing};
use crate::money::exact;
use crate::providers::{publisher, service};
use crate::text::key_fingerprint;
use crate::time::local_midnight_us;
use crate::usage::{col, format_timestamp_us};

/// The engine dimensions FOCUS needs: SubAccountId and Tags.
pub const DIMS: [&str; 3] = [col::PROJECT, col::USER, col::API_KEY];

/// FOCUS columns written, in order.
pub const COLUMNS: [&str; 36] = [
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "ServiceCategory",
    "ServiceName",
    "ServiceProviderName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    day: i32,
    provider: String,
    region: Option<String>,
    model: String,
    class: &'static str,
    version: String,
    batch: bool,
    long: bool,
    rate: Decimal,
    canonical: Option<String>,
    project: Option<String>,
    tags: String,
}

/// One FOCUS row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusRow {
    pub cells: Vec<String>,
    pub list_cost: Decimal,
}

/// Builds the FOCUS rows of priced cells; `dims` are the engine's dimensions (must include
/// [`DIMS`]).
pub fn rows(priced: &[PricedCell<'_>], dims: &[String], tz: &Tz) -> Vec<FocusRow> {
    let idx = |name: &str| dims.iter().position(|d| d == name);
    let (pi, ui, ki) = (idx(col::PROJECT), idx(col::USER), idx(col::API_KEY));
    let mut sums: BTreeMap<Key, u64> = BTreeMap::new();
    for pc in priced {
        let Pricing::Priced { row, .. } = &pc.pricing else {
            continue;
        };
        let (cell, key) = (pc.cell, pc.key);
        let r = row.rates(key.batch, pc.long);
        let s = &cell.sums;
        let classes = [
            ("input", s.uncached_input(), r.input),
            ("cache read", s.cache_read_tokens, r.cache_read),
            (
                "cache write",
                s.cache_write_tokens - s.cache_write_1h_tokens,
                r.cache_write,
            ),
            ("cache write 1h", s.cache_write_1h_tokens, r.cache_write_1h),
            ("output", s.output_tokens - s.reasoning_tokens, r.output),
            ("reasoning", s.reasoning_tokens, r.reasoning),
        ];
        let get = |i: Option<usize>| i.and_then(|i| key.dims[i].clone());
        let mut tags = serde_json::Map::new();
        if let Some(u) = get(ui) {
            tags.insert("user".into(), u.into());
        }
        if let Some(k) = get(ki) {
            tags.insert("api_key".into(), key_fingerprint(&k).into());
        }
        if let Some(c) = &row.canonical_model {
            tags.insert("canonical_model".into(), c.clone().into());
        }
        if key.failed {
            tags.insert("failed".into(), "true".into());
        }
        let tags = serde_json::Value::Object(tags).to_string();
        for (class, tokens, rate) in classes {
            if tokens == 0 {
                continue;
            }
            let k = Key {
                day: cell.day,
                provider: key.provider.clone(),
                region: key.region.clone(),
                model: key.model.clone(),
                class,
                version: row.version_id(),
                batch: key.batch,
                long: pc.long,
                rate,
                canonical: row.canonical_model.clone(),
                project: get(pi),
                tags: tags.clone(),
            };
            *sums.entry(k).or_default() += tokens;
        }
    }
    let mut out = Vec::with_capacity(sums.len());
    for (k, tokens) in sums {
        let date =
            chrono::NaiveDate::from_num_days_from_ce_opt(k.day + 719_163).expect("a day in range");
        let next = date.succ_opt().unwrap_or(date);
        let month = date.with_day0(0).unwrap_or(date);
        let next_month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(month);
        let ts = |d: chrono::NaiveDate| format_timestamp_us(local_midnight_us(tz, d));
        let quantity = (Decimal::from(tokens) * Decimal::new(1, 6)).normalize();
        let cost = (k.rate * quantity).normalize();
        let (service_name, service_provider) = service(&k.provider);
        let tier = match (k.batch, k.long) {
            (_, true) => " long-context",
            (true, false) => " batch",
            _ => "",
        };
        let meter = format!("{}{tier} tokens", capitalise(k.class));
        let cells = vec![
            exact(cost),
            String::new(),
            String::new(),
            "USD".into(),
            ts(next_month),
            ts(month),
            "Usage".into(),
            String::new(),
            format!("{} {meter}", k.model),
            "Usage-Based".into(),
            ts(next),
            ts(date),
            tokens.to_string(),
            "Tokens".into(),
            exact(cost),
            exact(k.rate),
            exact(cost),
            service_provider.into(),
            exact(cost),
            exact(k.rate),
            "Standard".into(),
            exact(quantity),
            "1M Tokens".into(),
            service_provider.into(),
            publisher(k.canonical.as_deref()).into(),
            k.region.clone().unwrap_or_default(),
            "AI and Machine Learning".into(),
            service_name.into(),
            service_provider.into(),
            "Generative AI".into(),
            format!(
                "{}/{}/{}{}",
                k.provider,
                k.model,
                k.class.replace(' ', "-"),
                tier.replace(' ', "/")
            ),
            meter,
            format!(
                "{}#{}{}",
                k.version,
                k.class.replace(' ', "-"),
                tier.replace(' ', "/")
            ),
            k.project.clone().unwrap_or_default(),
            k.project.clone().unwrap_or_default(),
            k.tags.clone(),
        ];
        out.push(FocusRow {
            cells,
            list_cost: cost,
        });
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

use chrono::Datelike;
