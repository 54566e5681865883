//! `--pricing-overlay` files: a team's own prices on top of the book (contract rates, a
//! discount off list). An overlay row may name one model or a pattern (`*`, `llama*`, matched
//! like uplift rules: the model id or its canonical name), a region or none (every region), and
//! gives rates, a `discount_pct`, or both. For every book series it covers, it is merged with
//! each book version in force during its time: the rates it gives replace the book's, every
//! other rate is the book's (less the discount). A merged row remembers the book row it came
//! from (its list price, for FOCUS `ListCost`). An overlay row of a model the book has no price
//! for stands alone (it then needs input and output rates).
//!
//! Precedence: a row naming the model exactly beats a pattern; between two patterns covering
//! the same model, the first loaded wins (and the book warns). An overlay version is in force
//! until the next version of the same provider, model, region and tier.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::findings::{finding, Finding, Severity};
use super::row::PriceClass;
use super::row::{BookTier, PriceRow};
use super::{rules, PriceBook, SeriesKey};

/// One overlay row as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayRow {
    pub provider: String,
    /// A model id or a pattern with `*`.
    pub model: String,
    pub region: Option<String>,
    pub service_tier: Option<String>,
    pub effective_from_us: i64,
    pub effective_from: String,
    pub input: Option<Decimal>,
    pub output: Option<Decimal>,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    pub reasoning: Option<Decimal>,
    pub batch_input: Option<Decimal>,
    pub batch_output: Option<Decimal>,
    pub long_context_threshold: Option<u64>,
    pub long_input: Option<Decimal>,
    pub long_output: Option<Decimal>,
    pub long_cache_read: Option<Decimal>,
    pub long_cache_write: Option<Decimal>,
    pub canonical_model: Option<String>,
    pub source: Option<String>,
    /// Percent off the book's rates (`10` is 10% off).
    pub discount_pct: Option<Decimal>,
    pub file: String,
    pub line: u64,
}

impl OverlayRow {
    /// No rate and no discount: nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.discount_pct.is_none()
            && [
                self.input,
                self.output,
                self.cache_read,
                self.cache_write,
                self.cache_write_1h,
                self.reasoning,
                self.batch_input,
                self.batch_output,
                self.long_input,
                self.long_output,
                self.long_cache_read,
                self.long_cache_write,
            ]
            .iter()
            .all(Option::is_none)
    }

    fn is_pattern(&self) -> bool {
        self.model.contains('*')
    }

    /// The version key of the overlay row itself.
    fn key(&self) -> SeriesKey {
        (
            self.provider.clone(),
            self.model.clone(),
            self.region.clone(),
            self.service_tier.clone(),
        )
    }

    /// This row merged with `base` (a book version), or alone when there is none.
    fn merged(&self, base: Option<&PriceRow>) -> Option<PriceRow> {
        let mut row = match base {
            Some(b) => {
                let factor = match self.discount_pct {
                    Some(p) => (Decimal::from(100) - p) / Decimal::from(100),
                    None => Decimal::ONE,
                };
                b.scaled_by(factor)?
            }
            None => PriceRow::new(
                &self.provider,
                &self.model,
                (self.effective_from_us, &self.effective_from),
                self.input?,
                self.output?,
                BookTier::Overlay,
            ),
        };
        let set = |slot: &mut Option<Decimal>, v: Option<Decimal>| {
            if v.is_some() {
                *slot = v;
            }
        };
        // A batch column left empty keeps the book's batch discount, applied to the overlay's
        // rate (OpenAI's Batch API is half of whatever the on-demand rate is): a cheaper contract
        // never makes batch usage, or its cache reads, dearer.
        if let (Some(v), None) = (self.input, self.batch_input) {
            row.batch_input = row.batch_input.map(|b| same_ratio(b, v, row.input));
        }
        if let (Some(v), None) = (self.output, self.batch_output) {
            row.batch_output = row.batch_output.map(|b| same_ratio(b, v, row.output));
        }
        if let Some(v) = self.input {
            row.input = v;
        }
        if let Some(v) = self.output {
            row.output = v;
        }
        set(&mut row.cache_read, self.cache_read);
        set(&mut row.cache_write, self.cache_write);
        set(&mut row.cache_write_1h, self.cache_write_1h);
        set(&mut row.reasoning, self.reasoning);
        set(&mut row.batch_input, self.batch_input);
        set(&mut row.batch_output, self.batch_output);
        set(&mut row.long_input, self.long_input);
        set(&mut row.long_output, self.long_output);
        set(&mut row.long_cache_read, self.long_cache_read);
        set(&mut row.long_cache_write, self.long_cache_write);
        if self.long_context_threshold.is_some() {
            row.long_context_threshold = self.long_context_threshold;
        }
        // A class the overlay prices itself is no longer the provider rule's.
        let own = [
            (PriceClass::CacheRead, self.cache_read.is_some()),
            (PriceClass::CacheWrite, self.cache_write.is_some()),
            (PriceClass::CacheWrite1h, self.cache_write_1h.is_some()),
            (
                PriceClass::Batch,
                self.batch_input.is_some() || self.batch_output.is_some(),
            ),
        ];
        row.filled
            .retain(|(c, _)| !own.iter().any(|(o, set)| o == c && *set));
        if self.canonical_model.is_some() {
            row.canonical_model = self.canonical_model.clone();
        }
        row.source = self.source.clone().or(row.source);
        row.tier = BookTier::Overlay;
        row.rule = None;
        row.file = self.file.clone();
        row.line = self.line;
        Some(row)
    }
}

