//! `errors`: failures, peaks and minutes over a rate limit.

use super::*;

#[test]
fn errors_report_failures_peaks_and_minutes_over_a_limit() {
    let v = Tl::errors()
        .args(["--month", "2025-06", "--rate-limit", "30/min"])
        .json();
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
        Tl::errors()
            .args(["--month", "2025-06", "--format", f])
            .ok();
    }
    Tl::errors()
        .args(["--rate-limit", "20/h"])
        .fails(2)
        .stderr_has("--rate-limit");
}

/// Pre-aggregated rows (OpenAI usage buckets: 50 and 3 requests) have no minute of their own:
/// they are left out of the per-minute rates and said to be (they read as "peak 50 requests a
/// minute at 00:00" before). Tokens per minute: the chat completion body 1,000 + 200, the
/// Responses body 2,000 + 1,000, the one-request bucket 5 + 5 (tests/data/native/openai).
#[test]
fn per_minute_rates_leave_out_buckets_and_count_tokens() {
    let v = Tl::errors().logs("native/openai").json();
    assert_eq!(v["not_per_minute_requests"], 53);
    assert_eq!(v["overall_peak_requests_per_minute"], 1);
    let tpm = |model: &str| {
        v["rate"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["model"] == model)
            .unwrap()["peak_tokens_per_minute"]
            .clone()
    };
    assert_eq!(tpm("gpt-4o-2024-08-06"), 1_200);
    assert_eq!(tpm("o3-2025-04-16"), 3_000);
    Tl::errors()
        .logs("native/openai")
        .ok()
        .stdout_has("53 requests from pre-aggregated rows (usage exports' buckets) are not in the per-minute rates");
}

#[test]
fn errors_and_columns_fit_the_terminal() {
    // Their tables were drawn at full width whatever the terminal.
    for width in [80usize, 120] {
        for cmd in [vec!["errors", "--month", "2025-06"], vec!["columns"]] {
            let out = Tl::cmd(&cmd).env("COLUMNS", &width.to_string()).ok();
            for line in out.stdout.lines() {
                assert!(line.chars().count() <= width, "{cmd:?} at {width}: {line}");
            }
        }
    }
}
