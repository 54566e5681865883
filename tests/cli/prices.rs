//! `prices list | history | validate | import-litellm | diff | why | coverage | update`.

use super::*;

#[test]
fn prices_list_at_a_date_filters_and_formats() {
    let out = Tl::prices("list")
        .book("pricing-rules")
        .args([
            "--provider",
            "aws-bedrock",
            "--at",
            "2025-06-01",
            "--format",
            "csv",
        ])
        .ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("provider,model,region,service_tier,effective_from,input_per_mtok"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(lines
        .iter()
        .any(|l| l.contains("meta.llama3-3-70b-instruct-v1:0,eu-west-1,,2024-12-19,0.8,0.8")));
    // Before the Sonnet 4 launch, only the Llama rows are in force.
    let v = Tl::prices("list")
        .book("pricing-rules")
        .args(["--at", "2025-01-01"])
        .json();
    assert_eq!(v.as_array().unwrap().len(), 3, "{v:#}");
    let by_canonical = Tl::prices("list")
        .args([
            "--canonical",
            "llama-3.3-70b-instruct",
            "--at",
            "2025-07-01",
            "--format",
            "csv",
        ])
        .ok();
    let providers: std::collections::BTreeSet<&str> = by_canonical
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(providers.len() >= 5, "{providers:?}");
}

#[test]
fn prices_history_shows_every_version_across_providers() {
    let v = Tl::prices("history").arg("o3").json();
    let openai: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        // `o3` is an alias of the one snapshot; standard tier only (flex and priority rows too).
        .filter(|r| {
            r["provider"] == "openai"
                && r["model"] == "o3-2025-04-16"
                && r["service_tier"].is_null()
        })
        .map(|r| {
            (
                r["effective_from"].as_str().unwrap(),
                r["input_per_mtok"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(openai, vec![("2025-04-16", "10"), ("2025-06-10", "2")]);
    Tl::prices("history")
        .arg("no-such-model")
        .fails(2)
        .stderr_has("no-such-model");
}

#[test]
fn prices_validate_lists_every_finding() {
    Tl::prices("validate")
        .arg("pricing")
        .ok()
        .stderr_has("0 error(s)");
    Tl::prices("validate")
        .arg(fixture("bad-pricing"))
        .fails(1)
        .stderr_has("4 error(s)");
    let warn = Tl::prices("validate")
        .arg(fixture("suspicious"))
        .args(["--format", "csv"])
        .ok();
    for expected in [
        "warning,",
        "tier,\"unknown column, ignored\"",
        "input_per_mtok,\"$5000 per million tokens looks like a unit error (above $1,000)\"",
        "input $14.1 is more than 5x output $0.35 (swapped?)",
        "canonical_model,openai/no-canonical@2025-01-01 has no canonical model",
        "input_per_mtok,$0.0000005 per million tokens looks like a unit error (below $0.001)",
        "cache read $3 is above input $0.0000005",
    ] {
        warn.stdout_has(expected);
    }
}

#[test]
fn import_litellm_writes_only_changed_and_new_prices() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("import.csv");
    let out = Tl::prices("import-litellm")
        .arg(fixture("litellm/mini.json"))
        .args(["--effective-from", "2026-07-24"])
        .book("pricing-rules")
        .arg("--output")
        .arg(&out_path)
        .ok();
    let text = std::fs::read_to_string(&out_path).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // Unchanged: sonnet 4.5 (3/15/0.3/3.75) and Bedrock Llama 3.3 (0.72). Changed: Bedrock
    // eu-west-1 0.8 -> 0.78. New: groq llama-3.3-70b-versatile. Skipped: novita (not mapped),
    // embeddings, sample_spec. Anomaly: Azure Maverick with input/output swapped.
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter().any(|r| r
            .starts_with("aws-bedrock,meta.llama3-3-70b-instruct-v1:0,2026-07-24,0.78,0.78,")
            && r.contains(",llama-3.3-70b-instruct,eu-west-1,")),
        "{text}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("groq,llama-3.3-70b-versatile,2026-07-24,0.59,0.79,")),
        "{text}"
    );
    out.stderr_has("1 changed prices, 1 new models, 2 unchanged")
        .stderr_has("anomaly azure_ai/Llama-4-Maverick-17B-128E-Instruct-FP8: input $1.41 is above output $0.35 (swapped?)");
    // The output is itself a valid price file that extends the book.
    Tl::prices("validate")
        .arg(fixture("pricing-rules/book.csv"))
        .arg(&out_path)
        .ok();
}

#[test]
fn prices_diff_lists_added_removed_and_repriced_versions() {
    let dir = tempfile::tempdir().unwrap();
    let h = "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,canonical_model\n";
    std::fs::write(
        dir.path().join("old.csv"),
        format!("{h}openai,o3,2025-04-16,10,40,2.5,o3\nopenai,gone,2025-01-01,1,1,,gone\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.csv"),
        format!("{h}openai,o3,2025-04-16,2,8,0.5,o3\nopenai,fresh,2025-01-01,1,4,,fresh\n"),
    )
    .unwrap();
    let out = Tl::prices("diff")
        .args(["old.csv", "new.csv", "--format", "csv"])
        .current_dir(dir.path())
        .ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(
        lines.contains(&"added,openai,fresh,,2025-01-01,,1,,,4,,"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"removed,openai,gone,,2025-01-01,1,,,1,,,"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"repriced,openai,o3,,2025-04-16,10,2,-80,40,8,-80,cache_read 2.5 -> 0.5"),
        "{}",
        out.stdout
    );
    out.stderr_has("1 added, 1 removed, 1 repriced");
    let same = Tl::prices("diff")
        .args(["builtin", "pricing", "--format", "csv"])
        .ok();
    assert_eq!(
        same.stdout.lines().count(),
        1,
        "the built-in book is the pricing folder: {}",
        same.stdout
    );
}

#[test]
fn a_broken_litellm_file_fails_without_touching_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"gpt-4o\": {\"input_cost_per_token\": ").unwrap();
    let target = dir.path().join("table.csv");
    std::fs::write(&target, "keep me\n").unwrap();
    Tl::prices("import-litellm")
        .arg(&bad)
        .args(["--effective-from", "2026-07-24", "--output"])
        .arg(&target)
        .fails(1)
        .stderr_has("not valid JSON");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
}

#[test]
fn import_keeps_the_rates_litellm_does_not_carry() {
    let dir = tempfile::tempdir().unwrap();
    let ll = dir.path().join("ll.json");
    std::fs::write(
        &ll,
        r#"{"claude-sonnet-4-5": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05}}"#,
    )
    .unwrap();
    let out = Tl::prices("import-litellm")
        .arg(&ll)
        .args(["--effective-from", "2026-01-01"])
        .book("pricing-rules")
        .ok();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    // The alias resolves to the dated id; the new version keeps cache, 1-hour, batch and
    // long-context rates of the version it follows.
    assert_eq!(
        rows,
        vec!["anthropic,claude-sonnet-4-5-20250929,2026-01-01,2.5,15,0.3,3.75,6,,1.5,7.5,200000,6,22.5,0.6,7.5,claude-sonnet-4.5,,USD,LiteLLM model_prices_and_context_window.json (ll.json) key claude-sonnet-4-5,,,,,"],
        "{}",
        out.stdout
    );
    out.stderr_has("input 3 -> 2.5");
}

/// Provenance: every curated row names a source URL, every generated version its LiteLLM key
/// and mirror commit (and is dated by its first sighting).
#[test]
fn every_price_row_says_where_it_comes_from() {
    let rows = Tl::prices("list").args(["--at", "2026-07-01"]).json();
    let rows = rows.as_array().unwrap();
    let (mut curated, mut generated) = (0, 0);
    for r in rows {
        match r["tier"].as_str().unwrap() {
            "curated" => {
                curated += 1;
                let src = r["source"].as_str().unwrap_or("");
                assert!(src.starts_with("https://"), "{r}");
            }
            "generated" => {
                generated += 1;
                assert!(
                    r["litellm_key"].as_str().is_some_and(|k| !k.is_empty()),
                    "{r}"
                );
                let commit = r["litellm_commit"].as_str().unwrap();
                assert_eq!(commit.len(), 40, "{r}");
                assert!(r["source"].as_str().unwrap().ends_with(commit), "{r}");
            }
            other => panic!("tier {other}"),
        }
    }
    assert!(
        curated > 300 && generated > 800,
        "{curated} curated, {generated} generated"
    );
}

/// `prices why` names the row, its tier, source and confidence; `prices coverage` ranks the
/// unpriced models.
#[test]
fn prices_why_and_coverage_explain_a_price() {
    let out = Tl::prices("why")
        .args([
            "aws-bedrock",
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "--at",
            "2026-01-01",
        ])
        .ok();
    for needle in [
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0@2025-09-29",
        "tier of the book        curated",
        "input $3.3, output $16.5",
        "confidence",
        "https://",
    ] {
        out.stdout_has(needle);
    }
    Tl::prices("why")
        .args([
            "together",
            "Qwen/Qwen3-Next-80B-A3B-Instruct",
            "--at",
            "2026-07-01",
        ])
        .ok()
        .stdout_has("tier of the book        generated")
        .stdout_has("litellm commit");
    Tl::prices("why")
        .args(["deepseek", "deepseek-chat", "--at", "2026-08-01"])
        .ok()
        .stdout_has("from 2026-07-24T15:59:00Z (https://api-docs.deepseek.com/news/news260424); a request that still succeeded is priced at its last price")
        .stdout_has("deepseek/deepseek-chat@2026-04-26T12:15:00Z");
    Tl::prices("coverage")
        .logs("book-2026/requests.csv")
        .ok()
        .stdout_has("unpriced models, most tokens first")
        .stdout_has("acme-llm-1");
}

/// `prices update` builds the generated tier from LiteLLM's history: one version per price from
/// its first sighting, known errors dropped, curated models left to the curated rows, and the
/// curated files untouched.
#[test]
fn prices_update_generates_dated_versions_and_a_review() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("pricing");
    std::fs::create_dir_all(book.join("curated")).unwrap();
    std::fs::create_dir_all(book.join("litellm")).unwrap();
    let curated = "provider,model,effective_from,input_per_mtok,output_per_mtok,canonical_model,source\n\
        anthropic,claude-sonnet-4-5-20250929,2025-09-29,3,15,claude-sonnet-4.5,https://www.anthropic.com/pricing\n";
    std::fs::write(book.join("curated/anthropic.csv"), curated).unwrap();
    std::fs::write(
        book.join("litellm/known-errors.csv"),
        "litellm_key,field,seen_from,wrong_value,right_value_or_drop,evidence_url,note\n\
         groq/llama-4-x,input_cost_per_token,2025-06-01,2e-06,drop,https://example.org/10x,10x typo\n",
    )
    .unwrap();
    let out = Tl::prices("update")
        .arg("--litellm")
        .arg(fixture("litellm/map.json"))
        .arg("--history")
        .arg(fixture("litellm/history.jsonl"))
        .book(&book)
        .ok();
    let groq = std::fs::read_to_string(book.join("generated/groq.csv")).unwrap();
    let rows: Vec<&str> = groq.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{groq}");
    assert!(
        rows[0].starts_with("groq,llama-4-x,2025-04-10T08:00:00Z,0.5,0.77,"),
        "{groq}"
    );
    assert!(
        rows[1].starts_with("groq,llama-4-x,2025-05-14T21:06:22Z,0.2,0.6,"),
        "{groq}"
    );
    assert!(
        rows[1].ends_with(",groq/llama-4-x,2222222222222222222222222222222222222222"),
        "{groq}"
    );
    // The curated model is not generated again (its generated file may exist; it is unused).
    assert_eq!(
        std::fs::read_to_string(book.join("curated/anthropic.csv")).unwrap(),
        curated
    );
    assert!(!book.join("generated/novita.csv").exists());
    for needle in [
        "known errors: 1 of 1 applied",
        "left out xai/grok-new: free ($0): left unpriced",
        "priced by curated rows instead",
    ] {
        out.stderr_has(needle);
    }
    // The result is a valid book that prices Groq on 2025-05-20 at 0.20 / 0.60.
    Tl::prices("validate").arg(&book).ok();
    Tl::prices("why")
        .args(["groq", "llama-4-x", "--at", "2025-06-02"])
        .book(&book)
        .ok()
        .stdout_has("input $0.2, output $0.6")
        .stdout_has("tier of the book        generated");
}

