//! `report` on the basic fixture and the bundled sample: totals, periods, zones, accounting,
//! rejections, unpriced usage, dimensions, formats and exit codes.

use super::*;

#[test]
fn basic_fixture_totals_by_month() {
    let v = basic().args(["--by", "month"]).json();
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
    let v = basic().args(["--by", "day,model"]).json();
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
    let v = basic()
        .args(["--by", "month", "--tz", "America/New_York"])
        .json();
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
    let v = basic().args(["--month", "2025-06"]).json();
    assert_eq!(v["total"]["cost_usd"], "16.62");
    let a = &v["accounting"];
    assert_eq!(a["outside_period"], 2);
    assert_eq!(a["rows_read"], 14);
    assert_eq!(v["period"]["from"], "2025-06-01T00:00:00Z");
    assert_eq!(v["period"]["to"], "2025-07-01T00:00:00Z");
    // The same month given as an exclusive --from/--to range.
    let w = basic()
        .args(["--from", "2025-06-01", "--to", "2025-07-01"])
        .json();
    assert_eq!(w["total"], v["total"]);
}

#[test]
fn accounting_adds_up_and_names_every_category() {
    let v = basic().json();
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
    let out = basic().args(["--format", "csv"]).ok();
    let f = fixture("logs/basic.csv");
    for expected in [
        format!("{f}:12: timestamp: cannot parse \"not-a-time\""),
        format!("{f}:13: input_tokens: negative value \"-5\""),
        format!("{f}:14: cache_read_tokens: cache_read_tokens + cache_write_tokens (10 + 0) exceed input_tokens (5)"),
        format!("{f}:15: model: missing value"),
    ] {
        out.stderr_has(&expected);
    }
    let v = basic().json();
    assert_eq!(v["rejections"][0]["line"], 12);
    assert_eq!(v["rejections"][0]["field"], "timestamp");
}

