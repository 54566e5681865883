//! Import of LiteLLM's `model_prices_and_context_window.json` (USD per token, no dates).
//!
//! Maps LiteLLM provider names and keys to tokenledger's provider ids and model ids, converts
//! per-token prices to per-million exactly (via the shortest decimal text of each number), flags
//! entries that look wrong (unit errors, swapped input/output), and proposes new price versions
//! only where a price differs from the version in force in the current book.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::input::{json_per_mtok, parse_json, InputError};
use super::{BookTier, Lookup, PriceBook, PriceRow, Query};
use crate::providers::litellm_id;

/// One LiteLLM entry, converted to USD per million tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub provider: &'static str,
    pub model: String,
    pub region: Option<String>,
    pub input: Decimal,
    pub output: Decimal,
    pub cache_read: Option<Decimal>,
    pub cache_write: Option<Decimal>,
    pub cache_write_1h: Option<Decimal>,
    pub batch_input: Option<Decimal>,
    pub batch_output: Option<Decimal>,
    pub long_input: Option<Decimal>,
    pub long_output: Option<Decimal>,
}

/// What an import found.
#[derive(Debug, Clone, Default)]
pub struct Import {
    pub entries: Vec<Entry>,
    /// (key, reason) of entries that were not imported.
    pub skipped: Vec<(String, String)>,
    /// (key, message) of entries that look wrong; they are imported only if `keep_anomalies`.
    pub anomalies: Vec<(String, String)>,
}

/// Splits a LiteLLM key into (model id, region): `bedrock/us-east-1/meta.llama3...` ->
/// (`meta.llama3...`, `us-east-1`); `together_ai/meta-llama/Llama...` -> `meta-llama/Llama...`.
pub fn model_and_region(key: &str, litellm_provider: &str) -> (String, Option<String>) {
    let mut rest = key;
    for prefix in [
        litellm_provider,
        "bedrock",
        "azure_ai",
        "azure",
        "vertex_ai",
        "gemini",
        "together_ai",
        "fireworks_ai",
        "deepinfra",
        "groq",
        "mistral",
        "deepseek",
        "meta_llama",
        "anthropic",
        "openai",
        "xai",
        "openrouter",
        "cohere_chat",
        "cohere",
    ] {
        if let Some(r) = rest.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
            rest = r;
            break;
        }
    }
    if litellm_provider.starts_with("bedrock") {
        // bedrock/<region>/<model> or bedrock/<tier>/<region>/<model>
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() >= 2 {
            let region = parts[parts.len() - 2];
            if region.contains('-') && region.chars().any(|c| c.is_ascii_digit()) {
                return (parts[parts.len() - 1].to_string(), Some(region.to_string()));
            }
        }
    }
    (rest.to_string(), None)
}

/// Parses the LiteLLM JSON into entries, skipping non-model keys and non-token pricing.
pub fn parse(text: &str) -> Result<Import, InputError> {
    let root: Value = parse_json(text)?;
    let obj = root.as_object().ok_or(InputError::NotAnObject)?;
    let mut out = Import::default();
    for (key, v) in obj {
        if key == "sample_spec" {
            continue;
        }
        let Some(e) = v.as_object() else {
            out.skipped.push((key.clone(), "not an object".into()));
            continue;
        };
        let lp = e
            .get("litellm_provider")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(provider) = litellm_id(lp) else {
            out.skipped
                .push((key.clone(), format!("provider {lp:?} is not mapped")));
            continue;
        };
        let mode = e.get("mode").and_then(Value::as_str).unwrap_or("chat");
        if !matches!(mode, "chat" | "completion" | "responses") {
            out.skipped.push((
                key.clone(),
                format!("mode {mode:?} is not token-priced text"),
            ));
            continue;
        }
        let get = |k: &str| e.get(k).and_then(json_per_mtok);
        let (Some(input), Some(output)) =
            (get("input_cost_per_token"), get("output_cost_per_token"))
        else {
            out.skipped
                .push((key.clone(), "no input/output token price".into()));
            continue;
        };
        let (model, region) = model_and_region(key, lp);
        let entry = Entry {
            key: key.clone(),
            provider,
            model,
            region,
            input,
            output,
            cache_read: get("cache_read_input_token_cost"),
            cache_write: get("cache_creation_input_token_cost"),
            cache_write_1h: get("cache_creation_input_token_cost_above_1hr"),
            batch_input: get("input_cost_per_token_batches"),
            batch_output: get("output_cost_per_token_batches"),
            long_input: get("input_cost_per_token_above_200k_tokens"),
            long_output: get("output_cost_per_token_above_200k_tokens"),
        };
        let problems = anomalies(&entry);
        if problems.is_empty() {
            out.entries.push(entry);
        } else {
            for p in problems {
                out.anomalies.push((key.clone(), p));
            }
        }
    }
    Ok(out)
}

