//! `report --format focus`: FOCUS rows.

use super::*;

#[test]
fn focus_rows_multiply_out_and_sum_to_the_report_total() {
    use rust_decimal::Decimal;
    for extra in [vec![], vec!["--tz", "Europe/Berlin", "--month", "2025-06"]] {
        let out = Tl::report().args(["--format", "focus"]).args(&extra).ok();
        let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let col = |name: &str| {
            h.iter()
                .position(|x| x == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        let (billed, list, unit, qty, consumed) = (
            col("BilledCost"),
            col("ListCost"),
            col("ListUnitPrice"),
            col("PricingQuantity"),
            col("ConsumedQuantity"),
        );
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut total = Decimal::ZERO;
        let mut n = 0;
        for rec in rdr.records() {
            let r = rec.unwrap();
            assert_eq!(
                d(&r[unit]) * d(&r[qty]),
                d(&r[list]),
                "ListUnitPrice x PricingQuantity != ListCost in {r:?}"
            );
            assert_eq!(d(&r[qty]) * Decimal::from(1_000_000), d(&r[consumed]));
            assert_eq!(&r[col("ServiceCategory")], "AI and Machine Learning");
            assert_eq!(&r[col("ChargeCategory")], "Usage");
            total += d(&r[billed]);
            n += 1;
        }
        assert!(n > 100);
        let v = Tl::report().args(&extra).json();
        assert_eq!(
            total.normalize().to_string(),
            v["total"]["cost_usd"].as_str().unwrap(),
            "{extra:?}"
        );
    }
}

#[test]
fn focus_charge_periods_are_local_days_with_exclusive_ends() {
    let out = basic()
        .args([
            "--format",
            "focus",
            "--tz",
            "Europe/Berlin",
            "--month",
            "2025-06",
        ])
        .ok();
    let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    // r1 (2025-06-09T23:59:59Z) is June 10 in Berlin: charge period 2025-06-09T22:00Z..2025-06-10T22:00Z.
    let o3_input = rows
        .iter()
        .find(|r| r[c("SkuPriceId")].starts_with("openai/o3@2025-04-16#input"))
        .expect("an o3 input row at the old price");
    assert_eq!(&o3_input[c("ChargePeriodStart")], "2025-06-09T22:00:00Z");
    assert_eq!(&o3_input[c("ChargePeriodEnd")], "2025-06-10T22:00:00Z");
    assert_eq!(&o3_input[c("BillingPeriodStart")], "2025-05-31T22:00:00Z");
    // Decimals always carry a fraction digit (type-inferring readers such as the FOCUS
    // validator would take "10" for an integer column).
    assert_eq!(&o3_input[c("ListUnitPrice")], "10.0");
    assert_eq!(&o3_input[c("PricingQuantity")], "1.0");
    assert_eq!(&o3_input[c("PricingUnit")], "1000000 Tokens");
    assert_eq!(&o3_input[c("ConsumedQuantity")], "1000000.0");
    // No account in the logs: one per provider, named by its id.
    assert_eq!(&o3_input[c("BillingAccountId")], "openai");
    assert_eq!(&o3_input[c("PublisherName")], "OpenAI");
    assert_eq!(&o3_input[c("SubAccountId")], "search");
    assert!(
        o3_input[c("Tags")].contains("\"user\":\"alice\""),
        "{}",
        &o3_input[c("Tags")]
    );
    out.stdout_lacks("sk-alice-000000000001");
    // The project written as a formula in the logs (July, so a run without --month) is neutralised.
    let all = basic().args(["--format", "focus"]).ok();
    all.stdout_has(",\"'=cmd|' /C calc'!A0\",");
    all.stdout_lacks(",=cmd");
}

/// FOCUS 1.3 names the service and host provider; 1.2 keeps the service provider under `x_`.
/// The billing account comes from the logs (Bedrock's accountId, qualified by provider) or
/// --billing-account; regions get their display names.
#[test]
fn focus_versions_accounts_and_regions() {
    let parse = |out: &Out| -> Vec<std::collections::HashMap<String, String>> {
        let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
        let h: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        rdr.records()
            .map(|r| {
                h.iter()
                    .cloned()
                    .zip(r.unwrap().iter().map(str::to_string))
                    .collect()
            })
            .collect()
    };
    let v13 = Tl::report()
        .logs("native/bedrock")
        .book("native/pricing")
        .args(["--format", "focus", "--focus-version", "1.3"])
        .ok();
    let rows = parse(&v13);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["BillingAccountId"], "aws-bedrock:111122223333");
        assert_eq!(
            r["BillingAccountName"],
            "Amazon Web Services account 111122223333"
        );
        assert_eq!(r["ServiceProviderName"], "Amazon Web Services");
        assert_eq!(r["HostProviderName"], "Amazon Web Services");
        assert_eq!(r["RegionId"], "us-east-1");
        assert_eq!(r["RegionName"], "US East (N. Virginia)");
        assert!(!r.contains_key("x_ServiceProviderName"));
    }
    let v12 = basic()
        .args(["--format", "focus", "--billing-account", "acme-1"])
        .args(["--billing-account-name", "ACME"])
        .ok();
    let rows = parse(&v12);
    for r in &rows {
        assert_eq!(
            (
                r["BillingAccountId"].as_str(),
                r["BillingAccountName"].as_str()
            ),
            ("acme-1", "ACME")
        );
        assert!(!r.contains_key("ServiceProviderName") && !r.contains_key("HostProviderName"));
        assert!(!r["x_ServiceProviderName"].is_empty());
        assert!(r["InvoiceId"].is_empty() && r["ChargeClass"].is_empty());
        // SkuPriceDetails: a JSON object of x_ keys.
        let d: Value = serde_json::from_str(&r["SkuPriceDetails"]).unwrap();
        assert!(
            d.as_object().unwrap().keys().all(|k| k.starts_with("x_")),
            "{d}"
        );
    }
}

