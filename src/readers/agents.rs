//! What the coding-agent readers share: the folders each agent keeps its logs in (so a
//! `--logs` folder or a default location is narrowed to the agent's usage files and read in
//! its format), and one way to turn an agent's counts into a canonical record with the
//! `agent`, `session` and `project` dimensions and a request id that survives copies.
//!
//! Every agent reader prices its usage at API list prices: whether a call was billed per
//! token (an API key) or covered by a plan (a subscription login) is not in the agents' logs,
//! so reports call such cost "API-equivalent" (README: "Coding agents").

use std::path::{Path, PathBuf};

use super::LogFormat;
use crate::usage::{FieldError, OwnedRecord};

/// The log column naming the tool that produced a row (`claude-code`, `gemini-cli`, ...).
pub const AGENT: &str = "agent";

/// An agent's log folder: how to recognise it and which files under it are usage logs.
pub struct Home {
    pub format: LogFormat,
    /// Whether `dir` is such a folder (its layout, not its name).
    pub is_home: fn(&Path) -> bool,
    /// Whether a file at `rel` (relative to the folder) is a usage log.
    pub keep: fn(&Path) -> bool,
}

fn parts(rel: &Path) -> Vec<&str> {
    rel.components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect()
}

/// `opencode.db`, `opencode-<channel>.db`, and Kilo's `kilo.db`.
fn is_opencode_db(name: &str) -> bool {
    (name.starts_with("opencode") || name.starts_with("kilo")) && name.ends_with(".db")
}

fn has_child_with(dir: &Path, sub: &str, inner: &[&str]) -> bool {
    let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
        return false;
    };
    rd.flatten().take(10_000).any(|e| {
        let mut p = e.path();
        for i in inner {
            p = p.join(i);
        }
        p.exists()
    })
}

/// The agents whose folders discovery recognises, checked in this order (Qwen Code before
/// Gemini CLI, whose fork it is and whose `tmp/` layout an old Qwen folder may keep; Claude Code
/// and Codex are recognised by `discover` itself, after these: a Qwen folder also has
/// `projects/` and a Kimi folder `sessions/`).
pub const HOMES: [Home; 9] = [
    // Qwen Code: ~/.qwen/projects/<sanitised cwd>/chats/<session>.jsonl.
    Home {
        format: LogFormat::Qwen,
        is_home: |d| has_child_with(d, "projects", &["chats"]),
        keep: |rel| {
            let p = parts(rel);
            p.len() == 4 && p[0] == "projects" && p[2] == "chats" && p[3].ends_with(".jsonl")
        },
    },
    // Gemini CLI: ~/.gemini/tmp/<project>/chats/session-*.json[l] (sub-agents one folder deeper).
    Home {
        format: LogFormat::GeminiCli,
        is_home: |d| has_child_with(d, "tmp", &["chats"]),
        keep: |rel| {
            let p = parts(rel);
            p.first() == Some(&"tmp")
                && p.get(2) == Some(&"chats")
                && p.last().is_some_and(|n| {
                    (n.ends_with(".json") || n.ends_with(".jsonl")) && !n.contains(".unreadable-")
                })
        },
    },
    // Kimi CLI: ~/.kimi/sessions/<md5 of the work dir>/<session>/wire.jsonl (and sub-agents').
    Home {
        format: LogFormat::Kimi,
        is_home: |d| {
            std::fs::read_dir(d.join("sessions")).is_ok_and(|rd| {
                rd.flatten()
                    .take(10_000)
                    .any(|e| has_child_with(&e.path(), "", &["wire.jsonl"]))
            })
        },
        keep: |rel| {
            let p = parts(rel);
            p.first() == Some(&"sessions") && p.last() == Some(&"wire.jsonl")
        },
    },
    // Amp: ~/.local/share/amp/threads/T-<id>.json.
    Home {
        format: LogFormat::Amp,
        is_home: |d| {
            std::fs::read_dir(d.join("threads")).is_ok_and(|rd| {
                rd.flatten()
                    .take(10_000)
                    .any(|e| e.file_name().to_string_lossy().starts_with("T-"))
            })
        },
        keep: |rel| {
            let p = parts(rel);
            p.len() == 2 && p[0] == "threads" && p[1].starts_with("T-") && p[1].ends_with(".json")
        },
    },
    // OpenCode: ~/.local/share/opencode/opencode*.db, and storage/message/<session>/msg_*.json
    // of the versions before the database.
    Home {
        format: LogFormat::Opencode,
        is_home: |d| {
            d.join("storage/message").is_dir()
                || std::fs::read_dir(d).is_ok_and(|rd| {
                    rd.flatten().take(1_000).any(|e| {
                        let n = e.file_name().to_string_lossy().into_owned();
                        is_opencode_db(&n)
                    })
                })
        },
        keep: |rel| {
            let p = parts(rel);
            match p.as_slice() {
                [db] => is_opencode_db(db),
                ["storage", "message", _, m] => m.starts_with("msg_") && m.ends_with(".json"),
                _ => false,
            }
        },
    },
    // GitHub Copilot CLI: ~/.copilot/session-store.db.
    Home {
        format: LogFormat::Copilot,
        is_home: |d| d.join("session-store.db").is_file(),
        keep: |rel| rel == Path::new("session-store.db"),
    },
    // Goose: ~/.local/share/goose/sessions/sessions.db.
    Home {
        format: LogFormat::Goose,
        is_home: |d| d.join("sessions/sessions.db").is_file(),
        keep: |rel| rel == Path::new("sessions/sessions.db"),
    },
    // Droid: ~/.factory/sessions/[<project>/]<session>.settings.json.
    Home {
        format: LogFormat::Droid,
        is_home: |d| {
            let settings = |p: &Path| {
                std::fs::read_dir(p).is_ok_and(|rd| {
                    rd.flatten()
                        .take(10_000)
                        .any(|e| e.file_name().to_string_lossy().ends_with(".settings.json"))
                })
            };
            let sessions = d.join("sessions");
            settings(&sessions)
                || std::fs::read_dir(&sessions)
                    .is_ok_and(|rd| rd.flatten().take(1_000).any(|e| settings(&e.path())))
        },
        keep: |rel| {
            let p = parts(rel);
            (p.len() == 2 || p.len() == 3)
                && p[0] == "sessions"
                && p.last().is_some_and(|n| n.ends_with(".settings.json"))
        },
    },
    // Cline, Roo Code, Kilo Code: <storage>/tasks/<task id>/ui_messages.json.
    Home {
        format: LogFormat::Cline,
        is_home: |d| {
            has_child_with(d, "tasks", &["ui_messages.json"])
                || std::fs::read_dir(d.join("sessions")).is_ok_and(|rd| {
                    rd.flatten().take(10_000).any(|e| {
                        let id = e.file_name().to_string_lossy().into_owned();
                        e.path().join(format!("{id}.messages.json")).is_file()
                    })
                })
        },
        keep: |rel| {
            let p = parts(rel);
            (p.len() == 3 && p[0] == "tasks" && p[2] == "ui_messages.json")
                || (p.len() == 3
                    && p[0] == "sessions"
                    && p[2].strip_suffix(".messages.json") == Some(p[1]))
        },
    },
];

