//! The bill in the report's shapes (`report --bill`), and the reconciliation section of the
//! HTML page.

use std::io::{self, Write};

use super::doc::Markup;
use super::grid::Grid;
use super::html::{escape, Html};
use super::{Format, Style};
use crate::money::exact;
use crate::report::reconcile::{BillView, Cause, Reconciliation};

/// The bill's breakdown as a grid; amounts exact unless `table` (then as `style` shows money).
pub fn view_grid(v: &BillView, style: Style, table: bool) -> Grid {
    let money = |d| if table { style.money(d, 6) } else { exact(d) };
    let mut cols: Vec<&str> = v.by.iter().map(String::as_str).collect();
    cols.extend([
        "lines",
        "tokens",
        "billed_cost_usd",
        "credits_usd",
        "net_usd",
    ]);
    let mut g = Grid::new(&cols);
    let mut push = |dims: Vec<String>, m: &crate::report::reconcile::view::BillMeasures| {
        let mut r = dims;
        r.extend([
            m.lines.to_string(),
            m.tokens.to_string(),
            money(m.cost),
            money(m.credits),
            money(m.net()),
        ]);
        g.rows.push(r);
    };
    for (dims, m) in &v.rows {
        push(dims.clone(), m);
    }
    if table {
        let mut dims = vec![String::new(); v.by.len()];
        if let Some(first) = dims.first_mut() {
            *first = "TOTAL".into();
        }
        push(dims, &v.total);
    }
    g
}

/// `report --bill` in a table, CSV, JSON or Markdown.
pub fn render_view(
    v: &BillView,
    format: Format,
    style: Style,
    w: &mut dyn Write,
) -> io::Result<()> {
    let table = matches!(format, Format::Table | Format::Markdown);
    if table {
        writeln!(
            w,
            "tokenledger bill: {} lines, billed {}, credits {}, net {}",
            v.total.lines,
            style.money(v.total.cost, 6),
            style.money(v.total.credits, 6),
            style.money(v.total.net(), 6)
        )?;
    }
    view_grid(v, style, table).render(format, &[], w)?;
    if table {
        if v.outside.0 > 0 {
            writeln!(
                w,
                "{} bill lines ({}) outside the period are not in it",
                v.outside.0,
                style.money(v.outside.1, 6)
            )?;
        }
        if let Some(n) = style.note() {
            writeln!(w, "{n}")?;
        }
    }
    Ok(())
}

/// The HTML page's section on the bill: the totals, the difference by cause, the rows that
/// differ (largest first, at most 100), the other charges and the chart.
pub fn html_section(
    rec: &Reconciliation,
    chart_svg: Option<&str>,
    style: Style,
    w: &mut dyn Write,
) -> io::Result<()> {
    let t = &rec.totals;
    writeln!(
        w,
        "<h2 id=\"reconciliation\">Reconciliation with the bill</h2>"
    )?;
    writeln!(
        w,
        "<p>Billed <b>{}</b>, computed from the logs <b>{}</b>: difference <b>{}</b>, of which unexplained <b>{}</b>. Every dollar of the difference has one cause below; the causes add up to the difference.</p>",
        escape(&style.money(t.billed_cost, 6)),
        escape(&style.money(t.computed_cost, 6)),
        escape(&style.money(t.difference, 6)),
        escape(&style.money(t.unexplained, 6))
    )?;
    if let Some(svg) = chart_svg {
        let body = svg.find("<svg").map_or(svg, |i| &svg[i..]);
        writeln!(
            w,
            "<div class=\"chart\" role=\"img\" aria-label=\"computed vs billed\">{body}</div>"
        )?;
    }
    let mut causes = Grid::new(&["cause", "difference", "meaning"]);
    for (c, d) in &rec.causes {
        causes.rows.push(vec![
            c.as_str().into(),
            style.money(*d, 6),
            c.meaning().into(),
        ]);
    }
    Html.table(&causes.block(Format::Html, &[]), w)?;
    let mut rows: Vec<_> = rec.rows.iter().filter(|r| r.cause.is_some()).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.difference.abs()));
    let mut g = Grid::new(&[
        "day",
        "provider",
        "model",
        "class",
        "tier",
        "logged tokens",
        "billed tokens",
        "computed",
        "billed",
        "difference",
        "cause",
        "detail",
    ]);
    for r in rows.iter().take(100) {
        g.rows.push(vec![
            r.day.clone(),
            r.provider.clone(),
            r.canonical_model.clone(),
            r.token_class.as_str().into(),
            r.tier.clone(),
            crate::money::count(r.logged_tokens),
            r.billed_tokens.map(crate::money::count).unwrap_or_default(),
            r.computed_cost
                .map(|c| style.money(c, 6))
                .unwrap_or_default(),
            style.money(r.billed_cost, 6),
            style.money(r.difference, 6),
            r.cause.map(Cause::as_str).unwrap_or_default().into(),
            r.detail.clone().unwrap_or_default(),
        ]);
    }
    if !g.rows.is_empty() {
        writeln!(w, "<h3>Rows that differ</h3>")?;
        Html.table(&g.block(Format::Html, &[]), w)?;
        if rows.len() > 100 {
            writeln!(
                w,
                "<p>... and {} more (see <code>tokenledger reconcile</code>).</p>",
                rows.len() - 100
            )?;
        }
    }
    if !rec.other_charges.is_empty() {
        let mut o = Grid::new(&[
            "day", "provider", "service", "line", "cost", "cause", "detail",
        ]);
        for c in &rec.other_charges {
            o.rows.push(vec![
                c.day.clone(),
                c.provider.clone(),
                c.service.clone(),
                c.sku.clone(),
                style.money(c.cost, 6),
                c.cause.as_str().into(),
                c.detail.clone(),
            ]);
        }
        writeln!(w, "<h3>Charges that are not token usage</h3>")?;
        Html.table(&o.block(Format::Html, &[]), w)?;
    }
    Ok(())
}
