//! Log readers: turn files on disk into canonical [`UsageRecord`](crate::usage::UsageRecord)s.
//!
//! Readers own file access, decompression and per-row validation. They hand every good row to
//! a [`UsageSink`] and every bad row to the same sink as a [`Rejection`] naming file, line and
//! field, so nothing is lost silently. Layer 1: they know nothing about prices or reports (they
//! name only `usage`, `providers`, `text` and themselves), and they own no global state: a
//! progress bar is a callback the command passes in [`ReadOptions`].

pub mod agents;
pub mod aggregates;
pub mod amp;
pub mod anthropic;
pub mod bedrock;
pub mod bill;
pub mod canonical;
pub mod claude_code;
pub mod cline;
pub mod codex;
pub mod columns;
pub mod content_id;
pub mod copilot;
pub mod cursor;
pub mod detect;
pub mod discover;
pub mod droid;
pub mod gemini_cli;
pub mod goose;
pub mod json;
pub mod kimi;
pub mod linecap;
pub mod litellm;
pub mod openai;
pub mod opencode;
pub mod otel;
pub mod parquet_footer;
pub mod parquet_pages;
pub mod qwen;
pub mod sqlite;

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

pub use detect::{detect, resolve_formats, sniff};
pub use discover::{classify, discover, is_claude_code_folder, is_codex_home};

use crate::usage::{FieldError, OwnedRecord, Rejection, UsageSink};

/// Errors that stop reading a file (as opposed to rejected rows, which do not).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Printed with its source by the caller (`{:#}`): "path: the I/O error".
    #[error("{path}")]
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

/// Called with the number of bytes read from disk (before gunzip): how a command shows progress.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(u64) + Send + Sync>);

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

/// Files smaller than this are read by one thread (see `canonical::blocks`).
pub const PARALLEL_MIN_BYTES: u64 = 64 << 20;

/// Options every reader honours.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Extra (non-canonical) columns to carry as dimensions; others are skipped cheaply.
    pub wanted_extras: Vec<String>,
    /// The period a command reports on (UTC microseconds, end exclusive). Readers that can
    /// read a row's timestamp cheaply skip the rest of a row outside it (see
    /// [`UsageSink::outside`]).
    pub period: Option<(Option<i64>, Option<i64>)>,
    /// A second window outside the period whose rows are read in full too (the month before a
    /// one-month HTML report, for its total); a malformed row there counts as outside the
    /// period, as it would without the window.
    pub side: Option<(i64, i64)>,
    /// Plain canonical CSV files at least this large are validated on all cores.
    pub parallel_min_bytes: u64,
    /// Told the bytes read, as they are read.
    pub progress: Option<Progress>,
    /// The longest line read; a longer one is rejected (see [`linecap`]).
    pub max_line_bytes: usize,
    /// Where the line cap notes the lines it dropped (turned into rejections by [`read_file`]).
    pub overlong: linecap::Overlong,
    /// `--map`: (column as the file names it, canonical name), applied to canonical headers.
    pub map: Vec<(String, String)>,
    /// Give rows without a request id a content id for this machine (see [`content_id`]):
    /// set when logs are synced into a ledger or read beside one.
    pub content_ids: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            wanted_extras: Vec::new(),
            period: None,
            side: None,
            parallel_min_bytes: PARALLEL_MIN_BYTES,
            progress: None,
            max_line_bytes: linecap::MAX_LINE_BYTES,
            overlong: linecap::Overlong::default(),
            map: Vec::new(),
            content_ids: None,
        }
    }
}

/// The column a `--map FROM=TO` list reads as `name`: the FROM of a pair whose TO is `name`,
/// else `name` itself.
pub fn map_source<'a>(map: &'a [(String, String)], name: &'a str) -> &'a str {
    map.iter()
        .find(|(_, to)| to == name)
        .map_or(name, |(from, _)| from.as_str())
}

impl ReadOptions {
    /// A header name as `--map` renames it.
    pub fn mapped<'a>(&'a self, name: &'a str) -> &'a str {
        self.map
            .iter()
            .find(|(from, _)| from == name.trim())
            .map_or(name, |(_, to)| to.as_str())
    }

    /// The key a JSON object holds column `name` under: the FROM of a `--map FROM=name`, else
    /// the name itself.
    pub fn source_of<'a>(&'a self, name: &'a str) -> &'a str {
        map_source(&self.map, name)
    }

    /// True when `ts` is outside the period.
    pub fn outside(&self, ts: i64) -> bool {
        self.period
            .is_some_and(|(f, t)| f.is_some_and(|f| ts < f) || t.is_some_and(|t| ts >= t))
    }

