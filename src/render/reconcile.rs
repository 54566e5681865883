//! The reconciliation as a table, CSV, JSON or Markdown, and the overlay of implied prices.
//! JSON: `rows`, `causes` (cause -> `difference_usd`), `totals`, `other_charges`,
//! `implied_prices`, `files`, `notes`; money as exact decimal strings.

use std::io::{self, Write};
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::grid::Grid;
use super::{Format, Style};
use crate::money::exact;
use crate::readers::bill::TokenClass;
use crate::report::reconcile::{Cause, Reconciliation};

const COLUMNS: [&str; 17] = [
    "day",
    "provider",
    "model",
    "canonical_model",
    "token_class",
    "tier",
    "geo",
    "logged_tokens",
    "billed_tokens",
    "computed_cost_usd",
    "billed_cost_usd",
    "difference_usd",
    "cause",
    "detail",
    "implied_price_per_mtok",
    "book_price_per_mtok",
    "sources",
];

const TABLE_COLUMNS: [&str; 12] = [
    "day",
    "provider",
    "canonical_model",
    "token_class",
    "tier",
    "logged_tokens",
    "billed_tokens",
    "computed_cost_usd",
    "billed_cost_usd",
    "difference_usd",
    "cause",
    "detail",
];

fn opt_d(d: Option<Decimal>) -> String {
    d.map(exact).unwrap_or_default()
}

fn rows_grid(rec: &Reconciliation, style: Style, table: bool) -> Grid {
    let money = |d: Decimal| if table { style.money(d, 6) } else { exact(d) };
    let mut cols: Vec<&str> = COLUMNS[..2].to_vec();
    cols.extend(rec.by.iter().map(String::as_str));
    cols.extend(&COLUMNS[2..]);
    let mut g = Grid::new(&cols);
    for r in &rec.rows {
        let mut cells = vec![r.day.clone(), r.provider.clone()];
        cells.extend(r.dims.iter().cloned());
        cells.extend([
            r.model.clone(),
            r.canonical_model.clone(),
            r.token_class.as_str().into(),
            r.tier.clone(),
            r.geo.clone().unwrap_or_default(),
            r.logged_tokens.to_string(),
            r.billed_tokens.map(|t| t.to_string()).unwrap_or_default(),
            r.computed_cost.map(money).unwrap_or_default(),
            money(r.billed_cost),
            money(r.difference),
            r.cause.map(Cause::as_str).unwrap_or_default().into(),
            r.detail.clone().unwrap_or_default(),
            opt_d(r.implied_price),
            opt_d(r.book_price),
            r.sources.join(" "),
        ]);
        g.rows.push(cells);
    }
    g
}

/// The summary by cause, with the totals.
fn summary_grid(rec: &Reconciliation, style: Style) -> Grid {
    let mut g = Grid::new(&["cause", "difference_usd", "meaning"]);
    for (c, d) in &rec.causes {
        g.rows.push(vec![
            c.as_str().into(),
            style.money(*d, 6),
            c.meaning().into(),
        ]);
    }
    g
}

pub fn render(
    rec: &Reconciliation,
    format: Format,
    style: Style,
    w: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, &to_json(rec))?;
            writeln!(w)
        }
        Format::Csv => rows_grid(rec, style, false).render(Format::Csv, &[], w),
        _ => {
            let t = &rec.totals;
            writeln!(
                w,
                "billed {}, computed from the logs {}, difference {} (unexplained {})",
                style.money(t.billed_cost, 6),
                style.money(t.computed_cost, 6),
                style.money(t.difference, 6),
                style.money(t.unexplained, 6)
            )?;
            writeln!(w)?;
            summary_grid(rec, style).render(format, &[], w)?;
            writeln!(w)?;
            let mut shown: Vec<&str> = TABLE_COLUMNS[..2].to_vec();
            shown.extend(rec.by.iter().map(String::as_str));
            shown.extend(&TABLE_COLUMNS[2..]);
            let mut g = rows_grid(rec, style, true);
            g.width = style.width;
            g.render(format, &shown, w)?;
            if !rec.other_charges.is_empty() {
                writeln!(w)?;
                let mut g = Grid::new(&[
                    "day", "provider", "service", "sku", "cost_usd", "cause", "detail",
                ]);
                for o in &rec.other_charges {
                    g.rows.push(vec![
                        o.day.clone(),
                        o.provider.clone(),
                        o.service.clone(),
                        o.sku.clone(),
                        style.money(o.cost, 6),
                        o.cause.as_str().into(),
                        o.detail.clone(),
                    ]);
                }
                g.render(format, &[], w)?;
            }
            for p in &rec.implied_prices {
                writeln!(
                    w,
                    "billed ${}/M {} for {}/{} ({}) from {} to {}; the book says {}",
                    p.billed_price,
                    p.token_class.as_str(),
                    p.provider,
                    p.model,
                    p.tier,
                    p.from,
                    p.to,
                    p.book_price
                        .map(|b| format!("${b}/M"))
                        .unwrap_or_else(|| "nothing".into())
                )?;
            }
            if !rec.out_of_scope.providers.is_empty() {
                writeln!(
                    w,
                    "not compared: {} requests ({}) of {}, which the bill does not cover",
                    rec.out_of_scope.requests,
                    style.money(rec.out_of_scope.cost, 6),
                    rec.out_of_scope
                        .providers
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
            if rec.bill_outside.0 > 0 {
                writeln!(
                    w,
                    "not compared: {} bill lines ({}) outside the period",
                    rec.bill_outside.0,
                    style.money(rec.bill_outside.1, 6)
                )?;
            }
            if let Some(n) = style.note() {
                writeln!(w, "{n}")?;
            }
            Ok(())
        }
    }
}

