//! Token classes a price row leaves empty: priced by a provider rule (`class-rules.csv`) and
//! named in `priced_by`, or unpriced with the class as the reason; never billed at another
//! class's rate. Expected values by hand (tests/data/pricing-classes and logs-classes, USD per million tokens):
//!
//! - azure-claude-cache: Azure Claude row 3/15 without cache columns, the Foundry rule prices
//!   cache reads at 0.1 x 3 = 0.3: 400,000*3 + 600,000*0.3 + 1,000*15 = 1,395,000 -> $1.395
//!   (the old fallback billed the reads at 3: $3.015).
//! - haiku-1h-write: a row with a 5-minute write price (1.25) and no 1-hour one; the rule says
//!   2 x 1 = 2: uncached 50,000*1 + 30,000*1.25 + 20,000*2 + 1,000*5 = 132,500 -> $0.1325
//!   (the old fallback billed the 1-hour writes at 1.25: $0.1175).
//! - azure-batch: Azure gpt-5 1.25/10 without batch columns, Global Batch 50%:
//!   200,000*0.625 + 40,000*5 = 325,000 -> $0.325 (the old fallback: on-demand, $0.65).
//! - user-no-cache: a user's row without cache columns, usage without cache reads:
//!   100,000*2 + 1,000*8 = 208,000 -> $0.208.
//! - user-cache: the same row, usage with cache reads and no rule: unpriced, reason "no
//!   cache-read price" (the old fallback billed them at 2: $0.208).

use super::*;

fn classes() -> Tl {
    Tl::report()
        .logs("logs-classes/usage.csv")
        .book("pricing-classes")
}

#[test]
fn empty_classes_are_priced_by_provider_rules_or_unpriced() {
    let v = classes().args(["--by", "case"]).json();
    let case = |c: &str| row(&v, "case", c).clone();
    assert_eq!(case("azure-claude-cache")["cost_usd"], "1.395");
    assert_eq!(
        case("azure-claude-cache")["priced_by"],
        json!(["curated", "rule:foundry-claude-cache-read"])
    );
    assert_eq!(case("haiku-1h-write")["cost_usd"], "0.1325");
    assert_eq!(
        case("haiku-1h-write")["priced_by"],
        json!(["curated", "rule:anthropic-cache-write-1h"])
    );
    assert_eq!(case("azure-batch")["cost_usd"], "0.325");
    assert_eq!(
        case("azure-batch")["priced_by"],
        json!(["curated", "rule:azure-global-batch"])
    );
    assert_eq!(case("user-no-cache")["cost_usd"], "0.208");
    assert_eq!(case("user-no-cache")["priced_by"], json!(["curated"]));
    assert_eq!(case("user-cache")["unpriced_requests"], 1);
    assert_eq!(case("user-cache")["cost_usd"], "0");
    assert_eq!(v["total"]["cost_usd"], "2.0605");
    let unpriced = v["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 1, "{unpriced:?}");
    assert_eq!(unpriced[0]["model"], "my-model");
    assert!(
        unpriced[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("no cache-read price"),
        "{unpriced:?}"
    );
}

#[test]
fn an_unpriced_class_is_loud_and_strict_fails() {
    classes().ok().stderr_has("no cache-read price");
    classes().arg("--strict").fails(1);
    // csv names the rules too.
    let out = classes().args(["--by", "case", "--format", "csv"]).ok();
    let text = &out.stdout;
    assert!(
        text.lines().any(
            |l| l.starts_with("azure-batch,") && l.ends_with("curated rule:azure-global-batch")
        ),
        "{text}"
    );
}

#[test]
fn without_the_rules_file_the_same_usage_is_unpriced_not_billed_at_input() {
    // The price file alone: no provider rule, so the Azure cache reads, the 1-hour writes and
    // the Azure batch are unpriced with their class; only user-no-cache is priced.
    let v = Tl::report()
        .logs("logs-classes/usage.csv")
        .book("pricing-classes/prices.csv")
        .args(["--by", "case"])
        .json();
    assert_eq!(v["total"]["cost_usd"], "0.208");
    let reasons: Vec<String> = v["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            u["reason"]
                .as_str()
                .unwrap()
                .split(':')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "no 1-hour cache-write price",
            "no cache-read price",
            "no batch price",
            "no cache-read price",
        ]
    );
}

#[test]
fn the_built_in_book_prices_azure_claude_cache_reads_at_a_tenth_of_input() {
    // Azure Foundry bills Claude at Anthropic's list prices, cache reads at 0.1x input
    // (under the 200k long-context threshold): 40,000*3 + 60,000*0.3 + 1,000*15 = 153,000
    // -> $0.153, whichever of row or rule states it (the old fallback: $0.315).
    let v = Tl::report()
        .log_text(
            "azure.csv",
            "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens\n\
             2026-02-10T10:00:00Z,azure,claude-sonnet-4-5,100000,1000,60000\n",
        )
        .json();
    assert_eq!(v["total"]["cost_usd"], "0.153");
}

#[test]
fn a_request_after_a_retirement_is_priced_at_the_last_price_or_the_redirect_with_a_warning() {
    // Built-in book. Claude 3.5 Haiku retired on 2026-02-19 (last price 0.8/4):
    //   1,000,000*0.8 + 100,000*4 = $1.2, with a warning, never unpriced in silence.
    // xAI bills the retired grok-code-fast-1 as grok-4.3 (1.25/2.5) after 2026-05-15T19:00Z:
    //   100,000*1.25 + 100,000*2.5 = $0.375.
    let out = Tl::report()
        .log_text(
            "late.csv",
            "timestamp,provider,model,input_tokens,output_tokens,case\n\
             2026-03-01T00:00:00Z,anthropic,claude-3-5-haiku-20241022,1000000,100000,haiku\n\
             2026-06-01T00:00:00Z,xai,grok-code-fast-1,100000,100000,grok\n",
        )
        .args(["--by", "case", "--format", "json"])
        .ok();
    out.stderr_has("anthropic/claude-3-5-haiku-20241022: 1 request succeeded after its retirement on 2026-02-19")
        .stderr_has("xai/grok-code-fast-1: 1 request after its retirement on 2026-05-15T19:00:00Z, billed by the provider as grok-4.3");
    let v = out.json();
    assert_eq!(row(&v, "case", "haiku")["cost_usd"], "1.2");
    assert_eq!(
        row(&v, "case", "haiku")["price_versions"],
        json!(["anthropic/claude-3-5-haiku-20241022@2024-12-03"])
    );
    assert_eq!(
        row(&v, "case", "haiku")["priced_by"],
        json!(["curated", "rule:after-retirement"])
    );
    assert_eq!(row(&v, "case", "grok")["cost_usd"], "0.375");
    assert_eq!(v["total"]["unpriced_requests"], 0);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 2, "{v:#}");
}

