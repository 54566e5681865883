//! The generated tier of the book: price rows made from LiteLLM's price map and its dated
//! history (`prices update`), with the known errors of LiteLLM fixed first.
//!
//! Every key of a provider tokenledger bills is followed through the history: each distinct set
//! of prices becomes a version that starts at the first snapshot showing it (an upper bound of
//! the real change, said in the row's provenance) and names its LiteLLM key and mirror commit.
//! Entries that are not token-priced text models, are free, or look like unit errors are left
//! out (their usage stays unpriced, never $0); suspicious changes are listed for review. Pure:
//! the command reads and writes the files.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::canonical::{canonical, Override};
pub use super::history::{parse_history, parse_overrides, snapshots_of_map, Snapshot};
use super::input::json_per_mtok;
pub use super::input::InputError;
pub use super::known_errors::{fix_entry, parse_known_errors, Fix, KnownError};
use super::litellm::model_and_region;
use super::row::{BookTier, PriceRow};
use crate::providers::litellm_id;
use crate::usage::format_timestamp_us;

/// A long-context tier: threshold, then input, output, cache-read and cache-write rates.
type LongTier = (
    u64,
    Decimal,
    Option<Decimal>,
    Option<Decimal>,
    Option<Decimal>,
);

/// The prices of one entry in one service tier, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prices {
    input: Decimal,
    output: Decimal,
    cache_read: Option<Decimal>,
    cache_write: Option<Decimal>,
    cache_write_1h: Option<Decimal>,
    reasoning: Option<Decimal>,
    batch_input: Option<Decimal>,
    batch_output: Option<Decimal>,
    long: Option<LongTier>,
}

/// The long-context tiers LiteLLM writes as `*_above_<N>k_tokens`.
const THRESHOLDS: [(u64, &str); 5] = [
    (128_000, "128k"),
    (200_000, "200k"),
    (256_000, "256k"),
    (272_000, "272k"),
    (512_000, "512k"),
];

/// The prices of `e` in `tier` (`""`, `priority`, `flex`), when it has input and output.
fn prices(e: &Map<String, Value>, tier: &str) -> Option<Prices> {
    let sfx = if tier.is_empty() {
        String::new()
    } else {
        format!("_{tier}")
    };
    let get = |f: &str| e.get(&format!("{f}{sfx}")).and_then(json_per_mtok);
    let input = get("input_cost_per_token")?;
    let output = get("output_cost_per_token")?;
    let long = THRESHOLDS.iter().find_map(|(t, name)| {
        let li = get(&format!("input_cost_per_token_above_{name}_tokens"))?;
        Some((
            *t,
            li,
            get(&format!("output_cost_per_token_above_{name}_tokens")),
            get(&format!("cache_read_input_token_cost_above_{name}_tokens")),
            get(&format!(
                "cache_creation_input_token_cost_above_{name}_tokens"
            )),
        ))
    });
    let standard = tier.is_empty();
    Some(Prices {
        input,
        output,
        cache_read: get("cache_read_input_token_cost")
            .or_else(|| get("input_cost_per_token_cache_hit")),
        cache_write: get("cache_creation_input_token_cost"),
        cache_write_1h: get("cache_creation_input_token_cost_above_1hr"),
        reasoning: get("output_cost_per_reasoning_token"),
        batch_input: standard
            .then(|| get("input_cost_per_token_batches"))
            .flatten(),
        batch_output: standard
            .then(|| get("output_cost_per_token_batches"))
            .flatten(),
        long,
    })
}

/// What `prices update` found, for the review list.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// (key, message) of suspicious prices or changes: > 3x jumps, input above output, a value
    /// that went back and forth.
    pub suspicious: Vec<(String, String)>,
    /// (key, reason) of keys left out.
    pub skipped: Vec<(String, String)>,
    /// Lines of the known-errors table that matched something.
    pub fixes_applied: BTreeSet<u64>,
    /// Keys whose model has a curated series or is a curated alias (the curated rows price it).
    pub shadowed: BTreeSet<String>,
}

