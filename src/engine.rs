//! The engine: canonical usage records in, priced aggregates out.
//!
//! Records are interned and buffered into column chunks; polars sums their tokens as integers per
//! (local day, price epoch, group) in a lazy group-by, one chunk at a time, so memory is bounded
//! by the number of groups, not the number of rows. Pricing then happens on those aggregates
//! with exact decimals: within one price epoch (an interval in which no price in the book
//! changes) cost is linear in tokens, so pricing sums is exactly pricing rows.
//!
//! No file I/O and no clock here: the caller passes the period and the time zone.

use std::collections::HashMap;

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;
use polars::prelude::*;
use rust_decimal::Decimal;

use crate::pricing::{Lookup, PriceBook, PriceRow};
use crate::readers::{Rejection, UsageSink};
use crate::usage::{UsageRecord, MICROS_PER_DAY};

/// How many records are buffered before polars aggregates them.
const CHUNK_ROWS: usize = 1 << 18;
/// How many partial aggregate rows are kept before they are merged.
const PARTIAL_ROWS: usize = 1 << 18;
/// How many rejections are kept verbatim (the rest are counted).
pub const KEPT_REJECTIONS: usize = 50;

/// Which rows to aggregate and how to bucket them.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Reporting time zone: day and month buckets are local dates here.
    pub tz: Tz,
    /// Inclusive start of the period (UTC microseconds).
    pub from_us: Option<i64>,
    /// Exclusive end of the period (UTC microseconds).
    pub to_us: Option<i64>,
    /// Dimension columns to keep per group besides provider, model, region and batch
    /// (e.g. `user`, `project`, `status`, or any extra column).
    pub dims: Vec<String>,
    /// Sorted instants at which some price starts (see [`PriceBook::boundaries`]).
    pub boundaries: Vec<i64>,
    /// The price book, for model-id resolution (ARNs, aliases) and long-context thresholds.
    /// Without it, model ids are kept as logged and no request counts as long-context.
    pub book: Option<std::sync::Arc<PriceBook>>,
    /// Also count requests per provider, model and minute (for rate-limit analysis).
    pub per_minute: bool,
}

/// Integer sums over a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sums {
    pub rows: u64,
    pub requests: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Subset of `cache_write_tokens` written with a 1-hour TTL.
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
}

impl Sums {
    pub fn add(&mut self, o: &Sums) {
        self.rows += o.rows;
        self.requests += o.requests;
        self.input_tokens += o.input_tokens;
        self.cache_read_tokens += o.cache_read_tokens;
        self.cache_write_tokens += o.cache_write_tokens;
        self.cache_write_1h_tokens += o.cache_write_1h_tokens;
        self.output_tokens += o.output_tokens;
        self.reasoning_tokens += o.reasoning_tokens;
    }
    pub fn uncached_input(&self) -> u64 {
        self.input_tokens - self.cache_read_tokens - self.cache_write_tokens
    }
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
}

/// The identity of a group: what pricing needs plus the requested dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupKey {
    pub provider: String,
    pub model: String,
    pub region: Option<String>,
    pub batch: bool,
    pub failed: bool,
    /// The prompt exceeded the long-context threshold of the price version in force.
    pub long: bool,
    /// Values of [`EngineSettings::dims`], in that order.
    pub dims: Vec<Option<String>>,
}

/// Rows dropped or set aside before aggregation.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub rows_read: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub outside_period: u64,
    /// Pre-aggregated rows (requests > 1) of a model with a long-context tier whose summed
    /// prompt exceeds the threshold: whether single requests crossed it is unknown, so they were
    /// priced at the normal rates. Sources that know say so in `long_context`.
    pub long_context_unchecked: u64,
    /// The first [`KEPT_REJECTIONS`] rejections, in reading order.
    pub rejections: Vec<Rejection>,
}

const NONE_CODE: u32 = u32::MAX;

/// xxh3 for the engine's hash maps: several times faster than std's SipHash on short keys, and
/// the keys (log values) cannot be chosen to attack a local batch run's tables.
type Fast = xxhash_rust::xxh3::Xxh3DefaultBuilder;
type FastMap<K, V> = HashMap<K, V, Fast>;

use crate::idset::IdSet;

#[derive(Default)]
struct Interner {
    map: FastMap<String, u32>,
    values: Vec<String>,
}

impl Interner {
    fn code(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return NONE_CODE };
        if let Some(&c) = self.map.get(s) {
            return c;
        }
        let c = self.values.len() as u32;
        self.values.push(s.to_string());
        self.map.insert(s.to_string(), c);
        c
    }
    fn get(&self, c: u32) -> Option<String> {
        (c != NONE_CODE).then(|| self.values[c as usize].clone())
    }
}

