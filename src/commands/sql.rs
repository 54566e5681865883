//! `tokenledger sql`: print the warehouse query whose result `--aggregates` prices.

use std::io::Write;

use super::pipeline::{engine_dims, load_book, output, validate_by};
use super::UsageError;
use crate::cli::SqlArgs;
use crate::sql::{self, QuerySpec};
use crate::usage::col;

pub fn run(args: SqlArgs) -> anyhow::Result<()> {
    let SqlArgs {
        dialect,
        table,
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
        output: out_path,
    } = args;
    let zone = crate::time::parse_tz(&tz).map_err(UsageError::flag("--tz"))?;
    let (from_us, to_us) =
        crate::time::resolve(&zone, month.as_deref(), from.as_deref(), to.as_deref())?;
    let dims = engine_dims(&validate_by(&by)?);
    let side = if previous_month {
        super::report_page::month_before(month.as_deref(), &zone)?.map(|(_, r)| r)
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
    let spec = QuerySpec {
        dialect,
        table,
        columns,
        dims,
        tz,
        from_us,
        to_us,
        dedupe,
        order_by,
        per_minute,
        side,
    };
    let mut out = output(out_path.as_ref())?;
    out.write_all(sql::query(&spec, &book).as_bytes())?;
    out.flush()?;
    Ok(())
}