/// `--version` names the compiled-in book: its row count (as `prices validate` counts the
/// shipped folder) and the fingerprint every report states as `book_fingerprint`.
#[test]
fn version_names_the_price_book() {
    let version = Tl::cmd(["--version"]).ok();
    let report = Tl::report().logs("logs/basic.csv").json();
    let fingerprint = report["pricing"]["book_fingerprint"].as_str().unwrap();
    // The same files loaded from the repository's folder have the same fingerprint.
    let copy = Tl::report()
        .logs("logs/basic.csv")
        .args(["--pricing", concat!(env!("CARGO_MANIFEST_DIR"), "/pricing")])
        .json();
    assert_eq!(copy["pricing"]["book_fingerprint"], fingerprint);
    version
        .stdout_has(&format!("tokenledger {}\n", env!("CARGO_PKG_VERSION")))
        .stdout_has(&format!("book fingerprint: {fingerprint}"));
    let validate = Tl::prices("validate")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/pricing"))
        .ok();
    let rows = validate
        .stderr
        .split("tokenledger: ")
        .find_map(|s| s.split_once(" price rows in "))
        .map(|(n, rest)| (n.to_string(), rest.split(' ').next().unwrap().to_string()))
        .expect("validate names the row count");
    let n: u64 = rows.0.parse().unwrap();
    let shown = n
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    version.stdout_has(&format!(
        "price book: {shown} price rows in {} files",
        rows.1
    ));
}

