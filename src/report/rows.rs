//! Which breakdown row each priced cell adds to: the rows of a report, found by their
//! dimensions.

use super::dims::dim_text;
use super::{Dims, Measures, Row};
use crate::engine::{Cell, GroupKey, PricedCell, Pricing};
use crate::text::shared::Text;

/// What finding a cell's row needs: the cell, its key and what priced it (the canonical model
/// and the model id the book priced), which only `--by model` and `--by canonical_model` read.
pub(super) struct RowCell<'a> {
    cell: &'a Cell,
    key: &'a GroupKey,
    canonical: Option<&'a str>,
    priced_model: Option<&'a str>,
}

impl<'a> RowCell<'a> {
    pub fn of(pc: &PricedCell<'a>) -> Self {
        let (canonical, priced_model) = match &pc.pricing {
            Pricing::Priced { row, retired, .. } => (
                row.canonical_model.as_deref(),
                // The model as the book priced it: an alias and the id it stands for are one
                // row (a retired model priced as its redirect target keeps the id the logs
                // name).
                (retired.is_none() && *row.provider == *pc.key.provider)
                    .then_some(row.model.as_str()),
            ),
            Pricing::Unpriced(_) => (None, None),
        };
        RowCell {
            cell: pc.cell,
            key: pc.key,
            canonical,
            priced_model,
        }
    }

    /// A cell not priced: only for `--by` lists that [`needs_pricing`] says need no price.
    pub fn unpriced(cell: &'a Cell, key: &'a GroupKey) -> Self {
        RowCell {
            cell,
            key,
            canonical: None,
            priced_model: None,
        }
    }
}

/// Whether finding rows by `by` reads what priced a cell.
pub(super) fn needs_pricing(by: &[String]) -> bool {
    by.iter()
        .any(|d| d == crate::usage::col::MODEL || d == super::CANONICAL_MODEL)
}

/// Calls its argument with every cell of a report, as [`RowCell`]s, in the order of the
/// priced cells.
pub(super) type EachRowCell<'e, 'a, E> = dyn Fn(&mut dyn FnMut(RowCell<'a>)) -> Result<(), E> + 'e;

/// Most rows a report reserves room for at once (640 MB of address space, not memory).
const RESERVED_ROWS: usize = 1 << 22;

/// The row of each of the `n` cells (an index into the second list) and the rows with their
/// dimensions and empty measures, in order of appearance.
///
/// The rows are at most the cells: their vector reserves that many (up to [`RESERVED_ROWS`])
/// and is trimmed at the end. Address space reserved and never written is not memory (the
/// system maps a page when it is first written), so the rows cost what they hold, without the
/// doubling growth that held a third of a million-group report's peak and without a list of
/// dimensions beside them (25 MB there).
pub(super) fn rows_of<'a, E>(
    by: &[String],
    engine_dims: &[String],
    n: usize,
    cells: &EachRowCell<'_, 'a, E>,
) -> Result<(Vec<u32>, Vec<Row>), E> {
    use std::hash::BuildHasher;
    let mut rows: Vec<Row> = Vec::with_capacity(n.min(RESERVED_ROWS));
    // Labels made once: days and months, and the model ids the book priced.
    let mut days = Default::default();
    let mut models: crate::engine::FastMap<&'a str, Text> = Default::default();
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let hasher = foldhash::fast::FixedState::with_seed(0);
    let mut row_of = Vec::with_capacity(n);
    cells(&mut |rc: RowCell<'a>| {
        let RowCell {
            cell,
            key,
            canonical,
            priced_model,
        } = rc;
        let dims: Dims = by
            .iter()
            .map(|d| match (d.as_str(), priced_model) {
                (crate::usage::col::MODEL, Some(m)) => {
                    Some(models.entry(m).or_insert_with(|| Text::from(m)).clone())
                }
                _ => dim_text(d, cell, key, canonical, engine_dims, &mut days),
            })
            .collect();
        let h = hasher.hash_one(&dims);
        let i = match index.find(h, |&i| rows[i as usize].dims == dims) {
            Some(&i) => i,
            None => {
                // (Rows are at most the cells, which a u32 numbers in any report that fits
                // in memory.)
                let i = rows.len() as u32;
                rows.push(Row {
                    dims,
                    measures: Measures::default(),
                });
                index.insert_unique(h, i, |&j| hasher.hash_one(&rows[j as usize].dims));
                i
            }
        };
        row_of.push(i);
    })?;
    rows.shrink_to_fit();
    Ok((row_of, rows))
}