/// The generated tier and its review.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub rows: Vec<PriceRow>,
    /// Models whose every series came from keys LiteLLM deleted: their price ends when the
    /// last key went (written to `generated/delisted.csv`; usage after it is priced at the
    /// last price with a warning, like a retirement).
    pub delisted: Vec<Delisted>,
    pub review: Review,
}

/// Which of several keys for the same series to keep: the lower rank wins. A key still in the
/// last snapshot beats one LiteLLM deleted (it kept `azure/claude-sonnet-4-5`, deleted on
/// 2025-12-11, over the live `azure_ai/claude-sonnet-4-5`); then Azure's explicit `global`
/// keys beat the bare one (which LiteLLM sometimes prices at the regional rate), and for
/// models Azure AI Foundry sells that are not OpenAI's, `azure_ai/` beats bare `azure/`.
fn key_rank(key: &str, live: bool, model: &str) -> (u8, u8) {
    let openai = crate::providers::publisher(None, model) == "OpenAI";
    let rank = if key.starts_with("azure/global-standard/")
        || key.starts_with("azure/global/")
        || (key.starts_with("azure_ai/") && !openai)
    {
        0
    } else if key.starts_with("bedrock_converse/") || key.starts_with("bedrock/") {
        2
    } else {
        1
    };
    (u8::from(!live), rank)
}

/// Splits an Azure key: `azure/global/gpt-4o` -> `gpt-4o` (Global Standard, the list price).
/// Data-zone keys (`azure/eu/...`, `azure/us/...`) are `None` twice over: the Data Zone price
/// is the Global one times the `azure-data-zone` rule, exactly (LiteLLM writes it rounded:
/// 1.38 for 1.375).
fn azure_key(key: &str) -> Option<Option<String>> {
    let rest = key.strip_prefix("azure/")?;
    for (prefix, data_zone) in [
        ("global-standard/", false),
        ("global/", false),
        ("eu/", true),
        ("us/", true),
    ] {
        if let Some(m) = rest.strip_prefix(prefix) {
            return Some((!data_zone).then(|| m.to_string()));
        }
    }
    None
}

/// The book's model id (and region, for `bedrock/<region>/...` keys) of a LiteLLM key of
/// `litellm_provider`, or `None` for keys the generated tier leaves out: Azure Data Zone keys
/// (a rule derives them) and ids no log of the provider carries.
pub fn book_id(key: &str, litellm_provider: &str) -> Option<(String, Option<String>)> {
    let (model, region) = match azure_key(key) {
        Some(Some(m)) => (m, None),
        Some(None) => return None,
        None => model_and_region(key, litellm_provider),
    };
    let provider = litellm_id(litellm_provider)?;
    crate::providers::plausible_model_id(provider, &model).then_some((model, region))
}

/// A generated series whose LiteLLM key disappeared: its price ends there (see
/// [`Generated::delisted`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delisted {
    pub provider: String,
    pub model: String,
    /// The first snapshot without the key.
    pub at_us: i64,
    pub commit: String,
    pub key: String,
}

