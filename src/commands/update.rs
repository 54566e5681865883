//! `tokenledger prices update`: regenerate the generated tier of the book from LiteLLM's price
//! map and its dated history, and print what a reviewer should look at. Curated files are
//! never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Context;

use super::messages;
use super::UsageError;
use crate::pricing::generate::{self, Snapshot};
use crate::pricing::{self, BookTier, PriceBook, PriceRow};

/// Where the generator's inputs live inside the book folder.
const KNOWN_ERRORS: &str = "litellm/known-errors.csv";
const CANONICAL: &str = "litellm/canonical.csv";

/// The options of `prices update`.
pub struct Update {
    pub litellm: PathBuf,
    pub history: Option<PathBuf>,
    pub as_of: Option<String>,
    pub commit: Option<String>,
    pub pricing: PathBuf,
    pub out: Option<PathBuf>,
    /// Other catalogues: a generated row they agree with earns its confidence from them.
    pub catalogues: crate::cli::CatalogueArgs,
}

pub fn run(u: Update) -> anyhow::Result<()> {
    let map = crate::pricing::load::read_input(&u.litellm)?;
    let snapshots: Vec<Snapshot> = match &u.history {
        Some(h) => {
            let mut s = generate::parse_history(&crate::pricing::load::read_input(h)?)
                .with_context(|| h.display().to_string())?;
            // Keys of the map the history does not know start at its last snapshot.
            let last = s.iter().max_by_key(|x| x.seen_us).cloned();
            let known: BTreeSet<String> = s.iter().map(|x| x.key.clone()).collect();
            if let Some(last) = last {
                let extra = generate::snapshots_of_map(&map, last.seen_us, &last.commit)
                    .with_context(|| u.litellm.display().to_string())?;
                s.extend(extra.into_iter().filter(|x| !known.contains(&x.key)));
            }
            s
        }
        None => {
            let (Some(as_of), Some(commit)) = (&u.as_of, &u.commit) else {
                return Err(UsageError::Message(
                    "without --history, give --as-of DATE and --commit ID of the map's snapshot"
                        .into(),
                )
                .into());
            };
            let at = pricing::parse_effective_from(as_of).map_err(UsageError::flag("--as-of"))?;
            generate::snapshots_of_map(&map, at, commit)
                .with_context(|| u.litellm.display().to_string())?
        }
    };
    let errors_path = u.pricing.join(KNOWN_ERRORS);
    let errors = generate::parse_known_errors(&crate::pricing::load::read_input(&errors_path)?)
        .with_context(|| errors_path.display().to_string())?;
    let canonical_path = u.pricing.join(CANONICAL);
    let overrides = if canonical_path.exists() {
        generate::parse_overrides(&crate::pricing::load::read_input(&canonical_path)?)
            .with_context(|| canonical_path.display().to_string())?
    } else {
        Vec::new()
    };
    let out_dir = u.out.clone().unwrap_or_else(|| u.pricing.join("generated"));
    // The book as it is: curated models (they hide generated ones) and the generated rows
    // before this update (for the review of what changed).
    // Findings of the book as it is (a stale generated file, say) do not stop a regeneration:
    // `prices validate` judges the result.
    let mut findings = Vec::new();
    let sources = pricing::read_sources(std::slice::from_ref(&u.pricing), false, &mut findings);
    let before = PriceBook::from_sources_full(&sources, &mut findings);
    let curated: BTreeSet<(String, String)> = before
        .rows()
        .iter()
        .filter(|r| r.tier == BookTier::Curated)
        .map(|r| (r.provider.clone(), r.model.clone()))
        .collect();
    // Ids the curated aliases send to another model are never looked up as themselves.
    let aliases: BTreeSet<(String, String)> = snapshots
        .iter()
        .filter_map(|s| {
            let e = s.entry.as_ref()?;
            let lp = e.get("litellm_provider")?.as_str()?;
            let provider = crate::providers::litellm_id(lp)?;
            let (model, _) = pricing::litellm::model_and_region(&s.key, lp);
            before
                .is_alias(provider, &model)
                .then(|| (provider.to_string(), model))
        })
        .collect();
    let mut g = generate::generate(&snapshots, &errors, &overrides, &curated, &aliases);
    let catalogues = super::audit::catalogues(&u.catalogues, None, None, before.checked_at())?;
    pricing::audit::grade_generated(&mut g.rows, &catalogues);
    super::generated::write_files(&out_dir, &g.rows)?;
    super::generated::write_delisted(&out_dir, &g.delisted)?;
    review(&before, &g, &errors);
    messages::info(format_args!(
        "wrote {} generated price rows to {}",
        g.rows.len(),
        out_dir.display()
    ));
    Ok(())
}

