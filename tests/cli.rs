//! Integration tests: run the real `tokenledger` binary on fixtures whose expected values were
//! worked out by hand (the arithmetic is in the comments).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(p: &str) -> String {
    root().join("tests/data").join(p).display().to_string()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_tokenledger"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tokenledger");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Out {
    run_in(&root(), args)
}

/// `report` on the basic fixture with the test price book, plus extra args.
fn basic(extra: &[&str]) -> Out {
    let logs = fixture("logs/basic.csv");
    let pricing = fixture("pricing/test.csv");
    let mut args = vec!["report", "--logs", &logs, "--pricing", &pricing];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(out: &Out) -> Value {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn row<'a>(v: &'a Value, key: &str, value: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key}={value} in {v:#}"))
}

// Expected costs of tests/data/logs/basic.csv, by hand (prices per million tokens):
//   r1 2025-06-09T23:59:59Z o3, old price 10/40:   1,000,000*10 + 100,000*40            = $14
//   r2 2025-06-10T00:00:00Z o3, new price 2/8/0.5: 800,000*2 + 200,000*0.5 + 100,000*8 = $2.5
//   r3 sonnet 3/15, cache read 0.3, write 3.75: 4,000*3 + 4,000*0.3 + 2,000*3.75 + 2,000*15
//      = 12,000 + 1,200 + 7,500 + 30,000 = 50,700 -> $0.0507 (its second line is a duplicate)
//   r5 together 0.88 (no cache price: cached tokens at the input rate): 60,000*0.88 -> $0.0528
//   r6 429 with no tokens: $0, failed
//   r7 500 with tokens (billed): 3,000*3 + 500*15 = 16,500 -> $0.0165, failed
//   r8 2025-07-01T02:00Z together: 1,000,000*0.88 = $0.88 (June 30 in New York)
//   r9 mistral: not in the book -> unpriced; r10 sonnet on 2025-05-01, before its first price
//   lines 12-15: rejected (timestamp, negative input, cache > input, missing model)
// June: 14 + 2.5 + 0.0507 + 0.0528 + 0.0165 = 16.62; July: 0.88; total 17.50.

#[test]
fn basic_fixture_totals_by_month() {
    let v = json(&basic(&["--format", "json", "--by", "month"]));
    assert_eq!(v["total"]["cost_usd"], "17.5");
    assert_eq!(v["total"]["requests"], 9);
    assert_eq!(v["total"]["failed_requests"], 2);
    assert_eq!(v["total"]["unpriced_requests"], 2);
    assert_eq!(v["total"]["input_tokens"], 3_065_000);
    assert_eq!(v["total"]["output_tokens"], 212_700);
    assert_eq!(v["total"]["cache_read_tokens"], 224_000);
    assert_eq!(v["total"]["cache_write_tokens"], 2_000);
    assert_eq!(row(&v, "month", "2025-06")["cost_usd"], "16.62");
    assert_eq!(row(&v, "month", "2025-07")["cost_usd"], "0.88");
    assert_eq!(row(&v, "month", "2025-05")["cost_usd"], "0");
    assert_eq!(row(&v, "month", "2025-05")["unpriced_requests"], 1);
}

#[test]
fn price_in_force_one_second_before_and_at_effective_from() {
    let v = json(&basic(&["--format", "json", "--by", "day,model"]));
    let o3 = |day: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["day"] == day && r["model"] == "o3")
            .unwrap()["cost_usd"]
            .clone()
    };
    assert_eq!(o3("2025-06-09"), "14");
    assert_eq!(o3("2025-06-10"), "2.5");
    let used = v["pricing"]["versions_used"].as_array().unwrap();
    assert!(used.contains(&Value::from("openai/o3@2025-04-16")));
    assert!(used.contains(&Value::from("openai/o3@2025-06-10")));
}

#[test]
fn tz_moves_a_request_across_the_month_boundary() {
    let v = json(&basic(&[
        "--format",
        "json",
        "--by",
        "month",
        "--tz",
        "America/New_York",
    ]));
    // r8 (2025-07-01T02:00Z) is June 30 22:00 in New York; r10 (2025-05-01T00:00Z) is April 30.
    assert_eq!(row(&v, "month", "2025-06")["cost_usd"], "17.5");
    assert_eq!(row(&v, "month", "2025-04")["unpriced_requests"], 1);
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["month"] != "2025-07"));
    assert_eq!(v["total"]["cost_usd"], "17.5");
}

#[test]
fn month_filter_counts_rows_outside_the_period() {
    let v = json(&basic(&["--format", "json", "--month", "2025-06"]));
    assert_eq!(v["total"]["cost_usd"], "16.62");
    let a = &v["accounting"];
    assert_eq!(a["outside_period"], 2);
    assert_eq!(a["rows_read"], 14);
    assert_eq!(v["period"]["from"], "2025-06-01T00:00:00Z");
    assert_eq!(v["period"]["to"], "2025-07-01T00:00:00Z");
    // The same month given as an exclusive --from/--to range.
    let w = json(&basic(&[
        "--format",
        "json",
        "--from",
        "2025-06-01",
        "--to",
        "2025-07-01",
    ]));
    assert_eq!(w["total"], v["total"]);
}

#[test]
fn accounting_adds_up_and_names_every_category() {
    let v = json(&basic(&["--format", "json"]));
    let a = &v["accounting"];
    assert_eq!(a["rows_read"], 14);
    assert_eq!(a["priced"], 5);
    assert_eq!(a["failed"], 2);
    assert_eq!(a["unpriced"], 2);
    assert_eq!(a["duplicates"], 1);
    assert_eq!(a["rejected"], 4);
    assert_eq!(a["outside_period"], 0);
}