#[derive(Default)]
struct Chunk {
    day: Vec<i32>,
    epoch: Vec<u32>,
    gid: Vec<u32>,
    rows: Vec<u64>,
    requests: Vec<u64>,
    input: Vec<u64>,
    cache_read: Vec<u64>,
    cache_write: Vec<u64>,
    cache_write_1h: Vec<u64>,
    output: Vec<u64>,
    reasoning: Vec<u64>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.day.len()
    }

    /// Removes the rows at the given (ascending) indices.
    fn remove_rows(&mut self, rows: &[u32]) {
        let mut keep = vec![true; self.len()];
        for &r in rows {
            keep[r as usize] = false;
        }
        fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        retain(&mut self.day, &keep);
        retain(&mut self.epoch, &keep);
        retain(&mut self.gid, &keep);
        retain(&mut self.rows, &keep);
        retain(&mut self.requests, &keep);
        retain(&mut self.input, &keep);
        retain(&mut self.cache_read, &keep);
        retain(&mut self.cache_write, &keep);
        retain(&mut self.cache_write_1h, &keep);
        retain(&mut self.output, &keep);
        retain(&mut self.reasoning, &keep);
    }
    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let c = std::mem::take(self);
        DataFrame::new_infer_height(vec![
            Column::new("day".into(), c.day),
            Column::new("epoch".into(), c.epoch),
            Column::new("gid".into(), c.gid),
            Column::new("rows".into(), c.rows),
            Column::new("requests".into(), c.requests),
            Column::new("input".into(), c.input),
            Column::new("cache_read".into(), c.cache_read),
            Column::new("cache_write".into(), c.cache_write),
            Column::new("cache_write_1h".into(), c.cache_write_1h),
            Column::new("output".into(), c.output),
            Column::new("reasoning".into(), c.reasoning),
        ])
    }
}

const SUM_COLS: [&str; 8] = [
    "rows",
    "requests",
    "input",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "output",
    "reasoning",
];

/// Sums every measure per (day, epoch, gid) with polars.
fn group_sum(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let lfs: Vec<LazyFrame> = frames.into_iter().map(|f| f.lazy()).collect();
    let lf = concat(lfs, UnionArgs::default())?;
    lf.group_by([col("day"), col("epoch"), col("gid")])
        .agg(SUM_COLS.iter().map(|c| col(*c).sum()).collect::<Vec<_>>())
        .collect()
}

/// The dedupe key of a request: 128-bit xxh3 of provider and request id.
fn id_hash(provider: &str, id: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(provider.as_bytes());
    h.update(&[0]);
    h.update(id.as_bytes());
    h.digest128()
}

/// Accumulates usage records into per-(day, epoch, group) sums.
pub struct Aggregator {
    settings: EngineSettings,
    interner: Interner,
    groups: FastMap<Vec<u32>, u32>,
    group_codes: Vec<Vec<u32>>,
    seen_ids: IdSet,
    /// Expected rows, to size the dedupe set once instead of growing it step by step.
    expected_rows: usize,
    /// (provider code, logged model code) -> code of the model id the book prices.
    resolved: FastMap<(u32, u32), u32>,
    chunk: Chunk,
    partials: Vec<DataFrame>,
    partial_rows: usize,
    counters: Counters,
    /// (15-minute bucket, UTC offset in µs) of the last offset lookup.
    offset_cache: (i64, i64),
    /// (start, end, epoch) of the last epoch lookup.
    epoch_cache: (i64, i64, u32),
    key_buf: Vec<u32>,
    error: Option<PolarsError>,
    chunk_rows: usize,
    /// Long-context threshold per (provider, model, region, epoch) code.
    thresholds: FastMap<(u32, u32, u32, u32), Option<u64>>,
    /// Requests per (provider, model, minute since the epoch), when asked for.
    minutes: FastMap<(u32, u32, i64), u64>,
    /// Request-id hashes waiting to be checked, in arrival order, with the chunk row they
    /// belong to (`OUTSIDE` for a row outside the period). Checking them a chunk at a time lets
    /// the id table prefetch; the first occurrence still wins.
    pending_ids: Vec<(u128, u32)>,
}

const OUTSIDE: u32 = u32::MAX;

/// One aggregated cell: sums for a group on a local day within one price epoch.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Local date in the reporting zone, as days since 1970-01-01.
    pub day: i32,
    pub epoch: u32,
    pub group: u32,
    pub sums: Sums,
}

