//! Canonical model names for model ids as providers write them, so `compare` can put the same
//! model on different providers side by side: `anthropic.claude-sonnet-4-6` (Bedrock),
//! `claude-sonnet-4-6@default` (Vertex) and `claude-sonnet-4-6` (Anthropic) are all
//! `claude-sonnet-4.6`; `meta.llama3-3-70b-instruct-v1:0`, `Llama-3.3-70B-Instruct`,
//! `meta-llama/Llama-3.3-70B-Instruct-Turbo` and `accounts/fireworks/models/llama-v3p3-70b-instruct`
//! are all `llama-3.3-70b-instruct`.
//!
//! An explicit table (`pricing/litellm/canonical.csv`: `provider,model,canonical`, `*` patterns,
//! first match wins, an empty canonical for "none") decides first; otherwise the id is reduced
//! by rules (routing prefixes, vendor prefixes, version suffixes, dates, quantisation tags) and
//! accepted only when the result belongs to a known model family. Pure: no I/O.

use crate::text::glob_match;

/// One line of the explicit table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub provider: String,
    pub model: String,
    /// `None`: the model has no canonical name (it is not compared across providers).
    pub canonical: Option<String>,
}

/// The canonical model of `model` on `provider`, if it can be told.
pub fn canonical(provider: &str, model: &str, table: &[Override]) -> Option<String> {
    if let Some(o) = table
        .iter()
        .find(|o| glob_match(&o.provider, provider) && glob_match(&o.model, model))
    {
        return o.canonical.clone();
    }
    by_rules(model)
}

/// Model families whose ids the rules can reduce to a canonical name.
const FAMILIES: [&str; 22] = [
    "claude-",
    "gpt-",
    "o1",
    "o3",
    "o4-mini",
    "gemini-",
    "gemma-",
    "llama-",
    "mistral-",
    "mixtral-",
    "codestral",
    "devstral",
    "magistral",
    "pixtral",
    "deepseek-",
    "grok-",
    "qwen",
    "kimi-",
    "command-",
    "nova-",
    "glm-",
    "minimax-",
];

fn by_rules(model: &str) -> Option<String> {
    let mut m = model.trim().to_ascii_lowercase();
    // Routing and path prefixes: Bedrock geo profiles, vendor paths, Fireworks accounts.
    if let Some(i) = m.rfind('/') {
        m = m[i + 1..].to_string();
    }
    for geo in [
        "us.", "eu.", "apac.", "jp.", "au.", "global.", "us-gov.", "ca.",
    ] {
        if let Some(r) = m.strip_prefix(geo) {
            m = r.to_string();
            break;
        }
    }
    for vendor in [
        "anthropic.",
        "meta.",
        "amazon.",
        "mistral.",
        "cohere.",
        "deepseek.",
        "openai.",
        "qwen.",
        "moonshot.",
        "moonshotai.",
        "ai21.",
        "writer.",
        "google.",
        "zai.",
        "minimax.",
    ] {
        if let Some(r) = m.strip_prefix(vendor) {
            m = r.to_string();
            break;
        }
    }
    // Version and deployment suffixes: Vertex `@20250929` / `@default`, Bedrock `-v1:0`,
    // `:0`, Vertex MaaS `-maas`, Together `-turbo`, quantisation and expert-count tags.
    if let Some(i) = m.find('@') {
        m.truncate(i);
    }
    if let Some(i) = m.find(':') {
        m.truncate(i);
    }
    for suffix in ["-maas", "-turbo", "-fp8", "-v1", "-v2", "-tput", "-basic"] {
        while let Some(r) = m.strip_suffix(suffix) {
            m = r.to_string();
        }
    }
    m = m.replace("-128e", "").replace("-16e", "");
    // Dates: -20250929, -2025-08-07.
    m = strip_dates(&m);
    // Fireworks spells versions v3p1; Bedrock llama3-1; both are llama-3.1.
    m = m
        .replace("llama-v", "llama-")
        .replace("llama4", "llama-4")
        .replace("llama3", "llama-3");
    m = dotted_versions(&m);
    if m.starts_with("meta-llama-") {
        m = m.trim_start_matches("meta-").to_string();
    }
    if m.starts_with("llama-") && !m.contains("-instruct") && !m.contains("guard") {
        // Hosts drop "-instruct" on chat models; the canonical name keeps it.
        m.push_str("-instruct");
    }
    FAMILIES
        .iter()
        .any(|f| m.starts_with(f))
        .then_some(m)
        .filter(|m| !m.is_empty())
}

