//! The engine: canonical usage records in, priced aggregates out.
//!
//! Records are interned and buffered in chunks until their request ids are settled; each row's
//! tokens are then added as integers into its (local day, price epoch, group) cell with checked
//! additions, so memory is bounded by the number of groups, not the number of rows. Pricing then happens on those aggregates
//! with exact decimals: within one price epoch (an interval in which no price in the book
//! changes) cost is linear in tokens, so pricing sums is exactly pricing rows.
//!
//! [`Aggregator`] coordinates owned parts, each with one job: [`buckets`] (local day, price
//! epoch), [`dedupe`] (first request id wins), [`groups`] (interned group keys, model
//! resolution, service tiers and time windows), [`chunks`] (checked sums per cell), [`minutes`] (per-minute
//! counts); [`price`] prices the result. Layer 2: no file I/O and no clock here (the caller
//! passes the period and the time zone); it names only `usage`, `pricing` and itself.

use std::collections::HashMap;

use chrono_tz::Tz;

pub mod buckets;
pub mod chunks;
pub mod dedupe;
pub mod groups;
pub mod idset;
pub mod import;
mod import_check;
pub mod minutes;
pub mod price;

pub use crate::usage::aggregate::Sums;
pub use buckets::Epochs;
pub use price::{
    classes_used, cost_of, price, price_each, CostError, PriceError, PricedCell, Pricing,
    UnpricedReason,
};

use buckets::LocalDays;
use chunks::{Chunks, CHUNK_ROWS};
use dedupe::{id_hash, Dedupe, FILTERED, OUTSIDE};
use groups::Groups;
use minutes::Minutes;

use crate::pricing::PriceBook;
use crate::text::shared::Text;
use crate::usage::{col, Rejection, UsageRecord, UsageSink, Where};

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
    /// The price book, for model-id resolution (ARNs, aliases), long-context thresholds and
    /// time windows. Without it, model ids are kept as logged and no request counts as
    /// long-context.
    pub book: Option<std::sync::Arc<PriceBook>>,
    /// Also count requests per provider, model and minute (for rate-limit analysis).
    pub per_minute: bool,
    /// `--where` conditions, all of which usage must meet. Each condition's dimension must be
    /// among [`Self::dims`] (or be provider, model, canonical_model, region, batch): a filter is
    /// decided once per group.
    pub filter: Vec<Where>,
    /// A second window outside the period (e.g. the month before) whose rows are aggregated
    /// on their own, without dimensions, into [`Aggregates::side`]; they still count as outside
    /// the period here. Rows are deduped once, across both.
    pub side: Option<(i64, i64)>,
}

/// The identity of a group: what pricing needs plus the requested dimensions. Its strings are
/// the interner's, shared ([`Text`]: one pointer each).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupKey {
    pub provider: Text,
    pub model: Text,
    pub region: Option<Text>,
    pub batch: bool,
    pub failed: bool,
    /// The request's service tier (`priority`, `flex`, or a time window's `off-peak`); `None`
    /// is the standard tier.
    pub service_tier: Option<Text>,
    /// Whether the source said the requests were long-context (Anthropic's usage report).
    pub long_context: Option<bool>,
    /// Pre-aggregated rows (requests > 1): a per-request threshold cannot be checked on them.
    pub multi: bool,
    /// How many of the book's distinct long-context thresholds the prompt (input including
    /// cache reads and writes) exceeds (see `PriceBook::thresholds`).
    pub prompt_bucket: u8,
    /// A class of the usage the book does not price (`usage::UnpricedClass::label`): the group
    /// is unpriced, naming it.
    pub unpriced_class: Option<Text>,
    /// Values of [`EngineSettings::dims`], in that order (three inline: a report by one
    /// dimension also groups by `agent` and `deployment_type`, and a vector of its own cost a
    /// million-group report 48 MB of allocations).
    pub dims: smallvec::SmallVec<[Option<Text>; 3]>,
}

impl GroupKey {
    /// Whether the usage is long-context under a version whose threshold has `rank` among the
    /// book's thresholds (`None`: the version has no long-context tier). The tier is a cliff:
    /// the whole prompt above the threshold moves the whole request to the long rates. A
    /// source's own flag decides; otherwise single requests are compared with the threshold.
    pub fn long_under(&self, rank: Option<usize>) -> bool {
        self.long_context
            .unwrap_or(!self.multi && rank.is_some_and(|r| self.prompt_bucket as usize >= r))
    }

    /// Pre-aggregated usage whose summed prompt passes the threshold of rank `rank`: whether
    /// single requests did is unknown, so it is priced at the normal rates (and said so).
    pub fn long_unchecked(&self, rank: Option<usize>) -> bool {
        self.long_context.is_none()
            && self.multi
            && rank.is_some_and(|r| self.prompt_bucket as usize >= r)
    }
}

