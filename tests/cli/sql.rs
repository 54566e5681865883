//! `tokenledger sql` and `--aggregates`: the query per dialect (golden files), and aggregate
//! files written by hand priced to hand-computed totals, with every way a file can be refused.
//! The engines themselves run in `scripts/check-sql.sh` (DuckDB and Spark, in CI).

use insta::assert_snapshot;

use super::*;

const BOOK: &str = "sql-edge/prices";
const HEADER: &str = "kind,reason,local_day,price_epoch,provider,model,region,batch,failed,service_tier,window_mask,long_context,multi,prompt_bucket,minute_us,first_us,last_us,rows_,requests,input_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens";

/// The manifest row of `tokenledger sql` with these arguments (and the test book), as the
/// engine would return it: the JSON literal of the query, CSV-quoted.
fn manifest_row(args: &[&str]) -> String {
    let out = Tl::cmd(["sql", "--dialect", "duckdb"])
        .book(BOOK)
        .args(args)
        .ok();
    let start = out.stdout.find("'{\"format\"").expect("a manifest literal");
    let rest = &out.stdout[start + 1..];
    let json = &rest[..rest.find("}'").expect("end of the manifest") + 1];
    let json = json.replace("''", "'");
    format!(
        "manifest,\"{}\",,,,,,,,,,,,,,,,0,,,,,,,",
        json.replace('"', "\"\"")
    )
}

