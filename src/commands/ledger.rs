//! `tokenledger ledger sync | import | status`: the usage ledger (`output::ledger`), filled from
//! the readers and read back by every usage command's `--ledger`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::logs::{find_logs, ledger_dir};
use super::messages;
use crate::cli::ledger::{LedgerDir, LedgerImportArgs, LedgerSyncArgs};
use crate::output::ledger::{self, Event, Rows, State};
use crate::readers::{self, FileKind, LogFile, LogFormat, ReadOptions};

pub(super) fn dir_of(d: &LedgerDir) -> anyhow::Result<PathBuf> {
    ledger_dir(d.ledger.as_deref().unwrap_or(Path::new("")))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every row of the ledger in `dir` (`machine`: the value for rows without one).
pub(super) fn read_ledger(dir: &Path, machine: Option<String>) -> anyhow::Result<Rows> {
    let files: Vec<LogFile> = ledger::month_files(dir)
        .into_iter()
        .map(|path| LogFile {
            path,
            kind: FileKind::Csv,
            gzip: false,
            format: LogFormat::Canonical,
            label: None,
            from_folder: false,
        })
        .collect();
    read_rows(&files, None, machine)
}

/// The rows of `files`, every extra column kept; `content_ids`: this machine, for rows
/// without a request id.
fn read_rows(
    files: &[LogFile],
    content_ids: Option<String>,
    machine: Option<String>,
) -> anyhow::Result<Rows> {
    let opts = ReadOptions {
        wanted_extras: readers::columns::extra_columns(files)?,
        max_line_bytes: super::settings::max_line_bytes(),
        content_ids,
        ..ReadOptions::default()
    };
    let mut rows = Rows {
        machine,
        ..Rows::default()
    };
    readers::read_all(files, &opts, &mut rows)?;
    Ok(rows)
}

/// Merges `new` into the ledger at `dir` and records the event; prints what it did.
fn add(
    dir: &Path,
    mut state: State,
    have: Rows,
    new: Rows,
    kind: &str,
    sources: Vec<String>,
) -> anyhow::Result<()> {
    if !have.rejections.is_empty() {
        anyhow::bail!(
            "the ledger in {} has {} unreadable rows (first: {}); it was not changed",
            dir.display(),
            have.rejections.len(),
            crate::text::printable(&have.rejections[0].to_string())
        );
    }
    for r in new.rejections.iter().take(10) {
        messages::info(format_args!(
            "rejected {}",
            crate::text::printable(&r.to_string())
        ));
    }
    let (read, rejected) = (new.rows.len() as u64, new.rejections.len() as u64);
    let total_before = have.rows.len() as u64;
    let added = ledger::merge_and_write(dir, have.rows, new.rows)?;
    state.last_sync = Some(now());
    state.push(Event {
        at: now(),
        kind: kind.into(),
        sources,
        read,
        added,
        rejected,
    });
    state.save(dir)?;
    messages::info(format_args!(
        "ledger {}: {kind}: read {read} rows, added {added}{}; it holds {} rows",
        dir.display(),
        if rejected > 0 {
            format!(" ({rejected} rows rejected, not kept)")
        } else {
            String::new()
        },
        total_before + added
    ));
    Ok(())
}

pub fn sync(a: LedgerSyncArgs) -> anyhow::Result<()> {
    let LedgerSyncArgs {
        dir,
        logs,
        log_format,
        exclude,
        machine,
    } = a;
    let dir = dir_of(&dir)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut state = State::load(&dir)?.unwrap_or_else(|| State {
        machine: ledger::host_name(),
        ..State::default()
    });
    let _lock = ledger::Lock::take(&dir)?;
    if let Some(m) = machine {
        state.machine = m;
    }
    let sources: Vec<String> = if logs.is_empty() {
        vec!["(default places)".into()]
    } else {
        logs.iter().map(|p| p.display().to_string()).collect()
    };
    let found = find_logs(&logs, log_format, &exclude, None)?;
    let have = read_ledger(&dir, None)?;
    let new = read_rows(
        &found.files,
        Some(state.machine.clone()),
        Some(state.machine.clone()),
    )?;
    add(&dir, state, have, new, "sync", sources)
}

pub fn import(a: LedgerImportArgs) -> anyhow::Result<()> {
    let LedgerImportArgs { dir, others } = a;
    let dir = dir_of(&dir)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let state = State::load(&dir)?.unwrap_or_else(|| State {
        machine: ledger::host_name(),
        ..State::default()
    });
    let _lock = ledger::Lock::take(&dir)?;
    let have = read_ledger(&dir, None)?;
    let mut new = Rows::default();
    for other in &others {
        let theirs = State::load(other)?;
        if theirs.is_none() && ledger::month_files(other).is_empty() {
            anyhow::bail!(
                "{} is not a tokenledger ledger (no {} and no usage/ months)",
                other.display(),
                ledger::STATE
            );
        }
        let machine = theirs.map_or_else(|| "imported".to_string(), |s| s.machine);
        let rows = read_ledger(other, Some(machine))?;
        new.rows.extend(rows.rows);
        new.rejections.extend(rows.rejections);
    }
    let sources = others.iter().map(|p| p.display().to_string()).collect();
    add(&dir, state, have, new, "import", sources)
}
