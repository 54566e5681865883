//! What a valid canonical row is: the column layout of a file ([`Layout`]) and the one row
//! validator ([`build_record`]) that the CSV, JSONL, Parquet and parallel block readers share,
//! so a value means the same in every encoding.

use super::{ReadError, ReadOptions};
use crate::usage::{
    check_plausible, col, parse_bool, parse_count, parse_status, parse_timestamp_us, FieldError,
    UsageRecord,
};

/// Index of each canonical column in [`col::KNOWN`].
pub mod k {
    pub const TIMESTAMP: usize = 0;
    pub const PROVIDER: usize = 1;
    pub const MODEL: usize = 2;
    pub const INPUT: usize = 3;
    pub const OUTPUT: usize = 4;
    pub const CACHE_READ: usize = 5;
    pub const CACHE_WRITE: usize = 6;
    pub const REASONING: usize = 7;
    pub const REQUESTS: usize = 8;
    pub const REQUEST_ID: usize = 9;
    pub const STATUS: usize = 10;
    pub const USER: usize = 11;
    pub const PROJECT: usize = 12;
    pub const API_KEY: usize = 13;
    pub const REGION: usize = 14;
    pub const BATCH: usize = 15;
    pub const CACHE_WRITE_1H: usize = 16;
    pub const LONG_CONTEXT: usize = 17;
    pub const SERVICE_TIER: usize = 18;
}

/// The raw text of the canonical fields of one row (`None` for absent or empty).
pub type RawFields<'a> = [Option<&'a str>; col::COUNT];

/// The fields that hold token or request counts.
const COUNT_FIELDS: [usize; 7] = [
    k::INPUT,
    k::OUTPUT,
    k::CACHE_READ,
    k::CACHE_WRITE,
    k::REASONING,
    k::REQUESTS,
    k::CACHE_WRITE_1H,
];

pub fn known_index(name: &str) -> Option<usize> {
    col::KNOWN.iter().position(|c| *c == name)
}

pub fn non_empty(v: Option<&str>) -> Option<&str> {
    // Canonical values are ASCII where it matters; trim_ascii is much cheaper than trim().
    v.map(str::trim_ascii).filter(|s| !s.is_empty())
}

/// Validates one row's raw fields into a record. This is the single definition of what a valid
/// canonical row is.
pub fn build_record<'a>(
    f: &RawFields<'a>,
    extra: Vec<(&'a str, &'a str)>,
) -> Result<UsageRecord<'a>, FieldError> {
    build_typed(f, &NO_COUNTS, extra)
}

/// Counts that a typed source (a Parquet column of unsigned integers) gives as numbers, by
/// field index: `Some` replaces parsing the field's text (the number is checked exactly as a
/// parsed one: [`check_plausible`]).
pub type TypedCounts = [Option<u64>; col::COUNT];

const NO_COUNTS: TypedCounts = [None; col::COUNT];