/// Rows dropped or set aside before aggregation.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub rows_read: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub outside_period: u64,
    /// Rows a `--where` filter left out.
    pub filtered_out: u64,
    /// Requests of pre-aggregated rows, left out of the per-minute counts.
    pub not_per_minute: u64,
    /// The first and last timestamp of every readable row (in the period or not), UTC
    /// microseconds: what dates the logs cover.
    pub first_us: Option<i64>,
    pub last_us: Option<i64>,
    /// The first [`KEPT_REJECTIONS`] rejections, in reading order.
    pub rejections: Vec<Rejection>,
}

impl Counters {
    fn seen(&mut self, ts: i64) {
        self.first_us = Some(self.first_us.map_or(ts, |f| f.min(ts)));
        self.last_us = Some(self.last_us.map_or(ts, |l| l.max(ts)));
    }
}

/// foldhash with a fixed seed for the engine's hash maps: its keys are short (interned strings,
/// group keys of a few integers), where it is several times faster than std's SipHash and
/// than xxh3's streaming hasher; the keys (log values) cannot be chosen to attack a local batch
/// run's tables, and a fixed seed keeps every run's work the same.
pub(crate) type Fast = foldhash::fast::FixedState;
pub(crate) type FastMap<K, V> = HashMap<K, V, Fast>;

/// Accumulates usage records into per-(day, epoch, group) sums.
pub struct Aggregator {
    settings: EngineSettings,
    days: LocalDays,
    epochs: Epochs,
    groups: Groups,
    dedupe: Dedupe,
    chunks: Chunks,
    /// Per-minute counts, when asked for.
    minutes: Option<Minutes>,
    counters: Counters,
    /// The aggregator of the side window, when set.
    side: Option<Box<Aggregator>>,
    /// The book's distinct long-context thresholds, ascending.
    thresholds: Vec<u64>,
    /// Per group id: whether the filter keeps it (0 not decided yet, 1 kept, 2 left out).
    kept: Vec<u8>,
}

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
    /// Input plus output tokens.
    pub tokens: u64,
}

/// Everything the engine learned from the records.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    pub groups: Vec<GroupKey>,
    /// The names of the groups' [`GroupKey::dims`], in order.
    pub dims: Vec<String>,
    pub cells: Vec<Cell>,
    pub counters: Counters,
    /// Per-minute request counts (only with [`EngineSettings::per_minute`]), sorted.
    pub minutes: Vec<MinuteCount>,
    /// The price epochs the cells' `epoch` numbers refer to.
    pub epochs: Epochs,
    /// The aggregates of [`EngineSettings::side`], when set.
    pub side: Option<Box<Aggregates>>,
}

/// The logs hold more tokens or requests than tokenledger's sums can carry.
#[derive(Debug, thiserror::Error)]
#[error(
    "the logs hold {total} {what} in all (input plus output tokens, or requests), more than {max}, \
     the most tokenledger sums exactly in one run: report a shorter period or fewer logs",
    max = u64::MAX
)]
pub struct TotalsError {
    pub what: &'static str,
    pub total: u128,
}

impl Aggregates {
    /// Checks that the grand totals fit `u64`: then every sum a report, a comparison, a chart
    /// or a FOCUS row makes of these cells (all parts of the grand totals) fits too.
    pub fn check_totals(&self) -> Result<(), TotalsError> {
        let side = self.side.iter().flat_map(|s| s.cells.iter());
        totals_fit(self.cells.iter().chain(side))
    }
}

/// Whether the input plus output tokens, and the requests plus rows, of `cells` fit `u64`.
pub fn totals_fit<'a>(cells: impl Iterator<Item = &'a Cell>) -> Result<(), TotalsError> {
    let mut tokens: u128 = 0;
    let mut requests: u128 = 0;
    for c in cells {
        tokens += u128::from(c.sums.input_tokens) + u128::from(c.sums.output_tokens);
        requests += u128::from(c.sums.requests) + u128::from(c.sums.rows);
    }
    for (what, total) in [("tokens", tokens), ("requests", requests)] {
        if total > u128::from(u64::MAX) {
            return Err(TotalsError { what, total });
        }
    }
    Ok(())
}

impl EngineSettings {
    /// The dimensions groups are keyed by: [`Self::dims`], then the filter's that group keys do
    /// not hold anyway (so a filter is decided once per group).
    pub fn engine_dims(&self) -> Vec<String> {
        let mut dims = self.dims.clone();
        for w in &self.filter {
            if !groups::IN_KEY.contains(&w.dim.as_str()) && !dims.contains(&w.dim) {
                dims.push(w.dim.clone());
            }
        }
        dims
    }
}

