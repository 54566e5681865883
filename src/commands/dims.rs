//! The dimensions a command groups and filters by: `--by` checked, the engine's extra
//! dimensions for it, and a name no log row has told as the likely typo it is.

use super::settings::{Job, UsageSettings};
use super::UsageError;
use crate::engine::Aggregates;
use crate::readers::{self, LogFile};
use crate::report;
use crate::usage::col;

/// A `--by` or `--where` name that is not a known dimension and that no log row has a value
/// for is a mistake (a typo, most often): exit 2 with the closest column name and the columns
/// the logs do have.
pub fn check_columns(
    s: &UsageSettings,
    job: &Job,
    agg: &Aggregates,
    files: &[LogFile],
) -> Result<(), UsageError> {
    if agg.groups.is_empty() {
        return Ok(());
    }
    let filter_dims: Vec<&str> = s.filter.iter().map(|w| w.dim.as_str()).collect();
    // The engine appends filter dimensions after the job's.
    let mut names: Vec<&str> = job.dims.iter().map(String::as_str).collect();
    for d in &filter_dims {
        if !names.contains(d) && !crate::engine::groups::IN_KEY.contains(d) {
            names.push(d);
        }
    }
    for (i, d) in names.iter().enumerate() {
        if col::KNOWN.contains(d)
            || report::KNOWN_DIMS.contains(d)
            || job.optional.iter().any(|o| o == d)
        {
            continue;
        }
        if agg
            .groups
            .iter()
            .any(|g| g.dims.get(i).is_some_and(Option::is_some))
        {
            continue;
        }
        let flag = match job.flags.iter().find(|(n, _)| n == d) {
            Some((_, f)) => *f,
            None if filter_dims.contains(d) && !job.dims.iter().any(|j| j == d) => "--where",
            None => "--by",
        };
        let extras = readers::columns::extra_columns(files).unwrap_or_default();
        let candidates: Vec<&str> = report::KNOWN_DIMS
            .iter()
            .copied()
            .chain(extras.iter().map(String::as_str))
            .collect();
        let closest = crate::text::nearest(candidates, d, |c| (d.len().max(c.len()) / 3).max(2));
        let mut message = format!("{flag} {d}: no log row has a column named {d:?}");
        if let Some(c) = closest {
            message.push_str(&format!(" (did you mean {c:?}?)"));
        }
        message.push_str(&format!(
            "; dimensions: {}{}",
            report::KNOWN_DIMS.join(", "),
            if extras.is_empty() {
                String::new()
            } else {
                format!("; log columns: {}", extras.join(", "))
            }
        ));
        return Err(UsageError::Message(message));
    }
    Ok(())
}

/// `--by` as given, checked: names, no measures, no repeats.
pub fn validate_by(by: &[String]) -> Result<Vec<String>, UsageError> {
    let mut out: Vec<String> = Vec::new();
    for d in by {
        let d = d.trim().to_string();
        if d.is_empty() {
            return Err(UsageError::Message("--by: empty dimension name".into()));
        }
        if col::NOT_DIMENSIONS.contains(&d.as_str()) {
            return Err(UsageError::Message(format!(
                "--by: {d:?} is a measure or unique per row, not a dimension (use one of {}, or an extra log column)",
                report::KNOWN_DIMS.join(", ")
            )));
        }
        if out.contains(&d) {
            return Err(UsageError::Message(format!("--by: {d:?} is given twice")));
        }
        out.push(d);
    }
    Ok(out)
}

/// Dimensions the engine must group by for these `--by` columns (the rest come from the
/// pricing key or the date).
pub fn engine_dims(by: &[String]) -> Vec<String> {
    by.iter()
        .filter(|d| {
            !matches!(
                d.as_str(),
                report::MONTH
                    | report::DAY
                    | report::CANONICAL_MODEL
                    | col::PROVIDER
                    | col::MODEL
                    | col::REGION
                    | report::BATCH
            )
        })
        .cloned()
        .collect()
}
