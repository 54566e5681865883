//! AWS Cost and Usage Report 2.0 (Data Exports), and the export manifests of AWS and Azure.
//!
//! Bedrock lines come in four usage-type generations (first-party `USE1-Nova2.0Lite-input-
//! tokens`, mantle `USE1-qwen.qwen3-coder-next-mantle-input-tokens-standard`, Claude through
//! AWS Marketplace `USE1-MP:USE1_InputTokenCount_Global-Units` and its snake-case spelling);
//! quantities are in thousands of tokens (`1K tokens`) or millions (`Units`), and every usage
//! line's rate times quantity is checked against its cost. Lines of other services, credits,
//! refunds, discounts and taxes are kept with their cost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::grammar::{aws_usage_type, marketplace_model};
use super::table::{amount, amount_or_zero, need_instant, tags, Table};
use super::{rate_check, unit_scale, Bill, BillFormat, BilledLine, Charge};
use crate::readers::ReadError;

const START: &str = "line_item_usage_start_date";
const END: &str = "line_item_usage_end_date";
const USAGE_TYPE: &str = "line_item_usage_type";
const COST: &str = "line_item_unblended_cost";
const NET_COST: &str = "line_item_net_unblended_cost";

/// The line types that are usage (priced at a rate), and those that reduce the bill.
const USAGE_TYPES: [&str; 3] = ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"];
const CREDIT_TYPES: [&str; 6] = [
    "Credit",
    "Refund",
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "SavingsPlanNegation",
];

/// Reads a CUR 2.0 CSV into `bill`; returns the sum of the file's costs.
pub fn read(path: &Path, text: &str, bill: &mut Bill) -> Result<Decimal, ReadError> {
    read_table(path, &Table::parse(path, text)?, bill)
}

