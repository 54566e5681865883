use super::*;
use crate::pricing::{Lookup, PriceClass, PriceRow, Query};
use crate::usage::parse_timestamp_us;
use rust_decimal::Decimal;

fn rec<'a>(
    ts: &str,
    provider: &'a str,
    model: &'a str,
    input: u64,
    output: u64,
) -> UsageRecord<'a> {
    UsageRecord {
        unpriced_class: None,
        timestamp_us: parse_timestamp_us(ts).unwrap(),
        provider,
        model,
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: 0,
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
        batch: false,
        long_context: None,
        service_tier: None,
        extra: vec![],
    }
}

fn settings(tz: Tz, boundaries: Vec<i64>) -> EngineSettings {
    EngineSettings {
        tz,
        from_us: None,
        to_us: None,
        dims: vec![],
        boundaries,
        book: None,
        per_minute: false,
        filter: vec![],
        side: None,
    }
}

#[test]
fn sums_per_day_in_the_reporting_zone() {
    let mut a = Aggregator::new(settings(chrono_tz::America::New_York, vec![]));
    // 2025-11-01 03:30Z is 2025-10-31 23:30 in New York (EDT, UTC-4).
    a.record(&rec("2025-11-01T03:30:00Z", "p", "m", 10, 1));
    a.record(&rec("2025-11-01T04:30:00Z", "p", "m", 20, 2));
    let agg = a.finish().unwrap();
    assert_eq!(agg.cells.len(), 2);
    assert_eq!(
        agg.cells[0].day as i64,
        crate::usage::days_from_civil(2025, 10, 31)
    );
    assert_eq!(
        agg.cells[1].day as i64,
        crate::usage::days_from_civil(2025, 11, 1)
    );
    assert_eq!(agg.cells[0].sums.input_tokens, 10);
}

#[test]
fn dst_change_uses_the_right_offset() {
    // Europe/Berlin leaves DST on 2025-10-26 01:00Z: before it UTC+2, after it UTC+1.
    let mut a = Aggregator::new(settings(chrono_tz::Europe::Berlin, vec![]));
    a.record(&rec("2025-10-25T22:30:00Z", "p", "m", 1, 0)); // 00:30 on the 26th (UTC+2)
    a.record(&rec("2025-10-26T22:30:00Z", "p", "m", 2, 0)); // 23:30 on the 26th (UTC+1)
    let agg = a.finish().unwrap();
    assert_eq!(agg.cells.len(), 1, "{:?}", agg.cells);
    assert_eq!(agg.cells[0].sums.input_tokens, 3);
}

#[test]
fn duplicates_are_counted_once_per_provider() {
    let mut a = Aggregator::new(settings(chrono_tz::UTC, vec![]));
    let mut r = rec("2025-10-01T00:00:00Z", "p", "m", 5, 5);
    r.request_id = Some("req-1");
    a.record(&r);
    a.record(&r);
    r.provider = "q";
    a.record(&r);
    let agg = a.finish().unwrap();
    assert_eq!(agg.counters.duplicates, 1);
    assert_eq!(agg.counters.rows_read, 3);
    let total: u64 = agg.cells.iter().map(|c| c.sums.input_tokens).sum();
    assert_eq!(total, 10);
}

#[test]
fn deferred_dedupe_keeps_first_occurrences_across_chunks_and_the_period() {
    // ids: a (June), b (May, outside), a (dup), c, b (dup of an outside row), c (dup), d
    let rows = [
        ("2025-06-01T00:00:00Z", "a", 1),
        ("2025-05-01T00:00:00Z", "b", 10),
        ("2025-06-02T00:00:00Z", "a", 100),
        ("2025-06-03T00:00:00Z", "c", 1000),
        ("2025-06-04T00:00:00Z", "b", 10_000),
        ("2025-06-05T00:00:00Z", "c", 100_000),
        ("2025-06-06T00:00:00Z", "d", 1_000_000),
    ];
    for chunk in [1, 2, 3, 100] {
        let mut s = settings(chrono_tz::UTC, vec![]);
        s.from_us = Some(parse_timestamp_us("2025-06-01T00:00:00Z").unwrap());
        let mut a = Aggregator::new(s).with_chunk_rows(chunk);
        for (ts, id, input) in rows {
            let mut r = rec(ts, "p", "m", input, 0);
            r.request_id = Some(id);
            a.record(&r);
        }
        let agg = a.finish().unwrap();
        let total: u64 = agg.cells.iter().map(|c| c.sums.input_tokens).sum();
        assert_eq!(total, 1 + 1000 + 1_000_000, "chunk {chunk}");
        assert_eq!(agg.counters.duplicates, 3, "chunk {chunk}");
        assert_eq!(agg.counters.outside_period, 1, "chunk {chunk}");
        assert_eq!(agg.counters.rows_read, 7);
    }
}

