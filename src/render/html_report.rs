//! The report's HTML page: headline cards, charts, the breakdown, unpriced usage, failures
//! and the footer, written with the HTML markup of [`super::html`] (inline CSS, no external
//! requests, every string from the logs escaped).

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::doc::{Block, Column, Markup, TableBlock};
use super::html::{escape, Html, CSS};
use crate::money::{common_scale, count, count_of};
use crate::report::failures::ErrorsReport;
use crate::report::Report;

/// Cost, requests and share of cost per value of one `--by` dimension, largest first.
fn summary_by(r: &Report, dim: &str, style: super::Style) -> Option<TableBlock> {
    let i = r.by.iter().position(|d| d == dim)?;
    let mut groups: std::collections::BTreeMap<String, (Decimal, u64, u64)> = Default::default();
    for row in &r.rows {
        let key = row
            .dims
            .get(i)
            .and_then(|d| d.as_deref())
            .unwrap_or("(none)")
            .to_string();
        let g = groups.entry(key).or_default();
        g.0 += row.measures.cost_usd;
        g.1 += row.measures.requests;
        g.2 += row.measures.unpriced_requests;
    }
    let mut rows: Vec<(String, (Decimal, u64, u64))> = groups.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    let total = r.total.cost_usd;
    let scale = common_scale(rows.iter().map(|(_, g)| &g.0).chain([&total]));
    let share = |c: Decimal| {
        if total.is_zero() {
            "-".to_string()
        } else {
            format!("{}%", (c / total * Decimal::from(100)).round_dp(1))
        }
    };
    Some(TableBlock {
        columns: vec![
            Column::text(dim),
            Column::number("cost"),
            Column::number("share"),
            Column::number("requests"),
            Column::number("unpriced req"),
        ],
        rows: rows
            .iter()
            .map(|(k, (c, n, u))| {
                // A group with no priced usage has no cost, not $0.
                let cost = if *u == *n && *n > 0 && c.is_zero() {
                    "unpriced".to_string()
                } else {
                    style.money(*c, scale)
                };
                vec![k.clone(), cost, share(*c), count(*n), count(*u)]
            })
            .collect(),
        total: None,
    })
}

/// What the HTML page shows beyond the report itself.
#[derive(Debug, Clone, Default)]
pub struct HtmlExtras {
    /// (title, SVG document) per chart.
    pub charts: Vec<(String, String)>,
    /// The previous month's label and total, for the headline change.
    pub previous: Option<(String, Decimal)>,
    /// Set when the logs cover the previous month only in part: said instead of a change.
    pub previous_partial: Option<String>,
    pub errors: Option<ErrorsReport>,
    /// The reconciliation with a bill (`report --bill`), with its chart (SVG).
    pub reconciliation: Option<(crate::report::reconcile::Reconciliation, Option<String>)>,
    /// Where each `--budget` stands (`report --budget`).
    pub budgets: Vec<crate::report::budget::Status>,
    /// The same usage by provider, for the summary when `--by` has no provider.
    pub by_provider: Option<Report>,
}