/// Reads the rows of a table (a CSV or a Parquet file's) into `bill`.
pub fn read_table(path: &Path, t: &Table, bill: &mut Bill) -> Result<Decimal, ReadError> {
    t.require(
        path,
        "an AWS CUR 2.0 file",
        &[START, USAGE_TYPE, "line_item_line_item_type", COST],
    )?;
    let mut total = Decimal::ZERO;
    for (line, rec) in &t.rows {
        let line = *line;
        let g = |c: &str| t.get(rec, c);
        // Net unblended cost (after discounts) when the account has discounts, else unblended.
        let cost_col = if !g(NET_COST).is_empty() {
            NET_COST
        } else {
            COST
        };
        let cost = amount_or_zero(path, line, cost_col, g(cost_col))?;
        total += cost;
        let start_us = need_instant(path, line, START, g(START))?;
        let end_us = super::table::instant(g(END)).unwrap_or(start_us);
        let product = tags(g("product"));
        let prod = |k: &str| {
            product
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let code = g("line_item_product_code");
        let entity = g("bill_billing_entity");
        let product_name = prod("product_name")
            .or_else(|| prod("servicename"))
            .or_else(|| t.opt(rec, "product_product_name"));
        let marketplace = entity == "AWS Marketplace"
            && (product_name
                .as_deref()
                .is_some_and(|n| n.contains("Bedrock"))
                || prod("provider").is_some());
        let bedrock = code.starts_with("AmazonBedrock") || marketplace;
        let kind = g("line_item_line_item_type");
        let usage_type = g(USAGE_TYPE);
        let quantity = amount(g("line_item_usage_amount"));
        let unit = t.opt(rec, "pricing_unit");
        let mut out = BilledLine {
            start_us,
            end_us,
            provider: if bedrock { "aws-bedrock" } else { "aws" }.to_string(),
            account: t.opt(rec, "bill_payer_account_id"),
            sub_account: t.opt(rec, "line_item_usage_account_id"),
            service: product_name.clone().unwrap_or_else(|| code.to_string()),
            sku: usage_type.to_string(),
            region: t.opt(rec, "product_region_code").or_else(|| prod("region")),
            quantity,
            unit: unit.clone(),
            cost,
            list_cost: amount(g("pricing_public_on_demand_cost")),
            currency: t
                .opt(rec, "line_item_currency_code")
                .unwrap_or_else(|| "USD".into()),
            correction: false,
            tags: tags(g("resource_tags")),
            ..BilledLine::blank(BillFormat::AwsCur, path, line)
        };
        out.charge = if CREDIT_TYPES.contains(&kind) {
            Charge::Credit
        } else if kind == "Tax" || kind.ends_with("Fee") || kind == "Fee" {
            Charge::Tax
        } else if !USAGE_TYPES.contains(&kind) {
            Charge::Unrecognised(format!("line type {kind:?}"))
        } else if code == "AmazonBedrockAgentCore" {
            Charge::NonToken("agents (AgentCore)".into())
        } else if !bedrock {
            Charge::NonToken(format!("{code} (not a model service)"))
        } else {
            match aws_usage_type(usage_type, marketplace) {
                None => Charge::Unrecognised(format!("usage type {usage_type:?}")),
                Some(p) => {
                    let charge = out.take(p);
                    if marketplace {
                        out.model = product_name
                            .as_deref()
                            .and_then(marketplace_model)
                            .or_else(|| prod("model"));
                    }
                    charge
                }
            }
        };
        if matches!(out.charge, Charge::Tokens(_)) {
            let description = g("line_item_line_item_description");
            let scale = unit.as_deref().and_then(unit_scale).or_else(|| {
                description
                    .to_ascii_lowercase()
                    .contains("million")
                    .then_some(1_000_000)
            });
            out.count(quantity, scale, unit.as_deref());
            if let (Some(q), Some(r)) = (quantity, amount(g("line_item_unblended_rate"))) {
                if cost_col == COST {
                    out.check = out.check.or_else(|| rate_check(q, r, cost));
                }
            }
        }
        bill.lines.push(out);
    }
    Ok(total)
}

/// The data files the newest manifest of each period lists (AWS `*-Manifest.json` with
/// `dataFiles`, Azure `manifest.json` with `blobs[].blobName`), matched to the files on disk
/// by the end of their path. Manifests of one period are told apart by their path: AWS and
/// Azure put each delivery in a folder named by its time or run id, so the last path is the
/// newest delivery.
pub fn manifest_files(
    manifests: &[&PathBuf],
    notes: &mut Vec<String>,
) -> Result<Vec<PathBuf>, ReadError> {
    let mut newest: BTreeMap<String, (&PathBuf, Vec<String>)> = BTreeMap::new();
    for m in manifests {
        let text = super::read_text(m)?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| super::format_error(m, format!("not a JSON manifest: {e}")))?;
        let listed: Vec<String> = match (v.get("dataFiles"), v.get("blobs")) {
            (Some(serde_json::Value::Array(a)), _) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            (_, Some(serde_json::Value::Array(a))) => a
                .iter()
                .filter_map(|x| {
                    x.get("blobName")
                        .and_then(|n| n.as_str())
                        .map(str::to_string)
                })
                .collect(),
            _ => {
                return Err(super::format_error(
                    m,
                    "a manifest without dataFiles (AWS) or blobs (Azure)",
                ))
            }
        };
        let period = period_of(m, &v);
        let keep = newest.get(&period).is_none_or(|(p, _)| m > p);
        if keep {
            newest.insert(period, (m, listed));
        }
    }
    let mut out = Vec::new();
    for (period, (m, listed)) in newest {
        let root = m
            .ancestors()
            .find(|a| a.join("data").is_dir())
            .or_else(|| m.parent())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let mut here = Vec::new();
        super::walk(&root, &mut here).map_err(|e| ReadError::Io {
            path: root.display().to_string(),
            source: e,
        })?;
        for key in listed {
            let tail: Vec<&str> = key.rsplit('/').take(2).collect();
            let found = here.iter().find(|p| {
                let mut comps = p
                    .components()
                    .rev()
                    .map(|c| c.as_os_str().to_string_lossy());
                tail.iter().all(|t| comps.next().is_some_and(|c| c == *t))
            });
            match found {
                Some(p) => out.push(p.clone()),
                None => {
                    return Err(super::format_error(
                        m,
                        format!(
                            "period {period}: the manifest lists {key:?}, which is not under {}: copy the whole export (a bill read without it would be short)",
                            root.display()
                        ),
                    ))
                }
            }
        }
    }
    if out.is_empty() {
        notes.push("the export manifests list no data files".into());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The billing period a manifest describes: its `billingPeriod.start` (AWS) or
/// `runInfo.startDate` (Azure), else the `BILLING_PERIOD=` folder of its path.
fn period_of(m: &Path, v: &serde_json::Value) -> String {
    let field = v
        .pointer("/billingPeriod/start")
        .or_else(|| v.pointer("/runInfo/startDate"))
        .and_then(|x| x.as_str());
    if let Some(f) = field {
        return f.get(..7).unwrap_or(f).to_string();
    }
    m.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .find_map(|c| c.strip_prefix("BILLING_PERIOD=").map(str::to_string))
        .unwrap_or_else(|| {
            m.parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        })
}
