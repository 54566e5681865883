//! Every bill reader, as `reconcile --bill` reaches it: the first byte picks the format (auto
//! detection or one forced) and the file name, the rest is the file. A bill is read whole or
//! refused with its file and line; a panic aborts (a finding). When a bill is read, its lines
//! must sum to the total read apart from them, and every token line's tokens must be whole.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokenledger::readers::bill::{self, BillFormat};

const FORMATS: [BillFormat; 7] = [
    BillFormat::Auto,
    BillFormat::AwsCur,
    BillFormat::Focus,
    BillFormat::AzureCost,
    BillFormat::GcpBilling,
    BillFormat::OpenaiCosts,
    BillFormat::AnthropicCost,
];
const NAMES: [&str; 4] = ["x.csv", "x.jsonl", "x.json", "x.parquet"];

fuzz_target!(|data: &[u8]| {
    // tokenledger's own hook over libFuzzer's (as in `readers`): a polars panic inside a catch
    // region is that file's error; any other panic still aborts (a finding).
    tokenledger::readers::quiet_caught_panics();
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let format = FORMATS[pick as usize % FORMATS.len()];
    let name = NAMES[(pick as usize / FORMATS.len()) % NAMES.len()];
    let path = std::env::temp_dir().join(format!("tlfuzz-bill-{}-{name}", std::process::id()));
    std::fs::write(&path, body).expect("temp file");
    if let Ok(b) = bill::read(std::slice::from_ref(&path), format) {
        let total: rust_decimal::Decimal = b.files.iter().map(|f| f.total).sum();
        assert_eq!(total, b.total());
        // Reconciling the bill alone (no usage) must not panic either, and its causes add up.
        static BOOK: std::sync::OnceLock<tokenledger::pricing::PriceBook> =
            std::sync::OnceLock::new();
        let book = BOOK.get_or_init(|| {
            tokenledger::pricing::PriceBook::embedded().expect("the shipped book")
        });
        let rec = tokenledger::report::reconcile::reconcile(
            &b,
            &[],
            book,
            chrono_tz::UTC,
            (None, None),
            tokenledger::report::Period {
                from: None,
                to: None,
                tz: "UTC".into(),
            },
            &[],
            &[],
        );
        let causes: rust_decimal::Decimal = rec.causes.values().sum();
        assert_eq!(causes, rec.totals.difference);
    }
    let _ = std::fs::remove_file(&path);
});
