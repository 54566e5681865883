//! The price book: versioned per-provider, per-model prices, loaded from CSV files.
//!
//! Owns loading (with every validation finding, not just the first), the effective-date rules
//! and the lookup "which version was in force at this instant". It does not compute costs of
//! usage (see `engine`) and never touches f64: prices are exact decimals from the file text.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

pub mod diff;
pub mod litellm;

use crate::usage::{parse_date_days, parse_timestamp_us, MICROS_PER_DAY};

/// Column names of the price table.
pub mod col {
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    pub const EFFECTIVE_FROM: &str = "effective_from";
    pub const INPUT: &str = "input_per_mtok";
    pub const OUTPUT: &str = "output_per_mtok";
    pub const CACHE_READ: &str = "cache_read_per_mtok";
    pub const CACHE_WRITE: &str = "cache_write_per_mtok";
    pub const CACHE_WRITE_1H: &str = "cache_write_1h_per_mtok";
    pub const REASONING: &str = "reasoning_per_mtok";
    pub const LONG_THRESHOLD: &str = "long_context_threshold";
    pub const LONG_INPUT: &str = "long_input_per_mtok";
    pub const LONG_OUTPUT: &str = "long_output_per_mtok";
    pub const LONG_CACHE_READ: &str = "long_cache_read_per_mtok";
    pub const LONG_CACHE_WRITE: &str = "long_cache_write_per_mtok";
    pub const BATCH_INPUT: &str = "batch_input_per_mtok";
    pub const BATCH_OUTPUT: &str = "batch_output_per_mtok";
    pub const CANONICAL_MODEL: &str = "canonical_model";
    pub const REGION: &str = "region";
    pub const CURRENCY: &str = "currency";
    pub const SOURCE: &str = "source";

    pub const REQUIRED: [&str; 5] = [PROVIDER, MODEL, EFFECTIVE_FROM, INPUT, OUTPUT];
    pub const ALL: [&str; 20] = [
        PROVIDER,
        MODEL,
        EFFECTIVE_FROM,
        INPUT,
        OUTPUT,
        CACHE_READ,
        CACHE_WRITE,
        CACHE_WRITE_1H,
        REASONING,
        BATCH_INPUT,
        BATCH_OUTPUT,
        LONG_THRESHOLD,
        LONG_INPUT,
        LONG_OUTPUT,
        LONG_CACHE_READ,
        LONG_CACHE_WRITE,
        CANONICAL_MODEL,
        REGION,
        CURRENCY,
        SOURCE,
    ];
}

/// One price version: in force from `effective_from_us` until the next version of the same
/// provider, model and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub provider: String,
    pub model: String,
    /// `None` means "any region without a row of its own".
    pub region: Option<String>,
    pub effective_from_us: i64,
    /// The `effective_from` text as written in the file.
    pub effective_from: String,
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    pub reasoning: Option<Decimal>,
    pub batch_input: Option<Decimal>,
    pub batch_output: Option<Decimal>,
    /// Prompt size (input including cache reads and writes) above which the whole request is
    /// charged at the long-context rates.
    pub long_context_threshold: Option<u64>,
    pub long_input: Option<Decimal>,
    pub long_output: Option<Decimal>,
    pub long_cache_read: Option<Decimal>,
    pub long_cache_write: Option<Decimal>,
    pub canonical_model: Option<String>,
    pub currency: String,
    pub source: Option<String>,
    pub file: String,
    pub line: u64,
    /// True for rows from a `--pricing-overlay` file (a user's own prices on top of the book).
    pub overlay: bool,
}

/// The rates that apply to one class of usage (on-demand or batch, normal or long context),
/// with every fallback resolved. USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub input: Decimal,
    pub output: Decimal,
    pub reasoning: Decimal,
    pub cache_read: Decimal,
    pub cache_write: Decimal,
    pub cache_write_1h: Decimal,
}

