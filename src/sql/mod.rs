//! `tokenledger sql`: one query, for the engine a team already has, that turns a table of
//! canonical request rows into the aggregate table `--aggregates` prices (see
//! [`crate::usage::aggregate`] and `docs/scale-out.md`).
//!
//! The query validates every row as the canonical reader does (counting rejections per field
//! instead of failing), dedupes `(provider, request_id)`, applies the period, and sums integer
//! measures per (local day, price epoch, group) as 38-digit decimals. It never multiplies
//! money: engines' decimal rules differ and lose digits; tokenledger prices the sums. What the
//! query needs from the price book (epoch boundaries, long-context thresholds, time windows) is
//! written into it as literals, and their digest into its manifest. Layer 3: names `usage` and
//! `pricing`.

mod book;
pub mod dialect;
mod result;
pub mod source;
pub mod spark;
mod timestamp;

pub use dialect::Dialect;
pub use source::LogFormat;

use crate::pricing::PriceBook;
use crate::usage::aggregate::{columns as acol, Manifest, FORMAT};
use crate::usage::{col, MAX_COUNT};
use book::{epoch_expr, window_mask};
use source::{InputRule, Source};

/// What the query is for.
#[derive(Debug, Clone)]
pub struct QuerySpec {
    pub dialect: Dialect,
    /// The layout of the table (canonical columns, or a source adapter).
    pub log_format: LogFormat,
    /// The table or view of canonical rows (as written into the query, e.g. `logs.requests`).
    pub table: String,
    /// The canonical columns the table has (the others are read as empty).
    pub columns: Vec<String>,
    /// Dimension columns to group by besides provider, model, region and batch.
    pub dims: Vec<String>,
    pub tz: String,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    /// Dedupe `(provider, request_id)`, first in `order_by` order wins.
    pub dedupe: bool,
    /// Expressions over the table's columns giving the reading order (file, then row), e.g.
    /// `filename, file_row_number`; empty: timestamp order.
    pub order_by: Vec<String>,
    /// Also return per-minute request counts (for `errors` and the HTML page).
    pub per_minute: bool,
    /// Also aggregate this window before the period (UTC microseconds), without splitting by
    /// anything the command does not filter on: the HTML page's previous month.
    pub side: Option<(i64, i64)>,
}

/// The required canonical columns.
pub const REQUIRED: [&str; 5] = [
    col::TIMESTAMP,
    col::PROVIDER,
    col::MODEL,
    col::INPUT_TOKENS,
    col::OUTPUT_TOKENS,
];

const TIMESTAMP_RE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?$";
const COUNT_RE: &str = "^[0-9]+([.]0+)?$";
const FALSE: &str = "('false', '0', 'no', 'n', 'f')";
const TRUE: &str = "('true', '1', 'yes', 'y', 't')";

/// The manifest of the query `spec` makes with `book`.
pub fn manifest(spec: &QuerySpec, book: &PriceBook) -> Manifest {
    Manifest {
        format: FORMAT.to_string(),
        tokenledger: env!("CARGO_PKG_VERSION").to_string(),
        dialect: spec.dialect.name().to_string(),
        log_format: spec.log_format.name().to_string(),
        tz: spec.tz.clone(),
        from_us: spec.from_us,
        to_us: spec.to_us,
        dims: spec.dims.clone(),
        dedupe: if spec.dedupe { "first" } else { "none" }.to_string(),
        per_minute: spec.per_minute,
        side_from_us: spec.side.map(|s| s.0),
        side_to_us: spec.side.map(|s| s.1),
        book: book.query_digest(),
    }
}

/// A field's column name in the query (`f_input_tokens`).
fn f(name: &str) -> String {
    format!("f_{name}")
}

