//! The arguments of `sql` and `spark-job`: the warehouse query and the script around it.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The engine to write the query for.
    #[arg(long, value_enum)]
    pub dialect: crate::sql::Dialect,

    /// The table or view of request rows (as the query should name it, e.g. logs.requests).
    /// Default by --log-format: requests, bedrock_invocation_logs, "LiteLLM_SpendLogs",
    /// otel_traces.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    #[command(flatten)]
    pub query: QueryArgs,

    /// Write the query here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What the warehouse query sums (shared by `sql` and `spark-job`).
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The table's layout: canonical columns; Bedrock invocation logs (a JSON table: Athena,
    /// Glue, spark.read.json); LiteLLM's LiteLLM_SpendLogs; OpenTelemetry spans in the
    /// collector's ClickHouse table otel_traces. The readers' rules apply (docs/scale-out.md).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "canonical")]
    pub log_format: crate::sql::LogFormat,

    /// The canonical columns the table has (the others are read as empty). Default: all of
    /// them. timestamp, provider, model, input_tokens and output_tokens are required.
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub columns: Vec<String>,

    /// Dimensions to keep (as for report --by; include every dimension a later --by or
    /// --where names: aggregates with more dimensions serve any report over fewer).
    #[arg(long, value_name = "DIM,...", value_delimiter = ',')]
    pub by: Vec<String>,

    /// Reading order for dedupe, an expression over the table's columns, e.g. --order-by
    /// filename --order-by file_row_number (DuckDB) or --order-by _metadata.file_path
    /// --order-by _metadata.row_index (Spark). Repeatable. Default: timestamp order.
    #[arg(long, value_name = "EXPR")]
    pub order_by: Vec<String>,

    /// first: the first (provider, request_id) in reading order wins; none: ids are unique
    /// by construction (a primary key), skip the costly window.
    #[arg(long, value_name = "first|none", default_value = "first")]
    pub dedupe: String,

    /// Also return per-minute request counts (needed by `errors` and the HTML page).
    #[arg(long)]
    pub per_minute: bool,

    /// Also sum the month before --month (the HTML page and --out-dir compare with it).
    #[arg(long, requires = "month")]
    pub previous_month: bool,

    #[arg(long = "pricing", value_name = "PATH")]
    pub pricing: Vec<PathBuf>,

    #[arg(long = "pricing-overlay", value_name = "PATH")]
    pub pricing_overlay: Vec<PathBuf>,

    /// Only this month (YYYY-MM) in --tz.
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,

    /// Inclusive start (a date in --tz, or an RFC 3339 instant).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Exclusive end (a date in --tz, or an RFC 3339 instant).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// Reporting time zone of the day buckets (IANA name).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
}

#[derive(Debug, Args)]
pub struct SparkJobArgs {
    /// The logs: a path or URI Spark reads (s3://bucket/logs/2026/10/, gs://..., a folder,
    /// a glob), of canonical rows.
    #[arg(long, value_name = "PATH|URI")]
    pub source: String,

    /// How the files are stored.
    #[arg(long, value_name = "parquet|csv|json", default_value = "parquet")]
    pub format: String,

    #[command(flatten)]
    pub query: QueryArgs,

    /// Write the PySpark script here (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}
