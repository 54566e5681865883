//! The HTML report page and the `--out-dir` report folder: charts, the previous month's total,
//! failures, and the files of a folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::settings::UsageSettings;
use crate::output::folder::Folder;

use crate::chart::chart_data;
use crate::chart::data::{ChartOptions, Source};
use crate::chart::Kind;
use crate::engine::{Aggregates, PricedCell};
use crate::pricing::PriceBook;
use crate::render::{self, Format};
use crate::report::Report;
use crate::usage::{col, MICROS_PER_DAY};

/// What the page is made of.
pub struct Inputs<'a> {
    pub settings: &'a UsageSettings,
    pub report: &'a Report,
    pub book: &'a PriceBook,
    pub agg: &'a Aggregates,
    pub priced: &'a [PricedCell<'a>],
    /// The engine's dimensions (they include `status`).
    pub dims: &'a [String],
    pub style: render::Style,
    /// Where each `--budget` stands.
    pub budgets: Vec<crate::report::budget::Status>,
    /// A bill to reconcile on the page.
    pub bill: Option<crate::readers::bill::Bill>,
}

impl Inputs<'_> {
    fn chart_source(&self) -> Source<'_> {
        Source {
            agg: self.agg,
            priced: self.priced,
            book: self.book,
            engine_dims: self.dims,
            period: self.report.period.clone(),
        }
    }
}

const CHARTS: [Kind; 5] = [
    Kind::SpendByModel,
    Kind::SpendByProvider,
    Kind::Daily,
    Kind::Tokens,
    Kind::Compare,
];

/// The charts to show for a period: by day within one month, by month over longer periods.
fn chart_set(settings: &UsageSettings, kind: Kind) -> ChartOptions {
    let one_month = settings
        .from_us
        .zip(settings.to_us)
        .is_some_and(|(f, t)| t - f <= 31 * MICROS_PER_DAY);
    ChartOptions {
        by_day: one_month,
        // Spend by model names models as people do (one series per model, whoever sold it);
        // the token mix stays per provider and id.
        canonical: kind == Kind::SpendByModel,
        top: 10,
        targets: vec![],
        suffix: settings.title_suffix(),
    }
}

/// Charts, previous-month total and failures for the HTML page.
pub fn html_extras(p: &Inputs<'_>) -> anyhow::Result<render::html_report::HtmlExtras> {
    let mut charts = Vec::new();
    for kind in CHARTS {
        let data = chart_data(kind, &p.chart_source(), &chart_set(p.settings, kind))?;
        if data.is_empty() {
            continue;
        }
        let svg = crate::chart::svg_string(&data, (1100, 560))
            .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
        charts.push((data.title.clone(), svg));
    }
    let status = p.dims.iter().position(|d| d == col::STATUS).unwrap_or(0);
    let errors = crate::report::failures::build(p.agg, status, None, &p.settings.tz);
    let reconciliation = match &p.bill {
        None => None,
        Some(b) => {
            let s = p.settings;
            let rec = crate::report::reconcile::reconcile(
                b,
                p.priced,
                p.book,
                s.tz,
                (s.from_us, s.to_us),
                s.period(),
                &[],
                &[],
            );
            let svg =
                crate::chart::reconcile::svg(&rec).map_err(|e| anyhow::anyhow!("chart: {e}"))?;
            Some((rec, svg))
        }
    };
    Ok(render::html_report::HtmlExtras {
        charts,
        previous: super::previous::previous_total(
            p.settings,
            p.agg,
            p.book,
            p.report.period.clone(),
        )?,
        previous_partial: super::previous::previous_partial(p.settings, p.agg)?,
        errors: Some(errors),
        reconciliation,
        budgets: p.budgets.clone(),
        by_provider: crate::report::by_provider(p.report, p.dims, p.agg, p.priced),
    })
}

