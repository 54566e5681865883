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
//! | 1 inputs | `readers`, `pricing` | the only file I/O on the way in: logs into [`usage::UsageRecord`]s, price files into a [`pricing::PriceBook`]; the two do not import each other |
//! | 2 engine | `engine` | records + book -> integer sums per (local day, price epoch, group), priced exactly; no I/O, no clock |
//! | 3 results | `report` | typed results built from priced aggregates (report, comparison, failures, FOCUS rows, forecast); no formatting |
//! | 4 outputs | `render`, `chart` | one file per output format, charts through plotters; no arithmetic on money |
//! | 5 command line | `cli`, `commands` | clap definitions; one file per subcommand; `commands::messages` owns stderr |
//!
//! # Where to add
//!
//! - **a log format**: a file in `readers/` with `looks_like` and `read(file, opts, sink)`,
//!   a `LogFormat` variant, a line in `readers::detect` and in `readers::read_file`; convert
//!   the source's token semantics to the canonical ones (see `usage`).
//! - **an output format**: a file in `render/` that reads the result struct; a variant of the
//!   format enum of the commands that can write it.
//! - **a `--by` dimension**: computed from a cell in `report::dims::dim_value` (and listed in
//!   `KNOWN_DIMS`), or carried by the engine as an extra dimension (`commands::pipeline::engine_dims`).
//! - **a price column**: `pricing::row` (`col`, `PriceRow`, `rates`, `table_record`),
//!   `pricing::parse`, and the cost formula in `engine::price::cost_of`.
//! - **a subcommand**: an `Args` struct in `cli`, a file in `commands/` (settings from args by
//!   destructuring, call the library, render), a line in `commands::dispatch`.

// layer 0
pub mod money;
pub mod providers;
pub mod text;
pub mod time;
pub mod usage;
// layer 1
pub mod pricing;
pub mod readers;
// layer 2
pub mod engine;
// layer 3
pub mod report;
// layer 4
pub mod chart;
pub mod render;
// layer 5
pub mod cli;
pub mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Runs the command line and returns the process exit code: 0 ok, 1 data problems, 2 usage
/// errors.
pub fn run() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let code = e
                .downcast_ref::<commands::Failure>()
                .map_or(1, commands::Failure::exit_code);
            commands::messages::error(format_args!("{e:#}"));
            ExitCode::from(code)
        }
    }
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
