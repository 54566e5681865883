use super::*;
use crate::engine::{price, Aggregator, EngineSettings};
use crate::usage::UsageSink;
use crate::usage::{parse_timestamp_us, UsageRecord};
use proptest::prelude::*;

const BOOK: &str = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,batch_input_per_mtok,batch_output_per_mtok,canonical_model\n\
    a,m1,2025-01-01,3,15,0.3,1.5,7.5,alpha\n\
    a,m1,2025-01-03,2,10,0.2,,,alpha\n\
    b,x-m1,2025-01-02,1,2,,,,alpha\n\
    b,x-m1-fast,2025-01-02,5,5,,,,alpha\n\
    a,m2,2025-01-01,1,1,,,,beta\n";

fn book() -> PriceBook {
    let mut f = Vec::new();
    let b = PriceBook::from_sources(&[("t.csv".into(), BOOK.as_bytes().to_vec())], &mut f);
    assert!(f.is_empty(), "{f:?}");
    b
}

fn rec<'a>(
    secs: i64,
    model: &'a str,
    input: u64,
    output: u64,
    cr: u64,
    batch: bool,
) -> UsageRecord<'a> {
    UsageRecord {
        unpriced_class: None,
        timestamp_us: parse_timestamp_us("2025-01-01T00:00:00Z").unwrap() + secs * 1_000_000,
        provider: "a",
        model,
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: cr,
        cache_write_tokens: 0,
        cache_write_1h_tokens: 0,
        reasoning_tokens: 0,
        requests: 1,
        request_id: None,
        status: 200,
        user: None,
        project: None,
        api_key: None,
        region: None,
        batch,
        long_context: None,
        service_tier: None,
        extra: vec![],
    }
}

fn settings(by: &[&str]) -> CompareSettings {
    CompareSettings {
        only_offering: false,
        targets: vec!["a".into(), "b".into()],
        at_us: None,
        substitutes: vec![],
        by: by.iter().map(|s| s.to_string()).collect(),
        engine_dims: vec![],
    }
}

fn run(records: &[UsageRecord<'_>], s: &CompareSettings) -> (Comparison, Decimal) {
    let b = book();
    let mut agg = Aggregator::new(EngineSettings {
        tz: chrono_tz::UTC,
        from_us: None,
        to_us: None,
        dims: vec![],
        boundaries: b.boundaries(),
        book: None,
        per_minute: false,
        filter: vec![],
        side: None,
    })
    .with_chunk_rows(7);
    for r in records {
        agg.record(r);
    }
    let agg = agg.finish().unwrap();
    let priced = price(&agg, &b).unwrap();
    let report_total: Decimal = priced
        .iter()
        .filter_map(|p| match &p.pricing {
            Pricing::Priced { cost, .. } => Some(*cost),
            _ => None,
        })
        .sum();
    (compare(&priced, &b, &agg.epochs, s).unwrap(), report_total)
}

#[test]
fn targets_use_their_own_versions_and_not_offered_is_not_zero() {
    // Day 1 (2025-01-01): b has no alpha price yet (its first is 2025-01-02): not offered.
    // Day 2: a 3/15, b 1/2 (cheapest of x-m1 and x-m1-fast). Day 3: a 2/10.
    let recs = [
        rec(3600, "m1", 1_000_000, 0, 0, false),
        rec(86_400 + 3600, "m1", 1_000_000, 1_000_000, 0, false),
        rec(2 * 86_400 + 3600, "m1", 0, 1_000_000, 0, false),
    ];
    let (c, _) = run(&recs, &settings(&[CANONICAL_MODEL]));
    assert_eq!(c.groups.len(), 1);
    let g = &c.groups[0];
    assert_eq!(g.actual_cost, Decimal::from(3 + 18 + 10));
    let b = &g.targets["b"];
    assert_eq!(b.not_offered_requests, 1);
    assert_eq!(b.not_offered_actual_cost, Decimal::from(3));
    // Day 2 on b: 1 + 2 = 3; day 3 on b: 2.
    assert_eq!(b.target_cost, Decimal::from(5));
    assert_eq!(b.offered_actual_cost, Decimal::from(28));
    assert_eq!(b.saving(), Decimal::from(23));
    assert!(!b.fully_offered());
    // a is the actual provider: exact identity.
    assert_eq!(g.targets["a"].target_cost, g.actual_cost);
    assert_eq!(g.cheapest(), Some(("a", Decimal::from(31))));
}

#[test]
fn at_prices_everything_at_one_instant_and_substitute_marks_an_estimate() {
    let recs = [rec(3600, "m1", 1_000_000, 0, 0, false)];
    let mut s = settings(&[CANONICAL_MODEL]);
    s.at_us = Some(parse_timestamp_us("2025-01-05T00:00:00Z").unwrap());
    let (c, _) = run(&recs, &s);
    let g = &c.groups[0];
    assert_eq!(g.actual_cost, Decimal::from(3));
    assert_eq!(g.targets["a"].target_cost, Decimal::from(2));
    assert_eq!(g.targets["b"].target_cost, Decimal::from(1));
    assert!(!c.estimate);
    let mut s = settings(&[CANONICAL_MODEL]);
    s.substitutes = vec![("alpha".into(), "beta".into())];
    let (c, _) = run(&recs, &s);
    assert!(c.estimate);
    assert_eq!(c.groups[0].targets["a"].target_cost, Decimal::from(1));
    assert_eq!(c.groups[0].targets["b"].not_offered_requests, 1);
}

proptest! {
    /// Re-pricing on the actual provider equals `report`'s cost exactly, group by group.
    #[test]
    fn actual_provider_column_equals_report(
        rows in proptest::collection::vec((0i64..4 * 86_400, 0usize..2, 0u64..3_000_000, 0u64..500_000, 0u64..100, any::<bool>()), 1..60)
    ) {
        let models = ["m1", "m2"];
        let recs: Vec<UsageRecord> = rows.iter().map(|(t, m, i, o, crp, b)| rec(*t, models[*m], *i, *o, i * crp / 100, *b)).collect();
        let (c, report_total) = run(&recs, &settings(&[DAY, CANONICAL_MODEL]));
        for g in &c.groups {
            prop_assert_eq!(g.targets["a"].target_cost, g.actual_cost);
        }
        prop_assert_eq!(c.totals["a"].target_cost + c.totals["a"].not_offered_actual_cost, report_total.normalize());
        prop_assert_eq!(c.actual_cost, report_total.normalize());
    }
}
