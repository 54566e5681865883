//! The price book: versioned per-provider, per-model prices.
//!
//! Owns the effective-date rules and the lookup "which version was in force at this instant";
//! parsing (`parse`), reading files (`load`), findings and review live beside it. It does not
//! compute costs of usage (see `engine`) and never touches f64: prices are exact decimals from
//! the file text. Layer 1: it names only `usage`, `providers` and itself (not `readers`).

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};

pub mod audit;
pub mod canonical;
pub mod classes;
pub mod diff;
pub mod findings;
pub mod generate;
pub mod known_errors;
pub mod litellm;
pub mod load;
pub mod overlay;
pub mod parse;
pub mod review;
pub mod row;
pub mod rules;
mod tiers;

pub use classes::{ClassRule, PriceClass};
pub use findings::{Finding, PriceBookError, Severity};
pub use load::{embedded_sources, read_sources, Source, SourceKind, ALIASES_FILE};
pub use parse::parse_effective_from;
pub use row::{col, table_record, BookTier, PriceRow, Rates};
pub use rules::{Retirement, Rule, Window};

use findings::finding;
use parse::{parse_aliases, parse_file};

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
    /// Builds a book from in-memory CSV texts `(name, bytes)` (price files unless the name says
    /// otherwise), appending findings.
    pub fn from_sources(sources: &[(String, Vec<u8>)], findings: &mut Vec<Finding>) -> PriceBook {
        let s: Vec<Source> = sources
            .iter()
            .map(|(n, b)| Source::new(n, b.clone(), false))
            .collect();
        Self::from_sources_full(&s, findings)
    }

    /// Builds a book from sources, appending findings (errors and warnings).
    pub fn from_sources_full(sources: &[Source], findings: &mut Vec<Finding>) -> PriceBook {
        let mut book = PriceBook::default();
        let mut alias_rows = Vec::new();
        let mut retirements = Vec::new();
        let mut delisted = Vec::new();
        let mut overlays = Vec::new();
        for src in sources {
            let before = book.rows.len() + overlays.len();
            match src.kind {
                SourceKind::Prices(tier) => parse_file(
                    &src.name,
                    &src.bytes,
                    tier,
                    &mut book.rows,
                    &mut overlays,
                    findings,
                ),
                SourceKind::Aliases => {
                    parse_aliases(&src.name, &src.bytes, &mut alias_rows, findings)
                }
                SourceKind::Retirements => {
                    rules::parse_retirements(&src.name, &src.bytes, &mut retirements, findings)
                }
                SourceKind::Rules => {
                    rules::parse_rules(&src.name, &src.bytes, &mut book.rules, findings)
                }
                SourceKind::Windows => {
                    rules::parse_windows(&src.name, &src.bytes, &mut book.windows, findings)
                }
                SourceKind::BookInfo => {
                    if let Some(c) = rules::parse_book_info(&src.name, &src.bytes, findings) {
                        book.checked_at = Some(c);
                    }
                }
                SourceKind::Delisted => {
                    rules::parse_delisted(&src.name, &src.bytes, &mut delisted, findings)
                }
                SourceKind::ClassRules => classes::parse_class_rules(
                    &src.name,
                    &src.bytes,
                    &mut book.class_rules,
                    findings,
                ),
                SourceKind::GeneratorInput => continue,
            }
            book.files.push(PriceFile {
                path: src.name.clone(),
                sha256: hex(&Sha256::digest(&src.bytes)),
                rows: book.rows.len() + overlays.len() - before,
                overlay: src.overlay,
            });
        }
        // Provider rules fill the classes a row leaves empty before uplifts and overlays copy
        // the row, so a derived or contract row keeps the class (scaled with the rest).
        for row in &mut book.rows {
            classes::fill(row, &book.class_rules);
        }
        book.index_series(findings);
        book.index_aliases(alias_rows, findings);
        for r in retirements {
            if let Some(to) = &r.redirect_to {
                if !book
                    .rows
                    .iter()
                    .any(|x| x.provider == r.provider && x.model == *to)
                {
                    findings.push(finding(
                        Severity::Error,
                        "retirements.csv",
                        0,
                        Some("redirect_to"),
                        format!(
                            "{}/{} is redirected to {to:?}, which has no price row",
                            r.provider, r.model
                        ),
                    ));
                }
            }
            let key = (r.provider.clone(), r.model.clone());
            book.retirements.insert(key, r);
        }
        // A delisted generated model ends like a retirement, unless the provider's own
        // retirement says more or curated rows price the model.
        for r in delisted {
            let key = (r.provider.clone(), r.model.clone());
            if !book.retirements.contains_key(&key) && !book.curated_models.contains(&key) {
                book.retirements.insert(key, r);
            }
        }
        book.derive_tier_rows(findings);
        book.derive_rule_rows(findings);
        book.merge_overlays(overlays, findings);
        // An overlay row of a model the book does not price has only its own columns.
        for row in book.rows.iter_mut().filter(|r| r.is_overlay()) {
            classes::fill(row, &book.class_rules);
        }
        let t: BTreeSet<u64> = book
            .rows
            .iter()
            .filter_map(|r| r.long_context_threshold)
            .collect();
        book.thresholds = t.into_iter().collect();
        book
    }

    fn index_series(&mut self, findings: &mut Vec<Finding>) {
        let mut maps: [Series; 3] = Default::default();
        for (i, r) in self.rows.iter().enumerate() {
            maps[series_of(r.tier)]
                .entry((
                    r.provider.clone(),
                    r.model.clone(),
                    // Regions match whatever their case (`us-east-1`, `US-EAST-1`).
                    r.region.as_deref().map(str::to_ascii_lowercase),
                    r.service_tier.clone(),
                ))
                .or_default()
                .push(i);
            if r.tier == BookTier::Curated {
                self.curated_models
                    .insert((r.provider.clone(), r.model.clone()));
            }
        }
        for idx in maps.iter_mut().flat_map(|m| m.values_mut()) {
            idx.sort_by_key(|&i| self.rows[i].effective_from_us);
            for w in idx.windows(2) {
                let (a, b) = (&self.rows[w[0]], &self.rows[w[1]]);
                if a.effective_from_us == b.effective_from_us {
                    findings.push(finding(
                        Severity::Error,
                        &b.file,
                        b.line,
                        None,
                        format!(
                            "duplicate price version {} (also at {}:{})",
                            b.version_id(),
                            a.file,
                            a.line
                        ),
                    ));
                }
            }
        }
        let [overlay, curated, generated] = maps;
        self.overlay = overlay;
        self.curated = curated;
        self.generated = generated;
    }

    fn index_aliases(&mut self, alias_rows: Vec<parse::AliasRow>, findings: &mut Vec<Finding>) {
        for (file, line, provider, alias, model) in alias_rows {
            let known = |m: &str| {
                self.rows
                    .iter()
                    .any(|r| r.provider == provider && r.model == m)
            };
            // Generated rows under an id the curated aliases send elsewhere are never looked up.
            let priced_as_itself = |m: &str| {
                self.rows.iter().any(|r| {
                    r.provider == provider && r.model == m && r.tier != BookTier::Generated
                })
            };
            if !known(&model) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("model"),
                    format!("alias {provider}/{alias} points to {model:?}, which has no price row"),
                ));
            } else if priced_as_itself(&alias) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("alias"),
                    format!("alias {provider}/{alias} is also a model id with its own price rows"),
                ));
            } else if let Some(prev) = self.aliases.get(&provider).and_then(|m| m.get(&alias)) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("alias"),
                    format!("alias {provider}/{alias} is defined twice (also -> {prev})"),
                ));
            } else {
                self.aliases
                    .entry(provider)
                    .or_default()
                    .insert(alias, model);
            }
        }
    }

    /// Adds, for every uplift rule and every region-less base series of a model it names, the
    /// series of its versions times the factor, in force from the rule's date.
    fn derive_rule_rows(&mut self, findings: &mut Vec<Finding>) {
        let mut new_rows: Vec<PriceRow> = Vec::new();
        type Derived = ((String, String, Option<String>), usize, Vec<usize>);
        let mut new_series: Vec<Derived> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            if rule.service_tier.is_some() {
                continue;
            }
            for map in [&self.curated, &self.generated] {
                for ((provider, model, region, tier), idx) in map {
                    if region.is_some() || *provider != rule.provider {
                        continue;
                    }
                    let canonical = idx
                        .last()
                        .and_then(|&i| self.rows[i].canonical_model.as_deref());
                    if !rules::models_match(&rule.models, model, canonical) {
                        continue;
                    }
                    let mut derived = self.scaled_series(idx, rule, findings);
                    for row in &mut derived {
                        row.region = Some("*".into());
                    }
                    let first = self.rows.len() + new_rows.len();
                    let key = (provider.clone(), model.clone(), tier.clone());
                    new_series.push((key, ri, (first..first + derived.len()).collect()));
                    new_rows.extend(derived);
                }
            }
        }
        self.rows.append(&mut new_rows);
        for (key, ri, idx) in new_series {
            self.ruled.entry(key).or_default().push((ri, idx));
        }
    }

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

    /// Whether `id` is an alias of another model id of `provider`.
    pub fn is_alias(&self, provider: &str, id: &str) -> bool {
        self.aliases
            .get(provider)
            .is_some_and(|m| m.contains_key(id))
    }

    /// The model id the book prices a logged id under: a Bedrock ARN
    /// (`arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic...`) becomes its profile or
    /// model id (the geo prefix stays: it can change the price), then aliases apply.
    pub fn resolve_model<'a>(&'a self, provider: &str, model: &'a str) -> &'a str {
        let model = normalise_model_id(model);
        self.aliases
            .get(provider)
            .and_then(|m| m.get(model))
            .map_or(model, String::as_str)
    }

    fn find<'a>(&'a self, idx: Option<&Vec<usize>>, at_us: i64) -> Option<Lookup<'a>> {
        let idx = idx?;
        let pos = idx.partition_point(|&i| self.rows[i].effective_from_us <= at_us);
        Some(if pos == 0 {
            Lookup::BeforeFirst(&self.rows[idx[0]])
        } else {
            Lookup::Priced(&self.rows[idx[pos - 1]])
        })
    }

    /// The version of one tier's series: the request's region, then an uplift rule covering
    /// the region, then the region-less row.
    fn lookup_in<'a>(&'a self, map: &Series, q: &Query<'_>, tier: Option<&str>) -> Lookup<'a> {
        let key = |region: Option<&str>| {
            (
                q.provider.to_string(),
                q.model.to_string(),
                region.map(str::to_string),
                tier.map(str::to_string),
            )
        };
        let base = self.find(map.get(&key(None)), q.at_us);
        let mut before = None;
        if let Some(r) = q.region {
            let lower = r.to_ascii_lowercase();
            match self.find(map.get(&key(Some(&lower))), q.at_us) {
                Some(Lookup::Priced(p)) => return Lookup::Priced(p),
                Some(b @ Lookup::BeforeFirst(_)) => before = Some(b),
                _ => {}
            }
        }
        // Rule rows exist only for models with a base series in this map (overlay series are
        // merged with the book's rows already). A deployment rule is decided by the request's
        // deployment type alone, a region rule by its region alone.
        if (q.region.is_some() || q.deployment.is_some())
            && base.is_some()
            && !std::ptr::eq(map, &self.overlay)
        {
            let rk = (
                q.provider.to_string(),
                q.model.to_string(),
                tier.map(str::to_string),
            );
            for (ri, idx) in self.ruled.get(&rk).into_iter().flatten() {
                if self.rules[*ri].covers(q.region, q.deployment) {
                    if let Some(Lookup::Priced(p)) = self.find(Some(idx), q.at_us) {
                        return Lookup::Priced(p);
                    }
                }
            }
        }
        match (base, before) {
            (Some(Lookup::Priced(p)), _) => Lookup::Priced(p),
            (_, Some(b)) => b,
            (Some(b), None) => b,
            (None, None) => Lookup::Unknown,
        }
    }

    /// The tier's series map that prices a model: curated rows, where a model has any, hide
    /// its generated rows.
    fn map_for(&self, provider: &str, model: &str) -> &Series {
        if self
            .curated_models
            .contains(&(provider.to_string(), model.to_string()))
        {
            &self.curated
        } else {
            &self.generated
        }
    }

    /// Whether a service tier comes from a time window (a discount a model may not have: then
    /// the standard price applies) rather than from the log (then a missing price is unpriced).
    fn is_window_tier(&self, tier: &str) -> bool {
        self.windows.iter().any(|w| w.tier == tier)
    }

    /// The version in force for a request. The model id is resolved first (see
    /// [`Self::resolve_model`]); a retired model is [`Lookup::Retired`]. An overlay row in force
    /// wins; then the curated rows of the model (or, when it has none, the generated ones): a
    /// row for the request's region, an uplift rule covering it, or the row without a region,
    /// in the request's service tier.
    pub fn lookup(&self, q: Query<'_>) -> Lookup<'_> {
        let model = self.resolve_model(q.provider, q.model);
        let q = Query { model, ..q };
        if let Some(r) = self.retirement(q.provider, model) {
            if q.at_us >= r.at_us {
                return Lookup::Retired(r);
            }
        }
        if !self.overlay.is_empty() {
            if let Lookup::Priced(p) = self.lookup_in(&self.overlay, &q, q.tier) {
                return Lookup::Priced(p);
            }
        }
        let map = self.map_for(q.provider, model);
        let found = self.lookup_in(map, &q, q.tier);
        match (found, q.tier) {
            (Lookup::Priced(_), _) | (_, None) => found,
            (_, Some(t)) => match self.lookup_in(map, &q, None) {
                standard @ Lookup::Priced(_) if self.is_window_tier(t) => standard,
                Lookup::Priced(_) | Lookup::BeforeFirst(_) => Lookup::NoServiceTier,
                other => other,
            },
        }
    }

    /// The price of a request the provider served after the model's retirement `r` (it should
    /// have failed): the redirect target's version in force then, where the provider bills the
    /// retired id as another model, else the model's last version before the retirement.
    pub fn after_retirement(&self, q: Query<'_>, r: &Retirement) -> Lookup<'_> {
        match &r.redirect_to {
            Some(to) => self.lookup(Query { model: to, ..q }),
            None => self.lookup(Query {
                at_us: r.at_us - 1,
                ..q
            }),
        }
    }

    /// The service tier a time window gives a request of this (resolved) model at `ts`, if any.
    pub fn window_tier(&self, provider: &str, model: &str, ts: i64) -> Option<&str> {
        if self.windows.is_empty() {
            return None;
        }
        let canonical = self.canonical_of(provider, model);
        self.windows
            .iter()
            .find(|w| {
                w.provider == provider
                    && rules::models_match(&w.models, model, canonical)
                    && w.covers(ts)
            })
            .map(|w| w.tier.as_str())
    }

    /// The tier of the first time window, in book order, whose bit is set in `mask` (it covers
    /// the request's instant and provider, as a warehouse query decided) and which names this
    /// (resolved) model: [`Self::window_tier`] for a request known only by its mask.
    pub fn window_tier_masked(&self, provider: &str, model: &str, mask: u64) -> Option<&str> {
        if mask == 0 {
            return None;
        }
        let canonical = self.canonical_of(provider, model);
        self.windows
            .iter()
            .enumerate()
            .find(|(i, w)| {
                *i < 64
                    && mask & (1 << i) != 0
                    && w.provider == provider
                    && rules::models_match(&w.models, model, canonical)
            })
            .map(|(_, w)| w.tier.as_str())
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
