//! tokenledger: exact, reproducible cost accounting for LLM API request logs.
//!
//! Data flows one way: `readers` (files -> canonical [`usage::UsageRecord`]s) -> `engine`
//! (polars aggregation + exact pricing with the `pricing` book) -> `report` (typed rows) ->
//! `render` (table, csv, json, markdown). `commands` wires them to the command line.

pub mod chart;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod engine;
pub mod errors;
pub mod focus;
pub mod idset;
pub mod money;
pub mod period;
pub mod pricing;
pub mod readers;
pub mod render;
pub mod report;
pub mod usage;
pub mod writers;

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
            eprintln!("tokenledger: error: {e:#}");
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