#[test]
fn epochs_split_at_price_boundaries() {
    let b = parse_timestamp_us("2025-06-10T00:00:00Z").unwrap();
    let mut a = Aggregator::new(settings(chrono_tz::UTC, vec![b]));
    a.record(&rec("2025-06-09T23:59:59.999999Z", "p", "m", 1, 0));
    a.record(&rec("2025-06-10T00:00:00Z", "p", "m", 2, 0));
    let agg = a.finish().unwrap();
    let epochs: Vec<(u32, u64)> = agg
        .cells
        .iter()
        .map(|c| (c.epoch, c.sums.input_tokens))
        .collect();
    assert_eq!(epochs, vec![(0, 1), (1, 2)]);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn book() -> PriceBook {
        // Every class priced (Together-style b bills cache at its input rate, stated).
        let text = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,batch_input_per_mtok,batch_output_per_mtok\n\
            p,a,2025-01-01,3,15,0.3,3.75,1.5,7.5\n\
            p,a,2025-01-03T12:00:00Z,2.5,10,0.25,3.125,1.25,5\n\
            p,b,2025-01-02,0.88,0.88,0.88,0.88,0.44,0.44\n";
        let mut f = Vec::new();
        let b = PriceBook::from_sources(&[("t.csv".into(), text.as_bytes().to_vec())], &mut f);
        assert!(f.is_empty(), "{f:?}");
        b
    }

    proptest! {
        /// Aggregating in chunks and pricing the sums gives exactly the sum of the
        /// per-row costs, whatever the chunk size and the zone.
        #[test]
        fn chunked_aggregation_prices_exactly_like_rows(
            rows in proptest::collection::vec(
                (0i64..5 * 86_400, 0usize..3, 0u64..2_000_000, 0u64..100_000, 0u64..100, 0u64..100, any::<bool>(), prop_oneof![Just(200u16), Just(429u16)]),
                0..200),
            chunk in 1usize..50,
            tz in prop_oneof![Just(chrono_tz::UTC), Just(chrono_tz::Asia::Kolkata), Just(chrono_tz::America::Los_Angeles)],
        ) {
            let book = book();
            let base = crate::usage::parse_timestamp_us("2024-12-31T00:00:00Z").unwrap();
            let models = ["a", "b", "zzz"];
            let mut agg = Aggregator::new(EngineSettings {
                tz, from_us: None, to_us: None, dims: vec![], boundaries: book.boundaries(), book: None, per_minute: false, filter: vec![], side: None,
            }).with_chunk_rows(chunk);
            let mut expected = Decimal::ZERO;
            let mut expected_unpriced = 0u64;
            for (secs, m, input, output, crp, cwp, batch, status) in &rows {
                let cr = input * crp / 200;
                let cw = input * cwp / 200;
                let mut r = rec("2025-01-01T00:00:00Z", "p", models[*m], *input, *output);
                r.timestamp_us = base + secs * 1_000_000;
                r.cache_read_tokens = cr;
                r.cache_write_tokens = cw;
                r.batch = *batch;
                r.status = *status;
                match book.lookup(Query::new("p", models[*m], r.timestamp_us)) {
                    Lookup::Priced(p) => {
                        let s = Sums { rows: 1, requests: 1, input_tokens: *input, cache_read_tokens: cr,
                            cache_write_tokens: cw, cache_write_1h_tokens: 0, output_tokens: *output, reasoning_tokens: 0 };
                        expected += cost_of(&s, p, *batch, false).unwrap();
                    }
                    _ => expected_unpriced += 1,
                }
                agg.record(&r);
            }
            let aggregates = agg.finish().unwrap();
            let priced = price(&aggregates, &book).unwrap();
            let mut total = Decimal::ZERO;
            let mut unpriced = 0;
            for pc in &priced {
                match &pc.pricing {
                    Pricing::Priced { cost, .. } => total += *cost,
                    Pricing::Unpriced(_) => unpriced += pc.cell.sums.requests,
                }
            }
            prop_assert_eq!(total.normalize(), expected.normalize());
            prop_assert_eq!(unpriced, expected_unpriced);
            let n: u64 = aggregates.cells.iter().map(|c| c.sums.rows).sum();
            prop_assert_eq!(n, rows.len() as u64);
        }
    }
}

