//! The `--by` dimensions: the time buckets and pricing-key dimensions tokenledger knows, and the
//! value of a dimension for one aggregated cell (shared by the report and the comparison).

use crate::engine::{Cell, GroupKey};
use crate::text::shared::Text;
use crate::usage::{col, format_day};

/// The time dimensions `--by` understands besides the log columns.
pub const MONTH: &str = "month";
pub const DAY: &str = "day";
pub const BATCH: &str = "batch";
/// The provider-independent model name of the price version that priced the usage.
pub const CANONICAL_MODEL: &str = "canonical_model";

/// Dimensions with a defined meaning; any other `--by` name is an extra log column.
pub const KNOWN_DIMS: [&str; 11] = [
    MONTH,
    DAY,
    col::PROVIDER,
    col::MODEL,
    col::USER,
    col::PROJECT,
    col::API_KEY,
    col::REGION,
    col::STATUS,
    BATCH,
    CANONICAL_MODEL,
];

/// The value of a `--by` dimension for a cell as a string (see [`dim_text`]). Shared by
/// `compare` and the budgets.
pub fn dim_value(
    name: &str,
    cell: &Cell,
    key: &GroupKey,
    canonical: Option<&str>,
    engine_dims: &[String],
) -> Option<String> {
    dim_text(
        name,
        cell,
        key,
        canonical,
        engine_dims,
        &mut Default::default(),
    )
    .map(|t| t.as_str().to_string())
}

/// The value of a `--by` dimension for a cell: time buckets in the reporting zone, the
/// pricing key, the canonical model of the price version that priced it, or one of the engine's
/// extra dimensions (credentials fingerprinted: see `text::shown_value`). Shared text: the
/// key's own strings are shared, not copied (a million-group report held a string and a vector
/// per row); `days` keeps the label of each day (or month) already made.
pub fn dim_text(
    name: &str,
    cell: &Cell,
    key: &GroupKey,
    canonical: Option<&str>,
    engine_dims: &[String],
    days: &mut crate::engine::FastMap<(bool, i32), Text>,
) -> Option<Text> {
    match name {
        MONTH | DAY => {
            let month = name == MONTH;
            let label = days.entry((month, cell.day)).or_insert_with(|| {
                let day = format_day(cell.day as i64);
                Text::from(if month { &day[..7] } else { &day[..] })
            });
            Some(label.clone())
        }
        col::PROVIDER => Some(key.provider.clone()),
        col::MODEL => Some(key.model.clone()),
        col::REGION => key.region.clone(),
        CANONICAL_MODEL => canonical.map(Text::from),
        BATCH => Some(Text::from(if key.batch { "true" } else { "false" })),
        other => {
            let i = engine_dims.iter().position(|e| e == other)?;
            let v = key.dims[i].as_ref()?;
            // Credentials (by column name or by shape) are fingerprinted.
            let shown = crate::text::shown_value(other, v);
            Some(if shown == **v {
                v.clone()
            } else {
                Text::from(shown)
            })
        }
    }
}
