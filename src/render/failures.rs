//! The failures and rate report in every format: two tables (failed requests, request rate),
//! raw numbers in CSV and JSON, laid out once (see [`super::doc`]) for the terminal, Markdown
//! and HTML.

use std::io::Write;

use super::doc::{Block, Column, Doc, Markup, TableBlock};
use super::grid::Grid;
use super::Format;
use crate::money::{count, count_of};
use crate::report::failures::ErrorsReport;

/// "120 requests: 3 failed (rate limited 3); peak 40 requests a minute over all providers".
pub fn headline(r: &ErrorsReport) -> String {
    let classes: Vec<String> = r
        .by_class
        .iter()
        .map(|(c, n)| format!("{c} {}", count(*n)))
        .collect();
    let failed = if classes.is_empty() {
        "none failed".to_string()
    } else {
        format!(
            "{} failed ({})",
            count(r.failed_requests),
            classes.join(", ")
        )
    };
    format!(
        "{}: {failed}; peak {} a minute over all providers",
        count_of(r.requests, "request"),
        count_of(r.overall_peak_requests_per_minute, "request")
    )
}

/// The failure table (first `max_failures` rows) and the rate table (first `max_rates`).
pub fn tables(r: &ErrorsReport, max_failures: usize, max_rates: usize) -> (TableBlock, TableBlock) {
    let failures = TableBlock {
        columns: vec![
            Column::text("provider"),
            Column::text("model"),
            Column::text("day"),
            Column::number("status"),
            Column::text("class"),
            Column::number("failed requests"),
        ],
        rows: r
            .failures
            .iter()
            .take(max_failures)
            .map(|f| {
                vec![
                    f.provider.clone(),
                    f.model.clone(),
                    f.day.clone(),
                    f.status.to_string(),
                    f.class.to_string(),
                    count(f.failed_requests),
                ]
            })
            .collect(),
        total: None,
    };
    let limit = r.rate_limit_per_minute.is_some();
    // To fit a terminal the instants go first, then the token peak (the note names them).
    let mut columns = vec![
        Column::text("provider"),
        Column::text("model"),
        Column::number("requests"),
        Column::number("peak per minute"),
        Column::text("at").droppable(4),
        Column::number("peak tokens per minute").droppable(2),
        Column::text("tokens at").droppable(5),
    ];
    if limit {
        columns.push(Column::number("minutes over limit").droppable(1));
        columns.push(Column::text("first minutes over").droppable(6));
    }
    let rate = TableBlock {
        columns,
        rows: r
            .rate
            .iter()
            .take(max_rates)
            .map(|x| {
                let mut row = vec![
                    x.provider.clone(),
                    x.model.clone(),
                    count(x.requests),
                    count(x.peak_requests_per_minute),
                    x.peak_minute.clone(),
                    count(x.peak_tokens_per_minute),
                    x.peak_tokens_minute.clone(),
                ];
                if limit {
                    row.push(count(x.minutes_over_limit));
                    row.push(x.first_minutes_over.join(" "));
                }
                row
            })
            .collect(),
        total: None,
    };
    (failures, rate)
}

/// The whole failures report for the terminal, Markdown and HTML.
pub fn document(r: &ErrorsReport) -> Doc {
    let (failures, rate) = tables(r, usize::MAX, usize::MAX);
    let mut d = Doc::default();
    d.push(Block::Title {
        title: "tokenledger failures and rate limits".into(),
        subtitle: headline(r),
    });
    d.push(Block::Heading("Failed requests".into()));
    if failures.rows.is_empty() {
        d.push(Block::Text("no failed requests".into()));
    } else {
        d.push(Block::Table(failures));
    }
    d.push(Block::Heading(match r.rate_limit_per_minute {
        Some(l) => format!("Request rate (limit {l}/min)"),
        None => "Request rate".into(),
    }));
    if rate.rows.is_empty() {
        d.push(Block::Text("no requests".into()));
    } else {
        d.push(Block::Table(rate));
    }
    if let Some(n) = not_per_minute_note(r) {
        d.push(Block::Text(n));
    }
    d
}

/// Says how many requests came in pre-aggregated rows, which have no minute of their own.
pub fn not_per_minute_note(r: &ErrorsReport) -> Option<String> {
    (r.not_per_minute_requests > 0).then(|| {
        format!(
            "{} from pre-aggregated rows (usage exports' buckets) are not in the per-minute rates: they have no minute of their own",
            count_of(r.not_per_minute_requests, "request")
        )
    })
}

/// The failures grid.
pub fn failures_grid(r: &ErrorsReport) -> Grid {
    let mut g = Grid::new(&[
        "provider",
        "model",
        "day",
        "status",
        "class",
        "failed_requests",
    ]);
    for f in &r.failures {
        g.rows.push(vec![
            f.provider.clone(),
            f.model.clone(),
            f.day.clone(),
            f.status.to_string(),
            f.class.into(),
            f.failed_requests.to_string(),
        ]);
    }
    g
}

/// The rate grid.
pub fn rate_grid(r: &ErrorsReport) -> Grid {
    let mut g = Grid::new(&[
        "provider",
        "model",
        "requests",
        "peak_requests_per_minute",
        "peak_minute",
        "peak_tokens_per_minute",
        "peak_tokens_minute",
        "minutes_over_limit",
        "first_minutes_over",
    ]);
    for x in &r.rate {
        g.rows.push(vec![
            x.provider.clone(),
            x.model.clone(),
            x.requests.to_string(),
            x.peak_requests_per_minute.to_string(),
            x.peak_minute.clone(),
            x.peak_tokens_per_minute.to_string(),
            x.peak_tokens_minute.clone(),
            if r.rate_limit_per_minute.is_some() {
                x.minutes_over_limit.to_string()
            } else {
                String::new()
            },
            x.first_minutes_over.join(" "),
        ]);
    }
    g
}

/// Writes the report; `width` is the terminal's (tables are fitted to it).
pub fn render(
    r: &ErrorsReport,
    format: Format,
    width: Option<usize>,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, r)?;
            writeln!(w)?;
        }
        Format::Csv | Format::Focus => {
            // One table: failure rows, then rate rows, told apart by `kind`; each row carries
            // its grid's cells under the column of the same name.
            let columns = [
                "kind",
                "provider",
                "model",
                "day",
                "status",
                "class",
                "requests",
                "peak_requests_per_minute",
                "peak_minute",
                "peak_tokens_per_minute",
                "peak_tokens_minute",
                "minutes_over_limit",
            ];
            let mut g = Grid::new(&columns);
            for (kind, part) in [("failure", failures_grid(r)), ("rate", rate_grid(r))] {
                for row in &part.rows {
                    g.rows.push(
                        columns
                            .iter()
                            .map(|c| match *c {
                                "kind" => kind.to_string(),
                                c => {
                                    // A failure row's count of failed requests is its `requests`.
                                    let source = if kind == "failure" && c == "requests" {
                                        "failed_requests"
                                    } else {
                                        c
                                    };
                                    part.columns
                                        .iter()
                                        .position(|x| x == source)
                                        .map_or_else(String::new, |i| row[i].clone())
                                }
                            })
                            .collect(),
                    );
                }
            }
            g.render(Format::Csv, &[], w)?;
        }
        Format::Table | Format::Markdown | Format::Html => {
            let doc = document(r);
            match format {
                Format::Table => super::table::Text {
                    width,
                    color: false,
                }
                .write(&doc, w)?,
                Format::Markdown => super::markdown::Markdown.write(&doc, w)?,
                _ => super::html::page("tokenledger failures", &doc, w)?,
            }
        }
    }
    Ok(())
}