/// The VS Code extensions whose task folders are Cline-shaped.
const EXTENSIONS: [&str; 3] = [
    "saoudrizwan.claude-dev",
    "rooveterinaryinc.roo-cline",
    "kilocode.kilo-code",
];

/// Where the agents keep their logs by default, given the home folder and the environment
/// (`var`): `GEMINI_CLI_HOME/.gemini` else `~/.gemini`; `QWEN_RUNTIME_DIR`, else `QWEN_HOME`,
/// else `~/.qwen`; `KIMI_SHARE_DIR` else `~/.kimi`; `CLINE_DATA_DIR`, else `CLINE_DIR/data`,
/// else `~/.cline/data`; `XDG_DATA_HOME/amp` else `~/.local/share/amp`; `XDG_DATA_HOME/opencode`
/// else `~/.local/share/opencode` (and `kilo` beside it, Kilo Code's command line); `COPILOT_HOME` else `~/.copilot`; `GOOSE_PATH_ROOT/data`, else
/// `XDG_DATA_HOME/goose`, else `~/.local/share/goose` (and macOS's `Application Support`);
/// `~/.factory` (Droid); and the global storage of the Cline, Roo Code and Kilo Code
/// extensions in VS Code, VS Code Insiders, VSCodium and Cursor (Linux and macOS places) and a
/// VS Code server. Only folders that exist with the agent's layout are returned.
pub fn default_homes(home: Option<&Path>, var: impl Fn(&str) -> Option<PathBuf>) -> Vec<PathBuf> {
    let h = |rel: &str| home.map(|h| h.join(rel));
    let mut dirs: Vec<PathBuf> = [
        var("GEMINI_CLI_HOME")
            .map(|g| g.join(".gemini"))
            .or_else(|| h(".gemini")),
        var("QWEN_RUNTIME_DIR")
            .or_else(|| var("QWEN_HOME"))
            .or_else(|| h(".qwen")),
        var("KIMI_SHARE_DIR").or_else(|| h(".kimi")),
        var("CLINE_DATA_DIR")
            .or_else(|| var("CLINE_DIR").map(|d| d.join("data")))
            .or_else(|| h(".cline/data")),
        var("XDG_DATA_HOME")
            .map(|d| d.join("amp"))
            .or_else(|| h(".local/share/amp")),
        var("XDG_DATA_HOME")
            .map(|d| d.join("opencode"))
            .or_else(|| h(".local/share/opencode")),
        var("XDG_DATA_HOME")
            .map(|d| d.join("kilo"))
            .or_else(|| h(".local/share/kilo")),
        var("COPILOT_HOME").or_else(|| h(".copilot")),
        var("GOOSE_PATH_ROOT")
            .map(|d| d.join("data"))
            .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("goose")))
            .or_else(|| h(".local/share/goose")),
        h("Library/Application Support/goose"),
        h(".factory"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let editors = [
        ".config/Code",
        ".config/Code - Insiders",
        ".config/VSCodium",
        ".config/Cursor",
        "Library/Application Support/Code",
        "Library/Application Support/Code - Insiders",
        "Library/Application Support/VSCodium",
        "Library/Application Support/Cursor",
        ".vscode-server/data",
    ];
    for e in editors {
        for x in EXTENSIONS {
            dirs.extend(h(&format!("{e}/User/globalStorage/{x}")));
        }
    }
    dirs.retain(|d| home_of(d).is_some());
    dirs
}