/// Completion scripts that the shells accept: bash registers the function, and the scripts
/// know the subcommands and their options.
#[test]
fn completions_for_bash_zsh_and_fish() {
    let bash = Tl::cmd(["completions", "bash"]).ok();
    bash.stdout_has("compare").stdout_has("--where");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("tokenledger.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let registered = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p tokenledger",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&registered.stdout).contains("-F _tokenledger"),
        "{registered:?}"
    );
    Tl::cmd(["completions", "zsh"])
        .ok()
        .stdout_has("#compdef tokenledger")
        .stdout_has("daily");
    Tl::cmd(["completions", "fish"])
        .ok()
        .stdout_has("complete -c tokenledger")
        .stdout_has("session");
    Tl::cmd(["completions", "tcsh"]).fails(2);
}

#[test]
fn prices_audit_judges_each_series_at_each_catalogues_date() {
    // tests/data/audit: genai-prices (taken 2026-10-01) quotes claude-x at 2/10 from
    // 2026-09-01, models.dev (taken 2026-07-01) at 3/15 and gpt-y at 1.25/12. So claude-x's
    // 2026-09-01 version agrees with genai-prices, its 2026-01-01 version with models.dev; gpt-y
    // agrees with genai-prices and differs from models.dev on output; gpt-z is in neither.
    let v = Tl::prices("audit")
        .book("audit/book.csv")
        .args([
            "--genai-prices",
            &fixture("audit/genai.json"),
            "--genai-prices-date",
            "2026-10-01",
            "--models-dev",
            &fixture("audit/models-dev.json"),
            "--models-dev-date",
            "2026-07-01",
            "--format",
            "json",
        ])
        .json();
    let rows = v.as_array().unwrap();
    let line = |version: &str| {
        rows.iter()
            .find(|r| r["version"] == version)
            .unwrap_or_else(|| panic!("{version} in {v:#}"))
            .clone()
    };
    let new = line("anthropic/claude-x@2026-09-01");
    assert_eq!(new["genai-prices (2026-10-01)"], "agrees");
    assert!(
        new["models.dev (2026-07-01)"].is_null(),
        "judged the older version"
    );
    let old = line("anthropic/claude-x@2026-01-01");
    assert_eq!(old["models.dev (2026-07-01)"], "agrees");
    let y = line("openai/gpt-y@2026-01-01");
    assert_eq!(y["genai-prices (2026-10-01)"], "agrees");
    assert_eq!(y["models.dev (2026-07-01)"], "differs: output 10 vs 12");
    assert_eq!(y["agreeing"], "1 of 2");
    let z = line("openai/gpt-z@2026-01-01");
    assert_eq!(z["genai-prices (2026-10-01)"], "absent");
    // The table shows only the disagreements, and the summary counts each provider.
    Tl::prices("audit")
        .book("audit/book.csv")
        .args([
            "--models-dev",
            &fixture("audit/models-dev.json"),
            "--models-dev-date",
            "2026-07-01",
        ])
        .ok()
        .stdout_has("differs: output 10 vs 12")
        .stdout_lacks("claude-x")
        .stderr_has("audit openai: 2 versions judged, 0 agree, 1 disputed, 1 in no catalogue");
}