/// Reasons an entry looks wrong: a unit error (above $1,000 or, non-zero, below $0.001 per
/// million), input above output (swapped?), cache reads above input.
pub fn anomalies(e: &Entry) -> Vec<String> {
    let mut v = Vec::new();
    let hi = Decimal::from(1000);
    let lo = Decimal::new(1, 3);
    for (name, p) in [("input", e.input), ("output", e.output)] {
        if p > hi {
            v.push(format!(
                "{name} ${p} per million looks like a unit error (above $1,000)"
            ));
        } else if !p.is_zero() && p < lo {
            v.push(format!(
                "{name} ${p} per million looks like a unit error (below $0.001)"
            ));
        }
    }
    // For chat models output tokens cost more than input tokens almost everywhere; an entry
    // the other way round is most often a swapped pair.
    if !e.output.is_zero() && e.input > e.output {
        v.push(format!(
            "input ${} is above output ${} (swapped?)",
            e.input, e.output
        ));
    }
    if let Some(cr) = e.cache_read {
        if cr > e.input {
            v.push(format!("cache read ${cr} is above input ${}", e.input));
        }
    }
    v
}

/// A proposed new version: the full row to add, and the version it would follow (if any).
#[derive(Debug, Clone)]
pub struct Change {
    pub entry: Entry,
    /// The new version: the version in force with LiteLLM's prices on top, so rates LiteLLM
    /// does not carry (reasoning, long-context cache, ...) are kept.
    pub row: PriceRow,
    /// `None` for a model new to the book.
    pub previous: Option<String>,
    pub what: String,
}

fn dec(v: Option<Decimal>) -> String {
    v.map_or("(none)".to_string(), |d| d.to_string())
}

/// Every rate of a row, named, for comparisons.
pub fn named_rates(r: &PriceRow) -> Vec<(&'static str, Option<Decimal>)> {
    vec![
        ("input", Some(r.input)),
        ("output", Some(r.output)),
        ("cache_read", r.cache_read),
        ("cache_write", r.cache_write),
        ("cache_write_1h", r.cache_write_1h),
        ("reasoning", r.reasoning),
        ("batch_input", r.batch_input),
        ("batch_output", r.batch_output),
        (
            "long_context_threshold",
            r.long_context_threshold.map(Decimal::from),
        ),
        ("long_input", r.long_input),
        ("long_output", r.long_output),
        ("long_cache_read", r.long_cache_read),
        ("long_cache_write", r.long_cache_write),
    ]
}

