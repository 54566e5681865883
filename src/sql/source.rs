//! Source adapters (`tokenledger sql --log-format`): how the query reads the tables teams
//! already have, as canonical text fields; everything after is the canonical query. Each adapter
//! keeps its native reader's semantics (which tokens include the cache, what is required, what
//! makes a request failed, which names become dimensions), and check-sql.sh compares each with
//! its reader on real engines.
//!
//! - `canonical`: a table of canonical columns (`--columns` says which it has).
//! - `bedrock`: Bedrock model invocation logs as a JSON table (Athena/Glue over the S3 log
//!   bucket, `spark.read.json`, DuckDB `read_json`) with the documented schema: `timestamp`,
//!   `schemaType`, `accountId`, `region`, `requestId`, `operation`, `modelId`, `errorCode`,
//!   `inferenceRegion`, `identity` (struct: `arn`), `input` (struct: `inputTokenCount`,
//!   `cacheReadInputTokenCount`, `cacheWriteInputTokenCount`), `output` (struct:
//!   `outputTokenCount`), `requestMetadata` (map of text). Input = input + cache read + cache
//!   write; missing counts are 0. The `outcome` dimension needs the response bodies and is
//!   not offered.
//! - `litellm`: the LiteLLM proxy's `LiteLLM_SpendLogs` table (its PostgreSQL database, or a copy
//!   with the same columns), `metadata` as JSON (PostgreSQL `jsonb`, else JSON text).
//! - `otel`: OpenTelemetry GenAI spans in the OpenTelemetry Collector's ClickHouse exporter
//!   table `otel_traces` (`Timestamp`, `StatusCode`, `SpanAttributes` and `ResourceAttributes`
//!   maps); spans without GenAI usage attributes are not usage and are skipped.

use super::dialect::Dialect;
use crate::providers::PROVIDERS;
use crate::usage::col;

/// The table layout the query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Canonical,
    Bedrock,
    Litellm,
    Otel,
}

/// A `--by` dimension a source table cannot give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DimError {
    #[error("--by outcome: a Bedrock table's outcome needs the response bodies (guardrail traces); read the logs with --logs instead")]
    BedrockOutcome,
}

impl LogFormat {
    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Canonical => "canonical",
            LogFormat::Bedrock => "bedrock",
            LogFormat::Litellm => "litellm",
            LogFormat::Otel => "otel",
        }
    }

    /// The table the query names when `--table` is not given.
    pub fn default_table(self, d: Dialect) -> String {
        match self {
            LogFormat::Canonical => "requests".into(),
            LogFormat::Bedrock => "bedrock_invocation_logs".into(),
            LogFormat::Litellm => d.ident("LiteLLM_SpendLogs"),
            LogFormat::Otel => "otel_traces".into(),
        }
    }

    /// Checks the `--by` dimensions the source can give.
    pub fn check_dims(self, dims: &[String]) -> Result<(), DimError> {
        if self == LogFormat::Bedrock && dims.iter().any(|d| d == "outcome") {
            return Err(DimError::BedrockOutcome);
        }
        Ok(())
    }

    /// The Spark schema (DDL) a `spark-job` reads this format's JSON with, so that fields no
    /// file happens to have still exist; None: infer (canonical).
    pub fn spark_schema(self) -> Option<&'static str> {
        match self {
            LogFormat::Bedrock => Some(
                "timestamp STRING, schemaType STRING, accountId STRING, region STRING, \
                 requestId STRING, operation STRING, modelId STRING, errorCode STRING, \
                 inferenceRegion STRING, identity STRUCT<arn: STRING>, \
                 input STRUCT<inputTokenCount: STRING, cacheReadInputTokenCount: STRING, \
                 cacheWriteInputTokenCount: STRING>, output STRUCT<outputTokenCount: STRING>, \
                 requestMetadata MAP<STRING, STRING>",
            ),
            _ => None,
        }
    }
}

/// How the source's input count relates to the canonical one (cache included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRule {
    /// Input already includes the cache.
    AsIs,
    /// Input excludes the cache: add cache read and write (Bedrock).
    AddCache,
    /// Includes it, unless the cache counts exceed it: then the source counted without cache
    /// (LiteLLM, OTel instrumentations of Anthropic).
    AddCacheIfExceeds,
}