#[test]
fn a_retirement_needs_the_providers_own_page_as_its_source() {
    let mut tl = Tl::prices("validate");
    let dir = tl.temp_file(
        "retirements.csv",
        "provider,model,retired_at,source\n\
         anthropic,claude-3-haiku-20240307,2026-04-20,https://24-ai.news/en/x\n\
         anthropic,claude-3-opus-20240229,2026-01-05,\n",
    );
    let prices = tl.temp_file(
        "p.csv",
        "provider,model,effective_from,input_per_mtok,output_per_mtok,source\n\
         anthropic,claude-3-haiku-20240307,2024-03-07,0.25,1.25,https://x\n",
    );
    tl.arg(prices)
        .arg(dir)
        .fails(1)
        .stdout_has("\"https://24-ai.news/en/x\" is not a page of anthropic")
        .stdout_has("a retirement needs its source");
}

#[test]
fn a_base_cut_moves_the_tiers_a_rule_derives_and_explicit_tier_rows_win() {
    // tests/data/pricing-tiers: gpt-x 5/30 from 2026-07-09, cut to 4/20 on 2026-08-21; tier
    // rules flex 0.5x and priority 2x of the standard price in force. gpt-y lists its own
    // priority price 12.5/75 (2.5x): that row wins. Each request 1,000,000 in + 100,000 out.
    //   x priority before the cut: 10*1 + 60*0.1 = $16; after: 8*1 + 40*0.1 = $12
    //   x flex after the cut: 2*1 + 10*0.1 = $3; y priority: 12.5 + 7.5 = $20
    let v = Tl::report()
        .book("pricing-tiers")
        .log_text(
            "tiers.csv",
            "timestamp,provider,model,input_tokens,output_tokens,service_tier,case\n\
             2026-08-01T00:00:00Z,openai,gpt-x,1000000,100000,priority,x priority before\n\
             2026-08-25T00:00:00Z,openai,gpt-x,1000000,100000,priority,x priority after\n\
             2026-08-25T00:00:00Z,openai,gpt-x,1000000,100000,flex,x flex after\n\
             2026-08-25T00:00:00Z,openai,gpt-y,1000000,100000,priority,y priority\n",
        )
        .args(["--by", "case"])
        .json();
    let case = |c: &str| row(&v, "case", c).clone();
    assert_eq!(case("x priority before")["cost_usd"], "16");
    assert_eq!(case("x priority after")["cost_usd"], "12");
    assert_eq!(
        case("x priority after")["price_versions"],
        json!(["openai/gpt-x{priority}@2026-08-21+priority"])
    );
    assert_eq!(case("x flex after")["cost_usd"], "3");
    assert_eq!(case("y priority")["cost_usd"], "20");
    assert_eq!(
        case("y priority")["price_versions"],
        json!(["openai/gpt-y{priority}@2026-04-23"])
    );
}