#[test]
fn unpriced_usage_is_loud_and_strict_fails() {
    let out = basic().ok();
    out.stderr_has("UNPRICED mistral/mistral-large: 1 request, 1,000 input + 100 output tokens");
    out.stderr_has("UNPRICED anthropic/claude-sonnet-4: 1 request, ");
    out.stderr_has("before its first price (effective from 2025-05-22)");
    out.stdout_has("UNPRICED usage");
    let v = basic().json();
    let unpriced = v["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 2);
    assert!(unpriced
        .iter()
        .any(|u| u["model"] == "mistral-large" && u["input_tokens"] == 1000));
    let md = basic().args(["--format", "markdown"]).ok();
    md.stdout_has("## UNPRICED usage");

    let strict = basic().args(["--strict"]).fails(1);
    strict.stderr_has("--strict: 4 rejected rows, 2 unpriced requests");
}

#[test]
fn unpriced_warning_splits_input_as_the_tables_do() {
    // 10,000 input of which 6,000 cache reads and 1,000 cache writes: 3,000 uncached.
    let text = "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens\n\
                2025-06-10T00:00:00Z,mistral,mistral-large,10000,200,6000,1000\n";
    basic_text("cached.csv", text).ok().stderr_has(
        "UNPRICED mistral/mistral-large: 1 request, 3,000 input (uncached) + 6,000 cache read \
         + 1,000 cache write + 200 output tokens are not in the cost",
    );
}

#[test]
fn cache_is_priced_at_its_own_rate_or_the_input_rate() {
    let v = basic()
        .args(["--by", "provider", "--month", "2025-06"])
        .json();
    // anthropic: r3 ($0.0507) + failed r7 ($0.0165) = 0.0672; together r5 = 0.0528 (cache at input rate).
    assert_eq!(row(&v, "provider", "anthropic")["cost_usd"], "0.0672");
    assert_eq!(row(&v, "provider", "together")["cost_usd"], "0.0528");
}

#[test]
fn failed_requests_are_counted_not_dropped() {
    let v = basic().args(["--by", "status"]).json();
    assert_eq!(row(&v, "status", "429")["requests"], 1);
    assert_eq!(row(&v, "status", "429")["failed_requests"], 1);
    assert_eq!(row(&v, "status", "500")["cost_usd"], "0.0165");
    assert_eq!(row(&v, "status", "200")["failed_requests"], 0);
}

#[test]
fn user_project_and_extra_columns_are_dimensions() {
    let v = basic()
        .args(["--by", "user,team", "--month", "2025-06"])
        .json();
    let alice = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user"] == "alice")
        .unwrap();
    assert_eq!(alice["team"], "blue");
    assert_eq!(alice["cost_usd"], "16.5");
    // A name no row has is a mistake (exit 2) with the closest column and the log's columns.
    basic()
        .args(["--by", "teem"])
        .fails(2)
        .stderr_has("--by teem: no log row has a column named \"teem\" (did you mean \"team\"?)")
        .stderr_has("log columns: team");
    basic()
        .args(["--where", "projct=search"])
        .fails(2)
        .stderr_has("(did you mean \"project\"?)");
}

#[test]
fn api_keys_are_fingerprinted_everywhere() {
    for format in ["table", "csv", "json", "markdown"] {
        let out = basic().args(["--format", format, "--by", "api_key"]).ok();
        out.stdout_lacks("sk-alice-000000000001");
        out.stdout_has("0001");
    }
}

#[test]
fn csv_neutralises_formulas_from_the_logs() {
    let out = basic().args(["--format", "csv", "--by", "project"]).ok();
    out.stdout_has("'=cmd|' /C calc'!A0");
    let header = out.stdout.lines().next().unwrap();
    assert_eq!(
        header,
        "project,requests,failed_requests,input_tokens,uncached_input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced_requests,price_versions,priced_by"
    );
}

#[test]
fn table_total_line_and_accounting_line() {
    let out = basic().args(["--by", "month"]).ok();
    out.stdout_has("$17.50").stdout_has("$16.62").stdout_has("rows read 14 = priced 5 + unpriced 2 + failed 2 + duplicates 1 + rejected 4 + outside period 0");
}

#[test]
fn exit_codes_for_usage_and_data_errors() {
    basic()
        .args(["--tz", "Mars/Olympus"])
        .fails(2)
        .stderr_has("--tz");
    basic()
        .args(["--month", "2025-13"])
        .fails(2)
        .stderr_has("--month");
    basic()
        .args(["--format", "xml"])
        .fails(2)
        .stderr_has("invalid value 'xml' for '--format");
    basic()
        .args(["--by", "input_tokens"])
        .fails(2)
        .stderr_has("--by");
    Tl::report()
        .logs("/nonexistent/logs")
        .fails(2)
        .stderr_has("/nonexistent/logs");
    let bad = Tl::report().logs("logs").book("bad-pricing").fails(1);
    let p = fixture("bad-pricing/broken.csv");
    for expected in [
        format!("{p}:3: error: duplicate price version openai/o3@2025-04-16 (also at {p}:2)"),
        format!("{p}:4: error: effective_from:"),
        format!("{p}:5: error: input_per_mtok: negative price -1"),
        format!("{p}:5: error: output_per_mtok: \"abc\" is not a decimal number"),
    ] {
        bad.stderr_has(&expected);
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let run = || {
        basic()
            .args(["--format", "json", "--by", "day,provider,model,user"])
            .ok()
    };
    assert_eq!(run().stdout, run().stdout);
}

#[test]
fn output_file_option_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("r.csv");
    let out = basic()
        .args(["--format", "csv", "--output"])
        .arg(&out_path)
        .ok();
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(out_path).unwrap();
    assert!(text.starts_with("month,provider,model,requests"), "{text}");
}

/// The bundled sample, priced with the bundled book. Expected values come from
/// tests/independent/price_sample.py, a separate Python implementation of the pricing rules
/// (decimal arithmetic, standard library only).
#[test]
fn bundled_sample_matches_the_independent_calculation() {
    let v = Tl::report().args(["--by", "month"]).json();
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
    Tl::report()
        .logs(root().join("data"))
        .book(root().join("pricing"))
        .args(["--format", "csv", "--by", "month"])
        .current_dir(dir.path())
        .ok()
        .stdout_has("2025-06,1700,80,");
}

#[test]
fn every_row_names_the_price_versions_that_priced_it() {
    let v = basic()
        .args(["--by", "month,model", "--month", "2025-06"])
        .json();
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
    let csv = basic()
        .args(["--format", "csv", "--by", "model", "--month", "2025-06"])
        .ok();
    assert!(
        csv.stdout.lines().any(|l| l.starts_with("o3,")
            && l.ends_with(",openai/o3@2025-04-16 openai/o3@2025-06-10,curated")),
        "{}",
        csv.stdout
    );
}

#[test]
fn control_characters_from_logs_never_reach_the_terminal() {
    let text = b"timestamp,provider,model,input_tokens,output_tokens,user\n2025-06-20T00:00:00Z,together,llama-3.3-70b,1,1,\x1b]0;pwned\x07\x1b[2J\n";
    basic_text("esc.csv", text)
        .args(["--by", "user"])
        .ok()
        .stdout_lacks("\x1b")
        .stdout_has("\u{fffd}]0;pwned");
}

#[test]
fn csv_into_a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = Tl::report()
        .args(["--format", "csv", "--by", "day,provider,model,user,project"])
        .command()
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
fn month_in_progress_gets_a_marked_projection() {
    // basic.csv, June, "now" 2025-06-15T12:00Z: days up to the 15th cost 14 + 2.5 + 0.0507 =
    // 16.5507 over 14.5 days; x 30 / 14.5 = 34.2428... -> $34.24.
    let v = basic()
        .args(["--month", "2025-06", "--now", "2025-06-15T12:00:00Z"])
        .json();
    let f = &v["forecast"];
    assert_eq!(f["cost_so_far_usd"], "16.5507");
    assert_eq!(f["days_elapsed"], "14.5");
    assert_eq!(f["days_in_month"], 30);
    assert_eq!(f["projected_month_end_usd"], "34.24");
    basic()
        .args(["--month", "2025-06", "--now", "2025-06-15T12:00:00Z"])
        .ok()
        .stdout_has("PROJECTION (not a bill)");
    // A closed month has none.
    let closed = basic()
        .args(["--month", "2025-06", "--now", "2025-08-01T00:00:00Z"])
        .json();
    assert_eq!(closed["forecast"], Value::Null);
}

#[test]
fn report_groups_by_canonical_model_of_the_price_that_priced_it() {
    let v = basic()
        .args(["--by", "canonical_model", "--month", "2025-06"])
        .json();
    // o3: 14 + 2.5; the mistral usage has no price, hence no canonical model.
    assert_eq!(row(&v, "canonical_model", "o3")["cost_usd"], "16.5");
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["canonical_model"].is_null() && r["unpriced_requests"] == 1));
}

