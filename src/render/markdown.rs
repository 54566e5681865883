//! Markdown: the same content as the table, as GitHub-flavoured Markdown.

use std::io::{self, Write};

use crate::money::count;
use crate::report::Report;

/// Escapes text for a Markdown table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c)
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "# tokenledger cost report")?;
    writeln!(w)?;
    writeln!(w, "Period: {}", super::period_line(report))?;
    writeln!(w)?;
    let ndims = report.by.len();
    let mut header: Vec<String> = report.by.iter().map(|s| escape(s)).collect();
    header.extend(super::table::MEASURE_TITLES.iter().map(|s| s.to_string()));
    writeln!(w, "| {} |", header.join(" | "))?;
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i < ndims { "---" } else { "---:" })
        .collect();
    writeln!(w, "| {} |", align.join(" | "))?;
    let (rows, total) = super::table::display_cells(report);
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
        writeln!(w, "| {} |", cells.join(" | "))?;
    }
    let cells: Vec<String> = total
        .iter()
        .map(|c| {
            if c.is_empty() {
                String::new()
            } else {
                format!("**{}**", escape(c))
            }
        })
        .collect();
    writeln!(w, "| {} |", cells.join(" | "))?;
    if !report.unpriced.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Unpriced usage (not included in the cost above)")?;
        writeln!(w)?;
        writeln!(
            w,
            "| provider | model | requests | input tok | output tok | reason |"
        )?;
        writeln!(w, "| --- | --- | ---: | ---: | ---: | --- |")?;
        for u in &report.unpriced {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&u.provider),
                escape(&u.model),
                count(u.requests),
                count(u.input_tokens),
                count(u.output_tokens),
                escape(&u.reason)
            )?;
        }
    }
    for note in &report.warnings {
        writeln!(w)?;
        writeln!(w, "**Warning:** {}", escape(note))?;
    }
    if let Some(f) = super::forecast_line(report) {
        writeln!(w)?;
        writeln!(w, "**{}**", escape(&f))?;
    }
    writeln!(w)?;
    writeln!(w, "Accounting: {}", super::accounting_line(report))?;
    writeln!(w, "\nCoverage: {}", super::coverage::line(report))?;
    writeln!(w)?;
    writeln!(w, "Price book:")?;
    for f in &report.pricing.files {
        let overlay = if f.overlay { " (overlay)" } else { "" };
        writeln!(
            w,
            "- `{}`{overlay} (sha256 `{}`)",
            f.path.replace('`', "'"),
            f.sha256
        )?;
    }
    Ok(())
}