impl Aggregator {
    /// An aggregator for `settings`. The dimensions of the filter that group keys do not hold
    /// anyway are appended to [`EngineSettings::dims`] (after the caller's, whose positions do
    /// not change).
    pub fn new(mut settings: EngineSettings) -> Self {
        settings.dims = settings.engine_dims();
        Aggregator {
            days: LocalDays::new(settings.tz),
            epochs: Epochs::new(settings.boundaries.clone()),
            groups: Groups::default(),
            dedupe: Dedupe::default(),
            chunks: Chunks::new(CHUNK_ROWS),
            minutes: settings.per_minute.then(Minutes::default),
            counters: Counters::default(),
            thresholds: settings
                .book
                .as_ref()
                .map(|b| b.thresholds().to_vec())
                .unwrap_or_default(),
            kept: Vec::new(),
            side: settings.side.map(|(from, to)| {
                Box::new(Aggregator::new(EngineSettings {
                    from_us: Some(from),
                    to_us: Some(to),
                    // No dimensions of its own (`new` adds the filter's).
                    dims: vec![],
                    per_minute: false,
                    side: None,
                    ..settings.clone()
                }))
            }),
            settings,
        }
    }

    /// Sizes the dedupe set for about `rows` records (taken up only when request ids appear).
    pub fn with_expected_rows(mut self, rows: usize) -> Self {
        self.dedupe = Dedupe::with_expected_rows(rows);
        self
    }

    /// Uses chunks of `n` rows (tests use tiny chunks to exercise the merge path).
    pub fn with_chunk_rows(mut self, n: usize) -> Self {
        self.chunks = Chunks::new(n);
        self
    }

    /// Ids are checked row by row when per-minute counts are taken or a side window is
    /// aggregated (both take rows as they arrive); otherwise a chunk at a time.
    fn immediate(&self) -> bool {
        self.settings.per_minute || self.side.is_some()
    }

    /// Takes the id of a row that is not aggregated (outside the period, or filtered out), so
    /// that later copies are duplicates; `slot` says which. Returns whether the id was new
    /// (known only when ids are checked at once).
    fn take_id(&mut self, digest: Option<u128>, slot: u32) -> bool {
        let Some(d) = digest else { return true };
        if self.immediate() {
            self.dedupe.check_now(d)
        } else {
            self.dedupe.defer(d, slot);
            self.settle_if_full();
            true
        }
    }

    /// Whether the filter keeps group `gid` (decided on its first row: every dimension a filter
    /// names is part of the group key).
    fn keeps(&mut self, gid: u32, r: &UsageRecord<'_>, mc: u32) -> bool {
        let g = gid as usize;
        if self.kept.len() <= g {
            self.kept.resize(g + 1, 0);
        }
        if self.kept[g] == 0 {
            let book = self.settings.book.as_deref();
            let model = self.groups.value(mc).unwrap_or(r.model);
            let status = r.status.to_string();
            let fingerprint = r.api_key.map(crate::text::key_fingerprint);
            let keep = self.settings.filter.iter().all(|w| {
                let values: Vec<Option<&str>> = match w.dim.as_str() {
                    col::MODEL => vec![Some(model), Some(r.model)],
                    "canonical_model" => vec![book.and_then(|b| b.canonical_of(r.provider, model))],
                    col::STATUS => vec![Some(&status)],
                    "batch" => vec![Some(if r.batch { "true" } else { "false" })],
                    col::API_KEY => vec![r.api_key, fingerprint.as_deref()],
                    other => vec![r.dimension(other)],
                };
                w.keeps(&values)
            });
            self.kept[g] = if keep { 1 } else { 2 };
        }
        self.kept[g] == 1
    }

    fn outside_period(&self, ts: i64) -> bool {
        self.settings.from_us.is_some_and(|f| ts < f)
            || self.settings.to_us.is_some_and(|t| ts >= t)
    }

    /// Checks the pending ids in order; duplicate rows leave the chunk. Duplicates outside the
    /// period or left out by the filter stay counted there: a report counts the duplicates of
    /// its own period.
    fn settle_ids(&mut self) {
        let s = self.dedupe.settle();
        self.counters.duplicates += s.rows.len() as u64;
        self.chunks.remove_rows(&s.rows);
    }

    fn settle_if_full(&mut self) {
        if self.dedupe.pending() >= self.chunks.chunk_rows() {
            self.settle_ids();
        }
    }

    fn flush_chunk(&mut self) {
        self.settle_ids();
        self.chunks.flush();
    }