/// `--where` keeps only the matching usage and accounts for the rest: on basic.csv, openai's
/// r1 ($14) + r2 ($2.5) + the failed r6; the other 7 rows (r3 and its copy, r5, r7, r8, r9, r10)
/// are filtered out, the 4 malformed rows still rejected.
#[test]
fn where_filters_usage_and_counts_what_it_left_out() {
    let v = basic().args(["--where", "provider=openai"]).json();
    assert_eq!(v["total"]["cost_usd"], "16.5");
    assert_eq!(v["total"]["requests"], 3);
    let a = &v["accounting"];
    assert_eq!(
        (
            a["rows_read"].as_u64(),
            a["priced"].as_u64(),
            a["failed"].as_u64(),
            a["filtered_out"].as_u64(),
            a["rejected"].as_u64(),
            a["duplicates"].as_u64()
        ),
        (Some(14), Some(2), Some(1), Some(7), Some(4), Some(0))
    );
    // Patterns, negation, several conditions; the table says what was left out.
    let v = basic()
        .args(["--where", "model=*sonnet*,o*", "--where", "status!=5*"])
        .args(["--month", "2025-06"])
        .json();
    // June: o3 r1 + r2 (16.5), r6 (429, $0), sonnet r3 (0.0507); r7 (500) is left out.
    assert_eq!(v["total"]["cost_usd"], "16.5507");
    basic()
        .args(["--where", "provider=openai"])
        .ok()
        .stdout_has("+ filtered out 7");
    basic()
        .args(["--where", "input_tokens=5"])
        .fails(2)
        .stderr_has("--where: \"input_tokens\" is a measure");
    basic()
        .args(["--where", "month=2025-06"])
        .fails(2)
        .stderr_has("filter time with --month or --from/--to");
}

/// Without --format, the --output file's extension chooses the format (it wrote a box table
/// into out.json); --format still wins; an extension the command cannot write is a table.
#[test]
fn the_output_extension_chooses_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
    for name in ["r.json", "r.csv", "r.md", "r.html", "r.txt", "r.csv.forced"] {
        let mut tl = basic().arg("--output").arg(dir.path().join(name));
        if name.ends_with("forced") {
            tl = tl.args(["--format", "json"]);
        }
        tl.ok();
    }
    let json: Value = serde_json::from_str(&read("r.json")).unwrap();
    assert_eq!(json["total"]["cost_usd"], "17.5");
    assert!(read("r.csv").starts_with("month,provider,model,requests"));
    assert!(read("r.md").starts_with("# tokenledger cost report"));
    assert!(read("r.html").starts_with("<!DOCTYPE html>"));
    assert!(read("r.txt").starts_with("tokenledger cost report:"));
    assert!(read("r.csv.forced").starts_with('{'));
    // compare writes no HTML: a .html output is a table there.
    Tl::compare()
        .logs("compare/usage.csv")
        .book("compare/book.csv")
        .arg("--output")
        .arg(dir.path().join("c.json"))
        .ok();
    let c: Value = serde_json::from_str(&read("c.json")).unwrap();
    assert_eq!(c["actual_cost_usd"], "0.837");
    // A chart to standard output is a usage error, named once.
    Tl::chart("daily")
        .args(["--output", "-"])
        .fails(2)
        .stderr_has("--output -: a chart file must end in .png or .svg");
}

