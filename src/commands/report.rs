//! `tokenledger report`: read the logs, price every request at the version in force at its
//! timestamp, print the breakdown.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono_tz::Tz;

use super::Failure;
use crate::cli::{ReportArgs, UsageArgs};
use crate::engine::{self, Aggregates, Aggregator, EngineSettings};
use crate::money::count;
use crate::pricing::PriceBook;
use crate::readers::{self, ReadOptions};
use crate::render::{self, printable, Format};
use crate::report::{self, Period, Report, KNOWN_DIMS};
use crate::usage::{col, format_timestamp_us};

/// How many rejected rows are printed on stderr before the rest are only counted.
const SHOWN_REJECTIONS: usize = 10;

/// Validated usage settings shared by the commands that price usage.
#[derive(Debug, Clone)]
pub struct UsageSettings {
    pub logs: Vec<PathBuf>,
    pub log_format: readers::LogFormat,
    pub pricing: Vec<PathBuf>,
    pub pricing_overlay: Vec<PathBuf>,
    pub tz: Tz,
    pub tz_name: String,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    pub strict: bool,
}

impl UsageSettings {
    pub fn from_args(args: UsageArgs) -> Result<Self, Failure> {
        // Destructured so that a new flag cannot be forgotten here.
        let UsageArgs {
            logs,
            log_format,
            pricing,
            pricing_overlay,
            month,
            from,
            to,
            tz,
            strict,
        } = args;
        let zone =
            crate::period::parse_tz(&tz).map_err(|m| Failure::Usage(format!("--tz: {m}")))?;
        let (from_us, to_us) =
            crate::period::resolve(&zone, month.as_deref(), from.as_deref(), to.as_deref())
                .map_err(Failure::Usage)?;
        Ok(UsageSettings {
            logs,
            log_format,
            pricing,
            pricing_overlay,
            tz: zone,
            tz_name: tz,
            from_us,
            to_us,
            strict,
        })
    }

    pub fn period(&self) -> Period {
        Period {
            from: self.from_us.map(format_timestamp_us),
            to: self.to_us.map(format_timestamp_us),
            tz: self.tz_name.clone(),
        }
    }
}

/// Loads the price book, reads every log file and aggregates it.
pub fn load_and_aggregate(
    s: &UsageSettings,
    dims: &[String],
) -> anyhow::Result<(Arc<PriceBook>, Aggregates)> {
    load_and_aggregate_with(s, dims, false)
}

/// As [`load_and_aggregate`], optionally counting requests per minute.
pub fn load_and_aggregate_with(
    s: &UsageSettings,
    dims: &[String],
    per_minute: bool,
) -> anyhow::Result<(Arc<PriceBook>, Aggregates)> {
    let book = Arc::new(load_book(&s.pricing, &s.pricing_overlay)?);
    let (mut files, skipped) = readers::discover(&s.logs).map_err(|e| match e {
        readers::ReadError::NotFound { .. } => Failure::Usage(format!("--logs {e}")),
        other => Failure::Data(other.to_string()),
    })?;
    readers::resolve_formats(&mut files, s.log_format).map_err(|e| Failure::Data(e.to_string()))?;
    for p in &skipped {
        eprintln!(
            "tokenledger: note: skipped {} (not a .csv, .jsonl, .ndjson or .parquet log)",
            p.display()
        );
    }
    if files.is_empty() {
        eprintln!("tokenledger: warning: no log files found under the --logs paths");
    }
    let opts = ReadOptions {
        wanted_extras: dims
            .iter()
            .filter(|d| !col::KNOWN.contains(&d.as_str()))
            .cloned()
            .collect(),
        period: Some((s.from_us, s.to_us)).filter(|(f, t)| f.is_some() || t.is_some()),
    };
    let mut agg = Aggregator::new(EngineSettings {
        tz: s.tz,
        from_us: s.from_us,
        to_us: s.to_us,
        dims: dims.to_vec(),
        boundaries: book.boundaries(),
        book: Some(book.clone()),
        per_minute,
    })
    // Canonical rows with ids are about 150 bytes: sizes the dedupe set once, if ids appear.
    .with_expected_rows(
        files
            .iter()
            .filter_map(|f| std::fs::metadata(&f.path).ok())
            .map(|m| m.len() as usize / 150)
            .sum(),
    );
    readers::progress::start(
        files
            .iter()
            .filter_map(|f| std::fs::metadata(&f.path).ok())
            .map(|m| m.len())
            .sum(),
    );
    let read = readers::read_all(&files, &opts, &mut agg);
    readers::progress::finish();
    read.map_err(|e| Failure::Data(e.to_string()))?;
    let aggregates = agg.finish().context("aggregating usage")?;
    Ok((book, aggregates))
}