/// What the query's first step reads: one text expression per canonical column.
#[derive(Debug, Clone)]
pub struct Source {
    /// Per `col::KNOWN` column, in order.
    pub known: Vec<String>,
    /// Per extra dimension (the `--by` names that are not canonical columns), in order.
    pub extras: Vec<String>,
    /// A field name when the row is not a record of this source (a rejection).
    pub reject: Option<String>,
    /// Rows that are not usage at all (not counted).
    pub filter: Option<String>,
    /// Missing input/output counts are 0 rather than a rejection.
    pub counts_default_zero: bool,
    pub input: InputRule,
    /// Reasoning tokens are capped at the output tokens (the readers do).
    pub clamp_reasoning: bool,
}

impl Source {
    /// The canonical source: the table's columns as they are.
    pub fn canonical(d: Dialect, columns: &[String], extras: &[&String]) -> Source {
        let has = |c: &str| columns.iter().any(|x| x == c);
        Source {
            known: col::KNOWN
                .iter()
                .map(|c| {
                    if has(c) {
                        d.text(&d.ident(c))
                    } else {
                        d.null("text")
                    }
                })
                .collect(),
            extras: extras.iter().map(|x| d.text(&d.ident(x))).collect(),
            reject: None,
            filter: None,
            counts_default_zero: false,
            input: InputRule::AsIs,
            clamp_reasoning: false,
        }
    }

    pub fn new(format: LogFormat, d: Dialect, columns: &[String], extras: &[&String]) -> Source {
        match format {
            LogFormat::Canonical => Source::canonical(d, columns, extras),
            LogFormat::Bedrock => bedrock(d, extras),
            LogFormat::Litellm => litellm(d, extras),
            LogFormat::Otel => otel(d, extras),
        }
    }

    fn from_fields(
        d: Dialect,
        fields: &[(&str, String)],
        extras: Vec<String>,
        input: InputRule,
    ) -> Source {
        let known = col::KNOWN
            .iter()
            .map(|c| {
                fields
                    .iter()
                    .find(|(name, _)| name == c)
                    .map_or_else(|| d.null("text"), |(_, e)| e.clone())
            })
            .collect();
        Source {
            known,
            extras,
            reject: None,
            filter: None,
            counts_default_zero: false,
            input,
            clamp_reasoning: false,
        }
    }
}

/// `CASE lower(trim(x)) WHEN name THEN id ... ELSE lower(trim(x)) END`, NULL stays NULL.
fn provider_map(
    d: Dialect,
    x: &str,
    names: impl Fn(&crate::providers::Provider) -> &[&str],
) -> String {
    let lx = format!("lower(trim({x}))");
    let mut arms = Vec::new();
    for p in PROVIDERS {
        let ns: Vec<String> = names(p).iter().map(|n| d.lit(n)).collect();
        if !ns.is_empty() {
            arms.push(format!(
                "WHEN {lx} IN ({}) THEN {}",
                ns.join(", "),
                d.lit(p.id)
            ));
        }
    }
    format!("CASE {} ELSE {lx} END", arms.join(" "))
}

