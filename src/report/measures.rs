//! The measure columns of a breakdown row: one table (name, title, accessor) that every output
//! format reads, so no format can drift from the others (CSV once lacked `reasoning_tokens`).

use rust_decimal::Decimal;

use super::Measures;

/// The value of one measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureValue {
    Count(u64),
    Money(Decimal),
}

/// One measure column.
#[derive(Debug, Clone, Copy)]
pub struct MeasureColumn {
    /// The machine name (CSV header, JSON key).
    pub name: &'static str,
    /// The title in tables meant for people.
    pub title: &'static str,
    /// Shown in the terminal, Markdown and HTML tables (all columns are in CSV and JSON).
    pub in_tables: bool,
    pub get: fn(&Measures) -> MeasureValue,
}

const fn c(
    name: &'static str,
    title: &'static str,
    in_tables: bool,
    get: fn(&Measures) -> MeasureValue,
) -> MeasureColumn {
    MeasureColumn {
        name,
        title,
        in_tables,
        get,
    }
}

/// Every measure, in output order.
///
/// Tables show input without cache tokens beside cache reads and writes: the three add up to
/// `input_tokens` (which includes them, as OpenTelemetry counts), kept in CSV and JSON.
pub const MEASURES: [MeasureColumn; 10] = [
    c("requests", "requests", true, |m| {
        MeasureValue::Count(m.requests)
    }),
    c("failed_requests", "failed", true, |m| {
        MeasureValue::Count(m.failed_requests)
    }),
    c("input_tokens", "input tok (all)", false, |m| {
        MeasureValue::Count(m.input_tokens)
    }),
    c("uncached_input_tokens", "input (uncached)", true, |m| {
        MeasureValue::Count(
            m.input_tokens
                .saturating_sub(m.cache_read_tokens)
                .saturating_sub(m.cache_write_tokens),
        )
    }),
    c("cache_read_tokens", "cache read", true, |m| {
        MeasureValue::Count(m.cache_read_tokens)
    }),
    c("cache_write_tokens", "cache write", true, |m| {
        MeasureValue::Count(m.cache_write_tokens)
    }),
    c("output_tokens", "output tok", true, |m| {
        MeasureValue::Count(m.output_tokens)
    }),
    c("reasoning_tokens", "reasoning tok", false, |m| {
        MeasureValue::Count(m.reasoning_tokens)
    }),
    c("cost_usd", "cost (USD)", true, |m| {
        MeasureValue::Money(m.cost_usd)
    }),
    c("unpriced_requests", "unpriced req", true, |m| {
        MeasureValue::Count(m.unpriced_requests)
    }),
];

/// `--columns`: measure names (or `all`) as a mask over [`MEASURES`].
pub fn parse_columns(s: &str) -> Result<u16, ColumnsError> {
    if s.trim() == "all" {
        return Ok((1u16 << MEASURES.len()) - 1);
    }
    let mut mask = 0u16;
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(i) = MEASURES.iter().position(|m| m.name == name) else {
            return Err(ColumnsError(name.to_string()));
        };
        mask |= 1 << i;
    }
    if mask == 0 {
        return Err(ColumnsError(s.to_string()));
    }
    Ok(mask)
}

/// A `--columns` name that is not a measure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a measure (use requests, failed_requests, input_tokens, uncached_input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, unpriced_requests, or all)")]
pub struct ColumnsError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_field_is_read() {
        let mut names: Vec<&str> = MEASURES.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MEASURES.len());
        let m = Measures {
            requests: 1,
            failed_requests: 2,
            input_tokens: 30,
            cache_read_tokens: 4,
            cache_write_tokens: 5,
            output_tokens: 6,
            reasoning_tokens: 7,
            cost_usd: Decimal::new(8, 0),
            unpriced_requests: 9,
            ..Default::default()
        };
        let values: Vec<MeasureValue> = MEASURES.iter().map(|c| (c.get)(&m)).collect();
        let counts: Vec<u64> = values
            .iter()
            .filter_map(|v| match v {
                MeasureValue::Count(n) => Some(*n),
                MeasureValue::Money(_) => None,
            })
            .collect();
        assert_eq!(counts, vec![1, 2, 30, 21, 4, 5, 6, 7, 9]);
        assert!(values.contains(&MeasureValue::Money(Decimal::new(8, 0))));
    }
}
