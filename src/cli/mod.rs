//! Command-line definitions (clap derive), one file per group of commands. Only parsing lives
//! here; `commands` validates the values into settings before any work starts.

pub mod bill;
pub mod formats;
pub mod ledger;
pub mod prices;
pub mod usage;
pub mod warehouse;

use clap::{Parser, Subcommand};

pub use bill::{CheckArgs, ReconcileArgs};
pub use formats::{output_format, ErrorsFormat, ReconcileFormat, ReportFormat, TableFormat};
pub use ledger::LedgerCommand;
pub use prices::{BookArgs, CatalogueArgs, PricesCommand};
pub use usage::{
    ChartArgs, ColumnsArgs, CompareArgs, ConvertArgs, ErrorsArgs, LogSource, ReportArgs, UsageArgs,
};
pub use warehouse::{QueryArgs, SparkJobArgs, SqlArgs};

#[derive(Debug, Parser)]
#[command(
    name = "tokenledger",
    version,
    about = "Exact, reproducible cost accounting for LLM API request logs",
    long_about = "tokenledger prices LLM request logs with a versioned price table (each request at the \
price in force at its timestamp) and reports exact costs by month, provider, model, user or project.\n\n\
Exit codes: 0 ok, 1 data problems (invalid price table; unpriced usage or rejected rows under --strict), \
2 usage errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Cost breakdown of request logs (by default: per month, provider and model).
    Report(ReportArgs),
    /// Inspect, validate, audit and update the price book.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// Read logs in any supported format and write them in the canonical schema.
    Convert(ConvertArgs),
    /// Re-price the same usage on every provider: what would it have cost elsewhere?
    Compare(CompareArgs),
    /// Tie the logs to the bill: read what AWS, Azure, Google, OpenAI or Anthropic billed,
    /// join it with the priced logs by day, model and token class, and explain every dollar
    /// of difference by cause.
    Reconcile(ReconcileArgs),
    /// Month-to-date spend against budgets and the month-end projection; exit 1 when a
    /// projection crosses its budget (for cron and CI).
    Check(CheckArgs),
    /// Draw a chart (PNG or SVG): spend-by-model, spend-by-provider, daily, compare, tokens.
    Chart(ChartArgs),
    /// Failed requests by status, peak requests per minute, minutes over a rate limit.
    Errors(ErrorsArgs),
    /// Print the SQL that sums request rows in a warehouse (DuckDB, Spark, Postgres, Trino,
    /// Athena, BigQuery, ClickHouse, Snowflake) into aggregates for `--aggregates FILE`.
    Sql(SqlArgs),
    /// Write a PySpark script (spark-submit, EMR, Dataproc, Databricks) that runs the `sql`
    /// query over Parquet, CSV or JSON files and saves the aggregates as one CSV.
    SparkJob(SparkJobArgs),
    /// A ledger of usage rows that outlives the logs (coding agents delete theirs) and adds up
    /// machines: sync, import, status.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The dimensions and log columns some logs have (rows with a value, distinct values,
    /// examples): what --by and --where can name.
    Columns(ColumnsArgs),
    /// ccusage's daily view: `report --by day,provider,model` (every report option works).
    Daily(ReportArgs),
    /// ccusage's monthly view: `report --by month,provider,model`.
    Monthly(ReportArgs),
    /// ccusage's session view: `report --by session,project` (Claude Code and Codex logs name
    /// their sessions).
    Session(ReportArgs),
    /// Print a shell completion script: `tokenledger completions bash > ~/.local/share/bash-completion/completions/tokenledger`
    /// (zsh: a file `_tokenledger` in a folder of $fpath; fish: ~/.config/fish/completions/tokenledger.fish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}
