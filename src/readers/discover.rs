//! Finding log files: `--logs` paths expanded into files (folders walked in sorted order, so
//! runs are reproducible), each recognised by its name, and Claude Code config folders. A file
//! named on the command line with another extension (`.log`, none) is recognised by its first
//! bytes; `-` is standard input, copied to a temporary file the caller keeps.
//!
//! Each real file and folder is visited once (by device and inode): a link back to a folder
//! (`current -> .`) is not walked again and a file reached twice (a link, a repeated `--logs`)
//! is read once, each with a warning; a FIFO or device inside a folder is skipped, one named on
//! the command line is read once into a temporary copy (readers open files more than once).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{FileKind, LogFile, LogFormat, ReadError};

/// What `--logs` expanded to.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<LogFile>,
    /// Paths inside folders that are not logs (by name) or that `--exclude` left out.
    pub skipped: Vec<PathBuf>,
    /// Copies of standard input and other streams, deleted when this is dropped.
    pub streams: Vec<tempfile::TempPath>,
    /// What the caller should warn about (links read once, loops, non-regular files).
    pub warnings: Vec<String>,
}

/// A file's identity: (device, inode) where the platform has them, else its canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    #[allow(dead_code)]
    Path(PathBuf),
}

fn identity(p: &Path, meta: &std::fs::Metadata) -> Identity {
    #[cfg(unix)]
    {
        let _ = p;
        use std::os::unix::fs::MetadataExt;
        Identity::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Identity::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
    }
}

/// What has been visited, by identity, with the path it was first seen under.
#[derive(Default)]
struct Seen {
    files: std::collections::HashMap<Identity, PathBuf>,
    dirs: std::collections::HashMap<Identity, PathBuf>,
}

impl Seen {
    /// True the first time; else a warning names the path it was seen under.
    fn first_file(
        &mut self,
        p: &Path,
        meta: &std::fs::Metadata,
        warnings: &mut Vec<String>,
    ) -> bool {
        first(
            &mut self.files,
            p,
            meta,
            warnings,
            "file",
            "a link, or named twice): read once",
        )
    }

    fn first_dir(
        &mut self,
        p: &Path,
        meta: &std::fs::Metadata,
        warnings: &mut Vec<String>,
    ) -> bool {
        first(
            &mut self.dirs,
            p,
            meta,
            warnings,
            "folder",
            "a link back, or named twice): not walked again",
        )
    }
}

fn first(
    seen: &mut std::collections::HashMap<Identity, PathBuf>,
    p: &Path,
    meta: &std::fs::Metadata,
    warnings: &mut Vec<String>,
    what: &str,
    then: &str,
) -> bool {
    match seen.entry(identity(p, meta)) {
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(p.to_path_buf());
            true
        }
        std::collections::hash_map::Entry::Occupied(o) => {
            warnings.push(format!(
                "{} is the {what} {} again ({then}",
                p.display(),
                o.get().display()
            ));
            false
        }
    }
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
    if head.starts_with(b"SQLite format 3\0") && !gzip {
        return Ok((FileKind::Sqlite, false));
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
    } else if (stem.ends_with(".db") || stem.ends_with(".sqlite")) && !gzip {
        FileKind::Sqlite
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
    let mut seen = Seen::default();
    for p in paths {
        if p.as_os_str() == "-" {
            let copy = stream_copy(&mut std::io::stdin().lock(), "<stdin>")?;
            let (kind, gzip) = sniff_kind(&copy)?;
            out.files.push(LogFile {
                path: copy.to_path_buf(),
                kind,
                gzip,
                format: LogFormat::Auto,
                label: Some("<stdin>".into()),
                from_folder: false,
            });
            out.streams.push(copy);
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
            if !seen.first_dir(p, &meta, &mut out.warnings) {
                continue;
            }
            let before = out.files.len();
            walk(p, exclude, &mut out, &mut seen)?;
            if let Some(home) = super::agents::home_of(p) {
                // A coding agent's folder: only its usage logs, in its format (settings,
                // histories and other state beside them are left out quietly).
                let found: Vec<LogFile> = out.files.drain(before..).collect();
                out.skipped.retain(|s| !s.starts_with(p));
                for mut f in found {
                    let rel = f
                        .path
                        .strip_prefix(p)
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    if (home.keep)(&rel) {
                        f.format = home.format;
                        out.files.push(f);
                    }
                }
            } else if is_codex_home(p) {
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
        } else if !meta.is_file() {
            // A FIFO, a device, /dev/stdin: read once into a copy, by content.
            let label = p.display().to_string();
            let mut src = std::fs::File::open(p).map_err(|e| ReadError::Io {
                path: label.clone(),
                source: e,
            })?;
            let copy = stream_copy(&mut src, &label)?;
            let (kind, gzip) = match classify(p) {
                Some(f) => (f.kind, f.gzip),
                None => sniff_kind(&copy)?,
            };
            out.files.push(LogFile {
                path: copy.to_path_buf(),
                kind,
                gzip,
                format: LogFormat::Auto,
                label: Some(label),
                from_folder: false,
            });
            out.streams.push(copy);
        } else {
            if !seen.first_file(p, &meta, &mut out.warnings) {
                continue;
            }
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

/// A stream longer than this without a newline is refused while copying (`/dev/zero`), well
/// above the readers' line cap so that they reject long lines themselves.
const STREAM_MAX_RUN: usize = 4 * super::linecap::MAX_LINE_BYTES;

/// Copies a stream (standard input, a FIFO, a device) to a temporary file, once: readers open
/// files more than once.
fn stream_copy(src: &mut dyn Read, label: &str) -> Result<tempfile::TempPath, ReadError> {
    use std::io::Write;
    let io = |e| ReadError::Io {
        path: label.to_string(),
        source: e,
    };
    let mut tmp = tempfile::NamedTempFile::new().map_err(io)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut run = 0usize;
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        let chunk = &buf[..n];
        run = match memchr::memrchr(b'\n', chunk) {
            Some(i) => n - i - 1,
            None => run + n,
        };
        if run > STREAM_MAX_RUN {
            return Err(ReadError::Format {
                path: label.to_string(),
                message: format!(
                    "more than {} MiB without a newline: not a log (an endless device?)",
                    STREAM_MAX_RUN >> 20
                ),
            });
        }
        tmp.write_all(chunk).map_err(io)?;
    }
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
    out: &mut Discovered,
    seen: &mut Seen,
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
            out.skipped.push(p);
            continue;
        }
        // Following links; a dangling link is not a log.
        let Ok(meta) = std::fs::metadata(&p) else {
            out.skipped.push(p);
            continue;
        };
        if meta.is_dir() {
            if seen.first_dir(&p, &meta, &mut out.warnings) {
                walk(&p, exclude, out, seen)?;
            }
        } else if let Some(mut f) = classify(&p) {
            if !meta.is_file() {
                out.warnings.push(format!(
                    "{} is not a regular file (a FIFO, socket or device): skipped",
                    p.display()
                ));
            } else if seen.first_file(&p, &meta, &mut out.warnings) {
                f.from_folder = true;
                out.files.push(f);
            }
        } else {
            out.skipped.push(p);
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
