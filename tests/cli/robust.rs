//! Bad and hostile input (issue 15): links that loop, streams, lines without end, damaged
//! Parquet, keys and control characters in the logs, interrupted writes. Each test failed
//! before its fix.

use std::io::Write;
use std::path::Path;

use super::*;

// o3 from 2025-06-10 in the test book: 2 / 8 per million -> 1,000,000 x 2 + 100,000 x 8 = $2.8.
const HEADER: &str = "timestamp,provider,model,input_tokens,output_tokens\n";
const ROW: &str = "2025-06-20T00:00:00Z,openai,o3,1000000,100000\n";

fn one_row_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), format!("{HEADER}{ROW}")).unwrap();
    dir
}

/// A json report on the test book; logs come with `log_text`.
fn json_report() -> Tl {
    Tl::report()
        .book("pricing/test.csv")
        .args(["--format", "json"])
}

fn report_of(path: &Path) -> Tl {
    Tl::report()
        .book("pricing/test.csv")
        .arg("--logs")
        .arg(path)
        .args(["--format", "json"])
}

#[cfg(unix)]
#[test]
fn links_back_to_a_folder_are_walked_once() {
    let dir = one_row_folder();
    std::os::unix::fs::symlink(".", dir.path().join("current")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("latest")).unwrap();
    let out = report_of(dir.path()).ok();
    let j = out.json();
    assert_eq!(
        j["total"]["cost_usd"], "2.8",
        "read once, not once per link"
    );
    assert_eq!(j["accounting"]["rows_read"], 1);
    out.stderr_has("again (a link back, or named twice): not walked again");
}

#[cfg(unix)]
#[test]
fn a_file_named_twice_or_linked_is_read_once() {
    let dir = one_row_folder();
    let a = dir.path().join("a.csv");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&a, &link).unwrap();
    let out = report_of(&a)
        .arg("--logs")
        .arg(&link)
        .arg("--logs")
        .arg(&a)
        .ok();
    assert_eq!(out.json()["total"]["cost_usd"], "2.8");
    out.stderr_has("again (a link, or named twice): read once");
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
}

#[cfg(unix)]
#[test]
fn fifos_are_read_once_or_skipped_in_folders() {
    // In a folder: skipped (reading it would wait for a writer forever).
    let dir = one_row_folder();
    mkfifo(&dir.path().join("pipe.csv"));
    let out = report_of(dir.path()).ok();
    assert_eq!(out.json()["total"]["cost_usd"], "2.8");
    out.stderr_has("is not a regular file (a FIFO, socket or device): skipped");
    // Named on the command line: read once (it cannot be read twice).
    let fifo = dir.path().join("named.csv");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(format!("{HEADER}{ROW}{ROW}").as_bytes())
                .unwrap();
        })
    };
    let out = report_of(&fifo).ok();
    writer.join().unwrap();
    let j = out.json();
    assert_eq!(j["total"]["cost_usd"], "5.6");
    assert_eq!(j["accounting"]["rows_read"], 2);
}

#[test]
fn standard_input_is_read_once() {
    let out = Tl::report()
        .book("pricing/test.csv")
        .args(["--logs", "-", "--format", "json"])
        .stdin(format!("{HEADER}{ROW}{ROW}{ROW}"))
        .ok();
    assert_eq!(out.json()["total"]["cost_usd"], "8.4");
}

