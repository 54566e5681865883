//! Coding agents' own logs (`tests/data/agents/home`, a home folder in each agent's layout;
//! `tests/data/agents/cursor`, two overlapping Cursor exports), read with each agent's token
//! semantics. Expected counts by hand from the fixture files (see each test); prices per
//! million tokens from the book: Gemini 2.5 Pro $1.25 in / $0.125 cache read / $10 out,
//! Gemini 2.5 Flash $0.30 / $2.50, Claude Sonnet 4.5 $3 / $0.30 read / $3.75 write / $15,
//! GPT-5 $1.25 / $0.125 / $10, GPT-4.1 $2 / $8.

use crate::{fixture, json, row, Tl, Value};

fn home(rel: &str) -> String {
    format!("agents/home/{rel}")
}

fn tokens(r: &Value) -> [u64; 5] {
    [
        "requests",
        "input_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "output_tokens",
    ]
    .map(|k| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}")))
}

/// Gemini CLI: session 5c3e... has g1 twice (the last copy counts: 15,000 input of which 10,000
/// cached, tool 7, output 200 + 900 thoughts), g2 after a `$rewindTo` (paid, kept: 20,000 /
/// 15,000 cached / 500) and g3 on Flash (3,000 / 100 + 50 thoughts). Session 7a7a... is a
/// legacy `.json` and the `.jsonl` its resume made: h1 (1,000 / 50) in both counts once, h2
/// (2,000 / 1,000 cached / 100 + 10). Pro: input 15,007 + 20,000 + 1,000 + 2,000 = 38,007,
/// cached 26,000, output 1,100 + 500 + 50 + 110 = 1,760: (38,007 - 26,000) x 1.25 + 26,000 x
/// 0.125 + 1,760 x 10 = 15,008.75 + 3,250 + 17,600 = $0.03585875. Flash: 3,000 x 0.30 + 150 x
/// 2.50 = $0.001275. Project: the `tmp/<project>` folder; settings and `logs.json` are not read.
#[test]
fn gemini_cli_sessions() {
    let v = Tl::report()
        .logs(home(".gemini"))
        .args(["--by", "agent,model"])
        .json();
    let pro = row(&v, "model", "gemini-2.5-pro");
    assert_eq!(pro["agent"], "gemini-cli");
    assert_eq!(tokens(pro), [4, 38_007, 26_000, 0, 1_760]);
    assert_eq!(pro["reasoning_tokens"], 910);
    assert_eq!(pro["cost_usd"], "0.03585875");
    assert_eq!(row(&v, "model", "gemini-2.5-flash")["cost_usd"], "0.001275");
    assert_eq!(v["accounting"]["rejected"], 0);
    // Agent usage is API-equivalent: 0.03585875 + 0.001275 over 5 requests, said in a warning.
    assert_eq!(
        v["api_equivalent"],
        json!({"agents": ["gemini-cli"], "requests": 5, "cost_usd": "0.03713375"})
    );
    assert!(v["warnings"][0]
        .as_str()
        .unwrap()
        .contains("$0.03713375 of the cost is API-equivalent"));
    let api = Tl::report()
        .logs("logs/basic.csv")
        .book("pricing/test.csv")
        .json();
    assert!(
        api.get("api_equivalent").is_none(),
        "API logs are billed per token"
    );
    let p = Tl::report()
        .logs(home(".gemini"))
        .args(["--by", "project,session"])
        .json();
    assert_eq!(row(&p, "project", "other")["requests"], 2);
    assert_eq!(row(&p, "project", "myrepo")["requests"], 3);
}

/// Qwen Code: q-a1 (prompt 12,414 including 4,000 cached: the total 12,529 = 12,414 + 76 + 39
/// adds up that way; output 76 + 39 thoughts) is copied by a `/branch` into e0e0-0002 and counts
/// once; q-a2's 4,864 cached exceed its prompt 1,508, so they are apart: input 6,372; the
/// ui_telemetry system record repeats q-a1 and is skipped. Qwen models are `alibaba` (no price
/// in the book: reported unpriced), the branch's gpt-4.1 is OpenAI's: 1,000 x 2 + 100 x 8 =
/// $0.0028.
#[test]
fn qwen_code_sessions() {
    let v = Tl::report()
        .logs(home(".qwen"))
        .args(["--by", "agent,provider,model"])
        .json();
    let q = row(&v, "provider", "alibaba");
    assert_eq!(q["agent"], "qwen-code");
    assert_eq!(tokens(q), [2, 18_786, 8_864, 0, 315]);
    assert_eq!(q["unpriced_requests"], 2);
    assert_eq!(row(&v, "provider", "openai")["cost_usd"], "0.0028");
    assert_eq!(v["total"]["requests"], 3);
}