#[test]
fn focus_tags_carry_the_columns_asked_for_accounts_go_per_provider_and_unpriced_usage_shows() {
    // basic.csv: o3 (openai), claude-sonnet-4 (anthropic), llama (together), mistral-large
    // (not in the test book) and claude-sonnet-4 before its first price (unpriced).
    let out = Tl::report()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--format", "focus", "--tags", "team"])
        .args(["--billing-account", "openai=org-1,anthropic=org-2"])
        .ok();
    let mut rdr = csv::Reader::from_reader(out.stdout.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let tags = |r: &csv::StringRecord| -> Value { serde_json::from_str(&r[col("Tags")]).unwrap() };
    for r in &rows {
        let provider = &r[col("ChargeDescription")];
        let account = &r[col("BillingAccountId")];
        let t = tags(r);
        assert!(t["team"].is_string(), "no team tag: {t}");
        if provider.starts_with("o3 ") {
            assert_eq!(account, "org-1");
        }
        if provider.starts_with("claude-sonnet-4 ") {
            assert_eq!(account, "org-2");
        }
        if provider.starts_with("llama-3.3-70b ") {
            // No account given for Together: the provider's own.
            assert_eq!(account, "together");
        }
    }
    // The unpriced usage is there, at cost 0, and says why.
    let unpriced: Vec<_> = rows
        .iter()
        .filter(|r| tags(r)["tokenledger_unpriced"].is_string())
        .collect();
    assert!(unpriced.len() >= 2, "{}", out.stdout);
    for r in unpriced {
        assert_eq!(r[col("BilledCost")].parse::<f64>().unwrap(), 0.0);
        assert!(r[col("ChargeDescription")].contains("UNPRICED"));
    }
    Tl::report()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--format", "focus", "--billing-account", "openai"])
        .args(["--billing-account-name", "x"])
        .ok();
    Tl::report()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--format", "focus", "--billing-account", "openai=org-1"])
        .args(["--billing-account-name", "x"])
        .fails(2)
        .stderr_has("--billing-account-name names one account");
}