impl PriceRow {
    /// Resolves the rates for batch and/or long-context usage.
    ///
    /// Fallbacks, all chosen so that usage is never priced at $0 by omission:
    /// - a missing cache-read or cache-write price is the (effective) input rate, batch included;
    ///   a missing 1-hour cache-write price is the 5-minute one;
    /// - a missing reasoning price is the output rate; a missing batch price the on-demand one;
    /// - a rate the book gives only for the normal tier (cache, 1-hour cache write, reasoning)
    ///   moves with its base rate: under batch or long context it is scaled by the same factor
    ///   as the input (cache) or output (reasoning) rate, when that factor is exact (e.g. 2x);
    ///   otherwise it falls back to the base rate of the tier;
    /// - long-context usage uses the long rates (a missing long output rate is the output rate);
    ///   a long-context batch request is charged the long on-demand rates, as the book has no
    ///   batch long-context prices (this errs on the high side).
    pub fn rates(&self, batch: bool, long: bool) -> Rates {
        let (input, output) = if long && self.long_context_threshold.is_some() {
            (
                self.long_input.unwrap_or(self.input),
                self.long_output.unwrap_or(self.output),
            )
        } else {
            (self.input_rate(batch), self.output_rate(batch))
        };
        let long = long && self.long_context_threshold.is_some();
        let cache_read = match (long, self.long_cache_read, self.cache_read) {
            (true, Some(r), _) => r,
            (_, _, Some(r)) => scaled(r, input, self.input),
            _ => input,
        };
        let cache_write = match (long, self.long_cache_write, self.cache_write) {
            (true, Some(r), _) => r,
            (_, _, Some(r)) => scaled(r, input, self.input),
            _ => input,
        };
        let cache_write_1h = match self.cache_write_1h {
            Some(r) => scaled(r, input, self.input),
            None => cache_write,
        };
        let reasoning = match self.reasoning {
            Some(r) => scaled(r, output, self.output),
            None => output,
        };
        Rates {
            input,
            output,
            reasoning,
            cache_read,
            cache_write,
            cache_write_1h,
        }
    }

    /// Cache reads are charged at the input rate when the book has no cache-read price.
    pub fn cache_read_rate(&self) -> Decimal {
        self.cache_read.unwrap_or(self.input)
    }
    /// Cache writes are charged at the input rate when the book has no cache-write price.
    pub fn cache_write_rate(&self) -> Decimal {
        self.cache_write.unwrap_or(self.input)
    }
    /// Input rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn input_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_input.unwrap_or(self.input)
        } else {
            self.input
        }
    }
    /// Output rate for a batch request: the batch rate when the book has one, else on-demand.
    pub fn output_rate(&self, batch: bool) -> Decimal {
        if batch {
            self.batch_output.unwrap_or(self.output)
        } else {
            self.output
        }
    }
    /// A stable identifier of this price version, e.g. `openai/o3@2025-06-10`.
    pub fn version_id(&self) -> String {
        let base = match &self.region {
            Some(r) => format!(
                "{}/{}[{}]@{}",
                self.provider, self.model, r, self.effective_from
            ),
            None => format!("{}/{}@{}", self.provider, self.model, self.effective_from),
        };
        if self.overlay {
            format!("overlay:{base}")
        } else {
            base
        }
    }
}

/// A row's cells in the price-table column order ([`col::ALL`]).
pub fn table_record(r: &PriceRow) -> Vec<String> {
    let d = |v: Option<Decimal>| v.map(|x| x.normalize().to_string()).unwrap_or_default();
    vec![
        r.provider.clone(),
        r.model.clone(),
        r.effective_from.clone(),
        d(Some(r.input)),
        d(Some(r.output)),
        d(r.cache_read),
        d(r.cache_write),
        d(r.cache_write_1h),
        d(r.reasoning),
        d(r.batch_input),
        d(r.batch_output),
        r.long_context_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        d(r.long_input),
        d(r.long_output),
        d(r.long_cache_read),
        d(r.long_cache_write),
        r.canonical_model.clone().unwrap_or_default(),
        r.region.clone().unwrap_or_default(),
        r.currency.clone(),
        r.source.clone().unwrap_or_default(),
    ]
}

/// `rate` moved by the factor `new_base / old_base` when that factor is exact; otherwise
/// `new_base` (the tier's base rate). With `new_base == old_base` it is `rate` itself.
fn scaled(rate: Decimal, new_base: Decimal, old_base: Decimal) -> Decimal {
    if new_base == old_base {
        return rate;
    }
    if old_base.is_zero() {
        return new_base;
    }
    match new_base.checked_div(old_base) {
        Some(m) if m.checked_mul(old_base) == Some(new_base) => {
            rate.checked_mul(m).map_or(new_base, |x| x.normalize())
        }
        _ => new_base,
    }
}

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

/// How bad a finding is: errors make a book unusable, warnings are worth a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found while loading or validating price files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.column {
            Some(c) => write!(
                f,
                "{}:{}: {sev}: {}: {}",
                self.file, self.line, c, self.message
            ),
            None => write!(f, "{}:{}: {sev}: {}", self.file, self.line, self.message),
        }
    }
}