/// Builds the generated rows from every key's snapshots.
pub fn generate(
    snapshots: &[Snapshot],
    errors: &[KnownError],
    overrides: &[Override],
    curated: &BTreeSet<(String, String)>,
    aliases: &BTreeSet<(String, String)>,
) -> Generated {
    let mut out = Generated::default();
    let mut by_key: BTreeMap<&str, Vec<&Snapshot>> = BTreeMap::new();
    for s in snapshots {
        by_key.entry(&s.key).or_default().push(s);
    }
    // (provider, model, region, tier) -> every key's candidate series.
    type Series = BTreeMap<(String, String, Option<String>, String), Vec<Candidate>>;
    let mut series: Series = BTreeMap::new();
    for (key, mut snaps) in by_key {
        snaps.sort_by_key(|s| s.seen_us);
        let Some(last) = snaps.iter().rev().find_map(|s| s.entry.as_ref()) else {
            continue;
        };
        let lp = last
            .get("litellm_provider")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(provider) = litellm_id(lp) else {
            continue;
        };
        let mode = last.get("mode").and_then(Value::as_str).unwrap_or("chat");
        if !matches!(mode, "chat" | "completion" | "responses") {
            continue;
        }
        let (model, region) = match azure_key(key) {
            Some(Some(m)) => (m, None),
            Some(None) => {
                out.review.skipped.push((
                    key.to_string(),
                    "Azure Data Zone price: derived from Global Standard by the azure-data-zone rule, exactly".into(),
                ));
                continue;
            }
            None => model_and_region(key, lp),
        };
        if !crate::providers::plausible_model_id(provider, &model) {
            out.review.skipped.push((
                key.to_string(),
                format!("{model:?} is not a model id {provider} logs carry (a mode or region written into the key)"),
            ));
            continue;
        }
        // Deleted: the last snapshot has no entry; the series ends at the first such snapshot
        // after the last one with an entry.
        let live = snaps.last().is_some_and(|s| s.entry.is_some());
        let gone = if live {
            None
        } else {
            let last_entry = snaps.iter().rposition(|s| s.entry.is_some());
            last_entry
                .and_then(|i| snaps.get(i + 1))
                .map(|s| (s.seen_us, s.commit.clone()))
        };
        let entries: Vec<&Map<String, Value>> =
            snaps.iter().filter_map(|s| s.entry.as_ref()).collect();
        for m in super::known_errors::siblings_left_wrong(key, &entries, errors) {
            out.review.suspicious.push((key.to_string(), m));
        }
        if curated.contains(&(provider.to_string(), model.clone())) {
            out.review.shadowed.insert(key.to_string());
        }
        if aliases.contains(&(provider.to_string(), model.clone())) {
            out.review.shadowed.insert(key.to_string());
            continue;
        }
        for tier in ["", "priority", "flex"] {
            let mut rows: Vec<PriceRow> = Vec::new();
            let mut seen_values: Vec<Prices> = Vec::new();
            for s in &snaps {
                let Some(entry) = s.entry.clone() else {
                    continue;
                };
                let Some(entry) = fix_entry(key, entry, errors, &mut out.review.fixes_applied)
                else {
                    continue;
                };
                let Some(p) = prices(&entry, tier) else {
                    continue;
                };
                if rows.last().is_some_and(|r| same(r, &p)) {
                    continue;
                }
                if p.input.is_zero() && p.output.is_zero() {
                    if tier.is_empty() {
                        out.review
                            .skipped
                            .push((key.to_string(), "free ($0): left unpriced".into()));
                    }
                    continue;
                }
                if let Some(bad) = unit_error(&p) {
                    out.review.skipped.push((key.to_string(), bad));
                    continue;
                }
                if let Some(prev) = seen_values.last() {
                    review_change(key, tier, prev, &p, &seen_values, &mut out.review);
                } else if !p.output.is_zero() && p.input > p.output * Decimal::from(2) {
                    out.review.suspicious.push((
                        key.to_string(),
                        format!(
                            "input ${} is above 2x output ${} (swapped?)",
                            p.input, p.output
                        ),
                    ));
                }
                seen_values.push(p.clone());
                let mut row = PriceRow::new(
                    provider,
                    &model,
                    (s.seen_us, &format_timestamp_us(s.seen_us)),
                    p.input,
                    p.output,
                    BookTier::Generated,
                );
                row.region = region.clone();
                row.cache_read = p.cache_read;
                row.cache_write = p.cache_write;
                row.cache_write_1h = p.cache_write_1h;
                row.reasoning = p.reasoning;
                row.batch_input = p.batch_input;
                row.batch_output = p.batch_output;
                if let Some((t, li, lo, lcr, lcw)) = p.long {
                    row.long_context_threshold = Some(t);
                    row.long_input = Some(li);
                    row.long_output = lo;
                    row.long_cache_read = lcr;
                    row.long_cache_write = lcw;
                }
                row.service_tier = Some(tier.to_string()).filter(|t| !t.is_empty());
                row.canonical_model = canonical(provider, &model, overrides);
                row.source = Some(format!(
                    "https://github.com/RoCry/llm-api-price/commit/{}",
                    s.commit
                ));
                row.evidence = Some(
                    "LiteLLM price map; effective_from is the first mirror snapshot showing this price (the change happened at or before it)".into(),
                );
                row.confidence = Some("low".into());
                row.litellm_key = Some(key.to_string());
                row.litellm_commit = Some(s.commit.clone());
                rows.push(row);
            }
            if rows.is_empty() {
                continue;
            }
            let skey = (
                provider.to_string(),
                model.clone(),
                region.clone(),
                tier.to_string(),
            );
            series.entry(skey).or_default().push(Candidate {
                rank: key_rank(key, live, &model),
                key: key.to_string(),
                rows,
                gone: gone.clone(),
            });
        }
    }
    // The best key of each series; the history of the others fills in before it starts (a
    // renamed key keeps the months before the rename priced).
    // (provider, model) -> per series: when, in which commit and under which key it ended.
    type Ends = BTreeMap<(String, String), Vec<Option<(i64, String, String)>>>;
    let mut ends: Ends = BTreeMap::new();
    for ((provider, model, _, tier), mut cands) in series {
        cands.sort_by(|a, b| (a.rank, &a.key).cmp(&(b.rank, &b.key)));
        let best = cands.remove(0);
        let start = best.rows.first().map_or(i64::MAX, |r| r.effective_from_us);
        let mut rows: Vec<PriceRow> = Vec::new();
        if let Some(earlier) = cands
            .iter()
            .filter(|c| c.rows.first().is_some_and(|r| r.effective_from_us < start))
            .min_by_key(|c| c.rows.first().map(|r| r.effective_from_us))
        {
            rows.extend(
                earlier
                    .rows
                    .iter()
                    .filter(|r| r.effective_from_us < start)
                    .cloned(),
            );
        }
        for c in &cands {
            if tier.is_empty() {
                out.review.skipped.push((
                    c.key.clone(),
                    format!("same model as {}, which is kept", best.key),
                ));
            }
        }
        ends.entry((provider, model)).or_default().push(
            best.gone
                .clone()
                .map(|(at, commit)| (at, commit, best.key.clone())),
        );
        rows.extend(best.rows);
        out.rows.extend(rows);
    }
    // A model is delisted when every one of its series came from a deleted key.
    for ((provider, model), gone) in ends {
        if gone.iter().all(Option::is_some) {
            if let Some((at_us, commit, key)) = gone.into_iter().flatten().max_by_key(|g| g.0) {
                out.delisted.push(Delisted {
                    provider,
                    model,
                    at_us,
                    commit,
                    key,
                });
            }
        }
    }
    out
}

