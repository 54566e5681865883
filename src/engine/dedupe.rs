//! Dedupe: the first `(provider, request_id)` in reading order wins, also when it lies outside
//! the period. Ids are known by their 128-bit xxh3 hashes, of which an [`IdSet`] keeps 88 bits
//! in 12-16 bytes an id whatever its length (odds of a false duplicate below n^2 / 2^89). Checking them a chunk at a time lets the table
//! prefetch; the order of first occurrences is kept.

use super::idset::IdSet;

/// The slot of a pending id that belongs to a row outside the period (not in the chunk).
pub const OUTSIDE: u32 = u32::MAX;
/// The slot of a pending id that belongs to a row a `--where` filter left out.
pub const FILTERED: u32 = u32::MAX - 1;

/// The dedupe key of a request: 128-bit xxh3 of provider and request id.
pub use crate::usage::sink::id_digest as id_hash;

/// What settling the pending ids found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Chunk rows that are duplicates (ascending).
    pub rows: Vec<u32>,
    /// Rows outside the period that are duplicates.
    pub outside: u64,
    /// Rows left out by a filter that are duplicates.
    pub filtered: u64,
}

/// The ids seen so far and the ids waiting to be checked.
#[derive(Default)]
pub struct Dedupe {
    seen: IdSet,
    /// Expected rows, to size the set once instead of growing it step by step.
    expected_rows: usize,
    /// Id hashes waiting to be checked, in arrival order, with the chunk row they belong to
    /// ([`OUTSIDE`] for a row outside the period).
    pending: Vec<(u128, u32)>,
}

impl Dedupe {
    /// Sizes the set for about `rows` ids (taken up only when ids appear).
    pub fn with_expected_rows(rows: usize) -> Self {
        Dedupe {
            expected_rows: rows,
            ..Default::default()
        }
    }

    /// Expects `rows` more ids than sized for so far (a reader that knows its row count),
    /// while the set is still unallocated.
    pub fn expect_more(&mut self, rows: usize) {
        if self.seen.capacity() == 0 {
            self.expected_rows = self.expected_rows.saturating_add(rows);
        }
    }

    fn reserve(&mut self) {
        if self.seen.capacity() == 0 && self.expected_rows > 0 {
            // The expected rows come from file sizes (about 150 bytes a row): an eighth more,
            // so a log of shorter rows does not double the set near its end.
            let n = self.expected_rows.min(200_000_000);
            self.seen.reserve(n + n / 8);
        }
    }

    /// Checks one id now; false for a duplicate. Pending ids must be settled first.
    pub fn check_now(&mut self, d: u128) -> bool {
        debug_assert!(self.pending.is_empty());
        self.reserve();
        self.seen.insert(d)
    }

    /// Queues an id of a chunk row (or [`OUTSIDE`]).
    pub fn defer(&mut self, d: u128, slot: u32) {
        self.pending.push((d, slot));
    }

    /// How many ids wait.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Checks the pending ids in order.
    pub fn settle(&mut self) -> Settled {
        let mut out = Settled::default();
        if self.pending.is_empty() {
            return out;
        }
        self.reserve();
        let pending = std::mem::take(&mut self.pending);
        let hashes: Vec<u128> = pending.iter().map(|p| p.0).collect();
        self.seen.insert_batch(&hashes, |i| match pending[i].1 {
            OUTSIDE => out.outside += 1,
            FILTERED => out.filtered += 1,
            row => out.rows.push(row),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_different_providers_never_share_an_input() {
        // Before: "a\0b" + NUL + "c" and "a" + NUL + "b\0c" were the same bytes.
        assert_ne!(id_hash("a\0b", "c"), id_hash("a", "b\0c"));
        assert_ne!(id_hash("ab", "c"), id_hash("a", "bc"));
        assert_eq!(id_hash("openai", "r1"), id_hash("openai", "r1"));
    }

    #[test]
    fn first_occurrence_wins_within_and_across_batches() {
        let (a, b, c) = (id_hash("p", "a"), id_hash("p", "b"), id_hash("p", "c"));
        assert_ne!(id_hash("p", "a"), id_hash("q", "a"), "ids are per provider");
        assert_ne!(
            id_hash("p", "ab"),
            id_hash("pa", "b"),
            "provider and id stay apart"
        );
        let mut d = Dedupe::with_expected_rows(10);
        d.defer(a, 0);
        d.defer(b, OUTSIDE);
        d.defer(a, 1);
        d.defer(b, 2);
        assert_eq!(d.pending(), 4);
        assert_eq!(
            d.settle(),
            Settled {
                rows: vec![1, 2],
                ..Default::default()
            }
        );
        d.defer(c, 0);
        d.defer(a, OUTSIDE);
        d.defer(b, FILTERED);
        assert_eq!(
            d.settle(),
            Settled {
                rows: vec![],
                outside: 1,
                filtered: 1,
            }
        );
        assert!(!d.check_now(c));
        assert!(d.check_now(id_hash("p", "d")));
    }
}