/// Loading failed; every finding is listed.
#[derive(Debug, thiserror::Error)]
pub struct PriceBookError {
    pub findings: Vec<Finding>,
}

impl fmt::Display for PriceBookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        writeln!(f, "invalid price table ({errors} error(s)):")?;
        for x in self
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
        {
            writeln!(f, "  {x}")?;
        }
        Ok(())
    }
}

type SeriesKey = (String, String, Option<String>);

/// What the book says about a request at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Priced(&'a PriceRow),
    /// The model is in the book, but its first price starts after the instant.
    BeforeFirst(&'a PriceRow),
    /// Neither provider/model is in the book.
    Unknown,
}

/// The file name that holds model-id aliases (`provider,alias,model`) in a pricing folder.
pub const ALIASES_FILE: &str = "aliases.csv";

/// The shipped book, compiled into the binary by `build.rs`: `(path, bytes)` per file.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pricing.rs"));
}

/// A source text of the book: a price file or an alias file.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    pub overlay: bool,
}

/// The loaded price table.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    rows: Vec<PriceRow>,
    /// Row indices of each (provider, model, region) series, sorted by effective_from.
    series: HashMap<SeriesKey, Vec<usize>>,
    /// The same for overlay rows, which win over the book while in force.
    overlay: HashMap<SeriesKey, Vec<usize>>,
    files: Vec<PriceFile>,
    /// provider -> alias -> model id of the book.
    aliases: HashMap<String, HashMap<String, String>>,
    /// Non-fatal findings from loading (unknown columns, ...).
    warnings: Vec<Finding>,
}

fn finding(sev: Severity, file: &str, line: u64, column: Option<&str>, message: String) -> Finding {
    Finding {
        severity: sev,
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        message,
    }
}

/// Reads every `*.csv` under each path (file or directory) into sources.
pub fn read_sources(paths: &[PathBuf], overlay: bool, findings: &mut Vec<Finding>) -> Vec<Source> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_csv(p, &mut files, findings);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            findings.push(finding(
                Severity::Error,
                &p.display().to_string(),
                0,
                None,
                "no such file or directory".into(),
            ));
        }
    }
    let mut sources = Vec::new();
    for f in &files {
        match std::fs::read(f) {
            Ok(bytes) => sources.push(Source {
                name: f.display().to_string(),
                bytes,
                overlay,
            }),
            Err(e) => findings.push(finding(
                Severity::Error,
                &f.display().to_string(),
                0,
                None,
                e.to_string(),
            )),
        }
    }
    if files.is_empty() && findings.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        findings.push(finding(
            Severity::Error,
            &names.join(", "),
            0,
            None,
            "no price files (*.csv) found".into(),
        ));
    }
    sources
}

/// The shipped book's sources.
pub fn embedded_sources() -> Vec<Source> {
    embedded::FILES
        .iter()
        .map(|(name, bytes)| Source {
            name: format!("embedded:{name}"),
            bytes: bytes.to_vec(),
            overlay: false,
        })
        .collect()
}

fn is_alias_file(name: &str) -> bool {
    Path::new(name.trim_start_matches("embedded:"))
        .file_name()
        .is_some_and(|n| n == ALIASES_FILE)
}

impl PriceBook {
    /// Loads every `*.csv` under each path (a file or a directory, walked in sorted order).
    pub fn load(paths: &[PathBuf]) -> Result<PriceBook, PriceBookError> {
        Self::load_with_overlay(paths, &[])
    }

