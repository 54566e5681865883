//! Command-line definitions (clap derive). Only parsing lives here; `commands` validates the
//! values into settings before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::render::Format;

/// Formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned text table for a terminal.
    Table,
    /// One row per group; the columns are stable and documented.
    Csv,
    /// The whole report, money as decimal strings.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A self-contained HTML page with charts.
    Html,
    /// FOCUS 1.2 cost and usage CSV for FinOps tools.
    Focus,
}

/// The output format: `--format` when given, else the one the `--output` file's extension names
/// (`.csv`, `.json`, `.md`, `.html`, `.txt`) when the command writes it, else `default`.
pub fn output_format<E: clap::ValueEnum + Copy>(
    given: Option<E>,
    output: Option<&std::path::Path>,
    default: E,
) -> E {
    given
        .or_else(|| {
            let ext = output?.extension()?.to_str()?.to_ascii_lowercase();
            let name = match ext.as_str() {
                "csv" => "csv",
                "json" => "json",
                "md" | "markdown" => "markdown",
                "html" | "htm" => "html",
                "txt" => "table",
                _ => return None,
            };
            E::from_str(name, true).ok()
        })
        .unwrap_or(default)
}

/// Formats of `compare` and of listings (`prices ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Aligned text table for a terminal.
    Table,
    /// CSV with a header.
    Csv,
    /// JSON.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
}

/// Formats of `errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorsFormat {
    /// Aligned text tables for a terminal.
    Table,
    /// One CSV of failure and rate rows, told apart by `kind`.
    Csv,
    /// JSON.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A self-contained HTML page.
    Html,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Table => Format::Table,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Json => Format::Json,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Html => Format::Html,
            ReportFormat::Focus => Format::Focus,
        }
    }
}

impl From<TableFormat> for Format {
    fn from(f: TableFormat) -> Format {
        match f {
            TableFormat::Table => Format::Table,
            TableFormat::Csv => Format::Csv,
            TableFormat::Json => Format::Json,
            TableFormat::Markdown => Format::Markdown,
        }
    }
}

impl From<ErrorsFormat> for Format {
    fn from(f: ErrorsFormat) -> Format {
        match f {
            ErrorsFormat::Table => Format::Table,
            ErrorsFormat::Csv => Format::Csv,
            ErrorsFormat::Json => Format::Json,
            ErrorsFormat::Markdown => Format::Markdown,
            ErrorsFormat::Html => Format::Html,
        }
    }
}

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
    /// The dimensions and log columns some logs have (rows with a value, distinct values,
    /// examples): what --by and --where can name.
    Columns(ColumnsArgs),
    /// ccusage's daily view: `report --by day,model` (every report option works).
    Daily(ReportArgs),
    /// ccusage's monthly view: `report --by month,model`.
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

#[derive(Debug, Args)]
pub struct ColumnsArgs {
    #[command(flatten)]
    pub source: LogSource,

    /// Output format (default: the --output file's extension when this command writes it:
    /// .csv, .json, .md, .html; else table).
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ErrorsArgs {
    #[command(flatten)]
    pub usage: UsageArgs,

    /// A rate limit to check, e.g. 20/min: the minutes each provider and model went over it.
    #[arg(long, value_name = "N/min")]
    pub rate_limit: Option<String>,

    /// Output format (default: the --output file's extension when this command writes it:
    /// .csv, .json, .md, .html; else table).
    #[arg(long, value_enum)]
    pub format: Option<ErrorsFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Which chart.
    #[arg(value_enum)]
    pub kind: crate::chart::Kind,

    #[command(flatten)]
    pub usage: UsageArgs,

    /// The chart file: .png or .svg.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,

    /// How many models (or providers) get their own colour; the rest is "other".
    #[arg(long, default_value_t = 10)]
    pub top: usize,

    /// Width in pixels.
    #[arg(long, default_value_t = 1200)]
    pub width: u32,

    /// Height in pixels.
    #[arg(long, default_value_t = 675)]
    pub height: u32,

    /// Bars per month (default) or per day (spend-by-model, spend-by-provider).
    #[arg(long, value_name = "month|day")]
    pub by: Option<String>,

    /// Providers for the compare chart (default: every provider that sells some of the usage).
    #[arg(long, value_delimiter = ',', value_name = "P,...")]
    pub providers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub usage: UsageArgs,

    /// Target providers, comma-separated (default: every provider that sells some of the usage;
    /// named providers are shown also where they do not).
    #[arg(long, value_delimiter = ',', value_name = "P,...")]
    pub providers: Vec<String>,

    /// Group by these dimensions (the actual provider is always part of a group):
    /// canonical_model, model, month, day, region, batch, user, project, api_key, status, or any
    /// extra log column.
    #[arg(
        long,
        value_name = "DIM,...",
        value_delimiter = ',',
        default_value = "canonical_model"
    )]
    pub by: Vec<String>,

    /// Price every provider at this date (YYYY-MM-DD, 00:00 UTC, or RFC 3339) instead of at each
    /// request's own time: "what would it cost at today's prices".
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,

    /// What-if: re-price usage of canonical model FROM as canonical model TO (token counts
    /// unchanged; every output marks the result as an estimate). Repeatable.
    #[arg(long, value_name = "FROM=TO")]
    pub substitute: Vec<String>,

    /// Output format (default: the --output file's extension when this command writes it:
    /// .csv, .json, .md, .html; else table).
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Tables show every digit of every amount (default: cents; csv and json are always exact).
    #[arg(long)]
    pub exact: bool,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub source: LogSource,

    /// Output format.
    #[arg(long, value_enum)]
    pub to: crate::readers::canonical::write::ConvertFormat,

    /// Output file.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

