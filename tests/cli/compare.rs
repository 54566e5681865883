//! `compare`: the same usage re-priced on other providers.

use super::*;

// Book: llama-3.3-70b-instruct on aws-bedrock 0.72/0.72, groq 0.59/0.79, together 0.88/0.88
// (each stating cache reads at its input rate), vertex-ai from 2025-07-01 only;
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
    let v = compare()
        .args([
            "--providers",
            "anthropic,aws-bedrock,groq,together,vertex-ai",
        ])
        .json();
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
    // vertex-ai sells Llama 3.3, but its first price is from July: no price at that date.
    assert_eq!(vertex["not_offered_reason"], "no price then");
    assert_eq!(
        get("claude-sonnet-4", "groq")["not_offered_reason"],
        "not sold"
    );
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
    assert_eq!(v["totals"]["vertex-ai"]["no_price_then_requests"], 1);
    assert_eq!(v["totals"]["vertex-ai"]["not_sold_requests"], 1);
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
    let line = |needle: &str| -> String {
        out.stdout
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?}:\n{}", out.stdout))
            .to_string()
    };
    // By default only the providers that offer some of the June usage: vertex-ai's Llama price
    // starts in July, so it has no column.
    out.stdout_lacks("vertex-ai");
    let cells = |l: &str| -> Vec<String> {
        l.split(['│', '┆'])
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let header = cells(&line("actual provider"));
    assert_eq!(
        header,
        [
            "canonical_model",
            "actual provider",
            "actual cost",
            "anthropic",
            "aws-bedrock",
            "groq",
            "together",
            "cheapest",
            "saving",
            "saving %"
        ]
    );
    // Bedrock Llama: anthropic does not sell it; groq is cheapest by 0.123 of 0.792 = 15.5%.
    assert_eq!(
        cells(&line("llama-3.3-70b-instruct")),
        [
            "llama-3.3-70b-instruct",
            "aws-bedrock",
            "$0.79",
            "not sold",
            "$0.79",
            "$0.67",
            "$0.97",
            "groq",
            "$0.12",
            "15.5%"
        ]
    );
    // The total says how much of the actual cost a partial cell covers: groq offers the
    // Llama usage, $0.792 of $0.837 = 94.6%.
    let total = cells(&line("TOTAL"));
    assert_eq!(
        total,
        [
            "TOTAL",
            "$0.84",
            "$0.05 for 5.4% of cost",
            "$0.79 for 94.6% of cost",
            "$0.67 for 94.6% of cost",
            "$0.97 for 94.6% of cost"
        ]
    );
    // Like for like: per provider, the usage it offers, there and where it ran, biggest
    // saving first: groq saves 0.123 (15.5%), together costs 0.176 more (-22.2%).
    let groq = cells(&line("│ groq"));
    assert_eq!(
        groq,
        ["groq", "94.6%", "1", "$0.79", "$0.67", "$0.12", "15.5%"]
    );
    let together = cells(&line("│ together"));
    assert_eq!(
        together,
        ["together", "94.6%", "1", "$0.79", "$0.97", "-$0.18", "-22.2%"]
    );
    out.stdout_has(
        "not offered on groq: 1 requests, 11,000 tokens, $0.05 actual cost (not sold there 1)",
    );
    // --exact shows every digit.
    let exact = compare().arg("--exact").ok();
    exact
        .stdout_has("$0.123")
        .stdout_lacks("amounts rounded to cents");
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
    // ... estimate, then the target id, version, book tier, confidence (not stated in the
    // fixture book) and the provider rules it used (none).
    assert!(
        l.contains(",0.00669,")
            && l.ends_with(
                ",true,llama-3.3-70b-versatile,groq/llama-3.3-70b-versatile@2024-12-06,curated,,"
            ),
        "{l}"
    );
    compare().args(["--substitute", "nonsense"]).fails(2);
    compare().args(["--providers", "nowhere"]).fails(2);
}

/// The headline question on the built-in book: what would our Bedrock Llama usage have cost
/// elsewhere? `--where` restricts the usage; a model a provider retired is not offered there
/// (Groq retired llama-3.1-70b-versatile on 2025-01-24), and says so.
#[test]
fn where_restricts_the_usage_and_retired_models_are_not_offered() {
    let log = "timestamp,provider,model,input_tokens,output_tokens\n\
        2025-07-10T00:00:00Z,aws-bedrock,meta.llama3-1-70b-instruct-v1:0,1000000,0\n\
        2025-07-10T00:00:00Z,aws-bedrock,meta.llama3-3-70b-instruct-v1:0,1000000,0\n\
        2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0\n";
    let v = Tl::compare()
        .log_text("bedrock.csv", log)
        .args(["--where", "provider=aws-bedrock", "--by", "canonical_model"])
        .args(["--providers", "groq"])
        .json();
    let rows = v["rows"].as_array().unwrap();
    // Only the two Bedrock rows: gpt-4o was left out by --where.
    assert_eq!(rows.len(), 2, "{v:#}");
    let by = |c: &str| rows.iter().find(|r| r["canonical_model"] == c).unwrap();
    assert_eq!(
        by("llama-3.1-70b-instruct")["not_offered_reason"],
        "retired"
    );
    // Llama 3.3 70B on Groq (versatile, $0.59 in): 1,000,000 x 0.59 = $0.59.
    assert_eq!(by("llama-3.3-70b-instruct")["target_cost_usd"], "0.59");
    assert_eq!(v["totals"]["groq"]["retired_requests"], 1);
}

