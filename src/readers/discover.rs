//! Finding log files: `--logs` paths expanded into files (folders walked in sorted order, so
//! runs are reproducible), each recognised by its name, and Claude Code config folders. A file
//! named on the command line with another extension (`.log`, none) is recognised by its first
//! bytes; `-` is standard input, copied to a temporary file the caller keeps.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{FileKind, LogFile, LogFormat, ReadError};

/// What `--logs` expanded to.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<LogFile>,
    /// Paths inside folders that are not logs (by name) or that `--exclude` left out.
    pub skipped: Vec<PathBuf>,
    /// Standard input's copy, deleted when this is dropped.
    pub stdin: Option<tempfile::TempPath>,
}

/// The encoding of a file from its first bytes: gzip, Parquet, JSON (`{` or `[`), else CSV.
pub fn sniff_kind(path: &Path) -> Result<(FileKind, bool), ReadError> {
    let io = |e| ReadError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .map_err(io)?
        .take(64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    if gzip {
        let mut inner = Vec::with_capacity(64);
        let f = std::fs::File::open(path).map_err(io)?;
        // A truncated or odd gzip is the reader's error to report, with its line.
        let _ = flate2::read::MultiGzDecoder::new(f)
            .take(64)
            .read_to_end(&mut inner);
        head = inner;
    }
    if head.starts_with(b"PAR1") && !gzip {
        return Ok((FileKind::Parquet, false));
    }
    let first = head
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
    Ok(match first {
        Some(b'{') | Some(b'[') => (FileKind::Json, gzip),
        _ => (FileKind::Csv, gzip),
    })
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
        label: None,
        from_folder: false,
    })
}

/// Expands the `--logs` arguments: files are taken as given (by extension, else by content),
/// `-` is standard input, directories are walked recursively (in sorted order, so runs are
/// reproducible) for every log file by extension. Hidden entries and names or paths matching an
/// `exclude` pattern (`*` is any run of characters) are left out.
pub fn discover(paths: &[PathBuf], exclude: &[String]) -> Result<Discovered, ReadError> {
    let mut out = Discovered::default();
    for p in paths {
        if p.as_os_str() == "-" {
            let copy = stdin_copy()?;
            let (kind, gzip) = sniff_kind(&copy)?;
            out.files.push(LogFile {
                path: copy.to_path_buf(),
                kind,
                gzip,
                format: LogFormat::Auto,
                label: Some("<stdin>".into()),
                from_folder: false,
            });
            out.stdin = Some(copy);
            continue;
        }
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
            let before = out.files.len();
            walk(p, exclude, &mut out.files, &mut out.skipped)?;
            if is_codex_home(p) {
                // A Codex home holds config, history and logs beside the sessions: only
                // sessions/**/rollout-*.jsonl (and archived ones not also under sessions/).
                let found: Vec<LogFile> = out.files.drain(before..).collect();
                let split = |f: &LogFile| -> (Option<String>, PathBuf) {
                    let rel = f
                        .path
                        .strip_prefix(p)
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    let tree = rel
                        .components()
                        .next()
                        .and_then(|c| c.as_os_str().to_str())
                        .map(str::to_string);
                    (tree, rel.components().skip(1).collect())
                };
                let active: std::collections::BTreeSet<PathBuf> = found
                    .iter()
                    .map(split)
                    .filter(|(t, _)| t.as_deref() == Some("sessions"))
                    .map(|(_, inner)| inner)
                    .collect();
                let mut kept = Vec::new();
                for mut f in found {
                    let (tree, inner) = split(&f);
                    let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    let rollout = f.kind == FileKind::Jsonl && name.starts_with("rollout-");
                    let keep = match tree.as_deref() {
                        Some("sessions") => rollout,
                        // An archived copy of a session still under sessions/ is skipped.
                        Some("archived_sessions") => rollout && !active.contains(&inner),
                        _ => false,
                    };
                    // Config, history and logs of the tool are not news: left out quietly.
                    if keep {
                        f.format = LogFormat::Codex;
                        kept.push(f);
                    }
                }
                out.files.extend(kept);
            } else if is_claude_code_folder(p) {
                // A Claude Code config folder holds settings, todos and more beside the
                // transcripts: only projects/**/*.jsonl are logs.
                let in_projects = |f: &Path| {
                    p.ends_with("projects")
                        || f.strip_prefix(p).is_ok_and(|r| r.starts_with("projects"))
                };
                let mut kept = Vec::new();
                for mut f in out.files.drain(before..) {
                    if f.kind == FileKind::Jsonl && in_projects(&f.path) {
                        f.format = LogFormat::ClaudeCode;
                        kept.push(f);
                    }
                }
                out.files.extend(kept);
            }
        } else {
            match classify(p) {
                Some(f) => out.files.push(f),
                None => {
                    // Named on the command line: `.log`, no extension... read by content.
                    let (kind, gzip) = sniff_kind(p)?;
                    out.files.push(LogFile {
                        path: p.clone(),
                        kind,
                        gzip,
                        format: LogFormat::Auto,
                        label: None,
                        from_folder: false,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Copies standard input to a temporary file (readers open files more than once).
fn stdin_copy() -> Result<tempfile::TempPath, ReadError> {
    let io = |e| ReadError::Io {
        path: "<stdin>".into(),
        source: e,
    };
    let mut tmp = tempfile::NamedTempFile::new().map_err(io)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut tmp).map_err(io)?;
    Ok(tmp.into_temp_path())
}

fn excluded(p: &Path, exclude: &[String]) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let full = p.to_string_lossy();
    exclude
        .iter()
        .any(|g| crate::text::glob_match(g, name) || crate::text::glob_match(g, &full))
}

fn walk(
    dir: &Path,
    exclude: &[String],
    files: &mut Vec<LogFile>,
    skipped: &mut Vec<PathBuf>,
) -> Result<(), ReadError> {
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
        if excluded(&p, exclude) {
            skipped.push(p);
            continue;
        }
        if p.is_dir() {
            walk(&p, exclude, files, skipped)?;
        } else if let Some(mut f) = classify(&p) {
            f.from_folder = true;
            files.push(f);
        } else {
            skipped.push(p);
        }
    }
    Ok(())
}

/// A Codex home (`~/.codex`): it has `sessions/` or `archived_sessions/`.
pub fn is_codex_home(dir: &Path) -> bool {
    dir.join("sessions").is_dir() || dir.join("archived_sessions").is_dir()
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
