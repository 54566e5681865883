use super::*;
use crate::usage::parse_timestamp_us;
use rust_decimal::Decimal;

fn book(text: &str) -> (PriceBook, Vec<Finding>) {
    let mut f = Vec::new();
    let b = PriceBook::from_sources(&[("p.csv".into(), text.as_bytes().to_vec())], &mut f);
    (b, f)
}

const HEADER: &str =
    "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,region\n";

#[test]
fn version_in_force_one_microsecond_before_and_at_effective_from() {
    let (b, f) = book(&format!(
        "{HEADER}openai,o3,2025-04-16,10,40,2.5,\nopenai,o3,2025-06-10,2,8,0.5,\n"
    ));
    assert!(f.is_empty(), "{f:?}");
    let at = parse_timestamp_us("2025-06-10T00:00:00Z").unwrap();
    match b.lookup(Query::new("openai", "o3", at - 1)) {
        Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(10)),
        other => panic!("{other:?}"),
    }
    match b.lookup(Query::new("openai", "o3", at)) {
        Lookup::Priced(p) => assert_eq!(p.input, Decimal::from(2)),
        other => panic!("{other:?}"),
    }
    let early = parse_timestamp_us("2025-04-15T23:59:59Z").unwrap();
    assert!(matches!(
        b.lookup(Query::new("openai", "o3", early)),
        Lookup::BeforeFirst(_)
    ));
    assert_eq!(b.lookup(Query::new("openai", "o4", at)), Lookup::Unknown);
    assert_eq!(b.lookup(Query::new("azure", "o3", at)), Lookup::Unknown);
}

#[test]
fn regional_row_wins_and_falls_back() {
    let (b, f) = book(&format!(
        "{HEADER}aws-bedrock,m,2025-01-01,1,2,,\naws-bedrock,m,2025-03-01,1.5,2.5,,eu-west-1\n"
    ));
    assert!(f.is_empty(), "{f:?}");
    let feb = parse_timestamp_us("2025-02-01T00:00:00Z").unwrap();
    let apr = parse_timestamp_us("2025-04-01T00:00:00Z").unwrap();
    let input = |r, t| match b.lookup(Query {
        region: r,
        ..Query::new("aws-bedrock", "m", t)
    }) {
        Lookup::Priced(p) => p.input,
        other => panic!("{other:?}"),
    };
    assert_eq!(input(Some("eu-west-1"), apr), "1.5".parse().unwrap());
    // Before the regional row starts, the region-less row applies.
    assert_eq!(input(Some("eu-west-1"), feb), Decimal::from(1));
    assert_eq!(input(Some("us-east-1"), apr), Decimal::from(1));
    assert_eq!(input(None, apr), Decimal::from(1));
}

#[test]
fn an_empty_cache_column_is_no_price_never_the_input_rate() {
    let (b, _) = book(&format!("{HEADER}together,m,2025-01-01,0.88,0.88,,\n"));
    let r = &b.rows()[0];
    let x = r.rates(false, false).unwrap();
    assert_eq!(
        (x.cache_read, x.cache_write, x.cache_write_1h),
        (None, None, None)
    );
    assert_eq!(
        r.rates(true, false),
        Err(PriceClass::Batch),
        "no batch price"
    );
}

#[test]
fn class_rules_fill_empty_columns_before_uplifts_and_overlays_copy_them() {
    // Anthropic-family rules on Azure, an uplift for a data zone, a contract overlay that sets
    // input and output only: the contract keeps the rule's cache price (0.1 x list input).
    let sources = vec![
        (
            "p.csv".to_string(),
            b"provider,model,effective_from,input_per_mtok,output_per_mtok,canonical_model\n\
              azure,claude-sonnet-4-5,2025-11-18,3,15,claude-sonnet-4.5\n"
                .to_vec(),
        ),
        (
            "class-rules.csv".to_string(),
            b"name,provider,models,class,factor,source\n\
              claude-cache-read,azure,claude-*,cache_read,0.1,https://example.org/a\n\
              claude-cache-write-1h,azure,claude-*,cache_write_1h,2,https://example.org/a\n"
                .to_vec(),
        ),
        (
            "rules.csv".to_string(),
            b"name,provider,models,regions,except_regions,factor,effective_from,source\n\
              zone,azure,claude-*,eu,,1.1,2025-01-01,https://example.org/b\n"
                .to_vec(),
        ),
    ];
    let mut f = Vec::new();
    let b = PriceBook::from_sources(&sources, &mut f);
    assert!(f.is_empty(), "{f:?}");
    let at = parse_timestamp_us("2026-01-01T00:00:00Z").unwrap();
    let row = |region| match b.lookup(Query {
        region,
        ..Query::new("azure", "claude-sonnet-4-5", at)
    }) {
        Lookup::Priced(p) => p.clone(),
        other => panic!("{other:?}"),
    };
    let global = row(None);
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(global.cache_read, Some(d("0.3")));
    assert_eq!(global.cache_write_1h, Some(d("6")));
    assert_eq!(global.cache_write, None, "no 5-minute rule given here");
    assert_eq!(
        global.rules_used(&[PriceClass::CacheRead, PriceClass::CacheWrite1h]),
        ["claude-cache-read", "claude-cache-write-1h"]
    );
    // x1.1 of the filled 0.3 is 0.33 exactly, and the rule is still named.
    let eu = row(Some("eu"));
    assert_eq!(eu.cache_read, Some(d("0.33")));
    assert_eq!(
        eu.rules_used(&[PriceClass::CacheRead]),
        ["claude-cache-read"]
    );
}

