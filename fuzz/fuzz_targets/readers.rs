//! Every reader, through format detection as a user's `--logs` would reach it: the first byte
//! picks the file name (so the extension-driven paths and gzip are covered), the rest is the
//! file. Panics abort (a finding), except those raised inside polars while tokenledger catches
//! them at the file boundary (`readers::quiet_caught_panics`).
#![no_main]
use std::io::Write;

use libfuzzer_sys::fuzz_target;
use tokenledger::readers::{self, LogFormat, ReadOptions};
use tokenledger::usage::{Rejection, UsageRecord, UsageSink};

struct Count {
    rows: u64,
    rejected: u64,
}

impl UsageSink for Count {
    fn record(&mut self, r: &UsageRecord<'_>) {
        self.rows += 1;
        // Every count a reader hands on is within the documented cap.
        assert!(r.output_tokens <= 4_000_000_000_000, "{}", r.output_tokens);
    }
    fn reject(&mut self, _: Rejection) {
        self.rejected += 1;
    }
}

const NAMES: [&str; 8] = [
    "x.csv", "x.jsonl", "x.json", "x.parquet", "x.csv.gz", "x.jsonl.gz", "x.log", "x.ndjson",
];

fuzz_target!(|data: &[u8]| {
    // tokenledger's own hook, over libFuzzer's: a panic raised in polars inside a catch region
    // reaches tokenledger's catch (that file's error, as a user sees it); any other panic still
    // goes to libFuzzer's hook, which aborts (a finding).
    tokenledger::readers::quiet_caught_panics();
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    // A file in the temporary folder, removed after the input (a folder made and removed per
    // input cost most of the time).
    let path = std::env::temp_dir().join(format!("tlfuzz-{}-{name}", std::process::id()));
    let bytes = if name.ends_with(".gz") {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body).expect("gzip");
        gz.finish().expect("gzip")
    } else {
        body.to_vec()
    };
    std::fs::write(&path, bytes).expect("write");
    let Ok(found) = readers::discover(&[path.clone()], &[]) else {
        return;
    };
    let mut files = found.files;
    if readers::resolve_formats(&mut files, LogFormat::Auto).is_err() {
        return;
    }
    let opts = ReadOptions {
        max_line_bytes: 1 << 16,
        ..ReadOptions::default()
    };
    let mut sink = Count { rows: 0, rejected: 0 };
    let _ = readers::read_all(&files, &opts, &mut sink);
    let _ = std::fs::remove_file(&path);
});
