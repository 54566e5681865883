//! `tokenledger prices update`: regenerate the generated tier of the book from LiteLLM's price
//! map and its dated history, and print what a reviewer should look at. Curated files are
//! never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::messages;
use super::UsageError;
use crate::pricing::generate::{self, Snapshot};
use crate::pricing::{self, BookTier, PriceBook, PriceRow};

/// Where the generator's inputs live inside the book folder.
const KNOWN_ERRORS: &str = "litellm/known-errors.csv";
const CANONICAL: &str = "litellm/canonical.csv";

pub(super) fn read_text(path: &Path) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut text = String::new();
    let gz = path.extension().is_some_and(|e| e == "gz");
    let mut r: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    r.read_to_string(&mut text)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text)
}

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
    let map = read_text(&u.litellm)?;
    let snapshots: Vec<Snapshot> = match &u.history {
        Some(h) => {
            let mut s =
                generate::parse_history(&read_text(h)?).with_context(|| h.display().to_string())?;
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
    let errors = generate::parse_known_errors(&read_text(&errors_path)?)
        .with_context(|| errors_path.display().to_string())?;
    let canonical_path = u.pricing.join(CANONICAL);
    let overrides = if canonical_path.exists() {
        generate::parse_overrides(&read_text(&canonical_path)?)
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
    write_files(&out_dir, &g.rows)?;
    write_delisted(&out_dir, &g.delisted)?;
    review(&before, &g, &errors);
    messages::info(format_args!(
        "wrote {} generated price rows to {}",
        g.rows.len(),
        out_dir.display()
    ));
    Ok(())
}

/// Writes one CSV per provider (and removes generated files of providers that have none now).
fn write_files(dir: &Path, rows: &[PriceRow]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut by_provider: BTreeMap<&str, Vec<&PriceRow>> = BTreeMap::new();
    for r in rows {
        by_provider.entry(&r.provider).or_default().push(r);
    }
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let name = p.file_name().and_then(|s| s.to_str()).unwrap_or("");
        if p.extension().is_some_and(|e| e == "csv")
            && !by_provider.contains_key(stem)
            && name != pricing::load::DELISTED_FILE
        {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    for (provider, mut rows) in by_provider {
        rows.sort_by(|a, b| {
            (&a.model, &a.region, &a.service_tier, a.effective_from_us).cmp(&(
                &b.model,
                &b.region,
                &b.service_tier,
                b.effective_from_us,
            ))
        });
        let path = dir.join(format!("{provider}.csv"));
        let tmp = dir.join(format!(".{provider}.csv.tmp"));
        let mut w = csv::Writer::from_path(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        w.write_record(pricing::col::ALL)?;
        for r in rows {
            w.write_record(pricing::table_record(r))?;
        }
        w.flush()?;
        drop(w);
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Writes `delisted.csv`: the models whose every LiteLLM key disappeared, and when.
fn write_delisted(dir: &Path, delisted: &[generate::Delisted]) -> anyhow::Result<()> {
    let path = dir.join(pricing::load::DELISTED_FILE);
    let tmp = dir.join(format!(".{}.tmp", pricing::load::DELISTED_FILE));
    let mut w =
        csv::Writer::from_path(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    w.write_record([
        "provider",
        "model",
        "delisted_at",
        "litellm_key",
        "litellm_commit",
    ])?;
    let mut sorted: Vec<&generate::Delisted> = delisted.iter().collect();
    sorted.sort_by(|a, b| (&a.provider, &a.model).cmp(&(&b.provider, &b.model)));
    for d in sorted {
        w.write_record([
            d.provider.as_str(),
            d.model.as_str(),
            &crate::usage::format_timestamp_us(d.at_us),
            d.key.as_str(),
            d.commit.as_str(),
        ])?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
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
