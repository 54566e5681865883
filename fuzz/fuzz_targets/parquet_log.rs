//! The Parquet log path alone (`--logs x.parquet` in the canonical schema): the page and
//! footer checks, polars' decoder behind tokenledger's catch, and tokenledger's own walk over
//! the decoded columns (a damaged file must be its error, never an index past a column's end).
//! Seeded with valid canonical Parquet logs of every column type the reader takes (see
//! `seed_parquet.py`), so the mutator starts from files that get past the footer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::readers::{self, LogFormat, ReadOptions};
use tokenledger::usage::{Rejection, UsageRecord, UsageSink};

struct Count(u64);

impl UsageSink for Count {
    fn record(&mut self, r: &UsageRecord<'_>) {
        self.0 += 1;
        // Every count a reader hands on is within the documented cap, and cached tokens are
        // part of the input (the validation every row passes).
        assert!(r.output_tokens <= 4_000_000_000_000, "{}", r.output_tokens);
        assert!(
            r.cache_read_tokens.saturating_add(r.cache_write_tokens) <= r.input_tokens,
            "cache over input"
        );
    }
    fn reject(&mut self, _: Rejection) {}
}

fuzz_target!(|data: &[u8]| {
    tokenledger::readers::quiet_caught_panics();
    let path = std::env::temp_dir().join(format!("tlfuzz-pq-{}.parquet", std::process::id()));
    std::fs::write(&path, data).expect("write");
    let Ok(found) = readers::discover(&[path.clone()], &[]) else {
        return;
    };
    let mut files = found.files;
    if readers::resolve_formats(&mut files, LogFormat::Auto).is_err() {
        return;
    }
    let opts = ReadOptions {
        // Extra columns as dimensions: the path a `--by user,project` report takes.
        wanted_extras: vec!["user".into(), "project".into(), "team".into()],
        ..ReadOptions::default()
    };
    let mut sink = Count(0);
    let _ = readers::read_all(&files, &opts, &mut sink);
    let _ = std::fs::remove_file(&path);
});
