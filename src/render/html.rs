//! The self-contained HTML report: inline CSS and SVG charts, no external requests, every string
//! from the logs escaped.

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::money::{common_scale, count, usd};
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
th,td{border:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef0f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:600;background:#f3f4f6}
.chart{background:#fff;border:1px solid #d9dde3;border-radius:8px;margin:12px 0;padding:8px;overflow-x:auto}
.chart svg{max-width:100%;height:auto}
code{font-size:12px}footer{color:#5b6472;font-size:12px;margin-top:32px}
";

fn td(s: &str) -> String {
    format!("<td>{}</td>", escape(s))
}
fn tdn(s: &str) -> String {
    format!("<td class=\"n\">{}</td>", escape(s))
}

/// Renders the page.
pub fn render(r: &Report, x: &HtmlExtras, w: &mut dyn Write) -> io::Result<()> {
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
    writeln!(w, "<div class=\"card\"><div class=\"l\">Total cost (priced usage)</div><div class=\"v\">{}</div>", escape(&usd(r.total.cost_usd, scale)))?;
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
            escape(&usd(diff, common_scale([&diff, prev]))),
            escape(&pct),
            escape(label),
            escape(&usd(*prev, common_scale([prev])))
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
            escape(&usd(f.cost_so_far, common_scale([&f.cost_so_far]))),
            escape(&f.days_elapsed),
            escape(&usd(f.projected, 2)),
            f.days_in_month
        )?;
    }
    if r.total.unpriced_requests > 0 {
        writeln!(w, "<div class=\"warn\"><b>Unpriced usage:</b> {} requests have no price and are not in the total (see below).</div>", count(r.total.unpriced_requests))?;
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
    // Breakdown.
    writeln!(w, "<h2 id=\"breakdown\">Breakdown</h2><table><thead><tr>")?;
    for d in &r.by {
        write!(w, "<th>{}</th>", escape(d))?;
    }
    for t in [
        "requests",
        "failed",
        "input tokens",
        "cache read",
        "cache write",
        "output tokens",
        "cost (USD)",
        "unpriced requests",
        "priced by",
    ] {
        write!(w, "<th>{t}</th>")?;
    }
    writeln!(w, "</tr></thead><tbody>")?;
    let measures = |m: &crate::report::Measures| {
        [
            tdn(&count(m.requests)),
            tdn(&count(m.failed_requests)),
            tdn(&count(m.input_tokens)),
            tdn(&count(m.cache_read_tokens)),
            tdn(&count(m.cache_write_tokens)),
            tdn(&count(m.output_tokens)),
            tdn(&usd(m.cost_usd, scale)),
            tdn(&count(m.unpriced_requests)),
            td(&m
                .priced_by
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")),
        ]
        .concat()
    };
    for row in &r.rows {
        let dims: String = row
            .dims
            .iter()
            .map(|d| td(d.as_deref().unwrap_or("-")))
            .collect();
        writeln!(w, "<tr>{dims}{}</tr>", measures(&row.measures))?;
    }
    let mut total = String::from("<td>TOTAL</td>");
    for _ in 1..r.by.len() {
        total.push_str("<td></td>");
    }
    writeln!(
        w,
        "<tr class=\"total\">{total}{}</tr></tbody></table>",
        measures(&r.total)
    )?;
    // Unpriced.
    writeln!(w, "<h2 id=\"unpriced\">Unpriced usage</h2>")?;
    if r.unpriced.is_empty() {
        writeln!(w, "<p>None: every request was priced.</p>")?;
    } else {
        writeln!(w, "<table><thead><tr><th>provider</th><th>model</th><th>requests</th><th>input tokens</th><th>output tokens</th><th>reason</th></tr></thead><tbody>")?;
        for u in &r.unpriced {
            writeln!(
                w,
                "<tr>{}{}{}{}{}{}</tr>",
                td(&u.provider),
                td(&u.model),
                tdn(&count(u.requests)),
                tdn(&count(u.input_tokens)),
                tdn(&count(u.output_tokens)),
                td(&u.reason)
            )?;
        }
        writeln!(w, "</tbody></table>")?;
    }
    // Failures.
    if let Some(e) = &x.errors {
        writeln!(w, "<h2 id=\"failures\">Failures and request rate</h2>")?;
        let classes: Vec<String> = e
            .by_class
            .iter()
            .map(|(c, n)| format!("{c}: {n}"))
            .collect();
        writeln!(
            w,
            "<p>{} of {} requests failed{}. Peak rate over all providers: {} requests per minute.</p>",
            count(e.failed_requests),
            count(e.requests),
            if classes.is_empty() { String::new() } else { format!(" ({})", escape(&classes.join(", "))) },
            count(e.overall_peak_requests_per_minute)
        )?;
        if !e.failures.is_empty() {
            writeln!(w, "<table><thead><tr><th>provider</th><th>model</th><th>day</th><th>status</th><th>class</th><th>failed requests</th></tr></thead><tbody>")?;
            for f in e.failures.iter().take(200) {
                writeln!(
                    w,
                    "<tr>{}{}{}{}{}{}</tr>",
                    td(&f.provider),
                    td(&f.model),
                    td(&f.day),
                    tdn(&f.status.to_string()),
                    td(f.class),
                    tdn(&count(f.failed_requests))
                )?;
            }
            writeln!(w, "</tbody></table>")?;
            if e.failures.len() > 200 {
                writeln!(
                    w,
                    "<p>... and {} more rows (see <code>tokenledger errors</code>).</p>",
                    e.failures.len() - 200
                )?;
            }
        }
        writeln!(w, "<h3>Peak requests per minute</h3><table><thead><tr><th>provider</th><th>model</th><th>requests</th><th>peak per minute</th><th>at (UTC)</th>{}</tr></thead><tbody>", if e.rate_limit_per_minute.is_some() { "<th>minutes over limit</th>" } else { "" })?;
        for x in e.rate.iter().take(50) {
            let over = if e.rate_limit_per_minute.is_some() {
                tdn(&count(x.minutes_over_limit))
            } else {
                String::new()
            };
            writeln!(
                w,
                "<tr>{}{}{}{}{}{over}</tr>",
                td(&x.provider),
                td(&x.model),
                tdn(&count(x.requests)),
                tdn(&count(x.peak_requests_per_minute)),
                td(&x.peak_minute)
            )?;
        }
        writeln!(w, "</tbody></table>")?;
    }
    // Accounting and provenance.
    writeln!(
        w,
        "<h2>Accounting</h2><p>{}</p><p>Coverage: {}</p>",
        escape(&super::accounting_line(r)),
        escape(&super::coverage::line(r))
    )?;
    writeln!(w, "<h2>Price book</h2><table><thead><tr><th>file</th><th>sha256</th><th>rows</th></tr></thead><tbody>")?;
    for f in &r.pricing.files {
        let name = if f.overlay {
            format!("{} (overlay)", f.path)
        } else {
            f.path.clone()
        };
        writeln!(
            w,
            "<tr>{}<td><code>{}</code></td>{}</tr>",
            td(&name),
            escape(&f.sha256),
            tdn(&f.rows.to_string())
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    writeln!(
        w,
        "<p>Price versions used: {}</p>",
        escape(&r.pricing.versions_used.join(", "))
    )?;
    writeln!(w, "<footer>Generated by tokenledger {}. Money is exact decimal; every cost can be checked against the price versions above.</footer>", env!("CARGO_PKG_VERSION"))?;
    writeln!(w, "</main></body></html>")?;
    Ok(())
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
