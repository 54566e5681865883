//! `reconcile`: bills read exactly, joined with the logs, every difference given its cause.
//!
//! tests/data/bills/e2e: logs of Bedrock usage and a CUR 2.0 bill made from the same usage with
//! one of each cause injected. Prices of the shipped book (per million): global Claude Sonnet
//! 4.6 3 / 15, cache read 0.3, 5-minute write 3.75, 1-hour write 6; global Nova 2 Lite 0.3
//! (in-region 0.33); Qwen3 Coder Next 0.5; DeepSeek R1 1.35 / 5.4.
//!
//! | day | usage | logs (computed) | bill | difference | cause |
//! |---|---|---|---|---|---|
//! | 10-14 | sonnet input 2M, cache read 10M, output 0.4M | 6 + 3 + 6 | same | 0 | none |
//! | 10-14 | sonnet writes 1M, all 5-minute in the logs | 3.75 | 0.6M x 3.75 + 0.4M x 6 = 4.65 | +0.9 | cache_ttl |
//! | 10-14 | Nova 2 Lite 10M, logged global | 3.0 | in-region 3.3 | +0.3 | geo_premium |
//! | 10-14 | Qwen 2M, logged standard | 1.0 | batch 0.5 | -0.5 | tier |
//! | 10-14 | DeepSeek R1 input 1M | 1.35 | 1.5 | +0.15 | price_differs |
//! | 10-14 | Claude 3 Haiku 4M (not in the logs) | 0 | 1.0 | +1.0 | not_in_logs |
//! | 10-15 | sonnet output 0.1M logged, 0.3M billed | 1.5 | 4.5 | +3.0 | missing_from_logs |
//! | 10-15 | Nova 2 Lite 5M, no bill line | 1.5 | 0 | -1.5 | not_billed |
//! | 10-15 | DeepSeek R1 output 1,000,001 | 5.4000054 | 5.40 | -0.0000054 | rounding |
//! | | provisioned throughput 576, tax 1.25 | | 577.25 | +577.25 | non_token |
//! | | a usage type no grammar reads | | 0.7 | +0.7 | unexplained |
//! | | credit | | -5 | -5 | credit |
//!
//! Billed 608.80, computed 32.5000054, difference 576.2999946 = the sum of the causes.

use super::*;

fn e2e() -> Tl {
    Tl::cmd(["reconcile"])
        .logs("bills/e2e/logs.csv")
        .args(["--bill", &fixture("bills/e2e/cur-2026-10.csv")])
        .args(["--month", "2026-10"])
}

fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string"))
        .parse()
        .unwrap()
}

