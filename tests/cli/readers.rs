//! Log readers: JSONL, gzip, Parquet, every native format, detection, line numbers, bad bytes
//! and the parallel CSV reader.

use super::*;

// ---- native log formats (tests/data/native/, priced with tests/data/native/pricing) ----

/// `report` on a fixture under tests/data/native, priced with the native fixtures' book.
fn native(path: &str) -> Tl {
    Tl::report()
        .logs(format!("native/{path}"))
        .book("native/pricing")
}

/// `report` on a log written from `text`, priced with the native fixtures' book.
fn native_text(name: &str, text: impl AsRef<[u8]>) -> Tl {
    Tl::report().book("native/pricing").log_text(name, text)
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
    let out = Tl::report()
        .logs(dir.path())
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .ok();
    let v = out.json();
    // 14 + 2.5 + 0.0507 + 0.0528 + 0.0165 (basic.csv, see main.rs)
    assert_eq!(v["total"]["cost_usd"], "16.62");
    assert_eq!(v["accounting"]["duplicates"], 1);
    assert_eq!(v["accounting"]["rejected"], 2);
    assert_eq!(v["accounting"]["rows_read"], 9);
    let p = path.display().to_string();
    out.stderr_has(&format!("{p}:9: row: invalid JSON"))
        .stderr_has(&format!("{p}:10: model: expected a string"));
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
    let v = Tl::report().logs(&path).book("pricing/test.csv").json();
    // 14 + 2.5 + 60,000*0.88/1e6 = 16.5528
    assert_eq!(v["total"]["cost_usd"], "16.5528");
}

#[test]
fn map_renames_the_columns_of_parquet_and_jsonl_logs() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "created" => ["2025-06-10T00:00:00Z"],
        "provider" => ["openai"],
        "model" => ["o3"],
        "prompt_tokens" => [1_000_000i64],
        "completion_tokens" => [100_000i64],
    )
    .unwrap();
    let parquet = dir.path().join("gw.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut df)
        .unwrap();
    let jsonl = dir.path().join("gw.jsonl");
    std::fs::write(
        &jsonl,
        "{\"created\":\"2025-06-10T00:00:00Z\",\"provider\":\"openai\",\"model\":\"o3\",\"prompt_tokens\":1000000,\"completion_tokens\":100000}\n",
    )
    .unwrap();
    let map = "created=timestamp,prompt_tokens=input_tokens,completion_tokens=output_tokens";
    // Told canonical by their columns as renamed (no --log-format).
    for path in [&parquet, &jsonl] {
        let v = Tl::report()
            .logs(path)
            .book("pricing/test.csv")
            .args(["--map", map])
            .json();
        // o3 on 2025-06-10 at 2 / 8 per million: 2 + 0.8.
        assert_eq!(v["total"]["cost_usd"], "2.8", "{}", path.display());
        assert_eq!(v["accounting"]["rejected"], 0, "{}", path.display());
    }
    // Without the map the Parquet file is one file error naming what is missing.
    Tl::report()
        .logs(&parquet)
        .book("pricing/test.csv")
        .fails(1)
        .stderr_has("not a canonical log: no column timestamp, input_tokens, output_tokens");
}

