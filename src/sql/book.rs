//! What the query takes from the price book, written into it as literals: the price epoch of
//! an instant and the mask of the time windows that cover it.

use super::Dialect;
use crate::pricing::PriceBook;

const DAY_US: i64 = 86_400_000_000;

/// The epoch of `us`: how many boundaries are at or before it, as a binary search of nested
/// CASEs over the boundaries inside the period (`base` lie at or before its start).
pub(super) fn epoch_expr(bounds: &[i64], base: usize) -> String {
    if bounds.is_empty() {
        return base.to_string();
    }
    let mid = bounds.len() / 2;
    format!(
        "CASE WHEN us < {} THEN {} ELSE {} END",
        bounds[mid],
        epoch_expr(&bounds[..mid], base),
        epoch_expr(&bounds[mid + 1..], base + mid + 1)
    )
}

/// The window mask: bit `i` when the book's window `i` covers the row's instant and provider
/// (the model is checked by tokenledger after resolving aliases). Windows whose effective range
/// misses the period add nothing.
pub(super) fn window_mask(
    d: Dialect,
    book: &PriceBook,
    from: Option<i64>,
    to: Option<i64>,
    prov: &str,
) -> String {
    let day = d.div("us", &DAY_US.to_string());
    let minute = d.div(&d.rem("us", &DAY_US.to_string()), "60000000");
    let weekday = |shift: &str| d.rem(&format!("{day}{shift} + 3"), "7");
    let mut terms = Vec::new();
    for (i, w) in book.windows().iter().enumerate().take(63) {
        let misses = to.is_some_and(|t| w.effective_from_us >= t)
            || matches!((w.effective_to_us, from), (Some(e), Some(f)) if e <= f);
        if misses {
            continue;
        }
        let days: Vec<String> = (0..7)
            .filter(|b| w.days.0 & (1 << b) != 0)
            .map(|b| b.to_string())
            .collect();
        let on = |shift: &str| format!("{} IN ({})", weekday(shift), days.join(", "));
        let time = if w.start_min < w.end_min {
            format!(
                "{} AND {minute} >= {} AND {minute} < {}",
                on(""),
                w.start_min,
                w.end_min
            )
        } else {
            format!(
                "({} AND {minute} >= {}) OR ({} AND {minute} < {})",
                on(""),
                w.start_min,
                on(" - 1"),
                w.end_min
            )
        };
        let mut range = format!("us >= {}", w.effective_from_us);
        if let Some(e) = w.effective_to_us {
            range.push_str(&format!(" AND us < {e}"));
        }
        terms.push(format!(
            "CASE WHEN {prov} = {} AND {range} AND ({time}) THEN {} ELSE 0 END",
            d.lit(&w.provider),
            1u64 << i
        ));
    }
    if terms.is_empty() {
        "0".to_string()
    } else {
        terms.join(" + ")
    }
}
