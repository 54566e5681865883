//! A plain grid of text cells rendered in every output format: used by listings such as
//! `prices list` whose columns are all text.

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::doc::{Block, Column, Doc, Markup, TableBlock};
use super::Format;

/// Column names and rows of cells (empty text means "no value").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The terminal's width for `Format::Table`: the columns after the first two are hidden
    /// from the right to fit it, and the note under the table names them.
    pub width: Option<usize>,
    /// Columns to hide first to fit, in order (the least telling of a listing).
    pub drop_first: Vec<&'static str>,
    /// Columns kept while the text cells can wrap onto two lines instead (a listing's prices).
    pub wrap_first: Vec<&'static str>,
    /// Columns never hidden to fit (a history's dates).
    pub keep: Vec<&'static str>,
}

impl Grid {
    pub fn new(columns: &[&str]) -> Self {
        Grid {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            width: None,
            drop_first: Vec::new(),
            wrap_first: Vec::new(),
            keep: Vec::new(),
        }
    }

    /// The grid as a table block of `format` (see [`Grid::render`] for `table_columns`).
    pub fn block(&self, format: Format, table_columns: &[&str]) -> TableBlock {
        let idx: Vec<usize> = if table_columns.is_empty() || format != Format::Table {
            (0..self.columns.len()).collect()
        } else {
            table_columns
                .iter()
                .filter_map(|c| self.columns.iter().position(|x| x == c))
                .collect()
        };
        // A column whose every value is a number (counts, amounts, shares) is
        // right-aligned.
        let numeric = |i: usize| {
            let mut cells = self
                .rows
                .iter()
                .map(|r| r[i].as_str())
                .filter(|c| !c.is_empty());
            let mut any = false;
            let all = cells.all(|c| {
                any = true;
                looks_numeric(c)
            });
            any && all
        };
        TableBlock {
            columns: idx
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let title = if format == Format::Table {
                        terminal_title(&self.columns[i])
                    } else {
                        self.columns[i].clone()
                    };
                    let c = if numeric(i) {
                        Column::number(&title)
                    } else {
                        Column::text(&title)
                    };
                    // The first two columns (what a row is) stay unless they have one value
                    // in every row (a listing of one provider); the rest go from the right, a
                    // column empty in every row first. The columns a listing marks
                    // `wrap_first` stay while its text can wrap onto two lines instead.
                    let empty = self.rows.iter().all(|r| r[i].is_empty());
                    let constant =
                        self.rows.len() > 1 && self.rows.iter().all(|r| r[i] == self.rows[0][i]);
                    let first = self.drop_first.iter().position(|n| *n == self.columns[i]);
                    let c = if self.wrap_first.contains(&self.columns[i].as_str()) {
                        c.wrap_first()
                    } else {
                        c
                    };
                    let kept = self.keep.contains(&self.columns[i].as_str());
                    let c = if kept { c.whole() } else { c };
                    match (self.width.is_some() && !kept, k >= 2, empty, first) {
                        (false, _, _, _) => c,
                        (true, false, _, _) if constant => c.droppable(251),
                        (true, false, _, _) => c,
                        (true, true, true, _) => c.droppable(250),
                        (true, true, false, Some(p)) => c.droppable(249 - p.min(40) as u8),
                        (true, true, false, None) => c.droppable(k.min(200) as u8),
                    }
                })
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|r| idx.iter().map(|&i| r[i].clone()).collect())
                .collect(),
            total: None,
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
            Format::Table | Format::Markdown | Format::Html => {
                let t = self.block(format, table_columns);
                let doc = Doc {
                    blocks: vec![Block::Table(t)],
                };
                match format {
                    Format::Table => super::table::Text {
                        width: self.width,
                        color: false,
                    }
                    .write(&doc, w),
                    Format::Markdown => super::markdown::Markdown.write(&doc, w),
                    _ => super::html::page("tokenledger", &doc, w),
                }
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
        }
    }
}

/// A column's header in a terminal table, where width is short: a price column
/// (`cache_write_1h_per_mtok`) is named by its token class and unit (`cache wr 1h $/M`: USD per
/// million tokens); other names stay as they are. CSV, JSON, Markdown and HTML keep the full
/// names.
fn terminal_title(name: &str) -> String {
    if name == "long_context_threshold" {
        return "long ctx from".into();
    }
    let Some(class) = name.strip_suffix("_per_mtok") else {
        return name.to_string();
    };
    let words: Vec<&str> = class
        .split('_')
        .map(|w| match w {
            "input" => "in",
            "output" => "out",
            "read" => "rd",
            "write" => "wr",
            other => other,
        })
        .collect();
    format!("{} $/M", words.join(" "))
}

/// `1,234`, `-0.5`, `$12.50`, `15.5%`, `1000+`: a number as tables print it.
fn looks_numeric(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '+']).trim_start_matches('$');
    let t = t.trim_end_matches(['%', '+']);
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_headers_are_short_in_a_terminal() {
        assert_eq!(terminal_title("input_per_mtok"), "in $/M");
        assert_eq!(terminal_title("cache_write_1h_per_mtok"), "cache wr 1h $/M");
        assert_eq!(terminal_title("batch_output_per_mtok"), "batch out $/M");
        assert_eq!(terminal_title("long_context_threshold"), "long ctx from");
        assert_eq!(terminal_title("effective_from"), "effective_from");
    }

    #[test]
    fn numbers_are_recognised() {
        for n in [
            "1", "1,234", "-0.5", "$12.50", "-$3", "15.5%", "1000+", "0.000001",
        ] {
            assert!(looks_numeric(n), "{n}");
        }
        for t in ["", "-", "abc", "2025-06", "1.2.3x", "$", "v1:0", "gpt-4o"] {
            assert!(!looks_numeric(t), "{t}");
        }
    }
}
