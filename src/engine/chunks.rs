//! Column chunks summed by polars: rows are buffered column-wise (day, epoch, group id and the
//! integer measures), and each full chunk is summed per (day, epoch, group) in a lazy group-by
//! (a chunk's sums cannot pass u64: 2^18 rows of at most 4 x 10^12 tokens); the partial sums are
//! merged here with checked additions, so a sum past u64 is an error, never a wrapped number.
//! Memory is bounded by the number of groups, not the number of rows.

use polars::prelude::*;

use super::{Cell, Sums};
use crate::usage::UsageRecord;

/// How many records are buffered before polars aggregates them.
pub const CHUNK_ROWS: usize = 1 << 18;

const SUM_COLS: [&str; 8] = [
    "rows",
    "requests",
    "input",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "output",
    "reasoning",
];

#[derive(Default)]
struct Chunk {
    day: Vec<i32>,
    epoch: Vec<u32>,
    gid: Vec<u32>,
    rows: Vec<u64>,
    requests: Vec<u64>,
    input: Vec<u64>,
    cache_read: Vec<u64>,
    cache_write: Vec<u64>,
    cache_write_1h: Vec<u64>,
    output: Vec<u64>,
    reasoning: Vec<u64>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.day.len()
    }

    /// Removes the rows at the given (ascending) indices.
    fn remove_rows(&mut self, rows: &[u32]) {
        let mut keep = vec![true; self.len()];
        for &r in rows {
            keep[r as usize] = false;
        }
        fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        retain(&mut self.day, &keep);
        retain(&mut self.epoch, &keep);
        retain(&mut self.gid, &keep);
        retain(&mut self.rows, &keep);
        retain(&mut self.requests, &keep);
        retain(&mut self.input, &keep);
        retain(&mut self.cache_read, &keep);
        retain(&mut self.cache_write, &keep);
        retain(&mut self.cache_write_1h, &keep);
        retain(&mut self.output, &keep);
        retain(&mut self.reasoning, &keep);
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let c = std::mem::take(self);
        DataFrame::new_infer_height(vec![
            Column::new("day".into(), c.day),
            Column::new("epoch".into(), c.epoch),
            Column::new("gid".into(), c.gid),
            Column::new("rows".into(), c.rows),
            Column::new("requests".into(), c.requests),
            Column::new("input".into(), c.input),
            Column::new("cache_read".into(), c.cache_read),
            Column::new("cache_write".into(), c.cache_write),
            Column::new("cache_write_1h".into(), c.cache_write_1h),
            Column::new("output".into(), c.output),
            Column::new("reasoning".into(), c.reasoning),
        ])
    }
}

/// Sums every measure per (day, epoch, gid) with polars.
fn group_sum(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let lfs: Vec<LazyFrame> = frames.into_iter().map(|f| f.lazy()).collect();
    let lf = concat(lfs, UnionArgs::default())?;
    lf.group_by([col("day"), col("epoch"), col("gid")])
        .agg(SUM_COLS.iter().map(|c| col(*c).sum()).collect::<Vec<_>>())
        .collect()
}

/// Adds a chunk's sums (a polars frame of day, epoch, gid and the measures) into `sums`,
/// checked: a sum past `u64::MAX` is an error.
fn merge(
    sums: &mut crate::engine::FastMap<(i32, u32, u32), Sums>,
    df: &DataFrame,
) -> PolarsResult<()> {
    let day = df.column("day")?.i32()?;
    let epoch = df.column("epoch")?.u32()?;
    let gid = df.column("gid")?.u32()?;
    let cols: Vec<&UInt64Chunked> = SUM_COLS
        .iter()
        .map(|c| df.column(c).and_then(|s| s.u64()))
        .collect::<PolarsResult<_>>()?;
    for i in 0..df.height() {
        let v = |k: usize| cols[k].get(i).unwrap_or(0);
        let add = Sums {
            rows: v(0),
            requests: v(1),
            input_tokens: v(2),
            cache_read_tokens: v(3),
            cache_write_tokens: v(4),
            cache_write_1h_tokens: v(5),
            output_tokens: v(6),
            reasoning_tokens: v(7),
        };
        let key = (
            day.get(i).unwrap_or(0),
            epoch.get(i).unwrap_or(0),
            gid.get(i).unwrap_or(0),
        );
        sums.entry(key)
            .or_default()
            .checked_add(&add)
            .ok_or_else(|| {
                PolarsError::ComputeError(
                    format!(
                        "a token or request sum passed {} (u64, the most tokenledger holds in one \
                     day, price epoch and group): report a shorter period or fewer logs",
                        u64::MAX
                    )
                    .into(),
                )
            })?;
    }
    Ok(())
}

/// The current chunk and the sums of the chunks before it.
pub struct Chunks {
    chunk: Chunk,
    chunk_rows: usize,
    sums: crate::engine::FastMap<(i32, u32, u32), Sums>,
    /// The first error (reported by [`Chunks::finish`]).
    error: Option<PolarsError>,
}

impl Chunks {
    /// Chunks of `chunk_rows` rows (tests use tiny chunks to exercise the merge path).
    pub fn new(chunk_rows: usize) -> Self {
        Chunks {
            chunk: Chunk::default(),
            chunk_rows: chunk_rows.max(1),
            sums: Default::default(),
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
        let c = &mut self.chunk;
        c.day.push(day);
        c.epoch.push(epoch);
        c.gid.push(gid);
        c.rows.push(1);
        c.requests.push(r.requests);
        c.input.push(r.input_tokens);
        c.cache_read.push(r.cache_read_tokens);
        c.cache_write.push(r.cache_write_tokens);
        c.cache_write_1h.push(r.cache_write_1h_tokens);
        c.output.push(r.output_tokens);
        c.reasoning.push(r.reasoning_tokens);
    }

    /// Drops rows of the current chunk (duplicates found late), by ascending index.
    pub fn remove_rows(&mut self, rows: &[u32]) {
        if !rows.is_empty() {
            self.chunk.remove_rows(rows);
        }
    }

    /// Sums the current chunk into the partials (merging them when they grow).
    pub fn flush(&mut self) {
        if self.chunk.len() == 0 || self.error.is_some() {
            return;
        }
        let result = self
            .chunk
            .take_frame()
            .and_then(|f| group_sum(vec![f]))
            .and_then(|partial| merge(&mut self.sums, &partial));
        if let Err(e) = result {
            self.error = Some(e);
        }
    }

    /// The summed cells, sorted by (day, epoch, group).
    pub fn finish(mut self) -> PolarsResult<Vec<Cell>> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut cells: Vec<Cell> = self
            .sums
            .into_iter()
            .map(|((day, epoch, group), sums)| Cell {
                day,
                epoch,
                group,
                sums,
            })
            .collect();
        // Deterministic order, whatever order polars produced the groups in.
        cells.sort_by_key(|c| (c.day, c.epoch, c.group));
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
        // the merge must refuse rather than wrap (polars' u64 sum would wrap silently).
        let mut sums = crate::engine::FastMap::default();
        let near = Sums {
            input_tokens: u64::MAX - 1_500_000_000_000,
            ..Sums::default()
        };
        sums.insert((0, 0, 0), near);
        let mut c = Chunks::new(1);
        c.sums = sums;
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
