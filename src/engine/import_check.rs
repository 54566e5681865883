//! Whether aggregates a warehouse made may stand in for this run's logs: the manifest matches
//! the settings and the book, and every row is one a query over valid logs could return (as
//! strict as the query is with a row). A mismatch or an impossible row is an error naming the
//! file and line, never a silent difference.

use super::buckets::LocalDays;
use super::{EngineSettings, Epochs};
use crate::pricing::PriceBook;
use crate::usage::aggregate::{AggregateFile, Kind};

/// Why aggregates cannot stand in for the logs of this run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Made with other settings or another book: regenerate the query.
    #[error("{path}: made with {what}; regenerate the query with `tokenledger sql` and the same options")]
    Mismatch { path: String, what: String },
    /// The command needs something the query did not return.
    #[error("{path}: {what}")]
    Missing { path: String, what: String },
    /// A row that no query over valid logs could have returned.
    #[error("{path}: line {line}: {what}")]
    Invalid {
        path: String,
        line: u64,
        what: String,
    },
    /// Adding up the sums passed what tokenledger holds.
    #[error("{path}: line {line}: the sums pass {max} (the largest sum tokenledger holds)", max = u64::MAX)]
    Overflow { path: String, line: u64 },
}

/// Checks a file's manifest against the run (every dimension of `dims` must be there).
pub(super) fn check(
    file: &AggregateFile,
    settings: &EngineSettings,
    book: &PriceBook,
    dims: &[String],
) -> Result<(), ImportError> {
    let m = &file.manifest;
    let mismatch = |what: String| ImportError::Mismatch {
        path: file.path.clone(),
        what,
    };
    if m.format != crate::usage::aggregate::FORMAT {
        return Err(mismatch(format!(
            "the aggregate format {:?} (this tokenledger reads {:?})",
            m.format,
            crate::usage::aggregate::FORMAT
        )));
    }
    let digest = book.query_digest();
    if m.book != digest {
        return Err(mismatch(format!(
            "a price book whose epochs, long-context thresholds or time windows differ (book {} there, {digest} here)",
            m.book
        )));
    }
    let tz_same = crate::time::parse_tz(&m.tz).is_ok_and(|z| z == settings.tz);
    if !tz_same {
        return Err(mismatch(format!(
            "--tz {} (this run: --tz {})",
            m.tz,
            settings.tz.name()
        )));
    }
    if (m.from_us, m.to_us) != (settings.from_us, settings.to_us) {
        let show = |v: Option<i64>| v.map_or("open".to_string(), crate::usage::format_timestamp_us);
        return Err(mismatch(format!(
            "the period {} to {} (this run: {} to {})",
            show(m.from_us),
            show(m.to_us),
            show(settings.from_us),
            show(settings.to_us)
        )));
    }
    if settings.per_minute && !settings.filter.is_empty() {
        return Err(ImportError::Missing {
            path: file.path.clone(),
            what: "per-minute counts from aggregates cannot be filtered with --where".into(),
        });
    }
    // Everything this command needs that the query was not asked for, in one message.
    let mut needs: Vec<(&str, &str)> = Vec::new();
    if settings.per_minute && !m.per_minute {
        needs.push(("per-minute counts", "--per-minute"));
    }
    if let Some((a, b)) = settings.side {
        match (m.side_from_us, m.side_to_us) {
            (Some(x), Some(y)) if (x, y) == (a, b) => {}
            (None, _) | (_, None) => needs.push(("the month before", "--previous-month")),
            _ => return Err(mismatch("another previous-month window".into())),
        }
    }
    let missing: Vec<&str> = dims
        .iter()
        .filter(|d| !m.dims.contains(d))
        .map(String::as_str)
        .collect();
    if !needs.is_empty() {
        let what: Vec<&str> = needs.iter().map(|n| n.0).collect();
        let mut flags: Vec<String> = needs.iter().map(|n| n.1.to_string()).collect();
        if !missing.is_empty() {
            flags.push(format!("--by {}", dims.join(",")));
        }
        return Err(ImportError::Missing {
            path: file.path.clone(),
            what: format!(
                "this command needs {} (the HTML page and --out-dir compare with the month before; errors and the page count requests per minute): regenerate the query with `tokenledger sql {}`",
                what.join(" and "),
                flags.join(" ")
            ),
        });
    }
    if !missing.is_empty() {
        return Err(ImportError::Missing {
            path: file.path.clone(),
            what: format!(
                "no {} dimension in these aggregates (they have: {}); regenerate the query with `tokenledger sql --by {}`",
                missing.join(", "),
                if m.dims.is_empty() { "none".to_string() } else { m.dims.join(", ") },
                dims.join(",")
            ),
        });
    }
    Ok(())
}

