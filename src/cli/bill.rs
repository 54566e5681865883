//! The arguments of `reconcile`.

use std::path::PathBuf;

use clap::Args;

use super::{ReconcileFormat, UsageArgs};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub usage: UsageArgs,

    /// What the provider billed: an AWS CUR 2.0 or FOCUS export (CSV, CSV.gz; a folder with
    /// its manifests), Azure cost details, Google Cloud Billing export rows (JSON lines),
    /// OpenAI Costs API or Anthropic cost_report pages (JSON). Repeatable.
    #[arg(long, required = true, value_name = "PATH")]
    pub bill: Vec<PathBuf>,

    /// The bill's format (default: detected per file).
    #[arg(long, value_enum, default_value = "auto")]
    pub bill_format: crate::readers::bill::BillFormat,

    /// Exit 1 when the unexplained difference is above this: a share of the billed total
    /// (`1%`) or dollars (`5`, `$5`). For cron and CI.
    #[arg(long, value_name = "PCT|USD")]
    pub tolerance: Option<String>,

    /// Output format (default: the --output file's extension; else table).
    #[arg(long, value_enum)]
    pub format: Option<ReconcileFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write the unit prices the bill shows where they differ from the book as a
    /// --pricing-overlay file (source: the bill), so the next report prices at what you pay.
    #[arg(long, value_name = "FILE")]
    pub write_overlay: Option<PathBuf>,

    /// Join also on these dimensions: `project` (the bill's sub-account: AWS usage account,
    /// Azure subscription, Google project, OpenAI project, Anthropic workspace; the logs'
    /// `project`), `account` (the billing account), or a tag of the bill that is a column of the
    /// logs (`team`: AWS `user:team`, Azure and Google tags and labels).
    #[arg(long, value_name = "DIM,...", value_delimiter = ',')]
    pub by: Vec<String>,

    /// Tables show every digit of every amount (default: cents; csv and json are always exact).
    #[arg(long)]
    pub exact: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub usage: UsageArgs,

    /// A monthly budget in USD: `5000` (all usage) or `DIM=VALUE:AMOUNT` (one value of a
    /// dimension or log column: `team=search:1200`, `provider=openai:800`). Repeatable.
    #[arg(
        long,
        value_name = "[DIM=VALUE:]AMOUNT",
        required_unless_present = "anomaly"
    )]
    pub budget: Vec<String>,

    /// Also look for days whose spend per provider and model departs from its rolling
    /// baseline: the median of the --baseline-days days before (days without requests count
    /// as $0), flagged past 3 x 1.4826 x the median absolute deviation, by a factor of 2 and
    /// by at least --anomaly-min USD. Judges the period's completed days; exit 1 on any.
    #[arg(long)]
    pub anomaly: bool,

    /// Days of the anomaly baseline (read before the period; a day needs 7 of them in the
    /// logs to be judged).
    #[arg(long, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(7..=365))]
    pub baseline_days: u32,

    /// The smallest departure from the baseline, in USD, worth an anomaly line.
    #[arg(long, value_name = "USD", default_value = "1")]
    pub anomaly_min: String,

    /// Output format (default: table; json for a cron job or CI to post).
    #[arg(long, value_enum)]
    pub format: Option<super::TableFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The instant of the check (default: now), for tests and replays.
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}