/// LiteLLM's map is read as exact decimal text: a long price keeps every digit and a tiny one
/// stays above zero (through f64 they became 1.2345678901234568e-7 and an explicit $0); a key
/// named twice in an entry is refused, not the last one taken.
#[test]
fn import_reads_prices_as_decimal_text_and_refuses_keys_named_twice() {
    let dir = tempfile::tempdir().unwrap();
    // `import-litellm` of a map with one Groq entry whose price fields are `fields`.
    let import = |fields: &str| {
        let ll = dir.path().join("ll.json");
        let entry = format!(
            r#"{{"llama-3.3-70b-versatile": {{"litellm_provider": "groq", "mode": "chat", {fields}}}}}"#
        );
        std::fs::write(&ll, entry).unwrap();
        Tl::prices("import-litellm")
            .arg(&ll)
            .args(["--effective-from", "2026-01-01"])
            .book("pricing-rules")
    };
    let out = import(
        r#""input_cost_per_token": 1.2345678901234567e-7, "output_cost_per_token": 7.9e-07"#,
    )
    .ok();
    let row = out.stdout.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        row.starts_with("groq,llama-3.3-70b-versatile,2026-01-01,0.12345678901234567,0.79,"),
        "{}",
        out.stdout
    );
    // A tiny price stays above zero, exactly (the review flags it, it is not imported).
    import(r#""input_cost_per_token": 1e-30, "output_cost_per_token": 7.9e-07"#)
        .ok()
        .stderr_has("input $0.000000000000000000000001 per million looks like a unit error");
    import(
        r#""input_cost_per_token": 5.9e-07, "output_cost_per_token": 7.9e-07, "input_cost_per_token": 5.9e-08"#,
    )
    .fails(1)
    .stderr_has("llama-3.3-70b-versatile.input_cost_per_token is named twice");
}