    /// Loads the book from `paths` (the embedded book when empty) plus overlay files.
    pub fn load_with_overlay(
        paths: &[PathBuf],
        overlay: &[PathBuf],
    ) -> Result<PriceBook, PriceBookError> {
        let mut findings = Vec::new();
        let mut sources = if paths.is_empty() {
            embedded_sources()
        } else {
            read_sources(paths, false, &mut findings)
        };
        if !overlay.is_empty() {
            sources.extend(read_sources(overlay, true, &mut findings));
        }
        let book = Self::from_sources_full(&sources, &mut findings);
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Err(PriceBookError { findings })
        } else {
            let mut book = book;
            book.warnings = findings;
            Ok(book)
        }
    }

    /// The book compiled into the binary.
    pub fn embedded() -> Result<PriceBook, PriceBookError> {
        Self::load_with_overlay(&[], &[])
    }

    /// Builds a book from in-memory CSV texts `(name, bytes)`, appending findings.
    pub fn from_sources(sources: &[(String, Vec<u8>)], findings: &mut Vec<Finding>) -> PriceBook {
        let s: Vec<Source> = sources
            .iter()
            .map(|(n, b)| Source {
                name: n.clone(),
                bytes: b.clone(),
                overlay: false,
            })
            .collect();
        Self::from_sources_full(&s, findings)
    }

    /// Builds a book from sources, appending findings (errors and warnings).
    pub fn from_sources_full(sources: &[Source], findings: &mut Vec<Finding>) -> PriceBook {
        let mut rows = Vec::new();
        let mut files = Vec::new();
        let mut alias_rows = Vec::new();
        for src in sources {
            let before = rows.len();
            if is_alias_file(&src.name) {
                parse_aliases(&src.name, &src.bytes, &mut alias_rows, findings);
            } else {
                parse_file(&src.name, &src.bytes, src.overlay, &mut rows, findings);
            }
            files.push(PriceFile {
                path: src.name.clone(),
                sha256: hex(&Sha256::digest(&src.bytes)),
                rows: rows.len() - before,
                overlay: src.overlay,
            });
        }
        let mut series: HashMap<SeriesKey, Vec<usize>> = HashMap::new();
        let mut overlay: HashMap<SeriesKey, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let target = if r.overlay { &mut overlay } else { &mut series };
            target
                .entry((r.provider.clone(), r.model.clone(), r.region.clone()))
                .or_default()
                .push(i);
        }
        for idx in series.values_mut().chain(overlay.values_mut()) {
            idx.sort_by_key(|&i| rows[i].effective_from_us);
            for w in idx.windows(2) {
                let (a, b) = (&rows[w[0]], &rows[w[1]]);
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
        let mut aliases: HashMap<String, HashMap<String, String>> = HashMap::new();
        for (file, line, provider, alias, model) in alias_rows {
            let known = |m: &str| rows.iter().any(|r| r.provider == provider && r.model == m);
            if !known(&model) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("model"),
                    format!("alias {provider}/{alias} points to {model:?}, which has no price row"),
                ));
            } else if known(&alias) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("alias"),
                    format!("alias {provider}/{alias} is also a model id with its own price rows"),
                ));
            } else if let Some(prev) = aliases.get(&provider).and_then(|m| m.get(&alias)) {
                findings.push(finding(
                    Severity::Error,
                    &file,
                    line,
                    Some("alias"),
                    format!("alias {provider}/{alias} is defined twice (also -> {prev})"),
                ));
            } else {
                aliases.entry(provider).or_default().insert(alias, model);
            }
        }
        PriceBook {
            rows,
            series,
            overlay,
            files,
            aliases,
            warnings: Vec::new(),
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

    /// Every instant at which some price version starts, sorted and unique. Between two
    /// consecutive boundaries no price in the book changes.
    pub fn boundaries(&self) -> Vec<i64> {
        let set: BTreeSet<i64> = self.rows.iter().map(|r| r.effective_from_us).collect();
        set.into_iter().collect()
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

    fn find<'a>(
        &'a self,
        map: &HashMap<SeriesKey, Vec<usize>>,
        key: &SeriesKey,
        at_us: i64,
    ) -> Option<Lookup<'a>> {
        let idx = map.get(key)?;
        let pos = idx.partition_point(|&i| self.rows[i].effective_from_us <= at_us);
        Some(if pos == 0 {
            Lookup::BeforeFirst(&self.rows[idx[0]])
        } else {
            Lookup::Priced(&self.rows[idx[pos - 1]])
        })
    }

    fn lookup_in<'a>(
        &'a self,
        map: &HashMap<SeriesKey, Vec<usize>>,
        provider: &str,
        model: &str,
        region: Option<&str>,
        at_us: i64,
    ) -> Lookup<'a> {
        let base = (provider.to_string(), model.to_string(), None);
        if let Some(r) = region {
            let key = (provider.to_string(), model.to_string(), Some(r.to_string()));
            match self.find(map, &key, at_us) {
                Some(Lookup::Priced(p)) => return Lookup::Priced(p),
                Some(before @ Lookup::BeforeFirst(_)) => {
                    return match self.find(map, &base, at_us) {
                        Some(Lookup::Priced(p)) => Lookup::Priced(p),
                        _ => before,
                    }
                }
                _ => {}
            }
        }
        self.find(map, &base, at_us).unwrap_or(Lookup::Unknown)
    }

    /// The version in force for a request at `at_us`. The model id is resolved first (see
    /// [`Self::resolve_model`]). An overlay row in force wins; then a row for the request's
    /// region; otherwise the row without a region applies.
    pub fn lookup(
        &self,
        provider: &str,
        model: &str,
        region: Option<&str>,
        at_us: i64,
    ) -> Lookup<'_> {
        let model = self.resolve_model(provider, model);
        if !self.overlay.is_empty() {
            if let Lookup::Priced(p) = self.lookup_in(&self.overlay, provider, model, region, at_us)
            {
                return Lookup::Priced(p);
            }
        }
        self.lookup_in(&self.series, provider, model, region, at_us)
    }

    /// Every version of every series, sorted by provider, model, region and date.
    pub fn versions(&self) -> Vec<&PriceRow> {
        let mut v: Vec<&PriceRow> = self.rows.iter().collect();
        v.sort_by(|a, b| {
            (
                &a.provider,
                &a.model,
                &a.region,
                a.effective_from_us,
                a.overlay,
            )
                .cmp(&(
                    &b.provider,
                    &b.model,
                    &b.region,
                    b.effective_from_us,
                    b.overlay,
                ))
        });
        v
    }

    /// The rows in force at `at_us` (one per series; overlay rows listed beside the book's).
    pub fn in_force(&self, at_us: i64) -> Vec<&PriceRow> {
        let mut out: Vec<&PriceRow> = Vec::new();
        for map in [&self.series, &self.overlay] {
            for key in map.keys() {
                if let Some(Lookup::Priced(p)) = self.find(map, key, at_us) {
                    out.push(p);
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.provider, &a.model, &a.region, a.overlay).cmp(&(
                &b.provider,
                &b.model,
                &b.region,
                b.overlay,
            ))
        });
        out
    }

    /// Review findings beyond what loading enforces: missing canonical models, suspicious
    /// values that look like unit errors, input far above output, overlapping regional rows.
    pub fn review(&self) -> Vec<Finding> {
        let mut out = self.warnings.clone();
        let hi = Decimal::from(1000);
        let lo = Decimal::new(1, 3);
        for r in &self.rows {
            let w = |column: Option<&str>, message: String| {
                finding(Severity::Warning, &r.file, r.line, column, message)
            };
            if r.canonical_model.is_none() {
                out.push(w(
                    Some(col::CANONICAL_MODEL),
                    format!(
                        "{} has no canonical model (provider comparisons cannot use it)",
                        r.version_id()
                    ),
                ));
            }
            let prices = [
                (col::INPUT, Some(r.input)),
                (col::OUTPUT, Some(r.output)),
                (col::CACHE_READ, r.cache_read),
                (col::CACHE_WRITE, r.cache_write),
                (col::CACHE_WRITE_1H, r.cache_write_1h),
                (col::BATCH_INPUT, r.batch_input),
                (col::BATCH_OUTPUT, r.batch_output),
                (col::LONG_INPUT, r.long_input),
                (col::LONG_OUTPUT, r.long_output),
            ];
            for (c, p) in prices {
                if let Some(p) = p {
                    if p > hi {
                        out.push(w(
                            Some(c),
                            format!(
                                "${p} per million tokens looks like a unit error (above $1,000)"
                            ),
                        ));
                    } else if !p.is_zero() && p < lo {
                        out.push(w(
                            Some(c),
                            format!(
                                "${p} per million tokens looks like a unit error (below $0.001)"
                            ),
                        ));
                    }
                }
            }
            if !r.output.is_zero() && r.input > r.output * Decimal::from(5) {
                out.push(w(
                    Some(col::INPUT),
                    format!(
                        "input ${} is more than 5x output ${} (swapped?)",
                        r.input, r.output
                    ),
                ));
            }
            if let Some(cr) = r.cache_read {
                if cr > r.input {
                    out.push(w(
                        Some(col::CACHE_READ),
                        format!("cache read ${cr} is above input ${}", r.input),
                    ));
                }
            }
        }
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

fn collect_csv(dir: &Path, out: &mut Vec<PathBuf>, findings: &mut Vec<Finding>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            findings.push(finding(
                Severity::Error,
                &dir.display().to_string(),
                0,
                None,
                e.to_string(),
            ));
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_csv(&p, out, findings);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            out.push(p);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses an `effective_from`: `YYYY-MM-DD` (00:00 UTC) or an RFC 3339 instant.
pub fn parse_effective_from(s: &str) -> Result<i64, String> {
    if let Some(days) = parse_date_days(s) {
        return Ok(days * MICROS_PER_DAY);
    }
    parse_timestamp_us(s)
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant"))
}

fn parse_price(s: &str) -> Result<Decimal, String> {
    let d: Decimal = s
        .parse()
        .map_err(|_| format!("{s:?} is not a decimal number (USD per million tokens)"))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("negative price {s}"));
    }
    Ok(d.normalize())
}