#[test]
fn parquet_streams_in_batches_of_row_groups_with_exact_line_numbers() {
    use polars::prelude::*;
    // 300,000 rows in 1,000-row groups: several batches, read by several workers and delivered
    // in file order. Row 250,001 has a negative count, row 200,000 repeats the request id of
    // row 10 (a duplicate across batches) with other counts: the first occurrence must win.
    const N: usize = 300_000;
    let input: Vec<i64> = (0..N)
        .map(|i| match i {
            250_000 => -5,
            199_999 => 9_000_000,
            _ => 1000,
        })
        .collect();
    let ids: Vec<String> = (0..N)
        .map(|i| {
            if i == 199_999 {
                "r-9".to_string()
            } else {
                format!("r-{i}")
            }
        })
        .collect();
    let mut df = df!(
        "timestamp" => vec!["2025-06-20T08:00:00Z"; N],
        "provider" => vec!["together"; N],
        "model" => vec!["llama-3.3-70b"; N],
        "input_tokens" => input,
        "output_tokens" => vec![100i32; N],
        "request_id" => ids,
        "batch" => vec![false; N],
        "unused" => vec!["x"; N],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .with_row_group_size(Some(1000))
        .finish(&mut df)
        .unwrap();
    let out = Tl::report()
        .logs(&path)
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .ok();
    out.stderr_has(&format!(
        "{}:250001: input_tokens: negative value",
        path.display()
    ));
    let v = out.json();
    // 299,998 requests x 1,100 tokens x $0.88 / 1M = 290.398064
    assert_eq!(v["total"]["cost_usd"], "290.398064");
    assert_eq!(v["accounting"]["rows_read"], 300_000);
    assert_eq!(v["accounting"]["rejected"], 1);
    assert_eq!(v["accounting"]["duplicates"], 1);
}

#[test]
fn line_numbers_survive_crlf_and_blank_lines() {
    let text = b"timestamp,provider,model,input_tokens,output_tokens\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,1,1\r\n\r\n\r\n2025-06-20T00:00:00Z,together,llama-3.3-70b,-1,1\r\n";
    let out = basic_text("crlf.csv", text).args(["--format", "csv"]).ok();
    let p = out.file(0);
    out.stderr_has(&format!("{p}:5: input_tokens: negative value"));
}

#[test]
fn an_invalid_utf8_line_is_rejected_and_the_rest_is_read() {
    let text = b"{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"together\",\"model\":\"llama-3.3-70b\",\"input_tokens\":1000000,\"output_tokens\":0}\n{\"timestamp\":\"2025-06-20T00:00:00Z\",\"provider\":\"together\",\"model\":\"x\xff\",\"input_tokens\":1,\"output_tokens\":0}\n{\"timestamp\":\"2025-06-21T00:00:00Z\",\"provider\":\"together\",\"model\":\"llama-3.3-70b\",\"input_tokens\":1000000,\"output_tokens\":0}\n";
    let out = basic_text("u.jsonl", text).args(["--format", "json"]).ok();
    let p = out.file(0);
    out.stderr_has(&format!("{p}:2: row: not valid UTF-8"));
    let v = out.json();
    assert_eq!(v["total"]["cost_usd"], "1.76");
    assert_eq!(v["accounting"]["rejected"], 1);
}

#[test]
fn bedrock_invocation_logs() {
    // r-1: input 1,000 + cache read 2,000 + cache write 500 (Bedrock input excludes cache) = 3,500,
    //      output 300; its second copy is a duplicate. r-3: guardrail-blocked, no counts. r-4:
    //      throttled (429), no counts. r-5: Llama 1,000,000 in. r-6 (inside a CloudWatch
    //      "@message"): 100 in, 10 out. Last line: not JSON, rejected.
    // Cost: r-1 1,000*3 + 2,000*0.3 + 500*3.75 + 300*15 = 9,975 -> 0.009975; r-5 0.72;
    //       r-6 100*3 + 10*15 = 450 -> 0.00045. Total 0.730425.
    let v = native("bedrock/invocations.jsonl")
        .args(["--by", "model,outcome"])
        .json();
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
    let by_project = native("bedrock/invocations.jsonl")
        .args(["--by", "project,team,inference_region,status"])
        .json();
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
    // Cost: 800,000*2.5 + 200,000*1.25 + 100,000*10 = 3.25; o3 at the batch rates 1/4:
    // 10,000*1 + 5,000*4 = 0.03; 500*2.5 + 500*1.25 + 200*10 = 0.003875; 2,000*2 + 1,000*8
    // = 0.012. Total 3.295875.
    let v = native("openai").args(["--by", "model"]).json();
    assert_eq!(totals(&v), (56, 1_013_005, 200_500, 0, 106_205));
    assert_eq!(v["total"]["cost_usd"], "3.295875");
    assert_eq!(v["total"]["reasoning_tokens"], 600);
    assert_eq!(
        row(&v, "model", "(model not grouped)")["unpriced_requests"],
        1
    );
    let by_key = native("openai/usage-page.json")
        .args(["--by", "project,api_key,batch"])
        .json();
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
    let v = native("anthropic").json();
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
    let v = native("claude")
        .args(["--by", "project,session,model"])
        .json();
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
    let v = native("litellm/spend.csv")
        .args(["--by", "provider,status,user,project"])
        .json();
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
    let v = native("otel/traces.json")
        .args(["--by", "provider,status,service.name"])
        .json();
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
    let mut tl = Tl::report().book("native/pricing");
    for d in [
        "bedrock",
        "openai",
        "anthropic",
        "claude",
        "litellm",
        "otel",
    ] {
        tl = tl.logs(format!("native/{d}"));
    }
    let v = tl.json();
    assert_eq!(v["total"]["requests"], 74, "{:#}", v["accounting"]);
    assert_eq!(v["accounting"]["rejected"], 4); // bedrock, anthropic, claude, litellm: 1 each
    assert_eq!(v["accounting"]["duplicates"], 2);
}

#[test]
fn a_file_in_no_known_format_is_named_with_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let mystery = dir.path().join("mystery.json");
    std::fs::write(&mystery, "{\"hello\": \"world\"}\n").unwrap();
    // Named on the command line: an error that says what was expected.
    Tl::report()
        .logs(&mystery)
        .fails(1)
        .stderr_has("mystery.json: not a recognised log format")
        .stderr_has("--log-format");
    // Inside a folder: skipped with a warning, and the rest of the folder is read.
    std::fs::copy(fixture("logs/basic.csv"), dir.path().join("basic.csv")).unwrap();
    let out = Tl::report()
        .logs(dir.path())
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .ok();
    out.stderr_has("warning: skipped ")
        .stderr_has("mystery.json: not a recognised log format");
    assert_eq!(out.json()["total"]["cost_usd"], "17.5");
    let v = Tl::report()
        .logs(&mystery)
        .args(["--log-format", "bedrock"])
        .json();
    assert_eq!(v["accounting"]["rejected"], 1);
}

