//! `tokenledger errors`: failed requests by provider, model, day and status; peak request
//! rates; minutes over a rate limit.

use super::aggregate::aggregate;
use super::settings::{Job, UsageSettings};
use super::UsageError;
use crate::cli::ErrorsArgs;
use crate::output::atomic::Output;
use crate::render::Format;
use crate::report::failures;
use crate::usage::col;

pub fn run(args: ErrorsArgs) -> anyhow::Result<()> {
    let ErrorsArgs {
        usage,
        rate_limit,
        format,
        output: out_path,
    } = args;
    let format = Format::from(crate::cli::output_format(
        format,
        out_path.as_deref(),
        crate::cli::ErrorsFormat::Table,
    ));
    let limit = rate_limit
        .as_deref()
        .map(|s| failures::parse_rate_limit(s).map_err(UsageError::flag("--rate-limit")))
        .transpose()?;
    let settings = UsageSettings::from_args(usage)?;
    let job = Job {
        dims: vec![col::STATUS.to_string()],
        per_minute: true,
        ..Job::default()
    };
    let (_, agg) = aggregate(&settings, &job)?;
    let report = failures::build(&agg, 0, limit, &settings.tz);
    let mut w = Output::open(out_path.as_ref())?;
    let width = super::style::terminal_style(out_path.as_ref()).width;
    crate::render::failures::render(&report, format, width, &mut w)?;
    w.commit()?;
    Ok(())
}
