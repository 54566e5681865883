//! Integration tests: run the real `tokenledger` binary on fixtures whose expected values were
//! worked out by hand (the arithmetic is in the comments).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

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
    assert!(md.stdout.contains("## Unpriced usage"), "{}", md.stdout);

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
        "project,requests,failed_requests,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,cost_usd,unpriced_requests"
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
        format!("{p}:3: duplicate price version openai/o3@2025-04-16 (also at {p}:2)"),
        format!("{p}:4: effective_from:"),
        format!("{p}:5: input_per_mtok: negative price -1"),
        format!("{p}:5: output_per_mtok: \"abc\" is not a decimal number"),
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
    assert_eq!(row(&v, "month", "2025-05")["cost_usd"], "9.836024785");
    assert_eq!(row(&v, "month", "2025-06")["cost_usd"], "9.53884175");
    assert_eq!(row(&v, "month", "2025-07")["cost_usd"], "8.363388755");
    assert_eq!(v["total"]["cost_usd"], "27.73825529");
    assert_eq!(v["total"]["requests"], 4500);
    assert_eq!(v["accounting"]["duplicates"], 21);
    assert_eq!(v["accounting"]["rows_read"], 4521);
    assert_eq!(v["total"]["unpriced_requests"], 0);
    assert_eq!(v["pricing"]["files"].as_array().unwrap().len(), 7);
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
    assert!(out.stdout.contains("2025-06,1500,30,"), "{}", out.stdout);
}
