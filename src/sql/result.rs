//! The query's last stages: per row the keys and measures of what it counts towards (`s`,
//! `g`), each row once more as a minute or side row where it is one (`h`), the GROUP BY that
//! makes the aggregate table, and the manifest row.

use super::{Dialect, QuerySpec};
use crate::usage::aggregate::columns as acol;

/// The SQL of the stages from `s` on, after the stage `r` (`side_ok`: whether a row counts
/// towards the side window).
pub(super) fn stages(
    spec: &QuerySpec,
    side_ok: &str,
    keys: Vec<String>,
    key_names: &[String],
    measures_in: &[String],
    manifest_json: &str,
) -> String {
    let d: Dialect = spec.dialect;
    let cell = |e: &str| format!("CASE WHEN kind = 'cell' OR side_ok = 1 THEN {e} END");
    let mut q = String::new();
    // g: per row, the keys and measures of what it counts towards: a cell, a duplicate (its
    // group), or the side window (the month before: valid rows whose id was not seen before;
    // they count as outside too).
    q.push_str(&format!(
        "s AS (\n  SELECT r.*, {side_ok} AS side_ok FROM r\n),\n"
    ));
    let mut inner = vec![
        "kind".to_string(),
        "side_ok".to_string(),
        format!(
            "CASE WHEN kind = 'rejected' THEN reason END AS {}",
            acol::REASON
        ),
    ];
    inner.extend(keys);
    inner.push("CASE WHEN kind <> 'rejected' THEN us END AS us_seen".to_string());
    inner.push(if spec.per_minute {
        format!(
            "CASE WHEN kind = 'cell' AND n_requests = 1 THEN us - {} END AS minute_key",
            d.rem("us", "60000000")
        )
    } else {
        format!("{} AS minute_key", d.null("int"))
    });
    for (i, m) in measures_in.iter().enumerate().skip(1) {
        inner.push(format!("{} AS m_{i}", cell(m)));
    }
    q.push_str(&format!(
        "g AS (\n  SELECT\n    {}\n  FROM s\n),\n",
        inner.join(",\n    ")
    ));
    // h: each row once as itself (v = 0), once more as a minute row (v = 1) and as a side row
    // (v = 2) where it is one: one pass and one GROUP BY, no second copy of the plan (engines
    // that do not reuse CTEs would derive every row twice).
    let mut variants = vec!["SELECT 0 AS v".to_string()];
    if spec.per_minute {
        variants.push("SELECT 1 AS v".into());
    }
    if spec.side.is_some() {
        variants.push("SELECT 2 AS v".into());
    }
    let mut h = vec![
        format!(
            "CASE WHEN x.v = 1 THEN 'minute' WHEN x.v = 2 THEN 'side' ELSE kind END AS {}",
            acol::KIND
        ),
        format!("CASE WHEN x.v = 0 THEN {0} END AS {0}", acol::REASON),
    ];
    for (i, k) in key_names.iter().enumerate() {
        let when = match i {
            // day and epoch: cells and side rows
            0 | 1 => "(x.v = 0 AND kind = 'cell') OR x.v = 2",
            // provider and model: minute rows too
            2 | 3 => "(x.v = 0 AND kind <> 'outside') OR x.v > 0",
            _ => "(x.v = 0 AND kind <> 'outside') OR x.v = 2",
        };
        h.push(format!("CASE WHEN {when} THEN {k} END AS {k}"));
    }
    h.push(format!(
        "CASE WHEN x.v = 1 THEN minute_key END AS {}",
        acol::MINUTE_US
    ));
    h.push("CASE WHEN x.v <> 1 THEN us_seen END AS us_seen".into());
    for i in 1..acol::MEASURES.len() {
        h.push(format!(
            "CASE WHEN (x.v = 0 AND kind = 'cell') OR x.v > 0 THEN m_{i} END AS m_{i}"
        ));
    }
    q.push_str(&format!(
        "h AS (\n  SELECT\n    {}\n  FROM g CROSS JOIN ({}) x\n  WHERE x.v = 0 OR (x.v = 1 AND minute_key IS NOT NULL) OR (x.v = 2 AND side_ok = 1)\n)\n",
        h.join(",\n    "),
        variants.join(" UNION ALL ")
    ));
    // The result, then the manifest.
    let mut out = vec![acol::KIND.to_string(), acol::REASON.to_string()];
    out.extend(key_names.iter().cloned());
    out.push(acol::MINUTE_US.to_string());
    out.push(format!("min(us_seen) AS {}", acol::FIRST_US));
    out.push(format!("max(us_seen) AS {}", acol::LAST_US));
    out.push(format!("count(*) AS {}", acol::MEASURES[0]));
    for (i, name) in acol::MEASURES.iter().enumerate().skip(1) {
        out.push(format!("{} AS {name}", d.big_sum(&format!("m_{i}"))));
    }
    let mut group = vec![acol::KIND.to_string(), acol::REASON.to_string()];
    group.extend(key_names.iter().cloned());
    group.push(acol::MINUTE_US.to_string());
    q.push_str(&format!(
        "SELECT\n  {}\nFROM h\nGROUP BY {}\n",
        out.join(",\n  "),
        group.join(", ")
    ));
    let mut man = vec!["'manifest'".to_string(), d.lit(manifest_json)];
    for k in key_names {
        man.push(match k.as_str() {
            acol::LOCAL_DAY => d.null("date"),
            acol::PROVIDER | acol::MODEL | acol::REGION | acol::SERVICE_TIER => d.null("text"),
            x if x.starts_with(acol::DIM_PREFIX) => d.null("text"),
            _ => d.null("int"),
        });
    }
    man.extend([d.null("int"), d.null("int"), d.null("int"), "0".into()]);
    for _ in 1..acol::MEASURES.len() {
        man.push(d.null("big"));
    }
    q.push_str(&format!("UNION ALL\nSELECT\n  {}\n", man.join(",\n  ")));
    q
}
