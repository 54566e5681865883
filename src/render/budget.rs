//! `check`: budgets as a table (terminal, Markdown, CSV) or a JSON payload for a cron job.

use std::io::{self, Write};

use serde_json::json;

use super::grid::Grid;
use super::Format;
use crate::money::{cents, exact};
use crate::report::budget::Status;
use crate::report::Period;

pub fn render(s: &[Status], period: &Period, format: Format, w: &mut dyn Write) -> io::Result<()> {
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
        let doc = json!({
            "period": {"from": period.from, "to": period.to, "tz": period.tz},
            "budgets": budgets,
            "over": s.iter().any(|x| x.state != "ok"),
        });
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        return writeln!(w);
    }
    let mut g = Grid::new(&[
        "budget",
        "amount",
        "spent",
        "projected",
        "state",
        "unpriced requests",
    ]);
    let money = |d| {
        if format == Format::Csv {
            exact(d)
        } else {
            cents(d)
        }
    };
    for x in s {
        g.rows.push(vec![
            x.budget.text.clone(),
            money(x.budget.amount),
            money(x.spent),
            money(x.projected),
            x.state.into(),
            x.unpriced_requests.to_string(),
        ]);
    }
    if format != Format::Csv {
        writeln!(w, "budgets for {}", period.days_label())?;
    }
    g.render(format, &[], w)
}
