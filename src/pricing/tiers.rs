//! Service tiers a provider defines relative to its standard price (OpenAI Flex = 0.5x,
//! Priority = 2x of the price in force), stated once as a tier rule of `rules.csv` instead of
//! copied row by row: every standard version of a matching model gives a tier version at the
//! same date, so a cut of the standard price re-versions its tiers. A model with tier rows of
//! its own (the provider lists other numbers for it) keeps them: explicit rows win.
//!
//! Also the drift check of explicit tier and regional rows: a standard price that changed
//! after the last version of one of its tiers is reported by `prices validate`.

use super::findings::{finding, Finding, Severity};
use super::row::PriceRow;
use super::{rules, PriceBook, Series, SeriesKey};

impl PriceBook {
    /// The versions of a series (`idx`, oldest first) times a rule's factor, exactly, each in
    /// force from its base's date or the rule's, whichever is later (a base version that
    /// still starts before the rule gives way to the next), named after the rule.
    pub(super) fn scaled_series(
        &self,
        idx: &[usize],
        rule: &rules::Rule,
        findings: &mut Vec<Finding>,
    ) -> Vec<PriceRow> {
        let mut derived: Vec<PriceRow> = Vec::new();
        for &i in idx {
            let base = &self.rows[i];
            let Some(mut row) = base.scaled_by(rule.factor) else {
                findings.push(finding(
                    Severity::Error,
                    &base.file,
                    base.line,
                    None,
                    format!("rule {}: the derived price overflows", rule.name),
                ));
                continue;
            };
            if rule.effective_from_us > base.effective_from_us {
                row.effective_from_us = rule.effective_from_us;
                row.effective_from = rule.effective_from.clone();
            }
            row.rule = Some(rule.name.clone());
            if derived
                .last()
                .is_some_and(|d| d.effective_from_us == row.effective_from_us)
            {
                derived.pop();
            }
            derived.push(row);
        }
        derived
    }

    /// Adds the tier series every tier rule derives (before region uplifts, so a tier row in
    /// an uplifted region is derived too).
    pub(super) fn derive_tier_rows(&mut self, findings: &mut Vec<Finding>) {
        for which in [0usize, 1] {
            let mut new_rows: Vec<PriceRow> = Vec::new();
            let mut new_series: Vec<(SeriesKey, Vec<usize>)> = Vec::new();
            {
                let map: &Series = if which == 0 {
                    &self.curated
                } else {
                    &self.generated
                };
                for rule in self.rules.iter().filter(|r| r.service_tier.is_some()) {
                    let tier = rule.service_tier.clone();
                    for ((provider, model, region, t), idx) in map {
                        if region.is_some() || t.is_some() || *provider != rule.provider {
                            continue;
                        }
                        let canonical = idx
                            .last()
                            .and_then(|&i| self.rows[i].canonical_model.as_deref());
                        if !rules::models_match(&rule.models, model, canonical) {
                            continue;
                        }
                        let key = (provider.clone(), model.clone(), None, tier.clone());
                        // Explicit tier rows (or an earlier rule) win.
                        if map.contains_key(&key) || new_series.iter().any(|(k, _)| *k == key) {
                            continue;
                        }
                        let mut derived = self.scaled_series(idx, rule, findings);
                        for row in &mut derived {
                            row.service_tier = tier.clone();
                        }
                        let first = self.rows.len() + new_rows.len();
                        new_series.push((key, (first..first + derived.len()).collect()));
                        new_rows.extend(derived);
                    }
                }
            }
            self.rows.append(&mut new_rows);
            let map = if which == 0 {
                &mut self.curated
            } else {
                &mut self.generated
            };
            for (k, idx) in new_series {
                map.insert(k, idx);
            }
        }
    }

    /// Explicit tier series whose standard price changed after their last version: the tier
    /// kept an old price (GPT-5.6 Flex and Priority kept launch prices after the cuts).
    pub(super) fn tier_drift(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        // Curated rows only: a price map's tier copies are reviewed by `prices update`.
        for map in [&self.curated] {
            for ((provider, model, region, tier), idx) in map {
                let Some(t) = tier else { continue };
                let Some(&last) = idx.last() else { continue };
                let last = &self.rows[last];
                if last.rule.is_some() || last.file.is_empty() {
                    continue;
                }
                let base_key = (provider.clone(), model.clone(), region.clone(), None);
                let Some(base) = map.get(&base_key) else {
                    continue;
                };
                // A new version that only adds a class (cached input from 2024-10-01) leaves
                // the tier's input and output as they were: no drift.
                let before = base
                    .iter()
                    .rev()
                    .find(|&&b| self.rows[b].effective_from_us <= last.effective_from_us)
                    .map(|&b| (self.rows[b].input, self.rows[b].output));
                if let Some(&newer) = base.iter().find(|&&b| {
                    let r = &self.rows[b];
                    r.effective_from_us > last.effective_from_us
                        && before.is_some_and(|io| io != (r.input, r.output))
                }) {
                    let b = &self.rows[newer];
                    out.push(finding(
                        Severity::Warning,
                        &last.file,
                        last.line,
                        None,
                        format!(
                            "{}: the standard price changed on {} ({}) after this {t} tier's last version; if the provider defines {t} relative to the standard price, state it as a tier rule in rules.csv, or add the {t} version",
                            last.version_id(),
                            b.effective_from,
                            b.version_id()
                        ),
                    ));
                }
            }
        }
        out
    }
}
