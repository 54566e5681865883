//! The price book: versioned per-provider, per-model prices.
//!
//! Owns the effective-date rules and the lookup "which version was in force at this instant";
//! parsing (`parse`), reading files (`load`), findings and review live beside it. It does not
//! compute costs of usage (see `engine`) and never touches f64: prices are exact decimals from
//! the file text. Layer 1: it names only `usage`, `providers` and itself (not `readers`).

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};

pub mod audit;
pub mod bill_names;
pub mod canonical;
pub mod classes;
pub mod diff;
pub mod findings;
pub mod generate;
pub mod history;
pub mod input;
pub mod known_errors;
pub mod litellm;
pub mod load;
pub mod overlay;
pub mod parse;
pub mod review;
pub mod row;
pub mod rules;
mod tiers;
pub mod values;

mod build;
mod lookup;

pub use classes::ClassRule;
pub use findings::{Finding, PriceBookError, Severity};
pub use load::{embedded_sources, read_sources, Source, SourceKind, ALIASES_FILE};
pub use row::{col, table_record, BookTier, PriceClass, PriceRow, Rates};
pub use rules::{Retirement, Rule, Window};
pub use values::parse_effective_from;

/// A price file that was loaded, with its content hash for reproducibility.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PriceFile {
    /// The path, or `embedded:pricing/<file>` for the book compiled into the binary.
    pub path: String,
    pub sha256: String,
    pub rows: usize,
    /// True for a `--pricing-overlay` file.
    pub overlay: bool,
}

/// (provider, model, region, service tier).
type SeriesKey = (String, String, Option<String>, Option<String>);
type Series = HashMap<SeriesKey, Vec<usize>>;
/// The rows an uplift rule derived from one series: (rule index, sorted row indices).
type RuleSeries = (usize, Vec<usize>);

/// What the book says about a request at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Priced(&'a PriceRow),
    /// The model is in the book, but its first price starts after the instant.
    BeforeFirst(&'a PriceRow),
    /// The model was retired before the instant.
    Retired(&'a Retirement),
    /// The model has prices, but none for the request's service tier (e.g. `priority`).
    NoServiceTier,
    /// Neither provider/model is in the book.
    Unknown,
}

/// A request to price: who served which model where, in which service tier, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query<'q> {
    pub provider: &'q str,
    pub model: &'q str,
    pub region: Option<&'q str>,
    /// `None`: the standard tier.
    pub tier: Option<&'q str>,
    /// The Azure deployment type (`global`, `data-zone`, `regional`); `None`: not in the logs,
    /// priced as Global Standard.
    pub deployment: Option<&'q str>,
    pub at_us: i64,
}

impl<'q> Query<'q> {
    /// A standard-tier request without a region.
    pub fn new(provider: &'q str, model: &'q str, at_us: i64) -> Self {
        Query {
            provider,
            model,
            region: None,
            tier: None,
            deployment: None,
            at_us,
        }
    }
}

/// The loaded price table.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    rows: Vec<PriceRow>,
    /// Row indices of each series, sorted by effective_from, one map per [`BookTier`].
    overlay: Series,
    curated: Series,
    generated: Series,
    /// Models with curated rows: their generated rows are not used.
    curated_models: HashSet<(String, String)>,
    /// Rows derived by uplift rules, per (provider, model, tier): (rule index, sorted rows).
    ruled: HashMap<(String, String, Option<String>), Vec<RuleSeries>>,
    files: Vec<PriceFile>,
    /// provider -> alias -> model id of the book.
    aliases: HashMap<String, HashMap<String, String>>,
    /// `bill-names.csv`: bills' names for models.
    bill_names: Vec<bill_names::BillName>,
    retirements: HashMap<(String, String), Retirement>,
    rules: Vec<Rule>,
    /// Provider rules for the token classes a row leaves empty (`class-rules.csv`).
    class_rules: Vec<ClassRule>,
    windows: Vec<Window>,
    /// Distinct long-context thresholds, ascending.
    thresholds: Vec<u64>,
    /// The day the book was last checked against its sources (`book-info.csv`), as written and
    /// in microseconds.
    checked_at: Option<(i64, String)>,
    /// Non-fatal findings from loading (unknown columns, ...).
    warnings: Vec<Finding>,
}

/// The series map of a tier.
fn series_of(tier: BookTier) -> usize {
    tier as usize
}

impl PriceBook {
    pub fn rows(&self) -> &[PriceRow] {
        &self.rows
    }

    pub fn files(&self) -> &[PriceFile] {
        &self.files
    }

    /// Non-fatal findings from loading.
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The day the book was last checked against its sources, if it says (`book-info.csv`).
    pub fn checked_at(&self) -> Option<&str> {
        self.checked_at.as_ref().map(|(_, s)| s.as_str())
    }

    /// The newest price date of the book (`YYYY-MM-DD`), prices scheduled after the day it was
    /// checked left out (they are known, not news). Overlay rows are the user's, not the book's.
    pub fn newest_price(&self) -> Option<String> {
        let until = self.checked_at.as_ref().map_or(i64::MAX, |(t, _)| *t);
        self.rows
            .iter()
            .filter(|r| !r.is_overlay() && r.effective_from_us <= until)
            .max_by_key(|r| r.effective_from_us)
            .map(|r| {
                r.effective_from
                    .get(..10)
                    .unwrap_or(&r.effective_from)
                    .to_string()
            })
    }

    /// Whether usage at `ts` is past the day after the book was last checked: prices may have
    /// changed since, and the book cannot know.
    pub fn older_than(&self, ts: i64) -> bool {
        self.checked_at
            .as_ref()
            .is_some_and(|(t, _)| ts >= t + 86_400_000_000)
    }