/// Renders the page.
pub fn render(
    r: &Report,
    x: &HtmlExtras,
    style: super::Style,
    w: &mut dyn Write,
) -> io::Result<()> {
    let scale = common_scale(
        r.rows
            .iter()
            .map(|row| &row.measures.cost_usd)
            .chain(std::iter::once(&r.total.cost_usd)),
    );
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<title>tokenledger cost report</title><style>{CSS}</style></head><body><main>"
    )?;
    writeln!(
        w,
        "<h1>LLM cost report</h1><p class=\"sub\">{}</p>",
        escape(&r.period.days_label())
    )?;
    // Headline.
    writeln!(w, "<div class=\"cards\">")?;
    let t = &r.total;
    if t.requests > 0 && t.unpriced_requests == t.requests {
        // Nothing has a price: the cost is unknown, not $0.
        writeln!(
            w,
            "<div class=\"card\"><div class=\"l\">Total cost</div><div class=\"v\">unknown</div><div class=\"l up\">{} and none has a price</div>",
            escape(&count_of(t.requests, "request"))
        )?;
    } else {
        writeln!(
            w,
            "<div class=\"card\"><div class=\"l\">Total cost (priced usage)</div><div class=\"v\">{}</div>",
            escape(&style.money(t.cost_usd, scale))
        )?;
        if t.unpriced_requests > 0 {
            writeln!(
                w,
                "<div class=\"l up\">without {} that have no price</div>",
                escape(&count_of(t.unpriced_requests, "request"))
            )?;
        }
    }
    if let (Some((label, prev)), Some(partial)) = (&x.previous, &x.previous_partial) {
        writeln!(
            w,
            "<div class=\"l\">{} {}: {}</div>",
            escape(label),
            escape(&style.money(*prev, common_scale([prev]))),
            escape(partial)
        )?;
    } else if let Some((label, prev)) = &x.previous {
        let diff = r.total.cost_usd - prev;
        let pct = if prev.is_zero() {
            String::new()
        } else {
            format!(" ({:+}%)", (diff / prev * Decimal::from(100)).round_dp(1))
        };
        let class = if diff.is_sign_positive() {
            "up"
        } else {
            "down"
        };
        writeln!(
            w,
            "<div class=\"l {class}\">{}{}{} vs {} ({})</div>",
            if diff.is_sign_positive() { "+" } else { "" },
            escape(&style.money(diff, common_scale([&diff, prev]))),
            escape(&pct),
            escape(label),
            escape(&style.money(*prev, common_scale([prev])))
        )?;
    }
    writeln!(w, "</div>")?;
    writeln!(w, "<div class=\"card\"><div class=\"l\">Requests</div><div class=\"v\">{}</div><div class=\"l\">{} failed</div></div>", count(r.total.requests), count(r.total.failed_requests))?;
    writeln!(
        w,
        "<div class=\"card\"><div class=\"l\">Tokens in (uncached) / out</div><div class=\"v\">{} / {}</div><div class=\"l\">and {} cache read, {} cache write</div></div>",
        count(r.total.input_tokens - r.total.cache_read_tokens - r.total.cache_write_tokens),
        count(r.total.output_tokens),
        count(r.total.cache_read_tokens),
        count(r.total.cache_write_tokens)
    )?;
    writeln!(w, "</div>")?;
    if let Some(f) = &r.forecast {
        writeln!(
            w,
            "<div class=\"proj\"><b>Projection, not a bill:</b> {} is in progress. {} spent in its first {} days; at that run-rate the month ends near <b>{}</b> ({} days).</div>",
            escape(&f.month),
            escape(&style.money(f.cost_so_far, common_scale([&f.cost_so_far]))),
            escape(&f.days_elapsed),
            escape(&crate::money::usd(f.projected, 2)),
            f.days_in_month
        )?;
    }
    if !x.budgets.is_empty() {
        // The same lines as `tokenledger check --budget`.
        writeln!(w, "<h2 id=\"budgets\">Budgets</h2>")?;
        let over = x.budgets.iter().filter(|b| b.state != "ok").count();
        if over > 0 {
            writeln!(
                w,
                "<div class=\"warn\"><b>{over} of {} budgets</b> spent or projected past their amount.</div>",
                x.budgets.len()
            )?;
        }
        Html.table(
            &super::budget::grid(&x.budgets, false).block(super::Format::Html, &[]),
            w,
        )?;
    }
    if r.total.unpriced_requests > 0 {
        writeln!(w, "<div class=\"warn\"><b>Unpriced usage:</b> {} without a price, not in the total (see below).</div>", count_of(r.total.unpriced_requests, "request"))?;
    }
    for note in &r.warnings {
        writeln!(w, "<div class=\"warn\">{}</div>", escape(note))?;
    }
    // The summary first: spend by provider and by the allocation dimensions of --by.
    // The provider summary leads whatever --by is.
    let providers = if r.by.iter().any(|d| d == "provider") {
        None
    } else {
        x.by_provider
            .as_ref()
            .and_then(|p| summary_by(p, "provider", style))
    };
    let summaries: Vec<TableBlock> = providers
        .into_iter()
        .chain(
            r.by.iter()
                .filter(|d| !matches!(d.as_str(), "month" | "day" | "model"))
                .filter_map(|d| summary_by(r, d, style)),
        )
        .collect();
    if !summaries.is_empty() {
        writeln!(w, "<h2 id=\"summary\">Summary</h2>")?;
        for t in &summaries {
            Html.table(t, w)?;
        }
    }
    // Charts.
    if !x.charts.is_empty() {
        writeln!(w, "<h2 id=\"charts\">Charts</h2>")?;
        for (title, svg) in &x.charts {
            // The SVG comes from plotters, which escapes its text; strip any XML prolog.
            let body = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
            writeln!(
                w,
                "<div class=\"chart\" role=\"img\" aria-label=\"{}\">{}</div>",
                escape(title),
                body
            )?;
        }
    }
    // Breakdown, with the tier of the book that priced each row.
    let mut t = super::layout::breakdown(r, style);
    // On a phone the tier goes with the other columns a narrow screen hides.
    t.columns.push(Column::text("priced by").droppable(1));
    let tiers = |m: &crate::report::Measures| m.priced_by_labels().join(", ");
    for (cells, row) in t.rows.iter_mut().zip(&r.rows) {
        cells.push(tiers(&row.measures));
    }
    if let Some(total) = &mut t.total {
        total.push(tiers(&r.total));
    }
    writeln!(w, "<h2 id=\"breakdown\">Breakdown</h2>")?;
    Html.table(&t, w)?;
    if let Some((rec, svg)) = &x.reconciliation {
        super::bill::html_section(rec, svg.as_deref(), style, w)?;
    }
    writeln!(w, "<h2 id=\"unpriced\">Unpriced usage</h2>")?;
    match super::layout::unpriced(r) {
        Some(u) => Html.table(&u, w)?,
        None => writeln!(w, "<p>None: every request was priced.</p>")?,
    }
    if let Some(e) = &x.errors {
        writeln!(w, "<h2 id=\"failures\">Failures and request rate</h2>")?;
        writeln!(w, "<p>{}</p>", escape(&super::failures::headline(e)))?;
        let (failures, rate) = super::failures::tables(e, 200, 50);
        if !failures.rows.is_empty() {
            // The per-day list can be long (170 rows made the page 9,100 px tall): behind its
            // summary line, opened on demand.
            writeln!(
                w,
                "<details><summary>Failed requests by day, status and model: {} (show)</summary>",
                escape(&count_of(e.failures.len() as u64, "row"))
            )?;
            Html.table(&failures, w)?;
            writeln!(w, "</details>")?;
            if e.failures.len() > 200 {
                writeln!(
                    w,
                    "<p>... and {} more rows (see <code>tokenledger errors</code>).</p>",
                    e.failures.len() - 200
                )?;
            }
        }
        writeln!(w, "<h3>Peak requests per minute</h3>")?;
        Html.table(&rate, w)?;
        if let Some(n) = super::failures::not_per_minute_note(e) {
            Html.text(&n, w)?;
        }
    }
    writeln!(w, "<h2>Accounting</h2>")?;
    let mut book_heading = false;
    for b in super::layout::footer(r, style) {
        match b {
            Block::Text(t) => Html.text(&t, w)?,
            Block::List { label, items } => {
                if !book_heading {
                    writeln!(w, "<h2>Price book</h2>")?;
                    book_heading = true;
                }
                Html.list(&label, &items, w)?
            }
            _ => {}
        }
    }
    writeln!(
        w,
        "<p>Price versions used: {}</p>",
        escape(&r.pricing.versions_used.join(", "))
    )?;
    writeln!(w, "<footer>Generated by tokenledger {}. Money is exact decimal; every cost can be checked against the price versions above.</footer>", env!("CARGO_PKG_VERSION"))?;
    writeln!(w, "</main></body></html>")?;
    Ok(())
}

/// What `--out-dir`'s report.md has beyond the tables, as the page has it: the change against
/// the previous month, the budget lines (as `check --budget` prints them) and the charts
/// (title, file name).
pub fn markdown_extras(
    w: &mut dyn Write,
    change: Option<&str>,
    budgets: &[crate::report::budget::Status],
    charts: &[(String, String)],
) -> io::Result<()> {
    if let Some(line) = change {
        writeln!(w, "\n{line}")?;
    }
    if !budgets.is_empty() {
        writeln!(w, "\n## Budgets\n")?;
        super::budget::grid(budgets, false).render(super::Format::Markdown, &[], w)?;
    }
    if !charts.is_empty() {
        writeln!(w, "\n## Charts\n")?;
        for (title, file) in charts {
            writeln!(w, "![{}]({file})\n", super::markdown::escape(title))?;
        }
    }
    Ok(())
}