    /// True when `ts` is in the side window.
    pub fn in_side(&self, ts: i64) -> bool {
        self.side.is_some_and(|(f, t)| ts >= f && ts < t)
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
    /// A SQLite database (`.db`, or by its first bytes): an agent's store (OpenCode, Copilot CLI).
    Sqlite,
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
    /// Codex CLI session logs (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl).
    Codex,
    /// Gemini CLI chat recordings (~/.gemini/tmp/<project>/chats/session-*.json[l]).
    GeminiCli,
    /// Qwen Code chat recordings (~/.qwen/projects/<project>/chats/<session>.jsonl).
    Qwen,
    /// Kimi CLI wire logs (~/.kimi/sessions/<project>/<session>/wire.jsonl).
    Kimi,
    /// Cline, Roo Code and Kilo Code task logs (<storage>/tasks/<task>/ui_messages.json).
    Cline,
    /// Cursor's usage export (the dashboard's CSV).
    Cursor,
    /// Amp threads (~/.local/share/amp/threads/T-*.json).
    Amp,
    /// OpenCode's database (~/.local/share/opencode/opencode.db) or older message files.
    Opencode,
    /// GitHub Copilot CLI's session store (~/.copilot/session-store.db).
    Copilot,
    /// Goose's session database (~/.local/share/goose/sessions/sessions.db): running totals.
    Goose,
    /// Droid session settings (~/.factory/sessions/*.settings.json): running totals.
    Droid,
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
            LogFormat::Codex => "codex",
            LogFormat::GeminiCli => "gemini-cli",
            LogFormat::Qwen => "qwen",
            LogFormat::Kimi => "kimi",
            LogFormat::Cline => "cline",
            LogFormat::Cursor => "cursor",
            LogFormat::Amp => "amp",
            LogFormat::Opencode => "opencode",
            LogFormat::Copilot => "copilot",
            LogFormat::Goose => "goose",
            LogFormat::Droid => "droid",
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
    /// What messages call the file when not its path (`<stdin>`).
    pub label: Option<String>,
    /// Found by walking a `--logs` folder (rather than named): a file there whose format cannot
    /// be recognised is skipped with a note instead of stopping the run.
    pub from_folder: bool,
}

impl LogFile {
    /// The file's name in messages: its path, or its label.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.path.display().to_string())
    }
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
    let machine = opts.content_ids.as_deref();
    for f in files.iter().filter(|f| f.format != LogFormat::ClaudeCode) {
        match machine {
            Some(m) => {
                // The file's absolute path, so that `--logs ./x.csv` and `--logs /home/me/x.csv`
                // give the same ids (a stream keeps its label).
                let source = match &f.label {
                    Some(label) => label.clone(),
                    None => std::fs::canonicalize(&f.path)
                        .map_or_else(|_| f.name(), |p| p.display().to_string()),
                };
                read_file(f, opts, &mut content_id::ContentIds::new(sink, m, &source))?
            }
            None => read_file(f, opts, sink)?,
        }
    }
    if !claude.is_empty() {
        // (Claude Code rows carry their message's id.)
        claude_code::read_all(&claude, opts, sink)?;
        for f in &claude {
            reject_overlong(f, opts, sink);
        }
    }
    Ok(())
}

/// Rejects the lines the line cap dropped from `file`.
fn reject_overlong(file: &LogFile, opts: &ReadOptions, sink: &mut dyn UsageSink) {
    let name = file.name();
    for (line, bytes) in opts.overlong.take(&name) {
        sink.reject(Rejection {
            file: name.clone(),
            line,
            field: "row".into(),
            reason: format!(
                "line longer than {} bytes ({bytes} bytes or more): skipped without reading it",
                opts.max_line_bytes
            ),
        });
    }
}

/// A reader that tells the progress callback its bytes.
pub struct Tick<R> {
    inner: R,
    progress: Option<Progress>,
}

impl<R> Tick<R> {
    pub fn new(inner: R, opts: &ReadOptions) -> Self {
        Tick {
            inner,
            progress: opts.progress.clone(),
        }
    }
}

impl<R: Read> Read for Tick<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            (p.0)(n as u64);
        }
        Ok(n)
    }
}

/// The rows of a CSV log as the readers read them.
pub type CsvLog = crate::text::lines::CsvRows<Box<dyn Read>>;

/// A CSV log's rows after its header, and the header's names; a header that cannot be read
/// is the file's error (line 1).
pub fn csv_with_header(
    file: &LogFile,
    opts: &ReadOptions,
) -> Result<(CsvLog, Vec<String>), ReadError> {
    let mut rows = crate::text::lines::CsvRows::new(open(file, opts)?);
    let headers = rows.headers().map_err(|e| ReadError::Format {
        path: file.name(),
        message: format!("line 1: cannot read the CSV header: {e}"),
    })?;
    Ok((rows, headers))
}