#[test]
fn an_overlong_line_is_rejected_and_reading_goes_on() {
    let long = format!("2025-06-20T00:00:00Z,openai,o3,1{},1\n", "0".repeat(5000));
    for (name, text) in [
        ("long.csv", format!("{HEADER}{ROW}{long}{ROW}")),
        (
            "long.jsonl",
            format!(
                "{}\n{{\"x\": \"{}\"}}\n{}\n",
                r#"{"timestamp":"2025-06-20T00:00:00Z","provider":"openai","model":"o3","input_tokens":1000000,"output_tokens":100000}"#,
                "y".repeat(5000),
                r#"{"timestamp":"2025-06-20T00:00:00Z","provider":"openai","model":"o3","input_tokens":1000000,"output_tokens":100000}"#
            ),
        ),
    ] {
        let out = Tl::report()
            .book("pricing/test.csv")
            .env("TOKENLEDGER_MAX_LINE_BYTES", "200")
            .log_text(name, text)
            .args(["--format", "json"])
            .ok();
        let j = out.json();
        assert_eq!(j["total"]["cost_usd"], "5.6", "{name}");
        assert_eq!(j["accounting"]["rejected"], 1, "{name}");
        let r = &j["rejections"][0];
        assert_eq!(
            r["line"],
            if name.ends_with("csv") { 3 } else { 2 },
            "{name}"
        );
        assert!(
            r["reason"]
                .as_str()
                .unwrap()
                .starts_with("line longer than 200 bytes"),
            "{r}"
        );
        // The message does not repeat the line.
        assert!(out.stderr.len() < 2000, "{}", out.stderr.len());
    }
}

#[test]
fn a_gzip_of_zeros_is_one_rejected_line() {
    // 4 MiB of NUL bytes without a newline, compressed to a few KiB, under a 1 MiB cap.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("{HEADER}{ROW}").as_bytes()).unwrap();
    gz.write_all(&vec![0u8; 4 << 20]).unwrap();
    gz.write_all(format!("\n{ROW}").as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    assert!(bytes.len() < 64 << 10);
    let out = Tl::report()
        .book("pricing/test.csv")
        .env("TOKENLEDGER_MAX_LINE_BYTES", &(1 << 20).to_string())
        .log_text("bomb.csv.gz", bytes)
        .args(["--format", "json"])
        .ok();
    let j = out.json();
    assert_eq!(j["total"]["cost_usd"], "5.6");
    assert_eq!(j["accounting"]["rejected"], 1);
    // Rejected for its length, without being held or quoted (memory: bench/bombs.sh).
    let reason = j["rejections"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("line longer than 1048576 bytes"),
        "{reason}"
    );
}

#[test]
fn keys_in_logs_are_never_printed_whole() {
    let key = "sk-proj-SECRETSECRETSECRET0042";
    let text = format!(
        "timestamp,provider,model,input_tokens,output_tokens,apiKey,x-api-key\n\
         2025-06-20T00:00:00Z,openai,o3,1000000,100000,{key},{key}\n\
         2025-06-20T00:00:00Z,openai,o3,{key},100000,a,b\n"
    );
    for by in ["apiKey", "x-api-key"] {
        let out = Tl::report()
            .book("pricing/test.csv")
            .log_text("keys.csv", &text)
            .args(["--by", by, "--format", "json"])
            .ok();
        assert!(!out.stdout.contains("SECRETSECRET"), "{by}: {}", out.stdout);
        assert!(!out.stderr.contains("SECRETSECRET"), "{by}: {}", out.stderr);
        assert!(out.stdout.contains("…0042#"), "the fingerprint is shown");
        assert_eq!(out.json()["accounting"]["rejected"], 1);
    }
}

#[test]
fn control_characters_from_the_logs_never_reach_the_output() {
    let evil = "o3\u{1b}[2J\u{7}\u{202e}evil";
    let text = format!(
        "timestamp,provider,model,input_tokens,output_tokens,status\n\
         2025-06-20T00:00:00Z,openai,{evil},1000,100,500\n"
    );
    for args in [
        vec!["errors"],
        vec!["report", "--format", "markdown"],
        vec!["report"],
    ] {
        let out = Tl::cmd(args.clone())
            .book("pricing/test.csv")
            .log_text("evil\u{1b}.csv", &text)
            .ok();
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!out.stdout.contains(bad), "{args:?} stdout has {bad:?}");
            assert!(!out.stderr.contains(bad), "{args:?} stderr has {bad:?}");
        }
    }
}

