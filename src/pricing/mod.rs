//! The price book: versioned per-provider, per-model prices.
//!
//! Owns the effective-date rules and the lookup "which version was in force at this instant";
//! parsing (`parse`), reading files (`load`), findings and review live beside it. It does not
//! compute costs of usage (see `engine`) and never touches f64: prices are exact decimals from
//! the file text. Layer 1: it names only `usage`, `providers` and itself (not `readers`).

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

pub mod diff;
pub mod findings;
pub mod litellm;
pub mod load;
pub mod parse;
pub mod review;
pub mod row;

pub use findings::{Finding, PriceBookError, Severity};
pub use load::{embedded_sources, read_sources, Source, ALIASES_FILE};
pub use parse::parse_effective_from;
pub use row::{col, table_record, PriceRow, Rates};

use findings::finding;
use load::is_alias_file;
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

impl PriceBook {
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