impl PriceBook {
    /// Turns the overlay rows into the overlay series (see the module documentation).
    pub(super) fn merge_overlays(
        &mut self,
        overlays: Vec<OverlayRow>,
        findings: &mut Vec<Finding>,
    ) {
        if overlays.is_empty() {
            return;
        }
        // The versions of each overlay key, in time order; a version ends where the next begins.
        let mut by_key: BTreeMap<SeriesKey, Vec<&OverlayRow>> = BTreeMap::new();
        for o in &overlays {
            by_key.entry(o.key()).or_default().push(o);
        }
        for v in by_key.values_mut() {
            v.sort_by_key(|o| o.effective_from_us);
            for w in v.windows(2) {
                if w[0].effective_from_us == w[1].effective_from_us {
                    findings.push(finding(
                        Severity::Error,
                        &w[1].file,
                        w[1].line,
                        None,
                        format!(
                            "duplicate overlay version {}/{}@{} (also at {}:{})",
                            w[1].provider, w[1].model, w[1].effective_from, w[0].file, w[0].line
                        ),
                    ));
                }
            }
        }
        // Which overlay key covers each book series: exact names first, then patterns in load
        // order.
        let mut keys: Vec<&SeriesKey> = by_key.keys().collect();
        let first_line = |k: &SeriesKey| by_key[k].first().map(|o| (o.file.clone(), o.line));
        keys.sort_by_key(|k| (k.1.contains('*'), first_line(k)));
        let mut covered: BTreeMap<SeriesKey, &SeriesKey> = BTreeMap::new();
        let mut alone: Vec<&SeriesKey> = Vec::new();
        for k in keys {
            let head = by_key[k][0];
            let mut any = false;
            for map in [&self.curated, &self.generated] {
                for (sk, idx) in map {
                    let (provider, model, region, tier) = sk;
                    if *provider != head.provider
                        || *tier != head.service_tier
                        || head
                            .region
                            .as_ref()
                            .is_some_and(|r| region.as_ref() != Some(r))
                        || std::ptr::eq(map, &self.generated)
                            && self
                                .curated_models
                                .contains(&(provider.clone(), model.clone()))
                    {
                        continue;
                    }
                    let canonical = idx
                        .last()
                        .and_then(|&i| self.rows[i].canonical_model.as_deref());
                    let hit = if head.is_pattern() {
                        rules::models_match(std::slice::from_ref(&head.model), model, canonical)
                    } else {
                        *model == head.model
                    };
                    if !hit {
                        continue;
                    }
                    any = true;
                    match covered.get(sk) {
                        Some(prev) if prev.1 != k.1 => {
                            if head.is_pattern() && prev.1.contains('*') {
                                findings.push(finding(
                                    Severity::Warning,
                                    &head.file,
                                    head.line,
                                    Some("model"),
                                    format!(
                                        "overlay patterns {:?} and {:?} both cover {provider}/{model}; {:?} applies",
                                        prev.1, k.1, prev.1
                                    ),
                                ));
                            }
                        }
                        Some(_) => {}
                        None => {
                            covered.insert(sk.clone(), k);
                        }
                    }
                }
            }
            if !any {
                alone.push(k);
            }
        }
        let mut series: BTreeMap<SeriesKey, Vec<usize>> = BTreeMap::new();
        let mut new_rows: Vec<PriceRow> = Vec::new();
        let base = self.rows.len();
        // Merged series: each overlay version with each book version in force during it.
        for (sk, ok) in &covered {
            let versions = &by_key[*ok];
            let book_idx: Vec<usize> = self
                .map_for(&sk.0, &sk.1)
                .get(sk)
                .cloned()
                .unwrap_or_default();
            for (vi, o) in versions.iter().enumerate() {
                let start = o.effective_from_us;
                let end = versions
                    .get(vi + 1)
                    .map_or(i64::MAX, |n| n.effective_from_us);
                for (bj, &b) in book_idx.iter().enumerate() {
                    let b_from = self.rows[b].effective_from_us;
                    let b_to = book_idx
                        .get(bj + 1)
                        .map_or(i64::MAX, |&n| self.rows[n].effective_from_us);
                    let from = start.max(b_from);
                    if from >= end.min(b_to) {
                        continue;
                    }
                    let Some(mut row) = o.merged(Some(&self.rows[b])) else {
                        findings.push(finding(
                            Severity::Error,
                            &o.file,
                            o.line,
                            None,
                            "the discounted price overflows".into(),
                        ));
                        continue;
                    };
                    row.model = sk.1.clone();
                    row.region = sk.2.clone();
                    row.effective_from_us = from;
                    row.effective_from = if from == start {
                        o.effective_from.clone()
                    } else {
                        self.rows[b].effective_from.clone()
                    };
                    row.list = Some(b);
                    series
                        .entry(sk.clone())
                        .or_default()
                        .push(base + new_rows.len());
                    new_rows.push(row);
                }
                // Before the book's first version the overlay's own rates apply, if it has them.
                let first = book_idx
                    .first()
                    .map_or(i64::MAX, |&b| self.rows[b].effective_from_us);
                if start < first && !o.is_pattern() {
                    if let Some(mut row) = o.merged(None) {
                        row.region = sk.2.clone();
                        series
                            .entry(sk.clone())
                            .or_default()
                            .push(base + new_rows.len());
                        new_rows.push(row);
                    }
                }
            }
        }
        // Overlay rows for models the book does not price: their own rates.
        for k in alone {
            for o in &by_key[k] {
                match o.merged(None) {
                    Some(row) if !o.is_pattern() => {
                        series
                            .entry(k.clone())
                            .or_default()
                            .push(base + new_rows.len());
                        new_rows.push(row);
                    }
                    _ => findings.push(finding(
                        Severity::Warning,
                        &o.file,
                        o.line,
                        Some("model"),
                        format!(
                            "overlay row {}/{} matches no price in the book{}: it prices nothing",
                            o.provider,
                            o.model,
                            if o.is_pattern() {
                                ""
                            } else {
                                " and has no input and output rates of its own"
                            }
                        ),
                    )),
                }
            }
        }
        self.rows.append(&mut new_rows);
        for (k, mut idx) in series {
            idx.sort_by_key(|&i| self.rows[i].effective_from_us);
            idx.dedup_by_key(|i| self.rows[*i].effective_from_us);
            self.overlay.insert(k, idx);
        }
    }
}

/// `rate` moved with its base from `old_base` to `new_base` (`rate x new / old`) when the ratio
/// `rate / old_base` is exact; otherwise `rate` unchanged. Not `row::scaled`: that one tests
/// `new / old` for exactness and falls back to the new base, which for a contract at 1 on a
/// book at 3 (batch 1.5) would keep a batch rate above the contract's on-demand rate.
fn same_ratio(rate: Decimal, new_base: Decimal, old_base: Decimal) -> Decimal {
    if old_base.is_zero() || new_base == old_base {
        return rate;
    }
    match rate.checked_div(old_base) {
        Some(r) if r.checked_mul(old_base) == Some(rate) => {
            r.checked_mul(new_base).map_or(rate, |x| x.normalize())
        }
        _ => rate,
    }
}
