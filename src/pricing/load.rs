//! Reading price files from disk (or the book compiled into the binary) into a [`PriceBook`].
//! The only part of `pricing` that touches the file system.

use std::path::{Path, PathBuf};

use super::findings::{finding, Finding, PriceBookError, Severity};
use super::PriceBook;

/// The file name that holds model-id aliases (`provider,alias,model`) in a pricing folder.
pub const ALIASES_FILE: &str = "aliases.csv";

/// The shipped book, compiled into the binary by `build.rs`: `(path, bytes)` per file.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pricing.rs"));
}

/// A source text of the book: a price file or an alias file.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    pub overlay: bool,
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
        match std::fs::read(f) {
            Ok(bytes) => sources.push(Source {
                name: f.display().to_string(),
                bytes,
                overlay,
            }),
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
        .map(|(name, bytes)| Source {
            name: format!("embedded:{name}"),
            bytes: bytes.to_vec(),
            overlay: false,
        })
        .collect()
}

pub(crate) fn is_alias_file(name: &str) -> bool {
    Path::new(name.trim_start_matches("embedded:"))
        .file_name()
        .is_some_and(|n| n == ALIASES_FILE)
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
