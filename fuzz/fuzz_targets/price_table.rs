//! Price tables, aliases and rules as a user's --pricing folder holds them: the first byte picks
//! the file, the rest is its text; loading must end in a book or findings, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::pricing::PriceBook;

const NAMES: [&str; 4] = ["prices.csv", "aliases.csv", "rules.csv", "windows.csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let name = NAMES[pick as usize % NAMES.len()];
    std::fs::write(dir.path().join(name), body).expect("write");
    if name != "prices.csv" {
        // The others need a price table beside them.
        std::fs::write(
            dir.path().join("prices.csv"),
            "provider,model,effective_from,input_per_mtok,output_per_mtok\nopenai,o3,2025-01-01,2,8\n",
        )
        .expect("write");
    }
    let _ = PriceBook::load(&[dir.path().to_path_buf()]);
});
