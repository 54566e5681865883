//! Row chunks summed per (day, epoch, group): rows are buffered (day, epoch, group id and the
//! integer measures) until their request ids are settled (a duplicate found late leaves the
//! chunk before it counts), then each row is added into its cell's sums with checked
//! additions, so a sum past u64 is an error, never a wrapped number. Memory is bounded by the
//! number of cells, not the number of rows. (Summing in place replaced a polars group-by per
//! chunk: the same sums at a fraction of the time and memory; see BENCHMARKS.md, issue 26.)
//! The cells are one vector found through a table of their indices (4 bytes a slot, not a map
//! of 80-byte entries: a million cells took 255 MB at the map's last growth, now ~100 MB).

use super::{Cell, Sums};
use crate::usage::UsageRecord;

/// How many records are buffered before they are summed.
pub const CHUNK_ROWS: usize = 1 << 16;

/// One buffered row: its cell and its measures.
#[derive(Clone, Copy)]
struct Row {
    day: i32,
    epoch: u32,
    gid: u32,
    sums: Sums,
}

/// A sum passed u64 (the most tokenledger holds in one day, price epoch and group).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "a token or request sum passed {max} (u64, the most tokenledger holds in one day, price epoch and group): report a shorter period or fewer logs",
    max = u64::MAX
)]
pub struct SumOverflow;

/// The current chunk and the sums of the chunks before it.
pub struct Chunks {
    chunk: Vec<Row>,
    chunk_rows: usize,
    /// The cells summed so far, in order of first appearance.
    cells: Vec<Cell>,
    /// Index of each cell in `cells`, hashed by (day, epoch, group).
    index: hashbrown::HashTable<u32>,
    /// The first error (reported by [`Chunks::finish`]).
    error: Option<SumOverflow>,
}

impl Chunks {
    /// Chunks of `chunk_rows` rows (tests use tiny chunks to exercise the merge path).
    pub fn new(chunk_rows: usize) -> Self {
        Chunks {
            chunk: Vec::new(),
            chunk_rows: chunk_rows.max(1),
            cells: Vec::new(),
            index: hashbrown::HashTable::new(),
            error: None,
        }
    }

