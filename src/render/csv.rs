//! CSV: the `--by` columns, then every measure of [`MEASURES`], `price_versions` and
//! `priced_by` (tiers of the book, then `rule:<name>` per provider rule); one row per group, no total row (sum the rows, or use json). Cells that a
//! spreadsheet would run as a formula are neutralised.

use std::io::{self, Write};

use crate::report::measures::{MeasureValue, MEASURES};
use crate::report::Report;
use crate::text::neutralise;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = report.by.iter().map(String::as_str).collect();
    header.extend(MEASURES.iter().map(|m| m.name));
    header.extend(["price_versions", "priced_by"]);
    out.write_record(&header)?;
    for r in &report.rows {
        let m = &r.measures;
        let mut rec: Vec<String> = r
            .dims
            .iter()
            .map(|d| neutralise(d.as_deref().unwrap_or("")).into_owned())
            .collect();
        rec.extend(MEASURES.iter().map(|c| match (c.get)(m) {
            MeasureValue::Count(n) => n.to_string(),
            MeasureValue::Money(d) => crate::money::exact(d),
        }));
        let versions: Vec<&str> = m.price_versions.iter().map(|v| &**v).collect();
        rec.push(neutralise(&versions.join(" ")).into_owned());
        rec.push(m.priced_by_labels().join(" "));
        out.write_record(&rec)?;
    }
    out.flush()
}
