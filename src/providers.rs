//! The providers tokenledger knows: one table of the names sources write for each provider
//! (OpenTelemetry `gen_ai.provider.name` / `gen_ai.system`, LiteLLM `litellm_provider` /
//! `custom_llm_provider`) and the names FinOps tools show (FOCUS service and company), plus the
//! publisher of a model family. Layer 0: pure data, no I/O.
//!
//! Unknown names are kept as written (lower-cased), so their usage shows up as unpriced under
//! that name instead of vanishing.

/// One provider: tokenledger's id and the names others use for it.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// tokenledger's provider id (the `provider` column of logs and price files).
    pub id: &'static str,
    /// FOCUS `ServiceName`.
    pub service: &'static str,
    /// The company that sells the service (FOCUS `ProviderName` / `InvoiceIssuerName`).
    pub company: &'static str,
    /// OpenTelemetry GenAI provider / system names.
    pub otel: &'static [&'static str],
    /// LiteLLM provider names.
    pub litellm: &'static [&'static str],
}

const fn p(
    id: &'static str,
    service: &'static str,
    company: &'static str,
    otel: &'static [&'static str],
    litellm: &'static [&'static str],
) -> Provider {
    Provider {
        id,
        service,
        company,
        otel,
        litellm,
    }
}

/// Every provider with a known name mapping.
pub const PROVIDERS: &[Provider] = &[
    p("openai", "OpenAI API", "OpenAI", &["openai"], &["openai"]),
    p(
        "anthropic",
        "Claude API",
        "Anthropic",
        &["anthropic"],
        &["anthropic"],
    ),
    p(
        "aws-bedrock",
        "Amazon Bedrock",
        "Amazon Web Services",
        &["aws.bedrock"],
        &["bedrock", "bedrock_converse"],
    ),
    p(
        "azure",
        "Azure AI Foundry",
        "Microsoft",
        &[
            "azure.ai.inference",
            "azure.ai.openai",
            "az.ai.inference",
            "az.ai.openai",
        ],
        &["azure", "azure_ai"],
    ),
    p(
        "vertex-ai",
        "Vertex AI",
        "Google Cloud",
        &["gcp.vertex_ai", "vertex_ai"],
        &[
            "vertex_ai-language-models",
            "vertex_ai-anthropic_models",
            "vertex_ai-llama_models",
            "vertex_ai-mistral_models",
            "vertex_ai-deepseek_models",
            "vertex_ai",
        ],
    ),
    p(
        "google",
        "Gemini API",
        "Google",
        &["gcp.gemini", "gcp.gen_ai", "gemini"],
        &["gemini"],
    ),
    p(
        "meta",
        "Llama API",
        "Meta",
        &["meta_llama"],
        &["meta_llama"],
    ),
    p(
        "together",
        "Together AI",
        "Together AI",
        &["together_ai", "together"],
        &["together_ai"],
    ),
    p("groq", "GroqCloud", "Groq", &["groq"], &["groq"]),
    p(
        "fireworks",
        "Fireworks AI",
        "Fireworks AI",
        &["fireworks"],
        &["fireworks_ai"],
    ),
    p(
        "deepinfra",
        "DeepInfra",
        "DeepInfra",
        &["deepinfra"],
        &["deepinfra"],
    ),
    p(
        "mistral",
        "Mistral AI API",
        "Mistral AI",
        &["mistral_ai", "mistral"],
        &["mistral"],
    ),
    p(
        "deepseek",
        "DeepSeek API",
        "DeepSeek",
        &["deepseek"],
        &["deepseek"],
    ),
    p("xai", "xAI API", "xAI", &["x_ai", "xai"], &["xai"]),
    p(
        "cohere",
        "Cohere API",
        "Cohere",
        &["cohere"],
        &["cohere", "cohere_chat"],
    ),
    p(
        "openrouter",
        "OpenRouter",
        "OpenRouter",
        &["openrouter"],
        &["openrouter"],
    ),
];

fn find(pred: impl Fn(&Provider) -> bool) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| pred(p))
}

/// Maps an OpenTelemetry provider name (unknown names kept, lower-cased).
pub fn from_otel(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    find(|p| p.otel.contains(&n.as_str())).map_or(n.clone(), |p| p.id.to_string())
}

