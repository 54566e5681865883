//! Log readers: turn files on disk into canonical [`UsageRecord`]s.
//!
//! Readers own file access, decompression and per-row validation. They hand every good row to
//! a [`UsageSink`] and every bad row to the same sink as a [`Rejection`] naming file, line and
//! field, so nothing is lost silently. They know nothing about prices or reports.

pub mod anthropic;
pub mod bedrock;
pub mod canonical;
pub mod claude_code;
pub mod json;
pub mod litellm;
pub mod openai;
pub mod otel;
pub mod parallel_csv;
pub mod providers;

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::usage::{FieldError, OwnedRecord, UsageRecord};

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
    /// A row whose timestamp is outside [`ReadOptions::period`]: only its provider and request
    /// id were read (a duplicate is still a duplicate). Sinks that set no period never get it.
    fn outside(&mut self, provider: &str, request_id: Option<&str>) {
        let _ = (provider, request_id);
    }
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
    /// The period a command reports on (UTC microseconds, end exclusive). Readers that can
    /// read a row's timestamp cheaply skip the rest of a row outside it (see
    /// [`UsageSink::outside`]).
    pub period: Option<(Option<i64>, Option<i64>)>,
}

impl ReadOptions {
    /// True when `ts` is outside the period.
    pub fn outside(&self, ts: i64) -> bool {
        self.period
            .is_some_and(|(f, t)| f.is_some_and(|f| ts < f) || t.is_some_and(|t| ts >= t))
    }
}

/// File encodings, told apart by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    /// `.jsonl`/`.ndjson`: one JSON value per line.
    Jsonl,
    /// `.json`: JSON Lines, an array, or pretty-printed documents.
    Json,
    Parquet,
}

/// The log formats tokenledger reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Detect per file from its content (and Claude Code folders from their layout).
    Auto,
    /// tokenledger's canonical schema (CSV, JSONL, Parquet).
    Canonical,
    /// AWS Bedrock model invocation logs.
    Bedrock,
    /// OpenAI Usage API completions buckets, or Chat Completions / Responses bodies.
    OpenaiUsage,
    /// Anthropic Messages API responses or the Admin API usage report.
    Anthropic,
    /// A Claude Code config folder (projects/<project>/<session>.jsonl).
    ClaudeCode,
    /// LiteLLM proxy spend logs (CSV or JSON).
    Litellm,
    /// OpenTelemetry GenAI spans (OTLP JSON).
    Otel,
}

impl LogFormat {
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Auto => "auto",
            LogFormat::Canonical => "canonical",
            LogFormat::Bedrock => "bedrock",
            LogFormat::OpenaiUsage => "openai-usage",
            LogFormat::Anthropic => "anthropic",
            LogFormat::ClaudeCode => "claude-code",
            LogFormat::Litellm => "litellm",
            LogFormat::Otel => "otel",
        }
    }
}

/// A log file to read: its path, encoding, whether it is gzip-compressed, and its format
/// (`Auto` until [`resolve_formats`] has looked at it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub gzip: bool,
    pub format: LogFormat,
}