    /// Finishes aggregation.
    pub fn finish(mut self) -> Result<Aggregates, chunks::SumOverflow> {
        self.settle_ids();
        let cells = self.chunks.finish()?;
        let groups = self.groups.keys(self.settings.dims.len());
        let minutes = self
            .minutes
            .as_ref()
            .map(|m| m.finish(&self.groups))
            .unwrap_or_default();
        let side = match self.side {
            Some(a) => Some(Box::new(a.finish()?)),
            None => None,
        };
        Ok(Aggregates {
            groups,
            dims: self.settings.dims.clone(),
            cells,
            counters: self.counters,
            minutes,
            epochs: self.epochs,
            side,
        })
    }
}

impl UsageSink for Aggregator {
    fn record(&mut self, r: &UsageRecord<'_>) {
        let digest = r.request_id.map(|id| id_hash(r.provider, id));
        self.record_digested(r, digest);
    }

    fn expect_rows(&mut self, rows: u64) {
        self.dedupe
            .expect_more(rows.min(usize::MAX as u64) as usize);
    }

    fn record_digested(&mut self, r: &UsageRecord<'_>, digest: Option<u128>) {
        debug_assert_eq!(digest, r.request_id.map(|id| id_hash(r.provider, id)));
        self.counters.rows_read += 1;
        let ts = r.timestamp_us;
        self.counters.seen(ts);
        if self.outside_period(ts) {
            // Outside the period: counted there (a copy of it is not a duplicate of this
            // period), but its id is taken, so a later copy inside the period is a duplicate.
            self.counters.outside_period += 1;
            let fresh = self.take_id(digest, OUTSIDE);
            if let (true, Some(side)) = (fresh, &mut self.side) {
                if !side.outside_period(ts) {
                    let mut r = r.clone();
                    r.request_id = None;
                    side.record(&r);
                }
            }
            return;
        }
        let book = self.settings.book.as_deref();
        let pc = self.groups.code(Some(r.provider));
        let mc = self.groups.model(pc, r.provider, r.model, book);
        let rc = self.groups.code(r.region);
        let tier = self.groups.tier(pc, mc, r.service_tier, ts, book);
        let bucket = self.thresholds.partition_point(|&t| t < r.input_tokens) as u32;
        let long_context = match r.long_context {
            None => 2,
            Some(b) => b as u32,
        };
        let unpriced = self.groups.code(r.unpriced_class.map(|c| c.label()));
        self.groups.begin_key([
            pc,
            mc,
            rc,
            r.batch as u32,
            r.is_failed() as u32,
            tier,
            long_context,
            (r.requests > 1) as u32,
            bucket,
            unpriced,
        ]);
        for d in &self.settings.dims {
            if d == col::STATUS {
                self.groups.push_dim(Some(&r.status.to_string()));
            } else {
                self.groups.push_dim(r.dimension(d));
            }
        }
        let gid = self.groups.finish_key();
        if !self.settings.filter.is_empty() && !self.keeps(gid, r, mc) {
            // Left out by the filter, like a row outside the period.
            self.counters.filtered_out += 1;
            self.take_id(digest, FILTERED);
            return;
        }
        if let Some(d) = digest {
            if self.immediate() {
                if !self.dedupe.check_now(d) {
                    self.counters.duplicates += 1;
                    return;
                }
            } else {
                self.dedupe.defer(d, self.chunks.len() as u32);
            }
        }
        if let Some(m) = &mut self.minutes {
            // A pre-aggregated row (a day's usage bucket) has no minute of its own: counting it
            // at its timestamp would read a day's requests as one minute's.
            if r.requests == 1 {
                m.add(pc, mc, ts, 1, r.input_tokens + r.output_tokens);
            } else {
                self.counters.not_per_minute += r.requests;
            }
        }
        let day = self.days.day(ts);
        let epoch = self.epochs.of(ts);
        self.chunks.push(day, epoch, gid, r);
        if self.chunks.is_full() {
            self.flush_chunk();
        }
    }

    fn outside(&mut self, provider: &str, request_id: Option<&str>, timestamp_us: i64) {
        self.counters.rows_read += 1;
        self.counters.outside_period += 1;
        self.counters.seen(timestamp_us);
        self.take_id(request_id.map(|id| id_hash(provider, id)), OUTSIDE);
    }

    fn reject(&mut self, mut rejection: Rejection) {
        self.counters.rows_read += 1;
        self.counters.rejected += 1;
        if self.counters.rejections.len() < KEPT_REJECTIONS {
            // Kept and shown: never a key, never a whole shifted row (nor a key in a file name
            // or a field name).
            rejection.reason = crate::text::safe_reason(&rejection.reason);
            rejection.file = crate::text::redact_secrets(&rejection.file).into_owned();
            rejection.field = crate::text::redact_secrets(&rejection.field).into_owned();
            self.counters.rejections.push(rejection);
        }
    }
}

#[cfg(test)]
mod tests;
