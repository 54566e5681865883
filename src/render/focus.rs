//! FOCUS CSV: the typed FOCUS rows (see `report::focus`) with their columns. Text cells are
//! neutralised against spreadsheet formulas and always quoted, so a reader that infers column
//! types (the FOCUS validator does) sees an all-digit account id as the string it is; decimal
//! cells are bare; nulls are empty, unquoted fields.

use std::io::{self, Write};

use crate::report::focus::{columns, is_decimal, FocusRow, Version};

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Writes the rows of FOCUS `version` as CSV.
pub fn write(rows: &[FocusRow], version: Version, w: &mut dyn Write) -> io::Result<()> {
    let names = columns(version);
    let mut out = io::BufWriter::new(w);
    writeln!(out, "{}", names.join(","))?;
    for r in rows {
        let line: Vec<String> = r
            .cells
            .iter()
            .zip(&names)
            .map(|(c, name)| {
                if c.is_empty() {
                    String::new()
                } else if is_decimal(name) {
                    c.clone()
                } else {
                    quoted(&crate::text::neutralise(c))
                }
            })
            .collect();
        writeln!(out, "{}", line.join(","))?;
    }
    out.flush()
}
