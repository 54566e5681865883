//! Finding log files: `--logs` paths expanded into files (folders walked in sorted order, so
//! runs are reproducible), each recognised by its name, and Claude Code config folders.

use std::path::{Path, PathBuf};

use super::{FileKind, LogFile, LogFormat, ReadError};

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
    } else if stem.ends_with(".json") {
        FileKind::Json
    } else if stem.ends_with(".parquet") && !gzip {
        FileKind::Parquet
    } else {
        return None;
    };
    Some(LogFile {
        path: path.to_path_buf(),
        kind,
        gzip,
        format: LogFormat::Auto,
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
            let before = files.len();
            walk(p, &mut files, &mut skipped)?;
            if is_claude_code_folder(p) {
                // A Claude Code config folder holds settings, todos and more beside the
                // transcripts: only projects/**/*.jsonl are logs.
                let in_projects = |f: &Path| {
                    p.ends_with("projects")
                        || f.strip_prefix(p).is_ok_and(|r| r.starts_with("projects"))
                };
                let mut kept = Vec::new();
                for mut f in files.drain(before..) {
                    if f.kind == FileKind::Jsonl && in_projects(&f.path) {
                        f.format = LogFormat::ClaudeCode;
                        kept.push(f);
                    } else {
                        skipped.push(f.path);
                    }
                }
                files.extend(kept);
            }
        } else {
            match classify(p) {
                Some(f) => files.push(f),
                None => {
                    return Err(ReadError::Format {
                        path: p.display().to_string(),
                        message: "not a recognised log file (expected .csv, .jsonl, .ndjson, .json, .parquet, or .gz of the text formats)".into(),
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

/// A Claude Code config folder (it has `projects/`) or its `projects/` folder itself.
pub fn is_claude_code_folder(dir: &Path) -> bool {
    dir.join("projects").is_dir() || dir.file_name().is_some_and(|n| n == "projects")
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
        assert_eq!(c("b.json.gz"), Some((FileKind::Json, true)));
        assert_eq!(c("README.md"), None);
    }
}
