//! The query's reading of a timestamp, as the readers read it: the parts of an RFC 3339 text
//! (`t`), the offset and the civil-days inputs (`u`), and the instant in microseconds (`w`),
//! NULL for a date that does not exist. Integer arithmetic only, the same in every dialect.

use super::{f, Dialect};
use crate::usage::col;

/// The columns of the stages `t` and `u`, and the expression of `us`.
pub(super) fn stages(d: Dialect) -> ([String; 8], [String; 5], String) {
    // t: the timestamp's parts.
    let ts = f(col::TIMESTAMP);
    let part = |from: usize, len: usize| {
        format!(
            "CASE WHEN ts_ok = 1 THEN {} END",
            d.int(&format!("substr({ts}, {from}, {len})"))
        )
    };
    let frac = d.int(&d.pad_zeros(
        &format!("substr({}, 1, 6)", d.extract(&ts, "^.{19}[.,]([0-9]+)")),
        6,
    ));
    let tl = [
        format!("{} AS t_y", part(1, 4)),
        format!("{} AS t_mo", part(6, 2)),
        format!("{} AS t_d", part(9, 2)),
        format!("{} AS t_h", part(12, 2)),
        format!("{} AS t_mi", part(15, 2)),
        format!("{} AS t_s", part(18, 2)),
        format!(
        "CASE WHEN ts_ok = 1 AND substr({ts}, 20, 1) IN ('.', ',') THEN {frac} ELSE 0 END AS t_frac"
    ),
        format!(
            "CASE WHEN ts_ok = 1 THEN COALESCE({}, '') END AS t_off",
            d.extract(&ts, "([+-][0-9:]+)$")
        ),
    ];
    // u: offset, days in the month, the civil-days inputs (years shifted by 400 so every
    // division is of non-negative numbers).
    let ul = [
    format!(
        "CASE WHEN t_off = '' THEN 0 ELSE {} END AS t_oh",
        d.int("substr(t_off, 2, 2)")
    ),
    format!(
        "CASE WHEN length(t_off) = 5 THEN {} WHEN length(t_off) = 6 THEN {} ELSE 0 END AS t_om",
        d.int("substr(t_off, 4, 2)"),
        d.int("substr(t_off, 5, 2)")
    ),
    format!(
        "CASE WHEN t_mo IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN t_mo IN (4, 6, 9, 11) THEN 30 WHEN ({} = 0 AND {} <> 0) OR {} = 0 THEN 29 ELSE 28 END AS t_dim",
        d.rem("t_y", "4"),
        d.rem("t_y", "100"),
        d.rem("t_y", "400")
    ),
    "t_y - CASE WHEN t_mo <= 2 THEN 1 ELSE 0 END + 400 AS t_yy".to_string(),
    format!("{} AS t_mp", d.rem("t_mo + 9", "12")),
];
    let era = d.div("t_yy", "400");
    let yoe = format!("(t_yy - {era} * 400)");
    let days = format!(
        "{era} * 146097 + {yoe} * 365 + {} - {} + {} + t_d - 1 - 719468 - 146097",
        d.div(&yoe, "4"),
        d.div(&yoe, "100"),
        d.div("153 * t_mp + 2", "5")
    );
    let us = format!(
    "CASE WHEN ts_ok = 1 AND t_mo BETWEEN 1 AND 12 AND t_d BETWEEN 1 AND t_dim AND t_h <= 23 AND t_mi <= 59 AND t_s <= 60 AND t_oh <= 23 AND t_om <= 59 THEN \
     (({days}) * 86400 + t_h * 3600 + t_mi * 60 + CASE WHEN t_s = 60 THEN 59 ELSE t_s END \
     - CASE WHEN substr(t_off, 1, 1) = '-' THEN -1 ELSE 1 END * (t_oh * 3600 + t_om * 60)) * 1000000 \
     + CASE WHEN t_s = 60 THEN 999999 ELSE t_frac END END AS us"
);
    (tl, ul, us)
}