/// [`build_record`] with some counts given as numbers.
pub fn build_typed<'a>(
    f: &RawFields<'a>,
    typed: &TypedCounts,
    extra: Vec<(&'a str, &'a str)>,
) -> Result<UsageRecord<'a>, FieldError> {
    let required = |i: usize| {
        non_empty(f[i]).ok_or_else(|| FieldError::new(col::KNOWN[i], "missing value (required)"))
    };
    let count = |i: usize, default: u64| match (typed[i], non_empty(f[i])) {
        (Some(n), _) => check_plausible(col::KNOWN[i], n),
        (None, None) => Ok(default),
        (None, Some(s)) => parse_count(col::KNOWN[i], s),
    };
    let timestamp_us = parse_timestamp_us(required(k::TIMESTAMP)?)
        .map_err(|e| FieldError::new(col::TIMESTAMP, e))?;
    let provider = required(k::PROVIDER)?;
    let model = required(k::MODEL)?;
    let input_tokens = match typed[k::INPUT] {
        Some(n) => check_plausible(col::INPUT_TOKENS, n)?,
        None => parse_count(col::INPUT_TOKENS, required(k::INPUT)?)?,
    };
    let output_tokens = match typed[k::OUTPUT] {
        Some(n) => check_plausible(col::OUTPUT_TOKENS, n)?,
        None => parse_count(col::OUTPUT_TOKENS, required(k::OUTPUT)?)?,
    };
    let cache_read_tokens = count(k::CACHE_READ, 0)?;
    let cache_write_tokens = count(k::CACHE_WRITE, 0)?;
    let cache_write_1h_tokens = count(k::CACHE_WRITE_1H, 0)?;
    let reasoning_tokens = count(k::REASONING, 0)?;
    let requests = count(k::REQUESTS, 1)?;
    if cache_read_tokens.saturating_add(cache_write_tokens) > input_tokens {
        return Err(FieldError::new(
            col::CACHE_READ_TOKENS,
            format!(
                "cache_read_tokens + cache_write_tokens ({} + {}) exceed input_tokens ({}); input_tokens must include cached tokens",
                cache_read_tokens, cache_write_tokens, input_tokens
            ),
        ));
    }
    if cache_write_1h_tokens > cache_write_tokens {
        return Err(FieldError::new(
            col::CACHE_WRITE_1H_TOKENS,
            format!(
                "cache_write_1h_tokens ({cache_write_1h_tokens}) exceed cache_write_tokens ({cache_write_tokens}); they are a subset"
            ),
        ));
    }
    if reasoning_tokens > output_tokens {
        return Err(FieldError::new(
            col::REASONING_TOKENS,
            format!(
                "reasoning_tokens ({reasoning_tokens}) exceed output_tokens ({output_tokens}); output_tokens must include reasoning"
            ),
        ));
    }
    let status = parse_status(f[k::STATUS].unwrap_or(""))?;
    let batch = parse_bool(col::BATCH, f[k::BATCH].unwrap_or(""))?;
    let long_context = match non_empty(f[k::LONG_CONTEXT]) {
        None => None,
        Some(s) => Some(parse_bool(col::LONG_CONTEXT, s)?),
    };
    Ok(UsageRecord {
        unpriced_class: None,
        timestamp_us,
        provider,
        model,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        reasoning_tokens,
        requests,
        request_id: non_empty(f[k::REQUEST_ID]),
        status,
        user: non_empty(f[k::USER]),
        project: non_empty(f[k::PROJECT]),
        api_key: non_empty(f[k::API_KEY]),
        region: non_empty(f[k::REGION]),
        batch,
        long_context,
        service_tier: non_empty(f[k::SERVICE_TIER]),
        extra,
    })
}

/// The `--map FROM=TO` pairs meant to give this header a missing column whose FROM it does not
/// have, as a clause of the not-canonical error (empty when there are none), each with the
/// header's closest name: `--map foo=timestamp` on a header with `ts` says so instead of only
/// "no column timestamp".
fn unmatched_maps(header: &[String], map: &[(String, String)], missing: &[&str]) -> String {
    let mut out = String::new();
    for (from, to) in map {
        if !missing.contains(&to.as_str()) || header.iter().any(|h| h.trim() == from) {
            continue;
        }
        let closest = crate::text::nearest(header.iter().map(|h| h.trim()), from, |h| {
            (h.chars().count().max(from.chars().count()) / 2).max(1)
        })
        .map(|h| format!(" (did you mean {:?}?)", crate::text::printable(h)))
        .unwrap_or_default();
        out.push_str(&format!(
            "; --map {}={}: the header has no column {:?}{closest}",
            crate::text::printable(from),
            crate::text::printable(to),
            crate::text::printable(from)
        ));
    }
    out
}

/// What a reader does with a row before validating it (see [`Layout::triage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triage<'a> {
    /// Validate it and hand it on.
    Read,
    /// Outside the period (at this timestamp): count it for this provider, nothing more.
    Outside(&'a str, i64),
    /// In the side window: validate it; a valid row is handed on, an invalid one counted as
    /// outside the period for this provider.
    Side(&'a str, i64),
}

/// Where each canonical column is in a file, and which extra columns a command asked for.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The column index of each [`col::KNOWN`] column, if the file has it.
    pub known: [Option<usize>; col::COUNT],
    /// (name, column index) of the extra columns a command asked for.
    pub extras: Vec<(String, usize)>,
    /// How many columns the header has.
    pub columns: usize,
}

