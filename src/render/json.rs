//! JSON: the report serialised as it is (`impl Serialize for Report`): `{"by", "period", "rows",
//! "total", "unpriced", "accounting", "rejections", "warnings", "forecast", "pricing",
//! "coverage"}`. Money is a decimal string (exact); counts are integers.

use std::io::{self, Write};

use crate::report::Report;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    writeln!(w)
}
