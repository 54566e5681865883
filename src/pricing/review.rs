//! Review of a loaded book beyond what loading enforces: missing canonical models, values that
//! look like unit errors, input far above output, cache reads above input.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::findings::{finding, Finding, Severity};
use super::row::PriceClass;
use super::row::{col, BookTier, PriceRow};
use super::PriceBook;
use crate::providers::{publisher, publisher_provider as first_party};

impl PriceBook {
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
            // Generated rows without one are counted by `prices update`; a curated row should
            // have one.
            if r.canonical_model.is_none() && r.tier != super::BookTier::Generated {
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
        out.extend(self.missing_classes());
        out.extend(self.tier_drift());
        out
    }

    /// The latest row of each series that leaves a class empty (after the provider rules)
    /// while the model's publisher sells that class for the same canonical model and the
    /// provider sells it for another model of that publisher: usage of the class there will be
    /// unpriced. One warning per curated or user row; generated rows are summed
    /// up per provider and class, with an example.
    fn missing_classes(&self) -> Vec<Finding> {
        // (publisher provider, canonical) -> classes its own rows price.
        let mut sold: BTreeMap<(&str, &str), BTreeSet<PriceClass>> = BTreeMap::new();
        // (provider, publisher, class): the provider prices the class for some model of that
        // publisher (Bedrock caches Claude and Nova, not DeepSeek; OpenRouter and Foundry sell
        // no Claude batch: their rows are not told to have one).
        let mut provider_sells: BTreeSet<(&str, &str, PriceClass)> = BTreeSet::new();
        for r in &self.rows {
            let p = publisher(r.canonical_model.as_deref(), &r.model);
            for k in PriceClass::ALL.into_iter().filter(|k| k.in_row(r)) {
                provider_sells.insert((r.provider.as_str(), p, k));
            }
            if let Some(c) = r.canonical_model.as_deref() {
                let e = sold.entry((r.provider.as_str(), c)).or_default();
                e.extend(PriceClass::ALL.into_iter().filter(|k| k.in_row(r)));
            }
        }
        let latest: Vec<&PriceRow> = self
            .curated
            .values()
            .chain(self.generated.values())
            .filter_map(|idx| idx.last().map(|&i| &self.rows[i]))
            .collect();
        let mut out = Vec::new();
        let mut generated: BTreeMap<(&str, PriceClass), (usize, String)> = BTreeMap::new();
        for r in latest {
            let Some(canonical) = r.canonical_model.as_deref() else {
                continue;
            };
            let Some(fp) = first_party(publisher(Some(canonical), &r.model)) else {
                continue;
            };
            if fp == r.provider || self.retirement(&r.provider, &r.model).is_some() {
                continue;
            }
            let Some(classes) = sold.get(&(fp, canonical)) else {
                continue;
            };
            let p = publisher(Some(canonical), &r.model);
            let missing = classes.iter().filter(|c| {
                !c.in_row(r) && provider_sells.contains(&(r.provider.as_str(), p, **c))
            });
            for class in missing {
                if r.tier == BookTier::Generated {
                    let e = generated
                        .entry((r.provider.as_str(), *class))
                        .or_insert((0, r.version_id()));
                    e.0 += 1;
                } else {
                    out.push(finding(
                        Severity::Warning,
                        &r.file,
                        r.line,
                        None,
                        format!(
                            "{}: no {class} price and no provider rule for it, though {fp} sells it for {canonical}: that usage will be unpriced",
                            r.version_id()
                        ),
                    ));
                }
            }
        }
        for ((provider, class), (n, example)) in generated {
            out.push(finding(
                Severity::Warning,
                &format!("generated/{provider}.csv"),
                0,
                None,
                format!(
                    "{n} generated series of {provider} have no {class} price and no provider rule for it, though the model's publisher sells it (e.g. {example}): that usage will be unpriced"
                ),
            ));
        }
        out
    }
}
