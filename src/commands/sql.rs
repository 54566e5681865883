//! `tokenledger sql`: print the warehouse query whose result `--aggregates` prices; and
//! `tokenledger spark-job`: the same query in a PySpark script that reads the files itself.

use std::io::Write;

use super::book::load_book;
use super::dims::{engine_dims, validate_by};
use super::UsageError;
use crate::cli::{QueryArgs, SparkJobArgs, SqlArgs};
use crate::output::atomic::Output;
use crate::pricing::PriceBook;
use crate::sql::{self, Dialect, LogFormat, QuerySpec};
use crate::usage::col;

pub fn run(args: SqlArgs) -> anyhow::Result<()> {
    let SqlArgs {
        dialect,
        table,
        query,
        output: out_path,
    } = args;
    let (spec, book) = spec(dialect, table, query, None)?;
    let mut out = Output::open(out_path.as_ref())?;
    out.write_all(sql::query(&spec, &book).as_bytes())?;
    out.commit()?;
    Ok(())
}

/// `tokenledger spark-job`.
pub fn run_spark_job(args: SparkJobArgs) -> anyhow::Result<()> {
    let SparkJobArgs {
        source,
        format,
        query,
        output: out_path,
    } = args;
    let format = match format.as_str() {
        "parquet" | "csv" | "json" => format,
        other => {
            return Err(UsageError::Message(format!(
                "--format: {other:?} is not parquet, csv or json"
            ))
            .into())
        }
    };
    // Reading order: the script adds the file path and row index Spark knows.
    let order = query
        .order_by
        .is_empty()
        .then(|| vec!["_tl_file".to_string(), "_tl_row".to_string()]);
    let (spec, book) = spec(Dialect::Spark, Some("requests".into()), query, order)?;
    let text = sql::spark::job(&spec, &book, &source, &format);
    let mut out = Output::open(out_path.as_ref())?;
    out.write_all(text.as_bytes())?;
    out.commit()?;
    Ok(())
}

/// The query's settings from the command line (and the book it takes its epochs from).
fn spec(
    dialect: Dialect,
    table: Option<String>,
    args: QueryArgs,
    default_order: Option<Vec<String>>,
) -> anyhow::Result<(QuerySpec, PriceBook)> {
    let QueryArgs {
        log_format,
        columns,
        by,
        order_by,
        dedupe,
        per_minute,
        previous_month,
        pricing,
        pricing_overlay,
        month,
        from,
        to,
        tz,
    } = args;
    let zone = crate::time::parse_tz(&tz).map_err(UsageError::flag("--tz"))?;
    let (from_us, to_us) =
        crate::time::resolve(&zone, month.as_deref(), from.as_deref(), to.as_deref())?;
    let mut dims = engine_dims(&validate_by(&by)?);
    // A LiteLLM table names Azure deployment types in its model names: the query carries them,
    // so the aggregates price Data Zone deployments as reading the logs does.
    if log_format == LogFormat::Litellm && !dims.iter().any(|d| d == col::DEPLOYMENT_TYPE) {
        dims.push(col::DEPLOYMENT_TYPE.to_string());
    }
    log_format
        .check_dims(&dims)
        .map_err(|e| UsageError::Message(e.to_string()))?;
    if log_format != LogFormat::Canonical && !columns.is_empty() {
        return Err(UsageError::Message(format!(
            "--columns names canonical columns; a {} table has the documented layout (docs/scale-out.md)",
            log_format.name()
        ))
        .into());
    }
    let table = table.unwrap_or_else(|| log_format.default_table(dialect));
    let side = if previous_month {
        super::previous::month_before(month.as_deref(), &zone)?.map(|(_, r)| r)
    } else {
        None
    };
    let columns: Vec<String> = if columns.is_empty() {
        col::KNOWN.iter().map(|c| c.to_string()).collect()
    } else {
        let columns: Vec<String> = columns.iter().map(|c| c.trim().to_string()).collect();
        if let Some(c) = columns.iter().find(|c| !col::KNOWN.contains(&c.as_str())) {
            return Err(UsageError::Message(format!(
                "--columns: {c:?} is not a canonical column (one of {}); an extra column is named by --by",
                col::KNOWN.join(", ")
            ))
            .into());
        }
        if let Some(r) = sql::REQUIRED
            .iter()
            .find(|r| !columns.iter().any(|c| c == *r))
        {
            return Err(UsageError::Message(format!("--columns: {r:?} is required")).into());
        }
        columns
    };
    let dedupe = match dedupe.as_str() {
        "first" => true,
        "none" => false,
        other => {
            return Err(
                UsageError::Message(format!("--dedupe: {other:?} is not first or none")).into(),
            )
        }
    };
    let book = load_book(&pricing, &pricing_overlay)?;
    Ok((
        QuerySpec {
            dialect,
            log_format,
            table,
            columns,
            dims,
            tz,
            from_us,
            to_us,
            dedupe,
            order_by: default_order.unwrap_or(order_by),
            per_minute,
            side,
        },
        book,
    ))
}