/// Validates an assembled record and hands it to the sink, or rejects it with file and line.
pub fn deliver_owned(
    sink: &mut dyn UsageSink,
    path: &str,
    line: u64,
    rec: Result<OwnedRecord, FieldError>,
) {
    let rec = rec.map(|mut r| {
        // A source's free-form keys (Bedrock requestMetadata, OTel resource attributes) may
        // reuse a canonical column's name; as dimensions they get a prefix instead.
        for (k, _) in r.extra.iter_mut() {
            if crate::usage::col::KNOWN.contains(&k.as_str()) {
                *k = format!("extra.{k}");
            }
        }
        r
    });
    match rec.and_then(|r| r.validate().map(|_| r)) {
        Ok(r) => sink.record(&r.as_record()),
        Err(e) => sink.reject(Rejection {
            file: path.to_string(),
            line,
            field: e.field,
            reason: e.reason,
        }),
    }
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

/// Decides the format of every file still `Auto`: `forced` when given, else by content.
pub fn resolve_formats(files: &mut [LogFile], forced: LogFormat) -> Result<(), ReadError> {
    for f in files.iter_mut() {
        if forced != LogFormat::Auto {
            f.format = forced;
        } else if f.format == LogFormat::Auto {
            f.format = sniff(f)?;
        }
        let ok = match f.format {
            LogFormat::Canonical => true,
            LogFormat::Litellm => {
                matches!(f.kind, FileKind::Csv | FileKind::Json | FileKind::Jsonl)
            }
            _ => matches!(f.kind, FileKind::Json | FileKind::Jsonl),
        };
        if !ok {
            return Err(ReadError::Format {
                path: f.path.display().to_string(),
                message: format!("a {:?} file cannot hold {} logs", f.kind, f.format.name()),
            });
        }
    }
    Ok(())
}

/// Looks at the start of a file to tell its format.
pub fn sniff(file: &LogFile) -> Result<LogFormat, ReadError> {
    let path = file.path.display().to_string();
    match file.kind {
        FileKind::Parquet => return Ok(LogFormat::Canonical),
        FileKind::Csv => {
            let mut rdr = csv::ReaderBuilder::new().from_reader(open(file)?);
            let names: Vec<String> = rdr
                .headers()
                .map(|h| h.iter().map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            return Ok(if litellm::header_looks_like(&names) {
                LogFormat::Litellm
            } else {
                LogFormat::Canonical
            });
        }
        FileKind::Json | FileKind::Jsonl => {}
    }
    // Look at up to 20 records: the first lines of a transcript may carry no usage.
    let mut seen = 0;
    let mut found = None;
    let mut first_error = None;
    let result = json::for_each_value_limit(file, 20, |_, v| {
        if found.is_some() || seen >= 20 {
            return;
        }
        seen += 1;
        match v {
            Ok(v) => found = detect(&v),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    });
    if let Some(f) = found {
        return Ok(f);
    }
    result?;
    Err(ReadError::Format {
        path,
        message: format!(
            "not a recognised log format ({}); expected canonical JSONL, a Bedrock invocation log, an OpenAI usage export, Anthropic usage, a Claude Code transcript, LiteLLM spend logs or OTLP JSON spans (or force one with --log-format)",
            first_error.unwrap_or_else(|| "no record matched".into())
        ),
    })
}

/// The format a JSON record belongs to, if any. Order matters: Bedrock records embed Anthropic
/// messages, and Claude Code lines embed them too.
pub fn detect(v: &serde_json::Value) -> Option<LogFormat> {
    let arr_first;
    let v = match v {
        serde_json::Value::Array(a) => {
            arr_first = a.first()?.clone();
            &arr_first
        }
        other => other,
    };
    if bedrock::looks_like(v) {
        Some(LogFormat::Bedrock)
    } else if otel::looks_like(v) {
        Some(LogFormat::Otel)
    } else if litellm::looks_like(v) {
        // Before OpenAI and Anthropic: spend-log rows may embed a stored API response.
        Some(LogFormat::Litellm)
    } else if claude_code::looks_like(v) {
        Some(LogFormat::ClaudeCode)
    } else if openai::looks_like(v) {
        Some(LogFormat::OpenaiUsage)
    } else if anthropic::looks_like(v) {
        Some(LogFormat::Anthropic)
    } else if v.get("timestamp").is_some()
        && v.get("provider").is_some()
        && v.get("input_tokens").is_some()
    {
        Some(LogFormat::Canonical)
    } else {
        None
    }
}

/// Reads every file into the sink. Claude Code files are read together (their duplicates span
/// files).
pub fn read_all(
    files: &[LogFile],
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    let claude: Vec<LogFile> = files
        .iter()
        .filter(|f| f.format == LogFormat::ClaudeCode)
        .cloned()
        .collect();
    for f in files.iter().filter(|f| f.format != LogFormat::ClaudeCode) {
        read_file(f, opts, sink)?;
    }
    if !claude.is_empty() {
        claude_code::read_all(&claude, sink)?;
    }
    Ok(())
}

/// A progress bar over the bytes of the log files, shown only when stderr is a terminal and the
/// logs are large. Readers report bytes as they read them (on-disk bytes, before gunzip).
pub mod progress {
    use std::io::{IsTerminal, Read};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    use indicatif::{ProgressBar, ProgressStyle};

    static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);
    static ON: AtomicBool = AtomicBool::new(false);

    /// Starts a bar for `total` bytes (nothing when stderr is not a terminal or `total` is small).
    pub fn start(total: u64) {
        if !std::io::stderr().is_terminal() || total < 64 << 20 {
            return;
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "reading logs {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        if let Ok(mut b) = BAR.lock() {
            *b = Some(bar);
            ON.store(true, Ordering::Relaxed);
        }
    }

    /// Removes the bar.
    pub fn finish() {
        ON.store(false, Ordering::Relaxed);
        if let Ok(mut b) = BAR.lock() {
            if let Some(bar) = b.take() {
                bar.finish_and_clear();
            }
        }
    }

    fn add(n: u64) {
        if ON.load(Ordering::Relaxed) {
            if let Ok(b) = BAR.lock() {
                if let Some(bar) = b.as_ref() {
                    bar.inc(n);
                    // Headers are read twice by some readers: never show more than 100%.
                    if bar.length().is_some_and(|l| bar.position() > l) {
                        bar.set_length(bar.position());
                    }
                }
            }
        }
    }

    /// A reader that reports its bytes to the bar.
    pub struct Tick<R>(pub R);

    impl<R: Read> Read for Tick<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            add(n as u64);
            Ok(n)
        }
    }
}