/// `--logs -` reads standard input; a named file with another extension (`.log`, none) is read
/// by its content; `--exclude` leaves files of a folder out.
#[test]
fn stdin_other_names_and_excluded_files() {
    let basic_csv = std::fs::read(fixture("logs/basic.csv")).unwrap();
    let out = Tl::report()
        .args(["--logs", "-"])
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .stdin(basic_csv.clone())
        .ok();
    // basic.csv's total (main.rs); rejections name <stdin> and the line.
    assert_eq!(out.json()["total"]["cost_usd"], "17.5");
    out.stderr_has("<stdin>:12: timestamp");
    let v = basic_text("usage.log", &basic_csv).json();
    assert_eq!(v["total"]["cost_usd"], "17.5");
    let v = basic_text("usage", &basic_csv).json();
    assert_eq!(v["total"]["cost_usd"], "17.5");
    // A folder with two copies, one excluded: counted once (the second copy's rows would all
    // be duplicates or double the ids-less rows).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), &basic_csv).unwrap();
    std::fs::create_dir(dir.path().join("archive")).unwrap();
    std::fs::write(dir.path().join("archive/old.csv"), &basic_csv).unwrap();
    let v = Tl::report()
        .logs(dir.path())
        .book("pricing/test.csv")
        .args(["--exclude", "archive"])
        .json();
    assert_eq!(v["accounting"]["rows_read"], 14);
    let all = Tl::report()
        .logs(dir.path())
        .book("pricing/test.csv")
        .json();
    assert_eq!(all["accounting"]["rows_read"], 28);
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
    let v = Tl::report()
        .logs(dir.path())
        .book("native/pricing")
        .args(["--by", "model"])
        .json();
    assert_eq!(v["rows"][0]["model"], "claude-sonnet-4-5-20250929-fast");
    assert_eq!(v["total"]["unpriced_requests"], 1);
}

#[test]
fn canonical_json_arrays_and_pretty_documents_are_read_whole() {
    let text = "[\n  {\"timestamp\": \"2025-06-20T00:00:00Z\", \"provider\": \"together\", \"model\": \"meta-llama/Llama-3.3-70B-Instruct-Turbo\", \"input_tokens\": 1000000, \"output_tokens\": 0},\n  {\"timestamp\": \"2025-06-21T00:00:00Z\", \"provider\": \"together\", \"model\": \"meta-llama/Llama-3.3-70B-Instruct-Turbo\", \"input_tokens\": 1000000, \"output_tokens\": 0}\n]\n";
    let v = native_text("usage.json", text).json();
    assert_eq!(v["total"]["requests"], 2);
    assert_eq!(v["total"]["cost_usd"], "1.76");
}

#[test]
fn millisecond_timestamps_are_not_read_as_seconds() {
    // 1760954400000 ms = 2025-10-20T10:00:00Z
    let text = "{\"timestamp\":1760954400000,\"response\":{\"id\":\"m\",\"type\":\"message\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n";
    let v = native_text("a.jsonl", text).args(["--by", "day"]).json();
    assert_eq!(v["rows"][0]["day"], "2025-10-20");
    assert_eq!(v["total"]["cost_usd"], "1");
}

