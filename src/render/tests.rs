//! Snapshots of every renderer on hand-built results (`report::fixture`): they catch layout
//! regressions (a lost column, a changed heading, a broken table). The numbers in them are the
//! fixture's own; arithmetic is checked elsewhere against hand-computed values.

use std::collections::{BTreeMap, BTreeSet};

use insta::assert_snapshot;
use rust_decimal::Decimal;

use super::*;
use crate::pricing::{Finding, PriceBook, Severity};
use crate::report::compare::{CompareGroup, Comparison, NotComparable, TargetCost};
use crate::report::failures::{ErrorsReport, FailureRow, RateRow};
use crate::report::fixture::{full_report, measures, report, row};
use crate::report::focus::{columns as focus_columns, FocusRow, Version};

fn text<E: std::fmt::Debug>(f: impl FnOnce(&mut Vec<u8>) -> Result<(), E>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("render");
    String::from_utf8(out).expect("UTF-8 output")
}

/// The crate version changes with every release; the snapshots should not.
fn versionless(s: String) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "X.Y.Z")
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

// ---- report ----

#[test]
fn report_table() {
    assert_snapshot!(text(|w| render(
        &full_report(),
        Format::Table,
        Style::default(),
        w
    )));
}

#[test]
fn report_table_exact() {
    let exact = Style {
        exact: true,
        ..Style::default()
    };
    assert_snapshot!(text(|w| render(&full_report(), Format::Table, exact, w)));
}

#[test]
fn report_markdown() {
    assert_snapshot!(text(|w| render(
        &full_report(),
        Format::Markdown,
        Style::default(),
        w
    )));
}

#[test]
fn report_csv() {
    assert_snapshot!(text(|w| render(
        &full_report(),
        Format::Csv,
        Style::default(),
        w
    )));
}

#[test]
fn report_json() {
    assert_snapshot!(text(|w| render(
        &full_report(),
        Format::Json,
        Style::default(),
        w
    )));
}