/// Opens a file for reading, transparently decompressing gzip.
pub fn open(file: &LogFile) -> Result<Box<dyn Read>, ReadError> {
    let f = File::open(&file.path).map_err(|e| ReadError::Io {
        path: file.path.display().to_string(),
        source: e,
    })?;
    let r = BufReader::with_capacity(1 << 20, progress::Tick(f));
    Ok(if file.gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(r),
        ))
    } else {
        Box::new(r)
    })
}

/// Reads one log file (of a resolved format) into the sink.
pub fn read_file(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    match file.format {
        LogFormat::Auto | LogFormat::Canonical => match file.kind {
            FileKind::Csv => canonical::read_csv(file, opts, sink),
            FileKind::Jsonl | FileKind::Json => canonical::read_jsonl(file, opts, sink),
            FileKind::Parquet => canonical::read_parquet(file, opts, sink),
        },
        LogFormat::Bedrock => bedrock::read(file, sink),
        LogFormat::OpenaiUsage => openai::read(file, sink),
        LogFormat::Anthropic => anthropic::read(file, sink),
        LogFormat::ClaudeCode => claude_code::read_all(std::slice::from_ref(file), sink),
        LogFormat::Litellm => litellm::read(file, sink),
        LogFormat::Otel => otel::read(file, sink),
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
        assert_eq!(c("b.json.gz"), Some((FileKind::Json, true)));
        assert_eq!(c("README.md"), None);
    }
}

/// Line numbers for a streamed text file: wraps the reader, notes where each newline passes,
/// and answers "which line does byte offset B start on" for offsets in increasing order.
/// (The csv crate's own line counter is off after blank lines and with CRLF endings.) Memory is
/// bounded by the read-ahead, as newlines before the last query are dropped.
pub mod lines {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::io::Read;
    use std::rc::Rc;

    #[derive(Default)]
    struct State {
        /// Byte offsets of newlines read but not yet passed by a query.
        pending: VecDeque<u64>,
        /// Newlines before the last queried offset.
        passed: u64,
        read: u64,
    }

    /// The reading side.
    pub struct Counting<R> {
        inner: R,
        state: Rc<RefCell<State>>,
    }

    /// The asking side.
    #[derive(Clone)]
    pub struct Tracker {
        state: Rc<RefCell<State>>,
    }

