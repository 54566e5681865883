//! The terminal table: breakdown rows, a total line, unpriced usage, the accounting line and
//! the price files. Costs are printed exactly, padded to one common scale.

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use crate::money::{common_scale, count, usd};
use crate::report::Report;

/// Column titles of the measures, shared with Markdown.
pub const MEASURE_TITLES: [&str; 8] = [
    "requests",
    "failed",
    "input tok",
    "cache read",
    "cache write",
    "output tok",
    "cost (USD)",
    "unpriced req",
];

/// The cells of one row in display form: dims then measures.
pub fn display_cells(report: &Report) -> (Vec<Vec<String>>, Vec<String>) {
    let scale = common_scale(
        report
            .rows
            .iter()
            .map(|r| &r.measures.cost_usd)
            .chain(std::iter::once(&report.total.cost_usd)),
    );
    let measures = |m: &crate::report::Measures| {
        vec![
            count(m.requests),
            count(m.failed_requests),
            count(m.input_tokens),
            count(m.cache_read_tokens),
            count(m.cache_write_tokens),
            count(m.output_tokens),
            usd(m.cost_usd, scale),
            if m.unpriced_requests > 0 {
                format!("! {}", count(m.unpriced_requests))
            } else {
                "0".into()
            },
        ]
    };
    let rows = report
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = r
                .dims
                .iter()
                .map(|d| {
                    d.as_deref()
                        .map_or_else(|| "-".into(), |v| crate::text::printable(v).into_owned())
                })
                .collect();
            cells.extend(measures(&r.measures));
            cells
        })
        .collect();
    let mut total: Vec<String> = vec![String::new(); report.by.len()];
    if let Some(first) = total.first_mut() {
        *first = "TOTAL".into();
    }
    total.extend(measures(&report.total));
    (rows, total)
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    let mut header: Vec<String> = report.by.clone();
    header.extend(MEASURE_TITLES.iter().map(|s| s.to_string()));
    t.set_header(header);
    let ndims = report.by.len();
    let (rows, total) = display_cells(report);
    for r in rows.into_iter().chain(std::iter::once(total)) {
        t.add_row(r.into_iter().enumerate().map(|(i, c)| {
            let cell = Cell::new(c);
            if i >= ndims {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    writeln!(w, "tokenledger cost report: {}", super::period_line(report))?;
    writeln!(w, "{t}")?;
    if !report.unpriced.is_empty() {
        writeln!(w)?;
        writeln!(w, "UNPRICED usage (not included in the cost above):")?;
        for u in &report.unpriced {
            writeln!(
                w,
                "  {}/{}: {} requests, {} input + {} output tokens: {}",
                crate::text::printable(&u.provider),
                crate::text::printable(&u.model),
                count(u.requests),
                count(u.input_tokens),
                count(u.output_tokens),
                u.reason
            )?;
        }
    }
    for note in &report.warnings {
        writeln!(w, "WARNING: {note}")?;
    }
    if let Some(f) = super::forecast_line(report) {
        writeln!(w, "{f}")?;
    }
    writeln!(w)?;
    writeln!(w, "accounting: {}", super::accounting_line(report))?;
    writeln!(w, "coverage: {}", super::coverage::line(report))?;
    for (overlay, label) in [(false, "price book"), (true, "price overlay")] {
        let files: Vec<String> = report
            .pricing
            .files
            .iter()
            .filter(|f| f.overlay == overlay)
            .map(|f| format!("{} (sha256 {})", f.path, &f.sha256[..12]))
            .collect();
        if !files.is_empty() {
            writeln!(w, "{label}: {}", files.join(", "))?;
        }
    }
    Ok(())
}