#[test]
fn validate_names_an_explicit_tier_row_left_behind_by_a_base_cut() {
    let mut tl = Tl::prices("validate");
    let p = tl.temp_file(
        "p.csv",
        "provider,model,effective_from,input_per_mtok,output_per_mtok,service_tier,canonical_model,source\n\
         openai,gpt-z,2026-07-09,5,30,,gpt-z,https://example.org/a\n\
         openai,gpt-z,2026-08-21,4,20,,gpt-z,https://example.org/b\n\
         openai,gpt-z,2026-07-09,10,60,priority,gpt-z,https://example.org/c\n",
    );
    tl.arg(p)
        .ok()
        .stdout_has("openai/gpt-z{priority}@2026-07-09: the standard price changed on 2026-08-21");
}

#[test]
fn azure_is_priced_by_deployment_type_never_by_region() {
    // Built-in book, Azure gpt-4.1 Global Standard 2/8 (batch 1/4), Data Zone and Regional
    // deployments 1.1x. Each request 1,000,000 in + 100,000 out:
    //   no deployment_type, resource in eastus2: Global Standard 2 + 0.8 = $2.8 (and a note)
    //   data-zone (or Azure's own "DataZoneStandard"), regional: 2.2 + 0.88 = $3.08
    //   Global Batch: 1 + 0.4 = $1.4
    let log = "timestamp,provider,model,input_tokens,output_tokens,region,deployment_type,batch,case\n\
        2026-03-02T00:00:00Z,azure,gpt-4.1-2025-04-14,1000000,100000,eastus2,,false,none\n\
        2026-03-02T00:00:00Z,azure,gpt-4.1-2025-04-14,1000000,100000,eastus2,data-zone,false,dz\n\
        2026-03-02T00:00:00Z,azure,gpt-4.1-2025-04-14,1000000,100000,swedencentral,DataZoneStandard,false,dz azure name\n\
        2026-03-02T00:00:00Z,azure,gpt-4.1-2025-04-14,1000000,100000,eastus2,regional,false,regional\n\
        2026-03-02T00:00:00Z,azure,gpt-4.1-2025-04-14,1000000,100000,eastus2,GlobalBatch,true,global batch\n";
    let out = Tl::report()
        .log_text("azure.csv", log)
        .args(["--by", "case", "--format", "json"])
        .ok();
    out.stderr_has("1 request on azure without a deployment_type: priced at Global Standard");
    let v = out.json();
    let cost = |c: &str| row(&v, "case", c)["cost_usd"].clone();
    assert_eq!(cost("none"), "2.8");
    assert_eq!(cost("dz"), "3.08");
    assert_eq!(cost("dz azure name"), "3.08");
    assert_eq!(cost("regional"), "3.08");
    assert_eq!(cost("global batch"), "1.4");
    assert_eq!(
        row(&v, "case", "dz")["price_versions"],
        json!(["azure/gpt-4.1-2025-04-14[*]@2025-04-14+azure-data-zone"])
    );
    // `prices why` takes the deployment type too.
    Tl::prices("why")
        .args([
            "azure",
            "gpt-4.1-2025-04-14",
            "--at",
            "2026-03-02",
            "--deployment-type",
            "data-zone",
        ])
        .ok()
        .stdout_has("input $2.2, output $8.8");
}

#[test]
fn a_price_the_price_map_stopped_listing_ends_and_later_usage_says_so() {
    // tests/data/pricing-delisted: a generated row 3/15 whose LiteLLM key was deleted on
    // 2025-12-11T11:08:26Z. Before: priced. After: the last price, 100,000*3 + 10,000*15 =
    // $0.45, with a warning that the price may be out of date.
    let out = Tl::report()
        .book("pricing-delisted")
        .log_text(
            "d.csv",
            "timestamp,provider,model,input_tokens,output_tokens,case\n\
             2025-12-01T00:00:00Z,azure,claude-old,100000,10000,before\n\
             2026-01-05T00:00:00Z,azure,claude-old,100000,10000,after\n",
        )
        .args(["--by", "case", "--format", "json"])
        .ok();
    out.stderr_has(
        "azure/claude-old: 1 request after LiteLLM's price map stopped listing it on 2025-12-11T11:08:26Z",
    );
    let v = out.json();
    assert_eq!(row(&v, "case", "before")["priced_by"], json!(["generated"]));
    assert_eq!(row(&v, "case", "after")["cost_usd"], "0.45");
    assert_eq!(
        row(&v, "case", "after")["priced_by"],
        json!(["generated", "rule:after-delisting"])
    );
}

