//! tokenledger: exact, reproducible cost accounting for LLM API request logs.
//!
//! # Layers
//!
//! Data flows one way, and the modules are layered so that the imports say so: a module names
//! only its own layer or a lower one (`scripts/check-layers.sh` checks this in CI).
//!
//! | layer | modules | job |
//! |---|---|---|
//! | 0 vocabulary | `usage`, `time`, `money`, `providers`, `text` | the canonical schema and its parsing, periods and zones, money formatting, provider names, safe text; no I/O |
//! | 1 files | `readers`, `pricing`, `output` | the only file I/O: logs into [`usage::UsageRecord`]s and bills into [`readers::bill::BilledLine`]s, price files into a [`pricing::PriceBook`], and every file written whole or not at all (`output`: `--output`, `convert`, charts, `--out-dir`); the three do not import each other, and `readers` writes nothing |
//! | 2 engine | `engine` | records + book -> integer sums per (local day, price epoch, group), priced exactly; no I/O, no clock |
//! | 3 results | `report`, `sql` | typed results built from priced aggregates (report, comparison, reconciliation with a bill, failures, FOCUS rows, forecast); no formatting; the warehouse query that makes aggregates |
//! | 4 outputs | `render`, `chart` | one file per output format, charts through plotters; no arithmetic on money |
//! | 5 command line | `cli`, `commands` | clap definitions; one file per subcommand; `commands::messages` owns stderr |
//!
//! # Where to add
//!
//! - **a log format**: a file in `readers/` with `looks_like` and `read(file, opts, sink)`,
//!   a `LogFormat` variant, a line in `readers::detect` and in `readers::read_file`; convert
//!   the source's token semantics to the canonical ones (see `usage`).
//! - **a bill format**: a file in `readers/bill/` that turns each line into a `BilledLine` (its
//!   cost kept whatever it is) and returns the file's total, a `BillFormat` variant, a line in
//!   `readers::bill::detect` and `read`; a provider's grammar for its usage strings in
//!   `readers::bill::grammar`, its names for models in `pricing/bill-names.csv`.
//! - **an output format**: a file in `render/` that reads the result struct; a variant of the
//!   format enum of the commands that can write it.
//! - **a `--by` dimension**: computed from a cell in `report::dims::dim_value` (and listed in
//!   `KNOWN_DIMS`), or carried by the engine as an extra dimension (`commands::dims::engine_dims`).
//! - **a price column**: `pricing::row` (`col`, `PriceRow`, `rates`, `table_record`),
//!   `pricing::parse`, and the cost formula in `engine::price::cost_of`.
//! - **a subcommand**: an `Args` struct in `cli/`, a file in `commands/` (settings from args by
//!   destructuring, call the library, render; at most 220 lines of code), a line in `commands::dispatch`.
//! - **a file tokenledger writes**: through `output::atomic` (one file) or `output::folder`.
//!
//! `scripts/check-layers.sh` also refuses a circle between the files of one folder (a folder's
//! `mod.rs` is its front door and not part of it), a result whose error is a bare string
//! outside tests, and files over their budget of lines of code (220 in `commands/`, 450
//! elsewhere; tests, comments and blank lines not counted).

// layer 0
pub mod money;
pub mod providers;
pub mod text;
pub mod time;
pub mod usage;
// layer 1
pub mod output;
pub mod pricing;
pub mod readers;
// layer 2
pub mod engine;
// layer 3
pub mod report;
pub mod sql;
// layer 4
pub mod chart;
pub mod render;
// layer 5
pub mod cli;
pub mod commands;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

/// Runs the command line `args` (program name first) and returns the process exit code: 0 ok,
/// 1 data problems, 2 usage errors. Holds no global state, so it can run twice in one process.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    readers::quiet_caught_panics();
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(commands::version_text().as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            commands::messages::error(format_args!("{e:#}"));
            if let Some(h) = hint(&e) {
                commands::messages::hint(h);
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// The one place that maps errors to exit codes: a bad command line (a wrong flag value, a
/// period or zone that cannot be read, a `--logs` path that does not exist) is 2; anything
/// else (an invalid price table, an unreadable log, `--strict` findings) is 1.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    let usage = e.chain().any(|c| {
        c.is::<commands::UsageError>()
            || c.is::<time::PeriodError>()
            || matches!(
                c.downcast_ref::<readers::ReadError>(),
                Some(readers::ReadError::NotFound { .. })
            )
    });
    if usage {
        2
    } else {
        1
    }
}

/// What to do next, for the errors where that is not obvious from the message.
fn hint(e: &anyhow::Error) -> Option<&'static str> {
    if e.chain().any(|c| c.to_string() == "--aggregates") {
        return Some("--aggregates takes the result of a `tokenledger sql` query as CSV (header, RFC 4180 quoting) or Parquet, the manifest row included; `tokenledger sql --help` says how to make it");
    }
    e.chain().find_map(|c| {
        if c.is::<commands::reconcile::BillError>() {
            Some("force the format with --bill-format (aws-cur, focus, azure-cost, gcp-billing, openai-costs, anthropic-cost); README: \"Reconcile with your bill\" says how to export each bill")
        } else if c.is::<pricing::PriceBookError>() {
            Some("`tokenledger prices validate PATH` lists every finding with file, line and column")
        } else if let Some(r) = c.downcast_ref::<readers::ReadError>() {
            Some(match r {
                readers::ReadError::NotFound { .. } => {
                    "give --logs a log file, a folder of them, or - for standard input (without --logs: ./data, or your Claude Code and Codex logs)"
                }
                readers::ReadError::Format { .. } => {
                    "force the format with --log-format, or move the file out of the --logs folder"
                }
                readers::ReadError::Io { .. } => "check that the file is readable",
            })
        } else if c.is::<time::PeriodError>() {
            Some("periods are --month YYYY-MM, or --from/--to dates (YYYY-MM-DD, end exclusive) in --tz")
        } else {
            None
        }
    })
}
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().is_some_and(|io| {
            io.kind() == BrokenPipe
                // csv::Error converted into io::Error keeps the original as its inner error.
                || io.get_ref().and_then(|i| i.downcast_ref::<csv::Error>()).is_some_and(csv_broken_pipe)
        });
        io || c.downcast_ref::<csv::Error>().is_some_and(csv_broken_pipe)
    })
}

fn csv_broken_pipe(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}
