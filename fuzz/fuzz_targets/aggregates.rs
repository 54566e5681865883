//! Aggregate files (the warehouse's result for --aggregates), CSV or Parquet: sums are checked,
//! nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::readers::aggregates;

fuzz_target!(|data: &[u8]| {
    // tokenledger's own hook, over libFuzzer's: a panic raised in polars inside a catch region
    // reaches tokenledger's catch (that file's error, as a user sees it); any other panic still
    // goes to libFuzzer's hook, which aborts (a finding).
    tokenledger::readers::quiet_caught_panics();
    if data.starts_with(b"PAR1") {
        let _ = aggregates::parse_parquet("x.parquet", data.to_vec());
    } else {
        let _ = aggregates::parse("x.csv", data);
    }
});