/// Maps a LiteLLM provider name, if tokenledger knows it.
pub fn litellm_id(name: &str) -> Option<&'static str> {
    find(|p| p.litellm.contains(&name)).map(|p| p.id)
}

/// Maps a LiteLLM provider name (unknown names kept, lower-cased).
pub fn from_litellm(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    litellm_id(&n).map_or(n, str::to_string)
}

/// (service name, company) of a provider id; unknown ids stand for themselves.
pub fn service(id: &str) -> (&str, &str) {
    find(|p| p.id == id).map_or((id, id), |p| (p.service, p.company))
}

/// Model families and their publishers, by the start of a canonical name or model id.
/// The web hosts (and GitHub organisations) that speak for each provider: its docs, pricing
/// and deprecation pages, announcements and its own repositories.
const PROVIDER_PAGES: &[(&str, &[&str])] = &[
    (
        "anthropic",
        &["anthropic.com", "claude.com", "github.com/anthropics"],
    ),
    (
        "openai",
        &["openai.com", "github.com/openai", "community.openai.com"],
    ),
    (
        "google",
        &[
            "ai.google.dev",
            "developers.googleblog.com",
            "blog.google",
            "cloud.google.com",
            "github.com/google-gemini",
        ],
    ),
    (
        "vertex-ai",
        &["cloud.google.com", "github.com/googlecloudplatform"],
    ),
    (
        "azure",
        &["microsoft.com", "github.com/azure", "github.com/microsoft"],
    ),
    (
        "aws-bedrock",
        &[
            "aws.amazon.com",
            "amazon.com",
            "github.com/awslabs",
            "github.com/aws",
        ],
    ),
    ("groq", &["groq.com", "github.com/groq"]),
    ("xai", &["x.ai", "github.com/xai-org"]),
    ("deepseek", &["deepseek.com", "github.com/deepseek-ai"]),
    ("mistral", &["mistral.ai", "github.com/mistralai"]),
    ("together", &["together.ai", "github.com/togethercomputer"]),
    ("fireworks", &["fireworks.ai", "github.com/fw-ai"]),
    ("deepinfra", &["deepinfra.com"]),
    ("cohere", &["cohere.com", "github.com/cohere-ai"]),
    (
        "openrouter",
        &["openrouter.ai", "github.com/openrouterteam"],
    ),
];

/// Whether `url` is a page of `provider` itself (its host, or a subdomain of it, or one of its
/// GitHub organisations): the only kind of source a retirement may have.
pub fn is_provider_page(provider: &str, url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let rest = rest.to_ascii_lowercase();
    let host = rest.split('/').next().unwrap_or("");
    PROVIDER_PAGES
        .iter()
        .filter(|(p, _)| *p == provider)
        .flat_map(|(_, pages)| pages.iter())
        .any(|page| match page.split_once('/') {
            // An organisation on a shared host: `github.com/awslabs/...`.
            Some((h, org)) => {
                host == h
                    && rest[host.len()..].trim_start_matches('/').split('/').next() == Some(org)
            }
            None => host == *page || host.ends_with(&format!(".{page}")),
        })
}

/// The provider id under which a model's publisher sells it itself, if it does (`Anthropic`
/// -> `anthropic`); see [`publisher`].
pub fn publisher_provider(publisher: &str) -> Option<&'static str> {
    Some(match publisher {
        "Anthropic" => "anthropic",
        "OpenAI" => "openai",
        "Google" => "google",
        "xAI" => "xai",
        "Mistral AI" => "mistral",
        "DeepSeek" => "deepseek",
        "Cohere" => "cohere",
        _ => return None,
    })
}

/// Whether `id` has the shape of a model id `provider` serves, as its own logs write it.
/// Price maps carry keys that are not: LiteLLM's `fast/claude-opus-4-6` and `us/...` on
/// Anthropic (a speed mode and an `inference_geo`, which are request fields), a Vertex-style
/// `anthropic.claude-haiku-4-5@20251001` filed under Bedrock. Such an id never reaches a
/// provider's log, so a price under it prices nothing and must not be offered by `compare`.
pub fn plausible_model_id(provider: &str, id: &str) -> bool {
    if id.is_empty() || id.contains(char::is_whitespace) {
        return false;
    }
    match provider {
        // `anthropic.claude-...-v1:0`, `us.meta.llama3-...`, `deepseek.v3.2`: vendor.model,
        // no version after `@` and no path.
        "aws-bedrock" => id.contains('.') && !id.contains(['@', '/']),
        "anthropic" => id.starts_with("claude-") && !id.contains(['/', '@']),
        "openai" | "azure" | "google" | "xai" | "deepseek" | "mistral" | "cohere" => {
            !id.contains('/')
        }
        _ => true,
    }
}