/// Removes `-YYYYMMDD` and `-YYYY-MM-DD` date parts.
fn strip_dates(m: &str) -> String {
    let parts: Vec<&str> = m.split('-').collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        let is_date8 = p.len() == 8 && p.starts_with("20") && p.bytes().all(|b| b.is_ascii_digit());
        let is_ymd = p.len() == 4
            && p.starts_with("20")
            && p.bytes().all(|b| b.is_ascii_digit())
            && i + 2 < parts.len()
            && parts[i + 1].len() == 2
            && parts[i + 2].len() == 2
            && parts[i + 1].bytes().all(|b| b.is_ascii_digit())
            && parts[i + 2].bytes().all(|b| b.is_ascii_digit());
        if is_date8 {
            i += 1;
        } else if is_ymd {
            i += 3;
        } else {
            out.push(p);
            i += 1;
        }
    }
    out.join("-")
}

/// `claude-sonnet-4-5` -> `claude-sonnet-4.5`, `llama-3-3-70b` -> `llama-3.3-70b`,
/// `llama-3p1` -> `llama-3.1`: a version is a run of one-digit numbers joined by `-` or `p`
/// right after the family name; sizes (`70b`) and other numbers stay.
fn dotted_versions(m: &str) -> String {
    let parts: Vec<&str> = m.split('-').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        let digit = |s: &str| s.len() == 1 && s.bytes().all(|b| b.is_ascii_digit());
        if let Some((a, b)) = p.split_once('p') {
            if digit(a) && digit(b) {
                out.push(format!("{a}.{b}"));
                i += 1;
                continue;
            }
        }
        if digit(p) && i > 0 {
            let mut v = p.to_string();
            while i + 1 < parts.len() && digit(parts[i + 1]) {
                v.push('.');
                v.push_str(parts[i + 1]);
                i += 1;
            }
            out.push(v);
        } else {
            out.push(p.to_string());
        }
        i += 1;
    }
    out.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_model_one_name_on_every_provider() {
        let c = |p: &str, m: &str| canonical(p, m, &[]);
        for (p, m) in [
            ("anthropic", "claude-sonnet-4-6"),
            ("aws-bedrock", "anthropic.claude-sonnet-4-6"),
            ("aws-bedrock", "global.anthropic.claude-sonnet-4-6"),
            ("vertex-ai", "claude-sonnet-4-6@default"),
            ("openrouter", "anthropic/claude-sonnet-4.6"),
        ] {
            assert_eq!(c(p, m).as_deref(), Some("claude-sonnet-4.6"), "{p} {m}");
        }
        for (p, m) in [
            (
                "aws-bedrock",
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            ("vertex-ai", "claude-sonnet-4-5@20250929"),
            ("anthropic", "claude-sonnet-4-5-20250929"),
        ] {
            assert_eq!(c(p, m).as_deref(), Some("claude-sonnet-4.5"), "{p} {m}");
        }
        for (p, m) in [
            ("aws-bedrock", "meta.llama3-3-70b-instruct-v1:0"),
            ("azure", "Llama-3.3-70B-Instruct"),
            ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
            (
                "fireworks",
                "accounts/fireworks/models/llama-v3p3-70b-instruct",
            ),
            ("vertex-ai", "meta/llama-3.3-70b-instruct-maas"),
            ("groq", "llama-3.3-70b-versatile"),
        ] {
            let got = c(p, m);
            if p == "groq" {
                // "versatile" is Groq's own suffix: the table, not the rules, maps it.
                assert_eq!(got.as_deref(), Some("llama-3.3-70b-versatile-instruct"));
            } else {
                assert_eq!(got.as_deref(), Some("llama-3.3-70b-instruct"), "{p} {m}");
            }
        }
        assert_eq!(
            c("aws-bedrock", "meta.llama4-maverick-17b-instruct-v1:0").as_deref(),
            Some("llama-4-maverick-17b-instruct")
        );
        assert_eq!(
            c(
                "together",
                "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"
            )
            .as_deref(),
            Some("llama-4-maverick-17b-instruct")
        );
        assert_eq!(c("openai", "gpt-4o-2024-08-06").as_deref(), Some("gpt-4o"));
        assert_eq!(
            c("openai", "gpt-5.4-2026-03-05").as_deref(),
            Some("gpt-5.4")
        );
        assert_eq!(
            c("groq", "openai/gpt-oss-120b").as_deref(),
            Some("gpt-oss-120b")
        );
        assert_eq!(
            c("aws-bedrock", "amazon.nova-lite-v1:0").as_deref(),
            Some("nova-lite")
        );
        assert_eq!(c("openai", "dall-e-3"), None, "not a known family");
        let table = [Override {
            provider: "groq".into(),
            model: "llama-3.3-70b-versatile".into(),
            canonical: Some("llama-3.3-70b-instruct".into()),
        }];
        assert_eq!(
            canonical("groq", "llama-3.3-70b-versatile", &table).as_deref(),
            Some("llama-3.3-70b-instruct")
        );
    }
}
