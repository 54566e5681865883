//! Provider names as sources write them, mapped to tokenledger's provider ids.
//!
//! | source | source names | tokenledger id |
//! |---|---|---|
//! | OpenTelemetry `gen_ai.provider.name` / `gen_ai.system` | `aws.bedrock` | `aws-bedrock` |
//! | | `azure.ai.inference`, `azure.ai.openai`, `az.ai.inference`, `az.ai.openai` | `azure` |
//! | | `gcp.vertex_ai` | `vertex-ai` |
//! | | `gcp.gemini`, `gcp.gen_ai` | `google` |
//! | | `mistral_ai` | `mistral` |
//! | | `together_ai`, `meta_llama`, `x_ai` | `together`, `meta`, `xai` |
//! | | `openai`, `anthropic`, `groq`, `deepseek`, `fireworks`, `deepinfra`, `cohere` | same |
//! | LiteLLM `custom_llm_provider` | see [`crate::pricing::litellm::PROVIDERS`] | |
//!
//! Unknown names are kept as written (lower-cased), so their usage shows up as unpriced under
//! that name instead of vanishing.

/// OpenTelemetry GenAI provider / system names.
pub const OTEL: &[(&str, &str)] = &[
    ("aws.bedrock", "aws-bedrock"),
    ("azure.ai.inference", "azure"),
    ("azure.ai.openai", "azure"),
    ("az.ai.inference", "azure"),
    ("az.ai.openai", "azure"),
    ("gcp.vertex_ai", "vertex-ai"),
    ("vertex_ai", "vertex-ai"),
    ("gcp.gemini", "google"),
    ("gcp.gen_ai", "google"),
    ("gemini", "google"),
    ("mistral_ai", "mistral"),
    ("mistral", "mistral"),
    ("together_ai", "together"),
    ("together", "together"),
    ("meta_llama", "meta"),
    ("x_ai", "xai"),
    ("xai", "xai"),
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("groq", "groq"),
    ("deepseek", "deepseek"),
    ("fireworks", "fireworks"),
    ("deepinfra", "deepinfra"),
    ("cohere", "cohere"),
];

/// Maps an OpenTelemetry provider name.
pub fn from_otel(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    OTEL.iter()
        .find(|(k, _)| *k == n)
        .map_or(n.clone(), |(_, v)| v.to_string())
}

/// Maps a LiteLLM provider name.
pub fn from_litellm(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    crate::pricing::litellm::map_provider(&n).map_or(n, str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_known_names_and_keeps_unknown_ones() {
        assert_eq!(from_otel("aws.bedrock"), "aws-bedrock");
        assert_eq!(from_otel("gcp.vertex_ai"), "vertex-ai");
        assert_eq!(from_otel("Anthropic"), "anthropic");
        assert_eq!(from_otel("acme.ai"), "acme.ai");
        assert_eq!(from_litellm("bedrock"), "aws-bedrock");
        assert_eq!(from_litellm("together_ai"), "together");
        assert_eq!(from_litellm("openrouter"), "openrouter");
    }
}
