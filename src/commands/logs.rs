//! Which log files a run reads: `--logs` (files, folders, `-`), or, without it, the bundled
//! sample or this user's coding-agent folders; each file's format decided.

use std::path::{Path, PathBuf};

use super::messages;
use super::UsageError;
use crate::readers::{self, LogFile, LogFormat};

/// The logs read when no `--logs` is given: `./data` when it exists (the bundled sample in a
/// checkout), else this user's Claude Code folders (`CLAUDE_CONFIG_DIR`, a comma-separated
/// list, replaces `${XDG_CONFIG_HOME:-~/.config}/claude` and `~/.claude`) and Codex homes
/// (`CODEX_HOME`, a comma-separated list, else `~/.codex`), as ccusage finds them, and the
/// other agents' folders (`readers::agents::default_homes`).
fn default_logs() -> Result<Vec<PathBuf>, UsageError> {
    let here = PathBuf::from("data");
    if here.is_dir() {
        return Ok(vec![here]);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let expand = |s: &str| -> PathBuf {
        match (s.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(s),
        }
    };
    let list = |var: &str| -> Option<Vec<PathBuf>> {
        let v = std::env::var(var).ok()?;
        Some(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(expand)
                .collect(),
        )
    };
    let claude = list("CLAUDE_CONFIG_DIR").unwrap_or_else(|| {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        xdg.map(|x| x.join("claude"))
            .into_iter()
            .chain(home.as_ref().map(|h| h.join(".claude")))
            .collect()
    });
    let codex = list("CODEX_HOME").unwrap_or_else(|| {
        home.as_ref()
            .map(|h| h.join(".codex"))
            .into_iter()
            .collect()
    });
    let agents = readers::agents::default_homes(home.as_deref(), env_path);
    let mut found: Vec<PathBuf> = agents
        .into_iter()
        .chain(claude.into_iter().filter(|d| d.join("projects").is_dir()))
        .chain(codex.into_iter().filter(|d| readers::is_codex_home(d)))
        .collect();
    found.dedup();
    if found.is_empty() {
        return Err(UsageError::Message(
            "no --logs given, and there is no data/ folder here and no coding-agent logs in their default places (see --logs in --help): pass --logs PATH (a log file, a folder of them, or - for standard input)".into(),
        ));
    }
    messages::note(format_args!(
        "no --logs given: reading {} (pass --logs to read other logs)",
        found
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(found)
}

/// The log files of a run; the copies of standard input and other streams live as long as this.
pub struct Logs {
    pub files: Vec<LogFile>,
    /// Read live logs beside a ledger: rows without ids get content ids for this machine, as
    /// `ledger sync` gave them, so each request counts once.
    pub content_ids: Option<String>,
    _streams: Vec<tempfile::TempPath>,
}

/// A folder named by an environment variable (unset or empty: none).
fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
}

/// The month files of the ledger in `dir`, as canonical CSV logs.
pub fn ledger_files(dir: &Path) -> Vec<LogFile> {
    crate::output::ledger::month_files(dir)
        .into_iter()
        .map(|path| LogFile {
            path,
            kind: readers::FileKind::Csv,
            gzip: false,
            format: LogFormat::Canonical,
            label: None,
            from_folder: false,
        })
        .collect()
}

/// `--ledger [DIR]`: the folder (empty: the default one).
pub fn ledger_dir(given: &Path) -> anyhow::Result<PathBuf> {
    if !given.as_os_str().is_empty() {
        return Ok(given.to_path_buf());
    }
    crate::output::ledger::default_dir(env_path).ok_or_else(|| {
        UsageError::Message(
            "--ledger: no HOME or XDG_DATA_HOME to find the ledger in: give its folder".into(),
        )
        .into()
    })
}

/// The log files under `--logs`, each with its format decided. Files in folders that are not
/// logs, or whose format cannot be told, are skipped with a note; `--exclude` leaves some out;
/// `map` (`--map`) lets a JSON log with other column names be told canonical.
pub fn find_logs(
    logs: &[PathBuf],
    format: LogFormat,
    exclude: &[String],
    ledger: Option<&Path>,
    map: &[(String, String)],
) -> anyhow::Result<Logs> {
    let defaults;
    let live = !logs.is_empty();
    let logs = if !live && ledger.is_some() {
        // The ledger alone.
        &[]
    } else if !live {
        defaults = default_logs()?;
        &defaults[..]
    } else {
        logs
    };
    let found = readers::discover(logs, exclude).map_err(|e| match e {
        // "--logs: data/x.csv: no such file or directory".
        readers::ReadError::NotFound { .. } => anyhow::Error::new(e).context("--logs"),
        other => other.into(),
    })?;
    let mut files = found.files;
    let unknown = readers::resolve_formats(&mut files, format, map)?;
    // One line for the files left out (a folder of logs often holds other files).
    if !found.skipped.is_empty() {
        const NAMED: usize = 3;
        let mut names: Vec<String> = found
            .skipped
            .iter()
            .take(NAMED)
            .map(|p| crate::text::printable(&p.display().to_string()).into_owned())
            .collect();
        if found.skipped.len() > NAMED {
            names.push(format!("and {} more", found.skipped.len() - NAMED));
        }
        messages::note(format_args!(
            "skipped {} (not a log file, or --exclude): {}",
            crate::money::count_of(found.skipped.len() as u64, "file"),
            names.join(", ")
        ));
    }
    for w in &found.warnings {
        messages::warning(format_args!("{}", crate::text::printable(w)));
    }
    for (_, e) in &unknown {
        // The error names the file.
        messages::warning(format_args!(
            "skipped {}",
            crate::text::printable(&e.to_string())
        ));
    }
    let mut content_ids = None;
    if let Some(given) = ledger {
        use crate::output::ledger;
        let dir = ledger_dir(given)?;
        let state = ledger::State::load(&dir)?;
        let months = ledger_files(&dir);
        if state.is_none() && months.is_empty() {
            return Err(UsageError::Message(format!(
                "--ledger: {} holds no ledger (make one with `tokenledger ledger sync`)",
                dir.display()
            ))
            .into());
        }
        files.extend(months);
        if live {
            content_ids = Some(state.map_or_else(ledger::host_name, |s| s.machine));
        }
    }
    Ok(Logs {
        files,
        content_ids,
        _streams: found.streams,
    })
}

/// `--map FROM=TO,...`: each TO a canonical column, each FROM named once.
pub fn parse_map(v: &[String]) -> Result<Vec<(String, String)>, super::UsageError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in v {
        let Some((from, to)) = pair.split_once('=') else {
            return Err(super::UsageError::Message(format!(
                "--map {pair:?}: expected FROM=TO, e.g. prompt_tokens=input_tokens"
            )));
        };
        let (from, to) = (from.trim(), to.trim());
        if !crate::usage::col::KNOWN.contains(&to) {
            return Err(super::UsageError::Message(format!(
                "--map {pair:?}: {to:?} is not a canonical column ({})",
                crate::usage::col::KNOWN.join(", ")
            )));
        }
        if from.is_empty() || out.iter().any(|(f, _)| f == from) {
            return Err(super::UsageError::Message(format!(
                "--map {pair:?}: {from:?} is empty or mapped twice"
            )));
        }
        out.push((from.to_string(), to.to_string()));
    }
    Ok(out)
}