#[test]
fn damaged_parquet_is_that_files_error() {
    // One flipped byte every 50 across a valid file: before, 6 of 306 such files crashed the
    // run with exit 101 (decoder assertions in a worker thread, an unwrap on the metadata).
    // Two files: tokenledger's own Parquet (convert), and one pyarrow wrote as pandas users
    // have them (dictionary strings, nanosecond timestamps, 8/16-bit integers with nulls, row
    // groups of 7 rows, 256-byte pages).
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.parquet");
    Tl::convert()
        .args([
            "--logs",
            &fixture("logs/basic.csv"),
            "--to",
            "parquet",
            "-o",
        ])
        .arg(&good)
        .ok();
    let pyarrow = std::path::PathBuf::from(fixture("fuzz/log-pyarrow-types.parquet"));
    // By hand (o3 2 / 0.5 / 8): inputs 1,000..1,019 (20,190), outputs 100..119 (2,190), 13
    // rows with 10 cached: (20,190 - 130) x 2 + 130 x 0.5 + 2,190 x 8 = 57,705 -> $0.057705.
    let j = report_of(&pyarrow).args(["--exact"]).ok().json();
    assert_eq!(j["total"]["cost_usd"], "0.057705");
    assert_eq!(j["accounting"]["rows_read"], 20);
    let p = dir.path().join("bad.parquet");
    let mut errors = 0;
    for source in [&good, &pyarrow] {
        let bytes = std::fs::read(source).unwrap();
        for pos in (0..bytes.len()).step_by(50) {
            for flip in [0xff, 0x01] {
                let mut b = bytes.clone();
                b[pos] ^= flip;
                std::fs::write(&p, &b).unwrap();
                let out = Tl::report()
                    .book("pricing/test.csv")
                    .arg("--logs")
                    .arg(&p)
                    .run();
                // Never an abort (a page header's value count damaged to claim 2^64 values
                // made polars ask for 2^61 bytes: now refused by the page check first), never
                // a panic (a column decoded shorter than its batch is the file's error).
                assert!(
                    out.code == 0 || out.code == 1,
                    "byte {pos} ^ {flip:#x}: exit {}: {}",
                    out.code,
                    out.stderr
                );
                if out.code == 1 {
                    errors += 1;
                    out.stderr_has("bad.parquet");
                }
                out.stderr_lacks("panicked at");
            }
        }
    }
    assert!(errors > 0, "some damage is detected");
}

/// A Parquet log of two o3 requests (2025-06-20 and -21) with the token columns `cols`.
fn o3_parquet(dir: &Path, tokens: Vec<polars::prelude::Column>) -> std::path::PathBuf {
    use polars::prelude::*;
    let p = dir.join("o3.parquet");
    let n = 2;
    let mut all = vec![
        Column::new(
            "timestamp".into(),
            vec!["2025-06-20T00:00:00Z", "2025-06-21T00:00:00Z"],
        ),
        Column::new("provider".into(), vec!["openai"; n]),
        Column::new("model".into(), vec!["o3"; n]),
    ];
    all.extend(tokens);
    let mut df = DataFrame::new(n, all).unwrap();
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    p
}

#[test]
fn parquet_token_counts_may_be_decimal() {
    // How Spark and warehouses write integers: DECIMAL(p,0) (before: a panic, exit 101).
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let p = o3_parquet(
        dir.path(),
        vec![
            Column::new("input_tokens".into(), vec![1_000_000i64, 1_000_000])
                .cast(&DataType::Decimal(38, 0))
                .unwrap(),
            Column::new("output_tokens".into(), vec![10_000i32, 10_000]),
            Column::new("cache_read_tokens".into(), vec![0u32, 0]),
        ],
    );
    // 2 x (1,000,000 x 2 + 10,000 x 8) / 1e6 = 2 x 2.08 = 4.16
    let j = report_of(&p).ok().json();
    assert_eq!(j["total"]["cost_usd"], "4.16");
    assert_eq!(j["accounting"]["rejected"], 0);
}

