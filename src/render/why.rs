//! `prices why`: the explanation of one price, as labelled lines (terminal), a two-column table
//! (Markdown, HTML, CSV) or a JSON object.

use std::io::Write;

use super::grid::Grid;
use super::Format;
use crate::pricing::{PriceBook, PriceRow};

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

/// The lines that describe the price row that priced a request: version, tier, rates, the
/// rules that filled classes, where it comes from (an overlay's own and its book row's apart).
pub fn describe(book: &PriceBook, row: &PriceRow, lines: &mut Vec<(String, String)>) {
    let d = |v: Option<rust_decimal::Decimal>| {
        v.map_or("-".to_string(), |x| format!("${}", x.normalize()))
    };
    lines.push(("price version".into(), row.version_id()));
    lines.push(("tier of the book".into(), row.tier.as_str().into()));
    lines.push(("in force from".into(), row.effective_from.clone()));
    lines.push((
        "USD per million tokens".into(),
        format!(
            "input {}, output {}, cache read {}, cache write {}, 1h cache write {}, batch {} / {}",
            d(Some(row.input)),
            d(Some(row.output)),
            d(row.cache_read),
            d(row.cache_write),
            d(row.cache_write_1h),
            d(row.batch_input),
            d(row.batch_output)
        ),
    ));
    if let Some(t) = row.long_context_threshold {
        lines.push((
            "long context".into(),
            format!(
                "prompts above {t} tokens: input {}, output {}",
                d(row.long_input),
                d(row.long_output)
            ),
        ));
    }
    if let Some(rule) = &row.rule {
        lines.push(("uplift rule".into(), rule.clone()));
    }
    // The classes the row leaves empty that a provider rule prices.
    for (class, name) in &row.filled {
        let rule = book.class_rules().iter().find(|r| &r.name == name);
        lines.push((
            format!("{class} price"),
            match rule {
                Some(r) => format!(
                    "provider rule {name}: {} x {} ({})",
                    r.factor,
                    if *class == crate::pricing::PriceClass::Batch {
                        "on-demand input and output"
                    } else {
                        "input"
                    },
                    r.source.as_deref().unwrap_or("no source")
                ),
                None => format!("provider rule {name}"),
            },
        ));
    }
    let opt = |k: &str, v: &Option<String>, lines: &mut Vec<(String, String)>| {
        if let Some(v) = v {
            lines.push((k.into(), v.clone()));
        }
    };
    opt("canonical model", &row.canonical_model, lines);
    opt("source", &row.source, lines);
    // An overlay row keeps the book row's evidence for the rates it leaves to the book: say
    // whose it is, never as if it were the overlay's.
    let of = if row.is_overlay() {
        let book_row = row.list.and_then(|i| book.rows().get(i));
        lines.push((
            "overlay".into(),
            format!(
                "your prices ({}:{}); the rates it leaves empty are the book's{}",
                row.file,
                row.line,
                book_row
                    .map(|b| format!(" ({}, {}:{})", b.version_id(), b.file, b.line))
                    .unwrap_or_default()
            ),
        ));
        "book row's "
    } else {
        ""
    };
    opt(&format!("{of}evidence"), &row.evidence, lines);
    opt(&format!("{of}confidence"), &row.confidence, lines);
    opt(&format!("{of}litellm key"), &row.litellm_key, lines);
    opt(&format!("{of}litellm commit"), &row.litellm_commit, lines);
    lines.push(("file".into(), format!("{}:{}", row.file, row.line)));
}
