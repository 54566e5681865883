//! Charts, the HTML page and the report folder.

use super::*;

#[test]
fn every_chart_kind_writes_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [
        "spend-by-model",
        "spend-by-provider",
        "daily",
        "compare",
        "tokens",
    ] {
        for ext in ["png", "svg"] {
            let path = dir.path().join(format!("{kind}.{ext}"));
            Tl::chart(kind).arg("--output").arg(&path).ok();
            let bytes = std::fs::read(&path).unwrap();
            if ext == "png" {
                assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{kind}");
                assert!(bytes.len() > 20_000, "{kind}: suspiciously small PNG");
            } else {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    text.contains("<svg") && text.trim_end().ends_with("</svg>"),
                    "{kind}"
                );
                assert!(text.contains("(all dates, UTC)"), "{kind}: no title");
                if kind != "tokens" {
                    assert!(text.contains(">\n$"), "{kind}: no currency labels");
                }
            }
        }
    }
    Tl::chart("daily")
        .arg("--output")
        .arg(dir.path().join("x.gif"))
        .fails(2)
        .stderr_has("must end in .png or .svg");
}

#[test]
fn charts_cope_with_one_model_and_with_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,provider,model,input_tokens,output_tokens\n");
    for m in 0..50 {
        csv.push_str(&format!(
            "2025-06-{:02}T10:00:00Z,together,model-{m:02},{},100\n",
            1 + m % 28,
            1000 * (m + 1)
        ));
    }
    std::fs::write(dir.path().join("many.csv"), &csv).unwrap();
    let book = dir.path().join("book.csv");
    let mut b = String::from(
        "provider,model,effective_from,input_per_mtok,output_per_mtok,canonical_model\n",
    );
    for m in 0..50 {
        b.push_str(&format!("together,model-{m:02},2025-01-01,1,2,m{m}\n"));
    }
    std::fs::write(&book, b).unwrap();
    let svg = dir.path().join("many.svg");
    Tl::chart("spend-by-model")
        .logs(dir.path().join("many.csv"))
        .book(&book)
        .args(["--by", "day", "--output"])
        .arg(&svg)
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    // Top 10 by cost plus "other" in the legend, named by canonical model by default.
    assert!(text.contains(">\nother\n</text>"), "no other series");
    assert!(
        text.contains(">\nm49\n</text>") && !text.contains(">\nm0\n</text>"),
        "top canonical models by cost expected"
    );
    assert!(
        !text.contains("model-49"),
        "ids where canonical names were asked"
    );
    // --by day,model names the ids the providers priced.
    Tl::chart("spend-by-model")
        .logs(dir.path().join("many.csv"))
        .book(&book)
        .args(["--by", "day,model", "--output"])
        .arg(&svg)
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains(">\nmodel-49\n</text>") && !text.contains(">\nmodel-00\n</text>"),
        "top models by cost expected"
    );
    // One model name per chart, and only names charts know.
    for (by, err) in [
        (
            "model,canonical_model",
            "name one time bucket and one model naming at most",
        ),
        (
            "week",
            "charts group by month or day, and name models by model or canonical_model",
        ),
    ] {
        Tl::chart("spend-by-model")
            .logs(dir.path().join("many.csv"))
            .book(&book)
            .args(["--by", by, "--output"])
            .arg(&svg)
            .fails(2)
            .stderr_has(err);
    }
    let one = dir.path().join("one.png");
    Tl::chart("spend-by-model")
        .logs("compare/usage.csv")
        .book("compare/book.csv")
        .args(["--month", "2025-06", "--output"])
        .arg(&one)
        .ok();
    Tl::chart("daily")
        .args(["--month", "2030-01", "--output"])
        .arg(&one)
        .fails(1)
        .stderr_has("no usage in the period: nothing to chart");
    // Usage that is all unpriced is not "no usage".
    Tl::chart("daily")
        .logs(dir.path().join("many.csv"))
        .book("compare/book.csv")
        .arg("--output")
        .arg(&one)
        .fails(1)
        .stderr_has("no priced usage in the period (50 unpriced requests): nothing to chart");
}