/// The review list: new and repriced series against the previous generated tier, suspicious
/// prices, keys left out, known errors applied (and those that matched nothing), canonical
/// coverage.
fn review(before: &PriceBook, g: &generate::Generated, errors: &[generate::KnownError]) {
    type Key = (String, String, Option<String>, Option<String>);
    let key = |r: &PriceRow| -> Key {
        (
            r.provider.clone(),
            r.model.clone(),
            r.region.clone(),
            r.service_tier.clone(),
        )
    };
    let latest = |rows: &mut dyn Iterator<Item = &PriceRow>| {
        let mut m: BTreeMap<Key, (String, String)> = BTreeMap::new();
        let mut at: BTreeMap<Key, i64> = BTreeMap::new();
        for r in rows {
            let k = key(r);
            if at.get(&k).is_none_or(|&t| r.effective_from_us >= t) {
                at.insert(k.clone(), r.effective_from_us);
                m.insert(k, (r.input.to_string(), r.output.to_string()));
            }
        }
        m
    };
    let old = latest(
        &mut before
            .rows()
            .iter()
            .filter(|r| r.tier == BookTier::Generated && r.rule.is_none()),
    );
    let new = latest(&mut g.rows.iter());
    let name = |k: &Key| {
        let mut s = format!("{}/{}", k.0, k.1);
        if let Some(r) = &k.2 {
            s.push_str(&format!("[{r}]"));
        }
        if let Some(t) = &k.3 {
            s.push_str(&format!("{{{t}}}"));
        }
        s
    };
    let added: Vec<&Key> = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let removed: Vec<&Key> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    messages::info(format_args!(
        "delisted: {} models whose LiteLLM keys were all deleted (their price ends there)",
        g.delisted.len()
    ));
    messages::info(format_args!(
        "review: {} new series, {} gone, {} repriced, {} suspicious, {} keys left out",
        added.len(),
        removed.len(),
        new.iter()
            .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
            .count(),
        g.review.suspicious.len(),
        g.review.skipped.len()
    ));
    for k in added {
        messages::detail(format_args!("new {}", name(k)));
    }
    for k in removed {
        messages::detail(format_args!("gone {}", name(k)));
    }
    for (k, v) in &new {
        if let Some(o) = old.get(k).filter(|o| *o != v) {
            messages::detail(format_args!(
                "repriced {}: ${} / ${} -> ${} / ${}",
                name(k),
                o.0,
                o.1,
                v.0,
                v.1
            ));
        }
    }
    for (k, m) in &g.review.suspicious {
        messages::detail(format_args!("suspicious {k}: {m}"));
    }
    for (k, m) in &g.review.skipped {
        messages::detail(format_args!("left out {k}: {m}"));
    }
    let unmatched: Vec<&generate::KnownError> = errors
        .iter()
        .filter(|e| !g.review.fixes_applied.contains(&e.line))
        .collect();
    messages::info(format_args!(
        "known errors: {} of {} applied{}",
        errors.len() - unmatched.len(),
        errors.len(),
        if unmatched.is_empty() {
            ""
        } else {
            "; these matched nothing:"
        }
    ));
    for e in unmatched {
        messages::detail(format_args!("line {}: {} {}", e.line, e.key, e.field));
    }
    let with = g
        .rows
        .iter()
        .filter(|r| r.canonical_model.is_some())
        .count();
    messages::info(format_args!(
        "canonical models: {with} of {} generated rows have one; {} keys are priced by curated rows instead",
        g.rows.len(),
        g.review.shadowed.len()
    ));
}