/// The curated (provider, canonical model) pairs of the shipped book, read straight from its
/// CSV files.
fn curated_pairs() -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(root().join("pricing/curated")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
        let (p, c) = (col("provider"), col("canonical_model"));
        for l in lines {
            // Evidence may hold quoted commas, after the columns read here.
            let cells: Vec<&str> = l.split(',').collect();
            out.insert((cells[p].to_string(), cells[c].to_string()));
        }
    }
    out
}

/// On the bundled data, no target is priced with a generated row where the book has curated
/// rows of that model on that provider (a curated row is checked against the provider's page;
/// the generated copy is how compare used to invent savings: Claude 3.5 Haiku "25.9% cheaper
/// on aws-bedrock" from a generated `eu.` row at $1.25 output, the real price being $4), and
/// every target names its id and version.
#[test]
fn compare_on_the_bundled_data_uses_no_price_a_curated_row_contradicts() {
    let curated = curated_pairs();
    let v = Tl::compare()
        .logs(root().join("data"))
        .args(["--by", "month,canonical_model"])
        .json();
    let rows = v["rows"].as_array().unwrap();
    let mut offered = 0;
    for r in rows {
        if r["target_cost_usd"].is_null() {
            continue;
        }
        offered += 1;
        let target = r["target_provider"].as_str().unwrap();
        let canonical = r["canonical_model"].as_str().unwrap();
        assert!(!r["target_versions"].as_str().unwrap().is_empty(), "{r}");
        assert!(!r["target_models"].as_str().unwrap().is_empty(), "{r}");
        if r["target_book_tier"]
            .as_str()
            .unwrap()
            .contains("generated")
            && target != r["actual_provider"]
        {
            assert!(
                !curated.contains(&(target.to_string(), canonical.to_string())),
                "{canonical} on {target} priced by a generated row: {r}"
            );
        }
    }
    assert!(offered > 50, "{offered}");
    // The July Claude 3.5 Haiku case, by hand: Bedrock's curated in-region row has Anthropic's
    // price (0.8/4), so moving saves nothing.
    let haiku = rows
        .iter()
        .find(|r| {
            r["month"] == "2025-07"
                && r["canonical_model"] == "claude-3.5-haiku"
                && r["target_provider"] == "aws-bedrock"
        })
        .unwrap();
    assert_eq!(haiku["saving_usd"], "0");
    assert_eq!(
        haiku["target_versions"],
        "aws-bedrock/anthropic.claude-3-5-haiku-20241022-v1:0@2024-12-03"
    );
}

#[test]
fn compare_fits_80_and_120_columns_and_says_what_it_hid() {
    // Nine target providers were 342 characters wide whatever the terminal.
    for width in [80usize, 120] {
        let out = Tl::compare()
            .args(["--month", "2025-06"])
            .env("COLUMNS", &width.to_string())
            .ok();
        for line in out.stdout.lines() {
            assert!(
                line.chars().count() <= width,
                "{width}: {} characters: {line}",
                line.chars().count()
            );
        }
        out.stdout_has(&format!("hidden to fit {width} columns: "));
        // The model column keeps room for its name (saving % goes before it wraps).
        out.stdout_has("canonical_model");
        // No model name wraps: at 80 columns the actual provider and cost take their short
        // titles ("llama-4-maverick-17b-instruct" was cut after "instruc").
        let csv = Tl::compare()
            .args(["--month", "2025-06", "--format", "csv"])
            .ok();
        let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
        let col = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "canonical_model")
            .unwrap();
        for r in reader.records() {
            let m = r.unwrap()[col].to_string();
            assert!(
                out.stdout.lines().any(|l| l.contains(&format!("│ {m} "))),
                "{width}: {m} wrapped:\n{}",
                out.stdout
            );
        }
        if width == 80 {
            out.stdout_has("┆ provider ").stdout_has("┆ cost ");
        } else {
            // Where hiding target providers is enough, the full titles stay.
            out.stdout_has("actual provider");
        }
    }
}