/// One key's version of a series, before the best key is chosen.
struct Candidate {
    rank: (u8, u8),
    key: String,
    rows: Vec<PriceRow>,
    /// When and in which mirror commit the key disappeared, if it did.
    gone: Option<(i64, String)>,
}

/// Whether a row already has these prices.
fn same(r: &PriceRow, p: &Prices) -> bool {
    r.input == p.input
        && r.output == p.output
        && r.cache_read == p.cache_read
        && r.cache_write == p.cache_write
        && r.cache_write_1h == p.cache_write_1h
        && r.reasoning == p.reasoning
        && r.batch_input == p.batch_input
        && r.batch_output == p.batch_output
        && r.long_context_threshold == p.long.map(|l| l.0)
        && r.long_input == p.long.map(|l| l.1)
        && r.long_output == p.long.and_then(|l| l.2)
        && r.long_cache_read == p.long.and_then(|l| l.3)
        && r.long_cache_write == p.long.and_then(|l| l.4)
}

/// A price above $1,000 or (non-zero) below $0.000001 per million tokens is a unit error.
fn unit_error(p: &Prices) -> Option<String> {
    let hi = Decimal::from(1000);
    let lo = Decimal::new(1, 6);
    for (name, v) in [("input", p.input), ("output", p.output)] {
        if v > hi || (!v.is_zero() && v < lo) {
            return Some(format!(
                "{name} ${v} per million looks like a unit error: left out"
            ));
        }
    }
    None
}

