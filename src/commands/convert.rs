//! `tokenledger convert`: read logs in any supported format and write the canonical schema.

use anyhow::Context;

use super::logs::find_logs;
use super::messages;
use crate::cli::ConvertArgs;
use crate::output::canonical::Writer;
use crate::readers::{self, ReadOptions};

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let ConvertArgs { source, to, output } = args;
    let map = super::logs::parse_map(&source.map)?;
    let logs = find_logs(
        &source.logs,
        source.log_format,
        &source.exclude,
        crate::cli::LogSource::ledger_path(&source.ledger).as_deref(),
        &map,
    )?;
    let files = &logs.files;
    // First pass: which extra columns exist (a CSV header must list them up front).
    let names = readers::columns::extra_columns(files)?;
    let opts = ReadOptions {
        wanted_extras: names.clone(),
        max_line_bytes: super::settings::max_line_bytes(),
        map,
        ..ReadOptions::default()
    };
    let mut w = Writer::create(&output, to, names)
        .with_context(|| format!("cannot create {}", output.display()))?;
    readers::read_all(files, &opts, &mut w)?;
    for r in &w.rejections {
        messages::info(format_args!(
            "rejected {}",
            crate::text::printable(&r.to_string())
        ));
    }
    let rejected = w.rejected;
    let written = w.finish()?;
    messages::info(format_args!(
        "wrote {written} rows to {}{}",
        output.display(),
        if rejected > 0 {
            format!(" ({rejected} rows rejected)")
        } else {
            String::new()
        }
    ));
    Ok(())
}