#[test]
fn a_bad_first_jsonl_line_is_one_rejected_line() {
    let good = "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2025-08-16T00:00:00Z\",\"requestId\":\"r\",\"operation\":\"Converse\",\"modelId\":\"meta.llama3-3-70b-instruct-v1:0\",\"input\":{\"inputTokenCount\":1000000},\"output\":{\"outputTokenCount\":0}}";
    let text = format!("{{\"schemaType\":\"ModelInvocationLog\",\"timestamp\n{good}\n");
    let out = native_text("b.jsonl", &text)
        .args(["--log-format", "bedrock", "--format", "json"])
        .ok();
    let p = out.file(0);
    let v = out.json();
    assert_eq!(v["accounting"]["rejected"], 1);
    assert_eq!(v["total"]["cost_usd"], "0.72");
    out.stderr_has(&format!("{p}:1: row: invalid JSON"));
}

#[test]
fn litellm_rows_with_missing_fields_are_rejected_not_free() {
    let text = "request_id,call_type,spend,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\na1,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai,1000,10\na2,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai\na3,acompletion,0.05,2025-08-22 10:00:00,gpt-4o-2024-08-06,openai,,\n";
    let out = native_text("spend.csv", text)
        .args(["--format", "json"])
        .ok();
    let p = out.file(0);
    let v = out.json();
    assert_eq!(v["total"]["requests"], 1);
    assert_eq!(v["accounting"]["rejected"], 2);
    out.stderr_has(&format!("{p}:3: row: expected 8 fields"));
    out.stderr_has(&format!("{p}:4: prompt_tokens: missing value"));
}

#[test]
fn anthropic_reports_starting_with_empty_buckets_and_wrapped_openai_bodies_are_detected() {
    let mut buckets: Vec<String> = (1..=21)
        .map(|d| format!("{{\"starting_at\":\"2025-10-{d:02}T00:00:00Z\",\"ending_at\":\"2025-10-{:02}T00:00:00Z\",\"results\":[]}}", d + 1))
        .collect();
    buckets.push("{\"starting_at\":\"2025-10-22T00:00:00Z\",\"ending_at\":\"2025-10-23T00:00:00Z\",\"results\":[{\"uncached_input_tokens\":1000000,\"cache_read_input_tokens\":0,\"output_tokens\":0,\"model\":\"claude-haiku-4-5-20251001\"}]}".into());
    let v = native_text("report.json", format!("[{}]", buckets.join(","))).json();
    assert_eq!(v["total"]["cost_usd"], "1");
    // A Responses API body logged inside a wrapper is OpenAI's, with its cached tokens.
    let text = "{\"timestamp\":\"2025-08-01T00:00:00Z\",\"response\":{\"object\":\"response\",\"id\":\"resp_9\",\"model\":\"gpt-4o-2024-08-06\",\"usage\":{\"input_tokens\":1000000,\"input_tokens_details\":{\"cached_tokens\":800000},\"output_tokens\":0}}}\n";
    let v = native_text("w.jsonl", text)
        .args(["--by", "provider"])
        .json();
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
    let out = Tl::report()
        .logs(root_dir)
        .book("native/pricing")
        .args(["--format", "json"])
        .ok();
    assert_eq!(out.json()["total"]["cost_usd"], "1");
    // The folder's other files are the tool's own: left out without a note.
    out.stderr_lacks("skipped").stderr_lacks("settings.json");
}

