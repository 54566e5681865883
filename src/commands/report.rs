//! `tokenledger report`: read the logs, price every request at the version in force at its
//! timestamp, print the breakdown (or a FOCUS export, an HTML page, a report folder).

use super::aggregate::aggregate;
use super::dims::{engine_dims, validate_by};
use super::messages;
use super::report_page;
use super::settings::{Job, UsageSettings};
use super::{DataError, UsageError};
use crate::cli::ReportArgs;
use crate::engine;
use crate::output::atomic::Output;
use crate::render::{self, Format};
use crate::report;
use crate::usage::col;

/// `report` (and its ccusage-style views, which differ only in `default_by`).
pub fn run(args: ReportArgs, default_by: &[&str]) -> anyhow::Result<()> {
    let ReportArgs {
        usage,
        by,
        format,
        json,
        output: out_path,
        out_dir,
        exact,
        top,
        columns,
        focus_version,
        billing_account,
        billing_account_name,
        tags,
        bill,
        bill_format,
        budget,
        now,
    } = args;
    let style = render::Style {
        exact,
        top,
        columns: columns
            .as_deref()
            .map(report::measures::parse_columns)
            .transpose()
            .map_err(UsageError::flag("--columns"))?,
        ..super::style::terminal_style(out_path.as_ref())
    };
    let settings = UsageSettings::from_args(usage)?;
    let format = Format::from(crate::cli::output_format(
        format.or(json.then_some(crate::cli::ReportFormat::Json)),
        out_path.as_deref(),
        crate::cli::ReportFormat::Table,
    ));
    let defaulted = by.is_empty();
    let by = if defaulted {
        default_by.iter().map(|s| s.to_string()).collect()
    } else {
        validate_by(&by)?
    };
    let now_us = match now {
        Some(n) => crate::pricing::parse_effective_from(&n).map_err(UsageError::flag("--now"))?,
        None => chrono::Utc::now().timestamp_micros(),
    };
    if out_dir.is_some() && out_path.is_some() {
        return Err(UsageError::Message(
            "--out-dir writes a folder of files; it cannot be combined with --output".into(),
        )
        .into());
    }
    let focus = format == Format::Focus && out_dir.is_none();
    let full = format == Format::Html || out_dir.is_some();
    let budgets = super::check::budgets(&budget)?;
    if !budgets.is_empty() && !full {
        return Err(UsageError::Message(
            "--budget goes on the page (--format html or --out-dir); for a terminal or a cron job, `tokenledger check --budget`".into(),
        )
        .into());
    }
    if !bill.is_empty() && !full {
        let b = (bill.as_slice(), bill_format);
        return super::report_bill::view(&settings, &by, b, format, style, out_path.as_ref());
    }
    // FOCUS rows carry project (SubAccountId) and user / api key (Tags), whatever --by says; the
    // HTML page also needs status (failures) and per-minute counts (rates).
    let (focus_options, tag_dims) = super::focus::options(
        focus_version,
        billing_account,
        billing_account_name,
        if focus { &tags } else { &[] },
        &settings,
    )?;
    let mut flags: Vec<(String, &'static str)> =
        tag_dims.iter().map(|t| (t.clone(), "--tags")).collect();
    flags.extend(
        budgets
            .iter()
            .filter_map(|b| Some((b.scope.as_ref()?.0.clone(), "--budget"))),
    );
    let mut dims: Vec<String> = if focus {
        report::focus::DIMS
            .iter()
            .map(|s| s.to_string())
            .chain(tag_dims)
            .collect()
    } else {
        engine_dims(&by)
    };
    for d in [col::STATUS].into_iter().filter(|_| full).chain(
        budgets
            .iter()
            .filter_map(|b| Some(b.scope.as_ref()?.0.as_str())),
    ) {
        if !dims.iter().any(|x| x == d) {
            dims.extend(engine_dims(&[d.to_string()]));
        }
    }
    // The agent of each row, for the API-equivalent figure (no row need have one; warehouse
    // aggregates carry only the dimensions they were made with).
    if !focus && settings.aggregates.is_empty() && !dims.iter().any(|x| x == report::AGENT) {
        dims.push(report::AGENT.to_string());
    }
    // A view's own dimensions (`session`) may be absent from the logs: rows without one.
    let mut optional = vec![
        report::focus::BILLING_ACCOUNT.to_string(),
        report::AGENT.to_string(),
    ];
    if defaulted {
        optional.extend(by.iter().cloned());
    }
    let job = Job {
        optional,
        flags,
        dims: dims.clone(),
        per_minute: full,
        // The page compares the month with the one before: both come from one read.
        side: if full {
            super::previous::previous_month_range(&settings)?
        } else {
            None
        },
    };
    let (book, agg) = aggregate(&settings, &job)?;
    super::check::budget_providers(&book, &budgets)?;
    for (p, _) in &focus_options.accounts {
        super::values::check_provider(&book, "--billing-account", p)?;
    }
    // A page, FOCUS rows and budgets read the priced cells again; a table, csv or json report
    // prices each cell as it reads it, so a million-cell report holds no priced vector beside
    // its rows (pricing twice costs a few percent of the time).
    let keep_priced = focus || out_dir.is_some() || format == Format::Html || !budgets.is_empty();
    let priced = if keep_priced {
        engine::price(&agg, &book)?
    } else {
        Vec::new()
    };
    let by_now: &[String] = if focus { &[] } else { &by };
    let (period, files) = (settings.period(), book.files().to_vec());
    let (tz, from, to) = (&settings.tz, settings.from_us, settings.to_us);
    let mut report = if keep_priced {
        let mut r = report::build(by_now, &dims, &agg, &priced, period, files);
        r.forecast = report::forecast(&priced, tz, now_us, from, to);
        r
    } else {
        let mut acc = report::ForecastAcc::new(tz, now_us, from, to);
        let mut r = report::build_pricing(by_now, &dims, &agg, &book, period, files, &mut |pc| {
            if let Some(a) = acc.as_mut() {
                a.add(pc);
            }
        })?;
        r.forecast = acc.and_then(report::ForecastAcc::finish);
        r
    };
    report.pricing.checked_at = book.checked_at().map(str::to_string);
    report.pricing.newest_price = book.newest_price();
    if let Some(h) = messages::freshness_hint(&book, &agg, &report) {
        report.warnings.push(h);
    }
    debug_assert!(report.accounting.balances());
    let problems = messages::report_findings(&report);
    let page = report_page::Inputs {
        settings: &settings,
        report: &report,
        book: &book,
        agg: &agg,
        priced: &priced,
        dims: &dims,
        style,
        budgets: crate::report::budget::check(
            &budgets,
            &priced,
            &dims,
            &settings.tz,
            now_us,
            (settings.from_us, settings.to_us),
        ),
        bill: if bill.is_empty() {
            None
        } else {
            Some(super::reconcile::read_bill(&bill, bill_format)?)
        },
    };
    if let Some(dir) = out_dir {
        let folder = report_page::write_folder(&dir, &page)?;
        messages::info(format_args!("wrote {}", folder.display()));
    } else {
        let mut w = Output::open(out_path.as_ref())?;
        if focus {
            let rows = report::focus::rows(&priced, &dims, &settings.tz, &book, &focus_options);
            render::focus::write(&rows, focus_version, &mut w)?;
            messages::info(format_args!(
                "FOCUS: {} rows, BilledCost total {} ({})",
                rows.len(),
                crate::money::exact(report.total.cost_usd),
                render::accounting_line(&report)
            ));
        } else if format == Format::Html {
            let extras = report_page::html_extras(&page)?;
            render::html_report::render(&report, &extras, style, &mut w)?;
        } else {
            render::render(&report, format, style, &mut w)?;
        }
        w.commit()?;
    }
    if settings.strict && !problems.is_empty() {
        return Err(DataError(format!("--strict: {}", problems.join(", "))).into());
    }
    Ok(())
}
