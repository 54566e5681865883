//! Reading price files from disk (or the book compiled into the binary) into a [`PriceBook`].
//! The only part of `pricing` that touches the file system.

use std::path::{Path, PathBuf};

use super::findings::{finding, Finding, PriceBookError, Severity};
use super::row::BookTier;
use super::PriceBook;

/// The file name that holds model-id aliases (`provider,alias,model`) in a pricing folder.
pub const ALIASES_FILE: &str = "aliases.csv";
/// Model retirements (`provider,model,retired_at,source`).
pub const RETIREMENTS_FILE: &str = "retirements.csv";
/// Uplift rules (see `pricing::rules`).
pub const RULES_FILE: &str = "rules.csv";
/// Provider rules for token classes a row leaves empty (see `pricing::classes`).
pub const CLASS_RULES_FILE: &str = "class-rules.csv";
/// Time-of-day windows (see `pricing::rules`).
pub const WINDOWS_FILE: &str = "windows.csv";
/// Facts about the book itself (`book-info.csv`: `key,value`: `checked_at`, the day the book was last checked
/// against its sources).
pub const BOOK_FILE: &str = "book-info.csv";
/// Models the generated tier's price map stopped listing (written by `prices update`).
pub const DELISTED_FILE: &str = "delisted.csv";
/// The folder of generated price files (`prices update`): their rows are [`BookTier::Generated`].
pub const GENERATED_DIR: &str = "generated";
/// The folder of the generator's inputs (known LiteLLM errors, canonical-name table): not price
/// files.
pub const GENERATOR_DIR: &str = "litellm";

/// What a file of a pricing folder holds, told by its name and folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Prices(BookTier),
    Aliases,
    /// `bill-names.csv`: bills' names for the book's models.
    BillNames,
    Retirements,
    Rules,
    ClassRules,
    Windows,
    /// `generated/delisted.csv`.
    Delisted,
    /// `book-info.csv`.
    BookInfo,
    /// Read by `prices update`, skipped when loading the book.
    GeneratorInput,
}

impl SourceKind {
    /// The kind of a file named `name` (a path, possibly `embedded:`-prefixed).
    pub fn of(name: &str, overlay: bool) -> SourceKind {
        let path = Path::new(name.trim_start_matches("embedded:"));
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let in_dir = |d: &str| {
            path.parent()
                .is_some_and(|p| p.components().any(|c| c.as_os_str() == d))
        };
        match file {
            ALIASES_FILE => SourceKind::Aliases,
            super::bill_names::BILL_NAMES_FILE => SourceKind::BillNames,
            RETIREMENTS_FILE => SourceKind::Retirements,
            RULES_FILE => SourceKind::Rules,
            CLASS_RULES_FILE => SourceKind::ClassRules,
            WINDOWS_FILE => SourceKind::Windows,
            DELISTED_FILE if in_dir(GENERATED_DIR) => SourceKind::Delisted,
            BOOK_FILE if !in_dir(GENERATED_DIR) && !in_dir(GENERATOR_DIR) => SourceKind::BookInfo,
            _ if overlay => SourceKind::Prices(BookTier::Overlay),
            _ if in_dir(GENERATOR_DIR) => SourceKind::GeneratorInput,
            _ if in_dir(GENERATED_DIR) => SourceKind::Prices(BookTier::Generated),
            _ => SourceKind::Prices(BookTier::Curated),
        }
    }
}

/// The shipped book, compiled into the binary by `build.rs`: `(path, bytes)` per file.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pricing.rs"));
}

/// A source text of the book: a price file, an alias file or a rule file.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    pub overlay: bool,
    pub kind: SourceKind,
}

impl Source {
    pub fn new(name: &str, bytes: Vec<u8>, overlay: bool) -> Source {
        Source {
            name: name.to_string(),
            kind: SourceKind::of(name, overlay),
            bytes,
            overlay,
        }
    }
}

/// The largest price file (`--pricing`, `--pricing-overlay`) read, in bytes.
pub const MAX_PRICE_FILE_BYTES: u64 = 4 << 20;