/// Requests of one provider and model in one minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteCount {
    pub provider: String,
    pub model: String,
    /// Start of the minute, UTC microseconds.
    pub minute_us: i64,
    pub requests: u64,
}

/// Everything the engine learned from the records.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    pub groups: Vec<GroupKey>,
    pub cells: Vec<Cell>,
    pub counters: Counters,
    /// Per-minute request counts (only with [`EngineSettings::per_minute`]), sorted.
    pub minutes: Vec<MinuteCount>,
}

impl Aggregator {
    pub fn new(settings: EngineSettings) -> Self {
        Aggregator {
            settings,
            interner: Interner::default(),
            groups: FastMap::default(),
            group_codes: Vec::new(),
            seen_ids: IdSet::default(),
            expected_rows: 0,
            resolved: FastMap::default(),
            chunk: Chunk::default(),
            partials: Vec::new(),
            partial_rows: 0,
            counters: Counters::default(),
            offset_cache: (i64::MIN, 0),
            epoch_cache: (0, 0, u32::MAX),
            key_buf: Vec::new(),
            error: None,
            chunk_rows: CHUNK_ROWS,
            thresholds: FastMap::default(),
            minutes: FastMap::default(),
            pending_ids: Vec::new(),
        }
    }

    /// Sizes the dedupe set for about `rows` records (taken up only when request ids appear).
    pub fn with_expected_rows(mut self, rows: usize) -> Self {
        self.expected_rows = rows;
        self
    }

    /// Uses chunks of `n` rows (tests use tiny chunks to exercise the merge path).
    pub fn with_chunk_rows(mut self, n: usize) -> Self {
        self.chunk_rows = n.max(1);
        self
    }

    fn local_day(&mut self, ts: i64) -> i32 {
        // Zone offsets change on 15-minute boundaries of UTC in every zone in use, so one lookup
        // per 15-minute bucket is exact.
        const BUCKET: i64 = 15 * 60 * 1_000_000;
        let b = ts.div_euclid(BUCKET);
        if self.offset_cache.0 != b {
            let secs = ts.div_euclid(1_000_000);
            let off = chrono::DateTime::from_timestamp(secs, 0)
                .map(|dt| {
                    self.settings
                        .tz
                        .offset_from_utc_datetime(&dt.naive_utc())
                        .fix()
                        .local_minus_utc() as i64
                })
                .unwrap_or(0);
            self.offset_cache = (b, off * 1_000_000);
        }
        (ts + self.offset_cache.1).div_euclid(MICROS_PER_DAY) as i32
    }

    fn epoch(&mut self, ts: i64) -> u32 {
        let (lo, hi, e) = self.epoch_cache;
        if e != u32::MAX && ts >= lo && ts < hi {
            return e;
        }
        let b = &self.settings.boundaries;
        let e = b.partition_point(|&x| x <= ts);
        let lo = if e == 0 { i64::MIN } else { b[e - 1] };
        let hi = b.get(e).copied().unwrap_or(i64::MAX);
        self.epoch_cache = (lo, hi, e as u32);
        e as u32
    }

    fn reserve_ids(&mut self) {
        if self.seen_ids.capacity() == 0 && self.expected_rows > 0 {
            self.seen_ids.reserve(self.expected_rows.min(200_000_000));
        }
    }

    /// Checks one id immediately; false for a duplicate.
    fn seen_id_now(&mut self, d: u128) -> bool {
        self.reserve_ids();
        self.seen_ids.insert(d)
    }

    /// Checks the pending ids in order; duplicate rows leave the chunk (or the outside count).
    fn settle_ids(&mut self) {
        if self.pending_ids.is_empty() {
            return;
        }
        self.reserve_ids();
        let pending = std::mem::take(&mut self.pending_ids);
        let hashes: Vec<u128> = pending.iter().map(|p| p.0).collect();
        let mut drop_rows: Vec<u32> = Vec::new();
        let mut dup_outside = 0;
        self.seen_ids.insert_batch(&hashes, |i| match pending[i].1 {
            OUTSIDE => dup_outside += 1,
            row => drop_rows.push(row),
        });
        self.counters.duplicates += dup_outside + drop_rows.len() as u64;
        self.counters.outside_period -= dup_outside;
        if !drop_rows.is_empty() {
            self.chunk.remove_rows(&drop_rows);
        }
    }

