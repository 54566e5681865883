//! Output formats, one file each (layer 4). Renderers read typed results (`report`) and lay
//! them out; they do no arithmetic on money and choose no numbers (scales and rounding come from
//! `money`).

pub mod bill;
pub mod budget;
pub mod columns;
pub mod compare;
pub mod coverage;
pub mod csv;
pub mod doc;
pub mod failures;
pub mod focus;
pub mod grid;
pub mod html;
pub mod html_report;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod prices;
pub mod reconcile;
pub mod table;
#[cfg(test)]
mod tests;
pub mod why;

use std::io::{self, Write};

use crate::report::Report;
use doc::Markup;

/// How tables show money: cents for people (the default), or every digit (`--exact`). CSV and
/// JSON are always exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub exact: bool,
    /// Fit terminal tables to this width (a terminal's; none when writing to a file or a pipe).
    pub width: Option<usize>,
    /// Colour in terminal tables.
    pub color: bool,
    /// Show only the top N groups of each period by cost; the rest as one row.
    pub top: Option<usize>,
    /// The measure columns to show (`--columns`): bit `i` is `report::measures::MEASURES[i]`;
    /// none is left out to fit. None: the default columns, droppable to fit.
    pub columns: Option<u16>,
}

impl Style {
    /// The terminal markup for this style.
    pub fn text(&self) -> table::Text {
        table::Text {
            width: self.width,
            color: self.color,
        }
    }

    /// An amount in a table whose amounts together need `scale` digits to be exact.
    pub fn money(&self, d: rust_decimal::Decimal, scale: u32) -> String {
        crate::money::shown(d, self.exact.then_some(scale))
    }
    /// The note under tables of rounded amounts.
    pub fn note(&self) -> Option<&'static str> {
        (!self.exact).then_some(
            "amounts rounded to cents (below half a cent: two significant digits); exact values with --exact, in csv and json",
        )
    }
}

/// Every output format a renderer knows. Each command offers the subset it can write (see the
/// format enums of `cli`), so clap rejects the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text table for a terminal.
    Table,
    /// One row per group; the columns are stable and documented.
    Csv,
    /// `{"rows", "total", "unpriced", "accounting", "pricing"}`, money as decimal strings.
    Json,
    /// GitHub-flavoured Markdown tables.
    Markdown,
    /// FOCUS 1.2 cost and usage CSV for FinOps tools (`report` only).
    Focus,
    /// A self-contained HTML page (`report`: charts and tables; listings: a table).
    Html,
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, style: Style, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => style.text().write(&layout::document(report, style), w),
        Format::Csv => csv::render(report, w),
        Format::Json => json::render(report, w),
        Format::Markdown => markdown::Markdown.write(&layout::document(report, style), w),
        Format::Focus => Err(io::Error::other(
            "FOCUS is written from priced usage, not from report rows",
        )),
        Format::Html => html_report::render(report, &html_report::HtmlExtras::default(), style, w),
    }
}

/// The projection line shared by the text formats.
pub fn forecast_line(report: &Report, style: Style) -> Option<String> {
    let f = report.forecast.as_ref()?;
    Some(format!(
        "PROJECTION (not a bill): {} in progress, {} in its first {} days; at that run-rate the month ends near {} ({} days)",
        f.month,
        style.money(f.cost_so_far, crate::money::common_scale([&f.cost_so_far])),
        f.days_elapsed,
        crate::money::usd(f.projected, 2),
        f.days_in_month
    ))
}

/// The accounting line shared by the text formats.
pub fn accounting_line(report: &Report) -> String {
    let a = &report.accounting;
    use crate::money::count;
    // Failed rows without a price are in the breakdown's unpriced requests too: say how many,
    // so the two counts can be told apart.
    let failed = if a.failed_unpriced > 0 {
        format!(
            "{} ({} of them unpriced)",
            count(a.failed),
            count(a.failed_unpriced)
        )
    } else {
        count(a.failed)
    };
    let mut line = format!(
        "rows read {} = priced {} + unpriced {} + failed {failed} + duplicates {} + rejected {} + outside period {}",
        count(a.rows_read),
        count(a.priced),
        count(a.unpriced),
        count(a.duplicates),
        count(a.rejected),
        count(a.outside_period)
    );
    // Only runs with a `--where` filter leave rows out; the line stays short without one.
    if a.filtered_out > 0 {
        line.push_str(&format!(" + filtered out {}", count(a.filtered_out)));
    }
    // Rows of pre-aggregated usage (usage exports, aggregates) count many requests each: the
    // tables count requests, this line rows.
    let unpriced_rows = a.unpriced + a.failed_unpriced;
    let unpriced_requests = report.total.unpriced_requests;
    if unpriced_requests != unpriced_rows && unpriced_rows > 0 {
        line.push_str(&format!(
            "; the {} unpriced rows hold {} (rows of usage exports count many)",
            count(unpriced_rows),
            crate::money::count_of(unpriced_requests, "request")
        ));
    }
    line
}

/// Describes the period for the text formats as local calendar days ("2026-10-01 to
/// 2026-10-31, UTC"; the instants are in csv/json): the instants' exclusive end read as a day
/// one too many.
pub fn period_line(report: &Report) -> String {
    report.period.days_label()
}
