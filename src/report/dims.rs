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

/// The value of a `--by` dimension for a cell: time buckets in the reporting zone, the
/// pricing key, the canonical model of the price version that priced it, or one of the engine's
/// extra dimensions (credentials fingerprinted: see `text::shown_value`). Shared by `report` and `compare`.
pub fn dim_value(
    name: &str,
    cell: &Cell,
    key: &GroupKey,
    canonical: Option<&str>,
    engine_dims: &[String],
) -> Option<String> {
    match name {
        MONTH => Some(format_day(cell.day as i64)[..7].to_string()),
        DAY => Some(format_day(cell.day as i64)),
        CANONICAL_MODEL => canonical.map(str::to_string),
        col::PROVIDER => Some(key.provider.to_string()),
        col::MODEL => Some(key.model.to_string()),
        col::REGION => key.region.as_deref().map(str::to_string),
        BATCH => Some(key.batch.to_string()),
        other => {
            let i = engine_dims.iter().position(|e| e == other)?;
            // Credentials (by column name or by shape) are fingerprinted.
            key.dims[i]
                .as_deref()
                .map(|v| crate::text::shown_value(other, v))
        }
    }
}

/// [`dim_value`] as shared text, for report rows: the key's own strings are shared, not
/// copied (a million-group report held a string and a vector per row). `days` keeps the label
/// of each day (or month) already made.
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
        CANONICAL_MODEL | BATCH => {
            dim_value(name, cell, key, canonical, engine_dims).map(Text::from)
        }
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
