//! Any FOCUS 1.0-1.3 export (AWS Data Exports `FOCUS_1_0_AWS`/`FOCUS_1_2_AWS`, Azure
//! `FocusCost`, Google's FOCUS view, or another provider's), read by column name, never by
//! version: `ProviderName` or 1.3's `ServiceProviderName`, `x_UsageType` (AWS 1.0) or
//! `SkuMeter`. FOCUS does not standardise the model or the token class: they are read from the
//! provider's own strings with that provider's grammar, and with a plain keyword reading
//! (`input`, `output`, `cache read`) for a provider tokenledger has no grammar for.

use std::path::Path;

use rust_decimal::Decimal;

use super::grammar::{aws_usage_type, azure_meter, gcp_sku, marketplace_model, Parsed};
use super::table::{amount, amount_or_zero, need_instant, tags, Table};
use super::{rate_check, tokens_of, unit_scale, Bill, BillFormat, BilledLine, Charge};
use crate::readers::ReadError;

/// Reads a FOCUS CSV into `bill`; returns the sum of its `BilledCost`.
pub fn read(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    read_table(path, &Table::parse(path, text)?, bill)
}

/// Reads the rows of a table (a CSV or a Parquet file's) into `bill`.
pub fn read_table(path: &Path, t: &Table, bill: &mut Bill) -> Result<Decimal, ReadError> {
    t.require(
        path,
        "a FOCUS export",
        &["ChargePeriodStart", "BilledCost", "ChargeCategory"],
    )?;
    let provider_col = t
        .first_of(&["ServiceProviderName", "ProviderName", "InvoiceIssuerName"])
        .unwrap_or("ProviderName");
    let mut total = Decimal::ZERO;
    for (line, rec) in &t.rows {
        let line = *line;
        let g = |c: &str| t.get(rec, c);
        let cost = amount_or_zero(path, line, "BilledCost", g("BilledCost"))?;
        total += cost;
        let start_us = need_instant(path, line, "ChargePeriodStart", g("ChargePeriodStart"))?;
        let end_us = super::table::instant(g("ChargePeriodEnd")).unwrap_or(start_us);
        let provider_name = g(provider_col);
        let service = g("ServiceName");
        let sku = [
            g("x_UsageType"),
            g("SkuMeter"),
            g("x_SkuDescription"),
            g("ChargeDescription"),
        ]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string();
        let mut out = BilledLine {
            start_us,
            end_us,
            provider: provider_name.to_string(),
            account: t.opt(rec, "BillingAccountId"),
            sub_account: t.opt(rec, "SubAccountId"),
            service: service.to_string(),
            sku: sku.clone(),
            region: t.opt(rec, "RegionId"),
            quantity: amount(g("PricingQuantity")),
            unit: t.opt(rec, "PricingUnit"),
            cost,
            list_cost: amount(g("ListCost")),
            currency: t
                .opt(rec, "BillingCurrency")
                .unwrap_or_else(|| "USD".into()),
            correction: g("ChargeClass") == "Correction",
            tags: tags(g("Tags")),
            ..BilledLine::blank(BillFormat::Focus, path, line)
        };
        let category = g("ChargeCategory");
        let (provider, parsed) = classify(provider_name, service, g("x_ServiceCode"), &sku);
        out.provider = provider;
        out.charge = match category {
            "Credit" => Charge::Credit,
            "Tax" => Charge::Tax,
            "Adjustment" => Charge::Adjustment,
            "Purchase" => Charge::NonToken("purchase (commitment)".into()),
            "Usage" => match parsed {
                Some(p) if matches!(p.charge, Charge::Tokens(_)) => {
                    let charge = out.take(p);
                    out.model = out.model.take().or_else(|| marketplace_model(service));
                    charge
                }
                Some(p) => p.charge,
                None => Charge::Unrecognised(format!("SKU meter {sku:?}")),
            },
            other => Charge::Unrecognised(format!("charge category {other:?}")),
        };
        if matches!(out.charge, Charge::Tokens(_)) {
            out.tokens = tokens(t, rec, &mut out.check);
            if let (Some(q), Some(p), Some(l)) = (
                amount(g("PricingQuantity")),
                amount(g("ListUnitPrice")),
                out.list_cost,
            ) {
                out.check = out.check.take().or_else(|| rate_check(q, p, l));
            }
        }
        bill.lines.push(out);
    }
    Ok(total)
}

/// The tokens of a usage row: `ConsumedQuantity` in its unit, else `PricingQuantity` times
/// Azure's `x_PricingBlockSize` or the size its `PricingUnit` names.
fn tokens(t: &Table, rec: &csv::StringRecord, check: &mut Option<String>) -> Option<u64> {
    let g = |c: &str| t.get(rec, c);
    let consumed = amount(g("ConsumedQuantity")).zip(unit_scale(g("ConsumedUnit")));
    let block = amount(g("x_PricingBlockSize"))
        .and_then(|b| u64::try_from(b).ok())
        .filter(|b| *b > 0);
    let priced = amount(g("PricingQuantity")).zip(block.or_else(|| unit_scale(g("PricingUnit"))));
    match consumed.or(priced) {
        Some((q, s)) => {
            let (n, note) = tokens_of(q, s);
            *check = note;
            n
        }
        None => {
            *check = Some(format!(
                "no quantity in a unit tokenledger knows the size of (PricingUnit {:?}); tokens unknown",
                g("PricingUnit")
            ));
            None
        }
    }
}

/// The book provider and the reading of a usage row, by who provides it.
fn classify(provider: &str, service: &str, code: &str, sku: &str) -> (String, Option<Parsed>) {
    let p = provider.to_ascii_lowercase();
    let s = service.to_ascii_lowercase();
    if p.starts_with("aws") || p.starts_with("amazon") || code.starts_with("AmazonBedrock") {
        let marketplace = service.ends_with("(Amazon Bedrock Edition)");
        if !(marketplace || code.starts_with("AmazonBedrock") || s.contains("bedrock")) {
            return ("aws".into(), Some(non_model(service)));
        }
        return ("aws-bedrock".into(), aws_usage_type(sku, marketplace));
    }
    if p.contains("microsoft") || p.contains("azure") {
        return ("azure".into(), azure_meter(sku));
    }
    if p.contains("google") {
        let id = if s.contains("gemini api") {
            "google"
        } else {
            "vertex-ai"
        };
        if !(s.contains("vertex") || s.contains("gemini") || s.starts_with("claude")) {
            return ("google-cloud".into(), Some(non_model(service)));
        }
        return (id.into(), gcp_sku(sku));
    }
    (provider.to_ascii_lowercase(), keywords(sku))
}

fn non_model(service: &str) -> Parsed {
    Parsed::other(&format!("{service} (not a model service)"))
}

/// A provider tokenledger has no grammar for: the class from plain words, the model from the
/// words before them (`model-x input global` -> `model-x`, input, global).
fn keywords(sku: &str) -> Option<Parsed> {
    let lower = sku.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| ["input", "output", "cache", "cached", "prompt", "completion"].contains(w))?;
    let mut p = gcp_sku(&format!(
        "{} {}",
        sku.split_whitespace()
            .take(at)
            .collect::<Vec<_>>()
            .join(" "),
        words[at..].join(" ")
    ))?;
    p.model = Some(
        sku.split_whitespace()
            .take(at)
            .collect::<Vec<_>>()
            .join(" "),
    )
    .filter(|m| !m.is_empty());
    p.geo = words.contains(&"global").then_some("global");
    Some(p)
}
