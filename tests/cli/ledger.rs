//! `tokenledger ledger sync | import | status` and `--ledger`: usage that outlives its logs,
//! machines added up, each request once. The agent fixtures (`agents.rs`) are copied into a
//! temporary home so that their deletion can be tested.

use std::path::{Path, PathBuf};

use crate::{fixture, row, Tl, Value};

/// A temporary home with the agent fixtures, and a data folder for the default ledger.
struct Home {
    _dir: tempfile::TempDir,
    home: PathBuf,
    data: PathBuf,
    work: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &p);
        } else {
            std::fs::copy(e.path(), p).unwrap();
        }
    }
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        copy_dir(Path::new(&fixture("agents/home")), &home);
        let (data, work) = (dir.path().join("data"), dir.path().join("work"));
        std::fs::create_dir_all(&work).unwrap();
        Home {
            _dir: dir,
            home,
            data,
            work,
        }
    }

    /// A command run from an empty folder with this home, its own XDG data folder and no agent
    /// variables of the machine running the tests.
    fn tl<const N: usize>(&self, args: [&str; N]) -> Tl {
        let mut t = Tl::cmd(args)
            .current_dir(&self.work)
            .env("HOME", self.home.to_str().unwrap())
            .env("XDG_DATA_HOME", self.data.to_str().unwrap());
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
            "COPILOT_HOME",
            "GOOSE_PATH_ROOT",
        ] {
            t = t.env(v, "");
        }
        t
    }

    fn status(&self) -> Value {
        self.tl(["ledger", "status", "--format", "json"])
            .ok()
            .json()
    }
}