/// An aggregate file: the header, the rows and the manifest of `tokenledger sql ARGS`.
fn aggregates(dir: &tempfile::TempDir, name: &str, rows: &[&str], args: &[&str]) -> String {
    let path = dir.path().join(name);
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.push_str(&manifest_row(args));
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

// Epochs of the test book in October 2025: boundaries 2024-07-18, 2025-09-05, 2025-09-29,
// 2025-10-15, so Oct 1-14 is epoch 3 and Oct 15-31 epoch 4.
const CELLS: [&str; 9] = [
    // claude-sonnet-4.5, one request over 200k: the long rates 6 / 22.5 -> 1.8 + 0.225 = 2.025
    "cell,,2025-10-02,3,anthropic,claude-sonnet-4-5-20250929,,0,0,,0,2,0,1,,1759363200000000,1759363200000000,1,1,300000,0,0,0,10000,0",
    // under the threshold: 3 / 15 -> 0.3 + 0.15 = 0.45
    "cell,,2025-10-02,3,anthropic,claude-sonnet-4-5-20250929,,0,0,,0,2,0,0,,1759363200000000,1759363200000000,1,1,100000,0,0,0,10000,0",
    // gpt-4o-mini before the change: 0.8M x 0.15 + 0.2M x 0.075 + 1M x 0.6 = 0.735
    "cell,,2025-10-10,3,openai,gpt-4o-mini,,0,0,,0,2,0,1,,1760054400000000,1760054400000000,1,1,1000000,200000,0,0,1000000,0",
    // after it: 0.10 + 0.40 = 0.50
    "cell,,2025-10-20,4,openai,gpt-4o-mini,,0,0,,0,2,0,1,,1760918400000000,1760918400000000,1,1,1000000,0,0,0,1000000,0",
    // deepseek-chat inside the off-peak window (mask bit 0): 0.28 + 0.84 = 1.12
    "cell,,2025-10-05,3,deepseek,deepseek-chat,,0,0,,1,2,0,1,,1759683600000000,1759683600000000,1,1,1000000,0,0,0,1000000,0",
    // outside it: 0.56 + 1.68 = 2.24
    "cell,,2025-10-05,3,deepseek,deepseek-chat,,0,0,,0,2,0,1,,1759662000000000,1759662000000000,1,1,1000000,0,0,0,1000000,0",
    "rejected,input_tokens,,,,,,,,,,,,,,,,2,,,,,,,",
    "duplicate,,,,openai,gpt-4o-mini,,0,0,,0,2,0,0,,1760918400000000,1760918400000000,3,,,,,,,",
    "outside,,,,,,,,,,,,,,,1759276700000000,1761955300000000,4,,,,,,,",
];

#[test]
fn hand_written_aggregates_price_to_the_hand_computed_total() {
    let dir = tempfile::tempdir().unwrap();
    let file = aggregates(&dir, "agg.csv", &CELLS, &["--month", "2025-10"]);
    let j = Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10", "--by", "model"])
        .json();
    assert_eq!(j["total"]["cost_usd"], "7.07");
    assert_eq!(j["total"]["requests"], 6);
    let a = &j["accounting"];
    assert_eq!(a["rows_read"], 15);
    assert_eq!(a["priced"], 6);
    assert_eq!(a["rejected"], 2);
    assert_eq!(a["duplicates"], 3);
    assert_eq!(a["outside_period"], 4);
    let rej = &j["rejections"][0];
    assert_eq!(rej["field"], "input_tokens");
    assert!(rej["reason"].as_str().unwrap().contains("2 rows"), "{rej}");
    // Rows are per resolved model: the off-peak and the normal deepseek usage in one row.
    let deepseek = j["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "deepseek-chat")
        .unwrap();
    assert_eq!(deepseek["cost_usd"], "3.36");
}

/// The aggregate CSV `csv_path` saved as Parquet the way Spark writes a query result: sums as
/// DECIMAL(38,0) (or `float_sums`: as DOUBLE, DuckDB's HUGEINT), other integers as BIGINT.
fn to_parquet(csv_path: &str, out: &std::path::Path, float_sums: bool) {
    use polars::prelude::*;
    let mut rdr = csv::Reader::from_path(csv_path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let ints = [
        "price_epoch",
        "batch",
        "failed",
        "window_mask",
        "long_context",
        "multi",
        "prompt_bucket",
        "minute_us",
        "first_us",
        "last_us",
        "rows_",
    ];
    let sums = [
        "requests",
        "input_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "output_tokens",
        "reasoning_tokens",
    ];
    let mut cols = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let vals: Vec<Option<&str>> = rows
            .iter()
            .map(|r| r.get(i).filter(|v| !v.is_empty()))
            .collect();
        let name = PlSmallStr::from(h.as_str());
        let s = if ints.contains(&h.as_str()) || sums.contains(&h.as_str()) {
            let v: Vec<Option<i64>> = vals.iter().map(|v| v.map(|x| x.parse().unwrap())).collect();
            let s = Series::new(name, v);
            match (sums.contains(&h.as_str()), float_sums) {
                (true, false) => s.cast(&DataType::Decimal(38, 0)).unwrap(),
                (true, true) => s.cast(&DataType::Float64).unwrap(),
                _ => s,
            }
        } else {
            Series::new(name, vals)
        };
        cols.push(s.into_column());
    }
    let mut df = DataFrame::new(rows.len(), cols).unwrap();
    ParquetWriter::new(std::fs::File::create(out).unwrap())
        .finish(&mut df)
        .unwrap();
}

#[test]
fn parquet_aggregates_price_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = aggregates(&dir, "agg.csv", &CELLS, &["--month", "2025-10"]);
    let pq = dir.path().join("agg.parquet");
    to_parquet(&csv, &pq, false);
    let args = |f: &str| {
        vec![
            "--aggregates".to_string(),
            f.to_string(),
            "--month".into(),
            "2025-10".into(),
            "--by".into(),
            "model".into(),
        ]
    };
    let mut from_csv = Tl::report().book(BOOK).args(args(&csv)).json();
    let mut from_pq = Tl::report()
        .book(BOOK)
        .args(args(&pq.display().to_string()))
        .json();
    assert_eq!(from_pq["total"]["cost_usd"], "7.07");
    // The same report but for the file named in the rejection summary.
    assert!(from_pq["rejections"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("agg.parquet"));
    from_csv["rejections"] = serde_json::Value::Null;
    from_pq["rejections"] = serde_json::Value::Null;
    assert_eq!(from_pq, from_csv);
    // DOUBLE sums have lost digits before tokenledger sees them: refused, naming the column.
    let fl = dir.path().join("float.parquet");
    to_parquet(&csv, &fl, true);
    Tl::report()
        .book(BOOK)
        .args(args(&fl.display().to_string()))
        .fails(1)
        .stderr_has("column requests: floating point (f64) cannot hold exact sums");
    // A damaged file is that file's error.
    let bytes = std::fs::read(&pq).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    Tl::report()
        .book(BOOK)
        .args(args(&cut.display().to_string()))
        .fails(1)
        .stderr_has("cut.parquet: not a readable Parquet file");
}

#[test]
fn aggregate_files_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let a = aggregates(&dir, "a.csv", &CELLS[..3], &["--month", "2025-10"]);
    let b = aggregates(&dir, "b.csv", &CELLS[3..], &["--month", "2025-10"]);
    let j = Tl::report()
        .book(BOOK)
        .args(["--aggregates", &a, "--aggregates", &b, "--month", "2025-10"])
        .json();
    assert_eq!(j["total"]["cost_usd"], "7.07");
    assert_eq!(j["accounting"]["rows_read"], 15);
}

#[test]
fn aggregates_made_with_other_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = aggregates(&dir, "agg.csv", &CELLS, &["--month", "2025-10"]);
    let run = |args: &[&str]| {
        Tl::report()
            .book(BOOK)
            .args(["--aggregates", &file])
            .args(args)
            .fails(2)
    };
    run(&["--month", "2025-10", "--tz", "Europe/Berlin"])
        .stderr_has("made with --tz UTC (this run: --tz Europe/Berlin)");
    run(&["--month", "2025-09"]).stderr_has("made with the period 2025-10-01T00:00:00Z");
    run(&["--month", "2025-10", "--by", "user"])
        .stderr_has("no user dimension in these aggregates (they have: none)")
        .stderr_has("tokenledger sql --by user");
    // Another book numbers its epochs differently.
    Tl::report()
        .args(["--aggregates", &file, "--month", "2025-10"])
        .fails(2)
        .stderr_has("a price book whose epochs");
    // Per-minute counts were not asked for.
    Tl::cmd(["errors"])
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10"])
        .fails(2)
        .stderr_has("tokenledger sql --per-minute");
    // The HTML page compares with the month before.
    Tl::report()
        .book(BOOK)
        .args([
            "--aggregates",
            &file,
            "--month",
            "2025-10",
            "--format",
            "html",
        ])
        .fails(2)
        .stderr_has("needs per-minute counts and the month before")
        .stderr_has("tokenledger sql --per-minute --previous-month --by status");
    Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--logs", "data"])
        .fails(2)
        .stderr_has("cannot be used with");
}