/// The agent folder `dir` is, if any.
pub fn home_of(dir: &Path) -> Option<&'static Home> {
    HOMES.iter().find(|h| (h.is_home)(dir))
}

/// One model call of an agent, in the agent's terms already converted to the canonical ones:
/// `input` includes cache reads and writes, `output` includes reasoning.
#[derive(Debug, Default, Clone)]
pub struct Call {
    pub provider: String,
    pub model: String,
    pub input: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub output: u64,
    pub reasoning: u64,
    pub session: Option<String>,
    pub project: Option<String>,
    /// The agent's own id of the call, unique across its files (a copy in another file is the
    /// same call); `None` when the agent writes none (then the call's content is its id).
    pub id: Option<String>,
}

/// The record of `call` at `ts` from `agent`. Its request id is `agent:` and the agent's id,
/// else a hash of the instant, model and counts, so the same call read from two files (a
/// resumed or forked session, an old and a new layout, a ledger) counts once.
pub fn record(
    agent: &str,
    ts: Result<i64, FieldError>,
    stamp: &str,
    c: Call,
) -> Result<OwnedRecord, FieldError> {
    let ts = ts?;
    for (field, v) in [("provider", &c.provider), ("model", &c.model)] {
        if v.trim().is_empty() {
            return Err(FieldError::new(field, format!("the log names no {field}")));
        }
    }
    let mut o = OwnedRecord::new(ts, &c.provider, &c.model);
    o.input_tokens = c.input;
    o.cache_read_tokens = c.cache_read.min(c.input);
    o.cache_write_tokens = c.cache_write.min(c.input - o.cache_read_tokens);
    o.output_tokens = c.output;
    o.reasoning_tokens = c.reasoning.min(c.output);
    o.project = c.project;
    o.request_id = Some(match c.id {
        Some(id) => format!("{agent}:{id}"),
        None => {
            let key = format!(
                "{stamp}|{}|{}|{}|{}|{}|{}",
                c.model, c.input, c.cache_read, c.cache_write, c.output, c.reasoning
            );
            format!(
                "{agent}:{:016x}",
                xxhash_rust::xxh3::xxh3_64(key.as_bytes())
            )
        }
    });
    o.extra.push((AGENT.into(), agent.into()));
    if let Some(s) = c.session {
        o.extra.push(("session".into(), s));
    }
    Ok(o)
}

/// A Claude model id as its maker writes it: Cursor's and Copilot's `claude-4.5-sonnet` and
/// OpenCode's `claude-sonnet-4.5` are Anthropic's `claude-sonnet-4-5`; other ids as they are.
pub fn maker_model_id(model: &str) -> String {
    let Some(rest) = model.strip_prefix("claude-") else {
        return model.to_string();
    };
    let rest = rest.strip_suffix("-thinking").unwrap_or(rest);
    if let Some((version, family)) = rest.split_once('-') {
        if version.starts_with(|c: char| c.is_ascii_digit())
            && ["opus", "sonnet", "haiku"].contains(&family)
        {
            // Claude 4 and later put the family first; Claude 3 models the version.
            let v = version.replace('.', "-");
            return match version
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
            {
                Some(major) if major < 4 => format!("claude-{v}-{family}"),
                _ => format!("claude-{family}-{v}"),
            };
        }
    }
    if rest.contains('.') {
        return format!("claude-{}", rest.replace('.', "-"));
    }
    model.to_string()
}

