//! Which breakdown row each priced cell adds to: the rows of a report, found by their
//! dimensions.

use super::dims::dim_text;
use super::Dims;
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

/// The row of each priced cell (an index into the second list) and each row's dimensions, in
/// order of appearance.
pub(super) fn rows_of<'a, E>(
    by: &[String],
    engine_dims: &[String],
    cells: &EachRowCell<'_, 'a, E>,
) -> Result<(Vec<u32>, Vec<Dims>), E> {
    use std::hash::BuildHasher;
    let mut row_dims: Vec<Dims> = Vec::new();
    // Labels made once: days and months, and the model ids the book priced.
    let mut days = Default::default();
    let mut models: crate::engine::FastMap<&'a str, Text> = Default::default();
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let hasher = foldhash::fast::FixedState::with_seed(0);
    let mut row_of = Vec::new();
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
        let i = match index.find(h, |&i| row_dims[i as usize] == dims) {
            Some(&i) => i,
            None => {
                // (Rows are at most the cells, which a u32 numbers in any report that fits
                // in memory.)
                let i = row_dims.len() as u32;
                row_dims.push(dims);
                index.insert_unique(h, i, |&j| hasher.hash_one(&row_dims[j as usize]));
                i
            }
        };
        row_of.push(i);
    })?;
    Ok((row_of, row_dims))
}
