//! The terminal markup: tables drawn with comfy-table, numbers right-aligned, text from the logs
//! stripped of control characters.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use super::doc::{Markup, TableBlock};
use crate::report::Report;
use crate::text::printable;

/// Plain text for a terminal.
pub struct Text;

impl Markup for Text {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{title}: {}", printable(subtitle))
    }
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "\n{}:", printable(text))
    }
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", printable(text))
    }
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "WARNING: {}", printable(text))
    }
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}", printable(text))
    }
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()> {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(t.columns.iter().map(|c| c.title.clone()));
        for row in t.rows.iter().chain(t.total.iter()) {
            table.add_row(row.iter().zip(&t.columns).map(|(cell, col)| {
                let c = Cell::new(printable(cell));
                if col.numeric {
                    c.set_alignment(CellAlignment::Right)
                } else {
                    c
                }
            }));
        }
        writeln!(w, "{table}")
    }
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{label}: {}", printable(&items.join(", ")))
    }
}

pub fn render(report: &Report, style: super::Style, w: &mut dyn Write) -> io::Result<()> {
    Text.write(&super::layout::document(report, style), w)
}
