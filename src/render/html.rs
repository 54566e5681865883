//! The HTML markup: escaping, the page's style sheet, a self-contained page of one laid-out
//! document (listings, the failures report) and the [`Markup`] of tables and text. The report's
//! own page is `html_report`.

use std::io::{self, Write};

use super::doc::{Doc, Markup, TableBlock};

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

pub const CSS: &str = "
body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1240px;margin:0 auto;padding:24px}
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
th{white-space:normal;min-width:4em}td.wrap{white-space:normal;min-width:16em}td.id{white-space:normal;min-width:14em}
.phone{display:none;color:#5b6472;font-size:12px;margin:0 0 8px}
th{background:#eef0f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:600;background:#f3f4f6}
.chart{background:#fff;border:1px solid #d9dde3;border-radius:8px;margin:12px 0;padding:8px;overflow-x:auto}
.chart svg{max-width:100%;height:auto}
code{font-size:12px}footer{color:#5b6472;font-size:12px;margin-top:32px}
@media (max-width:600px){main{padding:8px}table{font-size:11.5px}th,td{padding:3px 4px}td.id{min-width:6em}.d{display:none}.phone{display:block}.card{min-width:0;flex:1 1 140px}.card .v{font-size:20px}.chart{padding:4px}.chart svg{width:100%}}
";

/// `s` escaped, with a break opportunity after each separator of an id (`/`, `-`, `.`, `:`,
/// `_`, `@`), so a long model id wraps between its parts, never inside one.
fn breakable(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        if matches!(c, '/' | '-' | '.' | ':' | '_' | '@') {
            out.push_str("<wbr>");
        }
    }
    out
}

fn td(s: &str) -> String {
    format!("<td>{}</td>", escape(s))
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
        // Short cells do not wrap (a month is not split at its hyphen); a long id wraps after
        // its separators only, headers at their spaces. On a phone the columns a narrow
        // terminal would drop first (`drop_rank` > 0) are hidden, and a line under the table
        // names them; what is left still scrolls inside its box.
        let hide =
            |c: &crate::render::doc::Column| if c.drop_rank > 0 { " class=\"d\"" } else { "" };
        write!(w, "<div class=\"tw\"><table><thead><tr>")?;
        for c in &t.columns {
            write!(w, "<th{}>{}</th>", hide(c), escape(&c.title))?;
        }
        writeln!(w, "</tr></thead><tbody>")?;
        let cells = |row: &[String]| -> String {
            row.iter()
                .zip(&t.columns)
                .map(|(v, c)| {
                    let d = if c.drop_rank > 0 { " d" } else { "" };
                    if c.numeric {
                        format!("<td class=\"n{d}\">{}</td>", escape(v))
                    } else if v.chars().count() > 60 || (v.contains(' ') && v.chars().count() > 24)
                    {
                        // Sentences and lists of names ("curated, rule:…") wrap at their
                        // spaces and after an id's separators.
                        format!("<td class=\"wrap{d}\">{}</td>", breakable(v))
                    } else if v.chars().count() > 16 && !v.contains(' ') {
                        format!("<td class=\"id{d}\">{}</td>", breakable(v))
                    } else if c.drop_rank > 0 {
                        format!("<td class=\"d\">{}</td>", escape(v))
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
        writeln!(w, "</tbody></table></div>")?;
        let hidden: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.drop_rank > 0)
            .map(|c| c.title.as_str())
            .collect();
        if !hidden.is_empty() {
            writeln!(
                w,
                "<p class=\"phone\">Hidden on this narrow screen: {} (a wider screen shows them).</p>",
                escape(&hidden.join(", "))
            )?;
        }
        Ok(())
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