#[test]
fn more_dimensions_serve_a_report_over_fewer() {
    let dir = tempfile::tempdir().unwrap();
    let with_user = HEADER.replace("prompt_bucket,", "prompt_bucket,d_1_user,");
    let rows = [
        "cell,,2025-10-20,4,openai,gpt-4o-mini,,0,0,,0,2,0,1,alice,,1760918400000000,1760918400000000,1,1,1000000,0,0,0,0,0",
        "cell,,2025-10-20,4,openai,gpt-4o-mini,,0,0,,0,2,0,1,bob,,1760918400000000,1760918400000000,1,1,2000000,0,0,0,0,0",
    ];
    let manifest = manifest_row(&["--month", "2025-10", "--by", "user"])
        .replace(",,,,,,,,,,,,,,,,0,", ",,,,,,,,,,,,,,,,,0,");
    let path = dir.path().join("agg.csv");
    std::fs::write(
        &path,
        format!("{with_user}\n{}\n{}\n{manifest}\n", rows[0], rows[1]),
    )
    .unwrap();
    let file = path.display().to_string();
    // 3M input tokens at 0.10.
    let j = Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10"])
        .json();
    assert_eq!(j["total"]["cost_usd"], "0.3");
    let j = Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10", "--by", "user"])
        .json();
    let users: Vec<(&str, &str)> = j["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["user"].as_str().unwrap(), r["cost_usd"].as_str().unwrap()))
        .collect();
    assert_eq!(users, [("bob", "0.2"), ("alice", "0.1")]);
    let j = Tl::report()
        .book(BOOK)
        .args([
            "--aggregates",
            &file,
            "--month",
            "2025-10",
            "--where",
            "user=alice",
        ])
        .json();
    assert_eq!(j["total"]["cost_usd"], "0.1");
    assert_eq!(j["accounting"]["filtered_out"], 1);
}

#[test]
fn sums_that_do_not_fit_are_errors_naming_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let big = CELLS[3].replace(
        ",1000000,0,0,0,1000000,0",
        ",18446744073709551616,0,0,0,1,0",
    );
    let file = aggregates(&dir, "agg.csv", &[&big], &["--month", "2025-10"]);
    Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10"])
        .fails(1)
        .stderr_has("agg.csv: line 2: input_tokens: \"18446744073709551616\" is larger than");
    let null = CELLS[3].replace(",1000000,0,0,0,1000000,0", ",,0,0,0,1,0");
    let file = aggregates(&dir, "null.csv", &[&null], &["--month", "2025-10"]);
    Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10"])
        .fails(1)
        .stderr_has("line 2: input_tokens: empty (the engine returned NULL");
    // Two sums that fit (10 million rows each, at the cap of a trillion tokens a row), whose total does not.
    let half = CELLS[3].replace(
        ",1,1,1000000,0,0,0,1000000,0",
        ",10000000,1,10000000000000000000,0,0,0,1,0",
    );
    let file = aggregates(&dir, "two.csv", &[&half, &half], &["--month", "2025-10"]);
    Tl::report()
        .book(BOOK)
        .args(["--aggregates", &file, "--month", "2025-10"])
        .fails(1)
        .stderr_has("line 3: the sums pass");
    let path = dir.path().join("no-manifest.csv");
    std::fs::write(&path, format!("{HEADER}\n{}\n", CELLS[3])).unwrap();
    Tl::report()
        .book(BOOK)
        .args([
            "--aggregates",
            &path.display().to_string(),
            "--month",
            "2025-10",
        ])
        .fails(1)
        .stderr_has("no manifest row");
}

