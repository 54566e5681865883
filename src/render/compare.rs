//! The provider comparison: a pivot (providers as columns) for table and markdown, one row per
//! group and target provider for csv and json.

use std::io::Write;

use rust_decimal::Decimal;

use super::doc::{Block, Column, Doc, Markup, TableBlock};
use super::grid::Grid;
use super::Format;
use crate::money::{common_scale, exact};
use crate::report::compare::{self, pct, Comparison};

const LONG_COLUMNS: [&str; 17] = [
    "actual_provider",
    "target_provider",
    "offered",
    "requests",
    "actual_cost_usd",
    "target_cost_usd",
    "saving_usd",
    "saving_pct",
    "not_offered_requests",
    "not_offered_actual_cost_usd",
    "not_offered_reason",
    "estimate",
    "target_models",
    "target_versions",
    "target_book_tier",
    "target_confidence",
    "target_priced_by",
];

/// The model ids of `provider/model[region]{tier}@date` version ids.
fn models_of(tc: &compare::TargetCost) -> String {
    let mut ids: Vec<&str> = tc
        .versions
        .iter()
        .map(|v| {
            let v = v.strip_prefix("overlay:").unwrap_or(v);
            let v = v.split_once('/').map_or(v, |(_, m)| m);
            let end = v.find(['@', '[', '{']).unwrap_or(v.len());
            &v[..end]
        })
        .collect();
    ids.dedup();
    ids.join(" ")
}

/// Why usage is not offered, as one word for csv/json rows: `not sold`, `no price then`,
/// `retired`, `mixed`, or empty when all of it is offered.
fn reason(tc: &compare::TargetCost) -> &'static str {
    if tc.not_offered_requests == 0 {
        ""
    } else {
        tc.only_reason().unwrap_or("mixed")
    }
}

/// `15.5%`: a share or saving with one decimal (display only).
fn percent(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        return String::new();
    }
    let p = (part / whole * Decimal::from(100))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{p:.1}%")
}

/// Renders a comparison: long rows for csv and json, the pivoted document for the others.
pub fn render(
    c: &Comparison,
    format: Format,
    style: super::Style,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Csv | Format::Json => long_rows(c, format, w)?,
        Format::Table => style.text().write(&document(c, style), w)?,
        Format::Markdown => super::markdown::Markdown.write(&document(c, style), w)?,
        Format::Html => {
            super::html::page("tokenledger provider comparison", &document(c, style), w)?
        }
        Format::Focus => anyhow::bail!("a comparison has no FOCUS form"),
    }
    Ok(())
}

