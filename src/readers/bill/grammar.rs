//! The grammars of the strings bills hide the model and token class in: AWS usage types
//! (four generations), Azure meter names, Google SKU descriptions and OpenAI cost line items.
//! Each parser returns what it recognised and leaves the rest to the caller, which keeps the
//! line (with its cost) as "unrecognised" rather than guess. Pure: text in, values out. The
//! string shapes come from `design/bills.md` (sections 1(c), 3(c), 4(c), 5(c)).

use super::{Charge, TokenClass};

/// What a usage string says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The model as the string writes it (`Nova2.0Lite`, `gpt-4o-mini-0718`, `Gemini 2.5 Flash`).
    pub model: Option<String>,
    pub charge: Charge,
    /// `standard`, `batch`, `priority`, `flex`, `latency-optimized`.
    pub tier: &'static str,
    /// `global`, `regional`, `data-zone`, when the string says (or implies) it.
    pub geo: Option<&'static str>,
    /// The long-context (over 200K) rates.
    pub long_context: bool,
}

impl Parsed {
    fn tokens(model: Option<String>, class: TokenClass) -> Self {
        Parsed {
            model,
            charge: Charge::Tokens(class),
            tier: "standard",
            geo: None,
            long_context: false,
        }
    }

    /// A charge that is not text tokens, of `kind`.
    pub fn other(kind: &str) -> Self {
        Parsed {
            model: None,
            charge: Charge::NonToken(kind.to_string()),
            tier: "standard",
            geo: None,
            long_context: false,
        }
    }
}

/// Words that make a usage type a charge that is not text tokens (throughput, guardrails,
/// search, images...), with the kind reports name.
const AWS_NON_TOKEN: [(&str, &str); 13] = [
    ("provisionedthroughput", "provisioned throughput"),
    ("modelunits", "provisioned throughput"),
    ("reserved", "reserved throughput"),
    ("tpm", "reserved throughput"),
    ("customization", "model customisation"),
    ("training", "model customisation"),
    ("storage", "storage"),
    ("guardrail", "guardrails"),
    ("search_units", "web search"),
    ("search", "web search"),
    ("imagecount", "images"),
    ("image", "images"),
    ("speech", "speech"),
];

/// An AWS Bedrock usage type (`USE1-Nova2.0Lite-input-tokens-cross-region-global`,
/// `USE1-MP:USE1_CacheWrite1hInputTokenCount_Global-Units`,
/// `USE1-MP:USE1_input_tokens_global_standard-Units`,
/// `USE1-qwen.qwen3-coder-next-mantle-input-tokens-standard`). `marketplace_claude`: the line is
/// Claude sold through AWS Marketplace (whose model is in the product name, not the usage type;
/// its writes without a TTL marker are the 5-minute writes).
pub fn aws_usage_type(usage_type: &str, marketplace_claude: bool) -> Option<Parsed> {
    let raw = usage_type.trim();
    // Drop the region prefix: `USE1-` and the marketplace's `USE1-MP:USE1_`.
    let body = match raw.split_once("-MP:") {
        Some((_, rest)) => rest.split_once('_').map_or(rest, |(_, r)| r),
        None => raw.split_once('-').map_or(raw, |(_, r)| r),
    };
    let lower = body.to_ascii_lowercase();
    let flat: String = lower.chars().filter(|c| *c != '-' && *c != '_').collect();
    if let Some((_, kind)) = AWS_NON_TOKEN
        .iter()
        .find(|(w, _)| lower.contains(w) || flat.contains(&w.replace('_', "")))
    {
        return Some(Parsed::other(kind));
    }
    let class = if flat.contains("cacheread") {
        TokenClass::CacheRead
    } else if flat.contains("cachewrite") {
        if flat.contains("1h") {
            TokenClass::CacheWrite1h
        } else if marketplace_claude || lower.contains("claude") {
            TokenClass::CacheWrite5m
        } else {
            TokenClass::CacheWriteUnknownTtl
        }
    } else if flat.contains("output") || flat.contains("response") {
        TokenClass::Output
    } else if flat.contains("input") {
        TokenClass::InputUncached
    } else {
        return None;
    };
    let mut p = Parsed::tokens(None, class);
    p.tier = if flat.contains("batch") {
        "batch"
    } else if flat.contains("priority") {
        "priority"
    } else if flat.contains("flex") {
        "flex"
    } else if flat.contains("latencyoptimized") {
        "latency-optimized"
    } else {
        "standard"
    };
    p.long_context = flat.contains("longcontext");
    let global = flat.contains("crossregionglobal")
        || flat.contains("globalstandard")
        || lower.contains("_global")
        || lower.ends_with("-global");
    p.geo = if global {
        Some("global")
    } else if marketplace_claude {
        // Claude 4.5+ through Marketplace: no geo marker is the in-region (+10%) rate.
        Some("regional")
    } else {
        None
    };
    if !marketplace_claude {
        p.model = aws_model_token(body);
    }
    Some(p)
}