    pub fn class_rules(&self) -> &[ClassRule] {
        &self.class_rules
    }

    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// Every retirement, sorted by provider and model.
    pub fn retirements(&self) -> Vec<&Retirement> {
        let mut v: Vec<&Retirement> = self.retirements.values().collect();
        v.sort_by(|a, b| (&a.provider, &a.model).cmp(&(&b.provider, &b.model)));
        v
    }

    /// The retirement of a (resolved) model, if any.
    pub fn retirement(&self, provider: &str, model: &str) -> Option<&Retirement> {
        self.retirements
            .get(&(provider.to_string(), model.to_string()))
    }

    /// Every instant at which some price version starts or a model retires, sorted and unique.
    /// Between two consecutive boundaries no price in the book changes.
    pub fn boundaries(&self) -> Vec<i64> {
        let set: BTreeSet<i64> = self
            .rows
            .iter()
            .map(|r| r.effective_from_us)
            .chain(self.retirements.values().map(|r| r.at_us))
            .collect();
        set.into_iter().collect()
    }

    /// The distinct long-context thresholds of the book, ascending. A request's prompt bucket
    /// is how many of them its prompt exceeds; a version with threshold `T` prices it long when
    /// the bucket reaches `T`'s rank ([`Self::threshold_rank`]).
    pub fn thresholds(&self) -> &[u64] {
        &self.thresholds
    }

    /// The 1-based rank of a threshold among [`Self::thresholds`].
    pub fn threshold_rank(&self, t: u64) -> usize {
        self.thresholds.partition_point(|&x| x < t) + 1
    }

    /// The digest of what a warehouse query takes from the book: epoch boundaries, long-context
    /// thresholds and time windows (provider, tier, days, minutes, effective range). Aggregates
    /// made under another digest number their epochs differently, so they cannot be priced here.
    pub fn query_digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"boundaries");
        for b in self.boundaries() {
            h.update(b.to_le_bytes());
        }
        h.update(b"thresholds");
        for t in &self.thresholds {
            h.update(t.to_le_bytes());
        }
        h.update(b"windows");
        for w in &self.windows {
            h.update(w.provider.as_bytes());
            h.update([0]);
            h.update(w.tier.as_bytes());
            h.update([0, w.days.0]);
            h.update(w.start_min.to_le_bytes());
            h.update(w.end_min.to_le_bytes());
            h.update(w.effective_from_us.to_le_bytes());
            h.update(w.effective_to_us.unwrap_or(i64::MAX).to_le_bytes());
        }
        hex(&h.finalize())[..16].to_string()
    }

    /// Whether any time window names this provider.
    pub fn has_windows(&self, provider: &str) -> bool {
        self.windows.iter().any(|w| w.provider == provider)
    }

    /// The canonical model of a (resolved) model id, from its latest row.
    pub fn canonical_of(&self, provider: &str, model: &str) -> Option<&str> {
        let map = self.map_for(provider, model);
        map.get(&(provider.to_string(), model.to_string(), None, None))
            .and_then(|idx| idx.last())
            .and_then(|&i| self.rows[i].canonical_model.as_deref())
    }

    /// Every version of every series that can price something (generated rows of a model with
    /// curated rows are left out), sorted by provider, model, region, tier and date.
    pub fn versions(&self) -> Vec<&PriceRow> {
        let mut v: Vec<&PriceRow> = self
            .rows
            .iter()
            .filter(|r| {
                r.tier != BookTier::Generated
                    || !self
                        .curated_models
                        .contains(&(r.provider.clone(), r.model.clone()))
            })
            .collect();
        v.sort_by(|a, b| {
            (
                &a.provider,
                &a.model,
                &a.region,
                &a.service_tier,
                a.effective_from_us,
                a.tier,
            )
                .cmp(&(
                    &b.provider,
                    &b.model,
                    &b.region,
                    &b.service_tier,
                    b.effective_from_us,
                    b.tier,
                ))
        });
        v
    }

    /// The rows in force at `at_us`: one per series, from the tier that prices the model
    /// (overlay rows listed beside the book's; retired models left out).
    pub fn in_force(&self, at_us: i64) -> Vec<&PriceRow> {
        let mut out: Vec<&PriceRow> = Vec::new();
        for (tier, map) in [
            (BookTier::Overlay, &self.overlay),
            (BookTier::Curated, &self.curated),
            (BookTier::Generated, &self.generated),
        ] {
            for (key, idx) in map {
                let hidden = tier == BookTier::Generated
                    && self
                        .curated_models
                        .contains(&(key.0.clone(), key.1.clone()));
                let retired = self
                    .retirement(&key.0, &key.1)
                    .is_some_and(|r| at_us >= r.at_us);
                if hidden || retired {
                    continue;
                }
                if let Some(Lookup::Priced(p)) = self.find(Some(idx), at_us) {
                    out.push(p);
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.provider, &a.model, &a.region, &a.service_tier, a.tier).cmp(&(
                &b.provider,
                &b.model,
                &b.region,
                &b.service_tier,
                b.tier,
            ))
        });
        out
    }
}

/// Reduces a Bedrock ARN to its inference-profile or foundation-model id; other ids unchanged.
pub fn normalise_model_id(model: &str) -> &str {
    if model.starts_with("arn:aws") {
        if let Some((_, id)) = model.rsplit_once('/') {
            if !id.is_empty() {
                return id;
            }
        }
    }
    model
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
