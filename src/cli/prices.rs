//! The arguments of `prices` and its subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::formats::TableFormat;
use super::usage::UsageArgs;

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
        /// MODEL is a bill's name (an AWS usage type or Marketplace product name, an Azure meter,
        /// a Google SKU description, an OpenAI line item): say how it is read and which book
        /// model it maps to (bill-names.csv), then why that model is priced so.
        #[arg(long)]
        billed: bool,
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
