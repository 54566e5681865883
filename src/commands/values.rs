//! Values named on the command line checked against the price book: a provider or model
//! that the book does not know but nearly does (`--where provider=bedrock`, `--budget
//! provider=opnai:100`, `--billing-account opnai=...`) is a typo, said with the name meant.

use super::messages;
use super::settings::UsageSettings;
use super::UsageError;
use crate::pricing::PriceBook;
use crate::usage::col;

/// `None` when the book knows provider `p` (ASCII case ignored); else what to say after "no
/// provider is called p": the provider meant (`bedrock` is LiteLLM's name for `aws-bedrock`,
/// `openai` is in `opnai`'s place only by a close name) or the list of providers.
pub fn unknown_provider(book: &PriceBook, p: &str) -> Option<String> {
    let known: std::collections::BTreeSet<&str> =
        book.rows().iter().map(|r| r.provider.as_str()).collect();
    let lower = p.to_lowercase();
    if known.contains(lower.as_str()) {
        return None;
    }
    let mapped = [
        crate::providers::from_litellm(&lower),
        crate::providers::from_otel(&lower),
    ];
    let meant = mapped
        .iter()
        .find(|m| known.contains(m.as_str()))
        .cloned()
        .or_else(|| {
            known
                .iter()
                .find(|k| k.contains(lower.as_str()) || lower.contains(*k))
                .map(|k| k.to_string())
        })
        .or_else(|| {
            // A letter or two wrong, missing, extra or swapped (`opnai`).
            crate::text::nearest(known.iter().copied(), &lower, |_| 2).map(str::to_string)
        });
    Some(
        meant
            .map(|m| format!(" (did you mean {m}?)"))
            .unwrap_or_else(|| {
                format!(
                    " (providers: {})",
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                )
            }),
    )
}

/// A usage error when a flag names a provider the book does not know (`--budget
/// provider=bedrock:100`, `--billing-account opnai=...`): a typo would otherwise never match.
pub fn check_provider(book: &PriceBook, flag: &str, p: &str) -> anyhow::Result<()> {
    match unknown_provider(book, p) {
        None => Ok(()),
        Some(hint) => {
            Err(UsageError::Message(format!("{flag}: no provider is called {p}{hint}")).into())
        }
    }
}

/// When `--where` left no row: a provider or model value that names none the book knows, or a
/// value of another dimension that no row has but one nearly does (`user=alic` when the logs
/// have `alice`), is a usage error that says which one was meant; otherwise a warning that the
/// filter removed every row.
pub fn filtered_everything(
    s: &UsageSettings,
    book: &PriceBook,
    agg: &crate::engine::Aggregates,
    n: u64,
) -> anyhow::Result<()> {
    for w in s
        .filter
        .iter()
        .filter(|w| w.dim == col::PROVIDER && !w.negate)
    {
        for p in w.patterns.iter().filter(|p| !p.contains('*')) {
            if let Some(hint) = unknown_provider(book, p) {
                return Err(UsageError::Message(format!(
                    "--where: filtered out {}; no provider is called {p}{hint}",
                    crate::money::count_of(n, "row"),
                ))
                .into());
            }
        }
    }
    // A model name the book does not know but nearly does (`gpt4o`) is taken for a typo.
    for w in s.filter.iter().filter(|w| {
        (w.dim == col::MODEL || w.dim == crate::pricing::col::CANONICAL_MODEL) && !w.negate
    }) {
        let names: std::collections::BTreeSet<&str> = book
            .rows()
            .iter()
            .filter_map(|r| match w.dim.as_str() {
                col::MODEL => Some(r.model.as_str()),
                _ => r.canonical_model.as_deref(),
            })
            .collect();
        for p in w.patterns.iter().filter(|p| !p.contains('*')) {
            if let Some(m) = typo_of(&names, p) {
                return Err(UsageError::Message(format!(
                    "--where: filtered out {}; no {} in the price book is called {p} (did you mean {m}?)",
                    crate::money::count_of(n, "row"),
                    if w.dim == col::MODEL { "model" } else { "canonical model" },
                ))
                .into());
            }
        }
    }
    if let Some(message) = near_value(s, agg, n) {
        return Err(UsageError::Message(message).into());
    }
    messages::warning(format_args!(
        "--where filtered out every row ({}): nothing is left to report",
        crate::money::count_of(n, "row")
    ));
    Ok(())
}

/// A `--where DIM=VALUE` of a log dimension (not provider or model, not a credential) whose
/// value no row has but one has nearly (a letter or two, ASCII case ignored): the message
/// naming it. The values are those of the groups the engine made, the left-out ones included.
fn near_value(s: &UsageSettings, agg: &crate::engine::Aggregates, n: u64) -> Option<String> {
    for w in s.filter.iter().filter(|w| !w.negate) {
        let Some(i) = agg.dims.iter().position(|d| *d == w.dim) else {
            continue;
        };
        if crate::text::is_secret_name(&w.dim) {
            continue;
        }
        let values: std::collections::BTreeSet<&str> = agg
            .groups
            .iter()
            .filter_map(|g| g.dims.get(i)?.as_deref())
            .collect();
        for p in w.patterns.iter().filter(|p| !p.contains('*')) {
            if let Some(v) = typo_of(&values, p) {
                return Some(format!(
                    "--where: filtered out {}; no row has {}={p} (did you mean {}?)",
                    crate::money::count_of(n, "row"),
                    w.dim,
                    crate::text::shown_value(&w.dim, v)
                ));
            }
        }
    }
    None
}

/// The value `p` was meant to be, when no value is `p` (case ignored) but one is a letter or
/// two away.
fn typo_of<'v>(values: &std::collections::BTreeSet<&'v str>, p: &str) -> Option<&'v str> {
    let lower = p.to_lowercase();
    if values.iter().any(|v| v.to_lowercase() == lower) {
        return None;
    }
    crate::text::nearest(values.iter().copied(), p, |_| 2)
}