/// A period with no usage says which dates the logs cover: basic.csv runs from r10
/// (2025-05-01) to r8 (2025-07-01T02:00Z).
#[test]
fn an_empty_period_says_what_the_logs_cover() {
    basic()
        .args(["--month", "2030-01"])
        .ok()
        .stderr_has("no usage in the period; the logs cover 2025-05-01 to 2025-07-01 (UTC)");
    // In New York, r8 is still June 30.
    basic()
        .args(["--month", "2030-01", "--tz", "America/New_York"])
        .ok()
        .stderr_has("the logs cover 2025-04-30 to 2025-06-30 (America/New_York)");
}

/// Tables fit the terminal (COLUMNS): the least telling columns go first and the table says
/// so; --columns picks the measures; --top N keeps each period's N most expensive groups and
/// sums the rest into one row (bundled sample, June: 1,700 requests, $9.64 in cents).
#[test]
fn tables_fit_the_terminal_and_show_what_is_asked() {
    let narrow = Tl::report()
        .args(["--month", "2025-06"])
        .env("COLUMNS", "80")
        .ok();
    narrow.stdout_has("hidden to fit 80 columns");
    for l in narrow
        .stdout
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
    {
        assert!(l.chars().count() <= 80, "{l}");
    }
    // The one-month column is hidden first; the total keeps its label.
    assert!(
        narrow.stdout.lines().any(|l| l.starts_with("│ TOTAL ")),
        "{}",
        narrow.stdout
    );
    let cols = Tl::report()
        .args(["--month", "2025-06", "--by", "provider"])
        .args(["--columns", "requests,cost_usd"])
        .ok();
    let header = cols
        .stdout
        .lines()
        .find(|l| l.contains("provider"))
        .unwrap();
    let titles: Vec<&str> = header
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(titles, ["provider", "requests", "cost (USD)"]);
    Tl::report()
        .args(["--columns", "cost"])
        .fails(2)
        .stderr_has("--columns: \"cost\" is not a measure");
    let top = Tl::report()
        .args(["--month", "2025-06", "--by", "month,model", "--top", "2"])
        .ok();
    let rows: Vec<&str> = top
        .stdout
        .lines()
        .filter(|l| l.starts_with("│ 2025-06"))
        .collect();
    assert_eq!(rows.len(), 3, "{}", top.stdout);
    assert!(rows[2].contains("(19 more)"), "{}", rows[2]);
    // The top rows and the rest add up to the total's requests.
    let requests = |l: &str| -> u64 {
        l.split(['│', '┆'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .nth(2)
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap()
    };
    assert_eq!(rows.iter().map(|l| requests(l)).sum::<u64>(), 1_700);
}

// Issue 25, "fix what misleads": each test failed before its fix.

#[test]
fn a_where_value_no_provider_has_says_which_was_meant() {
    let log = "timestamp,provider,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,aws-bedrock,us.deepseek.r1-v1:0,1000,10\n";
    Tl::report()
        .log_text("b.csv", log)
        .args(["--where", "provider=bedrock"])
        .fails(2)
        .stderr_has("--where: filtered out 1 row; no provider is called bedrock (did you mean aws-bedrock?)");
    // A provider that exists but has no usage left: a warning, not an error.
    Tl::report()
        .log_text("b.csv", log)
        .args(["--where", "provider=openai"])
        .ok()
        .stderr_has("--where filtered out every row (1 row)");
    // A model name the book nearly knows is taken for a typo too (it was a warning only).
    Tl::report()
        .log_text("b.csv", log)
        .args(["--where", "model=gpt4o"])
        .fails(2)
        .stderr_has("no model in the price book is called gpt4o (did you mean gpt-4o?)");
    Tl::report()
        .log_text("b.csv", log)
        .args(["--where", "canonical_model=claude-sonet-4"])
        .fails(2)
        .stderr_has("(did you mean claude-sonnet-4?)");
    // A log column's value: the values the logs have are the suggestions.
    basic()
        .args(["--where", "user=alic"])
        .fails(2)
        .stderr_has("no row has user=alic (did you mean alice?)");
    // A value the logs have, left out by another condition, is no typo.
    basic()
        .args(["--where", "user=alice", "--where", "provider=together"])
        .ok()
        .stderr_has("--where filtered out every row");
    // Credentials are never suggested.
    basic()
        .args(["--where", "api_key=sk-alice-000000000002"])
        .ok()
        .stderr_has("--where filtered out every row");
}

#[test]
fn a_csv_that_is_not_canonical_is_one_file_error_and_map_reads_it() {
    let text = "created,vendor,model_name,prompt_tokens,completion_tokens\n2025-06-10T00:00:00Z,openai,o3,1000000,100000\n";
    basic_text("gateway.csv", text)
        .fails(1)
        .stderr_has("gateway.csv: line 1: not a canonical log: no column timestamp, provider, model, input_tokens, output_tokens (the header has created, vendor, model_name, prompt_tokens, completion_tokens)");
    // o3 on 2025-06-10 at 2 / 8 per million: 2 + 0.8.
    let doc = basic_text("gateway.csv", text)
        .args([
            "--map",
            "created=timestamp,vendor=provider,model_name=model",
        ])
        .args([
            "--map",
            "prompt_tokens=input_tokens,completion_tokens=output_tokens",
        ])
        .args(["--format", "json"])
        .ok()
        .json();
    assert_eq!(doc["total"]["cost_usd"], "2.8");
    basic_text("gateway.csv", text)
        .args(["--map", "prompt_tokens=prompt"])
        .fails(2)
        .stderr_has("\"prompt\" is not a canonical column");
    // A FROM the header does not have is named, with the header's closest column.
    basic_text("gateway.csv", text)
        .args(["--map", "create=timestamp,vendor=provider,model_name=model"])
        .args(["--map", "prompt_tokens=input_tokens,completion_tokens=output_tokens"])
        .fails(1)
        .stderr_has("no column timestamp (the header has created, provider, model, input_tokens, output_tokens); --map create=timestamp: the header has no column \"create\" (did you mean \"created\"?); name the columns");
}

#[test]
fn chart_titles_and_the_page_say_local_days() {
    // June in Tokyo: its bounds are May 31 15:00 and June 30 15:00 in UTC.
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("d.svg");
    Tl::chart("daily")
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args([
            "--month",
            "2025-06",
            "--tz",
            "Asia/Tokyo",
            "-o",
            svg.to_str().unwrap(),
        ])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("(2025-06-01 to 2025-06-30, Asia/Tokyo)"),
        "no local title"
    );
    let page = basic()
        .args([
            "--month",
            "2025-06",
            "--tz",
            "Asia/Tokyo",
            "--format",
            "html",
        ])
        .ok();
    page.stdout_has("<p class=\"sub\">2025-06-01 to 2025-06-30, Asia/Tokyo</p>");
}

#[test]
fn errors_print_peak_minutes_in_the_zone_of_their_days() {
    let doc = Tl::errors()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--tz", "Asia/Tokyo", "--format", "json"])
        .ok()
        .json();
    let rate = doc["rate"].as_array().unwrap();
    assert!(!rate.is_empty());
    for r in rate {
        let at = r["peak_minute"].as_str().unwrap();
        assert!(at.ends_with("+09:00"), "{at}");
    }
}

#[test]
fn one_model_is_one_row_and_two_providers_are_two() {
    // claude-haiku-4-5 is the book's alias of claude-haiku-4-5-20251001 ($1 / $5): one row of
    // 2M input ($2); gemini-2.5-pro on Google and on Vertex AI: two rows in the monthly view.
    let log = "timestamp,provider,model,input_tokens,output_tokens\n\
2026-10-01T00:00:00Z,anthropic,claude-haiku-4-5,1000000,0\n\
2026-10-01T01:00:00Z,anthropic,claude-haiku-4-5-20251001,1000000,0\n\
2026-10-01T02:00:00Z,google,gemini-2.5-pro,1000,0\n\
2026-10-01T03:00:00Z,vertex-ai,gemini-2.5-pro,1000,0\n";
    let doc = Tl::cmd(["monthly"]).log_text("m.csv", log).json();
    let rows = doc["rows"].as_array().unwrap();
    let haiku: Vec<_> = rows
        .iter()
        .filter(|r| r["model"].as_str().unwrap().starts_with("claude-haiku-4-5"))
        .collect();
    assert_eq!(haiku.len(), 1, "{rows:#?}");
    assert_eq!(haiku[0]["model"], "claude-haiku-4-5-20251001");
    assert_eq!(haiku[0]["cost_usd"], "2");
    let gemini = rows
        .iter()
        .filter(|r| r["model"] == "gemini-2.5-pro")
        .count();
    assert_eq!(gemini, 2, "{rows:#?}");
}

#[test]
fn prices_why_on_an_overlay_row_says_whose_evidence_it_is() {
    let mut t = Tl::prices("why");
    let overlay = t.temp_file(
        "contract.csv",
        "provider,model,effective_from,input_per_mtok,source\nanthropic,claude-sonnet-4-6,2026-01-01,2.5,our contract\n",
    );
    let out = t
        .args(["anthropic", "claude-sonnet-4-6", "--at", "2026-10-01"])
        .args(["--pricing-overlay", overlay.to_str().unwrap()])
        .ok();
    out.stdout_has("overlay")
        .stdout_has("your prices (")
        .stdout_has("book row's evidence")
        .stdout_has("source                  our contract");
}

#[test]
fn a_previous_month_the_logs_barely_cover_gets_no_change() {
    // o3 at 2 / 8 on 2025-06-29 and in July: June is covered from its 29th only.
    let log = "timestamp,provider,model,input_tokens,output_tokens\n2025-06-29T12:00:00Z,openai,o3,1000,0\n2025-07-05T12:00:00Z,openai,o3,1000000,0\n";
    let page = basic_text("p.csv", log)
        .args(["--month", "2025-07", "--format", "html"])
        .ok();
    page.stdout_has("2025-06 $0.002: the logs cover 2 days of the 30 of 2025-06 (from 2025-06-29): no change shown")
        .stdout_lacks("vs 2025-06");
    // Logs that cover the whole previous month keep the change.
    basic()
        .args(["--month", "2025-07", "--format", "html"])
        .ok()
        .stdout_has("vs 2025-06");
}

#[test]
fn the_accounting_and_the_breakdown_count_unpriced_usage_alike() {
    // Two requests of a model the book lacks, one of them failed (a 500 with tokens, billed):
    // the breakdown's unpriced requests are 2; the accounting's rows are unpriced 1 + failed 1,
    // and it says the failed one is unpriced too.
    let log = "timestamp,provider,model,input_tokens,output_tokens,status\n\
2025-06-10T00:00:00Z,acme,mystery-1,1000,10,200\n\
2025-06-10T00:01:00Z,acme,mystery-1,1000,10,500\n\
2025-06-10T00:02:00Z,openai,o3,1000,10,200\n";
    let doc = basic_text("u.csv", log)
        .args(["--format", "json"])
        .ok()
        .json();
    assert_eq!(doc["total"]["unpriced_requests"], 2);
    assert_eq!(doc["accounting"]["unpriced"], 1);
    assert_eq!(doc["accounting"]["failed"], 1);
    assert_eq!(doc["accounting"]["failed_unpriced"], 1);
    basic_text("u.csv", log)
        .ok()
        .stdout_has("priced 1 + unpriced 1 + failed 1 (1 of them unpriced)");
}

#[test]
fn budgets_say_the_spend_so_far_and_the_projection_and_fail_when_crossed() {
    // o3 at $2/M from 2025-06-10: search 1M on 06-10 ($2), agents 0.5M on 06-11 ($1). On
    // 06-16 00:00 UTC, 15 of June's 30 days are gone: all usage $3, projected $6; search $2,
    // projected $4; agents $1, projected $2.
    let log = "timestamp,provider,model,input_tokens,output_tokens,team\n\
2025-06-10T08:00:00Z,openai,o3,1000000,0,search\n\
2025-06-11T08:00:00Z,openai,o3,500000,0,agents\n";
    let run = |budgets: &[&str]| {
        let mut t = Tl::cmd(["check"])
            .book("pricing/test.csv")
            .log_text("b.csv", log)
            .args(["--now", "2025-06-16T00:00:00Z", "--format", "json"]);
        for b in budgets {
            t = t.args(["--budget", b]);
        }
        t
    };
    let ok = run(&["10", "team=agents:2.5"]).ok().json();
    let b = &ok["budgets"];
    assert_eq!(b[0]["spent_usd"], "3");
    assert_eq!(b[0]["projected_usd"], "6");
    assert_eq!(b[0]["state"], "ok");
    assert_eq!(b[1]["spent_usd"], "1");
    assert_eq!(b[1]["projected_usd"], "2");
    assert_eq!(ok["over"], false);
    let out = run(&["team=search:3", "team=agents:0.5"]).fails(1);
    out.stderr_has("over budget or projected to be: team=search:3, team=agents:0.5");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["budgets"][0]["state"], "over_projected");
    assert_eq!(doc["budgets"][0]["projected_usd"], "4");
    assert_eq!(doc["budgets"][1]["state"], "over");
}

