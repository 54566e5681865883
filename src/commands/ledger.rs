//! `tokenledger ledger sync | import | status`: the usage ledger (`output::ledger`), filled from
//! the readers and read back by every usage command's `--ledger`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::logs::{find_logs, ledger_dir};
use super::messages;
use crate::cli::ledger::{LedgerDir, LedgerImportArgs, LedgerSyncArgs};
use crate::output::ledger::{self, Event, Rows, State};
use crate::readers::{self, LogFile, ReadOptions};

pub(super) fn dir_of(d: &LedgerDir) -> anyhow::Result<PathBuf> {
    ledger_dir(d.ledger.as_deref().unwrap_or(Path::new("")))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Reads the ledger in `dir` into `rows` (its keys, and whatever else `rows` keeps).
pub(super) fn read_ledger(dir: &Path, rows: &mut Rows) -> anyhow::Result<()> {
    read_rows(&super::logs::ledger_files(dir), None, rows)
}

/// Reads `files` into `rows`, every extra column kept; `content_ids`: this machine, for rows
/// without a request id.
fn read_rows(
    files: &[LogFile],
    content_ids: Option<String>,
    rows: &mut Rows,
) -> anyhow::Result<()> {
    let opts = ReadOptions {
        wanted_extras: readers::columns::extra_columns(files)?,
        max_line_bytes: super::settings::max_line_bytes(),
        content_ids,
        ..ReadOptions::default()
    };
    readers::read_all(files, &opts, rows)?;
    Ok(())
}

/// The ledger's rows, for their keys only; an unreadable row stops the command (the ledger
/// would be rewritten without it).
fn known(dir: &Path) -> anyhow::Result<Rows> {
    let mut have = Rows::default();
    read_ledger(dir, &mut have)?;
    if let Some(r) = have.rejections.first() {
        anyhow::bail!(
            "the ledger in {} has {} unreadable rows (first: {}); it was not changed",
            dir.display(),
            have.rejections.len(),
            crate::text::printable(&r.to_string())
        );
    }
    Ok(have)
}

/// Writes the new rows of `new` into the ledger at `dir` and records the event; prints what
/// it did. `held`: the rows the ledger held before.
fn add(
    dir: &Path,
    mut state: State,
    held: u64,
    new: Rows,
    kind: &str,
    sources: Vec<String>,
) -> anyhow::Result<()> {
    for r in new.rejections.iter().take(10) {
        messages::info(format_args!(
            "rejected {}",
            crate::text::printable(&r.to_string())
        ));
    }
    if let Some(why) = &new.unstorable_reason {
        messages::warning(format_args!(
            "{} not kept in the ledger: it would not read back as it is ({})",
            crate::money::count_of(new.unstorable, "row"),
            crate::text::printable(why)
        ));
    }
    let (read, rejected, replaced) = (
        new.read,
        new.rejections.len() as u64 + new.unstorable,
        new.replaced,
    );
    let added = ledger::write_months(dir, new.rows)? - replaced;
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
        "ledger {}: {kind}: read {read} rows, added {added}{}{}; it holds {} rows",
        dir.display(),
        if replaced > 0 {
            format!(", updated {replaced} running totals")
        } else {
            String::new()
        },
        if rejected > 0 {
            format!(" ({rejected} rows rejected, not kept)")
        } else {
            String::new()
        },
        held + added
    ));
    Ok(())
}

/// The ledger's folder (made if missing), its lock, and its state (new: this host's name).
fn open(d: &LedgerDir) -> anyhow::Result<(PathBuf, ledger::Lock, State)> {
    let dir = dir_of(d)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let lock = ledger::Lock::take(&dir)?;
    let state = State::load(&dir)?.unwrap_or_else(|| State {
        machine: ledger::host_name(),
        ..State::default()
    });
    Ok((dir, lock, state))
}

pub fn sync(a: LedgerSyncArgs) -> anyhow::Result<()> {
    let LedgerSyncArgs {
        dir,
        logs,
        log_format,
        exclude,
        machine,
    } = a;
    let (dir, _lock, mut state) = open(&dir)?;
    if let Some(m) = machine {
        state.machine = m;
    }
    let sources: Vec<String> = if logs.is_empty() {
        vec!["(default places)".into()]
    } else {
        logs.iter().map(|p| p.display().to_string()).collect()
    };
    let found = find_logs(&logs, log_format, &exclude, None, &[])?;
    let have = known(&dir)?;
    let held = have.new;
    let mut new = Rows::adding_to(have);
    new.machine = Some(state.machine.clone());
    read_rows(&found.files, Some(state.machine.clone()), &mut new)?;
    add(&dir, state, held, new, "sync", sources)
}

pub fn import(a: LedgerImportArgs) -> anyhow::Result<()> {
    let LedgerImportArgs { dir, others } = a;
    let (dir, _lock, state) = open(&dir)?;
    let have = known(&dir)?;
    let held = have.new;
    let mut new = Rows::adding_to(have);
    for other in &others {
        let theirs = State::load(other)?;
        if theirs.is_none() && ledger::month_files(other).is_empty() {
            anyhow::bail!(
                "{} is not a tokenledger ledger (no {} and no usage/ months)",
                other.display(),
                ledger::STATE
            );
        }
        new.machine = Some(theirs.map_or_else(|| "imported".to_string(), |s| s.machine));
        read_ledger(other, &mut new)?;
    }
    let sources = others.iter().map(|p| p.display().to_string()).collect();
    add(&dir, state, held, new, "import", sources)
}