/// csv/json: one row per group and target provider.
pub fn long_rows(c: &Comparison, format: Format, w: &mut dyn Write) -> anyhow::Result<()> {
    let mut cols: Vec<&str> = c.by.iter().map(String::as_str).collect();
    cols.extend(LONG_COLUMNS);
    let mut grid = Grid::new(&cols);
    for g in &c.groups {
        for t in &c.targets {
            let tc = &g.targets[t];
            let offered = tc.any_offered();
            let mut row: Vec<String> = g
                .dims
                .iter()
                .map(|d| d.clone().unwrap_or_default())
                .collect();
            row.extend([
                g.actual_provider.clone(),
                t.clone(),
                tc.fully_offered().to_string(),
                g.requests.to_string(),
                exact(g.actual_cost),
                if offered {
                    exact(tc.target_cost)
                } else {
                    String::new()
                },
                if offered {
                    exact(tc.saving())
                } else {
                    String::new()
                },
                if offered {
                    pct(tc.saving(), tc.offered_actual_cost)
                } else {
                    String::new()
                },
                tc.not_offered_requests.to_string(),
                exact(tc.not_offered_actual_cost),
                reason(tc).to_string(),
                c.estimate.to_string(),
                models_of(tc),
                tc.versions.iter().cloned().collect::<Vec<_>>().join(" "),
                tc.book_tiers
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                tc.confidence.unwrap_or_default().to_string(),
                tc.rules
                    .iter()
                    .map(|r| format!("rule:{r}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
            grid.rows.push(row);
        }
    }
    if format == Format::Csv {
        grid.render(format, &[], w)?;
        return Ok(());
    }
    // JSON: the rows plus totals per target and what could not be compared.
    let mut rows = Vec::new();
    grid.render(Format::Json, &[], &mut rows)?;
    let rows: serde_json::Value = serde_json::from_slice(&rows)?;
    let totals: serde_json::Map<String, serde_json::Value> = c
        .totals
        .iter()
        .map(|(t, tc)| {
            (
                t.clone(),
                serde_json::json!({
                    "offered_requests": tc.offered_requests,
                    "offered_actual_cost_usd": exact(tc.offered_actual_cost),
                    "target_cost_usd": exact(tc.target_cost),
                    "saving_usd": exact(tc.saving()),
                    "not_offered_requests": tc.not_offered_requests,
                    "not_offered_tokens": tc.not_offered_tokens,
                    "not_offered_actual_cost_usd": exact(tc.not_offered_actual_cost),
                    "not_sold_requests": tc.not_sold_requests,
                    "no_price_then_requests": tc.no_price_then_requests,
                    "retired_requests": tc.retired_requests,
                    "no_class_price_requests": tc.no_class_price_requests,
                    "target_versions": tc.versions,
                    "target_book_tier": tc.book_tiers,
                    "target_confidence": tc.confidence,
                    "low_confidence": tc.low_confidence(),
                }),
            )
        })
        .collect();
    let v = serde_json::json!({
        "by": c.by,
        "targets": c.targets,
        "estimate": c.estimate,
        "substitutes": c.substitutes.iter().map(|(a, b)| format!("{a}={b}")).collect::<Vec<_>>(),
        "actual_cost_usd": exact(c.actual_cost),
        "requests": c.requests,
        "rows": rows,
        "totals": totals,
        "not_comparable": c.not_comparable,
    });
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)?;
    Ok(())
}

/// table/markdown/html: providers as columns with the total, the like-for-like comparison per
/// provider, then what could not be compared and why.
pub fn document(c: &Comparison, style: super::Style) -> Doc {
    let amounts: Vec<Decimal> = c
        .groups
        .iter()
        .flat_map(|g| {
            std::iter::once(g.actual_cost).chain(g.targets.values().map(|t| t.target_cost))
        })
        .chain(std::iter::once(c.actual_cost))
        .chain(
            c.totals
                .values()
                .flat_map(|t| [t.target_cost, t.offered_actual_cost]),
        )
        .collect();
    let scale = common_scale(amounts.iter());
    let money = |d: Decimal| style.money(d, scale);
    let mut columns: Vec<Column> = c.by.iter().map(|d| Column::text(d)).collect();
    columns.push(Column::text("actual provider").short("provider"));
    columns.push(Column::number("actual cost").short("cost"));
    // To fit a terminal the target providers go first, the last listed first (the note under
    // the table names them; csv and json have them all).
    columns.extend(
        c.targets
            .iter()
            .enumerate()
            .map(|(i, t)| Column::number(t).droppable(2 + i.min(250) as u8)),
    );
    columns.push(Column::text("cheapest"));
    columns.push(Column::number("saving"));
    columns.push(Column::number("saving %").droppable(1));
    // A cell that leaves usage out says how much of the actual cost it covers.
    // A cost that rests on a low-confidence or single-source price is marked `?`.
    let cell = |tc: &compare::TargetCost| {
        let mark = if tc.low_confidence() { " ?" } else { "" };
        if !tc.any_offered() {
            tc.only_reason().unwrap_or("not offered").to_string()
        } else if tc.fully_offered() {
            format!("{}{mark}", money(tc.target_cost))
        } else {
            format!(
                "{}{mark} for {} of cost",
                money(tc.target_cost),
                percent(
                    tc.offered_actual_cost,
                    tc.offered_actual_cost + tc.not_offered_actual_cost
                )
            )
        }
    };
    let mut rows = Vec::new();
    for g in &c.groups {
        let mut row: Vec<String> = g
            .dims
            .iter()
            .map(|d| d.clone().unwrap_or_else(|| "-".into()))
            .collect();
        row.push(g.actual_provider.clone());
        row.push(money(g.actual_cost));
        row.extend(c.targets.iter().map(|t| cell(&g.targets[t])));
        match g.cheapest() {
            Some((p, cost)) => {
                row.push(p.to_string());
                row.push(money(g.actual_cost - cost));
                row.push(percent(g.actual_cost - cost, g.actual_cost));
            }
            None => row.extend([String::new(), String::new(), String::new()]),
        }
        rows.push(row);
    }
    let mut total: Vec<String> = vec![String::new(); c.by.len()];
    if let Some(f) = total.first_mut() {
        *f = "TOTAL".into();
    }
    total.push(String::new());
    total.push(money(c.actual_cost));
    total.extend(c.targets.iter().map(|t| cell(&c.totals[t])));
    total.extend([String::new(), String::new(), String::new()]);
    let mut d = Doc::default();
    d.push(Block::Title {
        title: if c.estimate {
            "tokenledger provider comparison (ESTIMATE: --substitute)".into()
        } else {
            "tokenledger provider comparison".into()
        },
        subtitle: format!(
            "{} requests in {} groups, re-priced on {} providers",
            crate::money::count(c.requests),
            c.groups.len(),
            c.targets.len()
        ),
    });
    d.push(Block::Table(TableBlock {
        columns,
        rows,
        total: Some(total),
    }));
    // Like for like: per provider, only the usage it offers, at its prices and where it ran.
    let mut like: Vec<(&String, &compare::TargetCost)> = c
        .targets
        .iter()
        .map(|t| (t, &c.totals[t]))
        .filter(|(_, tc)| tc.any_offered())
        .collect();
    like.sort_by(|a, b| b.1.saving().cmp(&a.1.saving()).then(a.0.cmp(b.0)));
    if !like.is_empty() {
        d.push(Block::Heading(
            "Like for like: the usage each provider offers, at its prices and where it ran".into(),
        ));
        d.push(Block::Table(TableBlock {
            columns: vec![
                Column::text("provider"),
                Column::number("share of cost").short("share"),
                Column::number("requests"),
                Column::number("actual cost").short("actual"),
                Column::number("cost there").short("there"),
                Column::number("saving"),
                Column::number("saving %"),
            ],
            rows: like
                .iter()
                .map(|(t, tc)| {
                    vec![
                        t.to_string(),
                        percent(
                            tc.offered_actual_cost,
                            tc.offered_actual_cost + tc.not_offered_actual_cost,
                        ),
                        crate::money::count(tc.offered_requests),
                        money(tc.offered_actual_cost),
                        money(tc.target_cost),
                        money(tc.saving()),
                        percent(tc.saving(), tc.offered_actual_cost),
                    ]
                })
                .collect(),
            total: None,
        }));
    }
    for t in &c.targets {
        let tc = &c.totals[t];
        if tc.not_offered_requests > 0 || !tc.not_offered_actual_cost.is_zero() {
            let why: Vec<String> = [
                (tc.not_sold_requests, "not sold there"),
                (tc.no_price_then_requests, "no price at that date"),
                (tc.retired_requests, "retired by then"),
                (
                    tc.no_class_price_requests,
                    "no price there for a token class of the usage",
                ),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{what} {}", crate::money::count(*n)))
            .collect();
            d.push(Block::Text(format!(
                "not offered on {t}: {} requests, {} tokens, {} actual cost ({})",
                crate::money::count(tc.not_offered_requests),
                crate::money::count(tc.not_offered_tokens),
                money(tc.not_offered_actual_cost),
                why.join(", ")
            )));
        }
    }
    // Which price every target used: id, version, book tier, confidence, provider rules.
    let mut priced_at = Vec::new();
    for t in &c.targets {
        let tc = &c.totals[t];
        if tc.versions.is_empty() {
            continue;
        }
        const SHOWN: usize = 4;
        let mut v: Vec<String> = tc.versions.iter().take(SHOWN).cloned().collect();
        if tc.versions.len() > SHOWN {
            v.push(format!("and {} more", tc.versions.len() - SHOWN));
        }
        let tiers: Vec<&str> = tc.book_tiers.iter().map(|b| b.as_str()).collect();
        let rules: Vec<String> = tc.rules.iter().map(|r| format!("rule:{r}")).collect();
        priced_at.push(format!(
            "{t}: {} ({}{}; confidence {}{})",
            v.join(", "),
            tiers.join("+"),
            if rules.is_empty() {
                String::new()
            } else {
                format!(", {}", rules.join(" "))
            },
            tc.confidence.unwrap_or("not stated"),
            if tc.low_confidence() {
                ": check the provider's page before acting on it"
            } else {
                ""
            }
        ));
    }
    if !priced_at.is_empty() {
        d.push(Block::Heading(
            "Prices used (? marks a low-confidence price)".into(),
        ));
        for p in priced_at {
            d.push(Block::Text(p));
        }
    }
    if c.not_comparable.requests > 0 || c.not_comparable.tokens > 0 {
        d.push(Block::Text(format!(
            "not comparable (unpriced on its own provider): {} requests, {} tokens",
            crate::money::count(c.not_comparable.requests),
            crate::money::count(c.not_comparable.tokens)
        )));
    }
    for (a, b) in &c.substitutes {
        d.push(Block::Warning(format!(
            "ESTIMATE: usage of {a} re-priced as {b} with unchanged token counts"
        )));
    }
    if let Some(n) = style.note() {
        d.push(Block::Text(n.into()));
    }
    d
}