#[test]
fn html_report_is_self_contained_and_escapes_log_strings() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("evil.csv");
    std::fs::write(
        &logs,
        "timestamp,provider,model,input_tokens,output_tokens,user\n2025-06-10T10:00:00Z,together,llama-3.3-70b,1000,100,<script>alert('x')</script>\n2025-06-11T10:00:00Z,together,<img src=x onerror=alert(1)>,1000,100,bob\n",
    )
    .unwrap();
    let html = dir.path().join("r.html");
    Tl::report()
        .logs(&logs)
        .book("pricing/test.csv")
        .args(["--format", "html", "--by", "user,model", "--output"])
        .arg(&html)
        .ok();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(!text.contains("<script"), "raw script tag in the page");
    assert!(!text.contains("<img"), "raw img tag in the page");
    // (A long value may carry break opportunities after its separators.)
    assert!(text
        .replace("<wbr>", "")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(text.contains("<svg"), "inline charts");
    for url in text
        .match_indices("http")
        .map(|(i, _)| &text[i..(i + 40).min(text.len())])
    {
        assert!(
            url.starts_with("http://www.w3.org/"),
            "external reference: {url}"
        );
    }
    assert!(
        text.contains("Unpriced usage")
            && text.contains("Accounting")
            && text.contains("Price book")
    );
}

#[test]
fn html_headline_compares_with_the_previous_month() {
    let out = Tl::report()
        .args(["--month", "2025-06", "--format", "html"])
        .ok();
    // June 9.643881615 vs May 9.785703895: -0.14182228 (-1.4%) (tests/independent/price_sample.py),
    // in cents; every digit with --exact.
    out.stdout_has("-$0.14 (-1.4%) vs 2025-05 ($9.79)");
    Tl::report()
        .args(["--month", "2025-06", "--format", "html", "--exact"])
        .ok()
        .stdout_has("-$0.141822280 (-1.4%) vs 2025-05 ($9.785703895)");
    out.stdout_has("Failures and request rate");
    // Which tier of the book priced each row, and the coverage of the whole page.
    // (Hidden on a phone with the other columns a narrow screen drops.)
    out.stdout_has("<th class=\"d\">priced by</th>");
    out.stdout_has("<td class=\"d\">curated</td>");
    out.stdout_has("coverage: priced by curated rows 100.0%");
}

#[test]
fn out_dir_writes_the_report_folder() {
    let dir = tempfile::tempdir().unwrap();
    Tl::report()
        .args(["--month", "2025-06", "--out-dir"])
        .arg(dir.path())
        .ok();
    let folder = dir.path().join("2025-06");
    for f in [
        "report.html",
        "report.md",
        "breakdown.csv",
        "breakdown.json",
        "spend-by-model.png",
        "spend-by-provider.png",
        "daily.png",
        "tokens.png",
        "compare.png",
    ] {
        let p = folder.join(f);
        assert!(
            p.exists() && std::fs::metadata(&p).unwrap().len() > 100,
            "{f}"
        );
    }
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("breakdown.json")).unwrap())
            .unwrap();
    assert_eq!(v["total"]["cost_usd"], "9.643881615");
}