#[test]
fn rejected_rows_name_file_line_and_field() {
    let out = basic(&["--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let f = fixture("logs/basic.csv");
    for expected in [
        format!("{f}:12: timestamp: cannot parse \"not-a-time\""),
        format!("{f}:13: input_tokens: negative value \"-5\""),
        format!("{f}:14: cache_read_tokens: cache_read_tokens + cache_write_tokens (10 + 0) exceed input_tokens (5)"),
        format!("{f}:15: model: missing value"),
    ] {
        assert!(out.stderr.contains(&expected), "missing {expected:?} in stderr:\n{}", out.stderr);
    }
    let v = json(&basic(&["--format", "json"]));
    assert_eq!(v["rejections"][0]["line"], 12);
    assert_eq!(v["rejections"][0]["field"], "timestamp");
}

#[test]
fn unpriced_usage_is_loud_and_strict_fails() {
    let out = basic(&[]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains(
            "UNPRICED mistral/mistral-large: 1 requests, 1,000 input + 100 output tokens"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("UNPRICED anthropic/claude-sonnet-4: 1 requests"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("before its first price (effective from 2025-05-22)"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("UNPRICED usage"), "{}", out.stdout);
    let v = json(&basic(&["--format", "json"]));
    let unpriced = v["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 2);
    assert!(unpriced
        .iter()
        .any(|u| u["model"] == "mistral-large" && u["input_tokens"] == 1000));
    let md = basic(&["--format", "markdown"]);
    assert!(md.stdout.contains("## UNPRICED usage"), "{}", md.stdout);

    let strict = basic(&["--strict"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains("--strict: 4 rejected rows, 2 unpriced requests"),
        "{}",
        strict.stderr
    );
}

#[test]
fn cache_is_priced_at_its_own_rate_or_the_input_rate() {
    let v = json(&basic(&[
        "--format", "json", "--by", "provider", "--month", "2025-06",
    ]));
    // anthropic: r3 ($0.0507) + failed r7 ($0.0165) = 0.0672; together r5 = 0.0528 (cache at input rate).
    assert_eq!(row(&v, "provider", "anthropic")["cost_usd"], "0.0672");
    assert_eq!(row(&v, "provider", "together")["cost_usd"], "0.0528");
}

#[test]
fn failed_requests_are_counted_not_dropped() {
    let v = json(&basic(&["--format", "json", "--by", "status"]));
    assert_eq!(row(&v, "status", "429")["requests"], 1);
    assert_eq!(row(&v, "status", "429")["failed_requests"], 1);
    assert_eq!(row(&v, "status", "500")["cost_usd"], "0.0165");
    assert_eq!(row(&v, "status", "200")["failed_requests"], 0);
}

#[test]
fn user_project_and_extra_columns_are_dimensions() {
    let v = json(&basic(&[
        "--format",
        "json",
        "--by",
        "user,team",
        "--month",
        "2025-06",
    ]));
    let alice = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user"] == "alice")
        .unwrap();
    assert_eq!(alice["team"], "blue");
    assert_eq!(alice["cost_usd"], "16.5");
    let out = basic(&["--by", "nosuchcolumn"]);
    assert!(
        out.stderr
            .contains("no log row has a value in a column named \"nosuchcolumn\""),
        "{}",
        out.stderr
    );
}

#[test]
fn api_keys_are_fingerprinted_everywhere() {
    for format in ["table", "csv", "json", "markdown"] {
        let out = basic(&["--format", format, "--by", "api_key"]);
        assert_eq!(out.code, 0);
        assert!(
            !out.stdout.contains("sk-alice-000000000001"),
            "{format}: {}",
            out.stdout
        );
        assert!(out.stdout.contains("0001"), "{format}: {}", out.stdout);
    }
}

#[test]
fn csv_neutralises_formulas_from_the_logs() {
    let out = basic(&["--format", "csv", "--by", "project"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("'=cmd|' /C calc'!A0"), "{}", out.stdout);
    let header = out.stdout.lines().next().unwrap();
    assert_eq!(
        header,
        "project,requests,failed_requests,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced_requests,price_versions,priced_by"
    );
}

#[test]
fn table_total_line_and_accounting_line() {
    let out = basic(&["--by", "month"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("$17.50"), "{}", out.stdout);
    assert!(out.stdout.contains("$16.62"), "{}", out.stdout);
    assert!(out.stdout.contains(
        "rows read 14 = priced 5 + unpriced 2 + failed 2 + duplicates 1 + rejected 4 + outside period 0"
    ));
}

#[test]
fn exit_codes_for_usage_and_data_errors() {
    assert_eq!(basic(&["--tz", "Mars/Olympus"]).code, 2);
    assert_eq!(basic(&["--month", "2025-13"]).code, 2);
    assert_eq!(basic(&["--format", "xml"]).code, 2);
    assert_eq!(basic(&["--by", "input_tokens"]).code, 2);
    assert_eq!(run(&["report", "--logs", "/nonexistent/logs"]).code, 2);
    let bad = run(&[
        "report",
        "--logs",
        &fixture("logs"),
        "--pricing",
        &fixture("bad-pricing"),
    ]);
    assert_eq!(bad.code, 1);
    let p = fixture("bad-pricing/broken.csv");
    for expected in [
        format!("{p}:3: error: duplicate price version openai/o3@2025-04-16 (also at {p}:2)"),
        format!("{p}:4: error: effective_from:"),
        format!("{p}:5: error: input_per_mtok: negative price -1"),
        format!("{p}:5: error: output_per_mtok: \"abc\" is not a decimal number"),
    ] {
        assert!(
            bad.stderr.contains(&expected),
            "missing {expected:?} in:\n{}",
            bad.stderr
        );
    }
}

#[test]
fn jsonl_and_gzip_read_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    // The first seven rows of basic.csv, as JSONL with numbers and strings mixed, gzipped.
    let jsonl = r#"{"timestamp":"2025-06-09T23:59:59Z","provider":"openai","model":"o3","input_tokens":1000000,"output_tokens":100000,"reasoning_tokens":50000,"request_id":"r1"}
{"timestamp":"2025-06-10T02:00:00+02:00","provider":"openai","model":"o3","input_tokens":"1000000","output_tokens":100000,"cache_read_tokens":200000,"request_id":"r2"}

{"timestamp":"2025-06-15 12:00:00","provider":"anthropic","model":"claude-sonnet-4","input_tokens":10000,"output_tokens":2000,"cache_read_tokens":4000,"cache_write_tokens":2000,"request_id":"r3"}
{"timestamp":"2025-06-15T12:00:00Z","provider":"anthropic","model":"claude-sonnet-4","input_tokens":10000,"output_tokens":2000,"cache_read_tokens":4000,"cache_write_tokens":2000,"request_id":"r3"}
{"timestamp":"2025-06-20T08:00:00Z","provider":"together","model":"llama-3.3-70b","input_tokens":50000,"output_tokens":10000,"cache_read_tokens":20000,"request_id":"r5"}
{"timestamp":"2025-06-21T09:00:00Z","provider":"openai","model":"o3","input_tokens":0,"output_tokens":0,"status":429}
{"timestamp":"2025-06-21T09:00:01Z","provider":"anthropic","model":"claude-sonnet-4","input_tokens":3000,"output_tokens":500,"status":"500"}
not json
{"timestamp":"2025-06-21T09:00:01Z","provider":"anthropic","model":["x"],"input_tokens":3000,"output_tokens":500}
"#;
    let path = dir.path().join("logs.jsonl.gz");
    let f = std::fs::File::create(&path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    std::io::Write::write_all(&mut gz, jsonl.as_bytes()).unwrap();
    gz.finish().unwrap();
    let out = run(&[
        "report",
        "--logs",
        dir.path().to_str().unwrap(),
        "--pricing",
        &fixture("pricing/test.csv"),
        "--format",
        "json",
    ]);
    let v = json(&out);
    // 14 + 2.5 + 0.0507 + 0.0528 + 0.0165 (see the top of this file)
    assert_eq!(v["total"]["cost_usd"], "16.62");
    assert_eq!(v["accounting"]["duplicates"], 1);
    assert_eq!(v["accounting"]["rejected"], 2);
    assert_eq!(v["accounting"]["rows_read"], 9);
    let p = path.display().to_string();
    assert!(
        out.stderr.contains(&format!("{p}:9: row: invalid JSON")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("{p}:10: model: expected a string")),
        "{}",
        out.stderr
    );
}

#[test]
fn parquet_reads_like_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "timestamp" => ["2025-06-09T23:59:59Z", "2025-06-10T00:00:00Z", "2025-06-20T08:00:00Z"],
        "provider" => ["openai", "openai", "together"],
        "model" => ["o3", "o3", "llama-3.3-70b"],
        "input_tokens" => [1_000_000i64, 1_000_000, 50_000],
        "output_tokens" => [100_000i64, 100_000, 10_000],
        "cache_read_tokens" => [Some(0i64), Some(200_000), None],
    )
    .unwrap();
    let path = dir.path().join("usage.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let v = json(&run(&[
        "report",
        "--logs",
        path.to_str().unwrap(),
        "--pricing",
        &fixture("pricing/test.csv"),
        "--format",
        "json",
    ]));
    // 14 + 2.5 + 60,000*0.88/1e6 = 16.5528
    assert_eq!(v["total"]["cost_usd"], "16.5528");
}

#[test]
fn same_input_gives_byte_identical_output() {
    let a = basic(&["--format", "json", "--by", "day,provider,model,user"]);
    let b = basic(&["--format", "json", "--by", "day,provider,model,user"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn output_file_option_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("r.csv");
    let out = basic(&["--format", "csv", "--output", out_path.to_str().unwrap()]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(out_path).unwrap();
    assert!(text.starts_with("month,provider,model,requests"), "{text}");
}

/// The bundled sample, priced with the bundled book. Expected values come from
/// tests/independent/price_sample.py, a separate Python implementation of the pricing rules
/// (decimal arithmetic, standard library only).
#[test]
fn bundled_sample_matches_the_independent_calculation() {
    let v = json(&run(&["report", "--format", "json", "--by", "month"]));
    assert_eq!(row(&v, "month", "2025-05")["cost_usd"], "9.785703895");
    assert_eq!(row(&v, "month", "2025-06")["cost_usd"], "9.643881615");
    assert_eq!(row(&v, "month", "2025-07")["cost_usd"], "8.296782175");
    assert_eq!(v["total"]["cost_usd"], "27.726367685");
    assert_eq!(v["total"]["requests"], 4700);
    assert_eq!(v["accounting"]["duplicates"], 21);
    assert_eq!(v["accounting"]["rows_read"], 4721);
    assert_eq!(v["total"]["unpriced_requests"], 0);
    assert!(v["pricing"]["files"].as_array().unwrap().len() >= 7);
}

#[test]
fn report_works_from_another_directory_with_explicit_paths() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            "report",
            "--logs",
            &root().join("data").display().to_string(),
            "--pricing",
            &root().join("pricing").display().to_string(),
            "--format",
            "csv",
            "--by",
            "month",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("2025-06,1700,80,"), "{}", out.stdout);
}

// ---- price rules (tests/data/pricing-rules, tests/data/logs-rules/rules.csv) ----
// By hand, USD per million tokens:
//   L1 claude-sonnet-4-5 (alias of -20250929), prompt 200,000 = threshold, not above: normal rates
//      200,000*3 + 1,000*15 = 615,000 -> $0.615
//   L2 prompt 200,001 > 200,000: the WHOLE request at long rates (a cliff, not a margin)
//      100,001*6 + 100,000*0.6 (long cache read) + 1,000*22.5 = 682,506 -> $0.682506
//   L3 cache writes: 10,000 of which 4,000 with 1-hour TTL; 10,000 uncached input
//      10,000*3 + 6,000*3.75 + 4,000*6 = 76,500 -> $0.0765
//   L4 Bedrock ARN -> us.anthropic.claude-sonnet-4-20250514-v1:0: 1,000*3 + 100*15 -> $0.0045
//   L5 Llama 3.3 in eu-west-1 (regional row 0.8): $0.8; L6 us-east-1 (no regional row, 0.72): $0.72
//   L7 reasoning at its own rate: 1,000*2 + 400*10 + 600*20 = 18,000 -> $0.018
// Total 2.916506.

fn rules(extra: &[&str]) -> Out {
    let logs = fixture("logs-rules/rules.csv");
    let pricing = fixture("pricing-rules");
    let mut args = vec![
        "report",
        "--logs",
        &logs,
        "--pricing",
        &pricing,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn long_context_is_a_cliff_and_cache_ttls_and_reasoning_have_their_rates() {
    let v = json(&rules(&["--by", "day,model"]));
    let cost = |day: &str, model: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["day"] == day && r["model"] == model)
            .unwrap_or_else(|| panic!("{day} {model} in {v:#}"))["cost_usd"]
            .clone()
    };
    // L1 + L2 + L3 share a day and, through the alias, one model row.
    assert_eq!(cost("2025-10-01", "claude-sonnet-4-5-20250929"), "1.374006");
    assert_eq!(
        cost("2025-10-02", "us.anthropic.claude-sonnet-4-20250514-v1:0"),
        "0.0045"
    );
    assert_eq!(cost("2025-10-03", "grok-think"), "0.018");
    assert_eq!(v["total"]["cost_usd"], "2.916506");
    assert_eq!(v["total"]["unpriced_requests"], 0);
}

#[test]
fn regional_rows_apply_to_their_region_only() {
    let v = json(&rules(&[
        "--by",
        "region",
        "--from",
        "2025-10-02T01:00:00Z",
        "--to",
        "2025-10-02T03:00:00Z",
    ]));
    assert_eq!(row(&v, "region", "eu-west-1")["cost_usd"], "0.8");
    assert_eq!(row(&v, "region", "us-east-1")["cost_usd"], "0.72");
}

#[test]
fn overlay_prices_win_while_in_force_and_are_reported() {
    let v = json(&rules(&[
        "--pricing-overlay",
        &fixture("overlay/contract.csv"),
    ]));
    // L5 and L6 at the contract's 0.5 instead of 0.8 and 0.72: 2.916506 - 1.52 + 1.0
    assert_eq!(v["total"]["cost_usd"], "2.396506");
    let files = v["pricing"]["files"].as_array().unwrap();
    assert!(files
        .iter()
        .any(|f| f["overlay"] == true && f["path"].as_str().unwrap().ends_with("contract.csv")));
    let used = v["pricing"]["versions_used"].as_array().unwrap();
    assert!(
        used.contains(&Value::from(
            "overlay:aws-bedrock/meta.llama3-3-70b-instruct-v1:0@2025-10-01"
        )),
        "{used:?}"
    );
    let table = run(&[
        "report",
        "--logs",
        &fixture("logs-rules/rules.csv"),
        "--pricing",
        &fixture("pricing-rules"),
        "--pricing-overlay",
        &fixture("overlay/contract.csv"),
    ]);
    assert!(table.stdout.contains("price overlay:"), "{}", table.stdout);
}

#[test]
fn the_built_in_book_prices_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("usage.csv"),
        "timestamp,provider,model,input_tokens,output_tokens\n2025-06-10T00:00:00Z,openai,o3,1000000,1000000\n2025-06-09T00:00:00Z,openai,o3,1000000,1000000\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["report", "--logs", "usage.csv", "--format", "json"],
    );
    let v = json(&out);
    // o3: $2 + $8 after the 2025-06-10 cut, $10 + $40 before it.
    assert_eq!(v["total"]["cost_usd"], "60");
    assert!(v["pricing"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .starts_with("embedded:pricing/"));
}

#[test]
fn prices_list_at_a_date_filters_and_formats() {
    let out = run(&[
        "prices",
        "list",
        "--pricing",
        &fixture("pricing-rules"),
        "--provider",
        "aws-bedrock",
        "--at",
        "2025-06-01",
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("provider,model,region,service_tier,effective_from,input_per_mtok"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(lines
        .iter()
        .any(|l| l.contains("meta.llama3-3-70b-instruct-v1:0,eu-west-1,,2024-12-19,0.8,0.8")));
    // Before the Sonnet 4 launch, only the Llama rows are in force.
    let early = run(&[
        "prices",
        "list",
        "--pricing",
        &fixture("pricing-rules"),
        "--at",
        "2025-01-01",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&early.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3, "{v:#}");
    let by_canonical = run(&[
        "prices",
        "list",
        "--canonical",
        "llama-3.3-70b-instruct",
        "--at",
        "2025-07-01",
        "--format",
        "csv",
    ]);
    let providers: std::collections::BTreeSet<&str> = by_canonical
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(providers.len() >= 5, "{providers:?}");
}

#[test]
fn prices_history_shows_every_version_across_providers() {
    let out = run(&["prices", "history", "o3", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let openai: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        // `o3` is an alias of the one snapshot; standard tier only (flex and priority rows too).
        .filter(|r| {
            r["provider"] == "openai"
                && r["model"] == "o3-2025-04-16"
                && r["service_tier"].is_null()
        })
        .map(|r| {
            (
                r["effective_from"].as_str().unwrap(),
                r["input_per_mtok"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(openai, vec![("2025-04-16", "10"), ("2025-06-10", "2")]);
    assert_eq!(run(&["prices", "history", "no-such-model"]).code, 2);
}

#[test]
fn prices_validate_lists_every_finding() {
    let ok = run(&["prices", "validate", "pricing"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stderr.contains("0 error(s)"), "{}", ok.stderr);
    let bad = run(&["prices", "validate", &fixture("bad-pricing")]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("4 error(s)"), "{}", bad.stderr);
    let warn = run(&[
        "prices",
        "validate",
        &fixture("suspicious"),
        "--format",
        "csv",
    ]);
    assert_eq!(warn.code, 0, "{}", warn.stderr);
    for expected in [
        "warning,",
        "tier,\"unknown column, ignored\"",
        "input_per_mtok,\"$5000 per million tokens looks like a unit error (above $1,000)\"",
        "input $14.1 is more than 5x output $0.35 (swapped?)",
        "canonical_model,openai/no-canonical@2025-01-01 has no canonical model",
        "input_per_mtok,$0.0000005 per million tokens looks like a unit error (below $0.001)",
        "cache read $3 is above input $0.0000005",
    ] {
        assert!(
            warn.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            warn.stdout
        );
    }
}

#[test]
fn import_litellm_writes_only_changed_and_new_prices() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("import.csv");
    let out = run(&[
        "prices",
        "import-litellm",
        &fixture("litellm/mini.json"),
        "--effective-from",
        "2026-07-24",
        "--pricing",
        &fixture("pricing-rules"),
        "--output",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&out_path).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // Unchanged: sonnet 4.5 (3/15/0.3/3.75) and Bedrock Llama 3.3 (0.72). Changed: Bedrock
    // eu-west-1 0.8 -> 0.78. New: groq llama-3.3-70b-versatile. Skipped: novita (not mapped),
    // embeddings, sample_spec. Anomaly: Azure Maverick with input/output swapped.
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter().any(|r| r
            .starts_with("aws-bedrock,meta.llama3-3-70b-instruct-v1:0,2026-07-24,0.78,0.78,")
            && r.contains(",llama-3.3-70b-instruct,eu-west-1,")),
        "{text}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("groq,llama-3.3-70b-versatile,2026-07-24,0.59,0.79,")),
        "{text}"
    );
    assert!(
        out.stderr
            .contains("1 changed prices, 1 new models, 2 unchanged"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("anomaly azure_ai/Llama-4-Maverick-17B-128E-Instruct-FP8: input $1.41 is above output $0.35 (swapped?)"), "{}", out.stderr);
    // The output is itself a valid price file that extends the book.
    let check = run(&[
        "prices",
        "validate",
        &fixture("pricing-rules/book.csv"),
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

#[test]
fn every_row_names_the_price_versions_that_priced_it() {
    let v = json(&basic(&[
        "--format",
        "json",
        "--by",
        "month,model",
        "--month",
        "2025-06",
    ]));
    let o3 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "o3")
        .unwrap();
    assert_eq!(
        o3["price_versions"],
        serde_json::json!(["openai/o3@2025-04-16", "openai/o3@2025-06-10"])
    );
    let csv = basic(&["--format", "csv", "--by", "model", "--month", "2025-06"]);
    assert!(
        csv.stdout.lines().any(|l| l.starts_with("o3,")
            && l.ends_with(",openai/o3@2025-04-16 openai/o3@2025-06-10,curated")),
        "{}",
        csv.stdout
    );
}

#[test]
fn prices_diff_lists_added_removed_and_repriced_versions() {
    let dir = tempfile::tempdir().unwrap();
    let h = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,canonical_model\n";
    std::fs::write(
        dir.path().join("old.csv"),
        format!("{h}openai,o3,2025-04-16,10,40,2.5,o3\nopenai,gone,2025-01-01,1,1,,gone\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.csv"),
        format!("{h}openai,o3,2025-04-16,2,8,0.5,o3\nopenai,fresh,2025-01-01,1,4,,fresh\n"),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["prices", "diff", "old.csv", "new.csv", "--format", "csv"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(
        lines.contains(&"added,openai,fresh,,2025-01-01,,1,,,4,,"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"removed,openai,gone,,2025-01-01,1,,,1,,,"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"repriced,openai,o3,,2025-04-16,10,2,-80,40,8,-80,cache_read 2.5 -> 0.5"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("1 added, 1 removed, 1 repriced"));
    let same = run(&["prices", "diff", "builtin", "pricing", "--format", "csv"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert_eq!(
        same.stdout.lines().count(),
        1,
        "the built-in book is the pricing folder: {}",
        same.stdout
    );
}

#[test]
fn a_broken_litellm_file_fails_without_touching_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"gpt-4o\": {\"input_cost_per_token\": ").unwrap();
    let target = dir.path().join("table.csv");
    std::fs::write(&target, "keep me\n").unwrap();
    let out = run(&[
        "prices",
        "import-litellm",
        bad.to_str().unwrap(),
        "--effective-from",
        "2026-07-24",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("not valid JSON"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
}

/// Writes `text` to a file in a fresh temp dir and runs `report` on it with the test book.
fn report_text(name: &str, text: &[u8], extra: &[&str]) -> (Out, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let p = path.display().to_string();
    let pricing = fixture("pricing/test.csv");
    let mut args = vec!["report", "--logs", &p, "--pricing", &pricing];
    args.extend_from_slice(extra);
    let out = run(&args);
    drop(dir);
    (out, p)
}

#[test]
fn line_numbers_survive_crlf_and_blank_lines() {
    let text = b"timestamp,provider,model,input_tokens,output_tokens\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,1,1\r\n\r\n\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,-1,1\r\n";
    let (out, p) = report_text("crlf.csv", text, &["--format", "csv"]);
    assert!(
        out.stderr
            .contains(&format!("{p}:5: input_tokens: negative value")),
        "{}",
        out.stderr
    );
}

#[test]
fn an_invalid_utf8_line_is_rejected_and_the_rest_is_read() {
    let text = b"{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"together\",\"model\":\"llama-3.3-70b\",\"input_tokens\":1000000,\"output_tokens\":0}\n{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"together\",\"model\":\"x\xff\",\"input_tokens\":1,\"output_tokens\":0}\n{\"timestamp\":\"2025-06-21T00:00:00Z\",\"provider\":\"together\",\"model\":\"llama-3.3-70b\",\"input_tokens\":1000000,\"output_tokens\":0}\n";
    let (out, p) = report_text("u.jsonl", text, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{p}:2: row: not valid UTF-8")),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["total"]["cost_usd"], "1.76");
    assert_eq!(v["accounting"]["rejected"], 1);
}

#[test]
fn control_characters_from_logs_never_reach_the_terminal() {
    let text = b"timestamp,provider,model,input_tokens,output_tokens,user\n2025-06-20T00:00:00Z,together,llama-3.3-70b,1,1,\x1b]0;pwned\x07\x1b[2J\n";
    let (out, _) = report_text("esc.csv", text, &["--by", "user"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert!(out.stdout.contains("\u{fffd}]0;pwned"), "{}", out.stdout);
}

#[test]
fn csv_into_a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenledger"))
        .args([
            "report",
            "--format",
            "csv",
            "--by",
            "day,provider,model,user,project",
        ])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
}

#[test]
fn import_keeps_the_rates_litellm_does_not_carry() {
    let dir = tempfile::tempdir().unwrap();
    let ll = dir.path().join("ll.json");
    std::fs::write(
        &ll,
        r#"{"claude-sonnet-4-5": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05}}"#,
    )
    .unwrap();
    let out = run(&[
        "prices",
        "import-litellm",
        ll.to_str().unwrap(),
        "--effective-from",
        "2026-01-01",
        "--pricing",
        &fixture("pricing-rules"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    // The alias resolves to the dated id; the new version keeps cache, 1-hour, batch and
    // long-context rates of the version it follows.
    assert_eq!(
        rows,
        vec!["anthropic,claude-sonnet-4-5-20250929,2026-01-01,2.5,15,0.3,3.75,6,,1.5,7.5,200000,6,22.5,0.6,7.5,claude-sonnet-4.5,,USD,LiteLLM model_prices_and_context_window.json (ll.json) key claude-sonnet-4-5,,,,,"],
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("input 3 -> 2.5"), "{}", out.stderr);
}

// ---- native log formats (tests/data/native/, priced with tests/data/native/pricing) ----

fn native(path: &str, extra: &[&str]) -> Value {
    let logs = fixture(&format!("native/{path}"));
    let pricing = fixture("native/pricing");
    let mut args = vec![
        "report",
        "--logs",
        &logs,
        "--pricing",
        &pricing,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    json(&run(&args))
}

fn totals(v: &Value) -> (u64, u64, u64, u64, u64) {
    let t = &v["total"];
    let n = |k: &str| t[k].as_u64().unwrap();
    (
        n("requests"),
        n("input_tokens"),
        n("cache_read_tokens"),
        n("cache_write_tokens"),
        n("output_tokens"),
    )
}

#[test]
fn bedrock_invocation_logs() {
    // r-1: input 1,000 + cache read 2,000 + cache write 500 (Bedrock input excludes cache) = 3,500,
    //      output 300; its second copy is a duplicate. r-3: guardrail-blocked, no counts. r-4:
    //      throttled (429), no counts. r-5: Llama 1,000,000 in. r-6 (inside a CloudWatch
    //      "@message"): 100 in, 10 out. Last line: not JSON, rejected.
    // Cost: r-1 1,000*3 + 2,000*0.3 + 500*3.75 + 300*15 = 9,975 -> 0.009975; r-5 0.72;
    //       r-6 100*3 + 10*15 = 450 -> 0.00045. Total 0.730425.
    let v = native("bedrock/invocations.jsonl", &["--by", "model,outcome"]);
    assert_eq!(totals(&v), (5, 1_003_600, 2_000, 500, 310));
    assert_eq!(v["total"]["cost_usd"], "0.730425");
    assert_eq!(v["total"]["failed_requests"], 1);
    assert_eq!(v["accounting"]["duplicates"], 1);
    assert_eq!(v["accounting"]["rejected"], 1);
    // The ARN was reduced to its profile id, keeping the us. prefix.
    let blocked = row(&v, "outcome", "guardrail_blocked");
    assert_eq!(
        blocked["model"],
        "us.anthropic.claude-sonnet-4-20250514-v1:0"
    );
    assert_eq!(blocked["requests"], 1);
    let by_project = native(
        "bedrock/invocations.jsonl",
        &["--by", "project,team,inference_region,status"],
    );
    let r1 = row(&by_project, "project", "search");
    assert_eq!(
        (r1["team"].clone(), r1["inference_region"].clone()),
        (Value::from("blue"), Value::from("us-west-2"))
    );
    assert_eq!(row(&by_project, "status", "429")["failed_requests"], 1);
}

#[test]
fn openai_usage_buckets_and_api_bodies() {
    // Page: gpt-4o 1,000,000 in (200,000 cached), 100,000 out, 50 requests; o3 batch 10,000 in,
    // 5,000 out, 3 requests; an empty bucket; a result without model (1 request, 5 + 5).
    // Bodies: chat completion 1,000 in (500 cached) 200 out; Responses o3 2,000 in, 1,000 out
    // (600 reasoning).
    // Cost: 800,000*2.5 + 200,000*1.25 + 100,000*10 = 3.25; o3 10,000*2 + 5,000*8 = 0.06 (no
    // batch rate in the fixture book); 500*2.5 + 500*1.25 + 200*10 = 0.003875; 2,000*2 + 1,000*8
    // = 0.012. Total 3.325875.
    let v = native("openai", &["--by", "model"]);
    assert_eq!(totals(&v), (56, 1_013_005, 200_500, 0, 106_205));
    assert_eq!(v["total"]["cost_usd"], "3.325875");
    assert_eq!(v["total"]["reasoning_tokens"], 600);
    assert_eq!(
        row(&v, "model", "(model not grouped)")["unpriced_requests"],
        1
    );
    let by_key = native("openai/usage-page.json", &["--by", "project,api_key,batch"]);
    let a = row(&by_key, "batch", "false");
    assert_eq!(a["project"], "proj_a");
    assert!(a["api_key"].as_str().unwrap().starts_with("…5678#"), "{a}");
}

#[test]
fn anthropic_responses_and_usage_report() {
    // msg_1: 100 uncached + 3,000 cache write (1,000 5-minute, 2,000 1-hour) + 20,000 cache read
    //        = 23,100 in, 500 out: 100*3 + 20,000*0.3 + 1,000*3.75 + 2,000*6 + 500*15 = 0.02955
    // msg_2: 50 in, 10 out: 0.0001. msg_3: no timestamp -> rejected.
    // Report: 1,000 uncached + 400 write + 600 read = 2,000 in, 100 out (requests not counted):
    //        1,000*1 + 600*0.1 + 400*1.25 + 100*5 = 0.00206.
    let v = native("anthropic", &[]);
    assert_eq!(totals(&v), (2, 25_150, 20_600, 3_400, 610));
    assert_eq!(v["total"]["cost_usd"], "0.03171");
    assert_eq!(v["accounting"]["rejected"], 1);
    assert!(v["rejections"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("no timestamp"));
}

#[test]
fn claude_code_folder_dedupes_lines_and_subagents() {
    // msg_A twice (provisional output 5, final 300): keep 300; 10 + 1,000 write + 5,000 read.
    // msg_S in a progress line (output 7), a smaller progress copy, and the subagent file: once.
    // msg_B has no "type" and still counts (1 in, 1 out). msg_T only in the subagent file (30, 3).
    // The <synthetic> line is not usage; the last line of the session is broken JSON.
    // Cost: msg_A 10*3 + 5,000*0.3 + 1,000*3.75 + 300*15 = 0.00978; msg_S 20 + 35 = 0.000055;
    //       msg_B 3 + 15 = 0.000018; msg_T 30 + 15 = 0.000045. Total 0.009898.
    let v = native("claude", &["--by", "project,session,model"]);
    assert_eq!(totals(&v), (4, 6_061, 5_000, 1_000, 311));
    assert_eq!(v["total"]["cost_usd"], "0.009898");
    assert_eq!(v["accounting"]["rejected"], 1);
    let haiku = row(&v, "model", "claude-haiku-4-5-20251001");
    assert_eq!(
        (haiku["project"].clone(), haiku["session"].clone()),
        (Value::from("-home-dev-app"), Value::from("sess-1"))
    );
    assert_eq!(haiku["requests"], 2);
}

#[test]
fn litellm_spend_logs() {
    // l-1 groq 1,000 in 100 out: 0.000669 (its copy is a duplicate); l-3 Bedrock via LiteLLM:
    // 1,000 in of which 400 cache read and 100 cache write, 100 out: 500*3 + 400*0.3 + 100*3.75
    // + 100*15 = 0.003495; l-4 failure with error code 429; l-5 together 1,000,000 in: 0.88;
    // l-6 bad startTime: rejected. Total 0.884164.
    let v = native(
        "litellm/spend.csv",
        &["--by", "provider,status,user,project"],
    );
    assert_eq!(totals(&v), (4, 1_002_000, 400, 100, 200));
    assert_eq!(v["total"]["cost_usd"], "0.884164");
    assert_eq!(v["accounting"]["duplicates"], 1);
    assert_eq!(v["accounting"]["rejected"], 1);
    assert_eq!(row(&v, "status", "429")["failed_requests"], 1);
    assert_eq!(row(&v, "provider", "together")["project"], "team-a");
    assert_eq!(row(&v, "provider", "aws-bedrock")["user"], "bob");
}

#[test]
fn otel_genai_spans() {
    // s1 Bedrock Llama 1,000,000 in + 1,000,000 out: 1.44; s2 (gen_ai.system openai) 1,000 in
    // (400 cache read) + 100 out: 600*2.5 + 400*1.25 + 100*10 = 0.003; s3 is an HTTP span (not
    // usage); s4 failed with HTTP 529. Total 1.443.
    let v = native(
        "otel/traces.json",
        &["--by", "provider,status,service.name"],
    );
    assert_eq!(totals(&v), (3, 1_001_000, 400, 0, 1_000_100));
    assert_eq!(v["total"]["cost_usd"], "1.443");
    assert_eq!(row(&v, "status", "529")["failed_requests"], 1);
    assert_eq!(
        row(&v, "provider", "aws-bedrock")["service.name"],
        "chatbot"
    );
}

#[test]
fn auto_detection_reads_every_native_format_in_one_run() {
    // All fixtures in one run: requests add up (5 + 56 + 2 + 4 + 4 + 3), as do rejections.
    let dirs: Vec<String> = [
        "bedrock",
        "openai",
        "anthropic",
        "claude",
        "litellm",
        "otel",
    ]
    .iter()
    .map(|d| fixture(&format!("native/{d}")))
    .collect();
    let pricing = fixture("native/pricing");
    let mut args = vec!["report", "--pricing", &pricing, "--format", "json"];
    for d in &dirs {
        args.extend(["--logs", d.as_str()]);
    }
    let v = json(&run(&args));
    assert_eq!(v["total"]["requests"], 74, "{:#}", v["accounting"]);
    assert_eq!(v["accounting"]["rejected"], 4); // bedrock, anthropic, claude, litellm: 1 each
    assert_eq!(v["accounting"]["duplicates"], 2);
}

#[test]
fn a_file_in_no_known_format_is_named_with_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mystery.json"), "{\"hello\": \"world\"}\n").unwrap();
    let out = run(&["report", "--logs", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("mystery.json: not a recognised log format"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--log-format"), "{}", out.stderr);
    let forced = run(&[
        "report",
        "--logs",
        dir.path().to_str().unwrap(),
        "--log-format",
        "bedrock",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&forced.stdout).unwrap();
    assert_eq!(v["accounting"]["rejected"], 1, "{}", forced.stderr);
}

#[test]
fn convert_round_trips_through_every_writable_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let conv = |logs: &str, to: &str, out: &str| {
        let o = run(&["convert", "--logs", logs, "--to", to, "--output", out]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        o
    };
    // From the basic fixture (its 4 bad rows are rejected and reported) and the bundled sample.
    let first = conv(&fixture("logs/basic.csv"), "csv", &p("a.csv"));
    assert!(
        first.stderr.contains("wrote 10 rows") && first.stderr.contains("4 rows rejected"),
        "{}",
        first.stderr
    );
    conv(
        &root().join("data").display().to_string(),
        "csv",
        &p("sample.csv"),
    );
    for (src, base) in [("a.csv", "a"), ("sample.csv", "sample")] {
        for to in ["jsonl", "parquet", "csv"] {
            let mid = p(&format!("{base}-mid.{to}"));
            conv(&p(src), to, &mid);
            let back = p(&format!("{base}-back-{to}.csv"));
            conv(&mid, "csv", &back);
            assert_eq!(
                std::fs::read_to_string(p(src)).unwrap(),
                std::fs::read_to_string(&back).unwrap(),
                "{src} -> {to} -> csv changed the data"
            );
        }
    }
    // The converted sample gives the same report as the original files.
    let original = json(&run(&[
        "report",
        "--format",
        "json",
        "--by",
        "month,provider,model,user,project,api_key,region",
    ]));
    let converted = json(&run(&[
        "report",
        "--logs",
        &p("sample-mid.parquet"),
        "--format",
        "json",
        "--by",
        "month,provider,model,user,project,api_key,region",
    ]));
    assert_eq!(original["rows"], converted["rows"]);
    assert_eq!(original["total"], converted["total"]);
    // Extra columns survive (basic.csv has "team").
    let header = std::fs::read_to_string(p("a.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        header.ends_with(",long_context,service_tier,team"),
        "{header}"
    );
}

#[test]
fn convert_native_logs_to_canonical() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("claude.csv");
    let o = run(&[
        "convert",
        "--logs",
        &fixture("native/claude"),
        "--to",
        "csv",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",long_context,service_tier,session"),
        "{text}"
    );
    // The canonical file prices exactly like the transcripts.
    let v = json(&run(&[
        "report",
        "--logs",
        out.to_str().unwrap(),
        "--pricing",
        &fixture("native/pricing"),
        "--format",
        "json",
    ]));
    assert_eq!(v["total"]["cost_usd"], "0.009898");
}

#[test]
fn claude_code_fast_mode_is_its_own_model_and_never_priced_as_normal() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("projects").join("p");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("s.jsonl"),
        "{\"type\":\"assistant\",\"sessionId\":\"s\",\"requestId\":\"r1\",\"timestamp\":\"2025-10-20T10:00:00Z\",\"message\":{\"id\":\"m1\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":100,\"output_tokens\":10,\"speed\":\"fast\"}}}\n",
    )
    .unwrap();
    let v = json(&run(&[
        "report",
        "--logs",
        dir.path().to_str().unwrap(),
        "--pricing",
        &fixture("native/pricing"),
        "--format",
        "json",
        "--by",
        "model",
    ]));
    assert_eq!(v["rows"][0]["model"], "claude-sonnet-4-5-20250929-fast");
    assert_eq!(v["total"]["unpriced_requests"], 1);
}

// ---- compare (tests/data/compare) ----
// Book: llama-3.3-70b-instruct on aws-bedrock 0.72/0.72, groq 0.59/0.79, together 0.88/0.88
// (no cache price: cached tokens at its input rate), vertex-ai from 2025-07-01 only;
// claude-sonnet-4 on anthropic only.
// Usage (June 2025): Bedrock Llama 1,000,000 in (400,000 cached) + 100,000 out; Anthropic
// Sonnet 10,000 in + 1,000 out.
//   actual: Bedrock 1,100,000 * 0.72 = 0.792; Anthropic 10,000*3 + 1,000*15 = 0.045
//   groq: 1,000,000*0.59 + 100,000*0.79 = 0.669; together 1,100,000*0.88 = 0.968
//   vertex-ai: not offered in June (first price 2025-07-01); Sonnet: offered only on anthropic.
fn compare_cmd(extra: &[&str]) -> Out {
    let logs = fixture("compare/usage.csv");
    let pricing = fixture("compare/book.csv");
    let mut args = vec!["compare", "--logs", &logs, "--pricing", &pricing];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn compare_reprices_on_every_provider_and_counts_what_is_not_offered() {
    let out = compare_cmd(&["--format", "json"]);
    let v = json(&out);
    let rows = v["rows"].as_array().unwrap();
    let get = |canonical: &str, target: &str| {
        rows.iter()
            .find(|r| r["canonical_model"] == canonical && r["target_provider"] == target)
            .unwrap_or_else(|| panic!("{canonical} on {target}"))
            .clone()
    };
    let groq = get("llama-3.3-70b-instruct", "groq");
    assert_eq!(groq["actual_provider"], "aws-bedrock");
    assert_eq!(groq["actual_cost_usd"], "0.792");
    assert_eq!(groq["target_cost_usd"], "0.669");
    assert_eq!(groq["saving_usd"], "0.123");
    assert_eq!(groq["offered"], "true");
    assert_eq!(
        get("llama-3.3-70b-instruct", "together")["target_cost_usd"],
        "0.968"
    );
    assert_eq!(
        get("llama-3.3-70b-instruct", "together")["saving_usd"],
        "-0.176"
    );
    let vertex = get("llama-3.3-70b-instruct", "vertex-ai");
    assert_eq!(vertex["offered"], "false");
    assert_eq!(vertex["target_cost_usd"], Value::Null);
    assert_eq!(vertex["not_offered_actual_cost_usd"], "0.792");
    // Identity: on its own provider the cost is report's cost.
    assert_eq!(
        get("llama-3.3-70b-instruct", "aws-bedrock")["target_cost_usd"],
        "0.792"
    );
    assert_eq!(
        get("claude-sonnet-4", "anthropic")["target_cost_usd"],
        "0.045"
    );
    assert_eq!(get("claude-sonnet-4", "groq")["offered"], "false");
    // Totals say how much could not be compared on each target.
    assert_eq!(v["totals"]["groq"]["not_offered_requests"], 1);
    assert_eq!(v["totals"]["groq"]["not_offered_actual_cost_usd"], "0.045");
    assert_eq!(v["totals"]["vertex-ai"]["not_offered_requests"], 2);
    assert_eq!(v["actual_cost_usd"], "0.837");
    let report = json(&run(&[
        "report",
        "--logs",
        &fixture("compare/usage.csv"),
        "--pricing",
        &fixture("compare/book.csv"),
        "--format",
        "json",
    ]));
    assert_eq!(report["total"]["cost_usd"], v["actual_cost_usd"]);
}

#[test]
fn compare_table_pivots_providers_and_names_the_cheapest() {
    let out = compare_cmd(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("llama-3.3-70b-instruct"))
        .unwrap();
    assert!(
        line.contains("not offered")
            && line.contains("groq")
            && line.contains("$0.123")
            && line.contains("15.53"),
        "{line}"
    );
    assert!(
        out.stdout.contains("not offered on vertex-ai: 2 requests"),
        "{}",
        out.stdout
    );
}

#[test]
fn compare_at_a_date_and_substitutes_are_marked() {
    // At 2025-07-15 vertex-ai offers Llama 3.3 at 0.72/0.72 like Bedrock.
    let v = json(&compare_cmd(&[
        "--format",
        "json",
        "--at",
        "2025-07-15",
        "--providers",
        "vertex-ai,groq",
    ]));
    let rows = v["rows"].as_array().unwrap();
    let vertex = rows
        .iter()
        .find(|r| {
            r["canonical_model"] == "llama-3.3-70b-instruct" && r["target_provider"] == "vertex-ai"
        })
        .unwrap();
    assert_eq!(vertex["target_cost_usd"], "0.792");
    let sub = compare_cmd(&[
        "--format",
        "csv",
        "--substitute",
        "claude-sonnet-4=llama-3.3-70b-instruct",
        "--providers",
        "groq",
    ]);
    assert_eq!(sub.code, 0, "{}", sub.stderr);
    assert!(sub.stderr.contains("ESTIMATE"), "{}", sub.stderr);
    // Sonnet usage re-priced as Llama 3.3 on groq: 10,000*0.59 + 1,000*0.79 = 0.00669
    let l = sub
        .stdout
        .lines()
        .find(|l| l.starts_with("claude-sonnet-4,"))
        .unwrap();
    assert!(l.contains(",0.00669,") && l.ends_with(",true"), "{l}");
    assert_eq!(compare_cmd(&["--substitute", "nonsense"]).code, 2);
    assert_eq!(compare_cmd(&["--providers", "nowhere"]).code, 2);
}

#[test]
fn focus_rows_multiply_out_and_sum_to_the_report_total() {
    use rust_decimal::Decimal;
    for extra in [vec![], vec!["--tz", "Europe/Berlin", "--month", "2025-06"]] {
        let mut args = vec!["report", "--format", "focus"];
        args.extend(extra.iter().copied());
        let out = run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let col = |name: &str| {
            h.iter()
                .position(|x| x == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        let (billed, list, unit, qty, consumed) = (
            col("BilledCost"),
            col("ListCost"),
            col("ListUnitPrice"),
            col("PricingQuantity"),
            col("ConsumedQuantity"),
        );
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut total = Decimal::ZERO;
        let mut n = 0;
        for rec in rdr.records() {
            let r = rec.unwrap();
            assert_eq!(
                d(&r[unit]) * d(&r[qty]),
                d(&r[list]),
                "ListUnitPrice x PricingQuantity != ListCost in {r:?}"
            );
            assert_eq!(d(&r[qty]) * Decimal::from(1_000_000), d(&r[consumed]));
            assert_eq!(&r[col("ServiceCategory")], "AI and Machine Learning");
            assert_eq!(&r[col("ChargeCategory")], "Usage");
            total += d(&r[billed]);
            n += 1;
        }
        assert!(n > 100);
        let mut rargs = vec!["report", "--format", "json"];
        rargs.extend(extra.iter().copied());
        let v = json(&run(&rargs));
        assert_eq!(
            total.normalize().to_string(),
            v["total"]["cost_usd"].as_str().unwrap(),
            "{extra:?}"
        );
    }
}

#[test]
fn focus_charge_periods_are_local_days_with_exclusive_ends() {
    let out = basic(&[
        "--format",
        "focus",
        "--tz",
        "Europe/Berlin",
        "--month",
        "2025-06",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    // r1 (2025-06-09T23:59:59Z) is June 10 in Berlin: charge period 2025-06-09T22:00Z..2025-06-10T22:00Z.
    let o3_input = rows
        .iter()
        .find(|r| r[c("SkuPriceId")].starts_with("openai/o3@2025-04-16#input"))
        .expect("an o3 input row at the old price");
    assert_eq!(&o3_input[c("ChargePeriodStart")], "2025-06-09T22:00:00Z");
    assert_eq!(&o3_input[c("ChargePeriodEnd")], "2025-06-10T22:00:00Z");
    assert_eq!(&o3_input[c("BillingPeriodStart")], "2025-05-31T22:00:00Z");
    assert_eq!(&o3_input[c("ListUnitPrice")], "10");
    assert_eq!(&o3_input[c("PricingQuantity")], "1");
    assert_eq!(&o3_input[c("PublisherName")], "OpenAI");
    assert_eq!(&o3_input[c("SubAccountId")], "search");
    assert!(
        o3_input[c("Tags")].contains("\"user\":\"alice\""),
        "{}",
        &o3_input[c("Tags")]
    );
    assert!(!out.stdout.contains("sk-alice-000000000001"));
    // The project written as a formula in the logs (July, so a run without --month) is neutralised.
    let all = basic(&["--format", "focus"]);
    assert!(
        all.stdout.contains(",'=cmd|' /C calc'!A0,"),
        "{}",
        all.stdout
    );
    assert!(!all.stdout.contains(",=cmd"), "{}", all.stdout);
}

// ---- regressions from the review of the readers ----

fn native_text(name: &str, text: &str, extra: &[&str]) -> (Out, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let p = path.display().to_string();
    let pricing = fixture("native/pricing");
    let mut args = vec![
        "report",
        "--logs",
        &p,
        "--pricing",
        &pricing,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    (out, p)
}

#[test]
fn canonical_json_arrays_and_pretty_documents_are_read_whole() {
    let text = "[\n  {\"timestamp\": \"2025-06-20T00:00:00Z\", \"provider\": \"together\", \"model\": \"meta-llama/Llama-3.3-70B-Instruct-Turbo\", \"input_tokens\": 1000000, \"output_tokens\": 0},\n  {\"timestamp\": \"2025-06-21T00:00:00Z\", \"provider\": \"together\", \"model\": \"meta-llama/Llama-3.3-70B-Instruct-Turbo\", \"input_tokens\": 1000000, \"output_tokens\": 0}\n]\n";
    let (out, _) = native_text("usage.json", text, &[]);
    let v = json(&out);
    assert_eq!(v["total"]["requests"], 2);
    assert_eq!(v["total"]["cost_usd"], "1.76");
}

#[test]
fn millisecond_timestamps_are_not_read_as_seconds() {
    // 1760954400000 ms = 2025-10-20T10:00:00Z
    let text = "{\"timestamp\":1760954400000,\"response\":{\"id\":\"m\",\"type\":\"message\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n";
    let (out, _) = native_text("a.jsonl", text, &["--by", "day"]);
    let v = json(&out);
    assert_eq!(v["rows"][0]["day"], "2025-10-20");
    assert_eq!(v["total"]["cost_usd"], "1");
}

#[test]
fn a_bad_first_jsonl_line_is_one_rejected_line() {
    let good = "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2025-08-16T00:00:00Z\",\"requestId\":\"r\",\"operation\":\"Converse\",\"modelId\":\"meta.llama3-3-70b-instruct-v1:0\",\"input\":{\"inputTokenCount\":1000000},\"output\":{\"outputTokenCount\":0}}";
    let text = format!("{{\"schemaType\":\"ModelInvocationLog\",\"timestamp\n{good}\n");
    let (out, p) = native_text("b.jsonl", &text, &["--log-format", "bedrock"]);
    let v = json(&out);
    assert_eq!(v["accounting"]["rejected"], 1);
    assert_eq!(v["total"]["cost_usd"], "0.72");
    assert!(
        out.stderr.contains(&format!("{p}:1: row: invalid JSON")),
        "{}",
        out.stderr
    );
}

#[test]
fn free_form_keys_named_like_canonical_columns_do_not_clobber_them() {
    let line = "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2025-08-16T00:00:00Z\",\"requestId\":\"r\",\"operation\":\"Converse\",\"modelId\":\"meta.llama3-3-70b-instruct-v1:0\",\"input\":{\"inputTokenCount\":1000},\"output\":{\"outputTokenCount\":0},\"requestMetadata\":{\"model\":\"my-app\",\"input_tokens\":\"5\"}}\n";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("b.jsonl");
    std::fs::write(&src, line).unwrap();
    for to in ["csv", "jsonl", "parquet"] {
        let out_path = dir.path().join(format!("c.{to}"));
        let o = run(&[
            "convert",
            "--logs",
            src.to_str().unwrap(),
            "--to",
            to,
            "--output",
            out_path.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let v = json(&run(&[
            "report",
            "--logs",
            out_path.to_str().unwrap(),
            "--pricing",
            &fixture("native/pricing"),
            "--format",
            "json",
            "--by",
            "model,extra.model",
        ]));
        assert_eq!(v["total"]["input_tokens"], 1000, "{to}");
        assert_eq!(
            v["rows"][0]["model"], "meta.llama3-3-70b-instruct-v1:0",
            "{to}"
        );
        assert_eq!(v["rows"][0]["extra.model"], "my-app", "{to}");
    }
}

#[test]
fn litellm_rows_with_missing_fields_are_rejected_not_free() {
    let text = "request_id,call_type,spend,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\na1,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai,1000,10\na2,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai\na3,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai,,\n";
    let (out, p) = native_text("spend.csv", text, &[]);
    let v = json(&out);
    assert_eq!(v["total"]["requests"], 1);
    assert_eq!(v["accounting"]["rejected"], 2);
    assert!(
        out.stderr
            .contains(&format!("{p}:3: row: expected 8 fields")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("{p}:4: prompt_tokens: missing value")),
        "{}",
        out.stderr
    );
}

#[test]
fn anthropic_reports_starting_with_empty_buckets_and_wrapped_openai_bodies_are_detected() {
    let mut buckets: Vec<String> = (1..=21)
        .map(|d| format!("{{\"starting_at\":\"2025-10-{d:02}T00:00:00Z\",\"ending_at\":\"2025-10-{:02}T00:00:00Z\",\"results\":[]}}", d + 1))
        .collect();
    buckets.push("{\"starting_at\":\"2025-10-22T00:00:00Z\",\"ending_at\":\"2025-10-23T00:00:00Z\",\"results\":[{\"uncached_input_tokens\":1000000,\"cache_read_input_tokens\":0,\"output_tokens\":0,\"model\":\"claude-haiku-4-5-20251001\"}]}".into());
    let (out, _) = native_text("report.json", &format!("[{}]", buckets.join(",")), &[]);
    assert_eq!(json(&out)["total"]["cost_usd"], "1");
    // A Responses API body logged inside a wrapper is OpenAI's, with its cached tokens.
    let text = "{\"timestamp\":\"2025-08-01T00:00:00Z\",\"response\":{\"object\":\"response\",\"id\":\"resp_9\",\"model\":\"gpt-4o-2024-08-06\",\"usage\":{\"input_tokens\":1000000,\"input_tokens_details\":{\"cached_tokens\":800000},\"output_tokens\":0}}}\n";
    let (out, _) = native_text("w.jsonl", text, &["--by", "provider"]);
    let v = json(&out);
    assert_eq!(v["rows"][0]["provider"], "openai");
    // 200,000 * 2.5 + 800,000 * 1.25 = 1.5
    assert_eq!(v["total"]["cost_usd"], "1.5");
}

#[test]
fn a_claude_code_config_folder_reads_only_its_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let root_dir = dir.path();
    let proj = root_dir.join("projects").join("p");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::create_dir_all(root_dir.join("todos")).unwrap();
    std::fs::write(root_dir.join("settings.json"), "{\"theme\":\"dark\"}").unwrap();
    std::fs::write(root_dir.join("todos").join("x.json"), "[]").unwrap();
    std::fs::write(
        proj.join("s.jsonl"),
        "{\"type\":\"assistant\",\"sessionId\":\"s\",\"requestId\":\"r1\",\"timestamp\":\"2025-10-20T10:00:00Z\",\"message\":{\"id\":\"m1\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n",
    )
    .unwrap();
    let out = run(&[
        "report",
        "--logs",
        root_dir.to_str().unwrap(),
        "--pricing",
        &fixture("native/pricing"),
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["total"]["cost_usd"], "1");
    assert!(
        out.stderr.contains("skipped") && out.stderr.contains("settings.json"),
        "{}",
        out.stderr
    );
}

// ---- charts, HTML, report folders, failures, forecast ----

#[test]
fn every_chart_kind_writes_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [
        "spend-by-model",
        "spend-by-provider",
        "daily",
        "compare",
        "tokens",
    ] {
        for ext in ["png", "svg"] {
            let path = dir.path().join(format!("{kind}.{ext}"));
            let out = run(&["chart", kind, "--output", path.to_str().unwrap()]);
            assert_eq!(out.code, 0, "{kind}.{ext}: {}", out.stderr);
            let bytes = std::fs::read(&path).unwrap();
            if ext == "png" {
                assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{kind}");
                assert!(bytes.len() > 20_000, "{kind}: suspiciously small PNG");
            } else {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    text.contains("<svg") && text.trim_end().ends_with("</svg>"),
                    "{kind}"
                );
                assert!(text.contains("(all dates, UTC)"), "{kind}: no title");
                if kind != "tokens" {
                    assert!(text.contains(">\n$"), "{kind}: no currency labels");
                }
            }
        }
    }
    let bad = run(&[
        "chart",
        "daily",
        "--output",
        dir.path().join("x.gif").to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("must end in .png or .svg"),
        "{}",
        bad.stderr
    );
}

#[test]
fn charts_cope_with_one_model_and_with_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,provider,model,input_tokens,output_tokens\n");
    for m in 0..50 {
        csv.push_str(&format!(
            "2025-06-{:02}T10:00:00Z,together,model-{m:02},{},100\n",
            1 + m % 28,
            1000 * (m + 1)
        ));
    }
    std::fs::write(dir.path().join("many.csv"), &csv).unwrap();
    let book = dir.path().join("book.csv");
    let mut b = String::from(
        "provider,model,effective_from,input_per_mtok,output_per_mtok,canonical_model\n",
    );
    for m in 0..50 {
        b.push_str(&format!("together,model-{m:02},2025-01-01,1,2,m{m}\n"));
    }
    std::fs::write(&book, b).unwrap();
    let svg = dir.path().join("many.svg");
    let out = run(&[
        "chart",
        "spend-by-model",
        "--logs",
        dir.path().join("many.csv").to_str().unwrap(),
        "--pricing",
        book.to_str().unwrap(),
        "--by",
        "day",
        "--output",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&svg).unwrap();
    // Top 10 by cost plus "other" in the legend.
    assert!(text.contains(">\nother\n</text>"), "no other series");
    assert!(
        text.contains(">\nmodel-49\n</text>") && !text.contains(">\nmodel-00\n</text>"),
        "top models by cost expected"
    );
    let one = dir.path().join("one.png");
    let out = run(&[
        "chart",
        "spend-by-model",
        "--logs",
        &fixture("compare/usage.csv"),
        "--pricing",
        &fixture("compare/book.csv"),
        "--month",
        "2025-06",
        "--output",
        one.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let empty = run(&[
        "chart",
        "daily",
        "--month",
        "2030-01",
        "--output",
        one.to_str().unwrap(),
    ]);
    assert_eq!(empty.code, 1);
    assert!(
        empty.stderr.contains("nothing to chart"),
        "{}",
        empty.stderr
    );
}

#[test]
fn html_report_is_self_contained_and_escapes_log_strings() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("evil.csv");
    std::fs::write(
        &logs,
        "timestamp,provider,model,input_tokens,output_tokens,user\n2025-06-10T10:00:00Z,together,llama-3.3-70b,1000,100,<script>alert('x')</script>\n2025-06-11T10:00:00Z,together,<img src=x onerror=alert(1)>,1000,100,bob\n",
    )
    .unwrap();
    let html = dir.path().join("r.html");
    let out = run(&[
        "report",
        "--logs",
        logs.to_str().unwrap(),
        "--pricing",
        &fixture("pricing/test.csv"),
        "--format",
        "html",
        "--by",
        "user,model",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(!text.contains("<script"), "raw script tag in the page");
    assert!(!text.contains("<img"), "raw img tag in the page");
    assert!(text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(text.contains("<svg"), "inline charts");
    for url in text
        .match_indices("http")
        .map(|(i, _)| &text[i..(i + 40).min(text.len())])
    {
        assert!(
            url.starts_with("http://www.w3.org/"),
            "external reference: {url}"
        );
    }
    assert!(
        text.contains("Unpriced usage")
            && text.contains("Accounting")
            && text.contains("Price book")
    );
}

#[test]
fn html_headline_compares_with_the_previous_month() {
    let out = run(&["report", "--month", "2025-06", "--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // June 9.643881615 vs May 9.785703895: -0.14182228 (-1.4%) (tests/independent/price_sample.py).
    assert!(
        out.stdout
            .contains("-$0.141822280 (-1.4%) vs 2025-05 ($9.785703895)"),
        "{}",
        &out.stdout[..3000.min(out.stdout.len())]
    );
    assert!(out.stdout.contains("Failures and request rate"));
    // Which tier of the book priced each row, and the coverage of the whole page.
    assert!(out.stdout.contains("<th>priced by</th>"));
    assert!(out.stdout.contains("<td>curated</td>"));
    assert!(out
        .stdout
        .contains("coverage: priced by curated rows 100.0%"));
}

#[test]
fn out_dir_writes_the_report_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "report",
        "--month",
        "2025-06",
        "--out-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let folder = dir.path().join("2025-06");
    for f in [
        "report.html",
        "report.md",
        "breakdown.csv",
        "breakdown.json",
        "spend-by-model.png",
        "spend-by-provider.png",
        "daily.png",
        "tokens.png",
        "compare.png",
    ] {
        let p = folder.join(f);
        assert!(
            p.exists() && std::fs::metadata(&p).unwrap().len() > 100,
            "{f}"
        );
    }
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("breakdown.json")).unwrap())
            .unwrap();
    assert_eq!(v["total"]["cost_usd"], "9.643881615");
}

#[test]
fn errors_report_failures_peaks_and_minutes_over_a_limit() {
    let v: Value = serde_json::from_str(
        &run(&[
            "errors",
            "--month",
            "2025-06",
            "--rate-limit",
            "30/min",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    // The burst: 5 minutes x 40 Groq requests, the last 10 of each 429.
    let groq = v["rate"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "llama-3.3-70b-versatile")
        .unwrap();
    assert_eq!(groq["peak_requests_per_minute"], 40);
    assert_eq!(groq["minutes_over_limit"], 5);
    assert_eq!(groq["first_minutes_over"][0], "2025-06-18T14:00:00Z");
    let burst_429: u64 = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["day"] == "2025-06-18"
                && f["model"] == "llama-3.3-70b-versatile"
                && f["status"] == 429
        })
        .map(|f| f["failed_requests"].as_u64().unwrap())
        .sum();
    assert!(burst_429 >= 50, "{burst_429}");
    assert_eq!(v["failed_requests"], 80);
    // Every format works; a bad limit is a usage error.
    for f in ["table", "csv", "markdown", "html"] {
        assert_eq!(
            run(&["errors", "--month", "2025-06", "--format", f]).code,
            0,
            "{f}"
        );
    }
    assert_eq!(run(&["errors", "--rate-limit", "20/h"]).code, 2);
}

#[test]
fn month_in_progress_gets_a_marked_projection() {
    // basic.csv, June, "now" 2025-06-15T12:00Z: days up to the 15th cost 14 + 2.5 + 0.0507 =
    // 16.5507 over 14.5 days; x 30 / 14.5 = 34.2428... -> $34.24.
    let v = json(&basic(&[
        "--format",
        "json",
        "--month",
        "2025-06",
        "--now",
        "2025-06-15T12:00:00Z",
    ]));
    let f = &v["forecast"];
    assert_eq!(f["cost_so_far_usd"], "16.5507");
    assert_eq!(f["days_elapsed"], "14.5");
    assert_eq!(f["days_in_month"], 30);
    assert_eq!(f["projected_month_end_usd"], "34.24");
    let t = basic(&["--month", "2025-06", "--now", "2025-06-15T12:00:00Z"]);
    assert!(t.stdout.contains("PROJECTION (not a bill)"), "{}", t.stdout);
    // A closed month has none.
    let closed = json(&basic(&[
        "--format",
        "json",
        "--month",
        "2025-06",
        "--now",
        "2025-08-01T00:00:00Z",
    ]));
    assert_eq!(closed["forecast"], Value::Null);
}

#[test]
fn rows_outside_the_period_are_skipped_cheaply_but_still_dedupe() {
    // x is logged in May and again in June: with --month 2025-06 the June copy is a duplicate
    // of a row outside the period, not new usage. Rows with request ids are validated fully
    // even outside the period (an invalid row must not make a valid one a duplicate): the bad
    // May row y is rejected. A bad row without an id outside the period costs only its
    // timestamp and counts as outside the period.
    let text = "timestamp,provider,model,input_tokens,output_tokens,request_id\n2025-05-31T23:00:00Z,together,llama-3.3-70b,1000000,0,x\n2025-05-15T00:00:00Z,together,llama-3.3-70b,-1,0,y\n2025-06-01T01:00:00Z,together,llama-3.3-70b,1000000,0,x\n2025-06-02T00:00:00Z,together,llama-3.3-70b,1000000,0,z\n2025-05-16T00:00:00Z,together,llama-3.3-70b,-1,0,\n";
    let (out, _) = report_text(
        "period.csv",
        text.as_bytes(),
        &["--format", "json", "--month", "2025-06"],
    );
    let v = json(&out);
    assert_eq!(v["total"]["cost_usd"], "0.88");
    let a = &v["accounting"];
    assert_eq!(
        (
            a["rows_read"].as_u64(),
            a["duplicates"].as_u64(),
            a["outside_period"].as_u64(),
            a["priced"].as_u64(),
            a["rejected"].as_u64()
        ),
        (Some(5), Some(1), Some(2), Some(1), Some(1))
    );
}

/// The parallel reader for large plain CSV files (forced on small files through
/// TOKENLEDGER_PARALLEL_MIN_BYTES) gives byte-identical reports, rejections included.
#[test]
fn the_parallel_csv_reader_matches_the_sequential_one() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.csv");
    let mut bytes = b"timestamp,provider,model,input_tokens,output_tokens,request_id\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,1000000,0,a\r\n\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,-1,0,b\r\n".to_vec();
    bytes.extend_from_slice(b"2025-06-21T00:00:00Z,together,llama-3.3-\xff,1,0,c\n2025-06-21T00:00:00Z,together,llama-3.3-70b,5,0,a\n2025-06-22T00:00:00Z,together,llama-3.3-70b,7,0\n2025-06-23T00:00:00Z,together,llama-3.3-70b,9,0,d");
    std::fs::write(&odd, bytes).unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "report".into(),
            "--logs".into(),
            fixture("logs/basic.csv"),
            "--pricing".into(),
            fixture("pricing/test.csv"),
            "--format".into(),
            "json".into(),
            "--by".into(),
            "day,model,user,team".into(),
        ],
        vec![
            "report".into(),
            "--logs".into(),
            fixture("logs/basic.csv"),
            "--pricing".into(),
            fixture("pricing/test.csv"),
            "--format".into(),
            "json".into(),
            "--month".into(),
            "2025-06".into(),
        ],
        vec![
            "report".into(),
            "--logs".into(),
            odd.display().to_string(),
            "--pricing".into(),
            fixture("pricing/test.csv"),
            "--format".into(),
            "json".into(),
        ],
        vec![
            "report".into(),
            "--format".into(),
            "json".into(),
            "--by".into(),
            "month,provider,model,project".into(),
        ],
    ];
    for args in cases {
        let go = |min: &str| {
            let o = Command::new(env!("CARGO_BIN_EXE_tokenledger"))
                .args(&args)
                .current_dir(root())
                .env("TOKENLEDGER_PARALLEL_MIN_BYTES", min)
                .output()
                .unwrap();
            (
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
                o.status.code(),
            )
        };
        let (seq, par) = (go("999999999999"), go("0"));
        assert_eq!(seq, par, "{args:?}");
    }
}

#[test]
fn plain_csv_edge_cases_read_the_same_in_parallel() {
    // Lone carriage returns, a blank line before the header, a very wide file, a NUL line and a
    // non-breaking-space line: the parallel reader must give what the sequential one gives.
    let h = "timestamp,provider,model,input_tokens,output_tokens";
    let r = "2025-06-20T00:00:00Z,together,llama-3.3-70b,1000000,0";
    let mut wide_h: String = (0..70).map(|i| format!("c{i},")).collect();
    wide_h.push_str(h);
    let mut wide_r: String = ",".repeat(70);
    wide_r.push_str(r);
    let cases = vec![
        ("cr.csv", format!("{h}\r{r}\rbad\r{r}\r")),
        ("lead.csv", format!("\n{h}\n{r}\nbad\n{r}\n")),
        ("wide.csv", format!("{wide_h}\n{wide_r}\n{wide_r}\n")),
        ("odd.csv", format!("{h}\n{r}\n\u{0}\n\u{a0}\n{r}\n")),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let go = |min: &str| {
            let o = Command::new(env!("CARGO_BIN_EXE_tokenledger"))
                .args([
                    "report",
                    "--logs",
                    p.to_str().unwrap(),
                    "--pricing",
                    &fixture("pricing/test.csv"),
                    "--format",
                    "json",
                ])
                .env("TOKENLEDGER_PARALLEL_MIN_BYTES", min)
                .output()
                .unwrap();
            (
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
                o.status.code(),
            )
        };
        let (seq, par) = (go("999999999999"), go("0"));
        assert_eq!(seq, par, "{name}");
        assert_eq!(seq.2, Some(0), "{name}: {}", seq.1);
    }
}

#[test]
fn report_groups_by_canonical_model_of_the_price_that_priced_it() {
    let v = json(&basic(&[
        "--format",
        "json",
        "--by",
        "canonical_model",
        "--month",
        "2025-06",
    ]));
    // o3: 14 + 2.5; the mistral usage has no price, hence no canonical model.
    assert_eq!(row(&v, "canonical_model", "o3")["cost_usd"], "16.5");
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["canonical_model"].is_null() && r["unpriced_requests"] == 1));
}

/// The HTML page's month-over-month change comes from the same read as the report (a side
/// window in the engine): the previous month's total is that month's own report total, and
/// the accounting is the plain report's, malformed rows of the previous month included
/// (a malformed row without an id outside the period counts as outside, not rejected).
#[test]
fn html_previous_month_comes_from_the_same_read_with_the_same_accounting() {
    let text = "timestamp,provider,model,input_tokens,output_tokens,request_id\n\
        2025-05-10T00:00:00Z,openai,o3,1000,100,\n\
        2025-05-11T00:00:00Z,openai,o3,-5,100,\n\
        2025-05-12T00:00:00Z,openai,o3,2000,0,m1\n\
        2025-06-10T00:00:00Z,openai,o3,1000000,0,m1\n\
        2025-06-11T00:00:00Z,openai,o3,1000000,0,j1\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-months.csv");
    std::fs::write(&path, text).unwrap();
    let logs = path.display().to_string();
    let pricing = fixture("pricing/test.csv");
    let base = ["report", "--logs", &logs, "--pricing", &pricing];
    let run_with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(&a)
    };
    let june = json(&run_with(&["--month", "2025-06", "--format", "json"]));
    let may = json(&run_with(&["--month", "2025-05", "--format", "json"]));
    // May: 1000 x $10 + 100 x $40 + 2000 x $10 per M = $0.034 (the -5 row is rejected there).
    assert_eq!(may["total"]["cost_usd"], "0.034");
    // June: m1 is a duplicate of the May row; j1 at $2 per M = $2.
    assert_eq!(june["total"]["cost_usd"], "2");
    assert_eq!(june["accounting"]["duplicates"], 1);
    assert_eq!(june["accounting"]["outside_period"], 3);
    assert_eq!(june["accounting"]["rejected"], 0);
    let html = run_with(&["--month", "2025-06", "--format", "html"]);
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(
        html.stdout.contains("vs 2025-05 ($0.034)"),
        "{}",
        &html.stdout[..3000.min(html.stdout.len())]
    );
    assert!(
        html.stdout
            .contains("duplicates 1 + rejected 0 + outside period 3"),
        "the page's accounting is the report's"
    );
}

// ---- price book 2.0 (issue 11) ----

/// Cost per `case` of a canonical CSV priced with the built-in book.
fn case_costs(csv_text: &str) -> (std::collections::BTreeMap<String, String>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.csv");
    std::fs::write(&path, csv_text).unwrap();
    let v = json(&run(&[
        "report",
        "--logs",
        path.to_str().unwrap(),
        "--by",
        "case",
        "--format",
        "json",
    ]));
    let costs = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let cost = if r["unpriced_requests"] == 0 {
                r["cost_usd"].as_str().unwrap().to_string()
            } else {
                "unpriced".to_string()
            };
            (r["case"].as_str().unwrap().to_string(), cost)
        })
        .collect();
    (costs, v)
}

/// A July 2026 log over the models teams run now (tests/independent/book_2026.py, list prices
/// typed in by hand from the providers' pages) is priced at list price, 99% of requests.
#[test]
fn the_built_in_book_prices_a_2026_log_at_list_price() {
    let text = std::fs::read_to_string(fixture("book-2026/requests.csv")).unwrap();
    let (costs, v) = case_costs(&text);
    let expected = std::fs::read_to_string(fixture("book-2026/expected.csv")).unwrap();
    let mut n = 0;
    for line in expected.lines().skip(1) {
        let (case, cost) = line.split_once(',').unwrap();
        assert_eq!(
            costs.get(case).map(String::as_str),
            Some(cost),
            "case {case}"
        );
        n += 1;
    }
    assert!(n >= 30, "{n} cases");
    assert_eq!(costs["unpriced acme"], "unpriced");
    let requests = v["total"]["requests"].as_u64().unwrap();
    let unpriced = v["total"]["unpriced_requests"].as_u64().unwrap();
    assert_eq!((requests, unpriced), (103, 1));
    assert!((requests - unpriced) * 100 >= 99 * requests);
    // Every priced case was priced by curated rows, and the report says so.
    assert_eq!(v["coverage"]["generated"]["requests"], 0);
    assert_eq!(v["coverage"]["unpriced"]["requests"], 1);
}

/// The audit's fixes, one request each (1M tokens where a rate is checked).
#[test]
fn audit_fixes_price_one_request_each() {
    let h = "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,region,case\n";
    let rows = [
        // DeepSeek: the 2025 changes took effect at 16:00 UTC.
        "2025-02-08T15:59:59Z,deepseek,deepseek-chat,1000000,1000000,0,,ds promo last second",
        "2025-02-08T16:00:00Z,deepseek,deepseek-chat,1000000,1000000,0,,ds 2025-02-08 16:00",
        // Off-peak 16:30-00:30 UTC from 2025-02-26 16:30: 50% off (0.135 / 0.55).
        "2025-03-01T17:00:00Z,deepseek,deepseek-chat,1000000,1000000,0,,ds off-peak",
        "2025-03-01T12:00:00Z,deepseek,deepseek-chat,1000000,1000000,0,,ds standard",
        "2025-03-02T00:29:00Z,deepseek,deepseek-reasoner,1000000,1000000,0,,ds r1 off-peak",
        // V4-Flash alias from 2026-04-24: cache hit 0.028, then 0.0028 from 04-26 12:15 UTC.
        "2026-04-25T00:00:00Z,deepseek,deepseek-chat,1000000,0,1000000,,ds cache 0.028",
        "2026-04-27T00:00:00Z,deepseek,deepseek-chat,1000000,0,1000000,,ds cache 0.0028",
        "2026-04-25T00:00:00Z,deepseek,deepseek-chat,1000000,1000000,0,,ds v4-flash",
        // Retired 2026-07-24 15:59 UTC.
        "2026-07-25T00:00:00Z,deepseek,deepseek-chat,1000,100,0,,ds retired",
        // V4 peak (01-04, 06-10 UTC weekdays) and off-peak; weekends off-peak from 08-22 16:00.
        "2026-08-18T02:00:00Z,deepseek,deepseek-v4-flash,1000000,1000000,0,,v4 peak",
        "2026-08-18T12:00:00Z,deepseek,deepseek-v4-flash,1000000,1000000,0,,v4 off-peak",
        "2026-08-23T02:00:00Z,deepseek,deepseek-v4-flash,1000000,1000000,0,,v4 sunday",
        // Gemini 2.5 cache reads at 10% of input (Pro: 100k tokens, under its 200k tier).
        "2025-11-15T00:00:00Z,google,gemini-2.5-pro,100000,0,100000,,gemini pro cache",
        "2025-11-15T00:00:00Z,google,gemini-2.5-flash,1000000,0,1000000,,gemini flash cache",
        "2025-10-26T00:00:00Z,vertex-ai,gemini-2.5-pro,100000,0,100000,,vertex pro cache",
        // Groq Llama 4 Maverick at 0.20 / 0.60 by 2025-05-14.
        "2025-05-15T00:00:00Z,groq,meta-llama/llama-4-maverick-17b-128e-instruct,1000000,1000000,0,,groq maverick",
        // DeepInfra dated from LiteLLM's first evidence, not 2026-07-24.
        "2025-10-05T00:00:00Z,deepinfra,meta-llama/Llama-3.3-70B-Instruct-Turbo,1000000,1000000,0,,deepinfra llama",
        // Vertex Claude 4.5+: +10% on every regional endpoint, list price on global (100k
        // tokens each way, under the 200k long-context tier).
        "2025-12-01T00:00:00Z,vertex-ai,claude-sonnet-4-5@20250929,100000,100000,0,asia-southeast1,vertex regional",
        "2025-12-01T00:00:00Z,vertex-ai,claude-sonnet-4-5@20250929,100000,100000,0,global,vertex global",
        // Claude Sonnet 4 has no regional premium.
        "2025-12-01T00:00:00Z,vertex-ai,claude-sonnet-4@20250514,100000,100000,0,us-east5,vertex sonnet 4",
    ];
    let (c, _) = case_costs(&format!("{h}{}\n", rows.join("\n")));
    let want = [
        ("ds promo last second", "0.42"),
        ("ds 2025-02-08 16:00", "1.37"),
        ("ds off-peak", "0.685"),
        ("ds standard", "1.37"),
        ("ds r1 off-peak", "0.685"),
        ("ds cache 0.028", "0.028"),
        ("ds cache 0.0028", "0.0028"),
        ("ds v4-flash", "0.42"),
        ("ds retired", "unpriced"),
        ("v4 peak", "1.76"),
        ("v4 off-peak", "0.88"),
        ("v4 sunday", "0.88"),
        ("gemini pro cache", "0.0125"),
        ("gemini flash cache", "0.03"),
        ("vertex pro cache", "0.0125"),
        ("groq maverick", "0.8"),
        ("deepinfra llama", "0.52"),
        ("vertex regional", "1.98"),
        ("vertex global", "1.8"),
        ("vertex sonnet 4", "1.8"),
    ];
    for (case, cost) in want {
        assert_eq!(c.get(case).map(String::as_str), Some(cost), "case {case}");
    }
}

/// Provenance: every curated row names a source URL, every generated version its LiteLLM key
/// and mirror commit (and is dated by its first sighting).
#[test]
fn every_price_row_says_where_it_comes_from() {
    let out = run(&["prices", "list", "--at", "2026-07-01", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let (mut curated, mut generated) = (0, 0);
    for r in rows {
        match r["tier"].as_str().unwrap() {
            "curated" => {
                curated += 1;
                let src = r["source"].as_str().unwrap_or("");
                assert!(src.starts_with("https://"), "{r}");
            }
            "generated" => {
                generated += 1;
                assert!(
                    r["litellm_key"].as_str().is_some_and(|k| !k.is_empty()),
                    "{r}"
                );
                let commit = r["litellm_commit"].as_str().unwrap();
                assert_eq!(commit.len(), 40, "{r}");
                assert!(r["source"].as_str().unwrap().ends_with(commit), "{r}");
            }
            other => panic!("tier {other}"),
        }
    }
    assert!(
        curated > 300 && generated > 800,
        "{curated} curated, {generated} generated"
    );
}

/// `prices why` names the row, its tier, source and confidence; `prices coverage` ranks the
/// unpriced models.
#[test]
fn prices_why_and_coverage_explain_a_price() {
    let out = run(&[
        "prices",
        "why",
        "aws-bedrock",
        "arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "--at",
        "2026-01-01",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0@2025-09-29",
        "tier of the book        curated",
        "input $3.3, output $16.5",
        "confidence",
        "https://",
    ] {
        assert!(out.stdout.contains(needle), "{needle}: {}", out.stdout);
    }
    let gen = run(&[
        "prices",
        "why",
        "together",
        "Qwen/Qwen3-Next-80B-A3B-Instruct",
        "--at",
        "2026-07-01",
    ]);
    assert!(
        gen.stdout.contains("tier of the book        generated"),
        "{}",
        gen.stdout
    );
    assert!(gen.stdout.contains("litellm commit"), "{}", gen.stdout);
    let retired = run(&[
        "prices",
        "why",
        "deepseek",
        "deepseek-chat",
        "--at",
        "2026-08-01",
    ]);
    assert_eq!(retired.code, 1);
    assert!(
        retired.stdout.contains("retired from 2026-07-24T15:59:00Z"),
        "{}",
        retired.stdout
    );
    let cov = run(&[
        "prices",
        "coverage",
        "--logs",
        &fixture("book-2026/requests.csv"),
    ]);
    assert_eq!(cov.code, 0, "{}", cov.stderr);
    assert!(
        cov.stdout.contains("unpriced models, most tokens first"),
        "{}",
        cov.stdout
    );
    assert!(cov.stdout.contains("acme-llm-1"), "{}", cov.stdout);
}

/// OpenAI bodies carry `service_tier`: priority and flex requests are priced at their own
/// rates; a tier the book has no price for is unpriced, not priced at the standard rate.
#[test]
fn service_tiers_from_openai_bodies_have_their_own_prices() {
    let body = |id: &str, tier: &str| {
        format!(
            r#"{{"id":"{id}","object":"chat.completion","created":1767225600,"model":"gpt-5-2025-08-07","service_tier":"{tier}","usage":{{"prompt_tokens":1000000,"completion_tokens":1000000}}}}"#
        )
    };
    let text = [
        body("a", "default"),
        body("b", "priority"),
        body("c", "flex"),
        body("d", "scale"),
    ]
    .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bodies.jsonl");
    std::fs::write(&path, text).unwrap();
    let v = json(&run(&[
        "report",
        "--logs",
        path.to_str().unwrap(),
        "--by",
        "service_tier",
        "--format",
        "json",
    ]));
    let cost = |tier: Value| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_tier"] == tier)
            .map(|r| (r["cost_usd"].clone(), r["unpriced_requests"].clone()))
            .unwrap()
    };
    // gpt-5: standard 1.25 / 10, priority 2.5 / 20, flex 0.625 / 5 (USD per 1M).
    assert_eq!(cost(json!("default")), (json!("11.25"), json!(0)));
    assert_eq!(cost(json!("priority")), (json!("22.5"), json!(0)));
    assert_eq!(cost(json!("flex")), (json!("5.625"), json!(0)));
    assert_eq!(cost(json!("scale")), (json!("0"), json!(1)));
    assert!(v["unpriced"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("\"scale\" service tier"));
}

/// `prices update` builds the generated tier from LiteLLM's history: one version per price from
/// its first sighting, known errors dropped, curated models left to the curated rows, and the
/// curated files untouched.
#[test]
fn prices_update_generates_dated_versions_and_a_review() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("pricing");
    std::fs::create_dir_all(book.join("curated")).unwrap();
    std::fs::create_dir_all(book.join("litellm")).unwrap();
    let curated = "provider,model,effective_from,input_per_mtok,output_per_mtok,canonical_model,source\n\
        anthropic,claude-sonnet-4-5-20250929,2025-09-29,3,15,claude-sonnet-4.5,https://www.anthropic.com/pricing\n";
    std::fs::write(book.join("curated/anthropic.csv"), curated).unwrap();
    std::fs::write(
        book.join("litellm/known-errors.csv"),
        "litellm_key,field,seen_from,wrong_value,right_value_or_drop,evidence_url,note\n\
         groq/llama-4-x,input_cost_per_token,2025-06-01,2e-06,drop,https://example.org/10x,10x typo\n",
    )
    .unwrap();
    let out = run(&[
        "prices",
        "update",
        "--litellm",
        &fixture("litellm/map.json"),
        "--history",
        &fixture("litellm/history.jsonl"),
        "--pricing",
        book.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let groq = std::fs::read_to_string(book.join("generated/groq.csv")).unwrap();
    let rows: Vec<&str> = groq.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{groq}");
    assert!(
        rows[0].starts_with("groq,llama-4-x,2025-04-10T08:00:00Z,0.5,0.77,"),
        "{groq}"
    );
    assert!(
        rows[1].starts_with("groq,llama-4-x,2025-05-14T21:06:22Z,0.2,0.6,"),
        "{groq}"
    );
    assert!(
        rows[1].ends_with(",groq/llama-4-x,2222222222222222222222222222222222222222"),
        "{groq}"
    );
    // The curated model is not generated again (its generated file may exist; it is unused).
    assert_eq!(
        std::fs::read_to_string(book.join("curated/anthropic.csv")).unwrap(),
        curated
    );
    assert!(!book.join("generated/novita.csv").exists());
    for needle in [
        "known errors: 1 of 1 applied",
        "left out xai/grok-new: free ($0): left unpriced",
        "priced by curated rows instead",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    // The result is a valid book that prices Groq on 2025-05-20 at 0.20 / 0.60.
    let check = run(&["prices", "validate", book.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let why = run(&[
        "prices",
        "why",
        "groq",
        "llama-4-x",
        "--at",
        "2025-06-02",
        "--pricing",
        book.to_str().unwrap(),
    ]);
    assert!(
        why.stdout.contains("input $0.2, output $0.6"),
        "{}",
        why.stdout
    );
    assert!(
        why.stdout.contains("tier of the book        generated"),
        "{}",
        why.stdout
    );
}