#[test]
fn a_narrow_terminal_loses_constant_and_zero_columns_before_token_columns() {
    // June of basic.csv by month and provider: the month is the same in every row. At 100
    // columns it is the first column to go, before any token column.
    let out = basic()
        .args(["--month", "2025-06", "--by", "month,provider"])
        .env("COLUMNS", "100")
        .ok();
    out.stdout_has("hidden to fit 100 columns: month");
    // The token columns stay.
    out.stdout_has("input (uncached)").stdout_has("output tok");
    // A measure that is zero in every row goes before the token columns too.
    let log = "timestamp,provider,model,input_tokens,output_tokens\n\
2025-06-10T00:00:00Z,openai,o3,1000,10\n2025-06-11T00:00:00Z,anthropic,claude-sonnet-4,1000,10\n";
    let out = basic_text("z.csv", log)
        .args(["--by", "provider"])
        .env("COLUMNS", "90")
        .ok();
    // unpriced req was never dropped before: here it is zero in every row, so it goes first.
    out.stdout_has("input (uncached)")
        .stdout_has("hidden to fit 90 columns: unpriced req");
}

/// `check --anomaly` on June 2025 of a hand-made log (book: `pricing/anomaly.csv`, input at
/// $1/M for together/model-x and $5/M for groq/model-y): model-x spends $1 every day and
/// $10 on June 20; model-y $5 a day until June 24 and nothing from June 25 while the log goes
/// on. Worked by hand: June 20's baseline is the 14 days June 6-19, all $1: median $1,
/// deviation 0, and $10 is more than twice it and $9 ≥ $1 above: a spike. June 21's window
/// holds June 20's $10 among thirteen $1 days: the median stays $1, and $1 is no anomaly.
/// model-y from June 25: the 14 days before hold at most six $0 days, so the median stays
/// $5 and each of June 25-30 is a drop. June 1-7 have fewer than 7 baseline days in the log
/// and are not judged; so no day of model-y's first week is a drop or spike.
#[test]
fn anomalies_are_days_that_depart_from_their_own_baseline() {
    let mut log = String::from("timestamp,provider,model,input_tokens,output_tokens\n");
    for day in 1..=30 {
        let x = if day == 20 { 10_000_000 } else { 1_000_000 };
        log.push_str(&format!(
            "2025-06-{day:02}T12:00:00Z,together,model-x,{x},0\n"
        ));
        if day <= 24 {
            log.push_str(&format!(
                "2025-06-{day:02}T13:00:00Z,groq,model-y,1000000,0\n"
            ));
        }
    }
    let book = "provider,model,effective_from,input_per_mtok,output_per_mtok,source\n\
together,model-x,2025-01-01,1,1,https://example.com/x\n\
groq,model-y,2025-01-01,5,5,https://example.com/y\n";
    let run = || {
        let mut t = Tl::cmd(["check"]).log_text("a.csv", &log);
        let b = t.temp_file("anomaly.csv", book);
        t.book(b).args([
            "--anomaly",
            "--month",
            "2025-06",
            "--now",
            "2025-07-03T00:00:00Z",
        ])
    };
    let out = run().args(["--format", "json"]).fails(1);
    out.stderr_has("7 anomalies in spend");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let found = doc["anomalies"].as_array().unwrap();
    let line = |a: &Value| {
        format!(
            "{} {} {} {} {} {}",
            a["day"].as_str().unwrap(),
            a["model"].as_str().unwrap(),
            a["kind"].as_str().unwrap(),
            a["spend_usd"].as_str().unwrap(),
            a["baseline_usd"].as_str().unwrap(),
            a["baseline_days"]
        )
    };
    let mut expected = vec!["2025-06-20 model-x spike 10 1 14".to_string()];
    for day in 25..=30 {
        expected.push(format!("2025-06-{day} model-y drop 0 5 14"));
    }
    assert_eq!(found.iter().map(line).collect::<Vec<_>>(), expected);
    assert!(doc["anomaly_rule"]
        .as_str()
        .unwrap()
        .contains("median of the 14 days before it"));
    // A higher floor leaves the $4-$5 departures out but not the $9 spike; the table says
    // the rule.
    let out = run().args(["--anomaly-min", "6"]).fails(1);
    out.stderr_has("1 anomaly in spend")
        .stdout_has("2025-06-20")
        .stdout_has("spike")
        .stdout_has("(rule: a day's priced spend per provider and model");
    assert!(!out.stdout.contains("drop"));
    // The same log judged on June 22 (the day before is the last complete one): only the spike.
    let mut t = Tl::cmd(["check"]).log_text("a.csv", &log);
    let b = t.temp_file("anomaly.csv", book);
    let out = t
        .book(b)
        .args([
            "--anomaly",
            "--now",
            "2025-06-22T09:00:00Z",
            "--format",
            "json",
        ])
        .fails(1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["anomalies"].as_array().unwrap().len(), 1);
    // A budget with --anomaly: the budget counts June only, not the baseline days read before.
    let mut t = Tl::cmd(["check"]).log_text("a.csv", &log);
    let b = t.temp_file("anomaly.csv", book);
    let out = t
        .book(b)
        .args(["--anomaly", "--budget", "500", "--month", "2025-06"])
        .args(["--now", "2025-07-03T00:00:00Z", "--format", "json"])
        .fails(1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    // model-x: 29 x $1 + $10; model-y: 24 x $5.
    assert_eq!(doc["budgets"][0]["spent_usd"], "159");
    assert_eq!(doc["budgets"][0]["state"], "ok");
}

/// The unpriced table fits 80 columns too: its token columns go first (named under it), the
/// model id is cut after a separator and the reason wraps at spaces (provider, model and
/// reason came out one character a line, 83 characters wide).
#[test]
fn the_unpriced_table_fits_the_terminal() {
    let log = "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens\n\
        2025-06-10T10:00:00Z,anthropic,claude-opus-4-20250514-fast-preview,1000,100,500\n\
        2025-06-10T11:00:00Z,acme,mystery-llm,1000,100,0\n";
    let out = Tl::report()
        .log_text("u.csv", log)
        .env("COLUMNS", "80")
        .ok();
    let table: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("UNPRICED"))
        .take_while(|l| !l.starts_with("WARNING"))
        .collect();
    for l in &table {
        assert!(l.chars().count() <= 80, "{l}");
    }
    let text = table.join("\n");
    assert!(
        text.contains("cache read") && text.contains("hidden to fit 80"),
        "{text}"
    );
    assert!(text.contains("│ anthropic "), "{text}");
    assert!(text.contains("┆ claude-opus-4-  "), "{text}");
    assert!(text.contains("┆ 20250514-fast-preview "), "{text}");
    // Words stay whole.
    assert!(
        text.contains("provider/model") && text.contains(" price "),
        "{text}"
    );
}