/// The HTML page's month-over-month change comes from the same read as the report (a side
/// window in the engine): the previous month's total is that month's own report total, and
/// the accounting is the plain report's, malformed rows of the previous month included
/// (a malformed row without an id outside the period counts as outside, not rejected).
#[test]
fn html_previous_month_comes_from_the_same_read_with_the_same_accounting() {
    let text = "timestamp,provider,model,input_tokens,output_tokens,request_id\n\
        2025-05-10T00:00:00Z,openai,o3,1000,100,\n\
        2025-05-11T00:00:00Z,openai,o3,-5,100,\n\
        2025-05-12T00:00:00Z,openai,o3,2000,0,m1\n\
        2025-06-10T00:00:00Z,openai,o3,1000000,0,m1\n\
        2025-06-11T00:00:00Z,openai,o3,1000000,0,j1\n";
    let month = |m: &str| basic_text("two-months.csv", text).args(["--month", m]);
    let june = month("2025-06").json();
    let may = month("2025-05").json();
    // May: 1000 x $10 + 100 x $40 + 2000 x $10 per M = $0.034 (the -5 row is rejected there).
    assert_eq!(may["total"]["cost_usd"], "0.034");
    // June: m1 is a duplicate of the May row; j1 at $2 per M = $2.
    assert_eq!(june["total"]["cost_usd"], "2");
    assert_eq!(june["accounting"]["duplicates"], 1);
    assert_eq!(june["accounting"]["outside_period"], 3);
    assert_eq!(june["accounting"]["rejected"], 0);
    month("2025-06")
        .args(["--format", "html", "--exact"])
        .ok()
        // May is covered from its 10th only: its total, and no change against it.
        .stdout_has("2025-05 $0.034: the logs cover 22 days of the 31 of 2025-05 (from 2025-05-10): no change shown")
        .stdout_has("duplicates 1 + rejected 0 + outside period 3");
}

/// Every chart kind draws a readable bar for a period of one day and one model, and 400 bars
/// for 400 days (it drew a sliver, or `width="-6"`, for one bar).
#[test]
fn every_chart_kind_draws_one_bar_and_four_hundred() {
    let mut one = String::from("timestamp,provider,model,input_tokens,output_tokens\n");
    one.push_str("2025-06-18T10:00:00Z,openai,o3-2025-04-16,1000000,100000\n");
    let mut many = String::from("timestamp,provider,model,input_tokens,output_tokens\n");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for i in 0..400 {
        let day = start + chrono::Duration::days(i);
        many.push_str(&format!(
            "{day}T12:00:00Z,openai,gpt-4o-mini-2024-07-18,{},0\n",
            1000 * (i % 7 + 1)
        ));
    }
    let rect_widths = |svg: &str| -> Vec<f64> {
        svg.split("<rect")
            .skip(1)
            .filter_map(|r| {
                let w = r.split("width=\"").nth(1)?.split('"').next()?;
                w.parse::<f64>().ok()
            })
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let draw = |kind: &str, name: &str, log: &str| -> String {
        let path = dir.path().join(format!("{name}-{kind}.svg"));
        Tl::chart(kind)
            .log_text(&format!("{name}.csv"), log)
            .args(["--by", "day", "--output"])
            .arg(&path)
            .ok();
        std::fs::read_to_string(&path).unwrap()
    };
    for kind in ["spend-by-model", "spend-by-provider", "daily", "tokens"] {
        let widths = rect_widths(&draw(kind, "one", &one));
        assert!(widths.iter().all(|w| *w >= 0.0), "{kind}: negative width");
        // The background and legend swatches are the whole canvas or under 30 px; the bar of
        // one category is wide.
        assert!(
            widths.iter().any(|w| (60.0..1000.0).contains(w)),
            "{kind}: no wide bar for one category: {widths:?}"
        );
        if kind == "tokens" || kind == "compare" {
            continue;
        }
        let bars = rect_widths(&draw(kind, "many", &many))
            .iter()
            .filter(|w| **w > 0.0 && **w < 5.0)
            .count();
        assert!(bars >= 400, "{kind}: {bars} bars for 400 days");
    }
}

/// A compare chart of usage that is all unpriced is an error, not an empty chart.
#[test]
fn a_compare_chart_of_unpriced_usage_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    Tl::chart("compare")
        .log_text(
            "unpriced.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n2025-07-10T00:00:00Z,acme,mystery,10,1\n",
        )
        .arg("--output")
        .arg(dir.path().join("c.png"))
        .fails(1)
        .stderr_has("no priced usage in the period (1 unpriced request): nothing to chart");
    assert!(!dir.path().join("c.png").exists());
}

