//! The arguments of the commands that read usage (`report`, `compare`, `chart`, `errors`,
//! `columns`, `convert`) and the options they share: where the logs are, the period, the book.

use std::path::PathBuf;

use clap::Args;

use super::formats::{ErrorsFormat, ReportFormat, TableFormat};

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

    /// Bars per month or per day (spend-by-model, spend-by-provider; default: per day for a
    /// period of a month or less, else per month), and how models are named (spend-by-model,
    /// tokens): `canonical_model` (one series per model, whoever sold it; the default of
    /// spend-by-model) or `model` (the id each provider priced; tokens adds the provider).
    /// E.g. `--by day,canonical_model`.
    #[arg(
        long,
        value_name = "month|day,model|canonical_model",
        value_delimiter = ','
    )]
    pub by: Vec<String>,

    /// Providers for the compare chart (default: every provider that sells some of the usage).
    #[arg(long, value_delimiter = ',', value_name = "P,...")]
    pub providers: Vec<String>,

    /// The bill of the reconcile chart (as `reconcile --bill`). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub bill: Vec<PathBuf>,

    /// The bill's format (default: detected per file).
    #[arg(long, value_enum, default_value = "auto")]
    pub bill_format: crate::readers::bill::BillFormat,
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

    /// Compare what a bill charged instead of the logs: its token lines (AWS CUR, FOCUS, Azure,
    /// Google, OpenAI costs) re-priced on every provider ("this AWS bill on Vertex and
    /// Azure"). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub bill: Vec<PathBuf>,

    /// The bill's format (default: detected per file).
    #[arg(long, value_enum, default_value = "auto")]
    pub bill_format: crate::readers::bill::BillFormat,

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
    pub to: crate::output::canonical::ConvertFormat,

    /// Output file.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

/// Where usage comes from and which prices apply: shared by every command that prices usage.
/// Where the logs are.
#[derive(Debug, Args)]
pub struct LogSource {
    /// Request logs: files (.csv, .jsonl, .ndjson, .json, .parquet; .gz for the text formats;
    /// other names are read by content), directories (every log file under them), or `-` for
    /// standard input. Repeatable. Default: ./data if it exists, else this user's coding-agent
    /// logs: Claude Code (CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude), Codex (CODEX_HOME,
    /// ~/.codex), Gemini CLI (GEMINI_CLI_HOME, ~/.gemini), Qwen Code (QWEN_RUNTIME_DIR,
    /// QWEN_HOME, ~/.qwen), Kimi CLI (KIMI_SHARE_DIR, ~/.kimi), Amp and OpenCode
    /// (XDG_DATA_HOME, ~/.local/share), GitHub Copilot CLI (COPILOT_HOME, ~/.copilot), Goose
    /// (GOOSE_PATH_ROOT, ~/.local/share/goose), Droid (~/.factory), Cline (CLINE_DATA_DIR,
    /// ~/.cline/data) and the Cline, Roo Code and Kilo Code VS Code extensions.
    #[arg(long = "logs", value_name = "PATH")]
    pub logs: Vec<PathBuf>,

    /// Log format of the --logs files: auto (detect per file), canonical, bedrock, openai-usage,
    /// anthropic, claude-code, codex, gemini-cli, qwen, kimi, cline, cursor, amp, opencode, copilot, goose, droid, litellm, otel.
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

    /// Read a canonical CSV, JSONL or Parquet log whose columns have other names: FROM=TO pairs, e.g.
    /// --map prompt_tokens=input_tokens,completion_tokens=output_tokens,created=timestamp.
    #[arg(long, value_name = "FROM=TO,...", value_delimiter = ',')]
    pub map: Vec<String>,

    /// Read the usage ledger (`tokenledger ledger sync`): its folder, or without one the default
    /// ($XDG_DATA_HOME/tokenledger, else ~/.local/share/tokenledger). Alone it is the only
    /// source; with --logs both are read and each request counts once.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    pub ledger: Option<Option<PathBuf>>,
}

impl LogSource {
    /// `--ledger`: its folder, an empty path for the default one.
    pub fn ledger_path(ledger: &Option<Option<PathBuf>>) -> Option<PathBuf> {
        ledger.as_ref().map(|d| d.clone().unwrap_or_default())
    }
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
    /// case ignored in all of Unicode), or with `!=` none of them: provider=aws-bedrock,
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
    /// columns`). Default: month,provider,model (daily: day,provider,model; monthly: month,provider,model;
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
    /// `aws-bedrock:<account id>`): one ID for every provider, or one per provider
    /// (`anthropic=org-123,aws-bedrock=1111...`). Default: one account per provider, named by
    /// its id.
    #[arg(long, value_name = "ID|P=ID,...")]
    pub billing_account: Option<String>,

    /// FOCUS: the log columns each row's Tags carry (`team,cost_center`), or `all` (every
    /// extra column of the logs). User and API key (fingerprinted) are always there.
    #[arg(long, value_name = "COLUMN,...|all", value_delimiter = ',')]
    pub tags: Vec<String>,

    /// FOCUS BillingAccountName for --billing-account.
    #[arg(long, value_name = "NAME", requires = "billing_account")]
    pub billing_account_name: Option<String>,

    /// What a bill says (AWS CUR, FOCUS, Azure cost details, Google billing export, OpenAI or
    /// Anthropic cost pages), by the --by dimensions (month, day, provider, model,
    /// canonical_model, token_class, tier, geo, region, account, sub_account, service, charge,
    /// or a tag key) instead of the logs; with --format html or --out-dir, the page gets a
    /// reconciliation section (as `tokenledger reconcile`). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub bill: Vec<PathBuf>,

    /// The bill's format (default: detected per file).
    #[arg(long, value_enum, default_value = "auto")]
    pub bill_format: crate::readers::bill::BillFormat,

    /// A monthly budget for the page (--format html, --out-dir), as `tokenledger check
    /// --budget`: `5000` or `DIM=VALUE:AMOUNT`. The page shows spend, projection and state
    /// per budget. Repeatable.
    #[arg(long, value_name = "[DIM=VALUE:]AMOUNT")]
    pub budget: Vec<String>,

    /// The instant taken as "now" for the month-end projection (default: the clock).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}
