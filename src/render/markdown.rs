//! GitHub-flavoured Markdown markup: every cell escaped, numbers right-aligned, the total in bold.

use std::io::{self, Write};

use super::doc::{Markup, TableBlock};

/// Escapes text for a Markdown table cell or paragraph.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c)
            }
            '\n' | '\r' => out.push(' '),
            c if crate::text::unsafe_char(c) => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Markdown for a README, a pull request or a wiki.
pub struct Markdown;

impl Markup for Markdown {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "# {}\n\n{}\n", escape(title), escape(subtitle))
    }
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "## {}\n", escape(text))
    }
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}\n", escape(text))
    }
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "**Warning:** {}\n", escape(text))
    }
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "**{}**\n", escape(text))
    }
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()> {
        let header: Vec<String> = t.columns.iter().map(|c| escape(&c.title)).collect();
        writeln!(w, "| {} |", header.join(" | "))?;
        let align: Vec<&str> = t
            .columns
            .iter()
            .map(|c| if c.numeric { "---:" } else { "---" })
            .collect();
        writeln!(w, "| {} |", align.join(" | "))?;
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
        if let Some(total) = &t.total {
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
        }
        writeln!(w)
    }
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()> {
        let mut c = label.chars();
        let label = c
            .next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default();
        writeln!(w, "{}:\n", escape(&label))?;
        for i in items {
            writeln!(w, "- `{}`", crate::text::printable(&i.replace('`', "'")))?;
        }
        writeln!(w)
    }
}
