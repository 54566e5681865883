//! Which breakdown row each priced cell adds to: the rows of a report, found by their
//! dimensions.

use super::dims::dim_text;
use super::Dims;
use crate::engine::{PricedCell, Pricing};
use crate::text::shared::Text;

/// The row of each priced cell (an index into the second list) and each row's dimensions, in
/// order of appearance.
pub(super) fn rows_of<'a, E>(
    by: &[String],
    engine_dims: &[String],
    cells: &super::EachCell<'_, 'a, E>,
) -> Result<(Vec<u32>, Vec<Dims>), E> {
    use std::hash::BuildHasher;
    let mut row_dims: Vec<Dims> = Vec::new();
    // Labels made once: days and months, and the model ids the book priced.
    let mut days = Default::default();
    let mut models: crate::engine::FastMap<&'a str, Text> = Default::default();
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let hasher = foldhash::fast::FixedState::with_seed(0);
    let mut row_of = Vec::new();
    cells(&mut |pc: &PricedCell<'a>| {
        let (cell, key) = (pc.cell, pc.key);
        let canonical = match &pc.pricing {
            Pricing::Priced { row, .. } => row.canonical_model.as_deref(),
            Pricing::Unpriced(_) => None,
        };
        // The model as the book priced it: an alias and the id it stands for are one row
        // (a retired model priced as its redirect target keeps the id the logs name).
        let priced_model = match &pc.pricing {
            Pricing::Priced {
                row, retired: None, ..
            } if *row.provider == *key.provider => Some(row.model.as_str()),
            _ => None,
        };
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