const PUBLISHERS: &[(&str, &str)] = &[
    ("llama", "Meta"),
    ("meta-llama", "Meta"),
    ("gpt", "OpenAI"),
    ("chatgpt", "OpenAI"),
    ("o1", "OpenAI"),
    ("o3", "OpenAI"),
    ("o4", "OpenAI"),
    ("codex", "OpenAI"),
    ("claude", "Anthropic"),
    ("gemini", "Google"),
    ("gemma", "Google"),
    ("mistral", "Mistral AI"),
    ("mixtral", "Mistral AI"),
    ("codestral", "Mistral AI"),
    ("ministral", "Mistral AI"),
    ("magistral", "Mistral AI"),
    ("devstral", "Mistral AI"),
    ("pixtral", "Mistral AI"),
    ("deepseek", "DeepSeek"),
    ("grok", "xAI"),
    ("qwen", "Alibaba Cloud"),
    ("qwq", "Alibaba Cloud"),
    ("kimi", "Moonshot AI"),
    ("moonshot", "Moonshot AI"),
    ("nova", "Amazon"),
    ("titan", "Amazon"),
    ("command", "Cohere"),
    ("phi", "Microsoft"),
    ("jamba", "AI21 Labs"),
    ("glm", "Zhipu AI"),
    ("minimax", "MiniMax"),
    ("nemotron", "NVIDIA"),
    ("granite", "IBM"),
    ("sonar", "Perplexity"),
];

/// The model's publisher (vendor), from its canonical name, else its model id (prefixes such
/// as `us.meta.`, `meta-llama/` or `accounts/fireworks/models/` looked through); "" when
/// unknown.
pub fn publisher(canonical: Option<&str>, model: &str) -> &'static str {
    let lower = model.to_ascii_lowercase();
    let tail = lower
        .rsplit(['/', '.'])
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let candidates = [canonical.unwrap_or(""), &lower, tail];
    for c in candidates {
        if let Some((_, p)) = PUBLISHERS
            .iter()
            .find(|(f, _)| !c.is_empty() && c.starts_with(f))
        {
            return p;
        }
    }
    // Vendor prefixes in ids: `meta.llama3-...`, `anthropic.claude-...`, `amazon.nova-...`.
    for (prefix, p) in [
        ("meta", "Meta"),
        ("anthropic", "Anthropic"),
        ("amazon", "Amazon"),
        ("cohere", "Cohere"),
        ("mistral", "Mistral AI"),
        ("ai21", "AI21 Labs"),
        ("openai", "OpenAI"),
        ("deepseek", "DeepSeek"),
        ("qwen", "Alibaba Cloud"),
        ("google", "Google"),
    ] {
        if lower.split(['.', '/']).any(|part| part == prefix) {
            return p;
        }
    }
    ""
}

/// Display names of cloud regions (AWS, Google Cloud, Azure), for FOCUS `RegionName`.
const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
    ("ca-central-1", "Canada (Central)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-west-3", "Europe (Paris)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("eu-south-1", "Europe (Milan)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "Asia Pacific (Seoul)"),
    ("ap-northeast-3", "Asia Pacific (Osaka)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("sa-east-1", "South America (Sao Paulo)"),
    ("us-central1", "Iowa"),
    ("us-east1", "South Carolina"),
    ("us-east4", "Northern Virginia"),
    ("us-east5", "Columbus"),
    ("us-south1", "Dallas"),
    ("us-west1", "Oregon"),
    ("us-west4", "Las Vegas"),
    ("europe-west1", "Belgium"),
    ("europe-west2", "London"),
    ("europe-west3", "Frankfurt"),
    ("europe-west4", "Netherlands"),
    ("europe-west9", "Paris"),
    ("asia-northeast1", "Tokyo"),
    ("asia-southeast1", "Singapore"),
    ("australia-southeast1", "Sydney"),
    ("global", "Global"),
    ("eastus", "East US"),
    ("eastus2", "East US 2"),
    ("westus", "West US"),
    ("westus3", "West US 3"),
    ("northcentralus", "North Central US"),
    ("southcentralus", "South Central US"),
    ("swedencentral", "Sweden Central"),
    ("westeurope", "West Europe"),
    ("northeurope", "North Europe"),
    ("francecentral", "France Central"),
    ("uksouth", "UK South"),
    ("japaneast", "Japan East"),
    ("australiaeast", "Australia East"),
    ("canadaeast", "Canada East"),
];

