//! What every usage command shares: validated usage settings, the price book, finding and
//! reading the logs (with a progress bar this command owns), the engine run, `--output`.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use chrono_tz::Tz;

use super::messages;
use super::UsageError;
use crate::cli::UsageArgs;
use crate::engine::{Aggregates, Aggregator, EngineSettings};
use crate::pricing::PriceBook;
use crate::readers::{self, LogFile, LogFormat, Progress, ReadOptions};
use crate::report::{self, Period};
use crate::usage::{col, format_timestamp_us, Where};

/// The environment variable that sets the parallel-read threshold when the hidden
/// `--parallel-min-bytes` flag is not given (tests and benchmarks use it).
pub const PARALLEL_MIN_BYTES_ENV: &str = "TOKENLEDGER_PARALLEL_MIN_BYTES";
/// Overrides the longest line read (bytes; default 64 MiB), for tests of the cap.
pub const MAX_LINE_BYTES_ENV: &str = "TOKENLEDGER_MAX_LINE_BYTES";

/// The line cap: [`MAX_LINE_BYTES_ENV`] when set, else [`readers::linecap::MAX_LINE_BYTES`].
pub fn max_line_bytes() -> usize {
    std::env::var(MAX_LINE_BYTES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(readers::linecap::MAX_LINE_BYTES)
}

/// Validated usage settings shared by the commands that price usage.
#[derive(Debug, Clone)]
pub struct UsageSettings {
    pub logs: Vec<PathBuf>,
    /// `--aggregates` files, read in place of the logs.
    pub aggregates: Vec<PathBuf>,
    pub log_format: LogFormat,
    pub exclude: Vec<String>,
    pub pricing: Vec<PathBuf>,
    pub pricing_overlay: Vec<PathBuf>,
    pub tz: Tz,
    pub tz_name: String,
    /// `--month`, when given.
    pub month: Option<String>,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    pub strict: bool,
    pub parallel_min_bytes: u64,
    /// `--where` conditions, all of which usage must meet.
    pub filter: Vec<Where>,
}

impl UsageSettings {
    pub fn from_args(args: UsageArgs) -> anyhow::Result<Self> {
        // Destructured so that a new flag cannot be forgotten here.
        let UsageArgs {
            source:
                crate::cli::LogSource {
                    logs,
                    log_format,
                    exclude,
                },
            aggregates,
            pricing,
            pricing_overlay,
            month,
            from,
            to,
            since,
            until,
            tz,
            filter,
            strict,
            parallel_min_bytes,
        } = args;
        let filter = filter
            .iter()
            .map(|w| Where::parse(w))
            .collect::<Result<Vec<_>, _>>()
            .map_err(UsageError::flag("--where"))?;
        let zone = crate::time::parse_tz(&tz).map_err(UsageError::flag("--tz"))?;
        // ccusage's --since/--until: inclusive dates, YYYYMMDD or YYYY-MM-DD.
        let from = match since {
            Some(s) => Some(
                ccusage_date(&s)
                    .map_err(UsageError::flag("--since"))?
                    .to_string(),
            ),
            None => from,
        };
        let to = match until {
            Some(s) => {
                let d = ccusage_date(&s).map_err(UsageError::flag("--until"))?;
                Some(d.succ_opt().unwrap_or(d).to_string())
            }
            None => to,
        };
        let (from_us, to_us) =
            crate::time::resolve(&zone, month.as_deref(), from.as_deref(), to.as_deref())?;
        Ok(UsageSettings {
            logs,
            aggregates,
            log_format,
            exclude,
            pricing,
            pricing_overlay,
            tz: zone,
            tz_name: tz,
            month,
            from_us,
            to_us,
            strict,
            filter,
            parallel_min_bytes: parallel_min_bytes
                .or_else(|| std::env::var(PARALLEL_MIN_BYTES_ENV).ok()?.parse().ok())
                .unwrap_or(readers::PARALLEL_MIN_BYTES),
        })
    }

    pub fn period(&self) -> Period {
        Period {
            from: self.from_us.map(format_timestamp_us),
            to: self.to_us.map(format_timestamp_us),
            tz: self.tz_name.clone(),
        }
    }

    /// " (2025-06-01 to 2025-07-01, UTC)" style suffix for chart titles.
    pub fn title_suffix(&self) -> String {
        let p = self.period();
        let range = match (&p.from, &p.to) {
            (None, None) => "all dates".to_string(),
            (f, t) => format!(
                "{} to {}",
                f.as_deref().map_or("start", |x| &x[..10]),
                t.as_deref().map_or("end", |x| &x[..10])
            ),
        };
        format!(" ({range}, {})", p.tz)
    }
}

/// A ccusage date: `YYYYMMDD` or `YYYY-MM-DD`.
fn ccusage_date(s: &str) -> Result<chrono::NaiveDate, NotADay> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    chrono::NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .ok()
        .filter(|_| digits.len() == 8)
        .ok_or_else(|| NotADay(s.to_string()))
}

