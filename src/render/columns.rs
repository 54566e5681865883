//! `tokenledger columns`: the dimensions of some logs as a table (csv, json, markdown too).

use std::io::Write;

use super::grid::Grid;
use super::Format;
use crate::money::count;
use crate::report::columns::Columns;

/// Writes the listing in `format`.
/// Writes the listing; `width` is the terminal's (the table is fitted to it).
pub fn render(
    c: &Columns,
    format: Format,
    width: Option<usize>,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *w, c)?;
        writeln!(w)?;
        return Ok(());
    }
    let mut g = Grid::new(&["column", "kind", "rows", "distinct", "examples"]);
    g.width = width;
    let numbers = format == Format::Csv;
    for col in &c.columns {
        g.rows.push(vec![
            col.name.clone(),
            col.kind.to_string(),
            if numbers {
                col.rows.to_string()
            } else {
                count(col.rows)
            },
            format!(
                "{}{}",
                if numbers {
                    col.distinct.to_string()
                } else {
                    count(col.distinct as u64)
                },
                if col.distinct_capped { "+" } else { "" }
            ),
            col.examples.join(", "),
        ]);
    }
    g.render(format, &[], w)?;
    Ok(())
}
