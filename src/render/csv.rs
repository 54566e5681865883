//! CSV: the `--by` columns, then [`super::MEASURE_COLUMNS`]; one row per group, no total row
//! (sum the rows, or use json). Cells that a spreadsheet would run as a formula are neutralised.

use std::io::{self, Write};

use crate::report::Report;

/// Prefixes a cell that starts with `=`, `+`, `-`, `@`, tab or CR with `'` so spreadsheets show
/// it as text; plain numbers (like `-5`) are left alone.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `-12`, `+3.5`, `0.25`: digits with an optional sign and one decimal point, nothing else.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

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

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1+2"), "'+1+2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("-1.25"), "-1.25");
        assert_eq!(neutralise("alice"), "alice");
        assert_eq!(neutralise("-inf"), "'-inf");
        assert_eq!(neutralise("+NaN"), "'+NaN");
        assert_eq!(neutralise("-1e5"), "'-1e5");
    }
}
