//! FOCUS (FinOps Open Cost and Usage Specification) export of priced usage, version 1.2 or 1.3,
//! written to pass the FinOps Foundation's validator (`focus-validator`) with no MUST failure.
//!
//! One row per charge period (a local day of the reporting zone, exclusive end) x provider x
//! region x model x token class x price version (and batch / long-context tier, which change the
//! rate) x billing account x project x tags. `PricingQuantity` is millions of tokens in the
//! unit `1000000 Tokens`; `ListUnitPrice` is the book's list price and `ListCost` exactly
//! `ListUnitPrice x PricingQuantity`; `ContractedUnitPrice` / `ContractedCost` are what was
//! charged (a `--pricing-overlay` contract or discount, else the list price), and `BilledCost` =
//! `EffectiveCost` = `ContractedCost` (no commitments are amortised). The rows sum exactly to
//! `report`'s total. Unpriced usage has no cost and no FOCUS row: `report` shows it.
//!
//! The billing account is the log's (Bedrock's `accountId`, the `billing_account` column),
//! qualified by the provider (`aws-bedrock:111122223333`), or `--billing-account`; without
//! either, one account per provider, named by its id (`openai`). Nulls are
//! empty fields; every decimal column has a fractional digit (the validator infers types).

use std::collections::BTreeMap;

use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::engine::{PricedCell, Pricing};
use crate::money::exact;
use crate::pricing::PriceBook;
use crate::providers::{publisher, region_name, service};
use crate::text::key_fingerprint;
use crate::time::local_midnight_us;
use crate::usage::{col, format_timestamp_us};

/// The log column that names the billing account (Bedrock's `accountId`).
pub const BILLING_ACCOUNT: &str = "billing_account";

/// The engine dimensions FOCUS needs: SubAccountId, Tags and the billing account.
pub const DIMS: [&str; 4] = [col::PROJECT, col::USER, col::API_KEY, BILLING_ACCOUNT];

/// The FOCUS versions tokenledger writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Version {
    /// FOCUS 1.2 (the version most FinOps tools read today).
    #[default]
    #[value(name = "1.2")]
    V1_2,
    /// FOCUS 1.3: adds ServiceProviderName and HostProviderName.
    #[value(name = "1.3")]
    V1_3,
}

/// How to fill the account columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub version: Version,
    /// `--billing-account ID`: the account of every row without one in the logs.
    pub account: Option<String>,
    pub account_name: Option<String>,
    /// `--billing-account PROVIDER=ID,...`: the account of each provider's rows without one in
    /// the logs (before `account`).
    pub accounts: Vec<(String, String)>,
    /// `--tags`: the dimensions (log columns) each row's Tags carry, by name.
    pub tags: Vec<String>,
}

/// The columns of a version, in order: FOCUS columns alphabetically, then `x_` columns.
pub fn columns(v: Version) -> Vec<&'static str> {
    let mut c = vec![
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
        "CommitmentDiscountStatus",
        "ConsumedQuantity",
        "ConsumedUnit",
        "ContractedCost",
        "ContractedUnitPrice",
        "EffectiveCost",
    ];
    if v == Version::V1_3 {
        c.push("HostProviderName");
    }
    c.extend([
        "InvoiceId",
        "InvoiceIssuerName",
        "ListCost",
        "ListUnitPrice",
        "PricingCategory",
        "PricingCurrency",
        "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice",
        "PricingQuantity",
        "PricingUnit",
        "ProviderName",
        "PublisherName",
        "RegionId",
        "RegionName",
        "ServiceCategory",
        "ServiceName",
    ]);
    if v == Version::V1_3 {
        c.push("ServiceProviderName");
    }
    c.extend([
        "ServiceSubcategory",
        "SkuId",
        "SkuMeter",
        "SkuPriceDetails",
        "SkuPriceId",
        "SubAccountId",
        "SubAccountName",
        "Tags",
    ]);
    if v == Version::V1_2 {
        // Not a 1.2 column: kept under the custom-column prefix.
        c.push("x_ServiceProviderName");
    }
    c
}

/// Whether a FOCUS column holds decimals (written bare, never quoted).
pub fn is_decimal(column: &str) -> bool {
    matches!(
        column,
        "BilledCost"
            | "ConsumedQuantity"
            | "ContractedCost"
            | "ContractedUnitPrice"
            | "EffectiveCost"
            | "ListCost"
            | "ListUnitPrice"
            | "PricingCurrencyContractedUnitPrice"
            | "PricingCurrencyEffectiveCost"
            | "PricingCurrencyListUnitPrice"
            | "PricingQuantity"
    )
}

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
    list_rate: Decimal,
    canonical: Option<String>,
    account: Option<String>,
    project: Option<String>,
    tags: String,
    /// Why the usage has no price (its cost is 0 and its Tags say so), for unpriced usage.
    unpriced: Option<String>,
}

