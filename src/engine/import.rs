//! Aggregates a warehouse made (`tokenledger sql`'s query, read by `readers::aggregates`) into
//! the engine's [`Aggregates`], as if the logs had been read here: model ids are resolved,
//! service tiers normalised, time windows decided from the query's window mask, `--where`
//! applied per group with the same rule as [`super::Aggregator`], and dimensions the command
//! does not need summed away. The manifest must match the settings and the book: a mismatch
//! is an error, never a silent difference.

use super::buckets::LocalDays;
use super::groups::{Groups, NONE};
use super::{Aggregates, Cell, Counters, EngineSettings, Epochs, FastMap, MinuteCount, Sums};
use crate::pricing::PriceBook;
use crate::usage::aggregate::{AggregateFile, AggregateRow, Kind};
use crate::usage::{col, service_tier, Rejection};

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
fn check(
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
fn check_rows(
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

/// Per engine dimension, its column in the file (every one is there: see [`check`]).
fn columns_of(file: &AggregateFile, dims: &[String]) -> Vec<usize> {
    dims.iter()
        .filter_map(|d| file.manifest.dims.iter().position(|x| x == d))
        .collect()
}

/// Builds the engine's aggregates from aggregate files.
pub fn import(
    files: &[AggregateFile],
    settings: &EngineSettings,
    book: &PriceBook,
) -> Result<Aggregates, ImportError> {
    let dims = settings.engine_dims();
    for file in files {
        check(file, settings, book, &dims)?;
        check_rows(file, settings, book)?;
    }
    let mut agg = build(files, settings, book, Kind::Cell)?;
    if let Some((from, to)) = settings.side {
        // As `Aggregator::new` sets up its side window: no dimensions but the filter's.
        let side = EngineSettings {
            from_us: Some(from),
            to_us: Some(to),
            dims: vec![],
            per_minute: false,
            side: None,
            ..settings.clone()
        };
        agg.side = Some(Box::new(build(files, &side, book, Kind::Side)?));
    }
    Ok(agg)
}

/// The aggregates of the rows of kind `cells` (cells, or the side window's); the counters
/// only for cells.
fn build(
    files: &[AggregateFile],
    settings: &EngineSettings,
    book: &PriceBook,
    cells_kind: Kind,
) -> Result<Aggregates, ImportError> {
    let main = cells_kind == Kind::Cell;
    let dims = settings.engine_dims();
    let mut groups = Groups::default();
    let mut kept: FastMap<u32, bool> = FastMap::default();
    let mut sums: FastMap<(i32, u32, u32), Sums> = FastMap::default();
    let mut minutes: FastMap<(u32, u32, i64), (u64, u64)> = FastMap::default();
    let mut counters = Counters::default();
    let mut grand = Sums::default();
    for file in files {
        let cols = columns_of(file, &dims);
        let overflow = |line| ImportError::Overflow {
            path: file.path.clone(),
            line,
        };
        for row in &file.rows {
            let n = row.measures.rows;
            let add = |a: u64, b: u64| a.checked_add(b).ok_or(overflow(row.line));
            if !main && row.kind != Kind::Side {
                continue;
            }
            if main && !matches!(row.kind, Kind::Minute | Kind::Side) {
                counters.rows_read = counters
                    .rows_read
                    .checked_add(n)
                    .ok_or(overflow(row.line))?;
                if let Some(f) = row.first_us {
                    counters.first_us = Some(counters.first_us.map_or(f, |x| x.min(f)));
                }
                if let Some(l) = row.last_us {
                    counters.last_us = Some(counters.last_us.map_or(l, |x| x.max(l)));
                }
            }
            match row.kind {
                Kind::Manifest => {}
                Kind::Side if main => {}
                Kind::Rejected => {
                    counters.rejected = add(counters.rejected, n)?;
                    if counters.rejections.len() < super::KEPT_REJECTIONS {
                        counters.rejections.push(Rejection {
                            file: crate::text::redact_secrets(&file.path).into_owned(),
                            line: row.line,
                            field: crate::text::redact_secrets(
                                &crate::text::printable(row.reason.as_deref().unwrap_or_default()),
                            )
                            .into_owned(),
                            reason: format!(
                                "{} rejected by the warehouse query (counted there; the rows are not quoted)",
                                crate::money::count_of(n, "row")
                            ),
                        });
                    }
                }
                Kind::Duplicate => {
                    // A duplicate whose group the filter leaves out counts as filtered out,
                    // as it does locally (the filter is decided before the id is checked).
                    let kept_group = settings.filter.is_empty() || {
                        let gid = group_of(&mut groups, row, &cols, book);
                        *kept
                            .entry(gid)
                            .or_insert_with(|| keeps(settings, &dims, book, row, &cols))
                    };
                    if kept_group {
                        counters.duplicates = add(counters.duplicates, n)?;
                    } else {
                        counters.filtered_out = add(counters.filtered_out, n)?;
                    }
                }
                Kind::Outside => counters.outside_period = add(counters.outside_period, n)?,
                Kind::Minute => {
                    let provider = row.provider.as_deref().unwrap_or_default();
                    let model = row.model.as_deref().unwrap_or_default();
                    let pc = groups.code(Some(provider));
                    let mc = groups.model(pc, provider, model, Some(book));
                    let minute = row.minute_us.unwrap_or_default().div_euclid(60_000_000);
                    let e = minutes.entry((pc, mc, minute)).or_default();
                    let tokens = add(row.measures.input_tokens, row.measures.output_tokens)?;
                    *e = (add(e.0, row.measures.requests)?, add(e.1, tokens)?);
                }
                Kind::Cell | Kind::Side => {
                    let gid = group_of(&mut groups, row, &cols, book);
                    let keep = if settings.filter.is_empty() {
                        true
                    } else {
                        *kept
                            .entry(gid)
                            .or_insert_with(|| keeps(settings, &dims, book, row, &cols))
                    };
                    if !keep {
                        counters.filtered_out = add(counters.filtered_out, n)?;
                        continue;
                    }
                    if row.multi {
                        counters.not_per_minute =
                            add(counters.not_per_minute, row.measures.requests)?;
                    }
                    let (Some(day), Some(epoch)) = (row.day, row.epoch) else {
                        continue;
                    };
                    let cell = sums.entry((day, epoch, gid)).or_default();
                    cell.checked_add(&row.measures).ok_or(overflow(row.line))?;
                    // Reports add cells up in every grouping: the sum of all of them (input
                    // and output together too) must hold, then every partial sum does.
                    grand.checked_add(&row.measures).ok_or(overflow(row.line))?;
                    add(grand.input_tokens, grand.output_tokens)?;
                }
            }
        }
    }
    let cells = sums
        .into_iter()
        .map(|((day, epoch, group), sums)| Cell {
            day,
            epoch,
            group,
            sums,
        })
        .collect();
    let name = |c: u32| groups.value(c).unwrap_or_default().to_string();
    let mut minutes: Vec<MinuteCount> = if settings.per_minute {
        minutes
            .into_iter()
            .map(|((p, m, minute), (requests, tokens))| MinuteCount {
                provider: name(p),
                model: name(m),
                minute_us: minute * 60_000_000,
                requests,
                tokens,
            })
            .collect()
    } else {
        Vec::new()
    };
    minutes.sort_by(|a, b| {
        (&a.provider, &a.model, a.minute_us).cmp(&(&b.provider, &b.model, b.minute_us))
    });
    Ok(Aggregates {
        groups: groups.keys(dims.len()),
        dims: dims.clone(),
        cells,
        counters,
        minutes,
        epochs: Epochs::new(settings.boundaries.clone()),
        side: None,
    })
}

/// The group of a cell row, keyed as [`super::Aggregator`] keys a record.
fn group_of(groups: &mut Groups, row: &AggregateRow, cols: &[usize], book: &PriceBook) -> u32 {
    let provider = row.provider.as_deref().unwrap_or_default();
    let model = row.model.as_deref().unwrap_or_default();
    let pc = groups.code(Some(provider));
    let mc = groups.model(pc, provider, model, Some(book));
    let rc = groups.code(row.region.as_deref());
    let tier = match row.service_tier.as_deref().and_then(service_tier) {
        Some(t) => groups.code(Some(&t)),
        None => {
            let resolved = groups.value(mc).unwrap_or_default().to_string();
            match book.window_tier_masked(provider, &resolved, row.window_mask) {
                Some(t) => {
                    let t = t.to_string();
                    groups.code(Some(&t))
                }
                None => NONE,
            }
        }
    };
    let long = match row.long_context {
        Some(false) => 0,
        Some(true) => 1,
        None => 2,
    };
    groups.begin_key([
        pc,
        mc,
        rc,
        row.batch as u32,
        row.failed as u32,
        tier,
        long,
        row.multi as u32,
        row.prompt_bucket as u32,
    ]);
    for &c in cols {
        groups.push_dim(row.dims.get(c).and_then(|v| v.as_deref()));
    }
    groups.finish_key()
}

/// Whether `--where` keeps a cell's group: the values [`super::Aggregator`] compares, from the
/// row (every dimension a filter names is in the key or among the dimensions).
fn keeps(
    settings: &EngineSettings,
    dims: &[String],
    book: &PriceBook,
    row: &AggregateRow,
    cols: &[usize],
) -> bool {
    let provider = row.provider.as_deref().unwrap_or_default();
    let raw = row.model.as_deref().unwrap_or_default();
    let resolved = book.resolve_model(provider, raw);
    let dim = |name: &str| -> Option<&str> {
        let i = dims.iter().position(|d| d == name)?;
        row.dims.get(*cols.get(i)?)?.as_deref()
    };
    settings.filter.iter().all(|w| {
        let fingerprint;
        let values: Vec<Option<&str>> = match w.dim.as_str() {
            col::MODEL => vec![Some(resolved), Some(raw)],
            "canonical_model" => vec![book.canonical_of(provider, resolved)],
            col::PROVIDER => vec![Some(provider)],
            col::REGION => vec![row.region.as_deref()],
            "batch" => vec![Some(if row.batch { "true" } else { "false" })],
            col::API_KEY => {
                fingerprint = dim(col::API_KEY).map(crate::text::key_fingerprint);
                vec![dim(col::API_KEY), fingerprint.as_deref()]
            }
            other => vec![dim(other)],
        };
        w.keeps(&values)
    })
}
