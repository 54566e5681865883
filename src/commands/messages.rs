//! The one place that writes to standard error (ripgrep's `messages.rs`): notes, warnings,
//! rejected rows, unpriced usage and the final error, each prefixed with `tokenledger:`. Text
//! from the logs passes through [`printable`] before it gets here or here.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::engine::{PricedCell, Pricing};
use crate::money::count;
use crate::report::Report;
use crate::text::printable;

/// How many rejected rows are printed on stderr before the rest are only counted.
const SHOWN_REJECTIONS: usize = 10;

/// `tokenledger: {msg}`: what a command did (files written, totals of a listing).
pub fn info(msg: impl Display) {
    eprintln!("tokenledger: {}", safe(msg));
}

/// A message with every control character but the newline made visible (file names and
/// values from the logs end up in messages: an ESC must never reach the terminal), and every
/// credential-shaped word fingerprinted (a key in a file name or a shifted column).
fn safe(msg: impl Display) -> String {
    crate::text::redact_secrets(&msg.to_string())
        .chars()
        .map(|c| {
            if c != '\n' && crate::text::unsafe_char(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// `kind:` in colour on a terminal (anstream drops the escapes elsewhere, and honours
/// `NO_COLOR`).
/// On a terminal the message wraps at its width (`COLUMNS` or the terminal's) at spaces;
/// elsewhere (a log file, a pipe, CI) it stays one line, for grep.
fn labelled(kind: &str, color: anstyle::AnsiColor, msg: impl Display) {
    use std::io::IsTerminal;
    let style = anstyle::Style::new().fg_color(Some(color.into())).bold();
    let text = safe(msg);
    let width = std::io::stderr()
        .is_terminal()
        .then(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .or_else(|| comfy_table::Table::new().width().map(usize::from))
        })
        .flatten();
    let prefix = format!("tokenledger: {kind}: ");
    let wrapped = crate::render::table::wrap_words(&format!("{prefix}{text}"), width);
    let body = wrapped.get(prefix.len()..).unwrap_or(&text);
    anstream::eprintln!("tokenledger: {style}{kind}:{style:#} {body}");
}

/// `tokenledger: note: {msg}`: worth knowing, nothing wrong.
pub fn note(msg: impl Display) {
    labelled("note", anstyle::AnsiColor::Cyan, msg);
}

/// `tokenledger: warning: {msg}`: the numbers need a look.
pub fn warning(msg: impl Display) {
    labelled("warning", anstyle::AnsiColor::Yellow, msg);
}

/// `tokenledger: error: {msg}`: the command failed.
pub fn error(msg: impl Display) {
    labelled("error", anstyle::AnsiColor::Red, msg);
}

/// `tokenledger: hint: {msg}`: what to do next after an error.
pub fn hint(msg: impl Display) {
    labelled("hint", anstyle::AnsiColor::Green, msg);
}

/// An indented detail line under the previous message.
pub fn detail(msg: impl Display) {
    eprintln!("  {msg}");
}

/// Prints rejected rows, unpriced usage and the report's warnings; returns the problems
/// `--strict` fails on.
pub fn report_findings(report: &Report) -> Vec<String> {
    let a = &report.accounting;
    let mut problems = Vec::new();
    for r in report.rejections.iter().take(SHOWN_REJECTIONS) {
        info(format_args!("rejected {}", printable(&r.to_string())));
    }
    if a.rejected > 0 {
        if a.rejected as usize > SHOWN_REJECTIONS.min(report.rejections.len()) {
            info(format_args!(
                "... and {} more rejected rows",
                count(a.rejected - SHOWN_REJECTIONS.min(report.rejections.len()) as u64)
            ));
        }
        problems.push(crate::money::count_of(a.rejected, "rejected row"));
    }
    for u in &report.unpriced {
        // Input as the tables split it: uncached, then cache reads and writes when there are.
        let cached = u.cache_read_tokens + u.cache_write_tokens;
        let input = if cached > 0 {
            format!(
                "{} input (uncached) + {} cache read + {} cache write",
                count(u.input_tokens.saturating_sub(cached)),
                count(u.cache_read_tokens),
                count(u.cache_write_tokens)
            )
        } else {
            format!("{} input", count(u.input_tokens))
        };
        warning(format_args!(
            "UNPRICED {}/{}: {}, {input} + {} output tokens are not in the cost ({})",
            printable(&u.provider),
            printable(&u.model),
            crate::money::count_of(u.requests, "request"),
            count(u.output_tokens),
            u.reason
        ));
    }
    for note in &report.warnings {
        warning(note);
    }
    if report.total.unpriced_requests > 0 {
        problems.push(crate::money::count_of(
            report.total.unpriced_requests,
            "unpriced request",
        ));
    }
    problems
}

/// Warns about unpriced usage straight from priced cells (commands without a report);
/// returns the unpriced requests.
pub fn unpriced_cells(priced: &[PricedCell<'_>]) -> u64 {
    let mut by: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for pc in priced {
        if let Pricing::Unpriced(_) = pc.pricing {
            let e = by
                .entry((pc.key.provider.to_string(), pc.key.model.to_string()))
                .or_default();
            e.0 += pc.cell.sums.requests;
            e.1 += pc.cell.sums.total_tokens();
        }
    }
    let mut total = 0;
    for ((p, m), (r, t)) in by {
        warning(format_args!(
            "UNPRICED {}/{}: {}, {} tokens cannot be compared",
            printable(&p),
            printable(&m),
            crate::money::count_of(r, "request"),
            count(t)
        ));
        total += r;
    }
    total
}

/// One line on how to update the book, when the logs run past the day it was last checked or
/// some models have no price: a stale book misprices quietly, so it says so.
pub fn freshness_hint(
    book: &crate::pricing::PriceBook,
    agg: &crate::engine::Aggregates,
    report: &crate::report::Report,
) -> Option<String> {
    let last = agg.counters.last_us.filter(|&t| book.older_than(t));
    let unpriced: std::collections::BTreeSet<(&str, &str)> = report
        .unpriced
        .iter()
        .map(|u| (u.provider.as_str(), u.model.as_str()))
        .collect();
    if last.is_none() && unpriced.is_empty() {
        return None;
    }
    let checked = match (book.checked_at(), book.newest_price()) {
        (Some(c), Some(n)) => format!("checked on {c}, newest price {n}"),
        (Some(c), None) => format!("checked on {c}"),
        (None, Some(n)) => format!("newest price {n}"),
        (None, None) => "no date".to_string(),
    };
    let why = match last {
        Some(t) => format!(
            "these logs run to {}, after the price book was last checked ({checked}): prices that changed since are not in it",
            crate::usage::format_timestamp_us(t).get(..10).unwrap_or_default()
        ),
        None => format!(
            "{} the price book ({checked}) has no price for",
            crate::money::count_of(unpriced.len() as u64, "model")
        ),
    };
    Some(format!(
        "{why}; to update it, run `tokenledger prices update --litellm <today's model_prices_and_context_window.json> --pricing <a copy of pricing/>` and pass that folder to --pricing, or give the new prices with --pricing-overlay FILE (README: \"Updating the book\")"
    ))
}