#[test]
fn parquet_small_integer_columns_are_read() {
    // pandas' downcast, Spark's ShortType and DuckDB's SMALLINT write 8- and 16-bit integers;
    // before, polars refused the whole file ("cannot create series from Int16").
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let p = o3_parquet(
        dir.path(),
        vec![
            Column::new("input_tokens".into(), vec![50_000u16, 60_000]),
            Column::new("output_tokens".into(), vec![100i16, 250]),
            Column::new("cache_read_tokens".into(), vec![20u8, 0]),
            Column::new("reasoning_tokens".into(), vec![10i8, 0]),
            Column::new("status".into(), vec![200i16, 500]),
        ],
    );
    // o3 from 2025-06-10: $2 in, $0.5 cache read, $8 out.
    // Row 1: (50,000 - 20) x 2 + 20 x 0.5 + 100 x 8 = 99,960 + 10 + 800 = 100,770 -> 0.10077
    // Row 2 (status 500, still billed by default): 60,000 x 2 + 250 x 8 = 122,000 -> 0.122
    let j = report_of(&p).args(["--exact"]).ok().json();
    assert_eq!(j["total"]["cost_usd"], "0.22277");
    assert_eq!(j["accounting"]["rejected"], 0);
    assert_eq!(j["accounting"]["failed"], 1);
}

#[test]
fn outputs_appear_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("r.csv");
    std::fs::write(&out_file, "previous run\n").unwrap();
    basic().args(["--format", "csv", "-o"]).arg(&out_file).ok();
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        text.starts_with("month,") || text.contains("cost_usd"),
        "{text}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Readable as any file the user creates (the temporary file's 0600 must not stick).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        assert_eq!(mode(&out_file), mode(&plain));
        let png = dir.path().join("c.png");
        Tl::chart("spend-by-model")
            .logs("logs/basic.csv")
            .book("pricing/test.csv")
            .arg("-o")
            .arg(&png)
            .ok();
        assert_eq!(mode(&png), mode(&plain));
    }
}

#[cfg(unix)]
#[test]
fn a_killed_convert_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let mut text = String::from(HEADER);
    for i in 0..200_000 {
        text.push_str(&format!(
            "2025-06-20T00:00:{:02}Z,openai,o3,{},{}\n",
            i % 60,
            1000 + i,
            100 + i % 7
        ));
    }
    std::fs::write(&big, text).unwrap();
    let target = dir.path().join("out.csv");
    let mut child = Tl::convert()
        .arg("--logs")
        .arg(&big)
        .args(["--to", "csv", "-o"])
        .arg(&target)
        .command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once output has begun (any file in the folder besides the input has bytes).
    let started = std::time::Instant::now();
    let writing = loop {
        if child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 60 {
            break false;
        }
        let begun = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name() != "big.csv")
            .any(|e| e.metadata().map(|m| m.len()).unwrap_or(0) > 0);
        if begun {
            break true;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        writing,
        "the conversion ended before it could be interrupted"
    );
    // Under the final name: nothing, or (killed between the rename and the exit) all of it.
    if target.exists() {
        let lines = std::fs::read_to_string(&target).unwrap().lines().count();
        assert_eq!(lines, 200_001, "a partial file under the final name");
    }
}

