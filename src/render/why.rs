//! `prices why`: the explanation of one price, as labelled lines (terminal), a two-column table
//! (Markdown, HTML, CSV) or a JSON object.

use std::io::Write;

use super::grid::Grid;
use super::Format;

/// Writes `(label, value)` lines in `format`.
pub fn render(lines: &[(String, String)], format: Format, w: &mut dyn Write) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let obj: serde_json::Map<String, serde_json::Value> = lines
                .iter()
                .map(|(k, v)| (k.replace(' ', "_"), serde_json::Value::String(v.clone())))
                .collect();
            serde_json::to_writer_pretty(&mut *w, &obj)?;
            writeln!(w)?;
        }
        Format::Table => {
            let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in lines {
                writeln!(w, "{k:width$}  {}", crate::text::printable(v))?;
            }
        }
        Format::Csv | Format::Markdown | Format::Html => {
            let mut g = Grid::new(&["field", "value"]);
            g.rows
                .extend(lines.iter().map(|(k, v)| vec![k.clone(), v.clone()]));
            g.render(format, &[], w)?;
        }
        Format::Focus => anyhow::bail!("a price explanation has no FOCUS form"),
    }
    Ok(())
}
