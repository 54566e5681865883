//! The output formats each command offers, and the format an `--output` file's extension names.

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

/// Formats of `reconcile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReconcileFormat {
    /// The totals, the difference by cause and the joined rows, for a terminal.
    Table,
    /// One row per joined (day, provider, model, class, tier); the columns are documented.
    Csv,
    /// Rows, causes, totals, other charges and implied prices; money as decimal strings.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A self-contained HTML page with the chart.
    Html,
}

impl From<ReconcileFormat> for Format {
    fn from(f: ReconcileFormat) -> Format {
        match f {
            ReconcileFormat::Table => Format::Table,
            ReconcileFormat::Csv => Format::Csv,
            ReconcileFormat::Json => Format::Json,
            ReconcileFormat::Markdown => Format::Markdown,
            ReconcileFormat::Html => Format::Html,
        }
    }
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