/// The provider whose list prices a model id of an agent that can call several is priced at,
/// by the id's publisher (`gpt-` -> openai, `claude-` -> anthropic, ...); `fallback` else.
pub fn provider_of_model(model: &str, fallback: &str) -> String {
    let publisher = crate::providers::publisher(None, model);
    match crate::providers::publisher_provider(publisher) {
        Some(id) => id,
        // Publishers that sell their models themselves but whose prices the book lacks: named
        // so that the usage shows up as theirs (unpriced) rather than as the agent's.
        None => match publisher {
            "Moonshot AI" => "moonshot",
            "Alibaba Cloud" => "alibaba",
            _ => fallback,
        },
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homes_keep_only_usage_files() {
        let g = &HOMES[1];
        assert!((g.keep)(Path::new(
            "tmp/myrepo/chats/session-2026-05-17T11-07-5c3e.jsonl"
        )));
        assert!((g.keep)(Path::new("tmp/myrepo/chats/5c3e/sub.jsonl")));
        assert!(!(g.keep)(Path::new("tmp/myrepo/logs.json")));
        assert!(!(g.keep)(Path::new(
            "tmp/myrepo/chats/session-x.json.unreadable-1"
        )));
        assert!(!(g.keep)(Path::new("settings.json")));
        let q = &HOMES[0];
        assert!((q.keep)(Path::new(
            "projects/-home-u-p/chats/d96bf338.jsonl"
        )));
        assert!(!(q.keep)(Path::new("projects/-home-u-p/other.jsonl")));
        let k = &HOMES[2];
        assert!((k.keep)(Path::new("sessions/ab12/s1/wire.jsonl")));
        assert!((k.keep)(Path::new(
            "sessions/ab12/s1/subagents/a/wire.jsonl"
        )));
        assert!(!(k.keep)(Path::new("sessions/ab12/s1/context.jsonl")));
        let a = &HOMES[3];
        assert!((a.keep)(Path::new("threads/T-7f3a2c10-0001.json")));
        assert!(!(a.keep)(Path::new("settings.json")));
        let o = &HOMES[4];
        assert!((o.keep)(Path::new("opencode.db")));
        assert!((o.keep)(Path::new("opencode-beta.db")));
        assert!((o.keep)(Path::new("storage/message/ses_1/msg_1.json")));
        assert!(!(o.keep)(Path::new("storage/part/msg_1/prt_1.json")));
        assert!(!(o.keep)(Path::new("opencode.db-wal")));
        assert!((o.keep)(Path::new("kilo.db")));
        assert!((HOMES[5].keep)(Path::new("session-store.db")));
        assert!((HOMES[6].keep)(Path::new("sessions/sessions.db")));
        let d = &HOMES[7];
        assert!((d.keep)(Path::new("sessions/a1b2.settings.json")));
        assert!((d.keep)(Path::new(
            "sessions/-home-dev-app/a1b2.settings.json"
        )));
        assert!(!(d.keep)(Path::new("sessions/a1b2.jsonl")));
        let c = &HOMES[8];
        assert!((c.keep)(Path::new("tasks/1771416000000/ui_messages.json")));
        assert!(!(c.keep)(Path::new(
            "tasks/1771416000000/api_conversation_history.json"
        )));
    }

    #[test]
    fn records_carry_the_agent_and_a_stable_id() {
        let call = Call {
            provider: "google".into(),
            model: "gemini-2.5-pro".into(),
            input: 100,
            cache_read: 500,
            output: 10,
            reasoning: 20,
            ..Call::default()
        };
        let a = record("gemini-cli", Ok(0), "t", call.clone()).unwrap();
        assert_eq!(a.cache_read_tokens, 100, "cache reads are part of input");
        assert_eq!(a.reasoning_tokens, 10, "reasoning is part of output");
        assert_eq!(a.extra[0], ("agent".to_string(), "gemini-cli".to_string()));
        let b = record("gemini-cli", Ok(0), "t", call.clone()).unwrap();
        assert_eq!(a.request_id, b.request_id);
        let c = record("gemini-cli", Ok(0), "u", call).unwrap();
        assert_ne!(a.request_id, c.request_id);
        assert_eq!(provider_of_model("gpt-5-codex", "x"), "openai");
        assert_eq!(
            provider_of_model("anthropic/claude-sonnet-4", "x"),
            "anthropic"
        );
        assert_eq!(provider_of_model("glm-4.6", "x"), "x");
        assert_eq!(maker_model_id("claude-4.5-sonnet"), "claude-sonnet-4-5");
        assert_eq!(maker_model_id("claude-4-opus-thinking"), "claude-opus-4");
        assert_eq!(maker_model_id("claude-sonnet-4.5"), "claude-sonnet-4-5");
        assert_eq!(
            maker_model_id("claude-sonnet-4-5-20250929"),
            "claude-sonnet-4-5-20250929"
        );
        assert_eq!(maker_model_id("gpt-5"), "gpt-5");
        assert_eq!(maker_model_id("claude-3.7-sonnet"), "claude-3-7-sonnet");
        assert_eq!(maker_model_id("claude-3.5-haiku"), "claude-3-5-haiku");
    }
}
