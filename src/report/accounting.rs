//! Where every input row went ([`Accounting`]) and how much of the usage each tier of the book
//! priced ([`Coverage`]).

use serde::Serialize;

use crate::engine::{Counters, PricedCell, Pricing};
use crate::pricing::BookTier;

/// Where every input row went. `rows_read` is the sum of all the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    pub rows_read: u64,
    pub priced: u64,
    pub unpriced: u64,
    pub failed: u64,
    /// Of the failed rows, those the book could not price (the breakdown's unpriced requests
    /// count them too: unpriced = unpriced + these).
    pub failed_unpriced: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub outside_period: u64,
    /// Rows a `--where` filter left out.
    pub filtered_out: u64,
}

impl Accounting {
    /// True when the categories add up to the rows read.
    pub fn balances(&self) -> bool {
        self.priced
            + self.unpriced
            + self.failed
            + self.duplicates
            + self.rejected
            + self.outside_period
            + self.filtered_out
            == self.rows_read
    }
}

/// How much of the usage each tier of the book priced, in requests and tokens (input +
/// output), and how much stayed unpriced. Failed requests count like any others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub overlay: Share,
    pub curated: Share,
    pub generated: Share,
    pub unpriced: Share,
}

/// Requests and tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub requests: u64,
    pub tokens: u64,
}

impl Coverage {
    pub(super) fn add(&mut self, pc: &PricedCell<'_>) {
        let share = match &pc.pricing {
            Pricing::Priced { row, .. } => match row.tier {
                BookTier::Overlay => &mut self.overlay,
                BookTier::Curated => &mut self.curated,
                BookTier::Generated => &mut self.generated,
            },
            Pricing::Unpriced(_) => &mut self.unpriced,
        };
        share.requests += pc.cell.sums.requests;
        share.tokens += pc.cell.sums.total_tokens();
    }

    /// Requests of all kinds.
    pub fn requests(&self) -> u64 {
        self.overlay.requests
            + self.curated.requests
            + self.generated.requests
            + self.unpriced.requests
    }
}

pub(super) fn account(c: &Counters) -> Accounting {
    Accounting {
        rows_read: c.rows_read,
        duplicates: c.duplicates,
        rejected: c.rejected,
        outside_period: c.outside_period,
        filtered_out: c.filtered_out,
        ..Default::default()
    }
}