type AliasRow = (String, u64, String, String, String);

fn parse_aliases(name: &str, bytes: &[u8], out: &mut Vec<AliasRow>, findings: &mut Vec<Finding>) {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            findings.push(finding(
                Severity::Error,
                name,
                1,
                None,
                format!("cannot read header: {e}"),
            ));
            return;
        }
    };
    let pos = |c: &str| headers.iter().position(|h| h == c);
    let (Some(p), Some(a), Some(m)) = (pos("provider"), pos("alias"), pos("model")) else {
        findings.push(finding(
            Severity::Error,
            name,
            1,
            None,
            "an alias file needs the columns provider, alias, model".into(),
        ));
        return;
    };
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = crate::readers::lines::record_line(
                    crate::readers::lines::line_in(bytes, rdr.position().byte().saturating_sub(1)),
                    &rec,
                );
                let get = |i: usize| rec.get(i).map(str::trim).unwrap_or("").to_string();
                let (pv, al, md) = (get(p), get(a), get(m));
                if pv.is_empty() || al.is_empty() || md.is_empty() {
                    findings.push(finding(
                        Severity::Error,
                        name,
                        line,
                        None,
                        "provider, alias and model are all required".into(),
                    ));
                } else {
                    out.push((name.to_string(), line, pv, al, md));
                }
            }
            Err(e) => {
                let line =
                    crate::readers::lines::line_in(bytes, rdr.position().byte().saturating_sub(1));
                findings.push(finding(Severity::Error, name, line, None, e.to_string()));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
}