#[test]
fn rows_outside_the_period_are_skipped_cheaply_but_still_dedupe() {
    // x is logged in May and again in June: with --month 2025-06 the June copy is a duplicate
    // of a row outside the period, not new usage. Rows with request ids are validated fully
    // even outside the period (an invalid row must not make a valid one a duplicate): the bad
    // May row y is rejected. A bad row without an id outside the period costs only its
    // timestamp and counts as outside the period.
    let text = "timestamp,provider,model,input_tokens,output_tokens,request_id\n2025-05-31T23:00:00Z,together,llama-3.3-70b,1000000,0,x\n2025-05-15T00:00:00Z,together,llama-3.3-70b,-1,0,y\n2025-06-01T01:00:00Z,together,llama-3.3-70b,1000000,0,x\n2025-06-02T00:00:00Z,together,llama-3.3-70b,1000000,0,z\n2025-05-16T00:00:00Z,together,llama-3.3-70b,-1,0,\n";
    let v = basic_text("period.csv", text)
        .args(["--month", "2025-06"])
        .json();
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

/// Runs `tl` with the sequential and the parallel CSV reader and asserts the same exit code,
/// stdout and stderr; returns the sequential run.
fn assert_same_in_parallel(name: &str, tl: impl Fn() -> Tl) -> Out {
    let go = |min: &str| tl().env("TOKENLEDGER_PARALLEL_MIN_BYTES", min).run();
    let (seq, par) = (go("999999999999"), go("0"));
    assert_eq!(
        (seq.code, &seq.stdout, &seq.stderr),
        (par.code, &par.stdout, &par.stderr),
        "{name}"
    );
    seq
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
    type Case<'a> = (&'a str, Box<dyn Fn() -> Tl + 'a>);
    let cases: Vec<Case> = vec![
        (
            "basic by day",
            Box::new(|| basic().args(["--by", "day,model,user,team"])),
        ),
        (
            "basic June",
            Box::new(|| basic().args(["--month", "2025-06"])),
        ),
        (
            "odd",
            Box::new(|| Tl::report().logs(&odd).book("pricing/test.csv")),
        ),
        (
            "bundled sample",
            Box::new(|| Tl::report().args(["--by", "month,provider,model,project"])),
        ),
    ];
    for (name, tl) in &cases {
        assert_same_in_parallel(name, || tl().args(["--format", "json"]));
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
        let seq = assert_same_in_parallel(name, || {
            Tl::report()
                .logs(&p)
                .book("pricing/test.csv")
                .args(["--format", "json"])
        });
        assert_eq!(seq.code, 0, "{name}: {}", seq.stderr);
    }
}

/// A large file whose first blocks are plain and a later one is not (a quoted field, a lone
/// carriage return, a line over the cap): the block reader reads the plain blocks and the
/// sequential one the rest, and the report, rejections and duplicates included, is the one the
/// sequential reader gives alone.
#[test]
fn a_late_quote_hands_the_rest_to_the_sequential_reader() {
    let dir = tempfile::tempdir().unwrap();
    let head = "timestamp,provider,model,input_tokens,output_tokens,request_id,user\n";
    let row = |i: usize| {
        format!(
            "2025-06-{:02}T00:00:00Z,together,llama-3.3-70b,{},1,r{i},u{}\n",
            1 + i % 28,
            1000 + i % 97,
            i % 13
        )
    };
    for (name, late) in [
        (
            "quote",
            "2025-06-20T00:00:00Z,together,llama-3.3-70b,5,1,q1,\"a, \"\"quoted\"\" user\"\n",
        ),
        (
            "cr",
            "2025-06-20T00:00:00Z,together,llama-3.3-70b,5,1,q1,lone\rcr\n",
        ),
        (
            "long",
            "2025-06-20T00:00:00Z,together,llama-3.3-70b,5,1,q1,LONG\n",
        ),
    ] {
        let mut text = String::from(head);
        // Early: a rejected row and an id seen again after the late block.
        text.push_str("2025-06-01T00:00:00Z,together,llama-3.3-70b,-5,1,bad,u\n");
        text.push_str(&row(7).replace(",r7,", ",dup,"));
        for i in 0..60_000 {
            text.push_str(&row(i));
        }
        let late = late.replace("LONG", &"x".repeat(5_000));
        text.push_str(&late);
        for i in 60_000..61_000 {
            text.push_str(&row(i));
        }
        text.push_str(&row(8).replace(",r8,", ",dup,"));
        let p = dir.path().join(format!("{name}.csv"));
        std::fs::write(&p, &text).unwrap();
        assert!(text.len() > 3 << 20, "more than one block");
        let seq = assert_same_in_parallel(name, || {
            Tl::report()
                .logs(&p)
                .book("pricing/test.csv")
                .env("TOKENLEDGER_MAX_LINE_BYTES", "4096")
                .args(["--format", "json", "--by", "user"])
        });
        let v: Value = serde_json::from_str(&seq.stdout).unwrap();
        assert_eq!(v["accounting"]["duplicates"], 1, "{name}");
        // The early bad row; a lone carriage return ends a record (its rest, one field, is
        // rejected); a line over the cap is rejected unread.
        assert_eq!(
            v["accounting"]["rejected"],
            if name == "quote" { 1 } else { 2 },
            "{name}"
        );
    }
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
    let v = Tl::report()
        .log_text("bodies.jsonl", text)
        .args(["--by", "service_tier"])
        .json();
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

/// `tokenledger columns` lists what --by and --where can name: on basic.csv, 10 readable rows
/// (4 rejected), three users, the extra column `team`; API keys only as fingerprints.
#[test]
fn columns_lists_the_dimensions_a_log_has() {
    let v = Tl::cmd(["columns"]).logs("logs/basic.csv").json();
    assert_eq!(v["rows_read"], 14);
    assert_eq!(v["rejected"], 4);
    let col = |n: &str| {
        v["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap_or_else(|| panic!("no column {n} in {v:#}"))
            .clone()
    };
    assert_eq!(col("user")["distinct"], 3);
    assert_eq!(col("team")["kind"], "log column");
    assert_eq!(col("team")["rows"], 10);
    let keys = col("api_key")["examples"].to_string();
    assert!(!keys.contains("sk-alice"), "{keys}");
    // Bedrock's inference region is a log column named inference_region.
    let bedrock = Tl::cmd(["columns"])
        .logs("native/bedrock/invocations.jsonl")
        .ok();
    bedrock.stdout_has("inference_region");
}

/// Codex CLI sessions (tests/data/native/codex-home, a ~/.codex with config, history, a
/// forked session and an archived copy). By hand, book rates per million: gpt-5.2-codex and
/// gpt-5.3-codex 1.75 / 14, cache read 0.175; gpt-5 1.25.
///   s-1 call 1: 750 uncached + 250 cached + 125 out = 0.0013125 + 0.00004375 + 0.00175
///             = 0.00310625; its re-emitted copy and the info:null line add nothing;
///   s-1 call 2 (total only): 1,600 - 1,000 in, 225 - 125 out: 600 x 1.75 + 100 x 14 = 0.00245;
///   s-2 (a fork): the replayed burst of s-1's calls is skipped; gpt-5.3-codex 2,000 uncached
///             + 500 cached + 300 out = 0.0035 + 0.0000875 + 0.0042 = 0.0077875;
///   s-3 (archived, no turn_context): gpt-5, guessed, 1,000,000 in = 1.25;
///   the archived copy of s-1 is skipped (still under sessions/). Total 1.26334375.
#[test]
fn codex_sessions() {
    let v = Tl::report()
        .logs("native/codex-home")
        .args(["--by", "session,model,model_guessed"])
        .json();
    assert_eq!(v["total"]["cost_usd"], "1.26334375");
    assert_eq!(v["total"]["requests"], 4);
    assert_eq!(row(&v, "session", "s-1")["cost_usd"], "0.00555625");
    assert_eq!(row(&v, "session", "s-2")["cost_usd"], "0.0077875");
    let s3 = row(&v, "session", "s-3");
    assert_eq!(
        (s3["model_guessed"].as_str(), s3["cost_usd"].as_str()),
        (Some("true"), Some("1.25"))
    );
    // A session file named directly is recognised by its content.
    let one = Tl::report()
        .logs("native/codex-home/sessions/2026/05/13/rollout-2026-05-13T09-00-00-s1.jsonl")
        .json();
    assert_eq!(one["total"]["cost_usd"], "0.00555625");
}

/// Without --logs and without ./data, tokenledger reads this user's Claude Code and Codex logs
/// (as ccusage finds them); with none either, it says what to pass.
#[test]
fn without_logs_it_finds_claude_code_and_codex_logs() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    // Nothing anywhere: a usage error that says what to pass.
    Tl::report()
        .current_dir(work.path())
        .env("HOME", home.path().to_str().unwrap())
        .fails(2)
        .stderr_has("no --logs given")
        .stderr_has("pass --logs PATH");
    // ~/.claude with one transcript and ~/.codex with the codex fixture's sessions.
    let proj = home.path().join(".claude/projects/p");
    std::fs::create_dir_all(&proj).unwrap();
    // The rest of a Claude Code folder is not news.
    std::fs::create_dir_all(home.path().join(".claude/todos")).unwrap();
    std::fs::write(home.path().join(".claude/todos/t.json"), "[]").unwrap();
    std::fs::write(home.path().join(".claude/settings.json"), "{}").unwrap();
    std::fs::write(
        proj.join("s.jsonl"),
        "{\"type\":\"assistant\",\"sessionId\":\"s\",\"requestId\":\"r1\",\"timestamp\":\"2025-10-20T10:00:00Z\",\"message\":{\"id\":\"m1\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n",
    )
    .unwrap();
    let codex = home.path().join(".codex/sessions/2026/05/14");
    std::fs::create_dir_all(&codex).unwrap();
    std::fs::copy(
        fixture("native/codex-home/sessions/2026/05/14/rollout-2026-05-14T08-00-00-s2.jsonl"),
        codex.join("rollout-2026-05-14T08-00-00-s2.jsonl"),
    )
    .unwrap();
    let out = Tl::report()
        .current_dir(work.path())
        .env("HOME", home.path().to_str().unwrap())
        .args(["--format", "json", "--by", "provider"])
        .ok();
    out.stderr_has("no --logs given: reading")
        .stderr_lacks("skipped");
    // Haiku 4.5 1,000,000 in at $1, and the fork's own call 0.0077875 (codex_sessions).
    assert_eq!(out.json()["total"]["cost_usd"], "1.0077875");
}

/// ccusage's habits are report options: daily / monthly / session views, --json, --since and
/// an inclusive --until (YYYYMMDD too).
#[test]
fn ccusage_style_views_and_dates() {
    let daily = Tl::cmd(["daily"])
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--json", "--since", "20250609", "--until", "2025-06-10"])
        .ok()
        .json();
    assert_eq!(daily["by"], json!(["day", "provider", "model"]));
    // r1 (June 9, $14) and r2 (June 10, $2.5): --until is inclusive.
    assert_eq!(daily["total"]["cost_usd"], "16.5");
    let monthly = Tl::cmd(["monthly"])
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .json();
    assert_eq!(monthly["by"], json!(["month", "provider", "model"]));
    assert_eq!(monthly["total"]["cost_usd"], "17.5");
    let sessions = Tl::cmd(["session"]).logs("native/codex-home").json();
    assert_eq!(sessions["by"], json!(["session", "project"]));
    assert_eq!(row(&sessions, "session", "s-2")["cost_usd"], "0.0077875");
    // On logs without sessions the view still works: one row without a session per project.
    let plain = Tl::cmd(["session"])
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .json();
    assert_eq!(plain["total"]["cost_usd"], "17.5");
    Tl::report()
        .args(["--since", "2025-13-01"])
        .fails(2)
        .stderr_has("--since: \"2025-13-01\" is not a date (expected YYYYMMDD or YYYY-MM-DD");
}

/// Files of a folder that are not logs are left out with one note naming a few of them.
#[test]
fn files_that_are_not_logs_are_summed_up_in_one_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("logs/basic.csv"), dir.path().join("basic.csv")).unwrap();
    for n in ["a.txt", "b.png", "c.md", "d.yaml", "e.toml"] {
        std::fs::write(dir.path().join(n), "x").unwrap();
    }
    let out = Tl::report()
        .logs(dir.path())
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .ok();
    out.stderr_has("note: skipped 5 files (not a log file, or --exclude): ")
        .stderr_has("a.txt, ")
        .stderr_has("c.md, and 2 more");
    assert_eq!(out.stderr.matches("skipped").count(), 1, "{}", out.stderr);
    assert_eq!(out.json()["total"]["cost_usd"], "17.5");
}

/// 1-hour cache writes, read where each source carries them, priced at the 1-hour rate (native
/// book: Bedrock us. Sonnet 4 and Anthropic Sonnet 4.5 at 3 in, 15 out, 0.3 read, 3.75 5-minute
/// write, 6 1-hour write). By hand:
///   Bedrock Converse (cacheDetails 5,000 1h + 3,000 5m): 2,000*3 + 3,000*3.75 + 5,000*6 +
///     500*15 = 54,750; InvokeModel Anthropic body (cache_creation 2,000 1h, 4,000 read):
///     1,000*3 + 4,000*0.3 + 2,000*6 + 200*15 = 19,200; ConverseStream (metadata event, 1,000
///     1h): 500*3 + 1,000*6 + 100*15 = 9,000; total $0.08295 (every write at 3.75, as before:
///     $0.06295); a record whose cacheDetails exceed its writes is rejected.
///   OTel: the renamed gen_ai.usage.cache_write.input_tokens 6,000 with 4,000 1h, input 10,000:
///     4,000*3 + 2,000*3.75 + 4,000*6 + 1,000*15 = 58,500; the older cache_creation 2,000 with
///     ttl 1h, input 3,000: 1,000*3 + 2,000*6 + 100*15 = 16,500; total $0.075; both names with
///     different values: rejected.
///   LiteLLM: cache_creation_token_details 500 5m + 1,500 1h of 2,000 writes in 3,000 prompt:
///     1,000*3 + 500*3.75 + 1,500*6 + 100*15 = 15,375 -> $0.015375.
#[test]
fn one_hour_cache_writes_are_read_and_priced_at_the_one_hour_rate() {
    let b = native("cache-ttl/bedrock.jsonl").json();
    assert_eq!(b["total"]["cost_usd"], "0.08295");
    assert_eq!(b["accounting"]["rejected"], 1);
    let o = native("cache-ttl/otel.json").json();
    assert_eq!(o["total"]["cost_usd"], "0.075");
    assert_eq!(o["accounting"]["rejected"], 1);
    native("cache-ttl/otel.json")
        .ok()
        .stderr_has("gen_ai.usage.cache_write.input_tokens: 2000 cache-write tokens, but gen_ai.usage.cache_creation.input_tokens says 1500");
    let l = native("cache-ttl/litellm.jsonl").json();
    assert_eq!(l["total"]["cost_usd"], "0.015375");
}

/// A class of usage the provider bills and the book has no rate for leaves its request
/// unpriced, named, instead of pricing it as text tokens (audio) or without it (web searches).
/// By hand, native book: gpt-4o 2.5 in / 10 out: the text-only body 1,000*2.5 + 200*10 =
/// $0.0045 priced; the body with 2,500 audio input tokens unpriced (at text rates it would have
/// been $0.0125), and a Responses body with a web_search_call unpriced. Claude Sonnet 4.5 3 /
/// 15: the line without searches 1,000*3 + 100*15 = $0.0045 priced; the line with 2 web
/// searches unpriced.
#[test]
fn audio_tokens_and_web_searches_leave_their_requests_unpriced() {
    for (file, classes) in [
        ("openai-audio.jsonl", vec!["audio tokens", "web searches"]),
        ("claude-web-search.jsonl", vec!["web searches"]),
    ] {
        let j = native(&format!("unpriced-classes/{file}")).json();
        assert_eq!(j["total"]["cost_usd"], "0.0045", "{file}");
        assert_eq!(j["accounting"]["unpriced"], classes.len(), "{file}");
        let reasons: Vec<String> = j["unpriced"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["reason"].as_str().unwrap_or_default().to_string())
            .collect();
        for class in classes {
            let want = format!("the log shows {class}, which the price book has no rates for");
            assert!(
                reasons.iter().any(|r| r.contains(&want)),
                "{file}: {reasons:?}"
            );
        }
    }
}

/// Unsigned count columns of a Parquet log reach the validator as numbers (no text round
/// trip), and are checked as parsed text is: too large, missing where required, or fine.
#[test]
fn parquet_unsigned_counts_are_checked_as_numbers() {
    use polars::prelude::*;
    let mut df = df!(
        "timestamp" => ["2025-06-20T08:00:00Z"; 4],
        "provider" => ["together"; 4],
        "model" => ["llama-3.3-70b"; 4],
        "input_tokens" => [Some(1_000_000u64), Some(2_000_000_000_000), None, Some(0)],
        "output_tokens" => [0u64, 0, 0, 5],
        "status" => [200u64, 200, 200, 429],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let out = Tl::report()
        .logs(&path)
        .book("pricing/test.csv")
        .args(["--format", "json"])
        .ok();
    let p = path.display();
    out.stderr_has(&format!(
        "{p}:2: input_tokens: 2000000000000 is implausibly large"
    ))
    .stderr_has(&format!("{p}:3: input_tokens: missing value (required)"));
    let v = out.json();
    // Row 1: 1M input at $0.88/M; row 4 is a failed request (its status from an unsigned
    // column) whose 5 logged output tokens are priced too ($0.88/M): 0.88 + 0.0000044.
    assert_eq!(v["total"]["cost_usd"], "0.8800044");
    assert_eq!(v["accounting"]["rejected"], 2);
    assert_eq!(v["accounting"]["failed"], 1);
}