    fn flush_chunk(&mut self) {
        self.settle_ids();
        if self.chunk.len() == 0 || self.error.is_some() {
            return;
        }
        let result = self
            .chunk
            .take_frame()
            .and_then(|f| group_sum(vec![f]))
            .and_then(|partial| {
                self.partial_rows += partial.height();
                self.partials.push(partial);
                if self.partial_rows > PARTIAL_ROWS.max(self.chunk_rows) || self.partials.len() > 64
                {
                    let merged = group_sum(std::mem::take(&mut self.partials))?;
                    self.partial_rows = merged.height();
                    self.partials.push(merged);
                }
                Ok(())
            });
        if let Err(e) = result {
            self.error = Some(e);
        }
    }

    /// Finishes aggregation.
    pub fn finish(mut self) -> PolarsResult<Aggregates> {
        self.flush_chunk();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut cells = Vec::new();
        if !self.partials.is_empty() {
            let df = group_sum(std::mem::take(&mut self.partials))?;
            let day = df.column("day")?.i32()?.clone();
            let epoch = df.column("epoch")?.u32()?.clone();
            let gid = df.column("gid")?.u32()?.clone();
            let sums: Vec<UInt64Chunked> = SUM_COLS
                .iter()
                .map(|c| df.column(c).and_then(|s| s.u64().cloned()))
                .collect::<PolarsResult<_>>()?;
            for i in 0..df.height() {
                let v = |k: usize| sums[k].get(i).unwrap_or(0);
                cells.push(Cell {
                    day: day.get(i).unwrap_or(0),
                    epoch: epoch.get(i).unwrap_or(0),
                    group: gid.get(i).unwrap_or(0),
                    sums: Sums {
                        rows: v(0),
                        requests: v(1),
                        input_tokens: v(2),
                        cache_read_tokens: v(3),
                        cache_write_tokens: v(4),
                        cache_write_1h_tokens: v(5),
                        output_tokens: v(6),
                        reasoning_tokens: v(7),
                    },
                });
            }
        }
        // Deterministic order, whatever order polars produced the groups in.
        cells.sort_by_key(|c| (c.day, c.epoch, c.group));
        let ndims = self.settings.dims.len();
        let groups = self
            .group_codes
            .iter()
            .map(|k| GroupKey {
                provider: self.interner.get(k[0]).unwrap_or_default(),
                model: self.interner.get(k[1]).unwrap_or_default(),
                region: self.interner.get(k[2]),
                batch: k[3] == 1,
                failed: k[4] == 1,
                long: k[5] == 1,
                dims: (0..ndims).map(|d| self.interner.get(k[6 + d])).collect(),
            })
            .collect();
        let mut minutes: Vec<MinuteCount> = self
            .minutes
            .iter()
            .map(|(&(p, m, minute), &requests)| MinuteCount {
                provider: self.interner.get(p).unwrap_or_default(),
                model: self.interner.get(m).unwrap_or_default(),
                minute_us: minute * 60_000_000,
                requests,
            })
            .collect();
        minutes.sort_by(|a, b| {
            (&a.provider, &a.model, a.minute_us).cmp(&(&b.provider, &b.model, b.minute_us))
        });
        Ok(Aggregates {
            groups,
            cells,
            counters: self.counters,
            minutes,
        })
    }
}