/// Kimi CLI: s-1 has two steps with usage (1,200 other + 8,000 read, 300 out; 500 + 9,000 read
/// and 200 written, 100 out) and a plan-mode status without; s-2, a fork, repeats s-1's first
/// step (counted once) and adds 100 / 10. The model is config.toml's default
/// (`kimi-for-coding`), unpriced in the book. Input 9,200 + 9,700 + 100 = 19,000.
#[test]
fn kimi_cli_wire_logs() {
    let v = Tl::report()
        .logs(home(".kimi"))
        .args(["--by", "agent,model,session"])
        .json();
    assert_eq!(v["total"]["requests"], 3);
    assert_eq!(tokens(&v["total"]), [3, 19_000, 17_000, 200, 410]);
    let s1 = row(&v, "session", "s-1");
    assert_eq!(
        (s1["agent"].as_str(), s1["model"].as_str()),
        (Some("kimi-cli"), Some("kimi-for-coding"))
    );
    assert_eq!(v["total"]["unpriced_requests"], 3);
}

/// Roo Code (after 3.30: `tokensIn` includes the cache) and Cline (`tokensIn` without it).
/// Roo: 12,000 in of which 9,000 read and 2,000 written, 400 out; the placeholder is skipped;
/// a cancelled request (500 / 20) was billed. The model from the history's environment details:
/// Sonnet 4.5: 1,500 x 3 + 9,000 x 0.30 + 2,000 x 3.75 + 420 x 15 = $0.021. Cline: 300 + 5,000
/// read + 1,000 written = 6,300 in, 80 out, no model named: unpriced, never $0.
#[test]
fn cline_and_roo_code_tasks() {
    let roo = Tl::report()
        .logs(home(
            ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline",
        ))
        .args(["--by", "agent,model"])
        .json();
    let r = row(&roo, "agent", "roo-code");
    assert_eq!(tokens(r), [2, 12_500, 9_000, 2_000, 420]);
    assert_eq!(r["cost_usd"], "0.021");
    let cline = Tl::report()
        .logs(home(".cline/data"))
        .args(["--by", "agent,model"])
        .json();
    let c = row(&cline, "model", "unknown");
    assert_eq!(tokens(c), [1, 6_300, 5_000, 1_000, 80]);
    assert_eq!(c["unpriced_requests"], 1);
    // Cline's SDK sessions: two turns with metrics (the first turn's earlier assistant message
    // has none). 34,334 in including 30,000 read and 2,000 written, 741 out: 2,334 x 3 +
    // 30,000 x 0.30 + 2,000 x 3.75 + 741 x 15 = 34,617; 5,000 x 3 + 100 x 15 = 16,500.
    let sdk = row(&cline, "model", "claude-sonnet-4-5-20250929");
    assert_eq!(sdk["agent"], "cline");
    assert_eq!(tokens(sdk), [2, 39_334, 30_000, 2_000, 841]);
    assert_eq!(sdk["cost_usd"], "0.051117");
}

/// Amp: message 1's usage (10 in + 11,372 read + 986 written, 178 out) is also the ledger's
/// event ev-1 (counted once, from the message, which splits the cache); ev-2 names message 3,
/// which has no usage: read from the event (Haiku 4.5, 500 / 40); message 5 has usage but no
/// event and no time: the thread's `created` (200 + 1,000 read, 30 out). Sonnet 4.5: 10 x 3 +
/// 11,372 x 0.30 + 986 x 3.75 + 178 x 15 = 9,809.1; 200 x 3 + 1,000 x 0.30 + 30 x 15 = 1,350;
/// Haiku 4.5 at $1 / $5: 500 + 200 = 700; total $0.0118591.
#[test]
fn amp_threads() {
    let v = Tl::report()
        .logs(home(".local/share/amp"))
        .args(["--by", "agent,model,session"])
        .json();
    assert_eq!(tokens(&v["total"]), [3, 14_068, 12_372, 986, 248]);
    assert_eq!(v["total"]["cost_usd"], "0.0118591");
    assert_eq!(row(&v, "agent", "amp")["session"], "T-7f3a2c10-0001");
}

