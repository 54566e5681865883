//! Price listings (`prices list`, `prices history`), book diffs and validation findings as
//! grids, in the price-table's column order.

use rust_decimal::Decimal;

use super::grid::Grid;
use crate::pricing::diff::RowChange;
use crate::pricing::{self, Finding, PriceRow, Severity};

/// Columns of a price listing, in the price-table format plus `overlay`, the book's tier and
/// the uplift rule that derived a row.
pub const COLUMNS: [&str; 28] = [
    "provider",
    "model",
    "region",
    "service_tier",
    "effective_from",
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "reasoning_per_mtok",
    "batch_input_per_mtok",
    "batch_output_per_mtok",
    "long_context_threshold",
    "long_input_per_mtok",
    "long_output_per_mtok",
    "long_cache_read_per_mtok",
    "long_cache_write_per_mtok",
    "canonical_model",
    "currency",
    "source",
    "evidence",
    "confidence",
    "litellm_key",
    "litellm_commit",
    "tier",
    "rule",
    "overlay",
];

/// What a terminal table shows of a listing.
pub const TABLE_COLUMNS: [&str; 14] = [
    "provider",
    "model",
    "region",
    "service_tier",
    "effective_from",
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "batch_input_per_mtok",
    "batch_output_per_mtok",
    "long_context_threshold",
    "canonical_model",
    "tier",
];

fn d(x: Option<Decimal>) -> String {
    x.map(|v| v.normalize().to_string()).unwrap_or_default()
}

/// A row's cells in [`COLUMNS`] order: the price-table cells, rearranged, plus `overlay`.
fn cells(r: &PriceRow) -> Vec<String> {
    let table = pricing::table_record(r);
    COLUMNS
        .iter()
        .map(|c| match pricing::col::ALL.iter().position(|x| x == c) {
            Some(i) => table[i].clone(),
            None => match *c {
                "tier" => r.tier.as_str().into(),
                "rule" => r.rule.clone().unwrap_or_default(),
                _ if r.is_overlay() => "true".into(),
                _ => String::new(),
            },
        })
        .collect()
}

/// A listing of price rows.
pub fn listing(rows: &[&PriceRow]) -> Grid {
    let mut grid = Grid::new(&COLUMNS);
    grid.rows.extend(rows.iter().map(|r| cells(r)));
    // To fit a terminal: the book's tier, the canonical name, thresholds and batch and cache
    // rates go before input and output prices.
    grid.drop_first = vec![
        "tier",
        "canonical_model",
        "long_context_threshold",
        "batch_output_per_mtok",
        "batch_input_per_mtok",
        "region",
        "service_tier",
        "cache_write_per_mtok",
        "effective_from",
        "cache_read_per_mtok",
    ];
    // Input and output prices stay: a long model id wraps onto a second line first.
    grid.wrap_first = vec!["input_per_mtok", "output_per_mtok"];
    grid
}

/// The versions of a model: a listing whose dates and regions are never hidden (without them
/// a history's rows read as duplicates).
pub fn history(rows: &[&PriceRow]) -> Grid {
    let mut grid = listing(rows);
    grid.keep = vec!["effective_from", "region"];
    grid
}

/// What changed between two books.
pub fn diff_grid(changes: &[RowChange<'_>]) -> Grid {
    let mut grid = Grid::new(&[
        "change",
        "provider",
        "model",
        "region",
        "effective_from",
        "old_input_per_mtok",
        "new_input_per_mtok",
        "input_change_pct",
        "old_output_per_mtok",
        "new_output_per_mtok",
        "output_change_pct",
        "other_changes",
    ]);
    for c in changes {
        let r = c.new.or(c.old).expect("a change has a row");
        let pct = |o: Option<Decimal>, n: Option<Decimal>| match (o, n) {
            (Some(o), Some(n)) => pricing::diff::percent(o, n),
            _ => String::new(),
        };
        grid.rows.push(vec![
            c.kind.as_str().into(),
            r.provider.clone(),
            r.model.clone(),
            r.region.clone().unwrap_or_default(),
            r.effective_from.clone(),
            d(c.old.map(|x| x.input)),
            d(c.new.map(|x| x.input)),
            pct(c.old.map(|x| x.input), c.new.map(|x| x.input)),
            d(c.old.map(|x| x.output)),
            d(c.new.map(|x| x.output)),
            pct(c.old.map(|x| x.output), c.new.map(|x| x.output)),
            c.other.join("; "),
        ]);
    }
    grid
}

/// Validation findings, one per row.
pub fn findings_grid(all: &[Finding]) -> Grid {
    let mut grid = Grid::new(&["severity", "file", "line", "column", "message"]);
    for f in all {
        grid.rows.push(vec![
            match f.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            f.file.clone(),
            f.line.to_string(),
            f.column.clone().unwrap_or_default(),
            f.message.clone(),
        ]);
    }
    grid
}