#[test]
fn a_report_says_when_its_logs_are_newer_than_the_book_and_how_to_update_it() {
    // The built-in book was checked on the date in pricing/book-info.csv; a log from 2027 is
    // newer: every format says so once, with how to update, and json states the dates.
    let checked = std::fs::read_to_string(root().join("pricing/book-info.csv")).unwrap();
    let checked = checked
        .lines()
        .find_map(|l| l.strip_prefix("checked_at,"))
        .unwrap()
        .to_string();
    let out = Tl::report()
        .log_text(
            "new.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n\
             2027-03-01T00:00:00Z,openai,gpt-4.1-2025-04-14,1000,100\n",
        )
        .args(["--format", "json"])
        .ok();
    out.stderr_has(&format!(
        "these logs run to 2027-03-01, after the price book was last checked (checked on {checked}"
    ))
    .stderr_has("tokenledger prices update --litellm");
    let v = out.json();
    assert_eq!(v["pricing"]["book_checked_at"], checked.as_str());
    assert!(v["pricing"]["book_newest_price"].is_string());
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1, "{v:#}");
    // A month inside the book's time says nothing of the kind.
    Tl::report()
        .log_text(
            "old.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n\
             2026-03-01T00:00:00Z,openai,gpt-4.1-2025-04-14,1000,100\n",
        )
        .ok()
        .stderr_lacks("after the price book was last checked")
        .stdout_has(&format!(
            "price book checked against its sources on {checked}"
        ));
    Tl::cmd(["--version"]).ok().stdout_has(&format!(
        "checked against its sources on {checked}; newest price"
    ));
}

#[test]
fn xai_bills_the_long_tier_from_a_prompt_of_exactly_200k() {
    // xAI: "when the prompt reaches 200k tokens" the whole request costs the higher row
    // (grok-4.3: 1.25 -> 2.5 input). 200,000*2.5 = $0.5; 199,999*1.25 = $0.24999875.
    let v = Tl::report()
        .log_text(
            "x.csv",
            "timestamp,provider,model,input_tokens,output_tokens,case\n\
             2026-06-01T00:00:00Z,xai,grok-4.3,200000,0,at\n\
             2026-06-01T00:00:00Z,xai,grok-4.3,199999,0,below\n",
        )
        .args(["--by", "case"])
        .json();
    assert_eq!(row(&v, "case", "at")["cost_usd"], "0.5");
    assert_eq!(row(&v, "case", "below")["cost_usd"], "0.24999875");
}

#[test]
fn an_overlay_row_without_cache_prices_takes_the_providers_rule_too() {
    // An overlay prices a model the book does not know (2/10, no cache columns) on top of the
    // built-in book: the Anthropic rule prices its cache reads at 0.1 x 2 = 0.2, named in
    // priced_by. 50,000*2 + 50,000*0.2 + 1,000*10 = 120,000 -> $0.12.
    let mut tl = Tl::report();
    let overlay = tl.temp_file(
        "overlay.csv",
        "provider,model,effective_from,input_per_mtok,output_per_mtok,source\n\
         anthropic,claude-private-1,2026-01-01,2,10,contract 42\n",
    );
    let v = tl
        .overlay(overlay)
        .log_text(
            "o.csv",
            "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens\n\
             2026-03-01T00:00:00Z,anthropic,claude-private-1,100000,1000,50000\n",
        )
        .json();
    assert_eq!(v["total"]["cost_usd"], "0.12");
    assert_eq!(
        v["total"]["priced_by"],
        json!(["overlay", "rule:anthropic-cache-read"])
    );
}

#[test]
fn litellm_spend_logs_carry_the_azure_deployment_type_in_the_model() {
    // LiteLLM names Data Zone deployments `azure/us/<model>`: priced at 1.1x Global Standard
    // (gpt-4.1: 2.2/8.8): 1,000,000*2.2 + 100,000*8.8 = $3.08; `azure/global/...` at 2/8: $2.8.
    let csv = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,model_group,custom_llm_provider,user,team_id,end_user,status,metadata\n\
        a-1,acompletion,k,0,1100000,1000000,100000,2026-03-02 10:00:00,2026-03-02 10:00:02,azure/us/gpt-4.1-2025-04-14,g,azure,alice,t,c,success,{}\n\
        a-2,acompletion,k,0,1100000,1000000,100000,2026-03-02 11:00:00,2026-03-02 11:00:02,azure/global/gpt-4.1-2025-04-14,g,azure,alice,t,c,success,{}\n";
    let v = Tl::report()
        .log_text("LiteLLM_SpendLogs.csv", csv)
        .args(["--by", "deployment_type,model"])
        .json();
    assert_eq!(row(&v, "deployment_type", "data-zone")["cost_usd"], "3.08");
    assert_eq!(
        row(&v, "deployment_type", "data-zone")["model"],
        "gpt-4.1-2025-04-14"
    );
    assert_eq!(row(&v, "deployment_type", "global")["cost_usd"], "2.8");
    assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");
}