/// Compares entries with the versions in force at `at_us`: only differing prices become
/// changes. Entries are sorted by provider and model; the first entry of a (provider, model,
/// region) wins when LiteLLM lists one model under several keys.
pub fn diff(
    book: &PriceBook,
    import: &Import,
    effective_from: &str,
    at_us: i64,
    source: &str,
) -> (Vec<Change>, usize) {
    let mut seen = BTreeMap::new();
    for e in &import.entries {
        // LiteLLM often lists undated aliases: compare with the id the book prices.
        let mut e = e.clone();
        e.model = book.resolve_model(e.provider, &e.model).to_string();
        seen.entry((e.provider, e.model.clone(), e.region.clone()))
            .or_insert(e);
    }
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for e in seen.values() {
        let q = Query {
            region: e.region.as_deref(),
            ..Query::new(e.provider, &e.model, at_us)
        };
        let previous = match book.lookup(q) {
            Lookup::Priced(row) if row.region == e.region && row.model == e.model => Some(row),
            _ => None,
        };
        let mut row = previous.cloned().unwrap_or_else(|| {
            let mut r = PriceRow::new(
                e.provider,
                &e.model,
                (at_us, effective_from),
                e.input,
                e.output,
                BookTier::Curated,
            );
            r.region = e.region.clone();
            r
        });
        row.effective_from_us = at_us;
        row.effective_from = effective_from.to_string();
        row.input = e.input;
        row.output = e.output;
        let set = |slot: &mut Option<Decimal>, v: Option<Decimal>| {
            if v.is_some() {
                *slot = v;
            }
        };
        set(&mut row.cache_read, e.cache_read);
        set(&mut row.cache_write, e.cache_write);
        set(&mut row.cache_write_1h, e.cache_write_1h);
        set(&mut row.batch_input, e.batch_input);
        set(&mut row.batch_output, e.batch_output);
        set(&mut row.long_input, e.long_input);
        set(&mut row.long_output, e.long_output);
        if row.long_input.is_some() && row.long_context_threshold.is_none() {
            // LiteLLM's long-context fields are all named *_above_200k_tokens.
            row.long_context_threshold = Some(200_000);
        }
        row.source = Some(format!("{source} key {}", e.key));
        match previous {
            Some(prev) => {
                let diffs: Vec<String> = named_rates(prev)
                    .into_iter()
                    .zip(named_rates(&row))
                    .filter(|(a, b)| a.1 != b.1)
                    .map(|(a, b)| format!("{} {} -> {}", a.0, dec(a.1), dec(b.1)))
                    .collect();
                if diffs.is_empty() {
                    unchanged += 1;
                } else {
                    changes.push(Change {
                        entry: e.clone(),
                        row,
                        previous: Some(prev.version_id()),
                        what: diffs.join(", "),
                    });
                }
            }
            None => changes.push(Change {
                entry: e.clone(),
                row,
                previous: None,
                what: "new model".into(),
            }),
        }
    }
    (changes, unchanged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_model_and_region() {
        assert_eq!(
            model_and_region(
                "bedrock/us-east-1/meta.llama3-1-70b-instruct-v1:0",
                "bedrock"
            ),
            (
                "meta.llama3-1-70b-instruct-v1:0".into(),
                Some("us-east-1".into())
            )
        );
        assert_eq!(
            model_and_region(
                "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
                "together_ai"
            ),
            ("meta-llama/Llama-3.3-70B-Instruct-Turbo".into(), None)
        );
        assert_eq!(
            model_and_region("gpt-4o", "openai"),
            ("gpt-4o".into(), None)
        );
        assert_eq!(litellm_id("bedrock_converse"), Some("aws-bedrock"));
        assert_eq!(litellm_id("novita"), None);
    }

    #[test]
    fn anomalies_flag_units_and_swaps() {
        let text = r#"{
          "sample_spec": {"input_cost_per_token": 0},
          "good": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06},
          "units": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.0, "output_cost_per_token": 8.0},
          "swapped": {"litellm_provider": "azure_ai", "mode": "chat", "input_cost_per_token": 1.41e-05, "output_cost_per_token": 3.5e-07},
          "embed": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-07, "output_cost_per_token": 0},
          "other": {"litellm_provider": "novita", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06}
        }"#;
        let imp = parse(text).unwrap();
        assert_eq!(imp.entries.len(), 1);
        assert_eq!(imp.entries[0].key, "good");
        assert!(imp
            .anomalies
            .iter()
            .any(|(k, m)| k == "units" && m.contains("unit error")));
        assert!(imp
            .anomalies
            .iter()
            .any(|(k, m)| k == "swapped" && m.contains("swapped")));
        assert_eq!(imp.skipped.len(), 2);
    }
}