/// A price file or an overlay whose header names a column twice is refused (which value is
/// meant cannot be told; the first one used to win), as a log with such a header is.
#[test]
fn a_price_header_naming_a_column_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("contract.csv");
    std::fs::write(
        &overlay,
        "provider,model,effective_from,input_per_mtok,output_per_mtok,input_per_mtok,source\n\
         openai,o3,2025-01-01,1,4,9,contract\n",
    )
    .unwrap();
    Tl::report()
        .book("pricing/test.csv")
        .logs("logs/basic.csv")
        .arg("--pricing-overlay")
        .arg(&overlay)
        .fails(1)
        .stderr_has("contract.csv")
        .stderr_has("column \"input_per_mtok\" appears twice in the header");
    let book = dir.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::copy(&overlay, book.join("prices.csv")).unwrap();
    Tl::prices("validate")
        .arg(&book)
        .fails(1)
        .stdout_has("appears twice in the header");
}

/// Price files are bounded before they are read (a 40 MB overlay took 3.2 GB).
#[test]
fn an_oversized_price_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("huge.csv");
    let mut text =
        String::from("provider,model,effective_from,input_per_mtok,output_per_mtok,source\n");
    while text.len() <= 5 << 20 {
        text.push_str("openai,o3,2025-01-01,1,4,contract\n");
    }
    std::fs::write(&overlay, text).unwrap();
    Tl::report()
        .book("pricing/test.csv")
        .logs("logs/basic.csv")
        .arg("--pricing-overlay")
        .arg(&overlay)
        .fails(1)
        .stderr_has("huge.csv")
        .stderr_has("larger than any price file tokenledger reads (4 MiB)");
}

