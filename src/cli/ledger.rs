//! The arguments of `ledger` and its subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Keep usage rows beyond the logs' lifetime, and add up machines.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Copy every usage row the readers find (the default agent folders, or --logs) into the
    /// ledger: partitioned by month, written atomically, each request once (a second sync adds
    /// nothing; a file that grew adds only its new rows).
    Sync(LedgerSyncArgs),
    /// Merge other machines' ledgers into this one (their rows keep their `machine`), each
    /// request once.
    Import(LedgerImportArgs),
    /// What the ledger holds: rows per month, machine and agent, and the last syncs.
    Status(LedgerStatusArgs),
}

/// Where the ledger is.
#[derive(Debug, Args)]
pub struct LedgerDir {
    /// The ledger's folder. Default: $XDG_DATA_HOME/tokenledger, else
    /// ~/.local/share/tokenledger.
    #[arg(long, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LedgerSyncArgs {
    #[command(flatten)]
    pub dir: LedgerDir,

    /// Logs to copy: files or folders (as for `report`). Default: this user's coding-agent
    /// folders (./data when it exists).
    #[arg(long = "logs", value_name = "PATH")]
    pub logs: Vec<PathBuf>,

    /// Log format of the --logs files (default: detected per file).
    #[arg(
        long = "log-format",
        value_enum,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub log_format: crate::readers::LogFormat,

    /// Leave out files and folders under --logs folders whose name or path matches. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// This machine's name in the `machine` column (default: the one the ledger was made
    /// with, else the host name). Rows without request ids get ids from it: keep it stable.
    #[arg(long, value_name = "NAME")]
    pub machine: Option<String>,
}

#[derive(Debug, Args)]
pub struct LedgerImportArgs {
    #[command(flatten)]
    pub dir: LedgerDir,

    /// Other ledgers' folders (copied from other machines). Repeatable.
    #[arg(value_name = "OTHER", required = true)]
    pub others: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LedgerStatusArgs {
    #[command(flatten)]
    pub dir: LedgerDir,

    /// `json` for scripts.
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}