fn bedrock(d: Dialect, extras: &[&String]) -> Source {
    let p = |segs: &[&str]| d.text(&d.path(segs));
    let meta = |k: &str| d.map_get(&d.ident("requestMetadata"), k);
    let code = p(&["errorCode"]);
    let mut status = String::from("CASE");
    for (codes, http) in [
        (
            &["ThrottlingException", "ServiceQuotaExceededException"][..],
            429,
        ),
        (&["AccessDeniedException"], 403),
        (&["ValidationException"], 400),
        (&["ResourceNotFoundException"], 404),
        (&["ModelTimeoutException"], 408),
        (
            &["ModelNotReadyException", "ServiceUnavailableException"],
            503,
        ),
        (&["ModelErrorException"], 424),
    ] {
        let lits: Vec<String> = codes.iter().map(|c| d.lit(c)).collect();
        status.push_str(&format!(
            " WHEN {code} IN ({}) THEN '{http}'",
            lits.join(", ")
        ));
    }
    status =
        format!("CASE WHEN NULLIF({code}, '') IS NULL THEN NULL ELSE {status} ELSE '500' END END");
    let fields = [
        (col::TIMESTAMP, p(&["timestamp"])),
        (col::PROVIDER, d.lit(crate::readers::bedrock::PROVIDER)),
        (col::MODEL, p(&["modelId"])),
        (col::INPUT_TOKENS, p(&["input", "inputTokenCount"])),
        (col::OUTPUT_TOKENS, p(&["output", "outputTokenCount"])),
        (
            col::CACHE_READ_TOKENS,
            p(&["input", "cacheReadInputTokenCount"]),
        ),
        (
            col::CACHE_WRITE_TOKENS,
            p(&["input", "cacheWriteInputTokenCount"]),
        ),
        (col::REQUEST_ID, p(&["requestId"])),
        (col::STATUS, status),
        (col::REGION, p(&["region"])),
        (
            col::USER,
            format!(
                "COALESCE({}, NULLIF({}, ''))",
                meta("user"),
                p(&["identity", "arn"])
            ),
        ),
        (col::PROJECT, meta("project")),
    ];
    let extras = extras
        .iter()
        .map(|x| match x.as_str() {
            "error_code" => code.clone(),
            "billing_account" => p(&["accountId"]),
            "inference_region" => p(&["inferenceRegion"]),
            "operation" => p(&["operation"]),
            other => meta(other),
        })
        .collect();
    let mut s = Source::from_fields(d, &fields, extras, InputRule::AddCache);
    let st = p(&["schemaType"]);
    s.reject = Some(format!(
        "CASE WHEN {st} IS NOT NULL AND {st} <> 'ModelInvocationLog' THEN 'schemaType' END"
    ));
    s.counts_default_zero = true;
    s
}

/// The LiteLLM provider name a row is billed under: `custom_llm_provider`, else the model's
/// prefix.
fn raw_provider_or_prefix(raw_provider: &str, prefix: &str) -> String {
    format!("COALESCE({raw_provider}, {prefix})")
}

