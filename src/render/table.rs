//! The terminal markup: tables drawn with comfy-table, numbers right-aligned, text from the logs
//! stripped of control characters. Given a width (a terminal's), a table that does not fit
//! leaves out its droppable columns (least useful first) and says so, then wraps text cells;
//! with colour, totals are bold and unpriced usage stands out.

use std::io::{self, Write};

use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table,
};

use super::doc::{Markup, TableBlock};
use crate::text::printable;

/// Plain text for a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    /// Fit tables to this many columns of characters.
    pub width: Option<usize>,
    /// Bold totals, unpriced usage in colour (ANSI escapes).
    pub color: bool,
}

impl Text {
    fn draw(&self, t: &TableBlock, keep: &[bool]) -> Table {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_header(
            t.columns
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c.title.clone()),
        );
        let total_row = t.rows.len();
        for (i, row) in t.rows.iter().chain(t.total.iter()).enumerate() {
            table.add_row(
                row.iter()
                    .zip(&t.columns)
                    .zip(keep)
                    .filter(|(_, k)| **k)
                    .map(|((cell, col), _)| {
                        let mut c = Cell::new(printable(cell));
                        if col.numeric {
                            c = c.set_alignment(CellAlignment::Right);
                        }
                        if self.color {
                            if i == total_row {
                                c = c.add_attribute(Attribute::Bold);
                            }
                            if cell.starts_with("! ") || cell == "unpriced" || cell == "unknown" {
                                c = c.fg(Color::Yellow);
                            }
                        }
                        c
                    }),
            );
        }
        table
    }
}

/// The widest line of a drawn table, in characters.
fn drawn_width(table: &Table) -> usize {
    table
        .lines()
        .map(|l| strip_ansi(&l).chars().count())
        .max()
        .unwrap_or(0)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` wrapped at spaces to `width` characters (a word longer than the width stays whole).
pub fn wrap_words(text: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let mut len = 0;
        for word in line.split(' ') {
            let n = word.chars().count();
            if len > 0 && len + 1 + n > width {
                out.push('\n');
                len = 0;
            } else if len > 0 {
                out.push(' ');
                len += 1;
            }
            out.push_str(word);
            len += n;
        }
    }
    out
}

impl Markup for Text {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()> {
        let line = format!("{title}: {}", printable(subtitle));
        writeln!(w, "{}", wrap_words(&line, self.width))
    }
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "\n{}:", wrap_words(&printable(text), self.width))
    }
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", wrap_words(&printable(text), self.width))
    }
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        let line = format!("WARNING: {}", printable(text));
        writeln!(w, "{}", wrap_words(&line, self.width))
    }
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", wrap_words(&printable(text), self.width))
    }
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()> {
        let mut keep = vec![true; t.columns.len()];
        let mut table = self.draw(t, &keep);
        let mut hidden = Vec::new();
        if let Some(width) = self.width {
            while drawn_width(&table) > width {
                // The droppable column of the highest rank still shown.
                let next = t
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| keep[*i] && c.drop_rank > 0)
                    .max_by_key(|(i, c)| (c.drop_rank, *i))
                    .map(|(i, _)| i);
                let Some(i) = next else { break };
                keep[i] = false;
                hidden.push(t.columns[i].title.clone());
                table = self.draw(t, &keep);
            }
            if drawn_width(&table) > width {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(width.min(u16::MAX as usize) as u16);
                // Text wraps; a number is never cut in two (the table may then be wider).
                let shown = t.columns.iter().zip(&keep).filter(|(_, k)| **k);
                for (j, (c, _)) in shown.enumerate() {
                    if c.numeric {
                        if let Some(col) = table.column_mut(j) {
                            col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                        }
                    }
                }
            }
        }
        writeln!(w, "{table}")?;
        if !hidden.is_empty() {
            let note = format!(
                "({} hidden to fit {} columns: {}; a wider terminal shows them, csv and json have them all)",
                if hidden.len() == 1 { "1 column" } else { "columns" },
                self.width.unwrap_or(0),
                hidden.join(", ")
            );
            writeln!(w, "{}", wrap_words(&note, self.width))?;
        }
        Ok(())
    }
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{label}: {}", printable(&items.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::doc::Column;

    fn table() -> TableBlock {
        TableBlock {
            columns: vec![
                Column::text("model"),
                Column::number("requests"),
                Column::number("cache write").droppable(2),
                Column::number("failed").droppable(1),
                Column::number("cost (USD)"),
            ],
            rows: vec![vec![
                "a-long-model-name".into(),
                "1,000".into(),
                "50,000".into(),
                "3".into(),
                "$1.25".into(),
            ]],
            total: Some(vec![
                "TOTAL".into(),
                "1,000".into(),
                "50,000".into(),
                "3".into(),
                "$1.25".into(),
            ]),
        }
    }

    fn out(t: Text) -> String {
        let mut v = Vec::new();
        t.table(&table(), &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn numbers_are_never_wrapped_only_text() {
        let narrow = out(Text {
            width: Some(30),
            ..Text::default()
        });
        for n in ["1,000", "$1.25"] {
            assert!(narrow.contains(n), "{n} cut in\n{narrow}");
        }
    }

    #[test]
    fn a_narrow_terminal_drops_columns_by_rank_and_says_so() {
        let wide = out(Text::default());
        assert!(wide.contains("cache write") && wide.contains("failed"));
        let full = wide.lines().map(|l| l.chars().count()).max().unwrap();
        let narrow = out(Text {
            width: Some(full - 1),
            color: false,
        });
        let header = |t: &str| t.lines().nth(1).unwrap_or_default().to_string();
        assert!(!header(&narrow).contains("cache write"), "{narrow}");
        assert!(header(&narrow).contains("failed"), "{narrow}");
        assert!(narrow.contains("(1 column hidden to fit"), "{narrow}");
        for l in narrow.lines().filter(|l| l.starts_with('│')) {
            assert!(l.chars().count() < full, "{l}");
        }
        // Very narrow: both droppable columns go, then text wraps; nothing is wider.
        let tiny = out(Text {
            width: Some(40),
            color: false,
        });
        assert!(
            !header(&tiny).contains("failed") && !header(&tiny).contains("cache write"),
            "{tiny}"
        );
        assert!(tiny.contains("$1.25"), "{tiny}");
        for l in tiny
            .lines()
            .filter(|l| l.starts_with('│') || l.starts_with('┌'))
        {
            assert!(l.chars().count() <= 40, "{l}");
        }
    }

    #[test]
    fn colour_is_only_there_when_asked_for() {
        assert!(!out(Text::default()).contains('\u{1b}'));
        let c = out(Text {
            width: None,
            color: true,
        });
        assert!(c.contains("\u{1b}["), "{c:?}");
    }
}