/// A log that is all unpriced: the page does not claim a total cost, the tables say
/// "unpriced" instead of $0.00, and one request is "1 request".
#[test]
fn an_unpriced_page_says_the_cost_is_unknown() {
    let out = Tl::report()
        .log_text(
            "unpriced.csv",
            "timestamp,provider,model,input_tokens,output_tokens\n2025-07-10T00:00:00Z,acme,mystery-llm,10,1\n",
        )
        .args(["--format", "html"])
        .ok();
    out.stdout_has("<div class=\"v\">unknown</div>")
        .stdout_has("1 request and none has a price")
        .stdout_has("<td class=\"n\">unpriced</td>")
        .stdout_lacks("1 requests")
        .stdout_lacks("$0.00");
    // Cells do not wrap, and a wide table scrolls in its own box.
    out.stdout_has("white-space:nowrap")
        .stdout_has("<div class=\"tw\"><table>");
}

/// `--out-dir` replaces only what tokenledger wrote: a user's file in the month's folder stays,
/// a replaced report keeps its permissions, and nothing temporary is left behind.
#[test]
fn out_dir_keeps_what_tokenledger_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Tl::report()
            .args(["--month", "2025-06", "--out-dir"])
            .arg(dir.path())
            .ok()
    };
    run();
    let folder = dir.path().join("2025-06");
    std::fs::write(folder.join("invoice-notes.txt"), "PO 4711").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            folder.join("report.html"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    run();
    assert_eq!(
        std::fs::read_to_string(folder.join("invoice-notes.txt")).unwrap(),
        "PO 4711"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(folder.join("report.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".tmp") && !n.contains(".old-")),
        "{names:?}"
    );
    assert!(
        names.contains(&".tokenledger-files".to_string()),
        "{names:?}"
    );
    // Nothing beside the month's folder either.
    let top: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, ["2025-06"]);
}

#[test]
fn the_page_leads_with_a_summary_and_folds_the_failures_by_day() {
    // basic.csv, June by provider: o3 14 + 2.5 (openai), Sonnet 0.0507 + 0.0165 (anthropic),
    // Together 0.0528; the summary lists providers by cost, largest first, before the charts.
    let page = basic()
        .args([
            "--month",
            "2025-06",
            "--tz",
            "UTC",
            "--format",
            "html",
            "--by",
            "provider,user",
        ])
        .ok();
    let html = &page.stdout;
    let summary = html
        .find("<h2 id=\"summary\">Summary</h2>")
        .expect("a summary");
    let charts = html.find("<h2 id=\"charts\">").expect("charts");
    let breakdown = html.find("<h2 id=\"breakdown\">").expect("a breakdown");
    assert!(summary < charts && charts < breakdown);
    let openai = html[summary..].find(">openai<").unwrap();
    let anthropic = html[summary..].find(">anthropic<").unwrap();
    assert!(
        openai < anthropic,
        "openai ($16.50) before anthropic ($0.07)"
    );
    assert!(
        html[summary..charts].contains(">user<"),
        "a summary by user too"
    );
    // With --by user alone the provider summary still leads (it was the user summary only).
    let alone = basic()
        .args(["--month", "2025-06", "--format", "html", "--by", "user"])
        .ok();
    let html = &alone.stdout;
    let summary = html.find("<h2 id=\"summary\">").expect("a summary");
    let charts = html.find("<h2 id=\"charts\">").expect("charts");
    let part = &html[summary..charts];
    let (p, u) = (
        part.find("<th>provider</th>").expect("a provider summary"),
        part.find("<th>user</th>").expect("a user summary"),
    );
    assert!(p < u, "provider first");
    assert!(part.find(">openai<").unwrap() < part.find(">anthropic<").unwrap());
    page.stdout_has("<details><summary>Failed requests by day, status and model: ");
    // On a phone the charts shrink to the screen (they were 760 px wide and cut off, their
    // legends out of sight); scripts/check-html.sh screenshots the page at 390 px.
    page.stdout_has(".chart svg{width:100%}")
        .stdout_lacks("width:760px");
}

#[test]
fn the_folders_markdown_has_the_change_and_the_charts() {
    // June 9.643881615 vs May 9.785703895 (tests/independent/price_sample.py): -$0.14, -1.4%.
    let dir = tempfile::tempdir().unwrap();
    Tl::report()
        .args([
            "--month",
            "2025-06",
            "--out-dir",
            dir.path().to_str().unwrap(),
        ])
        .ok();
    let md = std::fs::read_to_string(dir.path().join("2025-06/report.md")).unwrap();
    assert!(
        md.contains("Change vs 2025-05: -$0.14 (-1.4%), from $9.79."),
        "{md}"
    );
    assert!(md.contains("## Charts"));
    assert!(md.contains("](daily.png)"));
    assert!(dir.path().join("2025-06/daily.png").exists());
}

#[test]
fn a_chart_of_one_month_draws_its_days() {
    // spend-by-model for June: one bar per day (as the page draws it), not one bar for June.
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("m.svg");
    Tl::chart("spend-by-model")
        .args(["--month", "2025-06", "-o", svg.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    // The title names the first and last day; the axis names many more.
    assert!(text.matches("2025-06-").count() > 4, "no days on the axis");
    // --by month still draws the month.
    Tl::chart("spend-by-model")
        .args([
            "--month",
            "2025-06",
            "--by",
            "month",
            "-o",
            svg.to_str().unwrap(),
        ])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.matches("2025-06-").count() <= 2,
        "days with --by month"
    );
}

/// The page's tables fit a desktop and a phone: a long model id wraps between its parts only
/// (`<wbr>` after separators, never inside a part), headers wrap at their spaces, and on a
/// phone the columns a narrow terminal drops first are hidden (cost and requests stay) with a
/// line naming them. Bundled sample, June, by provider and model.
#[test]
fn page_tables_fit_a_phone_and_say_what_they_hide() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("june.html");
    Tl::report()
        .args([
            "--month",
            "2025-06",
            "--by",
            "provider,model",
            "--format",
            "html",
        ])
        .arg("--output")
        .arg(&html)
        .ok();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        text.contains("<td class=\"id\">meta-<wbr>llama/<wbr>Llama-<wbr>3.<wbr>3-<wbr>70B-<wbr>Instruct-<wbr>Turbo</td>"),
        "a long id wraps between its parts"
    );
    let breakdown = &text[text
        .find("<h2 id=\"breakdown\">Breakdown</h2>")
        .expect("breakdown")..];
    let head = &breakdown[..breakdown.find("</thead>").unwrap()];
    for kept in ["provider", "model", "requests", "cost (USD)"] {
        assert!(
            head.contains(&format!("<th>{kept}</th>")),
            "{kept} hidden on a phone"
        );
    }
    for hidden in ["failed", "input (uncached)", "cache read", "cache write"] {
        assert!(
            head.contains(&format!("<th class=\"d\">{hidden}</th>")),
            "{hidden} kept on a phone"
        );
    }
    let note = &breakdown[breakdown.find("<p class=\"phone\">").expect("phone note")..];
    assert!(note.starts_with(
        "<p class=\"phone\">Hidden on this narrow screen: failed, input (uncached), cache read, cache write"
    ));
    assert!(text.contains("@media (max-width:600px)") && text.contains(".d{display:none}"));
}