#[test]
fn report_html() {
    let extras = html_report::HtmlExtras {
        charts: vec![(
            "Spend by model".into(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
        )],
        previous: Some(("2026-09".into(), d("20.5"))),
        previous_partial: None,
        errors: Some(errors_report()),
        reconciliation: None,
        budgets: vec![],
        by_provider: None,
    };
    assert_snapshot!(versionless(text(|w| html_report::render(
        &full_report(),
        &extras,
        Style::default(),
        w
    ))));
}

#[test]
fn report_without_breakdown_dimensions() {
    // `--by` nothing: one total row.
    let r = report(&[], vec![row(&[], measures(3, 300, 0, 30, "0.5"))]);
    assert_snapshot!(text(|w| render(&r, Format::Table, Style::default(), w)));
}

#[test]
fn report_of_nothing() {
    let r = report(&["month", "model"], vec![]);
    assert_snapshot!(text(|w| render(&r, Format::Table, Style::default(), w)));
}

#[test]
fn coverage_table_and_csv() {
    let r = full_report();
    assert_snapshot!(
        "coverage_table",
        text(|w| coverage::render(&r, Format::Table, w))
    );
    assert_snapshot!(
        "coverage_csv",
        text(|w| coverage::render(&r, Format::Csv, w))
    );
}

// ---- comparison ----

fn target(offered: u64, actual: &str, cost: &str, not: u64, not_cost: &str) -> TargetCost {
    TargetCost {
        offered_requests: offered,
        offered_actual_cost: d(actual),
        target_cost: d(cost),
        not_offered_requests: not,
        not_offered_tokens: not * 1_000,
        not_offered_actual_cost: d(not_cost),
        not_sold_requests: not,
        no_price_then_requests: 0,
        retired_requests: 0,
        no_class_price_requests: 0,
        versions: std::collections::BTreeSet::from([format!("p/m-{cost}@2025-01-01")]),
        book_tiers: std::collections::BTreeSet::from([crate::pricing::BookTier::Curated]),
        rules: std::collections::BTreeSet::new(),
        confidence: Some(if offered >= 100 { "low" } else { "high" }),
    }
}

fn retired(mut t: TargetCost) -> TargetCost {
    t.retired_requests = t.not_sold_requests;
    t.not_sold_requests = 0;
    t
}

/// Llama on Bedrock (offered on groq, not on vertex-ai), Sonnet on Anthropic (offered only
/// there).
fn comparison() -> Comparison {
    let llama = CompareGroup {
        dims: vec![Some("llama-3.3-70b-instruct".into())],
        actual_provider: "aws-bedrock".into(),
        requests: 100,
        tokens: 1_100_000,
        actual_cost: d("0.792"),
        targets: BTreeMap::from([
            ("anthropic".into(), target(0, "0", "0", 100, "0.792")),
            ("aws-bedrock".into(), target(100, "0.792", "0.792", 0, "0")),
            ("groq".into(), target(100, "0.792", "0.669", 0, "0")),
        ]),
    };
    let sonnet = CompareGroup {
        dims: vec![Some("claude-sonnet-4".into())],
        actual_provider: "anthropic".into(),
        requests: 10,
        tokens: 11_000,
        actual_cost: d("0.045"),
        targets: BTreeMap::from([
            ("anthropic".into(), target(10, "0.045", "0.045", 0, "0")),
            (
                "aws-bedrock".into(),
                retired(target(0, "0", "0", 10, "0.045")),
            ),
            ("groq".into(), target(0, "0", "0", 10, "0.045")),
        ]),
    };
    let totals = BTreeMap::from([
        (
            "anthropic".into(),
            target(10, "0.045", "0.045", 100, "0.792"),
        ),
        (
            "aws-bedrock".into(),
            retired(target(100, "0.792", "0.792", 10, "0.045")),
        ),
        ("groq".into(), target(100, "0.792", "0.669", 10, "0.045")),
    ]);
    Comparison {
        by: vec!["canonical_model".into()],
        targets: vec!["anthropic".into(), "aws-bedrock".into(), "groq".into()],
        groups: vec![llama, sonnet],
        totals,
        actual_cost: d("0.837"),
        requests: 112,
        not_comparable: NotComparable {
            requests: 2,
            tokens: 2_000,
        },
        estimate: false,
        substitutes: vec![],
    }
}

#[test]
fn comparison_in_every_format() {
    let c = comparison();
    for (name, f) in [
        ("comparison_table", Format::Table),
        ("comparison_markdown", Format::Markdown),
        ("comparison_csv", Format::Csv),
        ("comparison_json", Format::Json),
        ("comparison_html", Format::Html),
    ] {
        assert_snapshot!(name, text(|w| compare::render(&c, f, Style::default(), w)));
    }
    assert!(compare::render(&c, Format::Focus, Style::default(), &mut Vec::new()).is_err());
}

#[test]
fn comparison_with_a_substitute_is_an_estimate() {
    let mut c = comparison();
    c.estimate = true;
    c.substitutes = vec![("claude-sonnet-4".into(), "llama-3.3-70b-instruct".into())];
    assert_snapshot!(text(|w| compare::render(
        &c,
        Format::Table,
        Style::default(),
        w
    )));
}

// ---- failures ----

fn errors_report() -> ErrorsReport {
    ErrorsReport {
        requests: 2_000,
        failed_requests: 55,
        by_class: BTreeMap::from([("rate limited", 50), ("server error", 5)]),
        failures: vec![
            FailureRow {
                provider: "groq".into(),
                model: "llama-3.3-70b-versatile".into(),
                day: "2026-10-18".into(),
                status: 429,
                class: "rate limited",
                failed_requests: 50,
            },
            FailureRow {
                provider: "anthropic".into(),
                model: "claude-sonnet-4-5".into(),
                day: "2026-10-19".into(),
                status: 529,
                class: "server error",
                failed_requests: 5,
            },
        ],
        rate: vec![RateRow {
            provider: "groq".into(),
            model: "llama-3.3-70b-versatile".into(),
            requests: 1_200,
            peak_requests_per_minute: 40,
            peak_minute: "2026-10-18T14:00:00Z".into(),
            minutes_over_limit: 5,
            first_minutes_over: vec!["2026-10-18T14:00:00Z".into(), "2026-10-18T14:01:00Z".into()],
            peak_tokens_per_minute: 125_000,
            peak_tokens_minute: "2026-10-18T14:02:00Z".into(),
        }],
        rate_limit_per_minute: Some(30),
        overall_peak_requests_per_minute: 40,
        not_per_minute_requests: 31,
    }
}

#[test]
fn failures_in_every_format() {
    let r = errors_report();
    for (name, f) in [
        ("failures_table", Format::Table),
        ("failures_markdown", Format::Markdown),
        ("failures_csv", Format::Csv),
        ("failures_json", Format::Json),
        ("failures_html", Format::Html),
    ] {
        assert_snapshot!(name, text(|w| failures::render(&r, f, None, w)));
    }
}

#[test]
fn no_failures() {
    let r = ErrorsReport {
        requests: 10,
        failed_requests: 0,
        by_class: BTreeMap::new(),
        failures: vec![],
        rate: vec![],
        rate_limit_per_minute: None,
        overall_peak_requests_per_minute: 1,
        not_per_minute_requests: 0,
    };
    assert_snapshot!(text(|w| failures::render(&r, Format::Table, None, w)));
}

// ---- FOCUS ----

#[test]
fn focus_csv_in_both_versions() {
    // Every column named after itself (decimals as numbers, one null), a tag value from the
    // logs that is a formula, a sub account that starts with "+".
    for (name, version) in [("focus_1_2", Version::V1_2), ("focus_1_3", Version::V1_3)] {
        let cols = focus_columns(version);
        let cells = |n: usize| -> Vec<String> {
            cols.iter()
                .map(|c| match *c {
                    "Tags" => "{\"user\":\"=HYPERLINK(1)\"}".to_string(),
                    "SubAccountId" => "+team".to_string(),
                    "ChargeClass" => String::new(),
                    c if crate::report::focus::is_decimal(c) => format!("{n}.5"),
                    other => format!("{other}-{n}"),
                })
                .collect()
        };
        let rows = vec![
            FocusRow {
                cells: cells(1),
                billed_cost: d("1.5"),
            },
            FocusRow {
                cells: cells(2),
                billed_cost: d("2.5"),
            },
        ];
        assert_snapshot!(name, text(|w| focus::write(&rows, version, w)));
    }
}

// ---- price listings ----

const OLD_BOOK: &str = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,canonical_model,source\n\
openai,o3,2025-04-16,10,40,2.5,o3,https://openai.com/api/pricing/\n\
openai,gone,2025-01-01,1,1,,gone,https://example.org/gone\n";
const NEW_BOOK: &str = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,canonical_model,source\n\
openai,o3,2025-04-16,2,8,0.5,o3,https://openai.com/api/pricing/\n\
together,meta-llama/Llama-3.3-70B-Instruct-Turbo,2025-01-01,0.88,0.88,,llama-3.3-70b-instruct,https://www.together.ai/pricing\n";

fn book(name: &str, text: &str) -> PriceBook {
    let mut findings = Vec::new();
    let b = PriceBook::from_sources(
        &[(name.to_string(), text.as_bytes().to_vec())],
        &mut findings,
    );
    assert!(
        findings.iter().all(|f| f.severity != Severity::Error),
        "{findings:?}"
    );
    b
}

#[test]
fn price_listing_in_every_format() {
    let b = book("new.csv", NEW_BOOK);
    let rows: Vec<_> = b.rows().iter().collect();
    let grid = prices::listing(&rows);
    for (name, f) in [
        ("prices_table", Format::Table),
        ("prices_markdown", Format::Markdown),
        ("prices_csv", Format::Csv),
        ("prices_json", Format::Json),
        ("prices_html", Format::Html),
    ] {
        assert_snapshot!(name, text(|w| grid.render(f, &prices::TABLE_COLUMNS, w)));
    }
}

#[test]
fn price_diff_and_findings() {
    let (old, new) = (book("old.csv", OLD_BOOK), book("new.csv", NEW_BOOK));
    let changes = crate::pricing::diff::diff(&old, &new);
    assert_snapshot!(
        "prices_diff",
        text(|w| prices::diff_grid(&changes).render(Format::Table, &[], w))
    );
    let findings = vec![
        Finding {
            severity: Severity::Error,
            file: "book.csv".into(),
            line: 3,
            column: Some("input_per_mtok".into()),
            message: "negative price -1".into(),
        },
        Finding {
            severity: Severity::Warning,
            file: "book.csv".into(),
            line: 4,
            column: None,
            message: "input $14.1 is more than 5x output $0.35 (swapped?)".into(),
        },
    ];
    assert_snapshot!(
        "prices_findings",
        text(|w| prices::findings_grid(&findings).render(Format::Csv, &[], w))
    );
}

#[test]
fn fixture_totals_are_consistent() {
    // The hand-built report the snapshots use adds up: rows sum to the total, the accounting
    // balances (a fixture that does not would bless a wrong layout).
    let r = full_report();
    let sum: Decimal = r.rows.iter().map(|x| x.measures.cost_usd).sum();
    assert_eq!(sum, r.total.cost_usd);
    let requests: u64 = r.rows.iter().map(|x| x.measures.requests).sum();
    assert_eq!(requests, r.total.requests);
    assert!(r.accounting.balances());
    let tiers: BTreeSet<_> = r
        .rows
        .iter()
        .flat_map(|x| x.measures.priced_by.iter())
        .collect();
    assert_eq!(tiers.len(), 3);
}

#[test]
fn price_explanation_in_every_format() {
    let lines: Vec<(String, String)> = [
        ("request", "groq/llama-4-x at 2025-06-02T00:00:00Z"),
        ("price version", "groq/llama-4-x@2025-05-14T21:06:22Z"),
        ("tier of the book", "generated"),
        ("USD per million tokens", "input $0.2, output $0.6"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, f) in [
        ("why_table", Format::Table),
        ("why_markdown", Format::Markdown),
        ("why_csv", Format::Csv),
        ("why_json", Format::Json),
    ] {
        assert_snapshot!(name, text(|w| why::render(&lines, f, w)));
    }
}
