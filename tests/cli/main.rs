//! Integration tests: the real `tokenledger` binary on fixtures whose expected values were
//! worked out by hand (the arithmetic is in the comments), one module per command, all run
//! through one harness ([`harness::Tl`]). Layout is checked by the snapshots in `snapshots.rs`;
//! money is always checked against hand-computed numbers.

#![allow(clippy::unwrap_used)]

mod harness;

mod agents;
mod classes;
mod compare;
mod convert;
mod errors;
mod focus;
mod ledger;
mod page;
mod prices;
mod pricing;
mod props;
mod readers;
mod reconcile;
mod report;
mod robust;
mod run_twice;
mod snapshots;
mod sql;

pub use harness::{fixture, root, row, Out, Tl};
pub use serde_json::{json, Value};

// Expected costs of tests/data/logs/basic.csv, by hand (prices per million tokens):
//   r1 2025-06-09T23:59:59Z o3, old price 10/40:   1,000,000*10 + 100,000*40            = $14
//   r2 2025-06-10T00:00:00Z o3, new price 2/8/0.5: 800,000*2 + 200,000*0.5 + 100,000*8 = $2.5
//   r3 sonnet 3/15, cache read 0.3, write 3.75: 4,000*3 + 4,000*0.3 + 2,000*3.75 + 2,000*15
//      = 12,000 + 1,200 + 7,500 + 30,000 = 50,700 -> $0.0507 (its second line is a duplicate)
//   r5 together 0.88, cache read 0.88 (Together bills cache hits as input): 60,000*0.88 -> $0.0528
//   r6 429 with no tokens: $0, failed
//   r7 500 with tokens (billed): 3,000*3 + 500*15 = 16,500 -> $0.0165, failed
//   r8 2025-07-01T02:00Z together: 1,000,000*0.88 = $0.88 (June 30 in New York)
//   r9 mistral: not in the book -> unpriced; r10 sonnet on 2025-05-01, before its first price
//   lines 12-15: rejected (timestamp, negative input, cache > input, missing model)
// June: 14 + 2.5 + 0.0507 + 0.0528 + 0.0165 = 16.62; July: 0.88; total 17.50.

/// `report` on tests/data/logs/basic.csv with the test price book.
pub fn basic() -> Tl {
    Tl::report().logs("logs/basic.csv").book("pricing/test.csv")
}

/// `report` on a log written from `text`, priced with the test price book.
pub fn basic_text(name: &str, text: impl AsRef<[u8]>) -> Tl {
    Tl::report().book("pricing/test.csv").log_text(name, text)
}
