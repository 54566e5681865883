//! CSV: the `--by` columns, then [`super::MEASURE_COLUMNS`]; one row per group, no total row
//! (sum the rows, or use json). Cells that a spreadsheet would run as a formula are neutralised.

use std::io::{self, Write};

use crate::report::Report;
use crate::text::neutralise;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = report.by.iter().map(String::as_str).collect();
    header.extend(super::MEASURE_COLUMNS);
    out.write_record(&header)?;
    for r in &report.rows {
        let m = &r.measures;
        let mut rec: Vec<String> = r
            .dims
            .iter()
            .map(|d| neutralise(d.as_deref().unwrap_or("")).into_owned())
            .collect();
        rec.extend([
            m.requests.to_string(),
            m.failed_requests.to_string(),
            m.input_tokens.to_string(),
            m.cache_read_tokens.to_string(),
            m.cache_write_tokens.to_string(),
            m.output_tokens.to_string(),
            crate::money::exact(m.cost_usd),
            m.unpriced_requests.to_string(),
            m.price_versions
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        out.write_record(&rec)?;
    }
    out.flush()
}
