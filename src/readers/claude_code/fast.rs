//! The fast path of the Claude Code reader: the fields of a transcript line that matter, parsed
//! without building a JSON tree (content blocks skipped). A line this does not fit (odd types,
//! values past the caps, a bad timestamp) goes through the general JSON path instead.

use std::borrow::Cow;

use super::{key_of, Cand, Models, Parsed};
use crate::usage::FieldError;

/// The fields of a transcript line that matter, parsed without building a JSON tree (the
/// content blocks are skipped). Lines this does not fit go through the general JSON path.
#[derive(serde::Deserialize)]
struct FastLine<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    message: Option<FastMsg<'a>>,
    #[serde(rename = "requestId", default, borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    data: Option<FastData<'a>>,
}

#[derive(serde::Deserialize)]
struct FastMsg<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    usage: Option<FastUsage<'a>>,
}

#[derive(serde::Deserialize)]
struct FastUsage<'a> {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_creation: Option<FastCache>,
    #[serde(default)]
    server_tool_use: Option<FastTools>,
    #[serde(default, borrow)]
    speed: Option<Cow<'a, str>>,
}

#[derive(serde::Deserialize)]
struct FastTools {
    #[serde(default)]
    web_search_requests: u64,
}

#[derive(serde::Deserialize)]
struct FastCache {
    #[serde(default)]
    ephemeral_5m_input_tokens: u64,
    #[serde(default)]
    ephemeral_1h_input_tokens: u64,
}

#[derive(serde::Deserialize)]
struct FastData<'a> {
    #[serde(default, borrow)]
    message: Option<FastInner<'a>>,
}

#[derive(serde::Deserialize)]
struct FastInner<'a> {
    #[serde(default, borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "requestId", default, borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    message: Option<FastMsg<'a>>,
}

pub(super) fn fast(file: u32, line: u64, text: &str, models: &mut Models) -> Option<Parsed> {
    let l: FastLine = serde_json::from_str(text).ok()?;
    let (msg, req, ts) = match &l.message {
        Some(m) if m.usage.is_some() => (m, l.request_id.as_deref(), l.timestamp.as_deref()),
        _ if l.kind.as_deref() == Some("progress") => {
            let inner = l.data.as_ref()?.message.as_ref()?;
            let m = inner.message.as_ref().filter(|m| m.usage.is_some())?;
            (
                m,
                inner.request_id.as_deref(),
                inner.timestamp.as_deref().or(l.timestamp.as_deref()),
            )
        }
        _ => return Some(Parsed::Nothing),
    };
    // Empty strings count as absent, as in the general path.
    let Some(model) = msg.model.as_deref().filter(|m| !m.is_empty()) else {
        return Some(Parsed::Bad(FieldError::new(
            "message.model",
            "usage without a model",
        )));
    };
    if model == "<synthetic>" {
        return Some(Parsed::Nothing);
    }
    let u = msg.usage.as_ref()?;
    let (s5, s1) = u.cache_creation.as_ref().map_or((0, 0), |c| {
        (c.ephemeral_5m_input_tokens, c.ephemeral_1h_input_tokens)
    });
    let max = crate::usage::MAX_COUNT;
    if [
        u.input_tokens,
        u.cache_creation_input_tokens,
        u.cache_read_input_tokens,
        u.output_tokens,
        s5,
        s1,
    ]
    .iter()
    .any(|&v| v > max)
    {
        return None; // the general path rejects it with the field named
    }
    let ts = match ts.map(crate::usage::parse_timestamp_us) {
        Some(Ok(t)) => t,
        _ => return None,
    };
    let cache_write = u.cache_creation_input_tokens.max(s5 + s1);
    let code = if u.speed.as_deref() == Some("fast") {
        models.code(&format!("{model}-fast"))
    } else {
        models.code(model)
    };
    Some(Parsed::Usage(Cand {
        file,
        line,
        ts,
        model: code,
        input: u.input_tokens + u.cache_read_input_tokens + cache_write,
        cache_read: u.cache_read_input_tokens,
        cache_write,
        cache_write_1h: s1,
        output: u.output_tokens,
        web_searches: u
            .server_tool_use
            .as_ref()
            .is_some_and(|t| t.web_search_requests > 0),
        key: key_of(
            msg.id.as_deref().filter(|s| !s.is_empty()),
            req.filter(|s| !s.is_empty()),
        ),
    }))
}
