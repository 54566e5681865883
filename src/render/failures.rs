//! The failures and rate report in every format: two grids (failed requests, request rate).

use std::io::Write;

use super::grid::Grid;
use super::Format;
use crate::report::failures::ErrorsReport;

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

pub fn render(r: &ErrorsReport, format: Format, w: &mut dyn Write) -> anyhow::Result<()> {
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
        Format::Html => {
            let e = crate::render::html::escape;
            writeln!(w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tokenledger failures</title></head><body>")?;
            writeln!(w, "<h1>Failures and rate limits</h1><p>{} of {} requests failed; peak {} requests per minute.</p>", r.failed_requests, r.requests, r.overall_peak_requests_per_minute)?;
            for (title, g) in [
                ("Failed requests", failures_grid(r)),
                ("Request rate", rate_grid(r)),
            ] {
                writeln!(w, "<h2>{}</h2><table>", e(title))?;
                writeln!(
                    w,
                    "<tr>{}</tr>",
                    g.columns
                        .iter()
                        .map(|c| format!("<th>{}</th>", e(c)))
                        .collect::<String>()
                )?;
                for row in &g.rows {
                    writeln!(
                        w,
                        "<tr>{}</tr>",
                        row.iter()
                            .map(|c| format!("<td>{}</td>", e(c)))
                            .collect::<String>()
                    )?;
                }
                writeln!(w, "</table>")?;
            }
            writeln!(w, "</body></html>")?;
        }
        Format::Table | Format::Markdown => {
            let md = format == Format::Markdown;
            let classes: Vec<String> = r.by_class.iter().map(|(c, n)| format!("{c} {n}")).collect();
            let head = format!(
                "{} of {} requests failed ({}); peak {} requests per minute over all providers",
                r.failed_requests,
                r.requests,
                if classes.is_empty() {
                    "none".into()
                } else {
                    classes.join(", ")
                },
                r.overall_peak_requests_per_minute
            );
            if md {
                writeln!(
                    w,
                    "# tokenledger failures and rate limits\n\n{head}\n\n## Failed requests\n"
                )?;
            } else {
                writeln!(
                    w,
                    "tokenledger failures and rate limits: {head}\n\nFailed requests:"
                )?;
            }
            failures_grid(r).render(format, &[], w)?;
            match r.rate_limit_per_minute {
                Some(l) if md => writeln!(w, "\n## Request rate (limit {l}/min)\n")?,
                Some(l) => writeln!(w, "\nRequest rate (limit {l}/min):")?,
                None if md => writeln!(w, "\n## Request rate\n")?,
                None => writeln!(w, "\nRequest rate:")?,
            }
            rate_grid(r).render(format, &[], w)?;
        }
    }
    Ok(())
}
