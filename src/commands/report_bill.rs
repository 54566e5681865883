//! `report --bill` (without the HTML page): what a bill says, by the report's dimensions.

use std::path::PathBuf;

use super::settings::UsageSettings;
use super::UsageError;
use crate::output::atomic::Output;
use crate::readers::bill::BillFormat;
use crate::render::{self, Format};
use crate::report::reconcile::view::{bill_view, unknown_dims, BILL_DIMS};

/// Reads the bill and prints its breakdown by `by`, over the settings' period.
pub fn view(
    settings: &UsageSettings,
    by: &[String],
    (bills, format_in): (&[PathBuf], BillFormat),
    format: Format,
    style: render::Style,
    out: Option<&PathBuf>,
) -> anyhow::Result<()> {
    if !matches!(
        format,
        Format::Table | Format::Csv | Format::Json | Format::Markdown
    ) {
        return Err(UsageError::Message(
            "--bill: the bill's breakdown is a table, csv, json or markdown; --format html (or --out-dir) adds a reconciliation section to the page".into(),
        )
        .into());
    }
    let book = super::book::load_book(&settings.pricing, &settings.pricing_overlay)?;
    let bill = super::reconcile::read_bill(bills, format_in)?;
    let unknown = unknown_dims(&bill, by);
    if !unknown.is_empty() {
        return Err(UsageError::Message(format!(
            "--by {}: a bill has {} and its tag keys",
            unknown.join(","),
            BILL_DIMS.join(", ")
        ))
        .into());
    }
    let v = bill_view(
        &bill,
        &book,
        by,
        settings.tz,
        (settings.from_us, settings.to_us),
    );
    let mut w = Output::open(out)?;
    render::bill::render_view(&v, format, style, &mut w)?;
    w.commit()
}
