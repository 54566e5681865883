//! How a book is built from its files: rows and overlays parsed, series indexed per tier,
//! aliases resolved, provider rules' rows derived, findings for everything that does not hold.

use super::findings::finding;
use super::parse::{parse_aliases, parse_file};
use super::*;

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
                SourceKind::BillNames => {
                    super::bill_names::parse(&src.name, &src.bytes, &mut book.bill_names, findings)
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
        book.check_bill_names(findings);
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

    pub(super) fn index_series(&mut self, findings: &mut Vec<Finding>) {
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

    pub(super) fn index_aliases(
        &mut self,
        alias_rows: Vec<parse::AliasRow>,
        findings: &mut Vec<Finding>,
    ) {
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
    pub(super) fn derive_rule_rows(&mut self, findings: &mut Vec<Finding>) {
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
}