/// A flag that names a provider the book does not know is a usage error saying which was
/// meant: a budget for `bedrock` was "$0.00 ok" for ever, an account for `opnai` was ignored.
#[test]
fn flags_naming_an_unknown_provider_say_which_was_meant() {
    Tl::cmd(["check"])
        .args(["--budget", "provider=bedrock:1", "--month", "2025-06"])
        .fails(2)
        .stderr_has("--budget provider=bedrock:1: no provider is called bedrock (did you mean aws-bedrock?)");
    Tl::report()
        .args([
            "--month",
            "2025-06",
            "--budget",
            "provider=opnai:1",
            "--format",
            "html",
        ])
        .fails(2)
        .stderr_has("no provider is called opnai (did you mean openai?)");
    Tl::report()
        .args(["--month", "2025-06", "--format", "focus"])
        .args(["--billing-account", "opnai=A,anthropic=B"])
        .fails(2)
        .stderr_has("--billing-account: no provider is called opnai (did you mean openai?)");
    // Known names pass.
    Tl::cmd(["check"])
        .args(["--budget", "provider=aws-bedrock:100", "--month", "2025-06"])
        .ok();
}

/// Rows of many requests each (usage exports): the accounting line counts rows and says how
/// many requests its unpriced rows hold, so it agrees with the tables' unpriced requests
/// ("unpriced 26" beside "unpriced req 19,347"). Flags other than --by are named in errors
/// about the dimensions they ask for.
#[test]
fn the_accounting_line_tells_rows_from_requests() {
    let log = "timestamp,provider,model,input_tokens,output_tokens,requests\n\
        2025-06-10T00:00:00Z,acme,mystery-llm,10000,1000,250\n\
        2025-06-11T00:00:00Z,acme,mystery-llm,10000,1000,1000\n";
    let out = Tl::report().log_text("agg.csv", log).ok();
    out.stdout_has("unpriced 2 + failed 0")
        .stdout_has("the 2 unpriced rows hold 1,250 requests");
    Tl::report()
        .args([
            "--month", "2025-06", "--format", "focus", "--tags", "nosuch",
        ])
        .fails(2)
        .stderr_has("--tags nosuch: no log row has a column named");
    Tl::cmd(["check"])
        .args(["--budget", "nosuch=x:1", "--month", "2025-06"])
        .fails(2)
        .stderr_has("--budget nosuch: no log row has a column named");
}

/// Logs that stop before the period ends leave spend out: `check` says so (it read as
/// "$3.78 ok" for a month whose logs end on the 10th). Full coverage says nothing.
#[test]
fn check_says_when_the_logs_end_before_the_period() {
    let log = "timestamp,provider,model,input_tokens,output_tokens\n\
        2025-06-01T10:00:00Z,openai,gpt-4o,1000000,100000\n\
        2025-06-10T10:00:00Z,openai,gpt-4o,1000000,100000\n";
    Tl::cmd(["check"])
        .log_text("jun.csv", log)
        .args(["--budget", "50", "--month", "2025-06"])
        .ok()
        .stderr_has("the logs end on 2025-06-10, 20 days before the end of the period");
    Tl::cmd(["check"])
        .args(["--budget", "50", "--month", "2025-06"])
        .ok()
        .stderr_lacks("the logs end");
}