#[test]
fn out_dir_folders_of_different_periods_never_collide() {
    // Before: both of the first two went to 2025-06-01_2025-06-02 (the UTC dates only), and
    // the Berlin June to 2025-06 like UTC's; a rerun replaces its own folder whole.
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        basic().args(args).arg("--out-dir").arg(dir.path()).ok();
    };
    run(&[
        "--from",
        "2025-06-01T00:00:00Z",
        "--to",
        "2025-06-02T00:00:00Z",
    ]);
    run(&[
        "--from",
        "2025-06-01T00:00:00Z",
        "--to",
        "2025-06-02T12:30:00Z",
    ]);
    run(&["--month", "2025-06", "--tz", "Europe/Berlin"]);
    run(&["--month", "2025-06"]);
    run(&["--month", "2025-06"]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2025-06",
            "2025-06-01_2025-06-02",
            "2025-06-01_2025-06-02T123000Z",
            "2025-06_Europe-Berlin"
        ]
    );
}

#[test]
fn regions_match_whatever_their_case() {
    // The regional row (3 per million input) applies to EU-CENTRAL-1 too; before, the logged
    // upper case missed it and the request was priced at the region-less 1.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book.csv");
    std::fs::write(
        &book,
        "provider,model,effective_from,input_per_mtok,output_per_mtok,region\n\
         aws-bedrock,m1,2025-01-01,1,2,\n\
         aws-bedrock,m1,2025-01-01,3,4,eu-central-1\n",
    )
    .unwrap();
    let j = Tl::report()
        .arg("--pricing")
        .arg(&book)
        .log_text(
            "r.csv",
            "timestamp,provider,model,input_tokens,output_tokens,region\n\
             2025-06-01T00:00:00Z,aws-bedrock,m1,1000000,0,EU-CENTRAL-1\n\
             2025-06-01T00:00:00Z,aws-bedrock,m1,1000000,0,eu-central-1\n",
        )
        .args(["--format", "json"])
        .json();
    assert_eq!(j["total"]["cost_usd"], "6");
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_device_is_written_in_place() {
    // `-o /dev/stdout` cannot be replaced by a rename (as root it would replace the link).
    let out = basic().args(["--format", "csv", "-o", "/dev/stdout"]).ok();
    out.stdout_has("cost_usd");
    assert!(std::path::Path::new("/dev/stdout").exists());
}

#[test]
fn a_damaged_parquet_aggregate_file_is_its_error() {
    // Found by fuzz/ (target `aggregates`): a polars bitmap assertion, exit 101 before.
    let out = Tl::report()
        .args([
            "--aggregates",
            &fixture("fuzz/aggregates-bitmap-assert.parquet"),
        ])
        .fails(1);
    // (Since the page check, refused before polars decodes it.)
    out.stderr_has("aggregates-bitmap-assert.parquet: not a readable Parquet file: row group 1");
    // The second finding: an unwrap on a Thrift error in polars-parquet's page header, still
    // reached: the decoder's message is quoted in the file's error, not dumped as a panic report.
    let out = Tl::report()
        .args([
            "--aggregates",
            &fixture("fuzz/aggregates-thrift-unwrap.parquet"),
        ])
        .fails(1);
    out.stderr_has("aggregates-thrift-unwrap.parquet: not a readable Parquet file");
    out.stderr_has("the decoder stopped: ");
    out.stderr_lacks("panicked at");
    out.stderr_lacks("RUST_BACKTRACE");
    // The third (fork mode, 2026-12-01): a data page claiming a negative number of values, which
    // polars reads as about 2^64 and reserves 2^61 bytes for: "memory allocation of
    // 2305843009213693952 bytes failed", exit 134, before the page check.
    Tl::report()
        .args([
            "--aggregates",
            &fixture("fuzz/aggregates-negative-page-count.parquet"),
        ])
        .fails(1)
        .stderr_has("column \"reason\", page 1: claims more values than its column chunk (34)");
    // The fourth (fork mode, after the page check): a row group's column list declaring
    // 5,846,854,885 entries in a 5 KB footer (1,551,887,589 as polars reads a count, an i32);
    // polars reserved 322 GB for it and the allocator aborted (exit 134), for --aggregates and
    // for the same file as a log alike.
    let file = fixture("fuzz/aggregates-footer-list-length.parquet");
    Tl::report()
        .args(["--aggregates", &file])
        .fails(1)
        .stderr_has("damaged footer: 1551887589 elements declared where 5508 bytes remain");
    Tl::report()
        .book("pricing/test.csv")
        .args(["--logs", &file])
        .fails(1)
        .stderr_has("aggregates-footer-list-length.parquet: damaged file: damaged footer: ");
    // The fifth (target parquet_log, 2026-12-07): the schema list behind a field header that
    // declares another type. polars reads fields by id whatever their declared type, and the
    // footer walk followed the declared types: 194 GB reserved, "memory allocation of
    // 194041728920 bytes failed", exit 134. The walk now reads the footer as polars does.
    let out = Tl::report()
        .book("pricing/test.csv")
        .args(["--logs", &fixture("fuzz/log-footer-schema-list.parquet")])
        .fails(1);
    out.stderr_has("log-footer-schema-list.parquet: damaged file: damaged footer: 1865785855 elements declared where 5901 bytes remain")
        .stderr_lacks("memory allocation");
}

#[test]
fn a_negative_page_value_count_in_a_log_is_that_files_error_not_an_abort() {
    // A 3-row canonical log (pyarrow, plain encoding, v1 pages) whose input_tokens data page
    // header was patched from 3 values to -5: exit 134 and no report before, for every file of
    // the run; now that file's error.
    let out = Tl::report()
        .book("pricing/test.csv")
        .args(["--logs", &fixture("fuzz/log-negative-page-count.parquet")])
        .fails(1);
    out.stderr_has(
        "log-negative-page-count.parquet: damaged file: row group 1, column \"input_tokens\", \
         page 1: claims more values than its column chunk (3): a damaged page header",
    );
    out.stderr_lacks("memory allocation");
}

#[test]
fn a_key_repeated_in_a_json_record_rejects_that_record() {
    // Which of two `input_tokens` is meant is unknown (serde_json kept the last and billed it,
    // as a CSV header naming a column twice is refused): the record is rejected, named by line,
    // in JSON Lines, in a streamed top-level array, nested, and in Claude Code transcripts.
    let rec = |extra: &str| {
        format!(
            "{{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"openai\",\"model\":\"o3\",\
             {extra}\"input_tokens\":1000000,\"output_tokens\":100000}}"
        )
    };
    let lines = format!(
        "{}\n{}\n{}\n",
        rec(""),
        rec("\"input_tokens\":5,"),
        rec("\"tags\":{\"team\":\"a\",\"team\":\"b\"},")
    );
    let out = json_report().log_text("u.jsonl", &lines).run();
    let j = out.json();
    assert_eq!(
        j["total"]["cost_usd"], "2.8",
        "only the first line is billed"
    );
    assert_eq!(j["accounting"]["rows_read"], 3);
    assert_eq!(j["accounting"]["rejected"], 2);
    out.stderr_has("u.jsonl:2: row: key \"input_tokens\" appears twice in one object");
    out.stderr_has("u.jsonl:3: row: key \"team\" appears twice in one object");

    let array = format!("[{},\n{}]\n", rec("\"output_tokens\":1,"), rec(""));
    let out = json_report().log_text("a.json", &array).run();
    assert_eq!(out.json()["total"]["cost_usd"], "2.8");
    out.stderr_has("a.json:1: row: key \"output_tokens\" appears twice");

    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("projects").join("p");
    std::fs::create_dir_all(&proj).unwrap();
    let line = |id: &str, usage: &str| {
        format!(
            "{{\"type\":\"assistant\",\"sessionId\":\"s\",\"requestId\":\"{id}\",\"timestamp\":\
             \"2025-10-20T10:00:00Z\",\"message\":{{\"id\":\"{id}\",\"model\":\
             \"claude-sonnet-4-5-20250929\",\"usage\":{{{usage}}}}}}}\n"
        )
    };
    std::fs::write(
        proj.join("s.jsonl"),
        line("m1", "\"input_tokens\":1000000,\"output_tokens\":0")
            + &line(
                "m2",
                "\"input_tokens\":1000000,\"output_tokens\":0,\"output_tokens\":9",
            ),
    )
    .unwrap();
    let out = Tl::report()
        .logs(dir.path())
        .book("native/pricing")
        .args(["--format", "json"])
        .run();
    let j = out.json();
    assert_eq!(j["accounting"]["rows_read"], 2);
    assert_eq!(j["accounting"]["rejected"], 1);
    assert_eq!(j["total"]["input_tokens"], 1_000_000);
    out.stderr_has("s.jsonl:2: row: key \"output_tokens\" appears twice in one object");
}

#[test]
fn old_mac_line_ends_number_lines_like_any_other() {
    // Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: rows were read but every
    // rejection said line 1 (CSV), and a JSON Lines file was one rejected line.
    let csv = "timestamp,provider,model,input_tokens,output_tokens\r\
               2025-06-20T00:00:00Z,openai,o3,1000000,100000\r\
               2025-06-20T00:00:00Z,openai,o3,x,1\r\
               \r\
               2025-06-20T00:00:00Z,openai,o3,1,y\r";
    let out = json_report().log_text("mac.csv", csv).run();
    let j = out.json();
    assert_eq!(j["total"]["cost_usd"], "2.8");
    assert_eq!(j["accounting"]["rows_read"], 3);
    out.stderr_has("mac.csv:3: input_tokens");
    out.stderr_has("mac.csv:5: output_tokens");

    let jsonl = format!(
        "{}\r{}\r",
        "{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"openai\",\"model\":\"o3\",\"input_tokens\":1000000,\"output_tokens\":100000}",
        "{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"openai\",\"model\":\"o3\",\"input_tokens\":\"q\",\"output_tokens\":1}"
    );
    let out = json_report().log_text("mac.jsonl", jsonl).run();
    assert_eq!(out.json()["total"]["cost_usd"], "2.8");
    assert_eq!(out.json()["accounting"]["rows_read"], 2);
    out.stderr_has("mac.jsonl:2: input_tokens");
}

#[test]
fn negative_zero_is_zero() {
    // JSON allows -0 (serde_json gives it back as -0.0): a count of zero, not a negative one.
    let out = json_report()
        .log_text(
            "z.jsonl",
            "{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"openai\",\"model\":\"o3\",\"input_tokens\":-0,\"output_tokens\":100000}\n",
        )
        .log_text(
            "z.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n\
             2025-06-20T00:00:00Z,openai,o3,1000000,-0\n\
             2025-06-20T00:00:00Z,openai,o3,-1,0\n",
        )
        .run();
    let j = out.json();
    // 100,000 x 8 + 1,000,000 x 2 per million = 0.8 + 2
    assert_eq!(j["total"]["cost_usd"], "2.8");
    assert_eq!(j["accounting"]["rejected"], 1);
    out.stderr_has("z.csv:3: input_tokens: negative value \"-1\"");
}

#[test]
fn concatenated_pretty_documents_stream_with_their_lines() {
    // API pages appended to one file (`>> usage.json`): read a document at a time now, each
    // rejection naming the line its document starts on.
    let doc = |input: &str| {
        format!(
            "{{\n  \"timestamp\": \"2025-06-20T00:00:00Z\",\n  \"provider\": \"openai\",\n  \
             \"model\": \"o3\",\n  \"input_tokens\": {input},\n  \"output_tokens\": 100000\n}}\n"
        )
    };
    // Documents of 7 lines: they start on lines 1, 8, 15 and 23 (a blank line before the last).
    let text = format!(
        "{}{}{}\n{}",
        doc("1000000"),
        doc("\"x\""),
        doc("1000000"),
        doc("1000000").replace("\"model\"", "\"input_tokens\": 1,\n  \"model\"")
    );
    let out = json_report().log_text("pages.json", &text).run();
    let j = out.json();
    assert_eq!(j["total"]["cost_usd"], "5.6", "documents 1 and 3");
    assert_eq!(j["accounting"]["rows_read"], 4);
    assert_eq!(j["accounting"]["rejected"], 2);
    out.stderr_has("pages.json:8: input_tokens");
    out.stderr_has("pages.json:23: row: key \"input_tokens\" appears twice");

    // A document broken in the middle of the file stops that file, naming the line.
    let broken = format!("{}{{\n  \"timestamp\": \n}}\n{}", doc("1"), doc("1"));
    json_report()
        .log_text("broken.json", broken)
        .fails(1)
        .stderr_has("broken.json: line 10, column 1: invalid JSON: expected value\n");
}

/// A key shifted into the `model` or `provider` column (a row with a missing field) is never
/// printed: not in the unpriced warning, the unpriced table, the HTML page, json, csv, FOCUS or
/// a chart; its fingerprint stands in for it.
#[test]
fn a_key_in_the_model_or_provider_column_is_printed_nowhere() {
    const KEYS: [&str; 2] = [
        "sk-proj-Zq8vN3xW5tY7uB9kL2mP4rS6dF1gH0jK",
        "sk-ant-api03-Hn4Xw8Tq2Lm6Pz9Rv3Kb7Yc1Jd5Fg0",
    ];
    let no_key = |what: &str, text: &str| {
        for k in KEYS {
            assert!(!text.contains(k), "{what} shows a key:\n{text}");
            // Nor its first 16 characters.
            assert!(
                !text.contains(&k[..16]),
                "{what} shows part of a key:\n{text}"
            );
        }
    };
    for format in ["table", "json", "csv", "markdown", "html", "focus"] {
        let out = Tl::report()
            .logs("leaks/shifted.csv")
            .args(["--by", "provider,model", "--format", format])
            .ok();
        no_key(format, &out.stdout);
        no_key(&format!("{format} stderr"), &out.stderr);
        if format == "table" {
            out.stdout_has("UNPRICED");
            out.stderr_has("UNPRICED openai/…");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("c.svg");
    Tl::chart("spend-by-model")
        .logs("leaks/shifted.csv")
        .arg("--output")
        .arg(&svg)
        .ok();
    no_key("svg chart", &std::fs::read_to_string(&svg).unwrap());
    let compare = Tl::compare().logs("leaks/shifted.csv").ok();
    no_key("compare", &compare.stdout);
    no_key("compare stderr", &compare.stderr);
    // A file named after a key (a folder a script made per key): its rejections name the file
    // with the key fingerprinted.
    let named = Tl::report()
        .log_text(
            &format!("{}.csv", KEYS[0]),
            "timestamp,provider,model,input_tokens,output_tokens\n\
             2026-03-01T00:00:00Z,openai,gpt-4.1-2025-04-14,1000,100\n\
             2026-03-01T00:00:00Z,openai,gpt-4.1-2025-04-14,-1,100\n",
        )
        .ok();
    named
        .stderr_has("rejected")
        .stderr_has(".csv:3: input_tokens");
    no_key("file name in a rejection", &named.stderr);
    no_key("file name in the report", &named.stdout);
}

/// Charts sanitise their text like every other output: a bidirectional override or a control
/// character in a model name never reaches the SVG (where a C0 control is not even valid XML).
#[test]
fn svg_charts_sanitise_model_names() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("c.svg");
    Tl::chart("tokens")
        .log_text(
            "bidi.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n\
             2026-03-01T00:00:00Z,openai,gpt\u{202E}live\u{7}-1,1000,100\n",
        )
        .arg("--output")
        .arg(&svg)
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<svg"), "{text}");
    assert!(
        !text.contains('\u{202E}') && !text.contains('\u{7}'),
        "unsafe characters in the SVG"
    );
}