    pub fn wrap<R: Read>(inner: R) -> (Counting<R>, Tracker) {
        let state = Rc::new(RefCell::new(State::default()));
        (
            Counting {
                inner,
                state: state.clone(),
            },
            Tracker { state },
        )
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            let mut s = self.state.borrow_mut();
            let base = s.read;
            for i in memchr::memchr_iter(b'\n', &buf[..n]) {
                s.pending.push_back(base + i as u64);
            }
            s.read += n as u64;
            Ok(n)
        }
    }

    impl Tracker {
        /// The 1-based line on which byte `offset` lies.
        pub fn line_at(&self, offset: u64) -> u64 {
            let mut s = self.state.borrow_mut();
            while s.pending.front().is_some_and(|&p| p < offset) {
                s.pending.pop_front();
                s.passed += 1;
            }
            s.passed + 1
        }
    }

    /// Newlines inside a record's fields (quoted multi-line values).
    pub fn newlines_in(rec: &csv::StringRecord) -> u64 {
        rec.iter()
            .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
            .sum()
    }

    /// The first line of the record the csv reader just returned, from the reader's position
    /// after it (which points at the record's terminator): the csv crate's own record positions
    /// are off after CRLF endings and blank lines.
    pub fn record_line(end_line: u64, rec: &csv::StringRecord) -> u64 {
        end_line.saturating_sub(newlines_in(rec)).max(1)
    }

    /// The 1-based line of byte `offset` in an in-memory text.
    pub fn line_in(bytes: &[u8], offset: u64) -> u64 {
        let end = (offset as usize).min(bytes.len());
        bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn lines_survive_crlf_and_blank_lines() {
            let text = b"h,x\r\n\r\na,1\r\n\n\nb,2\n";
            let (mut r, t) = wrap(&text[..]);
            let mut sink = Vec::new();
            r.read_to_end(&mut sink).unwrap();
            assert_eq!(t.line_at(0), 1);
            assert_eq!(t.line_at(7), 3); // "a,1"
            assert_eq!(t.line_at(14), 6); // "b,2"
            assert_eq!(line_in(text, 14), 6);
        }

        #[test]
        fn csv_record_lines_from_end_positions() {
            let text = b"h,x\r\na,1\r\n\r\n\r\nb,-1\r\nc,\"x\ny\"\nd,2";
            let (c, t) = wrap(&text[..]);
            let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(c);
            let mut rec = csv::StringRecord::new();
            let mut got = Vec::new();
            while rdr.read_record(&mut rec).unwrap() {
                got.push((
                    rec.get(0).unwrap().to_string(),
                    record_line(t.line_at(rdr.position().byte().saturating_sub(1)), &rec),
                ));
            }
            let want: Vec<(String, u64)> = [("a", 2), ("b", 5), ("c", 6), ("d", 8)]
                .iter()
                .map(|(a, b)| (a.to_string(), *b))
                .collect();
            assert_eq!(got, want);
        }
    }
}

/// Reads a text file line by line as bytes, so one line of invalid UTF-8 is one bad line (to
/// reject) rather than the end of the file.
pub struct LineReader<R> {
    reader: BufReader<R>,
    buf: Vec<u8>,
    line: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader {
            reader: BufReader::with_capacity(1 << 20, inner),
            buf: Vec::new(),
            line: 0,
        }
    }

    /// The next line: its 1-based number and its trimmed text, or `Err(())` when it is not
    /// valid UTF-8. `Ok(None)` at the end of the file.
    #[allow(clippy::type_complexity)]
    pub fn next_line(&mut self) -> std::io::Result<Option<(u64, Result<&str, ()>)>> {
        self.buf.clear();
        let n = std::io::BufRead::read_until(&mut self.reader, b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        let text = std::str::from_utf8(&self.buf)
            .map(|s| s.trim_start_matches('\u{feff}').trim())
            .map_err(|_| ());
        Ok(Some((self.line, text)))
    }
}