/// Opens a file for reading, transparently decompressing gzip.
pub fn open(file: &LogFile, opts: &ReadOptions) -> Result<Box<dyn Read>, ReadError> {
    let f = File::open(&file.path).map_err(|e| ReadError::Io {
        path: file.name(),
        source: e,
    })?;
    let r = BufReader::with_capacity(1 << 20, Tick::new(f, opts));
    let cap = |r: Box<dyn std::io::BufRead>| {
        let r = BufReader::with_capacity(1 << 16, linecap::LoneCr::new(r));
        linecap::LineCap::new(r, opts.max_line_bytes, file.name(), opts.overlong.clone())
    };
    Ok(if file.gzip {
        Box::new(cap(Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(r),
        ))))
    } else {
        Box::new(cap(Box::new(r)))
    })
}

/// Catch regions running now (see [`caught`]).
static CATCHING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A panic caught at a file boundary, with its message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Panicked(pub String);

/// Runs `f`, turning a panic into `Err(its message)`: the last resort at a file boundary for a
/// decoder (polars') that trips an assertion on a damaged file. The caller names the file and
/// quotes the message, so the panic's own report on stderr is held back, once
/// [`quiet_caught_panics`] has installed the hook.
pub fn caught<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    use std::sync::atomic::Ordering::SeqCst;
    CATCHING.fetch_add(1, SeqCst);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.fetch_sub(1, SeqCst);
    r.map_err(|p| {
        Panicked(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a decoder failed".into()),
        )
    })
}

/// Installs a panic hook that keeps quiet about panics raised in polars' code while a
/// [`caught`] region runs (they become that file's error); every other panic (a bug in
/// tokenledger) is reported as before.
pub fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_polars = info
                .location()
                .is_some_and(|l| l.file().contains("/polars"));
            if !(in_polars && CATCHING.load(std::sync::atomic::Ordering::SeqCst) > 0) {
                default(info);
            }
        }));
    });
}

/// Reads one log file (of a resolved format) into the sink.
pub fn read_file(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    // The last resort for a damaged file that trips a decoder's assertion (Parquet's, in
    // polars): that file's error, never a crash of the run.
    let read = caught(|| read_format(file, opts, sink)).unwrap_or_else(|what| {
        Err(ReadError::Format {
            path: file.name(),
            message: format!(
                "damaged or unsupported file (the reader stopped: {})",
                crate::text::safe_reason(&what.0)
            ),
        })
    });
    if file.format != LogFormat::ClaudeCode {
        reject_overlong(file, opts, sink);
    }
    read
}

fn read_format(
    file: &LogFile,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<(), ReadError> {
    match file.format {
        LogFormat::Auto | LogFormat::Canonical => match file.kind {
            FileKind::Csv => canonical::read_csv(file, opts, sink),
            FileKind::Jsonl | FileKind::Json => canonical::read_jsonl(file, opts, sink),
            FileKind::Parquet => canonical::read_parquet(file, opts, sink),
            FileKind::Sqlite => Err(ReadError::Format {
                path: file.name(),
                message: "a SQLite database that is no agent's store tokenledger reads".into(),
            }),
        },
        LogFormat::Bedrock => bedrock::read(file, opts, sink),
        LogFormat::OpenaiUsage => openai::read(file, opts, sink),
        LogFormat::Anthropic => anthropic::read(file, opts, sink),
        LogFormat::ClaudeCode => {
            let read = claude_code::read_all(std::slice::from_ref(file), opts, sink);
            reject_overlong(file, opts, sink);
            read
        }
        LogFormat::Codex => codex::read(file, opts, sink),
        LogFormat::GeminiCli => gemini_cli::read(file, opts, sink),
        LogFormat::Qwen => qwen::read(file, opts, sink),
        LogFormat::Kimi => kimi::read(file, opts, sink),
        LogFormat::Cline => cline::read(file, opts, sink),
        LogFormat::Cursor => cursor::read(file, opts, sink),
        LogFormat::Amp => amp::read(file, opts, sink),
        LogFormat::Opencode => opencode::read(file, opts, sink),
        LogFormat::Copilot => copilot::read(file, opts, sink),
        LogFormat::Goose => goose::read(file, opts, sink),
        LogFormat::Droid => droid::read(file, opts, sink),
        LogFormat::Litellm => litellm::read(file, opts, sink),
        LogFormat::Otel => otel::read(file, opts, sink),
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

    /// The rest of the input (what is buffered included).
    pub fn into_inner(self) -> BufReader<R> {
        self.reader
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