/// A cell no query over valid logs could return is refused, naming the line and the field,
/// exactly as the query would have refused the row (before: sums wrapped to costs in the tens
/// of trillions with exit 0, or a panic on an epoch past the book, or silent pricing).
#[test]
fn aggregate_cells_are_checked_as_strictly_as_rows() {
    let dir = tempfile::tempdir().unwrap();
    // CELLS[3]: gpt-4o-mini on 2025-10-20 (epoch 4), 1 row, 1M in, 1M out, at 2025-10-20T00:00Z.
    let base = CELLS[3];
    let measures = ",1,1,1000000,0,0,0,1000000,0";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "cache over input",
            base.replace(measures, ",1,1,1000000,900000,200000,0,1000000,0"),
            "line 2: cache_read_tokens + cache_write_tokens (900000 + 200000) exceed input_tokens (1000000)",
        ),
        (
            "reasoning over output",
            base.replace(measures, ",1,1,1000000,0,0,0,1000,1001"),
            "line 2: reasoning_tokens (1001) exceed output_tokens (1000)",
        ),
        (
            "1h writes over writes",
            base.replace(measures, ",1,1,1000000,0,10,11,1000000,0"),
            "line 2: cache_write_1h_tokens (11) exceed cache_write_tokens (10)",
        ),
        (
            "more than a row may hold",
            base.replace(measures, ",1,1,1000000,0,0,0,1000000000001,0"),
            "line 2: output_tokens: 1000000000001 over 1 rows is more than 1000000000000 a row",
        ),
        (
            "an epoch past the book",
            base.replace(",2025-10-20,4,", ",2025-10-20,99,"),
            "line 2: price_epoch: 99 is past the book's last epoch (4)",
        ),
        (
            "an epoch that is not the day's",
            base.replace(",2025-10-20,4,", ",2025-10-20,3,"),
            "line 2: price_epoch: 3 is not the epoch of first_us (2025-10-20T00:00:00Z, epoch 4)",
        ),
        (
            "a day that is not the instants'",
            base.replace(",2025-10-20,4,", ",2025-10-21,4,"),
            "line 2: local_day: 2025-10-21 is not the local day of first_us (2025-10-20T00:00:00Z in UTC)",
        ),
        (
            "a prompt bucket past the thresholds",
            base.replace(",0,2,0,1,,", ",0,2,0,7,,"),
            "line 2: prompt_bucket: 7 is past the book's 1 long-context thresholds",
        ),
        (
            "a prompt bucket the input does not fit",
            base.replace(",0,2,0,1,,", ",0,2,0,0,,"),
            "line 2: prompt_bucket: 0 does not fit 1000000 input tokens over 1 rows",
        ),
        (
            "a window the book does not have",
            base.replace(",0,2,0,1,,", ",6,2,0,1,,"),
            "line 2: window_mask: 6 names time windows the book does not have (1)",
        ),
        (
            "a day outside the period",
            base.replace("2025-10-20,4", "2025-11-03,4")
                .replace("1760918400000000", "1762128000000000"),
            "line 2: first_us..last_us (2025-11-03T00:00:00Z to 2025-11-03T00:00:00Z) reach outside the query's period",
        ),
        (
            "instants out of order",
            base.replace(
                "1760918400000000,1760918400000000",
                "1760918400000001,1760918400000000",
            ),
            "line 2: first_us (1760918400000001) after last_us (1760918400000000)",
        ),
    ];
    for (what, row, message) in cases {
        assert_ne!(row, base, "{what}: the case changes the row");
        let file = aggregates(&dir, "agg.csv", &[&row], &["--month", "2025-10"]);
        let svg = dir.path().join("c.svg");
        for cmd in [
            Tl::report(),
            Tl::compare(),
            Tl::chart("spend-by-model").arg("--output").arg(&svg),
        ] {
            cmd.book(BOOK)
                .args(["--aggregates", &file, "--month", "2025-10"])
                .fails(1)
                .stderr_has(message)
                .stderr_lacks("panicked");
        }
    }
    // The unchanged cell is accepted: each case above fails for its own change.
    let file = aggregates(&dir, "agg.csv", &[base], &["--month", "2025-10"]);
    assert_eq!(
        Tl::report()
            .book(BOOK)
            .args(["--aggregates", &file, "--month", "2025-10"])
            .json()["total"]["cost_usd"],
        "0.5"
    );
}