/// A `--since`/`--until` value that is not a date.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a date (expected YYYYMMDD or YYYY-MM-DD, e.g. 20261001)")]
struct NotADay(String);

/// Loads the book (built-in unless paths are given) plus overlays; prints load warnings.
pub fn load_book(pricing: &[PathBuf], overlay: &[PathBuf]) -> anyhow::Result<PriceBook> {
    let book = PriceBook::load_with_overlay(pricing, overlay)?;
    for w in book.warnings() {
        messages::info(format_args!("price book {w}"));
    }
    Ok(book)
}

/// The logs read when no `--logs` is given: `./data` when it exists (the bundled sample in a
/// checkout), else this user's Claude Code folders (`CLAUDE_CONFIG_DIR`, a comma-separated
/// list, replaces `${XDG_CONFIG_HOME:-~/.config}/claude` and `~/.claude`) and Codex homes
/// (`CODEX_HOME`, a comma-separated list, else `~/.codex`), as ccusage finds them.
fn default_logs() -> Result<Vec<PathBuf>, UsageError> {
    let here = PathBuf::from("data");
    if here.is_dir() {
        return Ok(vec![here]);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let expand = |s: &str| -> PathBuf {
        match (s.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(s),
        }
    };
    let list = |var: &str| -> Option<Vec<PathBuf>> {
        let v = std::env::var(var).ok()?;
        Some(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(expand)
                .collect(),
        )
    };
    let claude = list("CLAUDE_CONFIG_DIR").unwrap_or_else(|| {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        xdg.map(|x| x.join("claude"))
            .into_iter()
            .chain(home.as_ref().map(|h| h.join(".claude")))
            .collect()
    });
    let codex = list("CODEX_HOME").unwrap_or_else(|| {
        home.as_ref()
            .map(|h| h.join(".codex"))
            .into_iter()
            .collect()
    });
    let mut found: Vec<PathBuf> = claude
        .into_iter()
        .filter(|d| d.join("projects").is_dir())
        .chain(codex.into_iter().filter(|d| readers::is_codex_home(d)))
        .collect();
    found.dedup();
    if found.is_empty() {
        return Err(UsageError::Message(
            "no --logs given, and there is no data/ folder here and no Claude Code (~/.claude) or Codex (~/.codex) logs: pass --logs PATH (a log file, a folder of them, or - for standard input)".into(),
        ));
    }
    messages::note(format_args!(
        "no --logs given: reading {} (pass --logs to read other logs)",
        found
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(found)
}

/// The log files of a run; the copies of standard input and other streams live as long as this.
pub struct Logs {
    pub files: Vec<LogFile>,
    _streams: Vec<tempfile::TempPath>,
}

/// The log files under `--logs`, each with its format decided. Files in folders that are not
/// logs, or whose format cannot be told, are skipped with a note; `--exclude` leaves some out.
pub fn find_logs(logs: &[PathBuf], format: LogFormat, exclude: &[String]) -> anyhow::Result<Logs> {
    let defaults;
    let logs = if logs.is_empty() {
        defaults = default_logs()?;
        &defaults[..]
    } else {
        logs
    };
    let found = readers::discover(logs, exclude).map_err(|e| match e {
        // "--logs: data/x.csv: no such file or directory".
        readers::ReadError::NotFound { .. } => anyhow::Error::new(e).context("--logs"),
        other => other.into(),
    })?;
    let mut files = found.files;
    let unknown = readers::resolve_formats(&mut files, format)?;
    // One line for the files left out (a folder of logs often holds other files).
    if !found.skipped.is_empty() {
        const NAMED: usize = 3;
        let mut names: Vec<String> = found
            .skipped
            .iter()
            .take(NAMED)
            .map(|p| crate::text::printable(&p.display().to_string()).into_owned())
            .collect();
        if found.skipped.len() > NAMED {
            names.push(format!("and {} more", found.skipped.len() - NAMED));
        }
        messages::note(format_args!(
            "skipped {} (not a log file, or --exclude): {}",
            crate::money::count_of(found.skipped.len() as u64, "file"),
            names.join(", ")
        ));
    }
    for w in &found.warnings {
        messages::warning(format_args!("{}", crate::text::printable(w)));
    }
    for (_, e) in &unknown {
        // The error names the file.
        messages::warning(format_args!(
            "skipped {}",
            crate::text::printable(&e.to_string())
        ));
    }
    Ok(Logs {
        files,
        _streams: found.streams,
    })
}

/// What a usage command asks the engine for.
#[derive(Debug, Clone, Default)]
pub struct Job {
    /// Extra dimensions to group by (see [`engine_dims`]).
    pub dims: Vec<String>,
    /// Count requests per minute too.
    pub per_minute: bool,
    /// Also aggregate this window outside the period on its own (see `EngineSettings::side`).
    pub side: Option<(i64, i64)>,
    /// Dimensions the command adds on its own (FOCUS's billing account): not a mistake when no
    /// row has them, unlike a `--by` name.
    pub optional: Vec<String>,
}

/// Loads the price book, reads every log file and aggregates it.
pub fn aggregate(s: &UsageSettings, job: &Job) -> anyhow::Result<(Arc<PriceBook>, Aggregates)> {
    let book = Arc::new(load_book(&s.pricing, &s.pricing_overlay)?);
    let aggregate_files = s
        .aggregates
        .iter()
        .map(|p| readers::aggregates::read(p))
        .collect::<Result<Vec<_>, _>>()
        .context("--aggregates")?;
    let mut dims = job.dims.clone();
    // The Azure deployment type decides the Azure price, so the engine carries it after the
    // job's and the filter's dimensions (whose positions do not move): always from logs, and
    // from aggregates whose every file has it (the query grouped by it).
    let carries = aggregate_files.is_empty()
        || aggregate_files
            .iter()
            .all(|f| f.manifest.dims.iter().any(|d| d == col::DEPLOYMENT_TYPE));
    if carries && !dims.iter().any(|d| d == col::DEPLOYMENT_TYPE) {
        for w in &s.filter {
            if !crate::engine::groups::IN_KEY.contains(&w.dim.as_str()) && !dims.contains(&w.dim) {
                dims.push(w.dim.clone());
            }
        }
        dims.push(col::DEPLOYMENT_TYPE.into());
    }
    let settings = EngineSettings {
        tz: s.tz,
        from_us: s.from_us,
        to_us: s.to_us,
        dims,
        boundaries: book.boundaries(),
        book: Some(book.clone()),
        per_minute: job.per_minute,
        filter: s.filter.clone(),
        side: job.side,
    };
    if !aggregate_files.is_empty() {
        let aggregates = crate::engine::import::import(&aggregate_files, &settings, &book)
            .map_err(|e| match e {
                // The data's fault (exit 1), not the command line's.
                crate::engine::import::ImportError::Overflow { .. }
                | crate::engine::import::ImportError::Invalid { .. } => {
                    anyhow::anyhow!("--aggregates: {e}")
                }
                other => UsageError::Message(format!("--aggregates: {other}")).into(),
            })?;
        aggregates.check_totals()?;
        return Ok((book, aggregates));
    }
    let logs = find_logs(&s.logs, s.log_format, &s.exclude)?;
    let files = &logs.files;
    if files.is_empty() {
        messages::warning("no log files found under the --logs paths");
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let bar = progress_bar(sizes.iter().sum());
    let opts = ReadOptions {
        wanted_extras: job
            .dims
            .iter()
            .chain(s.filter.iter().map(|w| &w.dim))
            .map(String::as_str)
            .chain([col::DEPLOYMENT_TYPE])
            .filter(|d| !col::KNOWN.contains(d))
            .map(str::to_string)
            .collect(),
        period: Some((s.from_us, s.to_us)).filter(|(f, t)| f.is_some() || t.is_some()),
        side: job.side,
        parallel_min_bytes: s.parallel_min_bytes,
        max_line_bytes: max_line_bytes(),
        overlong: Default::default(),
        progress: bar.clone().map(|b| {
            Progress(Arc::new(move |n| {
                b.inc(n);
                // Headers are read twice by some readers: never show more than 100%.
                if b.length().is_some_and(|l| b.position() > l) {
                    b.set_length(b.position());
                }
            }))
        }),
    };
    let mut agg = Aggregator::new(settings)
        // Canonical rows with ids are about 150 bytes: sizes the dedupe set once, if ids appear.
        .with_expected_rows(sizes.iter().map(|&n| n as usize / 150).sum());
    let read = readers::read_all(files, &opts, &mut agg);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    read?;
    let aggregates = agg.finish().context("aggregating usage")?;
    check_columns(s, job, &aggregates, files)?;
    aggregates.check_totals()?;
    let c = &aggregates.counters;
    if aggregates.cells.is_empty() && c.outside_period > 0 {
        // A period with nothing in it: say what the logs do cover.
        if let (Some(first), Some(last)) = (c.first_us, c.last_us) {
            let mut days = crate::engine::buckets::LocalDays::new(s.tz);
            let mut day = |us: i64| crate::usage::format_day(days.day(us) as i64);
            messages::warning(format_args!(
                "no usage in the period; the logs cover {} to {} ({})",
                day(first),
                day(last),
                s.tz_name
            ));
        }
    }
    Ok((book, aggregates))
}

/// A `--by` or `--where` name that is not a known dimension and that no log row has a value
/// for is a mistake (a typo, most often): exit 2 with the closest column name and the columns
/// the logs do have.
fn check_columns(
    s: &UsageSettings,
    job: &Job,
    agg: &Aggregates,
    files: &[LogFile],
) -> Result<(), UsageError> {
    if agg.groups.is_empty() {
        return Ok(());
    }
    let filter_dims: Vec<&str> = s.filter.iter().map(|w| w.dim.as_str()).collect();
    // The engine appends filter dimensions after the job's.
    let mut names: Vec<&str> = job.dims.iter().map(String::as_str).collect();
    for d in &filter_dims {
        if !names.contains(d) && !crate::engine::groups::IN_KEY.contains(d) {
            names.push(d);
        }
    }
    for (i, d) in names.iter().enumerate() {
        if col::KNOWN.contains(d)
            || report::KNOWN_DIMS.contains(d)
            || job.optional.iter().any(|o| o == d)
        {
            continue;
        }
        if agg
            .groups
            .iter()
            .any(|g| g.dims.get(i).is_some_and(Option::is_some))
        {
            continue;
        }
        let flag = if filter_dims.contains(d) && !job.dims.iter().any(|j| j == d) {
            "--where"
        } else {
            "--by"
        };
        let extras = readers::columns::extra_columns(files).unwrap_or_default();
        let candidates: Vec<&str> = report::KNOWN_DIMS
            .iter()
            .copied()
            .chain(extras.iter().map(String::as_str))
            .collect();
        let closest = candidates
            .iter()
            .map(|c| (strsim::damerau_levenshtein(d, c), *c))
            .filter(|(dist, c)| *dist <= (d.len().max(c.len()) / 3).max(2))
            .min();
        let mut message = format!("{flag} {d}: no log row has a column named {d:?}");
        if let Some((_, c)) = closest {
            message.push_str(&format!(" (did you mean {c:?}?)"));
        }
        message.push_str(&format!(
            "; dimensions: {}{}",
            report::KNOWN_DIMS.join(", "),
            if extras.is_empty() {
                String::new()
            } else {
                format!("; log columns: {}", extras.join(", "))
            }
        ));
        return Err(UsageError::Message(message));
    }
    Ok(())
}

/// `--by` as given, checked: names, no measures, no repeats.
pub fn validate_by(by: &[String]) -> Result<Vec<String>, UsageError> {
    let mut out: Vec<String> = Vec::new();
    for d in by {
        let d = d.trim().to_string();
        if d.is_empty() {
            return Err(UsageError::Message("--by: empty dimension name".into()));
        }
        if col::NOT_DIMENSIONS.contains(&d.as_str()) {
            return Err(UsageError::Message(format!(
                "--by: {d:?} is a measure or unique per row, not a dimension (use one of {}, or an extra log column)",
                report::KNOWN_DIMS.join(", ")
            )));
        }
        if out.contains(&d) {
            return Err(UsageError::Message(format!("--by: {d:?} is given twice")));
        }
        out.push(d);
    }
    Ok(out)
}

/// A progress bar over the bytes of the log files, only when stderr is a terminal and the logs
/// are large.
fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() || total < 64 << 20 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading logs {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Dimensions the engine must group by for these `--by` columns (the rest come from the
/// pricing key or the date).
pub fn engine_dims(by: &[String]) -> Vec<String> {
    by.iter()
        .filter(|d| {
            !matches!(
                d.as_str(),
                report::MONTH
                    | report::DAY
                    | report::CANONICAL_MODEL
                    | col::PROVIDER
                    | col::MODEL
                    | col::REGION
                    | report::BATCH
            )
        })
        .cloned()
        .collect()
}

/// How tables look where they go: fitted to the terminal's width (or `COLUMNS`) and coloured
/// when standard output is a terminal (`NO_COLOR` turns colour off); plain in a file or a pipe.
pub fn terminal_style(output: Option<&PathBuf>) -> crate::render::Style {
    let to_stdout = output.is_none_or(|p| p.as_os_str() == "-");
    let tty = to_stdout && io::stdout().is_terminal();
    let env_width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    let width = if to_stdout {
        env_width.or_else(|| {
            tty.then(|| comfy_table::Table::new().width().map(usize::from))
                .flatten()
        })
    } else {
        None
    };
    crate::render::Style {
        width,
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        ..Default::default()
    }
}

/// Opens `--output` (or standard output) for writing.
pub fn output(path: Option<&PathBuf>) -> anyhow::Result<Output> {
    Ok(match path {
        // A device or FIFO (`-o /dev/stdout`) is written in place: it cannot be renamed over.
        Some(p) if p.as_os_str() != "-" && !readers::beside::special(p) => {
            Output::File(AtomicFile::create(p)?)
        }
        Some(p) if p.as_os_str() != "-" => Output::Direct(BufWriter::new(
            std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .with_context(|| format!("cannot write {}", p.display()))?,
        )),
        _ => Output::Stdout(BufWriter::new(io::stdout().lock())),
    })
}

/// Where a command writes: standard output, or a file that appears under its name only when
/// complete ([`Output::commit`]).
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(AtomicFile),
    /// A device or FIFO named as the output.
    Direct(BufWriter<std::fs::File>),
}

impl Output {
    /// Flushes and, for a file, moves it into place. Until then a file output is a temporary
    /// file beside it, removed if the command fails.
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut w) => Ok(w.flush()?),
            Output::File(f) => f.commit(),
            Output::Direct(mut w) => Ok(w.flush()?),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
            Output::Direct(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
            Output::Direct(w) => w.flush(),
        }
    }
}

/// A file written under a temporary name in its folder and renamed over `path` by
/// [`AtomicFile::commit`]: a reader (or a crash: kill -9, a full disk) never sees half a file
/// under the final name; without a commit the temporary file is removed.
pub struct AtomicFile {
    path: PathBuf,
    w: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> anyhow::Result<AtomicFile> {
        let tmp = readers::beside::temp_file(path, ".tmp")
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            w: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    pub fn commit(self) -> anyhow::Result<()> {
        let path = self.path;
        let tmp = self
            .w
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", path.display()))?;
        tmp.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}