/// Independent price catalogues and the day each was taken (a file may be gzipped).
#[derive(Debug, Clone, Args)]
pub struct CatalogueArgs {
    /// pydantic genai-prices prices/data.json.
    #[arg(long, value_name = "FILE")]
    pub genai_prices: Option<PathBuf>,
    /// The day genai-prices was taken (default: the book's check date, or today).
    #[arg(long, value_name = "DATE")]
    pub genai_prices_date: Option<String>,
    /// models.dev as one JSON (`{"providers": {provider: {model: {cost}}}}`).
    #[arg(long, value_name = "FILE")]
    pub models_dev: Option<PathBuf>,
    /// The day models.dev was taken (default: the book's check date, or today).
    #[arg(long, value_name = "DATE")]
    pub models_dev_date: Option<String>,
}

/// Which price book a `prices` command reads.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Price table files or directories instead of the built-in book. Repeatable.
    #[arg(long = "pricing", value_name = "PATH")]
    pub pricing: Vec<PathBuf>,

    /// Overlay price files on top of the book. Repeatable.
    #[arg(long = "pricing-overlay", value_name = "PATH")]
    pub pricing_overlay: Vec<PathBuf>,

    /// Output format (default: the --output file's extension when this command writes it:
    /// .csv, .json, .md, .html; else table).
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// The price rows in force at a date (default: now).
    List {
        #[command(flatten)]
        book: BookArgs,
        /// Only this provider.
        #[arg(long)]
        provider: Option<String>,
        /// Only this model id (aliases and Bedrock ARNs are resolved).
        #[arg(long)]
        model: Option<String>,
        /// Only this canonical model (e.g. llama-3.3-70b-instruct).
        #[arg(long)]
        canonical: Option<String>,
        /// Date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 instant; default now.
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
    },
    /// Every version of a model id or canonical model, across providers.
    History {
        /// A model id (as a provider names it) or a canonical model name.
        model: String,
        #[command(flatten)]
        book: BookArgs,
    },
    /// Check price files and report every finding. Exit 1 on errors, 0 with warnings only.
    Validate {
        /// Price files or directories (default: the built-in book).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// What changed between two price books: added, removed and repriced versions.
    Diff {
        /// The old book: a price file or directory (`builtin` for the built-in book).
        old: PathBuf,
        /// The new book: a price file or directory (`builtin` for the built-in book).
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Regenerate the generated tier of the book (pricing/generated/) from LiteLLM's price map
    /// and its dated history, applying pricing/litellm/known-errors.csv; prints a review list.
    /// Curated files are never touched.
    Update {
        /// LiteLLM's model_prices_and_context_window.json.
        #[arg(long, value_name = "FILE")]
        litellm: PathBuf,
        /// The dated history of the map (JSON Lines, optionally .gz): one version per price
        /// change, from the first snapshot that shows it.
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// Without --history: the date of the map's snapshot (every price starts there).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Without --history: the commit (or other id) of the map's snapshot.
        #[arg(long, value_name = "ID")]
        commit: Option<String>,
        /// The book folder (curated files, litellm/ inputs).
        #[arg(long, value_name = "DIR", default_value = "pricing")]
        pricing: PathBuf,
        /// Where to write the generated files (default: <pricing>/generated).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        catalogues: CatalogueArgs,
    },
    /// Compare the book with independent price catalogues (LiteLLM's map, pydantic's
    /// genai-prices data.json, models.dev): every series the book prices, judged by each
    /// catalogue at its date (agree, differ with both values, absent); the table shows the
    /// disagreements and a summary per provider.
    Audit {
        #[command(flatten)]
        catalogues: CatalogueArgs,
        /// LiteLLM's model_prices_and_context_window.json (its date: --litellm-date).
        #[arg(long, value_name = "FILE")]
        litellm: Option<PathBuf>,
        /// The day the LiteLLM map was taken (default: the book's check date, or today).
        #[arg(long, value_name = "DATE")]
        litellm_date: Option<String>,
        /// Only these providers (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "P,...")]
        provider: Vec<String>,
        /// Tables show every judged series, not only the disagreements.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        book: BookArgs,
    },
    /// Which price row prices a request: its tier, source, LiteLLM key and commit, and how sure
    /// the date is.
    Why {
        /// Provider id (e.g. aws-bedrock).
        provider: String,
        /// Model id as logged (aliases and Bedrock ARNs are resolved).
        model: String,
        /// The request's time (YYYY-MM-DD or RFC 3339; default now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The request's region.
        #[arg(long)]
        region: Option<String>,
        /// The request's service tier (priority, flex, ...).
        #[arg(long)]
        tier: Option<String>,
        /// The Azure deployment type (global, data-zone, regional; default Global Standard).
        #[arg(long, value_name = "TYPE")]
        deployment_type: Option<String>,
        #[command(flatten)]
        book: BookArgs,
    },
    /// How much of the usage in some logs each tier of the book prices, and the unpriced
    /// models ranked by tokens.
    Coverage {
        #[command(flatten)]
        usage: UsageArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Import LiteLLM's model_prices_and_context_window.json: new versions only where a price
    /// differs from the book's version in force at --effective-from.
    ImportLitellm {
        /// The LiteLLM JSON file.
        file: PathBuf,
        /// The date the imported prices take effect (YYYY-MM-DD or RFC 3339).
        #[arg(long, value_name = "DATE")]
        effective_from: String,
        /// Where to write the new price rows (CSV in the price-table format; default stdout).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Price table to compare with instead of the built-in book. Repeatable.
        #[arg(long = "pricing", value_name = "PATH")]
        pricing: Vec<PathBuf>,
        /// Only these providers (tokenledger ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        providers: Vec<String>,
    },
}

/// Where usage comes from and which prices apply: shared by every command that prices usage.
/// Where the logs are.
#[derive(Debug, Args)]
pub struct LogSource {
    /// Request logs: files (.csv, .jsonl, .ndjson, .json, .parquet; .gz for the text formats;
    /// other names are read by content), directories (every log file under them), or `-` for
    /// standard input. Repeatable. Default: ./data if it exists, else the Claude Code
    /// (CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude) and Codex (CODEX_HOME, ~/.codex) logs of
    /// this user.
    #[arg(long = "logs", value_name = "PATH")]
    pub logs: Vec<PathBuf>,

    /// Log format of the --logs files: auto (detect per file), canonical, bedrock, openai-usage,
    /// anthropic, claude-code, codex, litellm, otel.
    #[arg(
        long = "log-format",
        value_enum,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub log_format: crate::readers::LogFormat,

    /// Leave out files and folders under --logs folders whose name or path matches (`*` is any
    /// run of characters), e.g. --exclude '*.tmp' --exclude archive. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    #[command(flatten)]
    pub source: LogSource,

    /// Aggregates a warehouse computed with the query of `tokenledger sql` (CSV or Parquet), read in
    /// place of --logs: the same report, priced here, from sums made where the logs live.
    /// Repeatable (the files add up; dedupe then works within each file only).
    #[arg(long, value_name = "FILE", conflicts_with = "logs")]
    pub aggregates: Vec<PathBuf>,

    /// Price table: a CSV file or a directory of them, replacing the price book built into
    /// tokenledger. Repeatable. Default: the built-in book (the repository's pricing/ folder).
    #[arg(long = "pricing", value_name = "PATH")]
    pub pricing: Vec<PathBuf>,

    /// Your own prices (e.g. negotiated contract rates) on top of the book: a CSV file or a
    /// directory, same columns. Where an overlay version is in force it wins; the columns it
    /// leaves empty keep the book's rates (batch columns: the book's batch discount on the
    /// overlay's rate); `discount_pct` takes a percentage off the book. Repeatable.
    #[arg(long = "pricing-overlay", value_name = "PATH")]
    pub pricing_overlay: Vec<PathBuf>,

    /// Only this calendar month (in --tz), e.g. 2026-10.
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,

    /// Start of the period, inclusive: a date (midnight in --tz) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// End of the period, EXCLUSIVE: a date (midnight in --tz) or an RFC 3339 instant.
    /// `--from 2026-10-01 --to 2026-11-01` is October.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// Start of the period, inclusive, as ccusage writes it: YYYYMMDD or YYYY-MM-DD (same as
    /// --from).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["from", "month"])]
    pub since: Option<String>,

    /// End of the period, INCLUSIVE, as ccusage writes it: YYYYMMDD or YYYY-MM-DD (--until
    /// 2026-10-31 is --to 2026-11-01).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["to", "month"])]
    pub until: Option<String>,

    /// Reporting time zone (IANA name, e.g. Europe/Berlin): day and month buckets and plain
    /// dates in --month/--from/--to are in this zone.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,

    /// Keep only usage whose DIM matches one of the patterns (`*` is any run of characters,
    /// case is ignored), or with `!=` none of them: provider=aws-bedrock,
    /// canonical_model=llama*, user!=bot-*. Any --by dimension or log column except time.
    /// Repeatable; all must hold. Left-out rows are counted as "filtered out".
    #[arg(long = "where", value_name = "DIM=PATTERN,...")]
    pub filter: Vec<String>,

    /// Exit 1 when any usage is unpriced or any row was rejected.
    #[arg(long)]
    pub strict: bool,

    /// Plain canonical CSV files at least this large are read on all cores (default 64 MiB, or
    /// the environment variable TOKENLEDGER_PARALLEL_MIN_BYTES). For tests and benchmarks.
    #[arg(long, value_name = "BYTES", hide = true)]
    pub parallel_min_bytes: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub usage: UsageArgs,

    /// Group by these dimensions, comma-separated: month, day, provider, model, user, project,
    /// api_key, region, status, batch, canonical_model, or any log column (see `tokenledger
    /// columns`). Default: month,provider,model (daily: day,model; monthly: month,model;
    /// session: session,project).
    #[arg(long, value_name = "DIM,...", value_delimiter = ',')]
    pub by: Vec<String>,

    /// Output format (default: the --output file's extension when this command writes it:
    /// .csv, .json, .md, .html; else table).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Same as --format json (ccusage's flag).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Write the report to this file instead of standard output (`-` is standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write a folder DIR/<month> with report.html, report.md, breakdown.csv, breakdown.json
    /// and the PNG charts.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Tables show every digit of every amount (default: cents; csv and json are always exact).
    #[arg(long)]
    pub exact: bool,

    /// Show only the N most expensive groups of each period (month or day); the rest of the
    /// period is one row. Tables only: csv and json have every row.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// The measure columns of tables, comma-separated (requests, failed_requests, input_tokens,
    /// cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd,
    /// unpriced_requests), or `all`. Default: all but reasoning, some left out to fit a
    /// narrow terminal.
    #[arg(long, value_name = "NAME,...")]
    pub columns: Option<String>,

    /// FOCUS version of --format focus.
    #[arg(long, value_enum, value_name = "VERSION", default_value = "1.2")]
    pub focus_version: crate::report::focus::Version,

    /// FOCUS BillingAccountId of rows whose logs name no account (Bedrock logs do, as
    /// `aws-bedrock:<account id>`). Default: one account per provider, named by its id.
    #[arg(long, value_name = "ID")]
    pub billing_account: Option<String>,

    /// FOCUS BillingAccountName for --billing-account.
    #[arg(long, value_name = "NAME", requires = "billing_account")]
    pub billing_account_name: Option<String>,

    /// The instant taken as "now" for the month-end projection (default: the clock).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}
