//! `report --bill`: what a bill says, in the report's shapes (by month, provider, model,
//! account, tag...): lines, tokens, billed cost and credits per group, exact.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::buckets::LocalDays;
use crate::pricing::PriceBook;
use crate::readers::bill::{Bill, BilledLine, Charge};

/// The dimensions a bill can be broken down by (and any tag key, as `tag:KEY` or plain).
pub const BILL_DIMS: [&str; 14] = [
    "month",
    "day",
    "provider",
    "model",
    "canonical_model",
    "token_class",
    "tier",
    "geo",
    "region",
    "account",
    "sub_account",
    "project",
    "service",
    "charge",
];

/// Sums of a group of billed lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillMeasures {
    pub lines: u64,
    /// Tokens of the token lines that count them.
    pub tokens: u64,
    /// Cost before credits (credit lines count as credits).
    pub cost: Decimal,
    /// Credits, refunds and discounts (zero or negative).
    pub credits: Decimal,
}

impl BillMeasures {
    pub fn net(&self) -> Decimal {
        self.cost + self.credits
    }
}

/// The breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillView {
    pub by: Vec<String>,
    pub rows: Vec<(Vec<String>, BillMeasures)>,
    pub total: BillMeasures,
    /// Lines outside the period, and their net cost.
    pub outside: (u64, Decimal),
}

/// The dimension names of `by` that a bill does not have: none of [`BILL_DIMS`] and no tag key
/// of any line.
pub fn unknown_dims<'a>(bill: &Bill, by: &'a [String]) -> Vec<&'a str> {
    by.iter()
        .map(String::as_str)
        .filter(|d| {
            let key = d.strip_prefix("tag:").unwrap_or(d);
            !BILL_DIMS.contains(d)
                && !bill
                    .lines
                    .iter()
                    .any(|l| l.tags.iter().any(|(k, _)| k == key))
        })
        .collect()
}

fn value(l: &BilledLine, dim: &str, book: &PriceBook, day: &str) -> String {
    let class = || match &l.charge {
        Charge::Tokens(c) => c.as_str().to_string(),
        _ => String::new(),
    };
    match dim {
        "month" => day.get(..7).unwrap_or(day).to_string(),
        "day" => day.to_string(),
        "provider" => l.provider.clone(),
        "model" => l.model.clone().unwrap_or_default(),
        "canonical_model" => l
            .model
            .as_deref()
            .and_then(|m| book.bill_model(&l.provider, m))
            .map(|m| m.key)
            .unwrap_or_default(),
        "token_class" => class(),
        "tier" => l.tier.to_string(),
        "geo" => l.geo.clone().unwrap_or_default(),
        "region" => l.region.clone().unwrap_or_default(),
        "account" => l.account.clone().unwrap_or_default(),
        "sub_account" | "project" => l.sub_account.clone().unwrap_or_default(),
        "service" => l.service.clone(),
        "charge" => match &l.charge {
            Charge::Tokens(_) => "tokens".into(),
            Charge::NonToken(k) => k.clone(),
            Charge::Credit => "credit".into(),
            Charge::Tax => "tax".into(),
            Charge::Adjustment => "adjustment".into(),
            Charge::Unrecognised(_) => "unrecognised".into(),
        },
        tag => {
            let key = tag.strip_prefix("tag:").unwrap_or(tag);
            l.tags
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        }
    }
}

/// The value a bill line joins the logs on for a `reconcile --by` dimension: `project` is the
/// sub-account (AWS usage account, subscription, Google project, OpenAI project, Anthropic
/// workspace), `account` the billing account, any other name a tag.
pub fn join_value(l: &BilledLine, dim: &str) -> String {
    match dim {
        "project" | "sub_account" => l.sub_account.clone().unwrap_or_default(),
        "account" => l.account.clone().unwrap_or_default(),
        tag => {
            let key = tag.strip_prefix("tag:").unwrap_or(tag);
            l.tags
                .iter()
                .find(|(k, _)| k == key || k.strip_prefix("user:") == Some(key))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        }
    }
}

/// Breaks `bill` down by `by`, lines starting in `period` (UTC microseconds, end exclusive),
/// days in `tz`.
pub fn bill_view(
    bill: &Bill,
    book: &PriceBook,
    by: &[String],
    tz: chrono_tz::Tz,
    period: (Option<i64>, Option<i64>),
) -> BillView {
    let mut days = LocalDays::new(tz);
    let mut groups: BTreeMap<Vec<String>, BillMeasures> = BTreeMap::new();
    let mut view = BillView {
        by: by.to_vec(),
        ..Default::default()
    };
    for l in &bill.lines {
        let inside =
            period.0.is_none_or(|f| l.start_us >= f) && period.1.is_none_or(|t| l.start_us < t);
        if !inside {
            view.outside.0 += 1;
            view.outside.1 += l.net();
            continue;
        }
        let day = crate::usage::format_day(days.day(l.start_us) as i64);
        let key: Vec<String> = by.iter().map(|d| value(l, d, book, &day)).collect();
        let m = groups.entry(key).or_default();
        for m in [m, &mut view.total] {
            m.lines += 1;
            m.tokens += l.tokens.unwrap_or(0);
            if l.charge == Charge::Credit {
                m.credits += l.cost;
            } else {
                m.cost += l.cost;
            }
            m.credits += l.credits;
        }
    }
    view.rows = groups.into_iter().collect();
    view
}