#[test]
fn cost_is_exact_and_a_class_without_a_price_is_never_billed_at_another_rate() {
    let row = |cr: Option<&str>, bo: Option<&str>| {
        let mut r = PriceRow::new(
            "p",
            "m",
            (0, "1970-01-01"),
            "3".parse().unwrap(),
            "15".parse().unwrap(),
            crate::pricing::BookTier::Curated,
        );
        r.cache_read = cr.map(|s| s.parse().unwrap());
        r.cache_write = Some("3.75".parse().unwrap());
        r.batch_input = Some("1.5".parse().unwrap());
        r.batch_output = bo.map(|s| s.parse().unwrap());
        r
    };
    let s = Sums {
        rows: 1,
        requests: 1,
        input_tokens: 1_000,
        cache_read_tokens: 300,
        cache_write_tokens: 200,
        cache_write_1h_tokens: 0,
        output_tokens: 100,
        reasoning_tokens: 0,
    };
    // 500*3 + 300*0.3 + 200*3.75 + 100*15 = 1500 + 90 + 750 + 1500 = 3840 -> $0.00384
    assert_eq!(
        cost_of(&s, &row(Some("0.3"), None), false, false)
            .unwrap()
            .to_string(),
        "0.00384"
    );
    // No cache-read price: not the input rate, no price at all.
    assert_eq!(
        cost_of(&s, &row(None, None), false, false),
        Err(CostError::NoPrice(PriceClass::CacheRead))
    );
    // The same usage without cache reads needs no cache-read price: 800*3 + 750 + 1500.
    let no_reads = Sums {
        cache_read_tokens: 0,
        ..s
    };
    assert_eq!(
        cost_of(&no_reads, &row(None, None), false, false)
            .unwrap()
            .to_string(),
        "0.00465"
    );
    // Batch with only a batch input rate: no batch price (the output is not on-demand).
    assert_eq!(
        cost_of(&s, &row(Some("0.3"), None), true, false),
        Err(CostError::NoPrice(PriceClass::Batch))
    );
    // Batch: input 1.5 and output 7.5 (half), so the cache rates move by the same factor
    // (0.15 and 1.875; the batch discount applies to cached tokens too):
    // 750 + 45 + 375 + 750 = 1920
    assert_eq!(
        cost_of(&s, &row(Some("0.3"), Some("7.5")), true, false)
            .unwrap()
            .to_string(),
        "0.00192"
    );
}