impl UsageSink for Aggregator {
    fn record(&mut self, r: &UsageRecord<'_>) {
        self.counters.rows_read += 1;
        // Request ids are unique per provider; the set holds 128-bit hashes (16 bytes per id)
        // so memory does not depend on id length. A collision needs ~2^64 ids.
        let digest = r.request_id.map(|id| id_hash(r.provider, id));
        if let Some(d) = digest {
            if self.settings.per_minute {
                // Per-minute counts are taken row by row: check the id now.
                if !self.seen_id_now(d) {
                    self.counters.duplicates += 1;
                    return;
                }
            }
        }
        let deferred = digest.filter(|_| !self.settings.per_minute);
        let ts = r.timestamp_us;
        if self.settings.from_us.is_some_and(|f| ts < f)
            || self.settings.to_us.is_some_and(|t| ts >= t)
        {
            self.counters.outside_period += 1;
            if let Some(d) = deferred {
                self.pending_ids.push((d, OUTSIDE));
                if self.pending_ids.len() >= self.chunk_rows {
                    self.settle_ids();
                }
            }
            return;
        }
        if let Some(d) = deferred {
            self.pending_ids.push((d, self.chunk.len() as u32));
        }
        let day = self.local_day(ts);
        let epoch = self.epoch(ts);
        let book = self.settings.book.clone();
        let pc = self.interner.code(Some(r.provider));
        let raw = self.interner.code(Some(r.model));
        let mc = match self.resolved.get(&(pc, raw)) {
            Some(&m) => m,
            None => {
                let m = match &book {
                    Some(b) => self
                        .interner
                        .code(Some(b.resolve_model(r.provider, r.model))),
                    None => raw,
                };
                self.resolved.insert((pc, raw), m);
                m
            }
        };
        let rc = self.interner.code(r.region);
        let mut key = std::mem::take(&mut self.key_buf);
        key.clear();
        key.extend([pc, mc, rc, r.batch as u32, r.is_failed() as u32]);
        if self.settings.per_minute {
            *self
                .minutes
                .entry((pc, mc, ts.div_euclid(60_000_000)))
                .or_default() += r.requests;
        }
        let threshold = match &book {
            None => None,
            Some(b) => *self
                .thresholds
                .entry((pc, mc, rc, epoch))
                .or_insert_with(|| {
                    let at = match epoch {
                        0 => i64::MIN,
                        e => self.settings.boundaries[e as usize - 1],
                    };
                    match b.lookup(r.provider, &self.interner.values[mc as usize], r.region, at) {
                        Lookup::Priced(p) => p.long_context_threshold,
                        _ => None,
                    }
                }),
        };
        // The tier is a cliff: the whole prompt (input including cache reads and writes) above
        // the threshold moves the whole request to the long-context rates.
        // Pre-aggregated rows (requests > 1) cannot be compared with a per-request threshold;
        // sources that know (Anthropic's usage report) say so in `long_context`.
        let over = threshold.is_some_and(|t| r.input_tokens > t);
        if r.long_context.is_none() && r.requests > 1 && over {
            self.counters.long_context_unchecked += 1;
        }
        let long = r.long_context.unwrap_or(r.requests <= 1 && over);
        key.push(long as u32);
        for d in 0..self.settings.dims.len() {
            let code = if self.settings.dims[d] == crate::usage::col::STATUS {
                self.interner.code(Some(&r.status.to_string()))
            } else {
                let v = r.dimension(&self.settings.dims[d]);
                self.interner.code(v)
            };
            key.push(code);
        }
        let gid = match self.groups.get(&key) {
            Some(&g) => g,
            None => {
                let g = self.group_codes.len() as u32;
                self.group_codes.push(key.clone());
                self.groups.insert(key.clone(), g);
                g
            }
        };
        self.key_buf = key;
        let c = &mut self.chunk;
        c.day.push(day);
        c.epoch.push(epoch);
        c.gid.push(gid);
        c.rows.push(1);
        c.requests.push(r.requests);
        c.input.push(r.input_tokens);
        c.cache_read.push(r.cache_read_tokens);
        c.cache_write.push(r.cache_write_tokens);
        c.cache_write_1h.push(r.cache_write_1h_tokens);
        c.output.push(r.output_tokens);
        c.reasoning.push(r.reasoning_tokens);
        if c.len() >= self.chunk_rows {
            self.flush_chunk();
        }
    }

    fn outside(&mut self, provider: &str, request_id: Option<&str>) {
        self.counters.rows_read += 1;
        if let Some(id) = request_id {
            let d = id_hash(provider, id);
            if self.settings.per_minute {
                if !self.seen_id_now(d) {
                    self.counters.duplicates += 1;
                    return;
                }
            } else {
                self.pending_ids.push((d, OUTSIDE));
            }
        }
        self.counters.outside_period += 1;
        if self.pending_ids.len() >= self.chunk_rows {
            self.settle_ids();
        }
    }

    fn reject(&mut self, rejection: Rejection) {
        self.counters.rows_read += 1;
        self.counters.rejected += 1;
        if self.counters.rejections.len() < KEPT_REJECTIONS {
            self.counters.rejections.push(rejection);
        }
    }
}

/// Why usage could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum UnpricedReason {
    /// The provider/model pair is not in the price book at all.
    NotInPriceBook,
    /// The model is in the book, but its first price starts later.
    BeforeFirstPrice { first_effective_from: String },
}

impl std::fmt::Display for UnpricedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpricedReason::NotInPriceBook => {
                write!(f, "no price for this provider/model in the price book")
            }
            UnpricedReason::BeforeFirstPrice {
                first_effective_from,
            } => {
                write!(
                    f,
                    "used before its first price (effective from {first_effective_from})"
                )
            }
        }
    }
}

/// The price applied to a cell, or why there is none.
#[derive(Debug, Clone)]
pub enum Pricing<'a> {
    Priced { row: &'a PriceRow, cost: Decimal },
    Unpriced(UnpricedReason),
}

/// A cell with its price.
#[derive(Debug, Clone)]
pub struct PricedCell<'a> {
    pub cell: &'a Cell,
    pub key: &'a GroupKey,
    pub pricing: Pricing<'a>,
}