#[test]
fn every_problem_is_reported_with_file_line_and_column() {
    let (_, f) = book(&format!(
        "{HEADER}openai,a,2025-01-01,-1,2,,\nopenai,b,2025-13-01,1,2,,\nopenai,c,2025-01-01,abc,2,,\nopenai,d,2025-01-01,1,2,,\nopenai,d,2025-01-01,1,3,,\n"
    ));
    let text: Vec<String> = f.iter().map(|x| x.to_string()).collect();
    assert_eq!(text.len(), 4, "{text:?}");
    assert!(
        text[0].starts_with("p.csv:2: error: input_per_mtok: negative price"),
        "{text:?}"
    );
    assert!(
        text[1].starts_with("p.csv:3: error: effective_from:"),
        "{text:?}"
    );
    assert!(
        text[2].starts_with("p.csv:4: error: input_per_mtok:"),
        "{text:?}"
    );
    assert!(
        text[3].starts_with("p.csv:6: error: duplicate price version openai/d@2025-01-01"),
        "{text:?}"
    );
}

#[test]
fn missing_required_column_is_reported() {
    let (_, f) = book("provider,model,effective_from,input_per_mtok\nopenai,a,2025-01-01,1\n");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].to_string(),
        "p.csv:1: error: output_per_mtok: required column is missing"
    );
}

fn rates_row(extra_cols: &str, extra_vals: &str) -> PriceRow {
    let text = format!(
        "provider,model,effective_from,input_per_mtok,output_per_mtok{extra_cols}\np,m,2025-01-01,3,15{extra_vals}\n"
    );
    let (b, f) = book(&text);
    assert!(f.is_empty(), "{f:?}");
    b.rows()[0].clone()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn batch_rates_move_reasoning_and_leave_missing_cache_unpriced() {
    let r = rates_row(
        ",batch_input_per_mtok,batch_output_per_mtok,reasoning_per_mtok",
        ",1.5,7.5,30",
    );
    let x = r.rates(true, false).unwrap();
    assert_eq!((x.input, x.output), (d("1.5"), d("7.5")));
    // No cache price in the row: none under batch either (never the batch input rate).
    assert_eq!((x.cache_read, x.cache_write), (None, None));
    // reasoning 30 at on-demand output 15 -> 15 at batch output 7.5
    assert_eq!(x.reasoning, d("15"));
    assert_eq!(r.rates(false, false).unwrap().reasoning, d("30"));
}

#[test]
fn long_context_scales_short_only_rates() {
    let r = rates_row(
        ",cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,reasoning_per_mtok,long_context_threshold,long_input_per_mtok,long_output_per_mtok",
        ",0.3,3.75,6,30,200000,6,22.5",
    );
    let x = r.rates(false, true).unwrap();
    assert_eq!(x.input, d("6"));
    assert_eq!(x.cache_read, Some(d("0.6")));
    assert_eq!(x.cache_write, Some(d("7.5")));
    assert_eq!(x.cache_write_1h, Some(d("12")));
    // 22.5 / 15 = 1.5 exactly: reasoning 30 -> 45
    assert_eq!(x.reasoning, d("45"));
    // Not long: the short rates.
    assert_eq!(r.rates(false, false).unwrap().cache_write_1h, Some(d("6")));
}

#[test]
fn threshold_without_long_input_is_a_load_error() {
    let (_, f) = book("provider,model,effective_from,input_per_mtok,output_per_mtok,long_context_threshold\np,m,2025-01-01,3,15,200000\n");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].column.as_deref(), Some("long_input_per_mtok"));
}

#[test]
fn rfc3339_effective_from() {
    assert_eq!(
        parse_effective_from("2025-06-10T12:00:00+02:00").unwrap(),
        parse_timestamp_us("2025-06-10T10:00:00Z").unwrap()
    );
    assert_eq!(
        parse_effective_from("2025-06-10").unwrap(),
        parse_timestamp_us("2025-06-10T00:00:00Z").unwrap()
    );
}
