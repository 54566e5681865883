//! Hand-built results for renderer and chart tests: every number here is typed by hand, so a
//! test that renders them checks layout, never arithmetic.

use super::set::{SmallSet, TierSet};

use rust_decimal::Decimal;

use super::{
    Accounting, Coverage, Forecast, Measures, Period, PricingInfo, Report, Row, Share, Unpriced,
};
use crate::pricing::{BookTier, PriceFile};
use crate::usage::Rejection;

/// Measures with the given counts and an exact cost (`"12.5"`).
pub fn measures(requests: u64, input: u64, cache_read: u64, output: u64, cost: &str) -> Measures {
    Measures {
        requests,
        failed_requests: 0,
        input_tokens: input,
        cache_read_tokens: cache_read,
        cache_write_tokens: 0,
        output_tokens: output,
        reasoning_tokens: 0,
        cost_usd: cost.parse::<Decimal>().expect("fixture cost"),
        unpriced_requests: 0,
        price_versions: SmallSet::default(),
        priced_by: TierSet::from([BookTier::Curated]),
        price_rules: SmallSet::default(),
    }
}

/// A row of a report.
pub fn row(dims: &[&str], measures: Measures) -> Row {
    Row {
        dims: dims
            .iter()
            .map(|d| Some(crate::text::shared::Text::from(*d)))
            .collect(),
        measures,
    }
}

/// A report over the given rows: the total is their sum, nothing unpriced or rejected.
pub fn report(by: &[&str], rows: Vec<Row>) -> Report {
    let mut total = Measures::default();
    for r in &rows {
        let m = &r.measures;
        total.requests += m.requests;
        total.failed_requests += m.failed_requests;
        total.input_tokens += m.input_tokens;
        total.cache_read_tokens += m.cache_read_tokens;
        total.cache_write_tokens += m.cache_write_tokens;
        total.output_tokens += m.output_tokens;
        total.reasoning_tokens += m.reasoning_tokens;
        total.cost_usd += m.cost_usd;
        total.unpriced_requests += m.unpriced_requests;
        total
            .price_versions
            .extend(m.price_versions.iter().cloned());
        total.priced_by.extend(m.priced_by.iter().copied());
    }
    let requests = total.requests;
    let tokens = total.input_tokens + total.output_tokens;
    Report {
        api_equivalent: None,
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Period {
            from: Some("2026-10-01T00:00:00Z".into()),
            to: Some("2026-11-01T00:00:00Z".into()),
            tz: "UTC".into(),
        },
        rows,
        total,
        unpriced: vec![],
        accounting: Accounting {
            rows_read: requests,
            priced: requests,
            ..Default::default()
        },
        rejections: vec![],
        warnings: vec![],
        forecast: None,
        pricing: PricingInfo {
            checked_at: None,
            newest_price: None,
            files: vec![],
            versions_used: vec![],
        },
        coverage: Coverage {
            curated: Share { requests, tokens },
            ..Default::default()
        },
    }
}

/// An October 2026 report by provider and model with everything a report can carry: three priced
/// rows (one with a failed request and two price versions), unpriced usage, a rejected row, a
/// duplicate, a warning, a forecast and two price files.
pub fn full_report() -> Report {
    let mut sonnet = measures(1_200, 3_400_000, 1_000_000, 250_000, "12.5");
    sonnet.failed_requests = 3;
    sonnet.cache_write_tokens = 200_000;
    sonnet.price_versions = SmallSet::from([
        "anthropic/claude-sonnet-4-5@2025-09-29".into(),
        "anthropic/claude-sonnet-4-5@2026-10-15".into(),
    ]);
    let mut gpt = measures(800, 1_000_000, 0, 100_000, "3.25");
    gpt.reasoning_tokens = 40_000;
    gpt.price_versions = SmallSet::from(["openai/gpt-5-mini@2025-08-07".into()]);
    gpt.priced_by = TierSet::from([BookTier::Generated]);
    let mut llama = measures(10, 20_000, 0, 5_000, "0.004");
    llama.price_versions = SmallSet::from(["together/llama-4-maverick@2025-04-05".into()]);
    llama.priced_by = TierSet::from([BookTier::Overlay]);
    let mut r = report(
        &["provider", "model"],
        vec![
            row(&["anthropic", "claude-sonnet-4-5"], sonnet),
            row(&["openai", "gpt-5-mini"], gpt),
            row(&["together", "llama-4-maverick"], llama),
        ],
    );
    // Unpriced usage: in the request counts, not in the cost.
    let mut mystery = measures(7, 7_000, 0, 700, "0");
    mystery.unpriced_requests = 7;
    mystery.priced_by.clear();
    r.rows.push(row(&["acme", "mystery-1"], mystery));
    r.total.requests += 7;
    r.total.input_tokens += 7_000;
    r.total.output_tokens += 700;
    r.total.unpriced_requests = 7;
    r.unpriced = vec![Unpriced {
        provider: "acme".into(),
        model: "mystery-1".into(),
        reason: "no price for this provider and model".into(),
        requests: 7,
        input_tokens: 7_000,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        output_tokens: 700,
    }];
    r.accounting = Accounting {
        rows_read: 2_020,
        priced: 2_007,
        unpriced: 7,
        failed: 3,
        failed_unpriced: 0,
        duplicates: 1,
        rejected: 1,
        outside_period: 1,
        filtered_out: 0,
    };
    // 2,017 requests = 2,007 priced + 7 unpriced + 3 failed; with 1 duplicate, 1 rejected and
    // 1 outside the period, 2,020 rows read.
    debug_assert!(r.accounting.balances());
    r.rejections = vec![Rejection {
        file: "logs/october.jsonl".into(),
        line: 42,
        field: "input_tokens".into(),
        reason: "not a whole number: \"12x\"".into(),
    }];
    r.warnings = vec!["1 row had a timestamp without a zone and was read as UTC".into()];
    r.forecast = Some(Forecast {
        month: "2026-10".into(),
        cost_so_far: "15.754".parse().expect("decimal"),
        days_elapsed: "20.0".into(),
        days_in_month: 31,
        projected: "24.42".parse().expect("decimal"),
        based_on_from: "2026-10-01T00:00:00Z".into(),
        based_on_to: "2026-10-21T00:00:00Z".into(),
    });
    r.pricing = PricingInfo {
        checked_at: Some("2026-12-07".into()),
        newest_price: Some("2026-12-01".into()),
        files: vec![
            PriceFile {
                path: "embedded:pricing/curated/anthropic.csv".into(),
                sha256: "9f2c".repeat(16),
                rows: 48,
                overlay: false,
            },
            PriceFile {
                path: "contract.csv".into(),
                sha256: "01ab".repeat(16),
                rows: 1,
                overlay: true,
            },
        ],
        versions_used: r
            .total
            .price_versions
            .iter()
            .map(|v| v.to_string())
            .collect(),
    };
    r.coverage = Coverage {
        overlay: Share {
            requests: 10,
            tokens: 25_000,
        },
        curated: Share {
            requests: 1_200,
            tokens: 3_650_000,
        },
        generated: Share {
            requests: 800,
            tokens: 1_100_000,
        },
        unpriced: Share {
            requests: 7,
            tokens: 7_700,
        },
    };
    r
}