/// One FOCUS row: its cells in [`columns`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusRow {
    pub cells: Vec<String>,
    /// What was charged (BilledCost), exact.
    pub billed_cost: Decimal,
}

/// A decimal with at least one fractional digit (`2252.0`, `0.5`).
fn decimal(d: Decimal) -> String {
    let s = exact(d);
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// Builds the FOCUS rows of priced cells; `dims` are the engine's dimensions (must include
/// [`DIMS`]); `book` gives the list price of rows an overlay made.
pub fn rows(
    priced: &[PricedCell<'_>],
    dims: &[String],
    tz: &Tz,
    book: &PriceBook,
    o: &Options,
) -> Vec<FocusRow> {
    let idx = |name: &str| dims.iter().position(|d| d == name);
    let (pi, ui, ki, ai) = (
        idx(col::PROJECT),
        idx(col::USER),
        idx(col::API_KEY),
        idx(BILLING_ACCOUNT),
    );
    let mut sums: BTreeMap<Key, u64> = BTreeMap::new();
    for pc in priced {
        let (cell, key) = (pc.cell, pc.key);
        let get = |i: Option<usize>| i.and_then(|i| key.dims[i].as_deref().map(str::to_string));
        let account = get(ai)
            .map(|a| format!("{}:{a}", key.provider))
            .or_else(|| {
                o.accounts
                    .iter()
                    .find(|(p, _)| **p == *key.provider)
                    .map(|(_, a)| a.clone())
            })
            .or_else(|| o.account.clone());
        let mut tags = serde_json::Map::new();
        if let Some(u) = get(ui) {
            tags.insert("user".into(), crate::text::shown_value("user", &u).into());
        }
        if let Some(k) = get(ki) {
            tags.insert("api_key".into(), key_fingerprint(&k).into());
        }
        for t in &o.tags {
            if let Some(v) = get(idx(t)) {
                tags.insert(t.clone(), crate::text::shown_value(t, &v).into());
            }
        }
        if key.failed {
            tags.insert("failed".into(), "true".into());
        }
        // (class, tokens, rate, list rate), the price version, long context, canonical model
        // and why there is no price, per kind of usage.
        type Entry = (&'static str, u64, Decimal, Decimal);
        let (entries, version, long, canonical, unpriced): (Vec<Entry>, _, _, _, _) =
            match &pc.pricing {
                Pricing::Unpriced(reason) => {
                    // Usage without a price is spend a FinOps tool must see: rows with a cost
                    // of 0 (FOCUS has no null cost) whose Tags and description say so.
                    tags.insert("tokenledger_unpriced".into(), reason.to_string().into());
                    let s = &cell.sums;
                    let z = Decimal::ZERO;
                    (
                        vec![
                            ("input", s.uncached_input(), z, z),
                            ("cache read", s.cache_read_tokens, z, z),
                            ("cache write", s.cache_write_tokens, z, z),
                            ("output", s.output_tokens, z, z),
                        ],
                        "unpriced".to_string(),
                        false,
                        None,
                        Some(reason.to_string()),
                    )
                }
                Pricing::Priced { row, .. } => {
                    // A priced cell has a rate for every class it uses (engine::cost_of
                    // checked it).
                    let Ok(r) = row.rates(key.batch, pc.long) else {
                        continue;
                    };
                    let list_row = row.list.and_then(|i| book.rows().get(i)).unwrap_or(row);
                    // A class only the contract prices has no list rate: its list rate is the
                    // contract's.
                    let l = list_row.rates(key.batch, pc.long).unwrap_or(r);
                    let s = &cell.sums;
                    let z = Decimal::ZERO;
                    let both = |a: Option<Decimal>, b: Option<Decimal>| {
                        let a = a.unwrap_or(z);
                        (a, b.unwrap_or(a))
                    };
                    let (cr, lcr) = both(r.cache_read, l.cache_read);
                    let (cw, lcw) = both(r.cache_write, l.cache_write);
                    let (cw1, lcw1) = both(r.cache_write_1h, l.cache_write_1h);
                    if let Some(c) = &row.canonical_model {
                        tags.insert("canonical_model".into(), c.clone().into());
                    }
                    (
                        vec![
                            ("input", s.uncached_input(), r.input, l.input),
                            ("cache read", s.cache_read_tokens, cr, lcr),
                            (
                                "cache write",
                                s.cache_write_tokens - s.cache_write_1h_tokens,
                                cw,
                                lcw,
                            ),
                            ("cache write 1h", s.cache_write_1h_tokens, cw1, lcw1),
                            (
                                "output",
                                s.output_tokens - s.reasoning_tokens,
                                r.output,
                                l.output,
                            ),
                            ("reasoning", s.reasoning_tokens, r.reasoning, l.reasoning),
                        ],
                        row.version_id(),
                        pc.long,
                        row.canonical_model.clone(),
                        None,
                    )
                }
            };
        let tags = serde_json::Value::Object(tags).to_string();
        for (class, tokens, rate, list_rate) in entries {
            if tokens == 0 {
                continue;
            }
            let k = Key {
                day: cell.day,
                provider: key.provider.to_string(),
                region: key.region.as_deref().map(str::to_string),
                model: key.model.to_string(),
                class,
                version: version.clone(),
                batch: key.batch,
                long,
                rate,
                list_rate,
                canonical: canonical.clone(),
                // An account from the logs is qualified by its provider (`aws-bedrock:1111...`):
                // unique across providers, and never all digits (a CSV reader that infers types
                // would take it for a number).
                account: account.clone(),
                project: get(pi),
                tags: tags.clone(),
                unpriced: unpriced.clone(),
            };
            *sums.entry(k).or_default() += tokens;
        }
    }
    let names = columns(o.version);
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
        let list_cost = (k.list_rate * quantity).normalize();
        let (service_name, service_provider) = service(&k.provider);
        let tier = match (k.batch, k.long) {
            (_, true) => " long-context",
            (true, false) => " batch",
            _ => "",
        };
        let meter = format!("{}{tier} tokens", capitalise(k.class));
        let class_id = format!("{}{}", k.class.replace(' ', "-"), tier.replace(' ', "/"));
        let account = k.account.clone().unwrap_or_else(|| k.provider.clone());
        let account_name = match (&k.account, &o.account_name) {
            (Some(a), Some(n)) if Some(a) == o.account.as_ref() => n.clone(),
            (Some(a), _) => {
                let id = a.split_once(':').map_or(a.as_str(), |(_, id)| id);
                format!("{service_provider} account {id}")
            }
            (None, _) => format!("{service_provider} (account not in the logs)"),
        };
        let version_date = k.version.rsplit('@').next().unwrap_or_default().to_string();
        let details = serde_json::json!({
            "x_Model": k.model,
            "x_TokenClass": class_id,
            "x_PriceVersion": version_date,
        })
        .to_string();
        let publisher = match publisher(k.canonical.as_deref(), &k.model) {
            "" => service_provider,
            p => p,
        };
        let value = |c: &str| -> String {
            match c {
                "BilledCost"
                | "ContractedCost"
                | "EffectiveCost"
                | "PricingCurrencyEffectiveCost" => decimal(cost),
                "BillingAccountId" => account.clone(),
                "BillingAccountName" => account_name.clone(),
                "BillingCurrency" | "PricingCurrency" => "USD".into(),
                "BillingPeriodEnd" => ts(next_month),
                "BillingPeriodStart" => ts(month),
                "ChargeCategory" => "Usage".into(),
                "ChargeDescription" => match &k.unpriced {
                    Some(why) => {
                        format!("{} {meter}: UNPRICED ({why}); not in BilledCost", k.model)
                    }
                    None => format!("{} {meter}", k.model),
                },
                "ChargeFrequency" => "Usage-Based".into(),
                "ChargePeriodEnd" => ts(next),
                "ChargePeriodStart" => ts(date),
                "ConsumedQuantity" => decimal(Decimal::from(tokens)),
                "ConsumedUnit" => "Tokens".into(),
                "ContractedUnitPrice" | "PricingCurrencyContractedUnitPrice" => decimal(k.rate),
                "HostProviderName"
                | "InvoiceIssuerName"
                | "ProviderName"
                | "ServiceProviderName"
                | "x_ServiceProviderName" => service_provider.into(),
                "ListCost" => decimal(list_cost),
                "ListUnitPrice" | "PricingCurrencyListUnitPrice" => decimal(k.list_rate),
                "PricingCategory" => "Standard".into(),
                "PricingQuantity" => decimal(quantity),
                "PricingUnit" => "1000000 Tokens".into(),
                "PublisherName" => publisher.into(),
                "RegionId" => k.region.clone().unwrap_or_default(),
                "RegionName" => k
                    .region
                    .as_deref()
                    .map(|r| region_name(r).unwrap_or(r).to_string())
                    .unwrap_or_default(),
                "ServiceCategory" => "AI and Machine Learning".into(),
                "ServiceName" => service_name.into(),
                "ServiceSubcategory" => "Generative AI".into(),
                "SkuId" => format!("{}/{}/{class_id}", k.provider, k.model),
                "SkuMeter" => meter.clone(),
                "SkuPriceDetails" => details.clone(),
                "SkuPriceId" => format!("{}#{class_id}", k.version),
                "SubAccountId" | "SubAccountName" => k.project.clone().unwrap_or_default(),
                "Tags" => k.tags.clone(),
                // Null: ChargeClass (not a correction), CommitmentDiscountStatus (no
                // commitments), InvoiceId (no invoice).
                _ => String::new(),
            }
        };
        out.push(FocusRow {
            cells: names.iter().map(|c| value(c)).collect(),
            billed_cost: cost,
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