/// Cost of `sums` at `row`'s rates (see [`PriceRow::rates`] for the fallbacks): input
/// excluding cache at the input rate, cache reads and 5-minute / 1-hour cache writes at their
/// own rates, output excluding reasoning at the output rate, reasoning at the reasoning rate.
pub fn cost_of(sums: &Sums, row: &PriceRow, batch: bool, long: bool) -> Option<Decimal> {
    let t = |n: u64| Decimal::from(n);
    let r = row.rates(batch, long);
    let parts = [
        (sums.uncached_input(), r.input),
        (sums.cache_read_tokens, r.cache_read),
        (
            sums.cache_write_tokens - sums.cache_write_1h_tokens,
            r.cache_write,
        ),
        (sums.cache_write_1h_tokens, r.cache_write_1h),
        (sums.output_tokens - sums.reasoning_tokens, r.output),
        (sums.reasoning_tokens, r.reasoning),
    ];
    let mut total = Decimal::ZERO;
    for (n, rate) in parts {
        total = total.checked_add(t(n).checked_mul(rate)?)?;
    }
    total.checked_mul(Decimal::new(1, 6)).map(|x| x.normalize())
}

/// Prices every cell with the version in force during its epoch.
pub fn price<'a>(
    agg: &'a Aggregates,
    book: &'a PriceBook,
    boundaries: &[i64],
) -> Result<Vec<PricedCell<'a>>, String> {
    let mut out = Vec::with_capacity(agg.cells.len());
    for cell in &agg.cells {
        let key = &agg.groups[cell.group as usize];
        // Any instant of the epoch gives the same version; its start is the simplest.
        let at = match cell.epoch {
            0 => i64::MIN,
            e => boundaries[e as usize - 1],
        };
        let pricing = match book.lookup(&key.provider, &key.model, key.region.as_deref(), at) {
            Lookup::Priced(row) => match cost_of(&cell.sums, row, key.batch, key.long) {
                Some(cost) => Pricing::Priced { row, cost },
                None => {
                    return Err(format!(
                        "cost of {}/{} overflows exact decimal arithmetic",
                        key.provider, key.model
                    ))
                }
            },
            Lookup::BeforeFirst(row) => Pricing::Unpriced(UnpricedReason::BeforeFirstPrice {
                first_effective_from: row.effective_from.clone(),
            }),
            Lookup::Unknown => Pricing::Unpriced(UnpricedReason::NotInPriceBook),
        };
        out.push(PricedCell { cell, key, pricing });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::parse_timestamp_us;

    fn rec<'a>(
        ts: &str,
        provider: &'a str,
        model: &'a str,
        input: u64,
        output: u64,
    ) -> UsageRecord<'a> {
        UsageRecord {
            timestamp_us: parse_timestamp_us(ts).unwrap(),
            provider,
            model,
            input_tokens: input,
            output_tokens: output,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            cache_write_1h_tokens: 0,
            reasoning_tokens: 0,
            requests: 1,
            request_id: None,
            status: 200,
            user: None,
            project: None,
            api_key: None,
            region: None,
            batch: false,
            long_context: None,
            extra: vec![],
        }
    }

    fn settings(tz: Tz, boundaries: Vec<i64>) -> EngineSettings {
        EngineSettings {
            tz,
            from_us: None,
            to_us: None,
            dims: vec![],
            boundaries,
            book: None,
            per_minute: false,
        }
    }

    #[test]
    fn sums_per_day_in_the_reporting_zone() {
        let mut a = Aggregator::new(settings(chrono_tz::America::New_York, vec![]));
        // 2025-11-01 03:30Z is 2025-10-31 23:30 in New York (EDT, UTC-4).
        a.record(&rec("2025-11-01T03:30:00Z", "p", "m", 10, 1));
        a.record(&rec("2025-11-01T04:30:00Z", "p", "m", 20, 2));
        let agg = a.finish().unwrap();
        assert_eq!(agg.cells.len(), 2);
        assert_eq!(
            agg.cells[0].day as i64,
            crate::usage::days_from_civil(2025, 10, 31)
        );
        assert_eq!(
            agg.cells[1].day as i64,
            crate::usage::days_from_civil(2025, 11, 1)
        );
        assert_eq!(agg.cells[0].sums.input_tokens, 10);
    }

    #[test]
    fn dst_change_uses_the_right_offset() {
        // Europe/Berlin leaves DST on 2025-10-26 01:00Z: before it UTC+2, after it UTC+1.
        let mut a = Aggregator::new(settings(chrono_tz::Europe::Berlin, vec![]));
        a.record(&rec("2025-10-25T22:30:00Z", "p", "m", 1, 0)); // 00:30 on the 26th (UTC+2)
        a.record(&rec("2025-10-26T22:30:00Z", "p", "m", 2, 0)); // 23:30 on the 26th (UTC+1)
        let agg = a.finish().unwrap();
        assert_eq!(agg.cells.len(), 1, "{:?}", agg.cells);
        assert_eq!(agg.cells[0].sums.input_tokens, 3);
    }

    #[test]
    fn duplicates_are_counted_once_per_provider() {
        let mut a = Aggregator::new(settings(chrono_tz::UTC, vec![]));
        let mut r = rec("2025-10-01T00:00:00Z", "p", "m", 5, 5);
        r.request_id = Some("req-1");
        a.record(&r);
        a.record(&r);
        r.provider = "q";
        a.record(&r);
        let agg = a.finish().unwrap();
        assert_eq!(agg.counters.duplicates, 1);
        assert_eq!(agg.counters.rows_read, 3);
        let total: u64 = agg.cells.iter().map(|c| c.sums.input_tokens).sum();
        assert_eq!(total, 10);
    }

    #[test]
    fn deferred_dedupe_keeps_first_occurrences_across_chunks_and_the_period() {
        // ids: a (June), b (May, outside), a (dup), c, b (dup of an outside row), c (dup), d
        let rows = [
            ("2025-06-01T00:00:00Z", "a", 1),
            ("2025-05-01T00:00:00Z", "b", 10),
            ("2025-06-02T00:00:00Z", "a", 100),
            ("2025-06-03T00:00:00Z", "c", 1000),
            ("2025-06-04T00:00:00Z", "b", 10_000),
            ("2025-06-05T00:00:00Z", "c", 100_000),
            ("2025-06-06T00:00:00Z", "d", 1_000_000),
        ];
        for chunk in [1, 2, 3, 100] {
            let mut s = settings(chrono_tz::UTC, vec![]);
            s.from_us = Some(parse_timestamp_us("2025-06-01T00:00:00Z").unwrap());
            let mut a = Aggregator::new(s).with_chunk_rows(chunk);
            for (ts, id, input) in rows {
                let mut r = rec(ts, "p", "m", input, 0);
                r.request_id = Some(id);
                a.record(&r);
            }
            let agg = a.finish().unwrap();
            let total: u64 = agg.cells.iter().map(|c| c.sums.input_tokens).sum();
            assert_eq!(total, 1 + 1000 + 1_000_000, "chunk {chunk}");
            assert_eq!(agg.counters.duplicates, 3, "chunk {chunk}");
            assert_eq!(agg.counters.outside_period, 1, "chunk {chunk}");
            assert_eq!(agg.counters.rows_read, 7);
        }
    }

    #[test]
    fn epochs_split_at_price_boundaries() {
        let b = parse_timestamp_us("2025-06-10T00:00:00Z").unwrap();
        let mut a = Aggregator::new(settings(chrono_tz::UTC, vec![b]));
        a.record(&rec("2025-06-09T23:59:59.999999Z", "p", "m", 1, 0));
        a.record(&rec("2025-06-10T00:00:00Z", "p", "m", 2, 0));
        let agg = a.finish().unwrap();
        let epochs: Vec<(u32, u64)> = agg
            .cells
            .iter()
            .map(|c| (c.epoch, c.sums.input_tokens))
            .collect();
        assert_eq!(epochs, vec![(0, 1), (1, 2)]);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn book() -> PriceBook {
            let text = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,batch_input_per_mtok\n\
                p,a,2025-01-01,3,15,0.3,3.75,1.5\n\
                p,a,2025-01-03T12:00:00Z,2.5,10,,,\n\
                p,b,2025-01-02,0.88,0.88,,,\n";
            let mut f = Vec::new();
            let b = PriceBook::from_sources(&[("t.csv".into(), text.as_bytes().to_vec())], &mut f);
            assert!(f.is_empty(), "{f:?}");
            b
        }

        proptest! {
            /// Aggregating in chunks and pricing the sums gives exactly the sum of the
            /// per-row costs, whatever the chunk size and the zone.
            #[test]
            fn chunked_aggregation_prices_exactly_like_rows(
                rows in proptest::collection::vec(
                    (0i64..5 * 86_400, 0usize..3, 0u64..2_000_000, 0u64..100_000, 0u64..100, 0u64..100, any::<bool>(), prop_oneof![Just(200u16), Just(429u16)]),
                    0..200),
                chunk in 1usize..50,
                tz in prop_oneof![Just(chrono_tz::UTC), Just(chrono_tz::Asia::Kolkata), Just(chrono_tz::America::Los_Angeles)],
            ) {
                let book = book();
                let base = crate::usage::parse_timestamp_us("2024-12-31T00:00:00Z").unwrap();
                let models = ["a", "b", "zzz"];
                let mut agg = Aggregator::new(EngineSettings {
                    tz, from_us: None, to_us: None, dims: vec![], boundaries: book.boundaries(), book: None, per_minute: false,
                }).with_chunk_rows(chunk);
                let mut expected = Decimal::ZERO;
                let mut expected_unpriced = 0u64;
                for (secs, m, input, output, crp, cwp, batch, status) in &rows {
                    let cr = input * crp / 200;
                    let cw = input * cwp / 200;
                    let mut r = rec("2025-01-01T00:00:00Z", "p", models[*m], *input, *output);
                    r.timestamp_us = base + secs * 1_000_000;
                    r.cache_read_tokens = cr;
                    r.cache_write_tokens = cw;
                    r.batch = *batch;
                    r.status = *status;
                    match book.lookup("p", models[*m], None, r.timestamp_us) {
                        Lookup::Priced(p) => {
                            let s = Sums { rows: 1, requests: 1, input_tokens: *input, cache_read_tokens: cr,
                                cache_write_tokens: cw, cache_write_1h_tokens: 0, output_tokens: *output, reasoning_tokens: 0 };
                            expected += cost_of(&s, p, *batch, false).unwrap();
                        }
                        _ => expected_unpriced += 1,
                    }
                    agg.record(&r);
                }
                let aggregates = agg.finish().unwrap();
                let b = book.boundaries();
                let priced = price(&aggregates, &book, &b).unwrap();
                let mut total = Decimal::ZERO;
                let mut unpriced = 0;
                for pc in &priced {
                    match &pc.pricing {
                        Pricing::Priced { cost, .. } => total += *cost,
                        Pricing::Unpriced(_) => unpriced += pc.cell.sums.requests,
                    }
                }
                prop_assert_eq!(total.normalize(), expected.normalize());
                prop_assert_eq!(unpriced, expected_unpriced);
                let n: u64 = aggregates.cells.iter().map(|c| c.sums.rows).sum();
                prop_assert_eq!(n, rows.len() as u64);
            }
        }
    }

    #[test]
    fn cost_is_exact_and_cache_uses_input_rate_when_missing() {
        let row = |cr: Option<&str>| PriceRow {
            provider: "p".into(),
            model: "m".into(),
            region: None,
            effective_from_us: 0,
            effective_from: "1970-01-01".into(),
            input: "3".parse().unwrap(),
            output: "15".parse().unwrap(),
            cache_read: cr.map(|s| s.parse().unwrap()),
            cache_write: Some("3.75".parse().unwrap()),
            cache_write_1h: None,
            reasoning: None,
            batch_input: Some("1.5".parse().unwrap()),
            batch_output: None,
            long_context_threshold: None,
            long_input: None,
            long_output: None,
            long_cache_read: None,
            long_cache_write: None,
            canonical_model: None,
            currency: "USD".into(),
            source: None,
            file: "t".into(),
            line: 2,
            overlay: false,
        };
        let s = Sums {
            rows: 1,
            requests: 1,
            input_tokens: 1_000,
            cache_read_tokens: 300,
            cache_write_tokens: 200,
            cache_write_1h_tokens: 0,
            output_tokens: 100,
            reasoning_tokens: 0,
        };
        // 500*3 + 300*0.3 + 200*3.75 + 100*15 = 1500 + 90 + 750 + 1500 = 3840 -> $0.00384
        assert_eq!(
            cost_of(&s, &row(Some("0.3")), false, false)
                .unwrap()
                .to_string(),
            "0.00384"
        );
        // No cache-read price: 300 tokens at the input rate 3 -> 1500 + 900 + 750 + 1500 = 4650
        assert_eq!(
            cost_of(&s, &row(None), false, false).unwrap().to_string(),
            "0.00465"
        );
        // Batch: input at 1.5 (half of 3), so the cache rates move by the same factor (0.15 and
        // 1.875, as the batch discount applies to cached tokens too); output has no batch rate
        // and stays 15: 750 + 45 + 375 + 1500 = 2670
        assert_eq!(
            cost_of(&s, &row(Some("0.3")), true, false)
                .unwrap()
                .to_string(),
            "0.00267"
        );
    }
}