/// Loads the book (built-in unless paths are given) plus overlays; prints load warnings.
pub fn load_book(pricing: &[PathBuf], overlay: &[PathBuf]) -> Result<PriceBook, Failure> {
    let book =
        PriceBook::load_with_overlay(pricing, overlay).map_err(|e| Failure::Data(e.to_string()))?;
    for w in book.warnings() {
        eprintln!("tokenledger: price book {w}");
    }
    Ok(book)
}

/// Dimensions the engine must group by for these `--by` columns (the rest come from the
/// pricing key or the date).
pub fn engine_dims(by: &[String]) -> Vec<String> {
    by.iter()
        .filter(|d| {
            !matches!(
                d.as_str(),
                report::MONTH
                    | report::DAY
                    | report::CANONICAL_MODEL
                    | col::PROVIDER
                    | col::MODEL
                    | col::REGION
                    | report::BATCH
            )
        })
        .cloned()
        .collect()
}

fn validate_by(by: &[String]) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::new();
    for d in by {
        let d = d.trim().to_string();
        if d.is_empty() {
            return Err(Failure::Usage("--by: empty dimension name".into()));
        }
        if col::NOT_DIMENSIONS.contains(&d.as_str()) {
            return Err(Failure::Usage(format!(
                "--by: {d:?} is a measure or unique per row, not a dimension (use one of {}, or an extra log column)",
                KNOWN_DIMS.join(", ")
            )));
        }
        if out.contains(&d) {
            return Err(Failure::Usage(format!("--by: {d:?} is given twice")));
        }
        out.push(d);
    }
    Ok(out)
}

/// Prints rejected rows and unpriced usage on stderr, and returns the strict-mode problems.
pub fn warn(report: &Report) -> Vec<String> {
    let a = &report.accounting;
    let mut problems = Vec::new();
    for r in report.rejections.iter().take(SHOWN_REJECTIONS) {
        eprintln!("tokenledger: rejected {}", printable(&r.to_string()));
    }
    if a.rejected > 0 {
        if a.rejected as usize > SHOWN_REJECTIONS.min(report.rejections.len()) {
            eprintln!(
                "tokenledger: ... and {} more rejected rows",
                count(a.rejected - SHOWN_REJECTIONS.min(report.rejections.len()) as u64)
            );
        }
        problems.push(format!("{} rejected rows", count(a.rejected)));
    }
    for u in &report.unpriced {
        eprintln!(
            "tokenledger: warning: UNPRICED {}/{}: {} requests, {} input + {} output tokens are not in the cost ({})",
            printable(&u.provider),
            printable(&u.model),
            count(u.requests),
            count(u.input_tokens),
            count(u.output_tokens),
            u.reason
        );
    }
    for note in &report.warnings {
        eprintln!("tokenledger: warning: {note}");
    }
    if report.total.unpriced_requests > 0 {
        problems.push(format!(
            "{} unpriced requests",
            count(report.total.unpriced_requests)
        ));
    }
    problems
}