/// OpenCode: msg_a1 made two calls (step-finish parts: 100 in + 2,000 read + 300 written, 50
/// out; 40 + 2,300 read, 200 out) while its own `tokens` keep only the last: the parts count.
/// msg_a2 (GPT-5, total 1,500 = 1,000 + 300 + 200: reasoning apart, output 500) is also in a
/// JSON file the migration left: once. msg_a3 came through GitHub Copilot (`claude-sonnet-4.5`):
/// priced as Anthropic's. msg_b1 (GPT-4.1) is only in an older JSON file. Sonnet 4.5: 140 x 3 +
/// 4,300 x 0.30 + 300 x 3.75 + 250 x 15 = 6,585 and 500 x 3 + 100 x 15 = 3,000; GPT-5 1,000 x
/// 1.25 + 500 x 10 = 6,250; GPT-4.1 1,000 x 2 + 100 x 8 = 2,800: $0.018635.
#[test]
fn opencode_database_and_message_files() {
    let v = Tl::report()
        .logs(home(".local/share/opencode"))
        .args(["--by", "agent,model,session"])
        .json();
    assert_eq!(
        tokens(&v["total"]),
        [
            4,
            4_740 + 1_000 + 500 + 1_000,
            4_300,
            300,
            250 + 500 + 100 + 100
        ]
    );
    assert_eq!(v["total"]["cost_usd"], "0.018635");
    assert_eq!(row(&v, "session", "ses_B")["agent"], "opencode");
    assert_eq!(v["accounting"]["duplicates"], 1);
}

/// Kilo Code's command line keeps OpenCode's database as `kilo.db`: its Kilo Gateway call of
/// `anthropic/claude-sonnet-4.5` is Anthropic's Sonnet 4.5: 1,000 x 3 + 200 x 15 = $0.006.
#[test]
fn kilo_code_database() {
    let v = Tl::report()
        .logs(home(".local/share/kilo"))
        .args(["--by", "agent,provider,model"])
        .json();
    let k = row(&v, "agent", "kilo-code");
    assert_eq!(
        (k["provider"].as_str(), k["cost_usd"].as_str()),
        (Some("anthropic"), Some("0.006"))
    );
    assert_eq!(tokens(k), [1, 1_000, 0, 0, 200]);
}

/// GitHub Copilot CLI's session store: a GPT-5 mini call of 21,343 input (20,974 of them
/// "written to cache", plain input at OpenAI) and 100 out: 21,343 x 0.25 + 100 x 2 = 5,535.75;
/// a Sonnet 4.5 call of 10,000 input (8,000 read, 1,000 written), 500 out + 100 reasoning:
/// 1,000 x 3 + 8,000 x 0.30 + 1,000 x 3.75 + 600 x 15 = 18,150. $0.02368575; GitHub's own
/// figures (nano-AIU / 10^11) are kept beside.
#[test]
fn copilot_cli_session_store() {
    let v = Tl::report()
        .logs(home(".copilot"))
        .args(["--by", "agent,model,copilot_cost_usd,project"])
        .json();
    assert_eq!(tokens(&v["total"]), [2, 31_343, 8_000, 1_000, 700]);
    assert_eq!(v["total"]["cost_usd"], "0.02368575");
    assert_eq!(
        row(&v, "copilot_cost_usd", "0.0055657")["project"],
        "/home/dev/cli"
    );
    assert_eq!(
        row(&v, "copilot_cost_usd", "0.033")["model"],
        "claude-sonnet-4-5-20250929"
    );
}

