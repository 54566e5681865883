//! `compare`: the same usage re-priced on other providers.

use super::*;

// Book: llama-3.3-70b-instruct on aws-bedrock 0.72/0.72, groq 0.59/0.79, together 0.88/0.88
// (no cache price: cached tokens at its input rate), vertex-ai from 2025-07-01 only;
// claude-sonnet-4 on anthropic only.
// Usage (June 2025): Bedrock Llama 1,000,000 in (400,000 cached) + 100,000 out; Anthropic
// Sonnet 10,000 in + 1,000 out.
//   actual: Bedrock 1,100,000 * 0.72 = 0.792; Anthropic 10,000*3 + 1,000*15 = 0.045
//   groq: 1,000,000*0.59 + 100,000*0.79 = 0.669; together 1,100,000*0.88 = 0.968
//   vertex-ai: not offered in June (first price 2025-07-01); Sonnet: offered only on anthropic.
fn compare() -> Tl {
    Tl::compare()
        .logs("compare/usage.csv")
        .book("compare/book.csv")
}

#[test]
fn compare_reprices_on_every_provider_and_counts_what_is_not_offered() {
    let v = compare().json();
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
    let report = Tl::report()
        .logs("compare/usage.csv")
        .book("compare/book.csv")
        .json();
    assert_eq!(report["total"]["cost_usd"], v["actual_cost_usd"]);
}

#[test]
fn compare_table_pivots_providers_and_names_the_cheapest() {
    let out = compare().ok();
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
    out.stdout_has("not offered on vertex-ai: 2 requests");
}

#[test]
fn compare_at_a_date_and_substitutes_are_marked() {
    // At 2025-07-15 vertex-ai offers Llama 3.3 at 0.72/0.72 like Bedrock.
    let v = compare()
        .args(["--at", "2025-07-15", "--providers", "vertex-ai,groq"])
        .json();
    let rows = v["rows"].as_array().unwrap();
    let vertex = rows
        .iter()
        .find(|r| {
            r["canonical_model"] == "llama-3.3-70b-instruct" && r["target_provider"] == "vertex-ai"
        })
        .unwrap();
    assert_eq!(vertex["target_cost_usd"], "0.792");
    let sub = compare()
        .args([
            "--format",
            "csv",
            "--substitute",
            "claude-sonnet-4=llama-3.3-70b-instruct",
            "--providers",
            "groq",
        ])
        .ok();
    sub.stderr_has("ESTIMATE");
    // Sonnet usage re-priced as Llama 3.3 on groq: 10,000*0.59 + 1,000*0.79 = 0.00669
    let l = sub
        .stdout
        .lines()
        .find(|l| l.starts_with("claude-sonnet-4,"))
        .unwrap();
    assert!(l.contains(",0.00669,") && l.ends_with(",true"), "{l}");
    compare().args(["--substitute", "nonsense"]).fails(2);
    compare().args(["--providers", "nowhere"]).fails(2);
}