/// The JSON document.
pub fn to_json(rec: &Reconciliation) -> Value {
    let rows: Vec<Value> = rec
        .rows
        .iter()
        .map(|r| {
            let mut v = json!({
                "day": r.day,
                "provider": r.provider,
                "model": r.model,
                "canonical_model": r.canonical_model,
                "token_class": r.token_class.as_str(),
                "tier": r.tier,
                "geo": r.geo,
                "logged_tokens": r.logged_tokens,
                "billed_tokens": r.billed_tokens,
                "computed_cost_usd": r.computed_cost.map(exact),
                "billed_cost_usd": exact(r.billed_cost),
                "difference_usd": exact(r.difference),
                "cause": r.cause.map(Cause::as_str),
                "detail": r.detail,
                "implied_price_per_mtok": r.implied_price.map(exact),
                "book_price_per_mtok": r.book_price.map(exact),
                "book_versions": r.book_versions,
                "unpriced": r.unpriced,
                "sources": r.sources,
            });
            for (d, x) in rec.by.iter().zip(&r.dims) {
                v[d.as_str()] = Value::from(x.as_str());
            }
            v
        })
        .collect();
    let mut causes = Map::new();
    for (c, d) in &rec.causes {
        causes.insert(c.as_str().into(), json!({ "difference_usd": exact(*d) }));
    }
    let t = &rec.totals;
    json!({
        "period": {"from": rec.period.from, "to": rec.period.to, "tz": rec.period.tz},
        "rows": rows,
        "causes": causes,
        "totals": {
            "billed_cost_usd": exact(t.billed_cost),
            "computed_cost_usd": exact(t.computed_cost),
            "difference_usd": exact(t.difference),
            "unexplained_usd": exact(t.unexplained),
        },
        "other_charges": rec.other_charges.iter().map(|o| json!({
            "day": o.day, "provider": o.provider, "service": o.service, "sku": o.sku,
            "cost_usd": exact(o.cost), "cause": o.cause.as_str(), "detail": o.detail,
            "source": o.source,
        })).collect::<Vec<_>>(),
        "implied_prices": rec.implied_prices.iter().map(|p| json!({
            "provider": p.provider, "model": p.model, "canonical_model": p.canonical_model,
            "token_class": p.token_class.as_str(), "tier": p.tier,
            "billed_price_per_mtok": exact(p.billed_price),
            "book_price_per_mtok": p.book_price.map(exact),
            "from": p.from, "to": p.to, "book_versions": p.book_versions,
        })).collect::<Vec<_>>(),
        "out_of_scope": {
            "providers": rec.out_of_scope.providers,
            "requests": rec.out_of_scope.requests,
            "cost_usd": exact(rec.out_of_scope.cost),
        },
        "bill_lines_outside_period": {"lines": rec.bill_outside.0, "cost_usd": exact(rec.bill_outside.1)},
        "files": rec.files.iter().map(|f| json!({
            "path": f.path, "format": f.format.as_str(), "lines": f.lines, "total_usd": exact(f.total),
        })).collect::<Vec<_>>(),
        "notes": rec.notes,
    })
}

/// The implied prices as a `--pricing-overlay` file: one row per (provider, model, tier, first
/// day), the billed price in the class's column, the bill as source.
pub fn overlay_csv(rec: &Reconciliation, bills: &[PathBuf]) -> String {
    let source = format!(
        "bill: {}",
        bills
            .iter()
            .map(|b| b.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let cols = [
        "provider",
        "model",
        "effective_from",
        "service_tier",
        "input_per_mtok",
        "output_per_mtok",
        "cache_read_per_mtok",
        "cache_write_per_mtok",
        "cache_write_1h_per_mtok",
        "batch_input_per_mtok",
        "batch_output_per_mtok",
        "source",
    ];
    let mut rows: std::collections::BTreeMap<(String, String, String, String), Vec<String>> =
        Default::default();
    for p in &rec.implied_prices {
        let batch = p.tier == "batch";
        let col = match (p.token_class, batch) {
            (TokenClass::InputUncached, false) => "input_per_mtok",
            (TokenClass::Output, false) => "output_per_mtok",
            (TokenClass::InputUncached, true) => "batch_input_per_mtok",
            (TokenClass::Output, true) => "batch_output_per_mtok",
            (TokenClass::CacheRead, _) => "cache_read_per_mtok",
            (TokenClass::CacheWrite1h, _) => "cache_write_1h_per_mtok",
            (TokenClass::CacheWrite5m | TokenClass::CacheWriteUnknownTtl, _) => {
                "cache_write_per_mtok"
            }
        };
        let tier = if batch || p.tier == "standard" {
            String::new()
        } else {
            p.tier.clone()
        };
        let row = rows
            .entry((
                p.provider.clone(),
                p.model.clone(),
                tier.clone(),
                p.from.clone(),
            ))
            .or_insert_with(|| {
                let mut v = vec![String::new(); cols.len()];
                v[0] = p.provider.clone();
                v[1] = p.model.clone();
                v[2] = p.from.clone();
                v[3] = tier;
                v[11] = source.clone();
                v
            });
        if let Some(i) = cols.iter().position(|c| *c == col) {
            row[i] = exact(p.billed_price);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(cols);
    for r in rows.values() {
        let _ = w.write_record(r.iter().map(|c| crate::text::neutralise(c).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