/// Flags a change of more than 3x, or back to a value seen before.
fn review_change(
    key: &str,
    tier: &str,
    prev: &Prices,
    p: &Prices,
    seen: &[Prices],
    review: &mut Review,
) {
    let three = Decimal::from(3);
    let tier = if tier.is_empty() {
        String::new()
    } else {
        format!(" ({tier})")
    };
    for (name, a, b) in [
        ("input", prev.input, p.input),
        ("output", prev.output, p.output),
    ] {
        if !a.is_zero() && !b.is_zero() && (b > a * three || a > b * three) {
            review.suspicious.push((
                key.to_string(),
                format!("{name}{tier} ${a} -> ${b}: more than 3x"),
            ));
        }
    }
    if seen.len() >= 2 && seen[..seen.len() - 1].contains(p) {
        review.suspicious.push((
            key.to_string(),
            format!(
                "prices{tier} went back to an earlier version (${} / ${})",
                p.input, p.output
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::parse_timestamp_us;

    fn snap(key: &str, seen: &str, entry: &str) -> Snapshot {
        Snapshot {
            key: key.into(),
            seen_us: parse_timestamp_us(seen).unwrap(),
            commit: format!("c{}", &seen[..10]),
            entry: crate::pricing::input::parse_json(entry)
                .unwrap()
                .as_object()
                .cloned(),
        }
    }

    #[test]
    fn versions_start_at_first_sight_and_known_errors_are_fixed() {
        let e = |i: &str, o: &str| {
            format!(
                r#"{{"litellm_provider":"groq","mode":"chat","input_cost_per_token":{i},"output_cost_per_token":{o}}}"#
            )
        };
        let snaps = vec![
            snap("groq/m", "2025-02-06T10:00:00Z", &e("5e-07", "7.7e-07")),
            snap("groq/m", "2025-03-01T10:00:00Z", &e("5e-07", "7.7e-07")),
            snap("groq/m", "2025-05-14T21:06:22Z", &e("2e-07", "6e-07")),
            // A 10x typo for a week, then fixed.
            snap("groq/m", "2025-06-01T00:00:00Z", &e("2e-06", "6e-07")),
            snap("groq/m", "2025-06-08T00:00:00Z", &e("2e-07", "6e-07")),
            snap(
                "xai/free",
                "2025-02-06T10:00:00Z",
                r#"{"litellm_provider":"groq","mode":"chat","input_cost_per_token":0.0,"output_cost_per_token":0.0}"#,
            ),
            snap(
                "groq/whisper",
                "2025-02-06T10:00:00Z",
                r#"{"litellm_provider":"groq","mode":"audio_transcription","input_cost_per_token":1e-06,"output_cost_per_token":1e-06}"#,
            ),
        ];
        let errors = parse_known_errors(
            "litellm_key,field,seen_from,wrong_value,right_value_or_drop,evidence_url\n\
             groq/m,input_cost_per_token,2025-06-01,2e-06,drop,https://example.org/fix\n",
        )
        .unwrap();
        let g = generate(&snaps, &errors, &[], &BTreeSet::new(), &BTreeSet::new());
        let got: Vec<(String, String, String)> = g
            .rows
            .iter()
            .map(|r| {
                (
                    r.effective_from.clone(),
                    r.input.to_string(),
                    r.output.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("2025-02-06T10:00:00Z".into(), "0.5".into(), "0.77".into()),
                ("2025-05-14T21:06:22Z".into(), "0.2".into(), "0.6".into()),
            ]
        );
        let r = &g.rows[1];
        assert_eq!(r.litellm_key.as_deref(), Some("groq/m"));
        assert_eq!(r.litellm_commit.as_deref(), Some("c2025-05-14"));
        assert_eq!(r.tier, BookTier::Generated);
        assert!(g.review.fixes_applied.contains(&2));
        assert!(g
            .review
            .skipped
            .iter()
            .any(|(k, m)| k == "xai/free" && m.contains("$0")));
        assert!(g.rows.iter().all(|r| r.model != "whisper"));
    }

    #[test]
    fn tiers_long_context_and_back_and_forth_are_read() {
        let snaps = vec![
            snap(
                "gpt-x",
                "2026-03-05T00:00:00Z",
                r#"{"litellm_provider":"openai","mode":"chat",
                "input_cost_per_token":2.5e-06,"output_cost_per_token":1.5e-05,"cache_read_input_token_cost":2.5e-07,
                "input_cost_per_token_above_272k_tokens":5e-06,"output_cost_per_token_above_272k_tokens":2.25e-05,
                "input_cost_per_token_priority":5e-06,"output_cost_per_token_priority":3e-05,
                "input_cost_per_token_batches":1.25e-06,"output_cost_per_token_batches":7.5e-06}"#,
            ),
            snap(
                "gpt-x",
                "2026-04-01T00:00:00Z",
                r#"{"litellm_provider":"openai","mode":"chat","input_cost_per_token":1e-05,"output_cost_per_token":1.5e-05}"#,
            ),
            snap(
                "gpt-x",
                "2026-04-02T00:00:00Z",
                r#"{"litellm_provider":"openai","mode":"chat",
                "input_cost_per_token":2.5e-06,"output_cost_per_token":1.5e-05,"cache_read_input_token_cost":2.5e-07,
                "input_cost_per_token_above_272k_tokens":5e-06,"output_cost_per_token_above_272k_tokens":2.25e-05,
                "input_cost_per_token_priority":5e-06,"output_cost_per_token_priority":3e-05,
                "input_cost_per_token_batches":1.25e-06,"output_cost_per_token_batches":7.5e-06}"#,
            ),
        ];
        let g = generate(&snaps, &[], &[], &BTreeSet::new(), &BTreeSet::new());
        let standard: Vec<&PriceRow> = g.rows.iter().filter(|r| r.service_tier.is_none()).collect();
        assert_eq!(standard.len(), 3);
        assert_eq!(standard[0].long_context_threshold, Some(272_000));
        assert_eq!(standard[0].long_output, Some("22.5".parse().unwrap()));
        assert_eq!(standard[0].batch_input, Some("1.25".parse().unwrap()));
        assert_eq!(standard[0].canonical_model.as_deref(), Some("gpt-x"));
        let priority: Vec<&PriceRow> = g
            .rows
            .iter()
            .filter(|r| r.service_tier.as_deref() == Some("priority"))
            .collect();
        assert_eq!(priority.len(), 1, "{priority:?}");
        assert_eq!(priority[0].input, Decimal::from(5));
        assert!(g
            .review
            .suspicious
            .iter()
            .any(|(_, m)| m.contains("more than 3x")));
        assert!(g
            .review
            .suspicious
            .iter()
            .any(|(_, m)| m.contains("went back")));
    }

    #[test]
    fn azure_global_keys_win_over_the_bare_key() {
        let e = |i: &str| {
            format!(
                r#"{{"litellm_provider":"azure","mode":"chat","input_cost_per_token":{i},"output_cost_per_token":1e-05}}"#
            )
        };
        let snaps = vec![
            snap(
                "azure/gpt-4o-2024-11-20",
                "2025-02-06T00:00:00Z",
                &e("2.75e-06"),
            ),
            snap(
                "azure/global/gpt-4o-2024-11-20",
                "2025-02-06T00:00:00Z",
                &e("2.5e-06"),
            ),
            snap(
                "azure/eu/gpt-4o-2024-11-20",
                "2025-02-06T00:00:00Z",
                &e("2.75e-06"),
            ),
        ];
        let g = generate(&snaps, &[], &[], &BTreeSet::new(), &BTreeSet::new());
        let got: Vec<(Option<String>, String)> = g
            .rows
            .iter()
            .map(|r| (r.region.clone(), r.input.to_string()))
            .collect();
        // The Data Zone key is left to the azure-data-zone rule (exact x1.1 of Global).
        assert_eq!(got, vec![(None, "2.5".into())]);
        assert!(g
            .review
            .skipped
            .iter()
            .any(|(k, m)| k == "azure/eu/gpt-4o-2024-11-20" && m.contains("azure-data-zone")));
    }

    fn claude(cache: bool) -> String {
        let c = if cache {
            r#","cache_read_input_token_cost":3e-07"#
        } else {
            ""
        };
        format!(
            r#"{{"litellm_provider":"azure_ai","mode":"chat","input_cost_per_token":3e-06,"output_cost_per_token":1.5e-05{c}}}"#
        )
    }

    #[test]
    fn a_live_key_beats_a_deleted_one_and_a_deleted_key_ends_its_series() {
        // LiteLLM kept azure/claude-sonnet-4-5 (no cache price) until 2025-12-11 and has had
        // azure_ai/claude-sonnet-4-5 since 2025-12-11: the live key wins, the deleted one
        // fills in before it. A model whose only key was deleted is delisted then.
        let none = r#"null"#;
        let mut snaps = vec![
            snap(
                "azure/claude-sonnet-4-5",
                "2025-11-25T19:07:21Z",
                &claude(false),
            ),
            snap(
                "azure_ai/claude-sonnet-4-5",
                "2025-12-11T11:08:26Z",
                &claude(true),
            ),
            snap("azure/claude-old", "2025-11-25T19:07:21Z", &claude(false)),
        ];
        for k in ["azure/claude-sonnet-4-5", "azure/claude-old"] {
            let mut s = snap(k, "2025-12-11T11:08:26Z", none);
            s.entry = None;
            snaps.push(s);
        }
        let g = generate(&snaps, &[], &[], &BTreeSet::new(), &BTreeSet::new());
        let sonnet: Vec<(String, Option<String>, Option<String>)> = g
            .rows
            .iter()
            .filter(|r| r.model == "claude-sonnet-4-5")
            .map(|r| {
                (
                    r.effective_from.clone(),
                    r.cache_read.map(|c| c.to_string()),
                    r.litellm_key.clone(),
                )
            })
            .collect();
        assert_eq!(
            sonnet,
            vec![
                (
                    "2025-11-25T19:07:21Z".into(),
                    None,
                    Some("azure/claude-sonnet-4-5".into())
                ),
                (
                    "2025-12-11T11:08:26Z".into(),
                    Some("0.3".into()),
                    Some("azure_ai/claude-sonnet-4-5".into())
                ),
            ]
        );
        let delisted: Vec<(&str, &str)> = g
            .delisted
            .iter()
            .map(|d| (d.model.as_str(), d.key.as_str()))
            .collect();
        assert_eq!(delisted, vec![("claude-old", "azure/claude-old")]);
        assert_eq!(
            format_timestamp_us(g.delisted[0].at_us),
            "2025-12-11T11:08:26Z"
        );
    }

    #[test]
    fn keys_that_are_no_model_id_of_the_provider_are_not_emitted() {
        let e = |lp: &str| {
            format!(
                r#"{{"litellm_provider":"{lp}","mode":"chat","input_cost_per_token":3e-05,"output_cost_per_token":1.5e-04}}"#
            )
        };
        let snaps = vec![
            snap(
                "fast/claude-opus-4-6",
                "2026-02-09T00:00:00Z",
                &e("anthropic"),
            ),
            snap(
                "us/claude-opus-4-6",
                "2026-02-09T00:00:00Z",
                &e("anthropic"),
            ),
            snap(
                "anthropic.claude-haiku-4-5@20251001",
                "2026-02-09T00:00:00Z",
                &e("bedrock"),
            ),
            snap("claude-opus-4-6", "2026-02-09T00:00:00Z", &e("anthropic")),
        ];
        let g = generate(&snaps, &[], &[], &BTreeSet::new(), &BTreeSet::new());
        let models: Vec<&str> = g.rows.iter().map(|r| r.model.as_str()).collect();
        assert_eq!(models, vec!["claude-opus-4-6"]);
    }

    #[test]
    fn a_known_error_for_every_price_of_an_entry_scales_them_all_exactly() {
        // A geo profile priced at the global rate: every price is 1/1.1 of the right one.
        // applies_to=all moves them all by 3.3/3 = 1.1: 1.25 -> 1.375 (never LiteLLM's 1.38).
        let e = r#"{"litellm_provider":"bedrock","mode":"chat","input_cost_per_token":3e-06,"output_cost_per_token":1.5e-05,"cache_read_input_token_cost":3e-07,"cache_creation_input_token_cost":1.25e-06}"#;
        let snaps = vec![snap("us.anthropic.m-v1:0", "2025-09-29T21:07:05Z", e)];
        let errors = parse_known_errors(
            "litellm_key,field,seen_from,wrong_value,right_value_or_drop,evidence_url,note,applies_to\n\
             us.anthropic.m-v1:0,input_cost_per_token,2025-09-29,3e-06,3.3e-06,https://example.org/x,geo,all\n",
        )
        .unwrap();
        let g = generate(&snaps, &errors, &[], &BTreeSet::new(), &BTreeSet::new());
        let r = &g.rows[0];
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            (r.input, r.output, r.cache_read, r.cache_write),
            (d("3.3"), d("16.5"), Some(d("0.33")), Some(d("1.375")))
        );
    }

    #[test]
    fn a_fix_that_leaves_a_sibling_with_the_same_error_is_named() {
        // LiteLLM had the whole entry 10x and later fixed input and cache together; the known
        // error states input only: the review names cache_read.
        let e = |i: &str, c: &str| {
            format!(
                r#"{{"litellm_provider":"bedrock","mode":"chat","input_cost_per_token":{i},"output_cost_per_token":1.65e-05,"cache_read_input_token_cost":{c}}}"#
            )
        };
        let snaps = vec![
            snap(
                "us.m-v1:0",
                "2025-10-07T04:09:00Z",
                &e("3.3e-05", "3.3e-06"),
            ),
            snap(
                "us.m-v1:0",
                "2025-10-12T00:34:00Z",
                &e("3.3e-06", "3.3e-07"),
            ),
        ];
        let errors = parse_known_errors(
            "litellm_key,field,seen_from,wrong_value,right_value_or_drop,evidence_url\n\
             us.m-v1:0,input_cost_per_token,2025-10-07,3.3e-05,3.3e-06,https://example.org/x\n",
        )
        .unwrap();
        let g = generate(&snaps, &errors, &[], &BTreeSet::new(), &BTreeSet::new());
        assert!(
            g.review.suspicious.iter().any(|(_, m)| m
                .contains("corrects input_cost_per_token x0.1 but cache_read_input_token_cost has the same error")),
            "{:?}",
            g.review.suspicious
        );
    }
}
