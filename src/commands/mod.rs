//! Layer 5, the command line: one file per subcommand that turns parsed arguments into
//! validated settings, calls the library and renders; `pipeline` holds what the usage
//! commands share, `messages` owns standard error, `report_page` builds the HTML page and the
//! report folder. Commands propagate the library's typed errors; [`UsageError`] marks a bad
//! command line and the crate root's `exit_code` classifies every error in one place. Commands do no
//! arithmetic on money and hold no state between runs.

pub mod chart;
pub mod columns;
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

use crate::cli::{Cli, Command};

/// A mistake in how tokenledger was called (exit 2). `Flag` names the option whose value is
/// wrong and keeps the library's error as its source, so the message reads
/// `--tz: unknown time zone "Mars/Olympus" (...)`.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{flag}")]
    Flag {
        flag: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{0}")]
    Message(String),
}

impl UsageError {
    /// Wraps an error of `flag`'s value: `.map_err(UsageError::flag("--tz"))`.
    pub fn flag<E: std::error::Error + Send + Sync + 'static>(
        flag: &'static str,
    ) -> impl FnOnce(E) -> UsageError {
        move |e| UsageError::Flag {
            flag,
            source: Box::new(e),
        }
    }
}

/// A problem found in the data that the command makes an error of (exit 1): `--strict`
/// findings, nothing to chart, an invalid price table under `prices validate`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Report(args) => report::run(args, &["month", "provider", "model"]),
        Command::Daily(args) => report::run(args, &["day", "model"]),
        Command::Monthly(args) => report::run(args, &["month", "model"]),
        Command::Session(args) => report::run(args, &["session", "project"]),
        Command::Prices(cmd) => prices::run(cmd),
        Command::Convert(args) => convert::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Chart(args) => chart::run(args),
        Command::Errors(args) => errors::run(args),
        Command::Columns(args) => columns::run(args),
    }
}
