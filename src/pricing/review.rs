//! Review of a loaded book beyond what loading enforces: missing canonical models, values that
//! look like unit errors, input far above output, cache reads above input.

use rust_decimal::Decimal;

use super::findings::{finding, Finding, Severity};
use super::row::col;
use super::PriceBook;

impl PriceBook {
    /// Review findings beyond what loading enforces: missing canonical models, suspicious
    /// values that look like unit errors, input far above output, overlapping regional rows.
    pub fn review(&self) -> Vec<Finding> {
        let mut out = self.warnings.clone();
        let hi = Decimal::from(1000);
        let lo = Decimal::new(1, 3);
        for r in &self.rows {
            let w = |column: Option<&str>, message: String| {
                finding(Severity::Warning, &r.file, r.line, column, message)
            };
            // Generated rows without one are counted by `prices update`; a curated row should
            // have one.
            if r.canonical_model.is_none() && r.tier != super::BookTier::Generated {
                out.push(w(
                    Some(col::CANONICAL_MODEL),
                    format!(
                        "{} has no canonical model (provider comparisons cannot use it)",
                        r.version_id()
                    ),
                ));
            }
            let prices = [
                (col::INPUT, Some(r.input)),
                (col::OUTPUT, Some(r.output)),
                (col::CACHE_READ, r.cache_read),
                (col::CACHE_WRITE, r.cache_write),
                (col::CACHE_WRITE_1H, r.cache_write_1h),
                (col::BATCH_INPUT, r.batch_input),
                (col::BATCH_OUTPUT, r.batch_output),
                (col::LONG_INPUT, r.long_input),
                (col::LONG_OUTPUT, r.long_output),
            ];
            for (c, p) in prices {
                if let Some(p) = p {
                    if p > hi {
                        out.push(w(
                            Some(c),
                            format!(
                                "${p} per million tokens looks like a unit error (above $1,000)"
                            ),
                        ));
                    } else if !p.is_zero() && p < lo {
                        out.push(w(
                            Some(c),
                            format!(
                                "${p} per million tokens looks like a unit error (below $0.001)"
                            ),
                        ));
                    }
                }
            }
            if !r.output.is_zero() && r.input > r.output * Decimal::from(5) {
                out.push(w(
                    Some(col::INPUT),
                    format!(
                        "input ${} is more than 5x output ${} (swapped?)",
                        r.input, r.output
                    ),
                ));
            }
            if let Some(cr) = r.cache_read {
                if cr > r.input {
                    out.push(w(
                        Some(col::CACHE_READ),
                        format!("cache read ${cr} is above input ${}", r.input),
                    ));
                }
            }
        }
        out
    }
}