/// Goose keeps one running total per session: the Sonnet 4.5 session 100,000 in / 5,000 out
/// (no cache split: all input at $3): 0.30 + 0.075 = $0.375; the GPT-5 one 20,000 x 1.25 +
/// 1,000 x 10 = $0.035; a local model (ollama) unpriced; a session without usage left out.
#[test]
fn goose_sessions() {
    let v = Tl::report()
        .logs(home(".local/share/goose"))
        .args(["--by", "agent,session,snapshot"])
        .json();
    assert_eq!(tokens(&v["total"]), [3, 125_000, 0, 0, 6_500]);
    assert_eq!(v["total"]["cost_usd"], "0.41");
    assert_eq!(row(&v, "session", "20260601_1")["snapshot"], "true");
    assert_eq!(v["total"]["unpriced_requests"], 1);
}

/// Droid: `custom:Claude-Opus-4.5-Thinking-[Anthropic]-0` is Opus 4.5 ($5 / $0.50 read / $6.25
/// write / $25): 1,234 x 5 + 12,000 x 0.5 + 89 x 6.25 + (567 + 34 thinking) x 25 = 27,751.25;
/// GPT-5 Codex 5,000 x 1.25 + 20,000 x 0.125 + (800 + 200) x 10 = 18,750: $0.04650125.
#[test]
fn droid_sessions() {
    let v = Tl::report()
        .logs(home(".factory"))
        .args(["--by", "agent,model,project"])
        .json();
    assert_eq!(tokens(&v["total"]), [2, 38_323, 32_000, 89, 1_601]);
    assert_eq!(v["total"]["cost_usd"], "0.04650125");
    assert_eq!(
        row(&v, "model", "claude-opus-4-5-20251101")["project"],
        "-home-dev-app"
    );
}

/// Cursor exports: the June 3 request on GPT-5 is in both files and counts once. Sonnet
/// ("claude-4.5-sonnet" in Cursor's words): 800 plain + 20,000 written + 100,000 read, 20,000
/// out = 2,400 + 75,000 + 30,000 + 300,000 = $0.4074. GPT-5: 8,000 + 60,000 read, 1,500 out, and
/// 2,000 plain + 1,000 "cache write" (input at OpenAI), 300 out: 11,000 x 1.25 + 60,000 x 0.125
/// + 1,800 x 10 = $0.03925. The errored `auto` request is a failed one, unpriced.
#[test]
fn cursor_usage_exports() {
    let v = Tl::report()
        .logs("agents/cursor")
        .args(["--by", "agent,model,cursor_kind"])
        .json();
    let sonnet = row(&v, "cursor_kind", "Included");
    assert_eq!(sonnet["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(tokens(sonnet), [1, 120_800, 100_000, 20_000, 20_000]);
    assert_eq!(sonnet["cost_usd"], "0.4074");
    let gpt = row(&v, "cursor_kind", "On-Demand");
    assert_eq!(tokens(gpt), [2, 71_000, 60_000, 0, 1_800]);
    assert_eq!(gpt["cost_usd"], "0.03925");
    let failed = row(&v, "model", "auto");
    assert_eq!(failed["failed_requests"], 1);
    assert_eq!(v["total"]["cost_usd"], "0.44665");
}

/// Without --logs, every agent's folder in a (fake) home is found from its default place and
/// read: the ten agents above, with nothing else (settings, histories) reported as skipped.
#[test]
fn without_logs_every_agent_folder_is_found() {
    let work = tempfile::tempdir().unwrap();
    let mut t = Tl::report()
        .current_dir(work.path())
        .env("HOME", &fixture("agents/home"))
        .args(["--by", "agent", "--format", "json"]);
    for v in [
        "CLAUDE_CONFIG_DIR",
        "CODEX_HOME",
        "GEMINI_CLI_HOME",
        "QWEN_RUNTIME_DIR",
        "QWEN_HOME",
        "KIMI_SHARE_DIR",
        "CLINE_DATA_DIR",
        "CLINE_DIR",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "COPILOT_HOME",
        "GOOSE_PATH_ROOT",
    ] {
        t = t.env(v, "");
    }
    let out = t.ok();
    out.stderr_has("no --logs given: reading")
        .stderr_lacks("skipped");
    let v = out.json();
    let requests = |a: &str| row(&v, "agent", a)["requests"].as_u64();
    let expected = [
        ("gemini-cli", 5),
        ("qwen-code", 3),
        ("kimi-cli", 3),
        ("roo-code", 2),
        ("cline", 3),
        ("amp", 3),
        ("opencode", 4),
        ("copilot-cli", 2),
        ("goose", 3),
        ("droid", 2),
        ("kilo-code", 1),
    ];
    for (agent, n) in expected {
        assert_eq!(requests(agent), Some(n), "{agent}");
    }
    assert_eq!(v["rows"].as_array().unwrap().len(), expected.len());
    // An agent's variable moves its folder: an empty one there finds nothing of that agent.
    let empty = tempfile::tempdir().unwrap();
    let v = Tl::report()
        .current_dir(work.path())
        .env("HOME", &fixture("agents/home"))
        .env("KIMI_SHARE_DIR", empty.path().to_str().unwrap())
        .args(["--by", "agent", "--format", "json"])
        .ok()
        .json();
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["agent"] != "kimi-cli"));
}