/// Builds the query.
pub fn query(spec: &QuerySpec, book: &PriceBook) -> String {
    let d = spec.dialect;
    let manifest = manifest(spec, book);
    let manifest_json = serde_json::to_string(&manifest).unwrap_or_default();
    let extras: Vec<&String> = spec
        .dims
        .iter()
        .filter(|x| !col::KNOWN.contains(&x.as_str()))
        .collect();

    // src: every field as text, as the source adapter reads it.
    let source = Source::new(spec.log_format, d, &spec.columns, &extras);
    let mut src = Vec::new();
    for (c, e) in col::KNOWN.iter().zip(&source.known) {
        src.push(format!("{e} AS c_{c}"));
    }
    for (i, e) in source.extras.iter().enumerate() {
        src.push(format!("{e} AS x_{i}"));
    }
    if let Some(r) = &source.reject {
        src.push(format!("{r} AS c_reject"));
    }
    for (i, o) in spec.order_by.iter().enumerate() {
        src.push(format!("{o} AS o_{i}"));
    }

    // f: trimmed, empty as NULL (extra columns are kept as written, like the readers do).
    let mut fl = Vec::new();
    for c in col::KNOWN {
        fl.push(format!("NULLIF(trim(c_{c}), '') AS {}", f(c)));
    }
    for i in 0..extras.len() {
        fl.push(format!("NULLIF(x_{i}, '') AS x_{i}"));
    }
    for i in 0..spec.order_by.len() {
        fl.push(format!("o_{i}"));
    }
    if source.reject.is_some() {
        fl.push("c_reject AS f_reject".into());
    }

    // n: counts, flags and status parsed (NULL: invalid), the timestamp's shape checked.
    let count = |c: &str, default: Option<u64>| -> String {
        let x = f(c);
        let digits = d.strip_zeros(&d.extract(&x, "^([0-9]+)"));
        let value = format!("CASE WHEN {digits} = '' THEN 0 ELSE {} END", d.int(&digits));
        let missing = match default {
            Some(v) => format!("WHEN {x} IS NULL THEN {v} "),
            None => String::new(),
        };
        format!(
            // Nested, not AND: engines may evaluate AND's operands in any order, and the cast
            // must only see text already known to be at most 13 digits.
            "CASE {missing}WHEN {m} THEN CASE WHEN length({digits}) <= 13 THEN CASE WHEN {value} <= {MAX_COUNT} THEN {value} END END END AS n_{c}",
            m = d.matches(&x, COUNT_RE),
        )
    };
    let flag = |c: &str, empty: &str| {
        let x = format!("lower({})", f(c));
        format!(
            "CASE WHEN {} IS NULL THEN {empty} WHEN {x} IN {FALSE} THEN 0 WHEN {x} IN {TRUE} THEN 1 END AS n_{c}",
            f(c)
        )
    };
    let st = f(col::STATUS);
    let st_digits = d.strip_zeros(&format!(
        "CASE WHEN substr({st}, 1, 1) = '+' THEN substr({st}, 2) ELSE {st} END"
    ));
    let required = source.counts_default_zero.then_some(0);
    // Sources that count input without the cache (or cap reasoning) get their raw counts
    // adjusted in a step of their own (`a`).
    let adjust = source.input != InputRule::AsIs || source.clamp_reasoning;
    let raw = |e: String, c: &str, to: &str| {
        if adjust {
            e.replace(&format!(" AS n_{c}"), &format!(" AS {to}"))
        } else {
            e
        }
    };
    let nl = [
        raw(
            count(col::INPUT_TOKENS, required),
            col::INPUT_TOKENS,
            "n_input_raw",
        ),
        count(col::OUTPUT_TOKENS, required),
        count(col::CACHE_READ_TOKENS, Some(0)),
        count(col::CACHE_WRITE_TOKENS, Some(0)),
        count(col::CACHE_WRITE_1H_TOKENS, Some(0)),
        raw(
            count(col::REASONING_TOKENS, Some(0)),
            col::REASONING_TOKENS,
            "n_reasoning_raw",
        ),
        count(col::REQUESTS, Some(1)),
        format!(
            "CASE WHEN {st} IS NULL THEN 200 WHEN {m} THEN CASE WHEN length({st_digits}) BETWEEN 1 AND 3 THEN CASE WHEN {v} BETWEEN 100 AND 599 THEN {v} END END END AS n_status",
            m = d.matches(&st, "^[+]?[0-9]+$"),
            v = d.int(&st_digits),
        ),
        flag(col::BATCH, "0"),
        // 2: the source did not say.
        flag(col::LONG_CONTEXT, "2"),
        format!(
            "CASE WHEN {} THEN 1 ELSE 0 END AS ts_ok",
            d.matches(&f(col::TIMESTAMP), TIMESTAMP_RE)
        ),
    ];

    // t, u, w: the timestamp's parts, then its instant (see `timestamp`).
    let (tl, ul, us) = timestamp::stages(d);

    // v: the first failing field, in the readers' order; whether the row is outside the period.
    let reason = {
        let mut w = Vec::new();
        if source.reject.is_some() {
            w.push(("f_reject IS NOT NULL".to_string(), "f_reject"));
        }
        w.extend([
            ("us IS NULL".to_string(), col::TIMESTAMP),
            (format!("{} IS NULL", f(col::PROVIDER)), col::PROVIDER),
            (format!("{} IS NULL", f(col::MODEL)), col::MODEL),
        ]);
        for c in [
            col::INPUT_TOKENS,
            col::OUTPUT_TOKENS,
            col::CACHE_READ_TOKENS,
            col::CACHE_WRITE_TOKENS,
            col::CACHE_WRITE_1H_TOKENS,
            col::REASONING_TOKENS,
            col::REQUESTS,
        ] {
            w.push((format!("n_{c} IS NULL"), c));
        }
        w.push((
            "n_cache_read_tokens + n_cache_write_tokens > n_input_tokens".into(),
            col::CACHE_READ_TOKENS,
        ));
        w.push((
            "n_cache_write_1h_tokens > n_cache_write_tokens".into(),
            col::CACHE_WRITE_1H_TOKENS,
        ));
        w.push((
            "n_reasoning_tokens > n_output_tokens".into(),
            col::REASONING_TOKENS,
        ));
        for c in [col::STATUS, col::BATCH, col::LONG_CONTEXT] {
            w.push((format!("n_{c} IS NULL"), c));
        }
        let arms: Vec<String> = w
            .iter()
            .map(|(cond, field)| {
                if *field == "f_reject" {
                    format!("WHEN {cond} THEN f_reject")
                } else {
                    format!("WHEN {cond} THEN '{field}'")
                }
            })
            .collect();
        format!("CASE {} END AS reason", arms.join(" "))
    };
    let outside = match (spec.from_us, spec.to_us) {
        (None, None) => "0 = 1".to_string(),
        (from, to) => {
            let mut c = Vec::new();
            if let Some(f) = from {
                c.push(format!("us < {f}"));
            }
            if let Some(t) = to {
                c.push(format!("us >= {t}"));
            }
            format!("({})", c.join(" OR "))
        }
    };
    let rid = f(col::REQUEST_ID);
    let prov = f(col::PROVIDER);
    let early = format!(
        "CASE WHEN {rid} IS NULL AND us IS NOT NULL AND {prov} IS NOT NULL AND {outside} THEN 1 ELSE 0 END AS early_out"
    );

    // k: the occurrence of each valid row's (provider, request_id) in reading order.
    let order = if spec.order_by.is_empty() {
        "us".to_string()
    } else {
        (0..spec.order_by.len())
            .map(|i| format!("o_{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let dedupe = if spec.dedupe {
        format!(
            "  SELECT v.*, row_number() OVER (PARTITION BY {prov}, {rid} ORDER BY {order}) AS occ FROM v WHERE {rid} IS NOT NULL AND reason IS NULL\n  \
             UNION ALL\n  SELECT v.*, 1 AS occ FROM v WHERE {rid} IS NULL OR reason IS NOT NULL"
        )
    } else {
        "  SELECT v.*, 1 AS occ FROM v".to_string()
    };
    let kind = format!(
        "CASE WHEN early_out = 1 THEN 'outside' WHEN reason IS NOT NULL THEN 'rejected' WHEN {outside} THEN 'outside' WHEN occ > 1 THEN 'duplicate' ELSE 'cell' END AS kind"
    );

    // The per-cell keys.
    let cell = |e: &str| format!("CASE WHEN kind = 'cell' OR side_ok = 1 THEN {e} END");
    // Duplicates carry their group too: a `--where` applied later decides whether a duplicate
    // counts as a duplicate or as filtered out, as the local engine does.
    let keyed =
        |e: &str| format!("CASE WHEN kind IN ('cell', 'duplicate') OR side_ok = 1 THEN {e} END");
    let boundaries = book.boundaries();
    let epoch_in = |from: Option<i64>, to: Option<i64>| {
        let base = boundaries.partition_point(|&b| from.is_some_and(|f| b <= f));
        let inside: Vec<i64> = boundaries[base..]
            .iter()
            .copied()
            .take_while(|&b| to.is_none_or(|t| b < t))
            .collect();
        epoch_expr(&inside, base)
    };
    // One epoch expression for the period and the side window before it.
    let epoch = match spec.side {
        Some((a, _)) => epoch_in(spec.from_us.map(|f| f.min(a)), spec.to_us),
        None => epoch_in(spec.from_us, spec.to_us),
    };
    let bucket = if book.thresholds().is_empty() {
        "0".to_string()
    } else {
        book.thresholds()
            .iter()
            .map(|t| format!("CASE WHEN n_input_tokens > {t} THEN 1 ELSE 0 END"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    // Windows matter in the period and in the side window.
    let (mask_from, mask_to) = match spec.side {
        Some((a, b)) => (spec.from_us.map(|f| f.min(a)), spec.to_us.map(|t| t.max(b))),
        None => (spec.from_us, spec.to_us),
    };
    let mask = window_mask(d, book, mask_from, mask_to, &prov);
    let dim_value = |name: &str| -> String {
        if name == col::STATUS {
            d.text("n_status")
        } else if col::KNOWN.contains(&name) {
            f(name)
        } else {
            let i = extras.iter().position(|x| *x == name).unwrap_or(0);
            format!("x_{i}")
        }
    };
    // Each key column's expression, and whether only cells carry it (duplicates carry the
    // group, not the day and epoch).
    let mut raw_keys: Vec<(String, bool)> = vec![
        (d.local_day("us", &spec.tz), true),
        (epoch.clone(), true),
        (prov.clone(), false),
        (f(col::MODEL), false),
        (f(col::REGION), false),
        ("n_batch".into(), false),
        (
            "CASE WHEN n_status BETWEEN 200 AND 299 THEN 0 ELSE 1 END".into(),
            false,
        ),
        (f(col::SERVICE_TIER), false),
        (mask, false),
        ("n_long_context".into(), false),
        ("CASE WHEN n_requests > 1 THEN 1 ELSE 0 END".into(), false),
        (bucket, false),
    ];
    for name in &spec.dims {
        raw_keys.push((dim_value(name), false));
    }
    let key_names: Vec<String> = key_columns(&spec.dims);
    let keys: Vec<String> = raw_keys
        .iter()
        .zip(&key_names)
        .map(|((e, cell_only), name)| {
            let e = if *cell_only { cell(e) } else { keyed(e) };
            format!("{e} AS {name}")
        })
        .collect();
    let measures_in = [
        "1".to_string(),
        "n_requests".into(),
        "n_input_tokens".into(),
        "n_cache_read_tokens".into(),
        "n_cache_write_tokens".into(),
        "n_cache_write_1h_tokens".into(),
        "n_output_tokens".into(),
        "n_reasoning_tokens".into(),
    ];

    let mut q = String::new();
    q.push_str(&format!(
        "-- tokenledger {}: aggregates of {} for `tokenledger report --aggregates FILE` ({} dialect).\n",
        env!("CARGO_PKG_VERSION"),
        spec.table,
        d.name()
    ));
    q.push_str("-- Save the result as CSV with a header and pass it with the same --tz, period and --by.\n");
    if matches!(d, Dialect::Spark) {
        q.push_str("-- Run with spark.sql.session.timeZone=UTC and spark.sql.ansi.enabled=true.\n");
    }
    if matches!(d, Dialect::Postgres) {
        // Measured: 72 s of JIT compilation for a 12-row table with the LiteLLM adapter.
        q.push_str("-- Run after SET jit = off: PostgreSQL's JIT compiler spends minutes on this query's expressions.\n");
    }
    let filter = source
        .filter
        .as_ref()
        .map(|w| format!("\n  WHERE {w}"))
        .unwrap_or_default();
    q.push_str(&format!(
        "WITH src AS (\n  SELECT\n    {}\n  FROM {}{filter}\n),\n",
        src.join(",\n    "),
        spec.table
    ));
    q.push_str(&format!(
        "f AS (\n  SELECT\n    {}\n  FROM src\n),\n",
        fl.join(",\n    ")
    ));
    q.push_str(&derived("n", "f", &nl));
    let counted = if adjust {
        let cache = "n_cache_read_tokens + n_cache_write_tokens";
        let input = match source.input {
            InputRule::AsIs => "n_input_raw".to_string(),
            InputRule::AddCache => format!("n_input_raw + {cache}"),
            InputRule::AddCacheIfExceeds => format!(
                "CASE WHEN {cache} > n_input_raw THEN n_input_raw + {cache} ELSE n_input_raw END"
            ),
        };
        let reasoning = if source.clamp_reasoning {
            "CASE WHEN n_reasoning_raw > n_output_tokens THEN n_output_tokens ELSE n_reasoning_raw END"
        } else {
            "n_reasoning_raw"
        };
        // A missing cache count is its own rejection, not the input's.
        let input = format!(
            "CASE WHEN n_cache_read_tokens IS NULL OR n_cache_write_tokens IS NULL THEN n_input_raw ELSE {input} END"
        );
        q.push_str(&derived(
            "a",
            "n",
            &[
                format!("{input} AS n_input_tokens"),
                format!("{reasoning} AS n_reasoning_tokens"),
            ],
        ));
        "a"
    } else {
        "n"
    };
    q.push_str(&derived("t", counted, &tl));
    q.push_str(&derived("u", "t", &ul));
    q.push_str(&format!("w AS (\n  SELECT u.*,\n    {us}\n  FROM u\n),\n"));
    q.push_str(&format!(
        "v AS (\n  SELECT w.*,\n    {reason},\n    {early}\n  FROM w\n),\n"
    ));
    q.push_str(&format!("k AS (\n{dedupe}\n),\n"));
    let side_ok = match spec.side {
        Some((a, b)) => format!(
            "CASE WHEN kind = 'outside' AND reason IS NULL AND occ = 1 AND us >= {a} AND us < {b} THEN 1 ELSE 0 END"
        ),
        None => "0".into(),
    };
    q.push_str(&format!("r AS (\n  SELECT k.*, {kind} FROM k\n),\n"));
    q.push_str(&result::stages(
        spec,
        &side_ok,
        keys,
        &key_names,
        &measures_in,
        &manifest_json,
    ));
    q
}

/// A CTE `name` adding `columns` to every column of `from`.
fn derived(name: &str, from: &str, columns: &[String]) -> String {
    format!(
        "{name} AS (\n  SELECT {from}.*,\n    {}\n  FROM {from}\n),\n",
        columns.join(",\n    ")
    )
}

/// The key columns of the result, after `kind` and `reason`.
pub fn key_columns(dims: &[String]) -> Vec<String> {
    let mut v: Vec<String> = acol::KEYS.iter().map(|s| s.to_string()).collect();
    v.extend(dims.iter().enumerate().map(|(i, x)| acol::dim(i, x)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_are_a_binary_search_that_counts_boundaries_at_or_before() {
        assert_eq!(epoch_expr(&[], 3), "3");
        assert_eq!(epoch_expr(&[10], 0), "CASE WHEN us < 10 THEN 0 ELSE 1 END");
        let e = epoch_expr(&[10, 20, 30], 2);
        assert_eq!(
            e,
            "CASE WHEN us < 20 THEN CASE WHEN us < 10 THEN 2 ELSE 3 END ELSE CASE WHEN us < 30 THEN 4 ELSE 5 END END"
        );
    }
}
