//! Log readers: turn files on disk into canonical [`UsageRecord`]s.
//!
//! Readers own file access, decompression and per-row validation. They hand every good row to
//! a [`UsageSink`] and every bad row to the same sink as a [`Rejection`] naming file, line and
//! field, so nothing is lost silently. They know nothing about prices or reports.

pub mod canonical;

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::usage::UsageRecord;

/// A row that could not be read, with enough context to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub file: String,
    /// 1-based line number in the (decompressed) file; for Parquet, the 1-based row number.
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// Receives what a reader produces.
pub trait UsageSink {
    fn record(&mut self, record: &UsageRecord<'_>);
    fn reject(&mut self, rejection: Rejection);
}

/// Errors that stop reading a file (as opposed to rejected rows, which do not).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
}

/// Options every reader honours.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Extra (non-canonical) columns to carry as dimensions; others are skipped cheaply.
    pub wanted_extras: Vec<String>,
}

/// The on-disk encodings of the canonical schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Jsonl,
    Parquet,
}

/// A log file to read: its path, encoding and whether it is gzip-compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub gzip: bool,
}

/// Recognises a log file by its name: `.csv`, `.jsonl`/`.ndjson`, `.parquet`, plus `.gz` for the
/// text formats.
pub fn classify(path: &Path) -> Option<LogFile> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, gzip) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name, false),
    };
    let kind = if stem.ends_with(".csv") {
        FileKind::Csv
    } else if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        FileKind::Jsonl
    } else if stem.ends_with(".parquet") && !gzip {
        FileKind::Parquet
    } else {
        return None;
    };
    Some(LogFile {
        path: path.to_path_buf(),
        kind,
        gzip,
    })
}

/// Expands the `--logs` arguments: files are taken as given, directories are walked recursively
/// (in sorted order, so runs are reproducible) for every recognised log file. Returns the files
/// and the paths inside directories that were skipped because they are not logs.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<LogFile>, Vec<PathBuf>), ReadError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ReadError::NotFound {
                    path: p.display().to_string(),
                }
            } else {
                ReadError::Io {
                    path: p.display().to_string(),
                    source: e,
                }
            }
        })?;
        if meta.is_dir() {
            walk(p, &mut files, &mut skipped)?;
        } else {
            match classify(p) {
                Some(f) => files.push(f),
                None => {
                    return Err(ReadError::Format {
                        path: p.display().to_string(),
                        message: "not a recognised log file (expected .csv, .jsonl, .ndjson, .parquet, or .csv.gz/.jsonl.gz)".into(),
                    })
                }
            }
        }
    }
    Ok((files, skipped))
}

fn walk(dir: &Path, files: &mut Vec<LogFile>, skipped: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let io = |e| ReadError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, files, skipped)?;
        } else if let Some(f) = classify(&p) {
            files.push(f);
        } else {
            skipped.push(p);
        }
    }
    Ok(())
}

/// Opens a file for reading, transparently decompressing gzip.
pub fn open(file: &LogFile) -> Result<Box<dyn Read>, ReadError> {
    let f = File::open(&file.path).map_err(|e| ReadError::Io {
        path: file.path.display().to_string(),
        source: e,
    })?;
    let r = BufReader::with_capacity(1 << 20, f);
    Ok(if file.gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(r),
        ))
    } else {
        Box::new(r)
    })
}

/// Reads one canonical log file into the sink.
pub fn read_file(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    match file.kind {
        FileKind::Csv => canonical::read_csv(file, opts, sink),
        FileKind::Jsonl => canonical::read_jsonl(file, opts, sink),
        FileKind::Parquet => canonical::read_parquet(file, opts, sink),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        let c = |s: &str| classify(Path::new(s)).map(|f| (f.kind, f.gzip));
        assert_eq!(c("a/b.csv"), Some((FileKind::Csv, false)));
        assert_eq!(c("b.CSV.gz"), Some((FileKind::Csv, true)));
        assert_eq!(c("b.ndjson"), Some((FileKind::Jsonl, false)));
        assert_eq!(c("b.jsonl.gz"), Some((FileKind::Jsonl, true)));
        assert_eq!(c("b.parquet"), Some((FileKind::Parquet, false)));
        assert_eq!(c("b.parquet.gz"), None);
        assert_eq!(c("README.md"), None);
    }
}
