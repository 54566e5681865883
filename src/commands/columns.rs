//! `tokenledger columns`: the dimensions and log columns some logs have, for `--by` and
//! `--where`.

use super::logs::find_logs;
use crate::cli::ColumnsArgs;
use crate::output::atomic::Output;
use crate::readers::{self, ReadOptions};
use crate::render::{self, Format};
use crate::report::columns::ColumnStats;

pub fn run(args: ColumnsArgs) -> anyhow::Result<()> {
    let ColumnsArgs {
        source,
        format,
        output: out_path,
    } = args;
    let map = super::logs::parse_map(&source.map)?;
    let logs = find_logs(
        &source.logs,
        source.log_format,
        &source.exclude,
        crate::cli::LogSource::ledger_path(&source.ledger).as_deref(),
        &map,
    )?;
    let files = &logs.files;
    let opts = ReadOptions {
        wanted_extras: readers::columns::extra_columns(files)?,
        max_line_bytes: super::settings::max_line_bytes(),
        map,
        ..ReadOptions::default()
    };
    let mut stats = ColumnStats::default();
    readers::read_all(files, &opts, &mut stats)?;
    let listing = stats.finish();
    let mut w = Output::open(out_path.as_ref())?;
    let format =
        crate::cli::output_format(format, out_path.as_deref(), crate::cli::TableFormat::Table);
    let width = super::style::terminal_style(out_path.as_ref()).width;
    render::columns::render(&listing, Format::from(format), width, &mut w)?;
    w.commit()?;
    super::messages::info(format_args!(
        "{} read{}",
        crate::money::count_of(listing.rows_read, "row"),
        if listing.rejected > 0 {
            format!(
                ", {} rejected (see `tokenledger report`)",
                crate::money::count(listing.rejected)
            )
        } else {
            String::new()
        }
    ));
    Ok(())
}