/// `report --budget` puts the lines of `check --budget` on the page: the amounts are the ones
/// `check` gives on the same logs (its sums are checked by hand in
/// `budgets_say_the_spend_so_far_and_the_projection_and_fail_when_crossed`); team blue is o3
/// only, so its spend is not all of June's. A budget goes on the page only: with a terminal
/// table it is an error pointing at `check`.
#[test]
fn the_page_shows_the_budgets() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("b.html");
    let run = |budgets: &[&str], out: &std::path::Path| {
        let mut t = Tl::report()
            .logs("logs/basic.csv")
            .book("pricing/test.csv")
            .args(["--month", "2025-06", "--now", "2025-07-02T00:00:00Z"]);
        for b in budgets {
            t = t.args(["--budget", b]);
        }
        t.arg("--output").arg(out)
    };
    // The same budgets through check, for the expected lines.
    let check = Tl::cmd(["check"])
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--month", "2025-06", "--now", "2025-07-02T00:00:00Z"])
        .args([
            "--budget",
            "1",
            "--budget",
            "team=blue:1000",
            "--format",
            "json",
        ])
        .fails(1);
    let doc: Value = serde_json::from_str(&check.stdout).unwrap();
    let spent_all = doc["budgets"][0]["spent_usd"].as_str().unwrap().to_string();
    let spent_blue = doc["budgets"][1]["spent_usd"].as_str().unwrap().to_string();
    assert_eq!(doc["budgets"][0]["state"], "over");
    run(&["1", "team=blue:1000"], &html)
        .arg("--format")
        .arg("html")
        .ok();
    let text = std::fs::read_to_string(&html).unwrap();
    let section = &text[text
        .find("<h2 id=\"budgets\">Budgets</h2>")
        .expect("budgets")..];
    assert!(section.contains("<b>1 of 2 budgets</b> spent or projected past their amount"));
    let cents = |s: &str| format!("${:.2}", s.parse::<f64>().unwrap());
    assert!(section.contains(&format!(
        "<td>1</td><td class=\"n\">$1.00</td><td class=\"n\">{}</td>",
        cents(&spent_all)
    )));
    assert!(section.contains(&format!(
        "<td>team=blue:1000</td><td class=\"n\">$1,000.00</td><td class=\"n\">{}</td>",
        cents(&spent_blue)
    )));
    // o3 is team blue's only model, and not all of June's spend.
    assert_ne!(spent_all, spent_blue);
    // --out-dir's report.md carries the same lines.
    let out = dir.path().join("out");
    Tl::report()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .args(["--month", "2025-06", "--now", "2025-07-02T00:00:00Z"])
        .args(["--budget", "team=blue:1000", "--out-dir"])
        .arg(&out)
        .ok();
    let md = std::fs::read_to_string(out.join("2025-06/report.md")).unwrap();
    let section = &md[md.find("## Budgets").expect("budgets in report.md")..];
    assert!(
        section.contains(&format!(
            "| team=blue:1000 | $1,000.00 | {} |",
            cents(&spent_blue)
        )),
        "{section}"
    );
    run(&["1"], &dir.path().join("t.txt"))
        .fails(2)
        .stderr_has("--budget goes on the page (--format html or --out-dir)");
}

