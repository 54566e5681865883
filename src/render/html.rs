//! The self-contained HTML report: inline CSS and SVG charts, no external requests, every string
//! from the logs escaped.

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::doc::{Block, Column, Doc, Markup, TableBlock};
use crate::money::{common_scale, count, count_of};
use crate::report::failures::ErrorsReport;
use crate::report::Report;

/// What the HTML page shows beyond the report itself.
#[derive(Debug, Clone, Default)]
pub struct HtmlExtras {
    /// (title, SVG document) per chart.
    pub charts: Vec<(String, String)>,
    /// The previous month's label and total, for the headline change.
    pub previous: Option<(String, Decimal)>,
    pub errors: Option<ErrorsReport>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
.sub{color:#5b6472;margin:0 0 20px}
.cards{display:flex;gap:16px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:14px 18px;min-width:200px}
.card .v{font-size:26px;font-weight:600}.card .l{color:#5b6472;font-size:13px}
.up{color:#b42318}.down{color:#067647}
.warn{background:#fff4e5;border:1px solid #f5b15c;border-radius:8px;padding:10px 14px;margin:12px 0}
.proj{background:#eef4ff;border:1px solid #9bb8f3;border-radius:8px;padding:10px 14px;margin:12px 0}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%}
.tw{overflow-x:auto;margin:0 0 8px}
th,td{border:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:16em}
th{background:#eef0f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:600;background:#f3f4f6}
.chart{background:#fff;border:1px solid #d9dde3;border-radius:8px;margin:12px 0;padding:8px;overflow-x:auto}
.chart svg{max-width:100%;height:auto}
code{font-size:12px}footer{color:#5b6472;font-size:12px;margin-top:32px}
@media (max-width:600px){main{padding:12px}.card{min-width:0;flex:1 1 140px}.card .v{font-size:20px}.chart svg{max-width:none;width:760px}}
";

fn td(s: &str) -> String {
    format!("<td>{}</td>", escape(s))
}
fn tdn(s: &str) -> String {
    format!("<td class=\"n\">{}</td>", escape(s))
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
        escape(&super::period_line(r))
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
    if let Some((label, prev)) = &x.previous {
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
        "<div class=\"card\"><div class=\"l\">Tokens in / out</div><div class=\"v\">{} / {}</div><div class=\"l\">{} cache read, {} cache write</div></div>",
        count(r.total.input_tokens),
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
    if r.total.unpriced_requests > 0 {
        writeln!(w, "<div class=\"warn\"><b>Unpriced usage:</b> {} without a price, not in the total (see below).</div>", count_of(r.total.unpriced_requests, "request"))?;
    }
    for note in &r.warnings {
        writeln!(w, "<div class=\"warn\">{}</div>", escape(note))?;
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
    t.columns.push(Column::text("priced by"));
    let tiers = |m: &crate::report::Measures| m.priced_by_labels().join(", ");
    for (cells, row) in t.rows.iter_mut().zip(&r.rows) {
        cells.push(tiers(&row.measures));
    }
    if let Some(total) = &mut t.total {
        total.push(tiers(&r.total));
    }
    writeln!(w, "<h2 id=\"breakdown\">Breakdown</h2>")?;
    Html.table(&t, w)?;
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
            Html.table(&failures, w)?;
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

/// A self-contained page of one laid-out document (listings, the failures report).
pub fn page(title: &str, doc: &Doc, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title><style>{CSS}</style></head><body><main>",
        escape(title)
    )?;
    Html.write(doc, w)?;
    writeln!(w, "</main></body></html>")
}

/// HTML fragments (the page's sections, and listings written as HTML).
pub struct Html;

impl Markup for Html {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(
            w,
            "<h1>{}</h1><p class=\"sub\">{}</p>",
            escape(title),
            escape(subtitle)
        )
    }
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<h2>{}</h2>", escape(text))
    }
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<p>{}</p>", escape(text))
    }
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<div class=\"warn\">{}</div>", escape(text))
    }
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "<div class=\"proj\">{}</div>", escape(text))
    }
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()> {
        // Cells do not wrap (a month is not split at its hyphen); a wide table scrolls inside
        // its box on a narrow screen.
        write!(w, "<div class=\"tw\"><table><thead><tr>")?;
        for c in &t.columns {
            write!(w, "<th>{}</th>", escape(&c.title))?;
        }
        writeln!(w, "</tr></thead><tbody>")?;
        let cells = |row: &[String]| -> String {
            row.iter()
                .zip(&t.columns)
                .map(|(v, c)| {
                    if c.numeric {
                        tdn(v)
                    } else if v.chars().count() > 60 {
                        format!("<td class=\"wrap\">{}</td>", escape(v))
                    } else {
                        td(v)
                    }
                })
                .collect()
        };
        for row in &t.rows {
            writeln!(w, "<tr>{}</tr>", cells(row))?;
        }
        if let Some(total) = &t.total {
            writeln!(w, "<tr class=\"total\">{}</tr>", cells(total))?;
        }
        writeln!(w, "</tbody></table></div>")
    }
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()> {
        write!(w, "<p>{}:</p><ul>", escape(label))?;
        for i in items {
            write!(w, "<li><code>{}</code></li>", escape(i))?;
        }
        writeln!(w, "</ul>")
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