/// Dimension columns are matched by name, not only counted: a result whose `d_1_team` column
/// stands where the manifest names `user` (a renamed or reordered column) is refused.
#[test]
fn renamed_dimension_columns_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let header = HEADER.replace("prompt_bucket,", "prompt_bucket,d_1_team,");
    let row = "cell,,2025-10-20,4,openai,gpt-4o-mini,,0,0,,0,2,0,1,alice,,1760918400000000,1760918400000000,1,1,1000000,0,0,0,0,0";
    let manifest = manifest_row(&["--month", "2025-10", "--by", "user"])
        .replace(",,,,,,,,,,,,,,,,0,", ",,,,,,,,,,,,,,,,,0,");
    let path = dir.path().join("agg.csv");
    std::fs::write(&path, format!("{header}\n{row}\n{manifest}\n")).unwrap();
    Tl::report()
        .book(BOOK)
        .args(["--aggregates", &path.display().to_string(), "--month", "2025-10", "--by", "user"])
        .fails(1)
        .stderr_has("column \"d_1_team\" where the manifest's dimension 1 (\"user\") should be \"d_1_user\"");
}

#[test]
fn the_query_per_dialect() {
    for dialect in [
        "duckdb",
        "spark",
        "postgres",
        "trino",
        "athena",
        "bigquery",
        "clickhouse",
        "snowflake",
    ] {
        let out = Tl::cmd(["sql", "--dialect", dialect])
            .book(BOOK)
            .args([
                "--month",
                "2025-10",
                "--tz",
                "Europe/Berlin",
                "--by",
                "user,team",
                "--per-minute",
                "--previous-month",
                "--table",
                "logs.requests",
            ])
            .ok();
        let text = out.stdout.replace(env!("CARGO_PKG_VERSION"), "X.Y.Z");
        assert_snapshot!(format!("sql_{dialect}"), text);
    }
}

#[test]
fn sql_options_are_checked() {
    Tl::cmd([
        "sql",
        "--dialect",
        "duckdb",
        "--columns",
        "timestamp,provider,model",
    ])
    .fails(2)
    .stderr_has("--columns: \"input_tokens\" is required");
    Tl::cmd(["sql", "--dialect", "duckdb", "--columns", "timestamp,team"])
        .fails(2)
        .stderr_has("\"team\" is not a canonical column");
    Tl::cmd(["sql", "--dialect", "duckdb", "--dedupe", "last"])
        .fails(2)
        .stderr_has("--dedupe: \"last\" is not first or none");
    Tl::cmd(["sql", "--dialect", "oracle"]).fails(2);
}

#[test]
fn the_spark_job_script() {
    let out = Tl::cmd([
        "spark-job",
        "--source",
        "s3://bucket/logs/2025/10/",
        "--format",
        "json",
    ])
    .book(BOOK)
    .args(["--month", "2025-10", "--by", "project"])
    .ok();
    let text = out.stdout.replace(env!("CARGO_PKG_VERSION"), "X.Y.Z");
    // The script forces what the query needs and orders by file and row.
    assert!(text.contains("spark.conf.set(\"spark.sql.session.timeZone\", \"UTC\")"));
    assert!(text.contains("spark.conf.set(\"spark.sql.ansi.enabled\", \"true\")"));
    assert!(text.contains("ORDER BY o_0, o_1"), "dedupe in file order");
    assert_snapshot!("spark_job_json", text);
    Tl::cmd(["spark-job", "--source", "x", "--format", "avro"])
        .fails(2)
        .stderr_has("--format: \"avro\" is not parquet, csv or json");
}