#[test]
fn turned_labels_are_whole_on_one_or_two_lines() {
    // The compare chart of the bundled data cut `llama-3.3-70b-instruct @ aws-bedrock` to
    // `llama-3-3-70b-i…bedrock`: labels now go on two turned lines (model, then provider) and
    // keep every character; the token chart's ids too.
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("c.svg");
    Tl::chart("compare")
        .args(["--month", "2025-06", "-o", svg.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(!text.contains('…'), "a label was cut");
    for whole in [
        ">\nllama-3.3-70b-instruct\n</text>",
        ">\n@ aws-bedrock\n</text>",
        ">\nclaude-sonnet-4 @ anthropic\n</text>",
    ] {
        assert!(text.contains(whole), "{whole} missing");
    }
    Tl::chart("tokens")
        .args(["--month", "2025-06", "-o", svg.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(!text.contains('…'), "a label was cut");
    assert!(
        text.contains(">\nus.meta.llama3-3-70b-instruct-v1:0\n</text>"),
        "long id not whole"
    );
    // A legend entry too long for the legend goes on two lines, cut after a separator.
    Tl::chart("spend-by-model")
        .args([
            "--by",
            "day,model",
            "--from",
            "2025-06-18",
            "--to",
            "2025-06-19",
        ])
        .args(["-o", svg.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(!text.contains('…'), "a legend entry was cut");
    assert!(
        text.contains(">\nus.meta.llama3-3-70b-instruct-\n</text>")
            && text.contains(">\nv1:0\n</text>"),
        "legend entry not on two lines"
    );
}
