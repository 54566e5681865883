//! Layer 5, the command line: one file per subcommand that turns parsed arguments into
//! validated settings, calls the library and renders; `pipeline` holds what the usage
//! commands share, `messages` owns standard error, `report_page` builds the HTML page and the
//! report folder. Errors carry an exit-code class (see [`Failure`]). Commands do no arithmetic
//! on money and hold no state between runs.

pub mod chart;
pub mod compare;
pub mod convert;
pub mod errors;
pub mod messages;
pub mod pipeline;
pub mod prices;
pub mod report;
pub mod report_page;
pub mod update;
pub mod why;

use std::fmt;

use crate::cli::{Cli, Command};

/// An error with the exit code it deserves.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments or missing inputs: exit 2.
    Usage(String),
    /// The data is wrong (invalid price table, unreadable log, strict-mode findings): exit 1.
    Data(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Data(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Failure {}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Data(_) => 1,
        }
    }
}

pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Report(args) => report::run(args),
        Command::Prices(cmd) => prices::run(cmd),
        Command::Convert(args) => convert::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Chart(args) => chart::run(args),
        Command::Errors(args) => errors::run(args),
    }
}