#[test]
fn prices_list_fits_the_terminal_keeping_the_prices() {
    // Fourteen columns did not fit 80 or 120 characters; now the listing keeps provider,
    // model and the input price first, hides the least telling columns and names them.
    for width in [80usize, 120] {
        let out = Tl::prices("list")
            .args(["--provider", "openai"])
            .env("COLUMNS", &width.to_string())
            .ok();
        for line in out.stdout.lines() {
            assert!(line.chars().count() <= width, "{width}: {line}");
        }
        // Price headers are short in a terminal (USD per million tokens), so input and output
        // prices both fit 80 columns.
        out.stdout_has("in $/M")
            .stdout_has("out $/M")
            .stdout_has(&format!("hidden to fit {width} columns: "));
        assert!(!out.stdout.contains("input_per_mtok"), "long header");
    }
}

#[test]
fn prices_list_of_the_whole_book_keeps_prices_and_wraps_ids_once() {
    // The whole book at 80 columns showed provider and model only: a 62-character Bedrock id
    // pushed every price out. Now the input and output prices stay and the longest ids wrap
    // onto one more line, cut after a separator.
    let csv = Tl::prices("list").args(["--format", "csv"]).ok();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert!(ids.iter().any(|m| m.chars().count() > 50), "no long id");
    let out = Tl::prices("list").env("COLUMNS", "80").ok();
    out.stdout_has("in $/M").stdout_has("out $/M");
    let lines: Vec<&str> = out.stdout.lines().collect();
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line}");
    }
    // The model cell of each table line, in order: an id is on one line, or on this line and
    // the next (whose provider cell is empty).
    let model = |l: &str| l.split('┆').nth(1).map(|c| c.trim().to_string());
    let provider = |l: &str| {
        l.split('┆')
            .next()
            .map(|c| c.trim_start_matches('│').trim().to_string())
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, l) in lines.iter().enumerate() {
        let (Some(m), Some(p)) = (model(l), provider(l)) else {
            continue;
        };
        if p.is_empty() {
            continue;
        }
        let next = lines
            .get(i + 1)
            .filter(|n| provider(n).as_deref() == Some(""));
        match next.and_then(|n| model(n)) {
            Some(rest) => {
                assert!(
                    m.ends_with(['-', '.', ':', '/', '_']),
                    "cut elsewhere than a separator: {m} / {rest}"
                );
                let after = lines.get(i + 2).and_then(|n| provider(n));
                assert_ne!(after.as_deref(), Some(""), "three lines: {m}{rest}");
                seen.insert(format!("{m}{rest}"));
            }
            None => {
                seen.insert(m);
            }
        }
    }
    for id in &ids {
        assert!(seen.contains(id), "{id} not whole on one or two lines");
    }
}

#[test]
fn a_price_history_never_hides_its_dates_or_regions() {
    // At 80 columns the history hid `effective_from` (a history without dates), at 120
    // `region` (Azure's regional rows read as duplicates).
    for width in ["80", "120"] {
        let out = Tl::prices("history")
            .arg("gpt-4o")
            .env("COLUMNS", width)
            .ok();
        let header = out.stdout.lines().nth(1).unwrap_or_default().to_string();
        assert!(
            header.contains("effective_from") && header.contains("region"),
            "{width}: {header}"
        );
        assert!(
            out.stdout.contains("2025-02-06T02:56:03Z"),
            "{}",
            out.stdout
        );
        for line in out.stdout.lines() {
            assert!(line.chars().count() <= width.parse().unwrap(), "{line}");
        }
    }
}