fn litellm(d: Dialect, extras: &[&String]) -> Source {
    let c = |name: &str| format!("NULLIF(trim({}), '')", d.text(&d.ident(name)));
    let model = d.text(&d.ident("model"));
    let raw_provider = c("custom_llm_provider");
    let prefix = format!(
        "CASE WHEN {} THEN {} END",
        d.matches(&model, "^[^/]+/"),
        d.extract(&model, "^([^/]+)/")
    );
    let known: Vec<String> = PROVIDERS
        .iter()
        .flat_map(|p| p.litellm.iter())
        .map(|n| d.lit(n))
        .collect();
    // The prefix is the provider when it names one tokenledger knows and agrees with
    // custom_llm_provider (or that is empty).
    let used = format!(
        "({prefix} IN ({}) AND ({raw_provider} IS NULL OR {raw_provider} = {prefix}))",
        known.join(", ")
    );
    let provider = format!(
        "CASE WHEN {raw_provider} IS NOT NULL THEN {} WHEN {used} THEN {} ELSE 'unknown' END",
        provider_map(d, &raw_provider, |p| p.litellm),
        provider_map(d, &prefix, |p| p.litellm),
    );
    let bare = d.extract(&model, "^[^/]+/(.*)$");
    // LiteLLM names Azure deployment types in the model (`azure/us/gpt-4o`: Data Zone;
    // `azure/global/...`: Global Standard), as the reader does.
    let is_azure = format!(
        "{} = 'azure'",
        provider_map(d, &raw_provider_or_prefix(&raw_provider, &prefix), |p| {
            p.litellm
        })
    );
    let azure_zone = format!(
        "({used} AND {is_azure} AND {})",
        d.matches(&bare, "^(us|eu)/")
    );
    let azure_global = format!(
        "({used} AND {is_azure} AND {})",
        d.matches(&bare, "^(global|global-standard)/")
    );
    let bare = format!(
        "CASE WHEN {azure_zone} OR {azure_global} THEN {} ELSE {bare} END",
        d.extract(&bare, "^[^/]+/(.*)$")
    );
    let meta = d.ident("metadata");
    let usage = |path: &[&str]| {
        let mut v = vec!["usage_object"];
        v.extend_from_slice(path);
        d.json_text(&meta, &v)
    };
    let cr1 = usage(&["cache_read_input_tokens"]);
    let cache_read = format!(
        "CASE WHEN {cr1} IS NULL OR {cr1} = '0' THEN {} ELSE {cr1} END",
        usage(&["prompt_tokens_details", "cached_tokens"])
    );
    // Cache writes as `readers::litellm` reads them: the Anthropic-style count, else LiteLLM's
    // `prompt_tokens_details.cache_creation_tokens`; the 1-hour part from LiteLLM's details or
    // Anthropic's own `cache_creation`.
    let cw1 = usage(&["cache_creation_input_tokens"]);
    let cache_write = format!(
        "CASE WHEN {cw1} IS NULL OR {cw1} = '0' THEN {} ELSE {cw1} END",
        usage(&["prompt_tokens_details", "cache_creation_tokens"])
    );
    let h1 = usage(&[
        "prompt_tokens_details",
        "cache_creation_token_details",
        "ephemeral_1h_input_tokens",
    ]);
    let one_hour = format!(
        "CASE WHEN {h1} IS NULL OR {h1} = '0' THEN {} ELSE {h1} END",
        usage(&["cache_creation", "ephemeral_1h_input_tokens"])
    );
    let ec = d.json_text(&meta, &["error_information", "error_code"]);
    // A failure's status is its numeric error code when that is 400-599, else 500.
    let status = format!(
        "CASE WHEN lower({}) = 'failure' THEN CASE WHEN {} THEN {ec} ELSE '500' END END",
        c("status"),
        d.matches(&format!("COALESCE({ec}, '')"), "^[45][0-9]{2}$"),
    );
    let fields = [
        (col::TIMESTAMP, d.ts_text(&d.ident("startTime"))),
        (col::PROVIDER, provider),
        (
            col::MODEL,
            format!("CASE WHEN {used} THEN {bare} ELSE {model} END"),
        ),
        (col::INPUT_TOKENS, d.text(&d.ident("prompt_tokens"))),
        (col::OUTPUT_TOKENS, d.text(&d.ident("completion_tokens"))),
        (col::CACHE_READ_TOKENS, cache_read),
        (col::CACHE_WRITE_TOKENS, cache_write),
        (col::CACHE_WRITE_1H_TOKENS, one_hour),
        (
            col::REASONING_TOKENS,
            usage(&["completion_tokens_details", "reasoning_tokens"]),
        ),
        (col::REQUEST_ID, c("request_id")),
        (col::STATUS, status),
        (col::USER, c("user")),
        (col::API_KEY, c("api_key")),
        (col::PROJECT, c("team_id")),
    ];
    let extras = extras
        .iter()
        .map(|x| match x.as_str() {
            "end_user" | "model_group" | "call_type" => c(x),
            col::DEPLOYMENT_TYPE => format!(
                "CASE WHEN {azure_zone} THEN 'data-zone' WHEN {azure_global} THEN 'global' END"
            ),
            _ => d.null("text"),
        })
        .collect();
    let mut s = Source::from_fields(d, &fields, extras, InputRule::AddCacheIfExceeds);
    s.clamp_reasoning = true;
    s
}

