//! The timestamp parser: never panics, and what it accepts prints back to the same instant.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::usage::{format_timestamp_us, parse_timestamp_us};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(us) = parse_timestamp_us(s) {
        let printed = format_timestamp_us(us);
        assert_eq!(parse_timestamp_us(&printed).ok(), Some(us), "{s:?} -> {printed}");
    }
});