fn parse_file(
    name: &str,
    bytes: &[u8],
    overlay: bool,
    rows: &mut Vec<PriceRow>,
    findings: &mut Vec<Finding>,
) {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let err = |line: u64, column: Option<&str>, message: String| {
        finding(Severity::Error, name, line, column, message)
    };
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            findings.push(err(1, None, format!("cannot read header: {e}")));
            return;
        }
    };
    let pos = |c: &str| headers.iter().position(|h| h == c);
    let mut missing = false;
    for req in col::REQUIRED {
        if pos(req).is_none() {
            findings.push(err(1, Some(req), "required column is missing".into()));
            missing = true;
        }
    }
    if missing {
        return;
    }
    for h in &headers {
        if !col::ALL.contains(&h.as_str()) {
            findings.push(finding(
                Severity::Warning,
                name,
                1,
                Some(h),
                "unknown column, ignored".into(),
            ));
        }
    }
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line =
                    crate::readers::lines::line_in(bytes, rdr.position().byte().saturating_sub(1));
                findings.push(err(line, None, e.to_string()));
                if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    continue;
                }
                break;
            }
        }
        let line = crate::readers::lines::record_line(
            crate::readers::lines::line_in(bytes, rdr.position().byte().saturating_sub(1)),
            &rec,
        );
        if rec.len() != headers.len() {
            findings.push(err(
                line,
                None,
                format!(
                    "expected {} fields as in the header, found {}",
                    headers.len(),
                    rec.len()
                ),
            ));
            continue;
        }
        let get = |c: &str| {
            pos(c)
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut ok = true;
        let mut required = |c: &str| match get(c) {
            Some(v) => v.to_string(),
            None => {
                findings.push(err(line, Some(c), "missing value (required)".into()));
                ok = false;
                String::new()
            }
        };
        let provider = required(col::PROVIDER);
        let model = required(col::MODEL);
        let eff = required(col::EFFECTIVE_FROM);
        let input_s = required(col::INPUT);
        let output_s = required(col::OUTPUT);
        let mut price = |c: &str, s: Option<&str>| -> Option<Decimal> {
            let s = s?;
            match parse_price(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    findings.push(err(line, Some(c), m));
                    ok = false;
                    None
                }
            }
        };
        let input = price(col::INPUT, Some(input_s.as_str()).filter(|s| !s.is_empty()));
        let output = price(
            col::OUTPUT,
            Some(output_s.as_str()).filter(|s| !s.is_empty()),
        );
        let cache_read = price(col::CACHE_READ, get(col::CACHE_READ));
        let cache_write = price(col::CACHE_WRITE, get(col::CACHE_WRITE));
        let cache_write_1h = price(col::CACHE_WRITE_1H, get(col::CACHE_WRITE_1H));
        let reasoning = price(col::REASONING, get(col::REASONING));
        let batch_input = price(col::BATCH_INPUT, get(col::BATCH_INPUT));
        let batch_output = price(col::BATCH_OUTPUT, get(col::BATCH_OUTPUT));
        let long_input = price(col::LONG_INPUT, get(col::LONG_INPUT));
        let long_output = price(col::LONG_OUTPUT, get(col::LONG_OUTPUT));
        let long_cache_read = price(col::LONG_CACHE_READ, get(col::LONG_CACHE_READ));
        let long_cache_write = price(col::LONG_CACHE_WRITE, get(col::LONG_CACHE_WRITE));
        let long_context_threshold = match get(col::LONG_THRESHOLD) {
            None => None,
            Some(s) => match s.parse::<u64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    findings.push(err(
                        line,
                        Some(col::LONG_THRESHOLD),
                        format!("{s:?} is not a positive token count"),
                    ));
                    ok = false;
                    None
                }
            },
        };
        if long_context_threshold.is_some() && long_input.is_none() {
            findings.push(err(
                line,
                Some(col::LONG_INPUT),
                "long_context_threshold is set but long_input_per_mtok is empty".into(),
            ));
            ok = false;
        }
        let effective_from_us = if eff.is_empty() {
            None
        } else {
            match parse_effective_from(&eff) {
                Ok(v) => Some(v),
                Err(m) => {
                    findings.push(err(line, Some(col::EFFECTIVE_FROM), m));
                    None
                }
            }
        };
        let currency = get(col::CURRENCY).unwrap_or("USD").to_ascii_uppercase();
        if currency != "USD" {
            findings.push(err(
                line,
                Some(col::CURRENCY),
                format!("currency {currency} is not supported yet (only USD)"),
            ));
            ok = false;
        }
        if let (true, Some(effective_from_us), Some(input), Some(output)) =
            (ok, effective_from_us, input, output)
        {
            rows.push(PriceRow {
                provider,
                model,
                region: get(col::REGION).map(str::to_string),
                effective_from_us,
                effective_from: eff,
                input,
                output,
                cache_read,
                cache_write,
                cache_write_1h,
                reasoning,
                batch_input,
                batch_output,
                long_context_threshold,
                long_input,
                long_output,
                long_cache_read,
                long_cache_write,
                canonical_model: get(col::CANONICAL_MODEL).map(str::to_string),
                currency,
                source: get(col::SOURCE).map(str::to_string),
                file: name.to_string(),
                line,
                overlay,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(text: &str) -> (PriceBook, Vec<Finding>) {
        let mut f = Vec::new();
        let b = PriceBook::from_sources(&[("p.csv".into(), text.as_bytes().to_vec())], &mut f);
        (b, f)
    }

    const HEADER: &str =
        "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,region\n";

    #[test]
    fn version_in_force_one_microsecond_before_and_at_effective_from() {
        let (b, f) = book(&format!(
            "{HEADER}openai,o3,2025-04-16,10,40,2.5,\nopenai,o3,2025-06-10,2,8,0.5,\n"
        ));
        assert!(f.is_empty(), "{f:?}");
        let at = parse_timestamp_us("2025-06-10T00:00:00Z").unwrap();
        match b.lookup("openai", "o3", None, at - 1) {
            Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(10)),
            other => panic!("{other:?}"),
        }
        match b.lookup("openai", "o3", None, at) {
            Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(2)),
            other => panic!("{other:?}"),
        }
        let early = parse_timestamp_us("2025-04-15T23:59:59Z").unwrap();
        assert!(matches!(
            b.lookup("openai", "o3", None, early),
            Lookup::BeforeFirst(_)
        ));
        assert_eq!(b.lookup("openai", "o4", None, at), Lookup::Unknown);
        assert_eq!(b.lookup("azure", "o3", None, at), Lookup::Unknown);
    }

    #[test]
    fn regional_row_wins_and_falls_back() {
        let (b, f) = book(&format!(
            "{HEADER}aws-bedrock,m,2025-01-01,1,2,,\naws-bedrock,m,2025-03-01,1.5,2.5,,eu-west-1\n"
        ));
        assert!(f.is_empty(), "{f:?}");
        let feb = parse_timestamp_us("2025-02-01T00:00:00Z").unwrap();
        let apr = parse_timestamp_us("2025-04-01T00:00:00Z").unwrap();
        let input = |r, t| match b.lookup("aws-bedrock", "m", r, t) {
            Lookup::Priced(p) => p.input,
            other => panic!("{other:?}"),
        };
        assert_eq!(input(Some("eu-west-1"), apr), "1.5".parse().unwrap());
        // Before the regional row starts, the region-less row applies.
        assert_eq!(input(Some("eu-west-1"), feb), Decimal::from(1));
        assert_eq!(input(Some("us-east-1"), apr), Decimal::from(1));
        assert_eq!(input(None, apr), Decimal::from(1));
    }

    #[test]
    fn cache_rates_default_to_input_never_zero() {
        let (b, _) = book(&format!("{HEADER}together,m,2025-01-01,0.88,0.88,,\n"));
        let r = &b.rows()[0];
        assert_eq!(r.cache_read_rate(), "0.88".parse().unwrap());
        assert_eq!(r.cache_write_rate(), "0.88".parse().unwrap());
    }

    #[test]
    fn every_problem_is_reported_with_file_line_and_column() {
        let (_, f) = book(&format!(
            "{HEADER}openai,a,2025-01-01,-1,2,,\nopenai,b,2025-13-01,1,2,,\nopenai,c,2025-01-01,abc,2,,\nopenai,d,2025-01-01,1,2,,\nopenai,d,2025-01-01,1,3,,\n"
        ));
        let text: Vec<String> = f.iter().map(|x| x.to_string()).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(
            text[0].starts_with("p.csv:2: error: input_per_mtok: negative price"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("p.csv:3: error: effective_from:"),
            "{text:?}"
        );
        assert!(
            text[2].starts_with("p.csv:4: error: input_per_mtok:"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with("p.csv:6: error: duplicate price version openai/d@2025-01-01"),
            "{text:?}"
        );
    }

    #[test]
    fn missing_required_column_is_reported() {
        let (_, f) = book("provider,model,effective_from,input_per_mtok\nopenai,a,2025-01-01,1\n");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].to_string(),
            "p.csv:1: error: output_per_mtok: required column is missing"
        );
    }

    fn rates_row(extra_cols: &str, extra_vals: &str) -> PriceRow {
        let text = format!(
            "provider,model,effective_from,input_per_mtok,output_per_mtok{extra_cols}\np,m,2025-01-01,3,15{extra_vals}\n"
        );
        let (b, f) = book(&text);
        assert!(f.is_empty(), "{f:?}");
        b.rows()[0].clone()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn batch_cache_falls_back_to_the_batch_input_rate() {
        let r = rates_row(
            ",batch_input_per_mtok,batch_output_per_mtok,reasoning_per_mtok",
            ",1.5,7.5,30",
        );
        let x = r.rates(true, false);
        assert_eq!(
            (x.input, x.cache_read, x.cache_write, x.output),
            (d("1.5"), d("1.5"), d("1.5"), d("7.5"))
        );
        // reasoning 30 at on-demand output 15 -> 15 at batch output 7.5
        assert_eq!(x.reasoning, d("15"));
        assert_eq!(r.rates(false, false).reasoning, d("30"));
    }

    #[test]
    fn long_context_scales_short_only_rates() {
        let r = rates_row(
            ",cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,reasoning_per_mtok,long_context_threshold,long_input_per_mtok,long_output_per_mtok",
            ",0.3,3.75,6,30,200000,6,22.5",
        );
        let x = r.rates(false, true);
        assert_eq!(x.input, d("6"));
        assert_eq!(x.cache_read, d("0.6"));
        assert_eq!(x.cache_write, d("7.5"));
        assert_eq!(x.cache_write_1h, d("12"));
        // 22.5 / 15 = 1.5 exactly: reasoning 30 -> 45
        assert_eq!(x.reasoning, d("45"));
        // Not long: the short rates.
        assert_eq!(r.rates(false, false).cache_write_1h, d("6"));
    }

    #[test]
    fn threshold_without_long_input_is_a_load_error() {
        let (_, f) = book("provider,model,effective_from,input_per_mtok,output_per_mtok,long_context_threshold\np,m,2025-01-01,3,15,200000\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].column.as_deref(), Some("long_input_per_mtok"));
    }

    #[test]
    fn rfc3339_effective_from() {
        assert_eq!(
            parse_effective_from("2025-06-10T12:00:00+02:00").unwrap(),
            parse_timestamp_us("2025-06-10T10:00:00Z").unwrap()
        );
        assert_eq!(
            parse_effective_from("2025-06-10").unwrap(),
            parse_timestamp_us("2025-06-10T00:00:00Z").unwrap()
        );
    }
}