impl Layout {
    /// The layout of a header; a column named twice, or a required column missing (the file
    /// is then no canonical log), is an error.
    pub fn new(names: &[String], opts: &ReadOptions, path: &str) -> Result<Self, ReadError> {
        let mut known = [None; col::COUNT];
        let mut extras = Vec::new();
        let raw_names = names;
        let names: Vec<String> = names.iter().map(|n| opts.mapped(n).to_string()).collect();
        for (i, raw) in names.iter().enumerate() {
            let name = raw.trim();
            if names[..i].iter().any(|n| n.trim() == name) {
                return Err(ReadError::Format {
                    path: path.to_string(),
                    message: format!("line 1: column {name:?} appears twice in the header"),
                });
            }
            match known_index(name) {
                Some(k) => known[k] = Some(i),
                None if opts.wanted_extras.iter().any(|w| w == name) => {
                    extras.push((name.to_string(), i))
                }
                None => {}
            }
        }
        let missing_all: Vec<&str> = [k::TIMESTAMP, k::PROVIDER, k::MODEL, k::INPUT, k::OUTPUT]
            .into_iter()
            .filter(|&i| known[i].is_none())
            .map(|i| col::KNOWN[i])
            .collect();
        if !missing_all.is_empty() {
            // Not a canonical log: one error for the file, never a rejection per row.
            let shown: Vec<String> = names
                .iter()
                .take(20)
                .map(|n| crate::text::printable(n).into_owned())
                .collect();
            return Err(ReadError::Format {
                path: path.to_string(),
                message: format!(
                    "line 1: not a canonical log: no column {} (the header has {}{}){}; name the columns with --map FROM=TO,... (e.g. --map prompt_tokens=input_tokens), or force the format with --log-format",
                    missing_all.join(", "),
                    if shown.is_empty() { "no columns".to_string() } else { shown.join(", ") },
                    if names.len() > 20 { ", ..." } else { "" },
                    unmatched_maps(raw_names, &opts.map, &missing_all)
                ),
            });
        }
        Ok(Layout {
            known,
            extras,
            columns: names.len(),
        })
    }

    /// Which columns of the file hold counts (by column index), for [`Layout::record_typed`].
    pub fn count_columns(&self) -> Vec<bool> {
        let mut out = vec![false; self.columns];
        for k in COUNT_FIELDS {
            if let Some(slot) = self.known[k].and_then(|i| out.get_mut(i)) {
                *slot = true;
            }
        }
        out
    }

    /// The record of a typed row: `get` gives a column's text, `count` a count column's number
    /// where the column holds unsigned integers (then `get` is not asked for it).
    pub fn record_typed<'a>(
        &'a self,
        get: impl Fn(usize) -> Option<&'a str>,
        count: impl Fn(usize) -> Option<u64>,
    ) -> Result<UsageRecord<'a>, FieldError> {
        let mut raw: RawFields = [None; col::COUNT];
        let mut typed: TypedCounts = [None; col::COUNT];
        for (k, idx) in self.known.iter().enumerate() {
            let Some(i) = *idx else { continue };
            if COUNT_FIELDS.contains(&k) {
                if let Some(n) = count(i) {
                    typed[k] = Some(n);
                    continue;
                }
            }
            raw[k] = get(i);
        }
        let extra = self
            .extras
            .iter()
            .filter_map(|(n, i)| get(*i).map(|v| (n.as_str(), v)))
            .collect();
        build_typed(&raw, &typed, extra)
    }

    /// Validates one row, given the text of its column `i`.
    pub fn record<'a>(
        &'a self,
        get: impl Fn(usize) -> Option<&'a str>,
    ) -> Result<UsageRecord<'a>, FieldError> {
        self.record_typed(get, |_| None)
    }

    /// How to treat a row before validating it. A one-month report over a year of logs pays
    /// a timestamp parse for the other months: rows outside the period are only counted. Rows
    /// with a request id are validated fully (an invalid row must not make a valid one a
    /// duplicate), and so are rows whose timestamp or provider is missing or malformed.
    pub fn triage<'a>(
        &self,
        get: impl Fn(usize) -> Option<&'a str>,
        opts: &ReadOptions,
    ) -> Triage<'a> {
        if opts.period.is_none() {
            return Triage::Read;
        }
        let field = |k: usize| {
            self.known[k]
                .and_then(&get)
                .map(str::trim_ascii)
                .filter(|v| !v.is_empty())
        };
        if field(k::REQUEST_ID).is_some() {
            return Triage::Read;
        }
        let (Some(Ok(ts)), Some(provider)) = (
            field(k::TIMESTAMP).map(parse_timestamp_us),
            field(k::PROVIDER),
        ) else {
            return Triage::Read;
        };
        if !opts.outside(ts) {
            Triage::Read
        } else if opts.in_side(ts) {
            Triage::Side(provider, ts)
        } else {
            Triage::Outside(provider, ts)
        }
    }
}