/// The source reaches the script only as a Python string literal: a crafted one cannot end
/// the docstring and run code, and a Windows path (`C:\Users\...`, whose `\U` is an escape in
/// a Python string) stays the path. `scripts/check-sql.sh` compiles both scripts with Python
/// and evaluates `SOURCE`.
#[test]
fn the_spark_job_source_is_a_python_string_literal() {
    for source in [
        "\"\"\"\nimport os; os.system('touch /tmp/tokenledger-pwned')\n\"\"\"",
        r"C:\Users\new\logs\requests.parquet",
        "x\\'\"; print(1) #\u{2028}",
    ] {
        let out = Tl::cmd(["spark-job", "--source", source, "--format", "parquet"])
            .book(BOOK)
            .ok();
        let q = "\"\"\"";
        let start = out.stdout.find(q).unwrap() + 3;
        let docstring = &out.stdout[start..start + out.stdout[start..].find(q).unwrap()];
        assert!(
            docstring.contains("spark-submit this.py OUT_DIR"),
            "{docstring}"
        );
        assert!(
            !docstring.contains("pwned") && !docstring.contains("Users"),
            "{docstring}"
        );
        let line = format!("SOURCE = {}\n", serde_json::to_string(source).unwrap());
        assert!(out.stdout.contains(&line), "{line}");
        // Nowhere else in the script.
        let rest = out.stdout.replacen(&line, "", 1);
        assert!(
            !rest.contains("pwned") && !rest.contains("Users") && !rest.contains("print(1)"),
            "the source appears outside its literal"
        );
    }
}

#[test]
fn the_query_per_source_adapter() {
    // (dialect, log format, --by, what the query must read)
    let cases = [
        (
            "athena",
            "bedrock",
            "team,operation",
            vec![
                "FROM bedrock_invocation_logs",
                "\"input\".\"cacheReadInputTokenCount\"",
                "element_at(\"requestMetadata\", 'team')",
                // Bedrock counts input without the cache.
                "n_input_raw + n_cache_read_tokens + n_cache_write_tokens",
            ],
        ),
        (
            "postgres",
            "litellm",
            "end_user",
            vec![
                "FROM \"LiteLLM_SpendLogs\"",
                "(CAST(\"metadata\" AS jsonb) #>> '{usage_object,cache_creation_input_tokens}')",
                "CASE WHEN n_reasoning_raw > n_output_tokens THEN n_output_tokens",
                "SET jit = off",
            ],
        ),
        (
            "clickhouse",
            "otel",
            "service.name",
            vec![
                "FROM otel_traces\n  WHERE NULLIF(`SpanAttributes`['gen_ai.usage.input_tokens'], '') IS NOT NULL",
                "toString(`Timestamp`, 'UTC')",
                "NULLIF(`ResourceAttributes`['service.name'], '') AS x_0",
            ],
        ),
    ];
    for (dialect, format, by, needles) in cases {
        let out = Tl::cmd(["sql", "--dialect", dialect, "--log-format", format])
            .book(BOOK)
            .args(["--month", "2025-10", "--by", by])
            .ok();
        let text = out.stdout.replace(env!("CARGO_PKG_VERSION"), "X.Y.Z");
        for n in needles {
            assert!(text.contains(n), "{format} on {dialect}: no {n:?}");
        }
        assert!(
            text.contains(&format!("\"log_format\":\"{format}\"")),
            "the manifest names the source"
        );
        assert_snapshot!(format!("sql_{format}_{dialect}"), text);
    }
}

#[test]
fn source_adapter_options_are_checked() {
    Tl::cmd(["sql", "--dialect", "athena", "--log-format", "bedrock"])
        .args(["--by", "outcome"])
        .fails(2)
        .stderr_has("--by outcome: a Bedrock table's outcome needs the response bodies");
    Tl::cmd(["sql", "--dialect", "postgres", "--log-format", "litellm"])
        .args([
            "--columns",
            "timestamp,provider,model,input_tokens,output_tokens",
        ])
        .fails(2)
        .stderr_has("--columns names canonical columns; a litellm table has the documented layout");
    Tl::cmd(["sql", "--dialect", "duckdb", "--log-format", "cloudtrail"]).fails(2);
    // spark-job reads Bedrock JSON with the adapter's schema (fields no file has still exist).
    let out = Tl::cmd([
        "spark-job",
        "--source",
        "s3://bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/",
        "--format",
        "json",
        "--log-format",
        "bedrock",
    ])
    .book(BOOK)
    .ok();
    assert!(out
        .stdout
        .contains("requestMetadata MAP<STRING, STRING>\"\n"));
    assert!(out.stdout.contains("reader = reader.schema(SCHEMA)"));
    assert!(out.stdout.contains("CANONICAL = []"));
}
