//! Aggregate files (the warehouse's result for --aggregates), CSV or Parquet: sums are checked,
//! nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::readers::aggregates;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PAR1") {
        let _ = aggregates::parse_parquet("x.parquet", data.to_vec());
    } else {
        let _ = aggregates::parse("x.csv", data);
    }
});
