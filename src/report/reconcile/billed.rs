//! The bill as usage: what a billed name is (`prices why --billed`), and billed token lines as
//! usage records, so `compare --bill` re-prices what the bill charged on other providers.

use rust_decimal::Decimal;

use crate::pricing::PriceBook;
use crate::readers::bill::{Bill, Charge, TokenClass};
use crate::usage::OwnedRecord;

/// Billed lines that are not usage records, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub lines: u64,
    pub cost: Decimal,
    /// Reason -> lines.
    pub reasons: std::collections::BTreeMap<String, u64>,
}

/// The token lines of `bill` as usage records (one per line, at the line's start, of the book
/// model its name maps to, with no request count: bills do not count requests); the rest left
/// out and counted. On Bedrock a global line is the model's `global.` profile where the book has
/// one (the in-region price is the bare id's).
pub fn billed_usage(bill: &Bill, book: &PriceBook) -> (Vec<OwnedRecord>, LeftOut) {
    let mut out = Vec::new();
    let mut left = LeftOut::default();
    let mut leave = |why: &str, cost: Decimal| {
        left.lines += 1;
        left.cost += cost;
        *left.reasons.entry(why.to_string()).or_default() += 1;
    };
    for l in &bill.lines {
        let Charge::Tokens(class) = l.charge else {
            leave("not token usage", l.net());
            continue;
        };
        let Some(tokens) = l.tokens else {
            leave("no token count", l.net());
            continue;
        };
        let Some(model) = book
            .bill_model(&l.provider, l.model.as_deref().unwrap_or_default())
            .and_then(|m| m.model)
        else {
            leave("billed name maps to no book model", l.net());
            continue;
        };
        let model = match (l.provider.as_str(), l.geo.as_deref()) {
            ("aws-bedrock", Some("global")) if !model.starts_with("global.") => {
                let g = format!("global.{model}");
                if book
                    .rows()
                    .iter()
                    .any(|r| r.provider == l.provider && r.model == g)
                {
                    g
                } else {
                    model
                }
            }
            _ => model,
        };
        let mut r = OwnedRecord::new(l.start_us, &l.provider, &model);
        r.requests = 0;
        r.batch = l.tier == "batch";
        r.service_tier = matches!(l.tier, "priority" | "flex").then(|| l.tier.to_string());
        r.long_context = Some(l.long_context);
        match class {
            TokenClass::InputUncached => r.input_tokens = tokens,
            TokenClass::CacheRead => {
                r.input_tokens = tokens;
                r.cache_read_tokens = tokens;
            }
            TokenClass::CacheWrite5m | TokenClass::CacheWriteUnknownTtl => {
                r.input_tokens = tokens;
                r.cache_write_tokens = tokens;
            }
            TokenClass::CacheWrite1h => {
                r.input_tokens = tokens;
                r.cache_write_tokens = tokens;
                r.cache_write_1h_tokens = tokens;
            }
            TokenClass::Output => r.output_tokens = tokens,
        }
        out.push(r);
    }
    (out, left)
}

/// What `prices why --billed` says about a bill's string on `provider`: how it is read, which
/// book model it maps to and why; the model id, when one is found.
pub fn explain_billed(
    book: &PriceBook,
    provider: &str,
    text: &str,
) -> (Vec<(String, String)>, Option<String>) {
    let mut lines = vec![("billed as".to_string(), text.to_string())];
    let parsed = crate::readers::bill::grammar::read_any(provider, text);
    let model = parsed
        .as_ref()
        .and_then(|p| p.model.clone())
        .unwrap_or_else(|| text.to_string());
    if let Some(p) = &parsed {
        let what = match &p.charge {
            Charge::Tokens(c) => format!(
                "model {model:?}, {} tokens, {} tier{}{}",
                c.as_str(),
                p.tier,
                p.geo.map(|g| format!(", {g}")).unwrap_or_default(),
                if p.long_context { ", long context" } else { "" }
            ),
            Charge::NonToken(k) if !k.is_empty() => format!("a charge that is not tokens: {k}"),
            _ => format!("model {model:?}"),
        };
        lines.push(("read as".into(), what));
    }
    match book.bill_model(provider, &model) {
        Some(m) => {
            lines.push((
                "maps to".into(),
                format!(
                    "{}{}",
                    m.model.clone().unwrap_or_default(),
                    if Some(&m.key) != m.model.as_ref() {
                        format!(" (canonical model {})", m.key)
                    } else {
                        String::new()
                    }
                ),
            ));
            lines.push(("because".into(), m.how.explain()));
            (lines, m.model)
        }
        None => {
            lines.push((
                "maps to".into(),
                format!("no book model: add a row to bill-names.csv ({provider},{model},<model id>,<source>) with --pricing-overlay"),
            ));
            (lines, None)
        }
    }
}