/// Every agent fixture, damaged: cut short, numbers made negative, huge or text, a key's value
/// made an object, bytes flipped in the SQLite files. Never a panic: rows are rejected or the
/// file is an error naming itself.
#[test]
fn damaged_agent_logs_never_panic() {
    let root = std::path::PathBuf::from(fixture("agents/home"));
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut runs = 0;
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&f).unwrap();
        let variants: Vec<Vec<u8>> = if name.ends_with(".db") {
            // Flipped bytes past the header, and the file cut in half.
            let mut v = vec![bytes[..bytes.len() / 2].to_vec()];
            for at in [100, bytes.len() / 3, bytes.len() - 10] {
                let mut b = bytes.clone();
                b[at] ^= 0x5a;
                v.push(b);
            }
            v
        } else if name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".csv") {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let digits = |with: &str| {
                let mut out = String::new();
                let mut in_number = false;
                for c in text.chars() {
                    if c.is_ascii_digit() {
                        if !in_number {
                            out.push_str(with);
                        }
                        in_number = true;
                    } else {
                        in_number = false;
                        out.push(c);
                    }
                }
                out.into_bytes()
            };
            vec![
                bytes[..bytes.len() / 2].to_vec(),
                digits("-1"),
                digits("99999999999999999999999"),
                digits("1e300"),
                text.replace(": ", ": {\"x\": ").into_bytes(),
            ]
        } else {
            continue;
        };
        for (i, v) in variants.into_iter().enumerate() {
            // The damaged file in a copy of its agent's folder layout.
            let dir = tempfile::tempdir().unwrap();
            let rel = f.strip_prefix(&root).unwrap();
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, v).unwrap();
            let out = Tl::report()
                .arg("--logs")
                .arg(&p)
                .arg("--format")
                .arg("json")
                .run();
            runs += 1;
            assert!(
                [0, 1].contains(&out.code),
                "{} variant {i}: exit {}: {}",
                rel.display(),
                out.code,
                out.stderr
            );
            out.stderr_lacks("panicked at");
        }
    }
    assert!(runs > 50, "{runs} damaged files");
}

/// Nothing an agent logs as usage is dropped without a word: a Cline request whose text is not
/// JSON is a rejected row naming the field; an Amp message with usage but no id still counts.
#[test]
fn malformed_agent_usage_is_rejected_or_counted_never_dropped() {
    let cline = Tl::report()
        .log_text(
            "tasks/1780100000000/ui_messages.json",
            r#"[{"ts":1780100001000,"type":"say","say":"api_req_started","text":"{\"tokensIn\":5"}]"#,
        )
        .args(["--format", "json"])
        .json();
    assert_eq!(cline["accounting"]["rejected"], 1);
    assert_eq!(cline["rejections"][0]["field"], "text");
    let amp = Tl::report()
        .log_text(
            "T-1.json",
            r#"{"id":"T-1","created":1780300000000,"messages":[{"role":"assistant","usage":{"model":"claude-haiku-4-5","inputTokens":1000000,"outputTokens":0,"timestamp":"2026-05-30T10:00:00Z"}}]}"#,
        )
        .args(["--format", "json"])
        .json();
    // Haiku 4.5 at $1 in.
    assert_eq!(amp["total"]["requests"], 1);
    assert_eq!(amp["total"]["cost_usd"], "1");
}
