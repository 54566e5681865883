//! Aggregates a warehouse made (`tokenledger sql`'s query, read by `readers::aggregates`) into
//! the engine's [`Aggregates`], as if the logs had been read here: model ids are resolved,
//! service tiers normalised, time windows decided from the query's window mask, `--where`
//! applied per group with the same rule as [`super::Aggregator`], and dimensions the command
//! does not need summed away. The manifest must match the settings and the book: a mismatch
//! is an error, never a silent difference.

use super::groups::{Groups, NONE};
use super::{Aggregates, Cell, Counters, EngineSettings, Epochs, FastMap, MinuteCount, Sums};
use crate::pricing::PriceBook;
use crate::usage::aggregate::{AggregateFile, AggregateRow, Kind};
use crate::usage::{col, service_tier, Rejection};

pub use super::import_check::ImportError;
use super::import_check::{check, check_rows};

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
        // The warehouse query reads the canonical schema, which has no such class.
        NONE,
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