/// The model part of a first-party or mantle usage type body (`Nova2.0Lite-input-tokens` ->
/// `Nova2.0Lite`; `qwen.qwen3-coder-next-mantle-input-tokens-standard` -> `qwen.qwen3-coder-next`;
/// `DeepSeek-R1-output-tokens` -> `DeepSeek-R1`).
fn aws_model_token(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let cut = ["-mantle-", "-input-", "-output-", "-cache-"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()?;
    let model = body[..cut].trim_matches('-');
    (!model.is_empty()).then(|| model.to_string())
}

/// The model of a Marketplace product name: `Claude Sonnet 4.6 (Amazon Bedrock Edition)` ->
/// `Claude Sonnet 4.6`.
pub fn marketplace_model(product_name: &str) -> Option<String> {
    let name = product_name.trim();
    let model = name
        .strip_suffix("(Amazon Bedrock Edition)")
        .unwrap_or(name)
        .trim();
    (!model.is_empty()).then(|| model.to_string())
}

/// An Azure meter name (`gpt-4o-mini-0718-Inp-glbl Tokens`, `gpt 4o 0806 cached Inp glbl
/// Tokens`, `GPT 5 Inpt Glbl 1M Tokens`, `5.6 luna ShortCo Cd Inp Std DZ 1M Tokens`,
/// `Provisioned Managed Global`).
pub fn azure_meter(meter: &str) -> Option<Parsed> {
    let name = meter.trim();
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("provisioned") || lower.contains("ptu") {
        return Some(Parsed::other("provisioned throughput"));
    }
    let words: Vec<&str> = name.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    let lw: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let is = |i: usize, set: &[&str]| set.contains(&lw[i].as_str());
    // The first word that is a class marker ends the model.
    let class_at = (0..words.len()).find(|&i| {
        is(
            i,
            &[
                "inp", "inpt", "input", "outp", "output", "cached", "cchd", "cd", "batch",
            ],
        )
    })?;
    let rest: Vec<&str> = lw[class_at..].iter().map(String::as_str).collect();
    let has = |set: &[&str]| rest.iter().any(|w| set.contains(w));
    let class = if has(&["cached", "cchd", "cd"]) {
        TokenClass::CacheRead
    } else if has(&["outp", "output"]) {
        TokenClass::Output
    } else if has(&["inp", "inpt", "input"]) {
        TokenClass::InputUncached
    } else {
        return None;
    };
    // `ShortCo` (short context) and `Std`/`pp` sit between the model and the class.
    let model_words: Vec<&str> = words[..class_at]
        .iter()
        .zip(&lw[..class_at])
        .filter(|(_, l)| !["shortco", "std", "pp", "rt", "txt"].contains(&l.as_str()))
        .map(|(w, _)| *w)
        .collect();
    let mut p = Parsed::tokens(Some(model_words.join(" ")).filter(|m| !m.is_empty()), class);
    p.tier = if has(&["batch"]) || lw[..class_at].iter().any(|w| w == "batch") {
        "batch"
    } else if lw.iter().any(|w| w == "pp") {
        "priority"
    } else {
        "standard"
    };
    p.geo = if has(&["glbl", "gl", "global"]) {
        Some("global")
    } else if has(&["regnl", "regional"]) {
        Some("regional")
    } else if has(&["dz", "dzone"]) || lower.contains("data zone") {
        Some("data-zone")
    } else {
        None
    };
    Some(p)
}

/// A Google Cloud SKU description: Vertex AI's (`Gemini 2.5 Flash GA Text Input - Predictions`,
/// ` Gemini 2.5 Flash GA Input Text Caching`, `Gemini 2.5 Pro Input Text Caching (Long)`) and
/// the Gemini API's (`Generate content input token count gemini 2.5 flash short input text`).
pub fn gcp_sku(description: &str) -> Option<Parsed> {
    let d = description.trim();
    let lower = d.to_ascii_lowercase();
    if lower.contains("caching storage") || lower.contains("storage") {
        return Some(Parsed::other("context cache storage"));
    }
    if lower.contains("grounding") || lower.contains("search") {
        return Some(Parsed::other("grounding / search"));
    }
    for media in ["image", "audio", "video"] {
        if lower.contains(media) {
            return Some(Parsed::other(&format!("{media} tokens")));
        }
    }
    if let Some(rest) = lower.strip_prefix("generate content ") {
        // Gemini API: `{input|output} token count {model} {short|long} ...`.
        let (class, rest) = if let Some(r) = rest.strip_prefix("input token count ") {
            (TokenClass::InputUncached, r)
        } else if let Some(r) = rest.strip_prefix("output token count ") {
            (TokenClass::Output, r)
        } else if let Some(r) = rest.strip_prefix("cached token count ") {
            (TokenClass::CacheRead, r)
        } else {
            return None;
        };
        let cut = [" short ", " long "]
            .iter()
            .filter_map(|m| rest.find(m))
            .min()
            .unwrap_or(rest.len());
        let mut p = Parsed::tokens(Some(rest[..cut].trim().to_string()), class);
        p.long_context = rest[cut..].starts_with(" long ");
        return Some(p);
    }
    let class = if lower.contains("cache write") || lower.contains("cache creation") {
        if lower.contains("1h") {
            TokenClass::CacheWrite1h
        } else {
            TokenClass::CacheWrite5m
        }
    } else if lower.contains("caching") || lower.contains("cache") {
        TokenClass::CacheRead
    } else if lower.contains("output") {
        TokenClass::Output
    } else if lower.contains("input") {
        TokenClass::InputUncached
    } else {
        return None;
    };
    // The model ends at the first class or modality word.
    let words: Vec<&str> = d.split_whitespace().collect();
    let stop = [
        "ga", "thinking", "text", "input", "output", "global", "-", "\u{2014}", "tokens", "cache",
    ];
    let end = words
        .iter()
        .position(|w| stop.contains(&w.to_ascii_lowercase().as_str()))
        .unwrap_or(words.len());
    let mut p = Parsed::tokens(
        Some(words[..end].join(" ")).filter(|m| !m.is_empty()),
        class,
    );
    p.tier = if lower.contains("batch") {
        "batch"
    } else if lower.contains("priority") {
        "priority"
    } else if lower.contains("flex") {
        "flex"
    } else {
        "standard"
    };
    p.long_context = lower.contains("(long)");
    p.geo = lower.contains(" global ").then_some("global");
    Some(p)
}

/// An OpenAI Costs API line item: `gpt-4.1-2025-04-14, cached input`, `priority | gpt-5.6-sol,
/// output, long context`; anything else (`web search tool calls`, `Vector storage`) is a
/// charge that is not tokens.
pub fn openai_line_item(item: &str) -> Parsed {
    let t = item.trim();
    let (tier, body) = match t.strip_prefix("priority | ") {
        Some(b) => ("priority", b),
        None => match t.strip_prefix("flex | ") {
            Some(b) => ("flex", b),
            None => match t.strip_prefix("batch | ") {
                Some(b) => ("batch", b),
                None => ("standard", t),
            },
        },
    };
    let (body, long) = match body.strip_suffix(", long context") {
        Some(b) => (b, true),
        None => (body, false),
    };
    let Some((model, class)) = body.rsplit_once(", ") else {
        return Parsed::other(t);
    };
    let class = match class {
        "input" => TokenClass::InputUncached,
        "cached input" => TokenClass::CacheRead,
        "cache writes" => TokenClass::CacheWriteUnknownTtl,
        "output" => TokenClass::Output,
        _ => return Parsed::other(t),
    };
    if model.contains(" audio") || model.contains(" image") {
        return Parsed::other(&format!("{model} tokens"));
    }
    let mut p = Parsed::tokens(Some(model.to_string()), class);
    p.tier = tier;
    p.long_context = long;
    p
}

/// The model and charge a bill's string names, read with the grammar of `provider`'s bills
/// (AWS usage types, Azure meters, Google SKUs, OpenAI line items); a Marketplace product name
/// (`Claude Sonnet 4.6 (Amazon Bedrock Edition)`) or a plain model name is its own model.
pub fn read_any(provider: &str, text: &str) -> Option<Parsed> {
    let parsed = match provider {
        "aws-bedrock" => aws_usage_type(text, false).filter(|p| p.model.is_some()),
        "azure" => azure_meter(text),
        "vertex-ai" | "google" => gcp_sku(text),
        "openai" => Some(openai_line_item(text)).filter(|p| p.model.is_some()),
        _ => None,
    };
    parsed.or_else(|| {
        let m = marketplace_model(text)?;
        let mut p = Parsed::other("");
        p.model = Some(m);
        Some(p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(p: &Parsed) -> &'static str {
        match &p.charge {
            Charge::Tokens(c) => c.as_str(),
            Charge::NonToken(_) => "non-token",
            _ => "other",
        }
    }

    #[test]
    fn aws_usage_types_of_every_generation() {
        // (usage type, Marketplace Claude, class, model, tier, geo)
        type Case<'a> = (
            &'a str,
            bool,
            &'a str,
            Option<&'a str>,
            &'a str,
            Option<&'a str>,
        );
        let cases: [Case; 14] = [
            (
                "USE1-Nova2.0Lite-input-tokens",
                false,
                "input",
                Some("Nova2.0Lite"),
                "standard",
                None,
            ),
            (
                "USE1-Nova2.0Lite-input-tokens-cross-region-global",
                false,
                "input",
                Some("Nova2.0Lite"),
                "standard",
                Some("global"),
            ),
            (
                "USE1-DeepSeek-R1-output-tokens",
                false,
                "output",
                Some("DeepSeek-R1"),
                "standard",
                None,
            ),
            (
                "USE1-qwen.qwen3-coder-next-input-tokens-batch",
                false,
                "input",
                Some("qwen.qwen3-coder-next"),
                "batch",
                None,
            ),
            (
                "USE1-qwen.qwen3-coder-next-output-tokens-priority",
                false,
                "output",
                Some("qwen.qwen3-coder-next"),
                "priority",
                None,
            ),
            (
                "USE1-mistral.ministral-3-8b-instruct-mantle-input-tokens-standard",
                false,
                "input",
                Some("mistral.ministral-3-8b-instruct"),
                "standard",
                None,
            ),
            (
                "USE1-Claude4.6Sonnet-cache-read-input-token-count",
                false,
                "cache_read",
                Some("Claude4.6Sonnet"),
                "standard",
                None,
            ),
            (
                "USE1-MP:USE1_InputTokenCount_Global-Units",
                true,
                "input",
                None,
                "standard",
                Some("global"),
            ),
            (
                "USE1-MP:USE1_InputTokenCount-Units",
                true,
                "input",
                None,
                "standard",
                Some("regional"),
            ),
            (
                "USE1-MP:USE1_CacheWrite1hInputTokenCount_Global-Units",
                true,
                "cache_write_1h",
                None,
                "standard",
                Some("global"),
            ),
            (
                "USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units",
                true,
                "cache_write_5m",
                None,
                "standard",
                Some("global"),
            ),
            (
                "EUW2-MP:EUW2_OutputTokenCount_Global_Batch-Units",
                true,
                "output",
                None,
                "batch",
                Some("global"),
            ),
            (
                "USE1-MP:USE1_output_tokens_global_standard-Units",
                true,
                "output",
                None,
                "standard",
                Some("global"),
            ),
            (
                "APN1-MP:APN1_MillionBatchInputTokens-Units",
                true,
                "input",
                None,
                "batch",
                Some("regional"),
            ),
        ];
        for (ut, mp, want_class, model, tier, geo) in cases {
            let p = aws_usage_type(ut, mp).unwrap_or_else(|| panic!("{ut}"));
            assert_eq!(class(&p), want_class, "{ut}");
            assert_eq!(p.model.as_deref(), model, "{ut}");
            assert_eq!(p.tier, tier, "{ut}");
            assert_eq!(p.geo, geo, "{ut}");
        }
        let lc = aws_usage_type(
            "USE1-Claude4Sonnet-output-tokens-long-context-cross-region-global",
            false,
        )
        .unwrap();
        assert!(lc.long_context);
        // A first-party cache write says no TTL: unknown, never assumed.
        let w = aws_usage_type("USE1-Nova2.0Lite-cache-write-input-token-count", false).unwrap();
        assert_eq!(class(&w), "cache_write_unknown_ttl");
        for other in [
            "USW2-Llama3-1-70B-ProvisionedThroughput-NoCommit-ModelUnits",
            "EUW2-Guardrail-SensitiveInformationPolicyPaidUnitsConsumed",
            "USE1-MP:USE1_search_units-Units",
            "APS7-MP:APS7_Reserved_1Month_InputTPM_Geo-Units",
            "USE1-MP:USE1_InputImageCount-Units",
        ] {
            assert_eq!(
                class(&aws_usage_type(other, true).unwrap()),
                "non-token",
                "{other}"
            );
        }
        assert_eq!(aws_usage_type("USE1-DataTransfer-Out-Bytes", false), None);
        assert_eq!(
            marketplace_model("Claude Sonnet 4.6 (Amazon Bedrock Edition)").as_deref(),
            Some("Claude Sonnet 4.6")
        );
    }

    #[test]
    fn azure_meter_names() {
        let cases = [
            (
                "gpt-4o-mini-0718-Inp-glbl Tokens",
                "input",
                "gpt 4o mini 0718",
                "standard",
                Some("global"),
            ),
            (
                "gpt 4o 0806 cached Inp glbl Tokens",
                "cache_read",
                "gpt 4o 0806",
                "standard",
                Some("global"),
            ),
            (
                "gpt-4o-0806-Batch-Inp-glbl Tokens",
                "input",
                "gpt 4o 0806",
                "batch",
                Some("global"),
            ),
            (
                "gpt 4o 0806 Inp Data Zone Tokens",
                "input",
                "gpt 4o 0806",
                "standard",
                Some("data-zone"),
            ),
            (
                "gpt-4o-0806-Inp-regnl Tokens",
                "input",
                "gpt 4o 0806",
                "standard",
                Some("regional"),
            ),
            (
                "GPT 5 Inpt Glbl 1M Tokens",
                "input",
                "GPT 5",
                "standard",
                Some("global"),
            ),
            (
                "R1 Outp glbl Tokens",
                "output",
                "R1",
                "standard",
                Some("global"),
            ),
            (
                "5.6 luna ShortCo Cd Inp Std DZ 1M Tokens",
                "cache_read",
                "5.6 luna",
                "standard",
                Some("data-zone"),
            ),
        ];
        for (m, c, model, tier, geo) in cases {
            let p = azure_meter(m).unwrap_or_else(|| panic!("{m}"));
            assert_eq!(class(&p), c, "{m}");
            assert_eq!(p.model.as_deref(), Some(model), "{m}");
            assert_eq!(p.tier, tier, "{m}");
            assert_eq!(p.geo, geo, "{m}");
        }
        assert_eq!(
            class(&azure_meter("Provisioned Managed Global").unwrap()),
            "non-token"
        );
        assert_eq!(azure_meter("Standard Text Records"), None);
    }

    #[test]
    fn gcp_skus_of_both_grammars() {
        let cases = [
            ("Gemini 2.5 Flash GA Text Input - Predictions", "input", "Gemini 2.5 Flash", "standard", false),
            (" Gemini 2.5 Flash GA Input Text Caching", "cache_read", "Gemini 2.5 Flash", "standard", false),
            ("Gemini 2.5 Flash Text Output (Thinking On) - Batch Predictions", "output", "Gemini 2.5 Flash", "batch", false),
            ("Gemini 2.5 Pro Thinking Text Output - Predictions", "output", "Gemini 2.5 Pro", "standard", false),
            ("Gemini 2.5 Pro Input Text Caching (Long)", "cache_read", "Gemini 2.5 Pro", "standard", true),
            ("Gemini 3 Flash Text Input - Predictions", "input", "Gemini 3 Flash", "standard", false),
            ("Generate content input token count gemini 2.5 flash short input text", "input", "gemini 2.5 flash", "standard", false),
            ("Generate content output token count gemini 2.5 flash lite short output text non-thinking", "output", "gemini 2.5 flash lite", "standard", false),
        ];
        for (s, c, model, tier, long) in cases {
            let p = gcp_sku(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(class(&p), c, "{s}");
            assert_eq!(p.model.as_deref(), Some(model), "{s}");
            assert_eq!(p.tier, tier, "{s}");
            assert_eq!(p.long_context, long, "{s}");
        }
        assert_eq!(
            class(&gcp_sku("Gemini 3 Flash Text Input Caching Storage").unwrap()),
            "non-token"
        );
    }

    #[test]
    fn openai_line_items() {
        let p = openai_line_item("gpt-4o-mini-2024-07-18, cached input");
        assert_eq!(
            (class(&p), p.model.as_deref()),
            ("cache_read", Some("gpt-4o-mini-2024-07-18"))
        );
        let p = openai_line_item("priority | gpt-5.6-sol, output, long context");
        assert_eq!(
            (class(&p), p.tier, p.long_context),
            ("output", "priority", true)
        );
        assert_eq!(
            class(&openai_line_item("gpt-5.5-2026-04-23, cache writes")),
            "cache_write_unknown_ttl"
        );
        assert_eq!(
            class(&openai_line_item("web search tool calls")),
            "non-token"
        );
        assert_eq!(class(&openai_line_item("Vector storage")), "non-token");
        assert_eq!(
            class(&openai_line_item("gpt-audio-mini-2025-12-15 audio, input")),
            "non-token"
        );
    }
}