#[test]
fn the_side_window_is_aggregated_on_its_own_and_counted_outside() {
    // Period June; side window May. ids: a (May), a (June, duplicate of the May row), b (June).
    let may = parse_timestamp_us("2025-05-01T00:00:00Z").unwrap();
    let june = parse_timestamp_us("2025-06-01T00:00:00Z").unwrap();
    let july = parse_timestamp_us("2025-07-01T00:00:00Z").unwrap();
    let mut s = settings(chrono_tz::UTC, vec![]);
    s.from_us = Some(june);
    s.to_us = Some(july);
    s.side = Some((may, june));
    let mut a = Aggregator::new(s);
    let rows = [
        ("2025-05-02T00:00:00Z", Some("a"), 1),
        ("2025-05-03T00:00:00Z", None, 2),
        ("2025-04-30T23:59:59Z", None, 4), // before both windows
        ("2025-06-02T00:00:00Z", Some("a"), 8),
        ("2025-06-03T00:00:00Z", Some("b"), 16),
    ];
    for (ts, id, input) in rows {
        let mut r = rec(ts, "p", "m", input, 0);
        r.request_id = id;
        a.record(&r);
    }
    let agg = a.finish().unwrap();
    let total = |g: &Aggregates| -> u64 { g.cells.iter().map(|c| c.sums.input_tokens).sum() };
    assert_eq!(total(&agg), 16);
    assert_eq!(agg.counters.outside_period, 3);
    assert_eq!(agg.counters.duplicates, 1);
    assert_eq!(agg.counters.rows_read, 5);
    let side = agg.side.as_ref().expect("side aggregates");
    assert_eq!(total(side), 1 + 2);
    assert!(side.side.is_none());
}

/// A report counts the duplicates of its own period: a copy outside the period is outside the
/// period, whether ids are checked a chunk at a time or at once (per-minute counts).
#[test]
fn duplicates_belong_to_the_period_of_the_copy() {
    // a (June), a again in May (outside), a again in June (duplicate), b in May then May again.
    let rows = [
        ("2025-06-01T00:00:00Z", "a"),
        ("2025-05-20T00:00:00Z", "a"),
        ("2025-06-02T00:00:00Z", "a"),
        ("2025-05-01T00:00:00Z", "b"),
        ("2025-05-02T00:00:00Z", "b"),
    ];
    for immediate in [false, true] {
        for chunk in [1, 2, 100] {
            let mut s = settings(chrono_tz::UTC, vec![]);
            s.from_us = Some(parse_timestamp_us("2025-06-01T00:00:00Z").unwrap());
            s.per_minute = immediate;
            let mut a = Aggregator::new(s).with_chunk_rows(chunk);
            for (ts, id) in rows {
                let mut r = rec(ts, "p", "m", 1, 0);
                r.request_id = Some(id);
                a.record(&r);
            }
            let agg = a.finish().unwrap();
            let c = &agg.counters;
            assert_eq!(
                (c.rows_read, c.duplicates, c.outside_period),
                (5, 1, 3),
                "immediate {immediate}, chunk {chunk}"
            );
            let requests: u64 = agg.cells.iter().map(|c| c.sums.requests).sum();
            assert_eq!(requests, 1);
        }
    }
}

/// `--where` keeps the groups whose dimension matches, counts the rest as filtered out, and
/// adds the filter's dimension to the group key by itself.
#[test]
fn filters_keep_matching_groups_and_count_the_rest() {
    for immediate in [false, true] {
        let mut s = settings(chrono_tz::UTC, vec![]);
        s.per_minute = immediate;
        s.filter = vec![
            crate::usage::Where::parse("user!=bot-*").unwrap(),
            crate::usage::Where::parse("provider=p,q").unwrap(),
        ];
        let mut a = Aggregator::new(s).with_chunk_rows(2);
        let users = [
            ("p", Some("alice"), Some("1")),
            ("p", Some("bot-1"), Some("2")),
            ("q", None, Some("3")),
            ("r", Some("alice"), Some("4")),
            ("p", Some("bot-1"), Some("2")),
            ("p", Some("alice"), Some("1")),
        ];
        for (provider, user, id) in users {
            let mut r = rec("2025-06-01T00:00:00Z", provider, "m", 10, 0);
            r.user = user;
            r.request_id = id;
            a.record(&r);
        }
        let agg = a.finish().unwrap();
        let c = &agg.counters;
        // Kept: alice on p, the user-less row on q; left out: the bot (twice: its copy stays
        // with the filtered rows) and provider r; one duplicate of alice's request.
        assert_eq!(
            (c.rows_read, c.filtered_out, c.duplicates),
            (6, 3, 1),
            "immediate {immediate}"
        );
        let requests: u64 = agg.cells.iter().map(|c| c.sums.requests).sum();
        assert_eq!(requests, 2);
        assert_eq!(agg.groups[0].dims.len(), 1, "user was added to the key");
    }
}
