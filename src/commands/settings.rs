//! The settings of a usage command, validated from its arguments (`UsageArgs` ->
//! [`UsageSettings`]), what it asks the engine for ([`Job`]), and the read limits the
//! environment may set.

use std::path::PathBuf;

use chrono_tz::Tz;

use super::UsageError;
use crate::cli::UsageArgs;
use crate::readers::{self, LogFormat};
use crate::report::Period;
use crate::usage::{format_timestamp_us, Where};

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
    /// `--ledger` (an empty path: the default folder).
    pub ledger: Option<PathBuf>,
    /// `--map`: canonical names for a log's own column names.
    pub map: Vec<(String, String)>,
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
                    map,
                    ledger,
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
            map: super::logs::parse_map(&map)?,
            logs,
            aggregates,
            log_format,
            exclude,
            ledger: crate::cli::LogSource::ledger_path(&ledger),
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

    /// " (2025-06-01 to 2025-06-30, UTC)": a chart title's period, in local days.
    pub fn title_suffix(&self) -> String {
        format!(" ({})", self.period().days_label())
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
    /// The flag that asked for a dimension when it is not `--by` or `--where` (`--tags`,
    /// `--budget`): an error about the name names that flag.
    pub flags: Vec<(String, &'static str)>,
}
