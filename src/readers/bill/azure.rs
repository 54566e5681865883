//! Azure Cost Management cost details (actual or amortized; EA and MCA column names): Azure
//! OpenAI / Foundry Models meters, read from `MeterName`. `Quantity` is read in the meter's
//! pricing blocks (`UnitOfMeasure` `1K`/`1M`), the reading Microsoft's own FOCUS conversion
//! makes; sources disagree on it, so the reconciliation checks the implied price per token and
//! names a thousandfold gap as a unit problem rather than a price.

use std::path::Path;

use rust_decimal::Decimal;

use super::grammar::azure_meter;
use super::table::{amount, need_amount, need_instant, tags, Table, DAY_US};
use super::{rate_check, unit_scale, Bill, BillFormat, BilledLine, Charge};
use crate::readers::ReadError;

/// Reads a cost-details CSV into `bill`; returns the sum of its costs.
pub fn read(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    read_table(path, &Table::parse(path, text)?, bill)
}

/// Reads the rows of a table (a CSV or a Parquet file's) into `bill`.
pub fn read_table(path: &Path, t: &Table, bill: &mut Bill) -> Result<Decimal, ReadError> {
    let cost_col = t
        .first_of(&["CostInBillingCurrency", "Cost", "CostInUsd"])
        .ok_or_else(|| {
            super::format_error(
                path,
                "line 1: not Azure cost details: no column CostInBillingCurrency or Cost",
            )
        })?;
    t.require(
        path,
        "Azure cost details",
        &["Date", "MeterName", "Quantity"],
    )?;
    let mut total = Decimal::ZERO;
    for (line, rec) in &t.rows {
        let line = *line;
        let g = |c: &str| t.get(rec, c);
        let cost = need_amount(path, line, cost_col, g(cost_col))?;
        total += cost;
        let start_us = need_instant(path, line, "Date", g("Date"))?;
        let meter = g("MeterName");
        let category = g("MeterCategory");
        let sub = g("MeterSubCategory");
        let ai = ["Cognitive Services", "Foundry Models", "Azure OpenAI"]
            .iter()
            .any(|c| category.contains(c))
            || g("ConsumedService").eq_ignore_ascii_case("Microsoft.CognitiveServices");
        let quantity = amount(g("Quantity"));
        let unit = t.opt(rec, "UnitOfMeasure");
        let mut out = BilledLine {
            start_us,
            end_us: start_us + DAY_US,
            provider: if ai { "azure" } else { "azure-other" }.to_string(),
            account: t.opt(rec, "BillingAccountId"),
            sub_account: t.opt(rec, "SubscriptionId"),
            service: [category, sub]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / "),
            sku: meter.to_string(),
            region: t
                .opt(rec, "ResourceLocation")
                .or_else(|| t.opt(rec, "MeterRegion")),
            quantity,
            unit: unit.clone(),
            cost,
            list_cost: t
                .first_of(&["PaygCostInBillingCurrency"])
                .and_then(|c| amount(g(c))),
            currency: t
                .first_of(&["BillingCurrency", "BillingCurrencyCode"])
                .map(|c| g(c).to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "USD".into()),
            correction: g("ChargeType") == "Refund",
            tags: tags(g("Tags")),
            ..BilledLine::blank(BillFormat::AzureCost, path, line)
        };
        let charge_type = g("ChargeType");
        out.charge = match charge_type {
            "Refund" => Charge::Credit,
            "RoundingAdjustment" => Charge::Adjustment,
            "Tax" => Charge::Tax,
            "Purchase" => Charge::NonToken("purchase (reservation)".into()),
            "UnusedReservation" | "UnusedSavingsPlan" => {
                Charge::NonToken("unused reservation".into())
            }
            "" | "Usage" if !ai => Charge::NonToken(format!("{category} (not a model service)")),
            "" | "Usage" if g("PublisherType") == "Marketplace" => Charge::NonToken(
                "Marketplace model (one meter for every token class: compare totals only)".into(),
            ),
            "" | "Usage" => match azure_meter(meter) {
                Some(p) => out.take(p),
                None => Charge::Unrecognised(format!("meter {meter:?}")),
            },
            other => Charge::Unrecognised(format!("charge type {other:?}")),
        };
        if matches!(out.charge, Charge::Tokens(_)) {
            out.count(
                quantity,
                unit.as_deref().and_then(unit_scale),
                unit.as_deref(),
            );
            let price = t
                .first_of(&["EffectivePrice", "UnitPrice"])
                .and_then(|c| amount(g(c)));
            if let (Some(q), Some(p)) = (quantity, price) {
                out.check = out.check.take().or_else(|| rate_check(q, p, cost));
            }
        }
        bill.lines.push(out);
    }
    Ok(total)
}