/// Warns about unpriced usage straight from priced cells; returns the unpriced requests.
pub fn warn_unpriced_only(priced: &[engine::PricedCell<'_>]) -> u64 {
    let mut by: std::collections::BTreeMap<(String, String), (u64, u64)> =
        std::collections::BTreeMap::new();
    for pc in priced {
        if let engine::Pricing::Unpriced(_) = pc.pricing {
            let e = by
                .entry((pc.key.provider.clone(), pc.key.model.clone()))
                .or_default();
            e.0 += pc.cell.sums.requests;
            e.1 += pc.cell.sums.total_tokens();
        }
    }
    let mut total = 0;
    for ((p, m), (r, t)) in by {
        eprintln!(
            "tokenledger: warning: UNPRICED {}/{}: {} requests, {} tokens cannot be compared",
            printable(&p),
            printable(&m),
            count(r),
            count(t)
        );
        total += r;
    }
    total
}

/// Opens `--output` (or standard output) for writing.
pub fn output(path: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        _ => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let ReportArgs {
        usage,
        by,
        format,
        output: out_path,
        out_dir,
        now,
    } = args;
    let month = usage.month.clone();
    let settings = UsageSettings::from_args(usage)?;
    let by = validate_by(&by)?;
    let now_us = match now {
        Some(n) => crate::pricing::parse_effective_from(&n)
            .map_err(|m| Failure::Usage(format!("--now: {m}")))?,
        None => chrono::Utc::now().timestamp_micros(),
    };
    if out_dir.is_some() && out_path.is_some() {
        return Err(Failure::Usage(
            "--out-dir writes a folder of files; it cannot be combined with --output".into(),
        )
        .into());
    }
    let focus = format == Format::Focus && out_dir.is_none();
    let full = format == Format::Html || out_dir.is_some();
    // FOCUS rows carry project (SubAccountId) and user / api key (Tags), whatever --by says; the
    // HTML page also needs status (failures) and per-minute counts (rates).
    let mut dims = if focus {
        crate::focus::DIMS.iter().map(|s| s.to_string()).collect()
    } else {
        engine_dims(&by)
    };
    if full && !dims.iter().any(|d| d == col::STATUS) {
        dims.push(col::STATUS.to_string());
    }
    let (book, agg) = load_and_aggregate_with(&settings, &dims, full)?;
    for (i, d) in dims.iter().enumerate() {
        // Judged on the groups that kept rows (duplicates may have made others).
        if !col::KNOWN.contains(&d.as_str())
            && !agg.cells.is_empty()
            && agg
                .cells
                .iter()
                .all(|c| agg.groups[c.group as usize].dims[i].is_none())
        {
            eprintln!(
                "tokenledger: warning: --by {d}: no log row has a value in a column named {d:?}"
            );
        }
    }
    let boundaries = book.boundaries();
    let priced = engine::price(&agg, &book, &boundaries).map_err(Failure::Data)?;
    let mut report = report::build(
        if focus { &[] } else { &by },
        &dims,
        &agg,
        &priced,
        settings.period(),
        book.files().to_vec(),
    );
    report.forecast = report::forecast(
        &priced,
        &settings.tz,
        now_us,
        settings.from_us,
        settings.to_us,
    );
    debug_assert!(report.accounting.balances());
    let problems = warn(&report);
    if let Some(dir) = out_dir {
        let label =
            month
                .clone()
                .unwrap_or_else(|| match (&report.period.from, &report.period.to) {
                    (None, None) => "all".to_string(),
                    (f, t) => format!(
                        "{}_{}",
                        f.as_deref().map_or("start", |x| &x[..10]),
                        t.as_deref().map_or("end", |x| &x[..10])
                    ),
                });
        let folder = dir.join(&label);
        write_folder(
            &folder,
            &settings,
            &report,
            &book,
            &agg,
            &priced,
            &dims,
            month.as_deref(),
        )?;
        eprintln!("tokenledger: wrote {}", folder.display());
    } else {
        let mut w = output(out_path.as_ref())?;
        if focus {
            let rows = crate::focus::rows(&priced, &dims, &settings.tz);
            crate::focus::write(&rows, &mut w)?;
            eprintln!(
                "tokenledger: FOCUS: {} rows, BilledCost total {} ({})",
                rows.len(),
                crate::money::exact(report.total.cost_usd),
                render::accounting_line(&report)
            );
        } else if format == Format::Html {
            let extras = html_extras(&settings, &book, &agg, &priced, &dims, month.as_deref())?;
            render::html::render(&report, &extras, &mut w)?;
        } else {
            render::render(&report, format, &mut w)?;
        }
        w.flush()?;
    }
    if settings.strict && !problems.is_empty() {
        return Err(Failure::Data(format!("--strict: {}", problems.join(", "))).into());
    }
    Ok(())
}

/// The charts to show for a period: by day within one month, by month over longer periods.
fn chart_set(settings: &UsageSettings) -> crate::commands::chart::ChartOptions {
    let one_month = settings
        .from_us
        .zip(settings.to_us)
        .is_some_and(|(f, t)| t - f <= 31 * crate::usage::MICROS_PER_DAY);
    crate::commands::chart::ChartOptions {
        by_day: one_month,
        top: 10,
        targets: vec![],
        suffix: crate::commands::chart::period_suffix(settings),
    }
}

const CHARTS: [crate::chart::Kind; 5] = [
    crate::chart::Kind::SpendByModel,
    crate::chart::Kind::SpendByProvider,
    crate::chart::Kind::Daily,
    crate::chart::Kind::Tokens,
    crate::chart::Kind::Compare,
];

/// Charts, previous-month total and failures for the HTML page.
#[allow(clippy::too_many_arguments)]
fn html_extras(
    settings: &UsageSettings,
    book: &PriceBook,
    agg: &Aggregates,
    priced: &[engine::PricedCell<'_>],
    dims: &[String],
    month: Option<&str>,
) -> anyhow::Result<crate::render::html::HtmlExtras> {
    let opts = chart_set(settings);
    let mut charts = Vec::new();
    for kind in CHARTS {
        let data = crate::commands::chart::chart_data(kind, priced, book, &opts)?;
        if data.is_empty() {
            continue;
        }
        let svg = crate::chart::svg_string(&data, (1100, 560))
            .map_err(|e| Failure::Data(format!("chart: {e}")))?;
        charts.push((data.title.clone(), svg));
    }
    let status = dims.iter().position(|d| d == col::STATUS).unwrap_or(0);
    let errors = crate::errors::build(agg, status, None);
    Ok(crate::render::html::HtmlExtras {
        charts,
        previous: previous_month(settings, month)?,
        errors: Some(errors),
    })
}

/// The previous month's total, when the report is one month (`--month`).
fn previous_month(
    settings: &UsageSettings,
    month: Option<&str>,
) -> anyhow::Result<Option<(String, rust_decimal::Decimal)>> {
    let Some(m) = month else { return Ok(None) };
    let first = chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let Some(prev) = first.checked_sub_months(chrono::Months::new(1)) else {
        return Ok(None);
    };
    let label = prev.format("%Y-%m").to_string();
    let (from, to) = crate::period::month_range(&settings.tz, &label).map_err(Failure::Usage)?;
    let mut s = settings.clone();
    s.from_us = Some(from);
    s.to_us = Some(to);
    let (book, agg) = load_and_aggregate(&s, &[])?;
    let boundaries = book.boundaries();
    let priced = engine::price(&agg, &book, &boundaries).map_err(Failure::Data)?;
    if priced.is_empty() {
        return Ok(None);
    }
    let total: rust_decimal::Decimal = priced
        .iter()
        .filter_map(|p| match &p.pricing {
            engine::Pricing::Priced { cost, .. } => Some(*cost),
            _ => None,
        })
        .sum();
    Ok(Some((label, total.normalize())))
}

/// `--out-dir`: report.html, report.md, breakdown.csv, breakdown.json and PNG charts.
#[allow(clippy::too_many_arguments)]
fn write_folder(
    folder: &std::path::Path,
    settings: &UsageSettings,
    report: &Report,
    book: &PriceBook,
    agg: &Aggregates,
    priced: &[engine::PricedCell<'_>],
    dims: &[String],
    month: Option<&str>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let file = |name: &str| -> anyhow::Result<BufWriter<File>> {
        let p = folder.join(name);
        Ok(BufWriter::new(File::create(&p).with_context(|| {
            format!("cannot create {}", p.display())
        })?))
    };
    let extras = html_extras(settings, book, agg, priced, dims, month)?;
    let mut w = file("report.html")?;
    render::html::render(report, &extras, &mut w)?;
    w.flush()?;
    for (name, format) in [
        ("report.md", Format::Markdown),
        ("breakdown.csv", Format::Csv),
        ("breakdown.json", Format::Json),
    ] {
        let mut w = file(name)?;
        render::render(report, format, &mut w)?;
        w.flush()?;
    }
    let opts = chart_set(settings);
    for kind in CHARTS {
        let data = crate::commands::chart::chart_data(kind, priced, book, &opts)?;
        if data.is_empty() {
            continue;
        }
        let p = folder.join(format!("{}.png", kind.file_stem()));
        crate::chart::write(&p, &data, (1200, 675))
            .map_err(|e| Failure::Data(format!("{}: {e}", p.display())))?;
    }
    Ok(())
}