/// Checks every row against what the book and the period decide, as strictly as the query
/// decides it for a row: a cell's epoch and local day are those of its first and last
/// instants, inside the period (the side window for side rows); its prompt bucket within the
/// book's thresholds and its summed input within the bucket's bounds; its window mask names
/// the book's windows only; a minute row's minute inside the period. The reader has checked
/// what needs no book (`readers::aggregates`).
pub(super) fn check_rows(
    file: &AggregateFile,
    settings: &EngineSettings,
    book: &PriceBook,
) -> Result<(), ImportError> {
    let mut days = LocalDays::new(settings.tz);
    let mut epochs = Epochs::new(settings.boundaries.clone());
    let last_epoch = settings.boundaries.len() as u64;
    let thresholds = book.thresholds();
    let windows = book.windows().len();
    let m = &file.manifest;
    let show = |us: i64| crate::usage::format_timestamp_us(us);
    for row in &file.rows {
        let invalid = |what: String| ImportError::Invalid {
            path: file.path.clone(),
            line: row.line,
            what,
        };
        let (from, to) = match row.kind {
            Kind::Cell | Kind::Minute => (m.from_us, m.to_us),
            Kind::Side => (m.side_from_us, m.side_to_us),
            _ => continue,
        };
        if row.kind == Kind::Minute {
            let minute = row.minute_us.unwrap_or_default();
            let after_start = from.is_none_or(|f| minute >= f - f.rem_euclid(60_000_000));
            if !after_start || to.is_some_and(|t| minute >= t) {
                return Err(invalid(format!(
                    "minute_us: {} is outside the query's period",
                    show(minute)
                )));
            }
            continue;
        }
        let (Some(day), Some(epoch), Some(first), Some(last)) =
            (row.day, row.epoch, row.first_us, row.last_us)
        else {
            // The reader refuses such a cell; nothing to decide here.
            continue;
        };
        if u64::from(epoch) > last_epoch {
            return Err(invalid(format!(
                "price_epoch: {epoch} is past the book's last epoch ({last_epoch}): made with another price book?"
            )));
        }
        if from.is_some_and(|f| first < f) || to.is_some_and(|t| last >= t) {
            return Err(invalid(format!(
                "first_us..last_us ({} to {}) reach outside the query's period",
                show(first),
                show(last)
            )));
        }
        for (what, us) in [("first_us", first), ("last_us", last)] {
            if days.day(us) != day {
                return Err(invalid(format!(
                    "local_day: {} is not the local day of {what} ({} in {})",
                    crate::usage::format_day(i64::from(day)),
                    show(us),
                    settings.tz.name()
                )));
            }
            if epochs.of(us) != epoch {
                return Err(invalid(format!(
                    "price_epoch: {epoch} is not the epoch of {what} ({}, epoch {})",
                    show(us),
                    epochs.of(us)
                )));
            }
        }
        let b = usize::from(row.prompt_bucket);
        if b > thresholds.len() {
            return Err(invalid(format!(
                "prompt_bucket: {b} is past the book's {} long-context thresholds",
                thresholds.len()
            )));
        }
        // Every source row of the cell had a prompt in (T[b-1], T[b]].
        let rows = u128::from(row.measures.rows);
        let input = u128::from(row.measures.input_tokens);
        let low = b
            .checked_sub(1)
            .map(|i| rows * (u128::from(thresholds[i]) + 1));
        let high = thresholds.get(b).map(|&t| rows * u128::from(t));
        if low.is_some_and(|l| input < l) || high.is_some_and(|h| input > h) {
            return Err(invalid(format!(
                "prompt_bucket: {b} does not fit {} input tokens over {rows} rows",
                row.measures.input_tokens
            )));
        }
        if windows < 64 && row.window_mask >> windows != 0 {
            return Err(invalid(format!(
                "window_mask: {} names time windows the book does not have ({windows})",
                row.window_mask
            )));
        }
    }
    Ok(())
}