/// An input of `prices update`/`audit`/`import-litellm` that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum InputFileError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: more than {} MiB (after gzip): not a price catalogue", super::input::MAX_INPUT_BYTES >> 20)]
    TooLarge { path: String },
}

/// Reads an input of `prices update`, `audit` or `import-litellm` as text, gunzipped when its
/// name ends in `.gz`, up to [`super::input::MAX_INPUT_BYTES`] (a gzip bomb stops there).
pub fn read_input(path: &std::path::Path) -> Result<String, InputFileError> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |source| InputFileError::Io {
        path: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let gz = path.extension().is_some_and(|e| e == "gz");
    let r: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut text = String::new();
    let max = super::input::MAX_INPUT_BYTES;
    r.take(max + 1).read_to_string(&mut text).map_err(io)?;
    if text.len() as u64 > max {
        return Err(InputFileError::TooLarge { path: name });
    }
    Ok(text)
}

/// Reads every `*.csv` under each path (file or directory) into sources.
pub fn read_sources(paths: &[PathBuf], overlay: bool, findings: &mut Vec<Finding>) -> Vec<Source> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_csv(p, &mut files, findings);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            findings.push(finding(
                Severity::Error,
                &p.display().to_string(),
                0,
                None,
                "no such file or directory".into(),
            ));
        }
    }
    let mut sources = Vec::new();
    for f in &files {
        // A price file is a few hundred kilobytes (the largest shipped one about 200 KB); a
        // file far past that is not one, and reading it would take memory many times its size.
        if let Ok(m) = std::fs::metadata(f) {
            if m.len() > MAX_PRICE_FILE_BYTES {
                findings.push(finding(
                    Severity::Error,
                    &f.display().to_string(),
                    0,
                    None,
                    format!(
                        "{} bytes: larger than any price file tokenledger reads ({} MiB); split it, or check it is a price file",
                        m.len(),
                        MAX_PRICE_FILE_BYTES >> 20
                    ),
                ));
                continue;
            }
        }
        match std::fs::read(f) {
            Ok(bytes) => sources.push(Source::new(&f.display().to_string(), bytes, overlay)),
            Err(e) => findings.push(finding(
                Severity::Error,
                &f.display().to_string(),
                0,
                None,
                e.to_string(),
            )),
        }
    }
    if files.is_empty() && findings.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        findings.push(finding(
            Severity::Error,
            &names.join(", "),
            0,
            None,
            "no price files (*.csv) found".into(),
        ));
    }
    sources
}

/// The shipped book's sources.
pub fn embedded_sources() -> Vec<Source> {
    embedded::FILES
        .iter()
        .map(|(name, bytes)| Source::new(&format!("embedded:{name}"), bytes.to_vec(), false))
        .collect()
}

impl PriceBook {
    /// Loads every `*.csv` under each path (a file or a directory, walked in sorted order).
    pub fn load(paths: &[PathBuf]) -> Result<PriceBook, PriceBookError> {
        Self::load_with_overlay(paths, &[])
    }

    /// Loads the book from `paths` (the embedded book when empty) plus overlay files.
    pub fn load_with_overlay(
        paths: &[PathBuf],
        overlay: &[PathBuf],
    ) -> Result<PriceBook, PriceBookError> {
        let mut findings = Vec::new();
        let mut sources = if paths.is_empty() {
            embedded_sources()
        } else {
            read_sources(paths, false, &mut findings)
        };
        if !overlay.is_empty() {
            sources.extend(read_sources(overlay, true, &mut findings));
        }
        let book = Self::from_sources_full(&sources, &mut findings);
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Err(PriceBookError { findings })
        } else {
            let mut book = book;
            book.warnings = findings;
            Ok(book)
        }
    }

    /// The book compiled into the binary.
    pub fn embedded() -> Result<PriceBook, PriceBookError> {
        Self::load_with_overlay(&[], &[])
    }
}

fn collect_csv(dir: &Path, out: &mut Vec<PathBuf>, findings: &mut Vec<Finding>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            findings.push(finding(
                Severity::Error,
                &dir.display().to_string(),
                0,
                None,
                e.to_string(),
            ));
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_csv(&p, out, findings);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            out.push(p);
        }
    }
}