fn by_agent(v: &Value) -> Vec<(String, u64, String)> {
    let mut rows: Vec<(String, u64, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["agent"].as_str().unwrap_or("").to_string(),
                r["requests"].as_u64().unwrap(),
                r["cost_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Sync, delete every agent's logs: the report from the ledger is the report the logs gave.
/// Sync again: nothing is added. The ledger beside live logs counts each request once.
#[test]
fn the_ledger_outlives_the_logs_and_adds_nothing_twice() {
    let h = Home::new();
    let live = h
        .tl(["report", "--by", "agent", "--format", "json"])
        .ok()
        .json();
    let out = h.tl(["ledger", "sync"]).ok();
    // 23 rows read (three copies: Gemini's resumed session, Qwen's branch, Kimi's fork), 20
    // kept (Amp, OpenCode and Goose live under XDG_DATA_HOME, here the ledger's data folder).
    out.stderr_has("read 23 rows, added 20; it holds 20 rows");
    h.tl(["ledger", "sync"])
        .ok()
        .stderr_has("added 0; it holds 20 rows");
    let both = h
        .tl(["report", "--ledger", "--by", "agent", "--format", "json"])
        .args(["--logs", h.home.join(".gemini").to_str().unwrap()])
        .ok()
        .json();
    assert_eq!(by_agent(&both), by_agent(&live));
    for d in [
        ".gemini", ".qwen", ".kimi", ".cline", ".config", ".copilot", ".local", ".factory",
    ] {
        std::fs::remove_dir_all(h.home.join(d)).unwrap();
    }
    let kept = h
        .tl(["report", "--ledger", "--by", "agent", "--format", "json"])
        .ok()
        .json();
    assert_eq!(by_agent(&kept), by_agent(&live));
    assert_eq!(kept["total"]["cost_usd"], live["total"]["cost_usd"]);
    let s = h.status();
    assert_eq!(s["rows"], 20);
    assert_eq!(s["months"][0]["agents"]["gemini-cli"], 5);
    let events = s["events"].as_array().unwrap();
    assert_eq!(
        (events[0]["added"].as_u64(), events[1]["added"].as_u64()),
        (Some(20), Some(0))
    );
}

/// Logs without request ids: rows get content ids, so a file that grew adds only its new rows
/// and two identical rows stay two requests; read beside the ledger, each counts once.
#[test]
fn a_grown_file_adds_only_its_new_rows() {
    let h = Home::new();
    let log = h.work.join("requests.csv");
    let head = "timestamp,provider,model,input_tokens,output_tokens\n";
    let row = "2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0\n";
    std::fs::write(&log, format!("{head}{row}{row}")).unwrap();
    let sync = |h: &Home| {
        h.tl(["ledger", "sync", "--logs", log.to_str().unwrap()])
            .ok()
    };
    sync(&h).stderr_has("added 2;");
    std::fs::write(
        &log,
        format!("{head}{row}{row}2025-07-11T00:00:00Z,openai,gpt-4o-2024-08-06,0,100000\n"),
    )
    .unwrap();
    sync(&h).stderr_has("added 1; it holds 3 rows");
    // The same file named by a relative path (the run's folder is the log's): the same ids.
    let v = h
        .tl([
            "report",
            "--ledger",
            "--format",
            "json",
            "--logs",
            "requests.csv",
        ])
        .ok()
        .json();
    // GPT-4o at $2.50 in / $10 out: 2 x 2.50 + 0.1 x 10 = $6.
    assert_eq!(v["total"]["requests"], 3);
    assert_eq!(v["total"]["cost_usd"], "6");
}

/// Values with commas and quotes (Cursor's "Errored, No Charge") come back from the ledger as
/// they went in.
#[test]
fn values_round_trip_through_the_ledger() {
    let h = Home::new();
    let dir = h.work.join("l");
    let cursor = fixture("agents/cursor");
    h.tl([
        "ledger",
        "sync",
        "--ledger",
        dir.to_str().unwrap(),
        "--logs",
        &cursor,
    ])
    .ok()
    .stderr_has("read 5 rows, added 4");
    let by = ["--by", "cursor_kind,model,agent", "--format", "csv"];
    let live = h.tl(["report", "--logs", &cursor]).args(by).ok().stdout;
    let kept = h
        .tl(["report", "--ledger", dir.to_str().unwrap()])
        .args(by)
        .ok()
        .stdout;
    assert_eq!(kept, live);
    assert!(kept.contains("\"Errored, No Charge\""), "{kept}");
}

/// Running totals (Droid, Goose): a later sync replaces a session's row with its new total,
/// so the ledger holds the latest, once, and live logs beside it count it once too.
#[test]
fn running_totals_are_replaced_not_added() {
    let h = Home::new();
    let dir = h.work.join("l");
    let factory = h.home.join(".factory");
    let sync = |h: &Home| {
        h.tl(["ledger", "sync", "--ledger", dir.to_str().unwrap()])
            .args(["--logs", factory.to_str().unwrap()])
            .ok()
    };
    sync(&h).stderr_has("read 2 rows, added 2;");
    sync(&h).stderr_has("added 0; it holds 2 rows");
    // The Opus session goes on: 1,000 more input and 100 more output.
    let s1 = factory.join("sessions/-home-dev-app/9f1c2b7e.settings.json");
    let text = std::fs::read_to_string(&s1)
        .unwrap()
        .replace("\"inputTokens\": 1234", "\"inputTokens\": 2234")
        .replace("\"outputTokens\": 567", "\"outputTokens\": 667");
    std::fs::write(&s1, text).unwrap();
    sync(&h).stderr_has("added 0, updated 1 running totals; it holds 2 rows");
    let report = |extra: &[&str]| {
        h.tl([
            "report",
            "--format",
            "json",
            "--ledger",
            dir.to_str().unwrap(),
        ])
        .args(extra)
        .ok()
        .json()
    };
    // 0.04650125 + 1,000 x 5 + 100 x 25 = +0.0075.
    let kept = report(&[]);
    assert_eq!(kept["total"]["requests"], 2);
    assert_eq!(kept["total"]["cost_usd"], "0.05400125");
    let both = report(&["--logs", factory.to_str().unwrap()]);
    assert_eq!(both["total"]["cost_usd"], "0.05400125");
}

/// Two machines' ledgers imported into a third give their union, each request once (the
/// Gemini sessions are on both machines), with a `machine` dimension.
#[test]
fn two_machines_import_into_a_third() {
    let h = Home::new();
    let ledger = |name: &str| h.work.join(name);
    let sync = |name: &str, machine: &str, logs: &[&str]| {
        let mut t = h.tl(["ledger", "sync"]).args([
            "--ledger",
            ledger(name).to_str().unwrap(),
            "--machine",
            machine,
        ]);
        for l in logs {
            t = t.args(["--logs", h.home.join(l).to_str().unwrap()]);
        }
        t.ok();
    };
    sync("a", "laptop", &[".gemini", ".qwen"]);
    sync("b", "desktop", &[".gemini", ".kimi"]);
    let c = ledger("c");
    h.tl(["ledger", "import"])
        .args([
            "--ledger",
            c.to_str().unwrap(),
            ledger("a").to_str().unwrap(),
            ledger("b").to_str().unwrap(),
        ])
        .ok()
        .stderr_has("read 16 rows, added 11");
    // Importing again adds nothing.
    h.tl(["ledger", "import"])
        .args([
            "--ledger",
            c.to_str().unwrap(),
            ledger("b").to_str().unwrap(),
        ])
        .ok()
        .stderr_has("added 0");
    let v = h
        .tl(["report", "--by", "machine,agent", "--format", "json"])
        .args(["--ledger", c.to_str().unwrap()])
        .ok()
        .json();
    let n = |m: &str, a: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["machine"] == m && r["agent"] == a)
            .map(|r| r["requests"].as_u64().unwrap())
    };
    assert_eq!(n("laptop", "gemini-cli"), Some(5));
    assert_eq!(n("laptop", "qwen-code"), Some(3));
    assert_eq!(n("desktop", "kimi-cli"), Some(3));
    assert_eq!(
        n("desktop", "gemini-cli"),
        None,
        "counted once, on the first machine"
    );
    assert_eq!(v["total"]["requests"], 11);
    assert_eq!(row(&v, "agent", "kimi-cli")["machine"], "desktop");
}

/// A sync killed at any moment leaves a ledger that reads: every month file is the one before
/// or the one after (written under a temporary name, then renamed).
#[test]
fn a_killed_sync_leaves_the_ledger_readable() {
    let h = Home::new();
    let dir = h.work.join("ledger");
    let log = h.work.join("big.csv");
    let mut text = String::from("timestamp,provider,model,input_tokens,output_tokens,request_id\n");
    for i in 0..60_000 {
        let month = if i % 2 == 0 { "07" } else { "08" };
        text.push_str(&format!(
            "2025-{month}-10T00:00:00Z,openai,gpt-4o-2024-08-06,{},1,r{i}\n",
            1000 + i % 7
        ));
    }
    std::fs::write(&log, text).unwrap();
    let first = h.work.join("first.csv");
    std::fs::write(&first, "timestamp,provider,model,input_tokens,output_tokens,request_id\n2025-07-01T00:00:00Z,openai,gpt-4o-2024-08-06,5,5,r-first\n").unwrap();
    h.tl([
        "ledger",
        "sync",
        "--ledger",
        dir.to_str().unwrap(),
        "--logs",
        first.to_str().unwrap(),
    ])
    .ok();
    // Killed while reading, then, with a test pause halfway through each month file, as soon
    // as a month file is being written (a temporary file, or a month file changed).
    let usage = dir.join("usage");
    let writing = |since: std::time::SystemTime| {
        std::fs::read_dir(&usage)
            .unwrap()
            .flatten()
            .any(|e| e.metadata().is_ok_and(|m| m.modified().unwrap() > since))
    };
    for (delay_ms, pause) in [
        (Some(5u64), "0"),
        (Some(60), "0"),
        (None, "3000"),
        (None, "3000"),
    ] {
        let started = std::time::SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tokenledger"))
            .env("TOKENLEDGER_TEST_PAUSE_MS", pause)
            .args([
                "ledger",
                "sync",
                "--ledger",
                dir.to_str().unwrap(),
                "--logs",
                log.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        match delay_ms {
            Some(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
            None => {
                let t = std::time::Instant::now();
                while !writing(started) && t.elapsed().as_secs() < 60 {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                assert!(writing(started), "the sync never wrote");
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let s = h
            .tl([
                "ledger",
                "status",
                "--format",
                "json",
                "--ledger",
                dir.to_str().unwrap(),
            ])
            .ok()
            .json();
        for m in s["months"].as_array().unwrap() {
            let n = m["rows"].as_u64().unwrap();
            let whole = match m["month"].as_str().unwrap() {
                "2025-07" => [1, 30_001],
                _ => [0, 30_000],
            };
            assert!(
                whole.contains(&n),
                "a month file half written after a kill ({delay_ms:?}): {m}"
            );
        }
    }
    // A last sync completes it.
    h.tl([
        "ledger",
        "sync",
        "--ledger",
        dir.to_str().unwrap(),
        "--logs",
        log.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        h.tl([
            "ledger",
            "status",
            "--format",
            "json",
            "--ledger",
            dir.to_str().unwrap()
        ])
        .ok()
        .json()["rows"],
        60_001
    );
}

/// A log without request ids and with a column the report does not group by: the ledger and
/// the live log beside it agree on every row's id (a sync reads every column, a report only
/// those it needs).
#[test]
fn extra_columns_do_not_change_content_ids() {
    let h = Home::new();
    let log = h.work.join("team.csv");
    std::fs::write(
        &log,
        "timestamp,provider,model,input_tokens,output_tokens,team\n\
         2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0,search\n\
         2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,1000000,0,ads\n",
    )
    .unwrap();
    h.tl(["ledger", "sync", "--logs", "team.csv"])
        .ok()
        .stderr_has("added 2;");
    let v = h
        .tl([
            "report", "--ledger", "--logs", "team.csv", "--format", "json",
        ])
        .ok()
        .json();
    assert_eq!(v["total"]["requests"], 2);
    assert_eq!(v["total"]["cost_usd"], "5");
}

/// Rows that would not read back as they are (a timestamp before the year 0, a model with
/// spaces around it) are left out of the ledger with a warning, and the ledger stays readable.
#[test]
fn rows_that_would_not_read_back_are_not_kept() {
    let h = Home::new();
    let dir = h.work.join("l");
    let wire = h.work.join("kimi/sessions/p/s/wire.jsonl");
    std::fs::create_dir_all(wire.parent().unwrap()).unwrap();
    std::fs::write(
        &wire,
        "{\"type\":\"metadata\",\"protocol_version\":\"1.10\"}\n\
         {\"timestamp\":1780000001.0,\"message\":{\"type\":\"StatusUpdate\",\"payload\":{\"token_usage\":{\"input_other\":10,\"output\":1,\"input_cache_read\":0,\"input_cache_creation\":0},\"message_id\":\"a\"}}}\n\
         {\"timestamp\":-99999999999.0,\"message\":{\"type\":\"StatusUpdate\",\"payload\":{\"token_usage\":{\"input_other\":10,\"output\":1,\"input_cache_read\":0,\"input_cache_creation\":0},\"message_id\":\"b\"}}}\n",
    )
    .unwrap();
    let sync = || {
        h.tl(["ledger", "sync", "--ledger", dir.to_str().unwrap()])
            .args(["--logs", wire.to_str().unwrap()])
            .ok()
    };
    sync()
        .stderr_has("1 row not kept in the ledger")
        .stderr_has("added 1 (1 rows rejected, not kept)");
    sync().stderr_has("it holds 1 rows");
}

/// Two copies of one running total in a single sync (the same Droid session in two folders)
/// keep the larger; a session whose start moved to another month leaves its old month.
#[test]
fn running_totals_stay_one_row() {
    let h = Home::new();
    let dir = h.work.join("l");
    let sessions = h.work.join("factory/sessions");
    let write = |rel: &str, input: u64, start: &str| {
        let p = sessions.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            p,
            format!(
                "{{\"model\":\"gpt-5-codex\",\"providerLock\":\"openai\",\"providerLockTimestamp\":\"{start}\",\"tokenUsage\":{{\"inputTokens\":{input},\"outputTokens\":0}}}}"
            ),
        )
        .unwrap();
    };
    write("a/s1.settings.json", 1_000_000, "2026-01-31T23:00:00Z");
    write("b/s1.settings.json", 2_000_000, "2026-01-31T23:00:00Z");
    let sync = || {
        h.tl(["ledger", "sync", "--ledger", dir.to_str().unwrap()])
            .args(["--logs", sessions.to_str().unwrap()])
            .ok()
    };
    sync().stderr_has("added 1;");
    let report = || {
        h.tl([
            "report",
            "--format",
            "json",
            "--ledger",
            dir.to_str().unwrap(),
        ])
        .ok()
        .json()
    };
    // 2,000,000 x 1.25 = $2.50, once.
    assert_eq!(report()["total"]["cost_usd"], "2.5");
    // The session's start is read again as February (a file time, say) and it grew.
    std::fs::remove_dir_all(sessions.join("a")).unwrap();
    write("b/s1.settings.json", 3_000_000, "2026-02-01T01:00:00Z");
    sync().stderr_has("updated 1 running totals");
    let v = report();
    assert_eq!(v["total"]["requests"], 1);
    assert_eq!(v["total"]["cost_usd"], "3.75");
}

/// A second sync while one is writing is refused (the operating system's lock), and works once
/// the first is done.
#[test]
fn one_sync_at_a_time() {
    let h = Home::new();
    let dir = h.work.join("l");
    let log = h.work.join("r.csv");
    std::fs::write(
        &log,
        "timestamp,provider,model,input_tokens,output_tokens,request_id\n\
         2025-07-10T00:00:00Z,openai,gpt-4o-2024-08-06,10,1,r1\n\
         2025-07-10T00:00:01Z,openai,gpt-4o-2024-08-06,10,1,r2\n",
    )
    .unwrap();
    let args = [
        "ledger",
        "sync",
        "--ledger",
        dir.to_str().unwrap(),
        "--logs",
        log.to_str().unwrap(),
    ];
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_tokenledger"))
        .env("TOKENLEDGER_TEST_PAUSE_MS", "4000")
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first is writing (its temporary month file exists).
    let usage = dir.join("usage");
    let t = std::time::Instant::now();
    while !std::fs::read_dir(&usage).is_ok_and(|mut rd| rd.next().is_some())
        && t.elapsed().as_secs() < 30
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.tl(args)
        .fails(1)
        .stderr_has("another tokenledger is syncing");
    assert!(first.wait().unwrap().success());
    h.tl(args).ok().stderr_has("added 0; it holds 2 rows");
}
