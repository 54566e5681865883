//! `check`: budgets and spend anomalies as tables (terminal, Markdown, CSV) or a JSON payload
//! for a cron job.

use std::io::{self, Write};

use serde_json::json;

use super::grid::Grid;
use super::Format;
use crate::money::{cents, exact};
use crate::report::anomaly::{Anomaly, Rule};
use crate::report::budget::Status;
use crate::report::Period;

/// Renders the budgets and, when anomalies were looked for, what was found and by which rule.
pub fn render(
    s: &[Status],
    anomalies: Option<(&[Anomaly], &Rule)>,
    period: &Period,
    format: Format,
    w: &mut dyn Write,
) -> io::Result<()> {
    let money = |d| {
        if format == Format::Csv {
            exact(d)
        } else {
            cents(d)
        }
    };
    if format == Format::Json {
        let budgets: Vec<_> = s
            .iter()
            .map(|x| {
                json!({
                    "budget": x.budget.text,
                    "dimension": x.budget.scope.as_ref().map(|(d, _)| d),
                    "value": x.budget.scope.as_ref().map(|(_, v)| v),
                    "amount_usd": exact(x.budget.amount),
                    "spent_usd": exact(x.spent),
                    "projected_usd": exact(x.projected),
                    "unpriced_requests": x.unpriced_requests,
                    "state": x.state,
                })
            })
            .collect();
        let mut doc = json!({
            "period": {"from": period.from, "to": period.to, "tz": period.tz},
            "budgets": budgets,
            "over": s.iter().any(|x| x.state != "ok"),
        });
        if let Some((found, rule)) = anomalies {
            doc["anomaly_rule"] = json!(rule.describe());
            doc["anomalies"] = found
                .iter()
                .map(|a| {
                    json!({
                        "day": a.day,
                        "provider": a.provider,
                        "model": a.model,
                        "kind": a.kind,
                        "spend_usd": exact(a.spend),
                        "baseline_usd": exact(a.baseline),
                        "spread_usd": exact(a.spread),
                        "baseline_days": a.days,
                    })
                })
                .collect();
        }
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        return writeln!(w);
    }
    let g = grid(s, format == Format::Csv);
    if !s.is_empty() {
        if format != Format::Csv {
            writeln!(w, "budgets for {}", period.days_label())?;
        }
        g.render(format, &[], w)?;
    }
    let Some((found, rule)) = anomalies else {
        return Ok(());
    };
    let mut g = Grid::new(&[
        "day",
        "provider",
        "model",
        "kind",
        "spend",
        "baseline",
        "baseline days",
    ]);
    for a in found {
        g.rows.push(vec![
            a.day.clone(),
            a.provider.clone(),
            a.model.clone(),
            a.kind.into(),
            money(a.spend),
            money(a.baseline),
            a.days.to_string(),
        ]);
    }
    if format == Format::Csv {
        // One CSV per run: with budgets, the anomalies follow after a blank line.
        if !s.is_empty() {
            writeln!(w)?;
        }
        return g.render(format, &[], w);
    }
    writeln!(
        w,
        "{}spend anomalies in {}: {}",
        if s.is_empty() { "" } else { "\n" },
        period.days_label(),
        if found.is_empty() {
            "none".to_string()
        } else {
            crate::money::count(found.len() as u64)
        }
    )?;
    if !found.is_empty() {
        g.render(format, &[], w)?;
    }
    writeln!(w, "(rule: {})", rule.describe())
}

/// The budgets as a grid (exact amounts for CSV, else cents): budget, amount, spent,
/// projected, state, unpriced requests.
pub fn grid(s: &[Status], exact_amounts: bool) -> Grid {
    let money = |d| if exact_amounts { exact(d) } else { cents(d) };
    let mut g = Grid::new(&[
        "budget",
        "amount",
        "spent",
        "projected",
        "state",
        "unpriced requests",
    ]);
    for x in s {
        g.rows.push(vec![
            x.budget.text.clone(),
            money(x.budget.amount),
            money(x.spent),
            money(x.projected),
            // Words in tables and on the page; csv and json keep the state's name.
            match (x.state, exact_amounts) {
                ("over_projected", false) => "over (projected)".into(),
                (state, _) => state.into(),
            },
            crate::money::count(x.unpriced_requests),
        ]);
    }
    g
}
