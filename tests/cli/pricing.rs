//! Pricing rules (long context, cache TTLs, reasoning, regions, overlays) and the built-in book.

use super::*;

// Price rules (tests/data/pricing-rules, tests/data/logs-rules/rules.csv), by hand, USD per
// million tokens:
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
fn rules() -> Tl {
    Tl::report()
        .logs("logs-rules/rules.csv")
        .book("pricing-rules")
}

/// Cost per `case` of a canonical CSV priced with the built-in book ("unpriced" when it was
/// not), and the whole report.
fn case_costs(csv_text: &str) -> (std::collections::BTreeMap<String, String>, Value) {
    let v = Tl::report()
        .log_text("cases.csv", csv_text)
        .args(["--by", "case"])
        .json();
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

#[test]
fn long_context_is_a_cliff_and_cache_ttls_and_reasoning_have_their_rates() {
    let v = rules().args(["--by", "day,model"]).json();
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
    let v = rules()
        .args([
            "--by",
            "region",
            "--from",
            "2025-10-02T01:00:00Z",
            "--to",
            "2025-10-02T03:00:00Z",
        ])
        .json();
    assert_eq!(row(&v, "region", "eu-west-1")["cost_usd"], "0.8");
    assert_eq!(row(&v, "region", "us-east-1")["cost_usd"], "0.72");
}

#[test]
fn overlay_prices_win_while_in_force_and_are_reported() {
    let v = rules().overlay("overlay/contract.csv").json();
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
    rules()
        .overlay("overlay/contract.csv")
        .ok()
        .stdout_has("price overlay:");
}

#[test]
fn the_built_in_book_prices_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("usage.csv"),
        "timestamp,provider,model,input_tokens,output_tokens\n2025-06-10T00:00:00Z,openai,o3,1000000,1000000\n2025-06-09T00:00:00Z,openai,o3,1000000,1000000\n",
    )
    .unwrap();
    // A relative --logs path is read from the working folder.
    let v = Tl::report()
        .args(["--logs", "usage.csv"])
        .current_dir(dir.path())
        .json();
    // o3: $2 + $8 after the 2025-06-10 cut, $10 + $40 before it.
    assert_eq!(v["total"]["cost_usd"], "60");
    assert!(v["pricing"]["files"][0]["path"]
        .as_str()
        .unwrap()
        .starts_with("embedded:pricing/"));
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
        // After the retirement: the last price (1,000*0.14 + 100*0.28), with a warning.
        ("ds retired", "0.000168"),
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

/// A negotiated price in an overlay keeps the book's rates for the columns it leaves empty
/// (it made batch and cached gpt-4o cost more when they fell back to its input rate), and a
/// percentage off list covers every model of a provider. Book (July 2025): gpt-4o-2024-08-06
/// 2.5 / 10, cache read 1.25, batch 1.25 / 5; Bedrock Llama 3.3 70B 0.72 / 0.72.
///   A: 1M input, all cache reads:      1,000,000 x 1.25       = 1.25 (the book's cache rate)
///   B: batch, 1M input:                1,000,000 x 2 x 50%    = 1    (the book's batch discount
///                                                                      on the contract rate)
///   E: batch, 1M input, all cache reads: 1,000,000 x 1.25 x 50% = 0.625 (as the book prices it)
///   C: 1M input + 1M output:           2 + 8                  = 10   (the contract)
///   D: Bedrock Llama 3.3, 1M input:    0.72 x (1 - 10%)       = 0.648
#[test]
fn overlays_keep_book_rates_they_do_not_set_and_discount_by_percent() {
    let log = "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,batch,case\n\
        2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0,1000000,false,A\n\
        2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0,0,true,B\n\
        2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,1000000,0,false,C\n\
        2025-07-10T00:00:00Z,aws-bedrock,meta.llama3-3-70b-instruct-v1:0,1000000,0,0,false,D\n\
        2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0,1000000,true,E\n";
    let mut tl = Tl::report();
    let overlay = tl.temp_file(
        "contract.csv",
        "provider,model,effective_from,input_per_mtok,output_per_mtok,discount_pct,source\n\
         openai,gpt-4o-2024-08-06,2025-01-01,2,8,,contract ACME-7\n\
         aws-bedrock,*,2025-01-01,,,10,EDP 10% off list\n",
    );
    let v = tl
        .log_text("usage.csv", log)
        .overlay(&overlay)
        .args(["--by", "case"])
        .json();
    let cost = |c: &str| row(&v, "case", c)["cost_usd"].clone();
    assert_eq!(cost("A"), "1.25");
    assert_eq!(cost("B"), "1");
    assert_eq!(cost("E"), "0.625");
    assert_eq!(cost("C"), "10");
    assert_eq!(cost("D"), "0.648");
    assert_eq!(row(&v, "case", "D")["priced_by"], json!(["overlay"]));
    // FOCUS keeps the book's list price and shows the contract: C's input row lists at 2.5
    // and is contracted at 2.
    let mut tl = Tl::report();
    let overlay = tl.temp_file(
        "contract.csv",
        "provider,model,effective_from,input_per_mtok,output_per_mtok\nopenai,gpt-4o-2024-08-06,2025-01-01,2,8\n",
    );
    let focus = tl
        .log_text("usage.csv", log)
        .overlay(&overlay)
        .args(["--format", "focus", "--where", "case=C"])
        .ok();
    let mut rdr = csv::Reader::from_reader(focus.stdout.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let input = rdr
        .records()
        .map(|r| r.unwrap())
        .find(|r| r[c("SkuMeter")].starts_with("Input"))
        .unwrap();
    assert_eq!(&input[c("ListUnitPrice")], "2.5");
    assert_eq!(&input[c("ListCost")], "2.5");
    assert_eq!(&input[c("ContractedUnitPrice")], "2.0");
    assert_eq!(&input[c("ContractedCost")], "2.0");
    assert_eq!(&input[c("BilledCost")], "2.0");
}