/// The display name of a cloud region id, when known.
pub fn region_name(id: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(r, _)| *r == id).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_providers_own_pages_are_provider_pages() {
        let yes = [
            (
                "anthropic",
                "https://platform.claude.com/docs/en/about-claude/model-deprecations",
            ),
            (
                "anthropic",
                "https://www.anthropic.com/research/deprecation-updates-opus-3",
            ),
            (
                "aws-bedrock",
                "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html",
            ),
            (
                "aws-bedrock",
                "https://github.com/awslabs/startups/blob/main/x.md",
            ),
            ("groq", "https://console.groq.com/docs/deprecations"),
            (
                "xai",
                "https://docs.x.ai/developers/migration/may-15-retirement",
            ),
        ];
        for (p, u) in yes {
            assert!(is_provider_page(p, u), "{p} {u}");
        }
        let no = [
            (
                "anthropic",
                "https://24-ai.news/en/vijest/2026-04-21/anthropic-claude-haiku-3-retirement",
            ),
            ("anthropic", "https://dev.to/flarecanary/claude-opus-4"),
            (
                "groq",
                "https://github.com/codedaily04/commit-craft/issues/1",
            ),
            ("google", "https://github.com/BerriAI/litellm/issues/38062"),
            ("openai", "https://evil-openai.com/x"),
            ("openai", "https://archive.li/3RThE"),
            ("aws-bedrock", "https://github.com/awslabsx/y"),
        ];
        for (p, u) in no {
            assert!(!is_provider_page(p, u), "{p} {u}");
        }
    }

    #[test]
    fn ids_that_no_log_carries_are_not_model_ids() {
        assert!(plausible_model_id(
            "aws-bedrock",
            "global.anthropic.claude-haiku-4-5-20251001-v1:0"
        ));
        assert!(!plausible_model_id(
            "aws-bedrock",
            "anthropic.claude-haiku-4-5@20251001"
        ));
        assert!(!plausible_model_id("anthropic", "fast/claude-opus-4-6"));
        assert!(!plausible_model_id("anthropic", "us/claude-opus-4-6"));
        assert!(plausible_model_id("anthropic", "claude-opus-4-6"));
        assert!(plausible_model_id("vertex-ai", "claude-haiku-4-5@20251001"));
        assert!(plausible_model_id(
            "together",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo"
        ));
        assert!(!plausible_model_id("openai", "ft:gpt 4o"));
    }

    #[test]
    fn maps_known_names_and_keeps_unknown_ones() {
        assert_eq!(from_otel("aws.bedrock"), "aws-bedrock");
        assert_eq!(from_otel("gcp.vertex_ai"), "vertex-ai");
        assert_eq!(from_otel("Anthropic"), "anthropic");
        assert_eq!(from_otel("acme.ai"), "acme.ai");
        assert_eq!(from_litellm("bedrock"), "aws-bedrock");
        assert_eq!(from_litellm("together_ai"), "together");
        assert_eq!(from_litellm("openrouter"), "openrouter");
        assert_eq!(litellm_id("bedrock_converse"), Some("aws-bedrock"));
        assert_eq!(litellm_id("openrouter"), Some("openrouter"));
        assert_eq!(litellm_id("novita"), None);
        assert_eq!(service("groq"), ("GroqCloud", "Groq"));
        assert_eq!(service("acme"), ("acme", "acme"));
    }

    #[test]
    fn every_id_is_listed_once() {
        let mut ids: Vec<&str> = PROVIDERS.iter().map(|p| p.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), PROVIDERS.len());
    }
}