/// The folder name of a report: the month or the period (dates, with the time of day when an
/// end is not at midnight), and the time zone unless UTC, so that different periods never
/// share a folder.
fn folder_label(p: &Inputs<'_>) -> String {
    let period = &p.report.period;
    let instant = |x: &str| {
        // "2025-06-01T00:00:00Z" -> "2025-06-01"; "2025-06-01T12:30:00Z" -> "2025-06-01T123000Z".
        match x.strip_suffix("T00:00:00Z") {
            Some(d) => d.to_string(),
            None => x.replace(':', ""),
        }
    };
    let base = p
        .settings
        .month
        .clone()
        .unwrap_or_else(|| match (&period.from, &period.to) {
            (None, None) => "all".to_string(),
            (f, t) => format!(
                "{}_{}",
                f.as_deref().map_or("start".to_string(), instant),
                t.as_deref().map_or("end".to_string(), instant)
            ),
        });
    let tz = period.tz.as_str();
    let label = if tz == "UTC" {
        base
    } else {
        format!("{base}_{}", tz.replace('/', "-"))
    };
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The page's month-over-month line in words: the change, or why there is none.
fn change_line(
    x: &render::html_report::HtmlExtras,
    total: rust_decimal::Decimal,
) -> Option<String> {
    let (label, prev) = x.previous.as_ref()?;
    let cents = crate::money::cents;
    Some(match &x.previous_partial {
        Some(partial) => format!("Previous month {label}: {} ({partial}).", cents(*prev)),
        None => {
            let diff = total - prev;
            let pct = if prev.is_zero() {
                String::new()
            } else {
                format!(
                    " ({:+}%)",
                    (diff / prev * rust_decimal::Decimal::ONE_HUNDRED).round_dp(1)
                )
            };
            format!(
                "Change vs {label}: {}{}{pct}, from {}.",
                if diff.is_sign_positive() { "+" } else { "" },
                cents(diff),
                cents(*prev)
            )
        }
    })
}

/// `--out-dir`: `DIR/<label>/` with report.html, report.md, breakdown.csv, breakdown.json and
/// PNG charts. Returns the folder. The files are staged in the folder and moved into place
/// together when all are complete; only files tokenledger wrote are replaced or removed (see
/// `output::folder`).
pub fn write_folder(dir: &Path, p: &Inputs<'_>) -> anyhow::Result<PathBuf> {
    let path = dir.join(folder_label(p));
    let cannot = |what: &str| format!("cannot {what} {}", path.display());
    let mut folder = Folder::create(&path).with_context(|| cannot("create"))?;
    let extras = html_extras(p)?;
    let mut w = folder
        .writer("report.html")
        .with_context(|| cannot("write in"))?;
    render::html_report::render(p.report, &extras, p.style, &mut w)?;
    w.flush()?;
    let mut charts = Vec::new();
    for kind in CHARTS {
        let data = chart_data(kind, &p.chart_source(), &chart_set(p.settings, kind))?;
        if data.is_empty() {
            continue;
        }
        let name = format!("{}.png", kind.file_stem());
        let staged = folder
            .staged_path(&name)
            .with_context(|| cannot("write in"))?;
        crate::chart::write(&staged, &data, (1200, 675))
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.join(&name).display()))?;
        charts.push((data.title.clone(), name));
    }
    for (name, format) in [
        ("report.md", Format::Markdown),
        ("breakdown.csv", Format::Csv),
        ("breakdown.json", Format::Json),
    ] {
        let mut w = folder.writer(name).with_context(|| cannot("write in"))?;
        render::render(p.report, format, p.style, &mut w)?;
        if format == Format::Markdown {
            let change = change_line(&extras, p.report.total.cost_usd);
            render::html_report::markdown_extras(
                &mut w,
                change.as_deref(),
                &extras.budgets,
                &charts,
            )?;
        }
        w.flush()?;
    }
    folder.commit().with_context(|| cannot("write"))?;
    Ok(path)
}
