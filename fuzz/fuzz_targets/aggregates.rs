//! Aggregate files (the warehouse's result for --aggregates), CSV or Parquet: sums are checked,
//! nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::readers::aggregates;

/// tokenledger catches a panic of polars' Parquet decoder on a damaged file at the file
/// boundary (the user gets that file's error, see `readers::read_file`); libFuzzer's hook would
/// abort on it all the same. Panics raised in polars' code are let through to that catch;
/// every other panic (tokenledger's own code, other crates) still aborts: a finding.
fn let_polars_panics_reach_the_catch() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let libfuzzer = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_polars = info
                .location()
                .is_some_and(|l| l.file().contains("/polars"));
            if !in_polars {
                libfuzzer(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_polars_panics_reach_the_catch();
    if data.starts_with(b"PAR1") {
        let _ = aggregates::parse_parquet("x.parquet", data.to_vec());
    } else {
        let _ = aggregates::parse("x.csv", data);
    }
});
