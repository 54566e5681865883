//! A batch of validated rows from a source read elsewhere (a Parquet row group), in the same
//! form as a CSV block, so the Parquet path hands rows to the sink as the CSV path does.

use super::blocks::{deliver, row_of, Item, Parsed};
use super::row::Layout;
use crate::usage::{UsageRecord, UsageSink};

/// Validated rows of another source's batch (Parquet), with their strings copied into one text,
/// so that a worker thread can validate a batch while the calling thread feeds the previous one
/// to the sink, in order, exactly as [`read`] does for CSV blocks.
pub struct OwnedBatch {
    parsed: Parsed,
}

impl Default for OwnedBatch {
    fn default() -> Self {
        OwnedBatch {
            parsed: Parsed {
                text: String::new(),
                items: Vec::new(),
                lines: 0,
            },
        }
    }
}

impl OwnedBatch {
    /// Adds a valid row (its extras in the order of `layout.extras`).
    pub fn push(&mut self, r: &UsageRecord<'_>, layout: &Layout) {
        let text = &mut self.parsed.text;
        let row = row_of(r, layout, |s| {
            let start = text.len() as u32;
            text.push_str(s);
            (start, s.len() as u32)
        });
        self.parsed.items.push(Item::Row(row));
    }

    /// Adds a rejected row (`line` is the file's line, 1-based).
    pub fn reject(&mut self, line: u64, field: String, reason: String) {
        self.parsed.items.push(Item::Reject {
            line,
            field,
            reason,
        });
    }

    /// Hands the rows to the sink in order.
    pub fn deliver(&self, path: &str, names: &[String], sink: &mut dyn UsageSink) {
        deliver(&self.parsed, path, 0, names, sink);
    }
}