#[test]
fn each_injected_cause_is_named_at_its_day_model_and_class_and_the_causes_add_up() {
    let out = e2e().args(["--format", "json"]).ok();
    let doc = out.json();
    // (day, canonical model, class, tier, cause, difference)
    type Want<'a> = (&'a str, &'a str, &'a str, &'a str, Option<&'a str>, &'a str);
    let want: [Want; 14] = [
        (
            "2026-10-14",
            "claude-sonnet-4.6",
            "input",
            "standard",
            None,
            "0",
        ),
        (
            "2026-10-14",
            "claude-sonnet-4.6",
            "cache_read",
            "standard",
            None,
            "0",
        ),
        (
            "2026-10-14",
            "claude-sonnet-4.6",
            "output",
            "standard",
            None,
            "0",
        ),
        (
            "2026-10-14",
            "claude-sonnet-4.6",
            "cache_write_5m",
            "standard",
            Some("cache_ttl"),
            "-1.5",
        ),
        (
            "2026-10-14",
            "claude-sonnet-4.6",
            "cache_write_1h",
            "standard",
            Some("cache_ttl"),
            "2.4",
        ),
        (
            "2026-10-14",
            "nova-2-lite",
            "input",
            "standard",
            Some("geo_premium"),
            "-3",
        ),
        (
            "2026-10-14",
            "nova-2-lite",
            "input",
            "standard",
            Some("geo_premium"),
            "3.3",
        ),
        (
            "2026-10-14",
            "qwen3-coder-next",
            "input",
            "standard",
            Some("tier"),
            "-1",
        ),
        (
            "2026-10-14",
            "qwen3-coder-next",
            "input",
            "batch",
            Some("tier"),
            "0.5",
        ),
        (
            "2026-10-14",
            "deepseek-r1",
            "input",
            "standard",
            Some("price_differs"),
            "0.15",
        ),
        (
            "2026-10-14",
            "claude-3-haiku",
            "input",
            "standard",
            Some("not_in_logs"),
            "1",
        ),
        (
            "2026-10-15",
            "claude-sonnet-4.6",
            "output",
            "standard",
            Some("missing_from_logs"),
            "3",
        ),
        (
            "2026-10-15",
            "nova-2-lite",
            "input",
            "standard",
            Some("not_billed"),
            "-1.5",
        ),
        (
            "2026-10-15",
            "deepseek-r1",
            "output",
            "standard",
            Some("rounding"),
            "-0.0000054",
        ),
    ];
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{rows:#?}");
    for (day, model, class, tier, cause, diff) in want {
        let found = rows.iter().any(|r| {
            r["day"] == day
                && r["canonical_model"] == model
                && r["token_class"] == class
                && r["tier"] == tier
                && r["cause"].as_str() == cause
                && dec(&r["difference_usd"]) == diff.parse().unwrap()
        });
        assert!(
            found,
            "no row {day} {model} {class} {tier} {cause:?} {diff}: {rows:#?}"
        );
    }
    // The price that differs carries the implied price and the book's.
    let r1 = rows.iter().find(|r| r["cause"] == "price_differs").unwrap();
    assert_eq!(r1["implied_price_per_mtok"], "1.5");
    assert_eq!(r1["book_price_per_mtok"], "1.35");
    let causes = &doc["causes"];
    for (cause, usd) in [
        ("cache_ttl", "0.9"),
        ("geo_premium", "0.3"),
        ("tier", "-0.5"),
        ("price_differs", "0.15"),
        ("not_in_logs", "1"),
        ("missing_from_logs", "3"),
        ("not_billed", "-1.5"),
        ("rounding", "-0.0000054"),
        ("non_token", "577.25"),
        ("unexplained", "0.7"),
        ("credit", "-5"),
    ] {
        assert_eq!(
            dec(&causes[cause]["difference_usd"]),
            usd.parse().unwrap(),
            "{cause}: {causes:#}"
        );
    }
    let t = &doc["totals"];
    assert_eq!(dec(&t["billed_cost_usd"]), "608.80".parse().unwrap());
    assert_eq!(dec(&t["computed_cost_usd"]), "32.5000054".parse().unwrap());
    assert_eq!(dec(&t["difference_usd"]), "576.2999946".parse().unwrap());
    assert_eq!(dec(&t["unexplained_usd"]), "0.7".parse().unwrap());
    let sum: rust_decimal::Decimal = causes
        .as_object()
        .unwrap()
        .values()
        .map(|c| dec(&c["difference_usd"]))
        .sum();
    assert_eq!(sum, dec(&t["difference_usd"]));
    // The table says the same, in cents.
    let table = e2e().ok().stdout;
    assert!(
        table.contains(
            "billed $608.80, computed from the logs $32.50, difference $576.30 (unexplained $0.70)"
        ),
        "{table}"
    );
}

#[test]
fn tolerance_fails_only_above_the_unexplained_amount() {
    // Unexplained $0.70 of $608.80 billed.
    e2e().args(["--tolerance", "1%"]).ok();
    e2e().args(["--tolerance", "$1"]).ok();
    e2e()
        .args(["--tolerance", "0.5"])
        .fails(1)
        .stderr_has("--tolerance: $0.70 unexplained, more than the $0.50 allowed");
    e2e()
        .args(["--tolerance", "0.1%"])
        .fails(1)
        .stderr_has("more than the $0.61 allowed");
    e2e()
        .args(["--tolerance", "lots"])
        .fails(2)
        .stderr_has("expected a percentage");
}

#[test]
fn the_overlay_of_implied_prices_makes_the_next_run_agree() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("contract.csv");
    e2e()
        .args(["--write-overlay", overlay.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&overlay).unwrap();
    // DeepSeek R1 input billed at $1.5/M from 2026-10-14; geo and tier differences are the
    // book's own rules and stay out.
    assert!(
        text.contains("aws-bedrock,us.deepseek.r1-v1:0,2026-10-14,,1.5,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    let again = e2e()
        .args([
            "--pricing-overlay",
            overlay.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    let deepseek_input = again["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["canonical_model"] == "deepseek-r1" && r["token_class"] == "input")
        .unwrap()
        .clone();
    assert_eq!(deepseek_input["cause"], Value::Null, "{deepseek_input:#}");
    assert_eq!(deepseek_input["difference_usd"], "0");
}

/// A bill file with its format, line count and total (hand-computed in the comments).
fn read_bill(file: &str) -> Value {
    Tl::cmd(["reconcile"])
        .logs("bills/no-usage.csv")
        .args([
            "--bill",
            &fixture(&format!("bills/{file}")),
            "--format",
            "json",
        ])
        .ok()
        .json()
}

fn billed(
    doc: &Value,
    provider: &str,
    model: &str,
    class: &str,
    tier: &str,
) -> (Option<u64>, rust_decimal::Decimal) {
    let rows = doc["rows"].as_array().unwrap();
    let r = rows
        .iter()
        .filter(|r| {
            r["provider"] == provider
                && r["canonical_model"] == model
                && r["token_class"] == class
                && r["tier"] == tier
        })
        .collect::<Vec<_>>();
    assert_eq!(r.len(), 1, "{model} {class} {tier}: {rows:#?}");
    (
        r[0]["billed_tokens"].as_u64(),
        dec(&r[0]["billed_cost_usd"]),
    )
}

#[test]
fn every_bill_format_is_read_to_its_hand_computed_total() {
    // (file, format, lines, total): the totals are the sums of the cost columns, by hand:
    // focus-aws-1.2: 0.5412 + 0.500775 + 1.407408 + 1.2369 + 0.6 + 0.66 - 0.75 - 0.0033
    // focus-azure-1.2: 3.0 + 0.9 + 3.75 + 24.0 + 0.25
    // focus-gcp-1.0: 1.0 + 0.3 + 1.0 - 0.4
    // azure-cost-details: 0.0041469 + 0.0027288 + 0.0010152 + 0.5 + 1.25 + 0.55 + 2.625 + 24
    //   - 0.001 - 0.0000012
    // gcp-billing: 1.5 + 2.0 + 0.3 + 2.5 + 0.2 + 4.0 + 0.5951898 + 0.31 + 0.0000003 - 1.5 (credit)
    // openai-costs: 4.4 + 0.4 + 3.2 + 0.15 + 0.25 + 0.6 + 0.1 + 0.05
    // anthropic-cost-report: 2301.28912 cents
    for (file, format, lines, total) in [
        ("focus-aws-1.2.csv", "focus", 8, "4.192983"),
        ("focus-azure-1.2.csv", "focus", 5, "31.9"),
        ("focus-gcp-1.0.csv", "focus", 4, "1.9"),
        ("azure-cost-details.csv", "azure-cost", 10, "28.9318897"),
        ("gcp-billing.jsonl", "gcp-billing", 9, "9.9051901"),
        ("openai-costs.jsonl", "openai-costs", 8, "9.15"),
        (
            "anthropic-cost-report.json",
            "anthropic-cost",
            7,
            "23.0128912",
        ),
    ] {
        let doc = read_bill(file);
        let f = &doc["files"][0];
        assert_eq!(f["format"], format, "{file}");
        assert_eq!(f["lines"], lines, "{file}");
        assert_eq!(dec(&f["total_usd"]), total.parse().unwrap(), "{file}");
        assert_eq!(
            dec(&doc["totals"]["billed_cost_usd"]),
            total.parse().unwrap(),
            "{file}"
        );
    }
    // Units: AWS Marketplace `Units` are millions, first-party `1K tokens` thousands.
    let aws = read_bill("focus-aws-1.2.csv");
    let sonnet_input = aws["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["canonical_model"] == "claude-sonnet-4.6" && r["token_class"] == "input")
        .map(|r| {
            (
                r["geo"].as_str().unwrap().to_string(),
                r["billed_tokens"].as_u64().unwrap(),
            )
        })
        .collect::<std::collections::BTreeMap<_, _>>();
    assert_eq!(sonnet_input["global"], 469_136);
    assert_eq!(sonnet_input["regional"], 200_000);
    assert_eq!(
        billed(
            &aws,
            "aws-bedrock",
            "claude-sonnet-4.6",
            "cache_write_1h",
            "standard"
        ),
        (Some(100_000), "0.6".parse().unwrap())
    );
    assert_eq!(
        billed(&aws, "aws-bedrock", "nova-2-lite", "output", "standard"),
        (Some(182_100), "0.500775".parse().unwrap())
    );
    // The correction is kept apart, not netted into October's tokens.
    let other = aws["other_charges"].as_array().unwrap();
    assert!(other.iter().any(|o| o["cause"] == "unexplained"
        && o["detail"].as_str().unwrap().contains("correction")
        && o["cost_usd"] == "-0.0033"));
    // Azure: meters in 1K and 1M blocks, cached, batch and Data Zone meters.
    let az = read_bill("azure-cost-details.csv");
    assert_eq!(
        billed(&az, "azure", "gpt-4o-mini", "input", "standard"),
        (Some(27_646), "0.0041469".parse().unwrap())
    );
    assert_eq!(
        billed(&az, "azure", "gpt-5", "input", "standard").0,
        Some(2_100_000)
    );
    assert_eq!(
        billed(&az, "azure", "gpt-4o", "cache_read", "standard").0,
        Some(400_000)
    );
    assert_eq!(
        billed(&az, "azure", "gpt-4o", "input", "batch").0,
        Some(1_000_000)
    );
    // Google: tokens from usage.amount whatever the unit says; credits kept apart.
    let gcp = read_bill("gcp-billing.jsonl");
    assert_eq!(
        billed(&gcp, "vertex-ai", "gemini-2.5-flash", "input", "standard").1,
        "1.5".parse().unwrap()
    );
    assert_eq!(
        dec(&gcp["causes"]["credit"]["difference_usd"]),
        "-1.5".parse().unwrap()
    );
    assert_eq!(
        dec(&gcp["causes"]["non_token"]["difference_usd"]),
        "4.31".parse().unwrap()
    );
    // OpenAI: `1000_tokens` quantities, the priority prefix, a line without line_item kept.
    let oa = read_bill("openai-costs.jsonl");
    assert_eq!(
        billed(&oa, "openai", "gpt-4o-mini", "input", "standard").0,
        Some(1_000_000)
    );
    assert_eq!(
        billed(&oa, "openai", "gpt-4.1", "cache_read", "standard").0,
        Some(800_000)
    );
    assert_eq!(
        dec(&oa["causes"]["unexplained"]["difference_usd"]),
        "0.05".parse().unwrap()
    );
    // Anthropic: cents to dollars exactly, no token counts.
    let an = read_bill("anthropic-cost-report.json");
    assert_eq!(
        billed(&an, "anthropic", "claude-sonnet-4.6", "output", "batch"),
        (None, "1.2378912".parse().unwrap())
    );
    assert_eq!(
        dec(&an["causes"]["non_token"]["difference_usd"]),
        "10".parse().unwrap()
    );
}

#[test]
fn an_export_folder_is_read_through_its_manifest() {
    // The manifest lists chunks 1 and 2 (the e2e bill split in two); chunk 3 is a stale copy
    // of three lines from an earlier delivery.
    let out = Tl::cmd(["reconcile"])
        .logs("bills/e2e/logs.csv")
        .args(["--bill", &fixture("bills/cur-export"), "--format", "json"])
        .ok();
    out.stderr_has("1 data file not listed by the newest manifest of its period left out");
    let doc = out.json();
    assert_eq!(doc["files"].as_array().unwrap().len(), 2);
    assert_eq!(
        dec(&doc["totals"]["billed_cost_usd"]),
        "608.80".parse().unwrap()
    );
}

#[test]
fn files_that_are_no_bill_and_bad_amounts_are_named() {
    Tl::cmd(["reconcile"])
        .logs("bills/no-usage.csv")
        .args(["--bill", &fixture("logs/basic.csv")])
        .fails(1)
        .stderr_has("logs/basic.csv: a CSV that is no bill tokenledger reads")
        .stderr_has("--bill-format");
    let mut t = Tl::cmd(["reconcile"]).logs("bills/no-usage.csv");
    let text = std::fs::read_to_string(fixture("bills/e2e/cur-2026-10.csv"))
        .unwrap()
        .replacen(",6.0,USD,", ",6.O,USD,", 1);
    let bad = t.temp_file("cur.csv", text);
    t.args(["--bill", bad.to_str().unwrap()])
        .fails(1)
        .stderr_has("cur.csv: line 2: line_item_unblended_cost: \"6.O\" is not a decimal amount");
    let mut t = Tl::cmd(["reconcile"]).logs("bills/no-usage.csv");
    let json = t.temp_file("costs.json", r#"{"data":[{"start_time":1,"end_time":2,"results":[{"amount":{"value":"abc"},"line_item":"x, input"}]}]}"#);
    t.args([
        "--bill",
        json.to_str().unwrap(),
        "--bill-format",
        "openai-costs",
    ])
    .fails(1)
    .stderr_has("amount.value: not a decimal amount");
}

#[test]
fn prices_why_explains_a_billed_name_and_a_row_of_ones_own_maps_a_new_one() {
    let out = Tl::prices("why")
        .args([
            "aws-bedrock",
            "USE1-Nova2.0Lite-input-tokens-cross-region-global",
            "--billed",
        ])
        .args(["--at", "2026-10-14"])
        .ok();
    out.stdout_has("model \"Nova2.0Lite\", input tokens, standard tier, global")
        .stdout_has("maps to                 amazon.nova-2-lite-v1:0 (canonical model nova-2-lite)")
        .stdout_has("bill-names.csv:2 maps \"Nova2.0Lite\" on aws-bedrock")
        .stdout_has("input $0.3");
    Tl::prices("why")
        .args(["aws-bedrock", "USE1-Foo9-input-tokens", "--billed"])
        .fails(1)
        .stdout_has("no book model: add a row to bill-names.csv");
    let mut t = Tl::prices("why");
    let dir = t.temp_file(
        "mine/bill-names.csv",
        "provider,billed,model,source\naws-bedrock,Foo9,us.deepseek.r1-v1:0,our AWS account team\n",
    );
    t.args(["aws-bedrock", "USE1-Foo9-input-tokens", "--billed"])
        .args(["--pricing-overlay", dir.parent().unwrap().to_str().unwrap()])
        .ok()
        .stdout_has("maps to                 us.deepseek.r1-v1:0 (canonical model deepseek-r1)")
        .stdout_has("(source: our AWS account team)");
}

#[test]
fn a_restated_month_is_read_from_its_newest_delivery_only() {
    // September was delivered on 09-21 (1,000K Nova tokens, $0.33) and restated on 10-03
    // (1,200K tokens, $0.396, and a $0.10 credit): the newest delivery is the bill, $0.296.
    let out = Tl::cmd(["reconcile"])
        .logs("bills/no-usage.csv")
        .args(["--bill", &fixture("bills/cur-restated"), "--format", "json"])
        .ok();
    out.stderr_has("1 data file not listed by the newest manifest of its period left out");
    let doc = out.json();
    assert_eq!(doc["files"].as_array().unwrap().len(), 1);
    assert!(doc["files"][0]["path"]
        .as_str()
        .unwrap()
        .contains("20261003T0800Z-9f8e"));
    assert_eq!(
        dec(&doc["totals"]["billed_cost_usd"]),
        "0.296".parse().unwrap()
    );
    assert_eq!(doc["rows"][0]["billed_tokens"], 1_200_000);
}

#[test]
fn the_reconcile_chart_draws_computed_beside_billed_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("rec.svg");
    Tl::chart("reconcile")
        .logs("bills/e2e/logs.csv")
        .args([
            "--bill",
            &fixture("bills/e2e/cur-2026-10.csv"),
            "--month",
            "2026-10",
        ])
        .args(["-o", svg.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    for want in [
        "Computed vs billed (2026-10-01 to 2026-10-31, UTC)",
        "computed from the logs",
        "billed (token usage)",
        "2026-10-14",
        "2026-10-15",
        // 608.80 billed: 35.85 of token lines (25.95 + 9.90) and 572.95 of other charges.
        "billed $608.80 (token usage $35.85, other charges and credits $572.95); computed from the logs $32.50; unexplained $0.70",
    ] {
        assert!(text.contains(want), "{want:?} not in the SVG");
    }
    Tl::chart("reconcile")
        .logs("bills/e2e/logs.csv")
        .args(["-o", svg.to_str().unwrap()])
        .fails(2)
        .stderr_has("the reconcile chart needs --bill");
}

#[test]
fn compare_bill_reprices_the_billed_tokens_on_other_providers() {
    // The bill's Claude Sonnet 4.6 tokens: input 2M, output 0.4M + 0.3M, cache read 10M,
    // 5-minute writes 0.6M, 1-hour writes 0.4M; at 3 / 15 / 0.3 / 3.75 / 6 per million (global
    // Bedrock and Anthropic alike): 6 + 10.5 + 3 + 2.25 + 2.4 = 24.15.
    let out = Tl::compare()
        .args(["--bill", &fixture("bills/e2e/cur-2026-10.csv")])
        .args(["--providers", "aws-bedrock,anthropic", "--format", "json"])
        .ok();
    out.stderr_has("4 lines of the bill ($572.95) not compared: 4 not token usage")
        .stderr_has("bills count no requests");
    let doc = out.json();
    let text = doc.to_string();
    let rows = doc["rows"].as_array().unwrap_or_else(|| panic!("{text}"));
    let cost_on = |p: &str| {
        rows.iter()
            .find(|r| r["canonical_model"] == "claude-sonnet-4.6" && r["target_provider"] == p)
            .map(|r| dec(&r["target_cost_usd"]))
            .unwrap_or_else(|| panic!("{p}: {text}"))
    };
    assert_eq!(cost_on("anthropic"), "24.15".parse().unwrap());
    assert_eq!(cost_on("aws-bedrock"), "24.15".parse().unwrap());
}

#[test]
fn report_bill_shows_the_bill_in_the_reports_shapes_and_the_page_reconciles() {
    // The e2e bill by model: Sonnet 6 + 6 + 3 + 2.25 + 2.4 + 4.5 = 24.15 over 6 lines; the
    // four lines that are not tokens 576 + 0.7 + 1.25 = 577.95 with the -5 credit.
    let doc = Tl::report()
        .args([
            "--bill",
            &fixture("bills/e2e/cur-2026-10.csv"),
            "--by",
            "model",
        ])
        .args(["--format", "json"])
        .ok()
        .json();
    let rows = doc.as_array().unwrap();
    let row = |m: &str| rows.iter().find(|r| r["model"] == m).unwrap().clone();
    let sonnet = row("Claude Sonnet 4.6");
    assert_eq!(sonnet["lines"], "6");
    assert_eq!(sonnet["tokens"], "13700000");
    assert_eq!(sonnet["billed_cost_usd"], "24.15");
    let none = rows.iter().find(|r| r["model"].is_null()).unwrap();
    assert_eq!(none["billed_cost_usd"], "577.95");
    assert_eq!(none["credits_usd"], "-5");
    assert_eq!(none["net_usd"], "572.95");
    Tl::report()
        .args([
            "--bill",
            &fixture("bills/focus-azure-1.2.csv"),
            "--by",
            "charge,team",
        ])
        .ok()
        .stdout_has("tokenledger bill: 5 lines, billed $31.90, credits $0.00, net $31.90")
        .stdout_has("provisioned throughput");
    Tl::report()
        .args([
            "--bill",
            &fixture("bills/focus-azure-1.2.csv"),
            "--by",
            "colour",
        ])
        .fails(2)
        .stderr_has("--by colour: a bill has month, day, provider");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    Tl::report()
        .logs("bills/e2e/logs.csv")
        .args([
            "--bill",
            &fixture("bills/e2e/cur-2026-10.csv"),
            "--month",
            "2026-10",
        ])
        .args(["--format", "html", "-o", page.to_str().unwrap()])
        .ok();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h2 id=\"reconciliation\">Reconciliation with the bill</h2>"));
    assert!(html.contains("Billed <b>$608.80</b>, computed from the logs <b>$32.50</b>: difference <b>$576.30</b>, of which unexplained <b>$0.70</b>"));
    assert!(html.contains("geo_premium"));
    // reconcile --format html: the same section on a page of its own, with the chart.
    let own = dir.path().join("rec.html");
    e2e().args(["-o", own.to_str().unwrap()]).ok();
    let html = std::fs::read_to_string(&own).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>LLM bill reconciliation</h1>"));
    // The subtitle says the period in days, not instants.
    assert!(
        html.contains("<p class=\"sub\">2026-10-01 to 2026-10-31, UTC; bills: "),
        "{html}"
    );
    assert!(html.contains("Billed <b>$608.80</b>"));
    assert!(html.contains("<svg"));
    assert!(html.contains("billed $1.5/M input for aws-bedrock/us.deepseek.r1-v1:0 (standard)"));
}

#[test]
fn every_aws_usage_type_generation_is_read() {
    // tests/data/bills/aws-cur-generations.csv, one day: first-party Claude 4.6 (in-region and
    // cross-region global), mantle, the Claude 4 long-context spelling under
    // AmazonBedrockService, Marketplace snake case (Opus 4.7), the older MillionBatchInputTokens
    // spelling and CamelCase batch, AgentCore, guardrails, a discounted line (net unblended
    // 0.2475 of 0.275), an EDP discount and an EC2 line. Total by hand:
    // 1.65 + 0.66 + 0.5 + 0.2 + 0.225 + 1.0 + 1.1 + 1.0 + 1.5 + 0.895 + 0.1 + 0.2475 - 0.05
    // + 0.99999996 = 10.02749996.
    let doc = Tl::report()
        .args(["--bill", &fixture("bills/aws-cur-generations.csv")])
        .args([
            "--by",
            "model,token_class,tier,geo,charge",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let rows = doc.as_array().unwrap();
    let tokens = |model: &str, class: &str, tier: &str, geo: Option<&str>| {
        rows.iter()
            .find(|r| {
                r["model"] == model
                    && r["token_class"] == class
                    && r["tier"] == tier
                    && r["geo"].as_str() == geo
            })
            .map(|r| r["tokens"].as_str().unwrap().parse::<u64>().unwrap())
            .unwrap_or_else(|| panic!("{model} {class} {tier} {geo:?}: {doc:#}"))
    };
    assert_eq!(
        tokens("Claude4.6Sonnet", "input", "standard", None),
        500_000
    );
    assert_eq!(
        tokens("Claude4.6Sonnet", "cache_read", "standard", None),
        2_000_000
    );
    assert_eq!(
        tokens("Claude4.6Opus", "input", "standard", Some("global")),
        100_000
    );
    assert_eq!(
        tokens("mistral.ministral-3-8b-instruct", "input", "standard", None),
        5_000_000
    );
    assert_eq!(
        tokens("Claude4Sonnet", "output", "standard", Some("global")),
        10_000
    );
    assert_eq!(
        tokens("Claude Opus 4.7", "input", "standard", Some("global")),
        200_000
    );
    assert_eq!(
        tokens("Claude Opus 4.7", "output", "standard", Some("regional")),
        40_000
    );
    assert_eq!(
        tokens("Claude Haiku 4.5", "input", "batch", Some("regional")),
        2_000_000
    );
    assert_eq!(
        tokens("Claude Sonnet 4.6", "input", "batch", Some("global")),
        1_000_000
    );
    let charge = |c: &str| {
        rows.iter()
            .find(|r| r["charge"] == c)
            .map(|r| dec(&r["net_usd"]))
            .unwrap_or_else(|| panic!("{c}: {doc:#}"))
    };
    assert_eq!(charge("agents (AgentCore)"), "0.895".parse().unwrap());
    assert_eq!(charge("guardrails"), "0.1".parse().unwrap());
    assert_eq!(
        charge("AmazonEC2 (not a model service)"),
        "0.99999996".parse().unwrap()
    );
    assert_eq!(charge("credit"), "-0.05".parse().unwrap());
    let total: rust_decimal::Decimal = rows.iter().map(|r| dec(&r["net_usd"])).sum();
    assert_eq!(total, "10.02749996".parse().unwrap());
    // The discounted line is billed at its net unblended cost.
    let nova = rows
        .iter()
        .find(|r| r["model"] == "Nova2.0Lite" && r["charge"] == "tokens")
        .unwrap();
    assert_eq!(nova["billed_cost_usd"], "0.2475");
}

/// The reconciliation JSON without the places it was read from.
fn placeless(mut doc: Value) -> Value {
    for r in doc["rows"].as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("sources");
    }
    for o in doc["other_charges"].as_array_mut().unwrap() {
        o.as_object_mut().unwrap().remove("source");
    }
    doc.as_object_mut().unwrap().remove("files");
    doc
}

#[test]
fn parquet_bills_read_as_their_csv_and_json_forms() {
    // cur-2026-10.snappy.parquet is the e2e bill written by pyarrow: doubles for amounts,
    // zone-aware timestamps, MAP columns for product and resource_tags.
    let run = |logs: &str, bill: &str| {
        Tl::cmd(["reconcile"])
            .logs(logs)
            .args([
                "--bill",
                &fixture(bill),
                "--month",
                "2026-10",
                "--format",
                "json",
            ])
            .ok()
            .json()
    };
    let csv = run("bills/e2e/logs.csv", "bills/e2e/cur-2026-10.csv");
    let parquet = run("bills/e2e/logs.csv", "bills/cur-2026-10.snappy.parquet");
    assert_eq!(parquet["files"][0]["format"], "aws-cur");
    assert_eq!(placeless(parquet), placeless(csv));
    // gcp-billing.parquet: the JSON lines' rows with nested records and repeated credits.
    let gcp = |bill: &str| {
        Tl::cmd(["reconcile"])
            .logs("bills/no-usage.csv")
            .args(["--bill", &fixture(bill), "--format", "json"])
            .ok()
            .json()
    };
    let jsonl = gcp("bills/gcp-billing.jsonl");
    let parquet = gcp("bills/gcp-billing.parquet");
    assert_eq!(parquet["files"][0]["total_usd"], "9.9051901");
    assert_eq!(placeless(parquet), placeless(jsonl));
}

#[test]
fn a_damaged_parquet_bill_is_that_files_error() {
    // Found by fuzz target `bills`: a footer whose statistics flag is not a boolean made
    // polars-parquet 0.55.2 panic ("thrift bool field"); caught at the file boundary.
    Tl::cmd(["reconcile"])
        .logs("bills/no-usage.csv")
        .args(["--bill", &fixture("fuzz/bill-thrift-bool.parquet")])
        .fails(1)
        .stderr_has("bill-thrift-bool.parquet: not a readable Parquet file: thrift bool field");
    let good = std::fs::read(fixture("bills/cur-2026-10.snappy.parquet")).unwrap();
    for at in (0..good.len()).step_by(97) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        let mut t = Tl::cmd(["reconcile"]).logs("bills/no-usage.csv");
        let p = t.temp_file("bill.parquet", &bad);
        let out = t.args(["--bill", p.to_str().unwrap()]).run();
        assert!(
            !out.stderr.contains("panicked"),
            "byte {at}: {}",
            out.stderr
        );
        assert!(matches!(out.code, 0 | 1), "byte {at}: {}", out.code);
    }
}

#[test]
fn by_a_tag_the_difference_lands_on_its_team() {
    // Global Sonnet 4.6 input at $3/M on 10-20: search logged 1M and billed 1M ($3); agents
    // logged 2M ($6) and billed 2.5M ($7.50). Joined on the day alone the $1.50 is one row;
    // by team it is the agents' (the bill's tag `user:team`, the logs' column `team`).
    let run = |by: &[&str]| {
        Tl::cmd(["reconcile"])
            .logs("bills/by-team/logs.csv")
            .args([
                "--bill",
                &fixture("bills/by-team/cur.csv"),
                "--format",
                "json",
            ])
            .args(by)
            .ok()
            .json()
    };
    let all = run(&[]);
    assert_eq!(all["rows"].as_array().unwrap().len(), 1);
    assert_eq!(all["rows"][0]["difference_usd"], "1.5");
    let teams = run(&["--by", "team"]);
    let rows = teams["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let team = |t: &str| rows.iter().find(|r| r["team"] == t).unwrap();
    assert_eq!(team("search")["cause"], Value::Null);
    assert_eq!(team("agents")["cause"], "missing_from_logs");
    assert_eq!(team("agents")["difference_usd"], "1.5");
    Tl::cmd(["reconcile"])
        .logs("bills/by-team/logs.csv")
        .args([
            "--bill",
            &fixture("bills/by-team/cur.csv"),
            "--by",
            "colour",
        ])
        .fails(2)
        .stderr_has("colour");
}

#[test]
fn logs_that_count_cached_tokens_as_input_are_named() {
    // OpenAI's costs for 2026-11-05: gpt-4.1 input 2.2M ($4.40), cached input 0.8M ($0.40).
    // A gateway logged prompt_tokens (3M, cached included) and no cached tokens: 3M at $2/M is
    // $6, so the input row is -$1.60 and the cache row +$0.40; both say why.
    let mut t = Tl::cmd(["reconcile"]);
    let logs = t.temp_file(
        "gateway.csv",
        "timestamp,provider,model,input_tokens,output_tokens\n2026-11-05T10:00:00Z,openai,gpt-4.1-2025-04-14,3000000,400000\n",
    );
    let doc = t
        .args(["--logs", logs.to_str().unwrap()])
        .args([
            "--bill",
            &fixture("bills/openai-costs.jsonl"),
            "--format",
            "json",
        ])
        .args(["--from", "2026-11-05", "--to", "2026-11-06"])
        .ok()
        .json();
    let rows = doc["rows"].as_array().unwrap();
    let row = |class: &str| {
        rows.iter()
            .find(|r| r["canonical_model"] == "gpt-4.1" && r["token_class"] == class)
            .unwrap()
    };
    for (class, diff) in [("input", "-1.6"), ("cache_read", "0.4")] {
        let r = row(class);
        assert_eq!(dec(&r["difference_usd"]), diff.parse().unwrap(), "{r:#}");
        assert_eq!(r["cause"], "unexplained");
        assert!(r["detail"]
            .as_str()
            .unwrap()
            .starts_with("the logs count cached tokens as input: 3,000,000 logged = 2,200,000 input + 800,000 cached billed"));
    }
    assert_eq!(row("output")["cause"], Value::Null);
}
