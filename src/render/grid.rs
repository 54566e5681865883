//! A plain grid of text cells rendered in every output format: used by listings such as
//! `prices list` whose columns are all text.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde_json::{Map, Value};

use super::Format;

/// Column names and rows of cells (empty text means "no value").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    pub fn new(columns: &[&str]) -> Self {
        Grid {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Renders the grid; `table_columns` picks the columns a terminal table shows (all when
    /// empty), the other formats always carry every column.
    pub fn render(
        &self,
        format: Format,
        table_columns: &[&str],
        w: &mut dyn Write,
    ) -> io::Result<()> {
        match format {
            Format::Table => {
                let idx: Vec<usize> = if table_columns.is_empty() {
                    (0..self.columns.len()).collect()
                } else {
                    table_columns
                        .iter()
                        .filter_map(|c| self.columns.iter().position(|x| x == c))
                        .collect()
                };
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED);
                t.set_header(idx.iter().map(|&i| self.columns[i].clone()));
                for r in &self.rows {
                    t.add_row(idx.iter().map(|&i| r[i].clone()));
                }
                writeln!(w, "{t}")
            }
            Format::Csv | Format::Focus => {
                let mut out = csv::Writer::from_writer(w);
                out.write_record(&self.columns)?;
                for r in &self.rows {
                    out.write_record(r.iter().map(|c| crate::text::neutralise(c).into_owned()))?;
                }
                out.flush()
            }
            Format::Json => {
                let rows: Vec<Value> = self
                    .rows
                    .iter()
                    .map(|r| {
                        let mut m = Map::new();
                        for (c, v) in self.columns.iter().zip(r) {
                            m.insert(
                                c.clone(),
                                if v.is_empty() {
                                    Value::Null
                                } else {
                                    Value::from(v.as_str())
                                },
                            );
                        }
                        Value::Object(m)
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut *w, &Value::Array(rows))?;
                writeln!(w)
            }
            Format::Html => {
                let e = super::html::escape;
                writeln!(w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tokenledger</title></head><body><table>")?;
                writeln!(
                    w,
                    "<tr>{}</tr>",
                    self.columns
                        .iter()
                        .map(|c| format!("<th>{}</th>", e(c)))
                        .collect::<String>()
                )?;
                for r in &self.rows {
                    writeln!(
                        w,
                        "<tr>{}</tr>",
                        r.iter()
                            .map(|c| format!("<td>{}</td>", e(c)))
                            .collect::<String>()
                    )?;
                }
                writeln!(w, "</table></body></html>")
            }
            Format::Markdown => {
                let esc = super::markdown::escape;
                writeln!(
                    w,
                    "| {} |",
                    self.columns
                        .iter()
                        .map(|c| esc(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )?;
                writeln!(w, "|{}", " --- |".repeat(self.columns.len()))?;
                for r in &self.rows {
                    writeln!(
                        w,
                        "| {} |",
                        r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
                    )?;
                }
                Ok(())
            }
        }
    }
}