fn otel(d: Dialect, extras: &[&String]) -> Source {
    let span = |k: &str| d.map_get(&d.ident("SpanAttributes"), k);
    // The cache-write attribute under its new name or the older one (as `readers::otel`), and
    // its 1-hour part where the span carries it.
    let write_new = span("gen_ai.usage.cache_write.input_tokens");
    let write_old = span("gen_ai.usage.cache_creation.input_tokens");
    let one_hour = format!(
        "COALESCE({}, {}, CASE WHEN {} = '1h' THEN COALESCE({write_new}, {write_old}) END)",
        span("gen_ai.usage.cache_write.ephemeral_1h_input_tokens"),
        span("gen_ai.usage.cache_creation.ephemeral_1h_input_tokens"),
        span("gen_ai.usage.cache_write.ttl"),
    );
    let conflict = format!(
        "CASE WHEN {write_new} IS NOT NULL AND {write_old} IS NOT NULL AND trim({write_new}) <> trim({write_old}) THEN 'gen_ai.usage.cache_write.input_tokens' END"
    );
    let res = |k: &str| d.map_get(&d.ident("ResourceAttributes"), k);
    let provider = format!(
        "COALESCE({}, {})",
        span("gen_ai.provider.name"),
        span("gen_ai.system")
    );
    let http = span("http.response.status_code");
    let code = d.text(&d.ident("StatusCode"));
    // The HTTP status when it is one (100-599), else 500 for an error span, else success.
    let status = format!(
        "CASE WHEN {} THEN {http} WHEN {code} IN ('Error', 'STATUS_CODE_ERROR') THEN '500' END",
        d.matches(&format!("COALESCE({http}, '')"), "^[1-5][0-9]{2}$"),
    );
    let fields = [
        (col::TIMESTAMP, d.ts_text(&d.ident("Timestamp"))),
        (
            col::PROVIDER,
            format!(
                "CASE WHEN {provider} IS NOT NULL THEN {} END",
                provider_map(d, &provider, |p| p.otel)
            ),
        ),
        (
            col::MODEL,
            format!(
                "COALESCE({}, {})",
                span("gen_ai.response.model"),
                span("gen_ai.request.model")
            ),
        ),
        (col::INPUT_TOKENS, span("gen_ai.usage.input_tokens")),
        (col::OUTPUT_TOKENS, span("gen_ai.usage.output_tokens")),
        (
            col::CACHE_READ_TOKENS,
            span("gen_ai.usage.cache_read.input_tokens"),
        ),
        (
            col::CACHE_WRITE_TOKENS,
            format!("COALESCE({write_new}, {write_old})"),
        ),
        (col::CACHE_WRITE_1H_TOKENS, one_hour),
        (
            col::REASONING_TOKENS,
            span("gen_ai.usage.reasoning.output_tokens"),
        ),
        (col::REQUEST_ID, span("gen_ai.response.id")),
        (col::STATUS, status),
        (
            col::REGION,
            format!(
                "COALESCE({}, {})",
                span("cloud.region"),
                res("cloud.region")
            ),
        ),
        (
            col::USER,
            format!("COALESCE({}, {})", span("enduser.id"), span("user.id")),
        ),
    ];
    let extras = extras
        .iter()
        .map(|x| match x.as_str() {
            "gen_ai.operation.name" => span(x),
            other => res(other),
        })
        .collect();
    let mut s = Source::from_fields(d, &fields, extras, InputRule::AddCacheIfExceeds);
    s.filter = Some(format!(
        "{} IS NOT NULL OR {} IS NOT NULL",
        span("gen_ai.usage.input_tokens"),
        span("gen_ai.usage.output_tokens")
    ));
    s.reject = Some(conflict);
    s.counts_default_zero = true;
    s.clamp_reasoning = true;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_per_dialect() {
        let segs = ["input", "inputTokenCount"];
        assert_eq!(Dialect::Duckdb.path(&segs), "\"input\".\"inputTokenCount\"");
        assert_eq!(Dialect::Spark.path(&segs), "`input`.`inputTokenCount`");
        assert_eq!(
            Dialect::Postgres.path(&segs),
            "(\"input\" ->> 'inputTokenCount')"
        );
        assert_eq!(
            Dialect::Snowflake.path(&segs),
            "\"input\":\"inputTokenCount\""
        );
        assert_eq!(
            Dialect::Duckdb.json_text("m", &["usage_object", "a-b"]),
            "json_extract_string(m, '$.usage_object.\"a-b\"')"
        );
        assert_eq!(
            Dialect::Postgres.json_text("m", &["usage_object", "x"]),
            "(CAST(m AS jsonb) #>> '{usage_object,x}')"
        );
    }

    #[test]
    fn provider_names_map_to_tokenledger_ids() {
        let e = provider_map(Dialect::Duckdb, "p", |p| p.litellm);
        assert!(
            e.contains("WHEN lower(trim(p)) IN ('bedrock', 'bedrock_converse') THEN 'aws-bedrock'")
        );
        assert!(e.ends_with("ELSE lower(trim(p)) END"), "unknown names kept");
    }

    #[test]
    fn bedrock_counts_missing_tokens_as_zero_and_adds_the_cache() {
        let s = Source::new(LogFormat::Bedrock, Dialect::Spark, &[], &[]);
        assert!(s.counts_default_zero);
        assert_eq!(s.input, InputRule::AddCache);
        let l = Source::new(LogFormat::Litellm, Dialect::Spark, &[], &[]);
        assert!(
            !l.counts_default_zero,
            "prompt and completion tokens are required"
        );
        assert_eq!(l.input, InputRule::AddCacheIfExceeds);
        assert!(l.clamp_reasoning);
    }
}