    /// Rows in the current chunk.
    pub fn len(&self) -> usize {
        self.chunk.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The configured chunk size.
    pub fn chunk_rows(&self) -> usize {
        self.chunk_rows
    }

    /// True when the current chunk should be flushed.
    pub fn is_full(&self) -> bool {
        self.len() >= self.chunk_rows
    }

    /// Buffers one record's measures.
    pub fn push(&mut self, day: i32, epoch: u32, gid: u32, r: &UsageRecord<'_>) {
        self.chunk.push(Row {
            day,
            epoch,
            gid,
            sums: Sums {
                rows: 1,
                requests: r.requests,
                input_tokens: r.input_tokens,
                cache_read_tokens: r.cache_read_tokens,
                cache_write_tokens: r.cache_write_tokens,
                cache_write_1h_tokens: r.cache_write_1h_tokens,
                output_tokens: r.output_tokens,
                reasoning_tokens: r.reasoning_tokens,
            },
        });
    }

    /// Drops rows of the current chunk (duplicates found late), by ascending index.
    pub fn remove_rows(&mut self, rows: &[u32]) {
        if rows.is_empty() {
            return;
        }
        let mut drop = rows.iter().copied().peekable();
        let mut i = 0u32;
        self.chunk.retain(|_| {
            let gone = drop.next_if_eq(&i).is_some();
            i += 1;
            !gone
        });
    }

    /// Sums the current chunk into its cells.
    pub fn flush(&mut self) {
        if self.error.is_some() {
            self.chunk.clear();
            return;
        }
        let mut chunk = std::mem::take(&mut self.chunk);
        for row in chunk.drain(..) {
            let cell = self.cell_mut(row.day, row.epoch, row.gid);
            if cell.checked_add(&row.sums).is_none() {
                self.error = Some(SumOverflow);
                break;
            }
        }
        chunk.clear();
        // The buffer is kept for the next chunk.
        self.chunk = chunk;
    }

    /// The sums of a cell, made empty at its first row.
    fn cell_mut(&mut self, day: i32, epoch: u32, group: u32) -> &mut Sums {
        use std::hash::BuildHasher;
        let hasher = crate::engine::Fast::default();
        let key = (day, epoch, group);
        let cells = &mut self.cells;
        let found = self
            .index
            .find(hasher.hash_one(key), |&i| {
                let c = &cells[i as usize];
                (c.day, c.epoch, c.group) == key
            })
            .copied();
        let i = match found {
            Some(i) => i as usize,
            None => {
                // (A cell is at least one row: more than u32::MAX of them would not fit in
                // memory at 80 bytes each.)
                let i = cells.len();
                cells.push(Cell {
                    day,
                    epoch,
                    group,
                    sums: Sums::default(),
                });
                self.index
                    .insert_unique(hasher.hash_one(key), i as u32, |&j| {
                        let c = &cells[j as usize];
                        hasher.hash_one((c.day, c.epoch, c.group))
                    });
                i
            }
        };
        &mut cells[i].sums
    }

    /// The summed cells, sorted by (day, epoch, group).
    pub fn finish(mut self) -> Result<Vec<Cell>, SumOverflow> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        drop(self.index);
        let mut cells = self.cells;
        // Deterministic order, whatever order the rows came in.
        cells.sort_unstable_by_key(|c| (c.day, c.epoch, c.group));
        Ok(cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(input: u64) -> UsageRecord<'static> {
        UsageRecord {
            unpriced_class: None,
            timestamp_us: 0,
            provider: "p",
            model: "m",
            input_tokens: input,
            output_tokens: 1,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            cache_write_1h_tokens: 0,
            reasoning_tokens: 0,
            requests: 1,
            request_id: None,
            status: 200,
            user: None,
            project: None,
            api_key: None,
            region: None,
            batch: false,
            long_context: None,
            service_tier: None,
            extra: vec![],
        }
    }

    #[test]
    fn a_sum_past_u64_is_an_error_not_a_wrapped_number() {
        // Chunks of one row, each 10^12 input tokens, on top of a cell already near u64::MAX:
        // the sum must refuse rather than wrap.
        let mut c = Chunks::new(1);
        c.cell_mut(0, 0, 0).input_tokens = u64::MAX - 1_500_000_000_000;
        c.push(0, 0, 0, &rec(1_000_000_000_000));
        c.flush();
        assert!(c.error.is_none(), "still fits");
        c.push(0, 0, 0, &rec(1_000_000_000_000));
        c.flush();
        let e = c.finish().unwrap_err().to_string();
        assert!(e.contains("passed 18446744073709551615"), "{e}");
    }

    #[test]
    fn grand_totals_past_u64_are_an_error() {
        let cell = |input: u64| Cell {
            day: 0,
            epoch: 0,
            group: 0,
            sums: Sums {
                input_tokens: input,
                rows: 1,
                requests: 1,
                ..Sums::default()
            },
        };
        // Each cell fits; together they do not (a report's total would wrap).
        let cells = [cell(u64::MAX / 2 + 1), cell(u64::MAX / 2 + 1)];
        let e = crate::engine::totals_fit(cells.iter()).unwrap_err();
        assert_eq!(e.what, "tokens");
        assert!(crate::engine::totals_fit(cells[..1].iter()).is_ok());
    }

    #[test]
    fn sums_per_cell_across_chunks_and_merges() {
        // Chunks of 2 rows: several partials, merged at the end.
        let mut c = Chunks::new(2);
        for (day, epoch, gid, input) in [(1, 0, 0, 1), (1, 0, 0, 2), (0, 0, 1, 4), (1, 0, 0, 8)] {
            c.push(day, epoch, gid, &rec(input));
            if c.is_full() {
                c.flush();
            }
        }
        // A row removed before its chunk is summed does not count.
        c.push(2, 1, 0, &rec(16));
        c.push(2, 1, 0, &rec(32));
        c.remove_rows(&[0]);
        let cells = c.finish().unwrap();
        let got: Vec<(i32, u32, u32, u64, u64)> = cells
            .iter()
            .map(|x| (x.day, x.epoch, x.group, x.sums.rows, x.sums.input_tokens))
            .collect();
        assert_eq!(
            got,
            vec![(0, 0, 1, 1, 4), (1, 0, 0, 3, 11), (2, 1, 0, 1, 32)]
        );
        assert_eq!(cells[1].sums.output_tokens, 3);
        assert!(Chunks::new(5).finish().unwrap().is_empty());
    }
}
