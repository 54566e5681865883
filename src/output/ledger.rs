//! The ledger: a folder that keeps every usage row tokenledger has seen, so usage outlives the
//! logs it came from (coding agents delete their transcripts) and machines add up.
//!
//! Layout: `usage/YYYY-MM.csv`, one canonical CSV per UTC month (every row with a request id:
//! the source's own, or a content id, see `readers::content_id`; a `machine` column), and
//! `ledger.json` (the machine name, the last sync, what each sync and import added). Every file
//! is written whole under a temporary name and renamed over the old one, so a sync that is
//! killed leaves each month as it was before or as it is after, never half written; a later
//! sync completes it. Rows are kept as tokens, never dollars: a corrected price re-prices
//! history.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::atomic::AtomicFile;
use super::canonical::cells;
use crate::usage::col::{self, SNAPSHOT};
use crate::usage::{format_timestamp_us, id_digest, Rejection, UsageRecord, UsageSink};

/// The log column naming the machine a row was synced on.
pub const MACHINE: &str = "machine";
/// The ledger's state file.
pub const STATE: &str = "ledger.json";
/// The folder of month files.
pub const USAGE: &str = "usage";

/// The default ledger: `$XDG_DATA_HOME/tokenledger`, else `~/.local/share/tokenledger`.
pub fn default_dir(var: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    var("XDG_DATA_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".local/share")))
        .map(|d| d.join("tokenledger"))
}

/// This machine's name: the kernel's host name, else `HOSTNAME`, else `local`.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "local".into())
}

/// What one sync or import added.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    pub at: String,
    /// `sync` or `import`.
    pub kind: String,
    /// The folders and files read (an import: the other ledger).
    pub sources: Vec<String>,
    pub read: u64,
    pub added: u64,
    pub rejected: u64,
}

/// `ledger.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct State {
    pub machine: String,
    pub last_sync: Option<String>,
    /// The last events, newest last (at most [`KEPT_EVENTS`]).
    pub events: Vec<Event>,
}

/// How many events `ledger.json` keeps.
pub const KEPT_EVENTS: usize = 100;

impl State {
    pub fn load(dir: &Path) -> anyhow::Result<Option<State>> {
        let p = dir.join(STATE);
        match std::fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .with_context(|| format!("{}: not a tokenledger ledger state", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
        }
    }

    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let mut f = AtomicFile::create(&dir.join(STATE))?;
        serde_json::to_writer_pretty(&mut f, self)?;
        f.write_all(b"\n")?;
        f.commit()
    }

    pub fn push(&mut self, e: Event) {
        self.events.push(e);
        let extra = self.events.len().saturating_sub(KEPT_EVENTS);
        self.events.drain(..extra);
    }
}

/// The ledger's lock, held by one sync or import at a time: an advisory lock of the operating
/// system on `ledger.lock`, released when this is dropped or the process ends (killed too).
pub struct Lock(#[allow(dead_code)] std::fs::File);

impl Lock {
    /// Takes `dir`'s lock, or says that another tokenledger holds it; then removes the
    /// temporary files a killed sync left (no one else is writing).
    pub fn take(dir: &Path) -> anyhow::Result<Lock> {
        let path = dir.join("ledger.lock");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match f.try_lock() {
            Ok(()) => {
                remove_temporaries(dir);
                Ok(Lock(f))
            }
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "another tokenledger is syncing {}; try again when it is done",
                dir.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// Temporary files a killed sync left (`.<name>.<random>.tmp`).
fn remove_temporaries(dir: &Path) {
    for d in [dir.to_path_buf(), dir.join(USAGE)] {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with('.') && n.ends_with(".tmp") {
                std::fs::remove_file(e.path()).ok();
            }
        }
    }
}

/// The month files of a ledger, oldest first.
pub fn month_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(USAGE))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.len() == 11 && n.ends_with(".csv"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A row to add: its UTC month, its canonical cells as one CSV-encoded line, and its extra
/// columns.
#[derive(Debug, Clone)]
pub struct Row {
    pub month: String,
    pub canonical: String,
    pub extra: Vec<(String, String)>,
    /// A running total that replaces the ledger's row of the same request: its key and the
    /// month file that row is in.
    pub replaces: Option<(u128, String)>,
}

/// What the ledger knows of a running total: a hash of its content, its size (all its
/// tokens) and its month.
#[derive(Debug, Clone)]
pub struct Snapshot {
    hash: u64,
    size: u64,
    month: String,
}

/// Per month: rows, and rows per machine and per agent.
pub type Tally = BTreeMap<String, (u64, BTreeMap<String, u64>, BTreeMap<String, u64>)>;

/// Reads rows, each request once: a row whose provider and request id are in `known` (the
/// ledger's rows, or one read before) is a repeat and is left out.
#[derive(Default)]
pub struct Rows {
    /// Digests of the provider and request id of every row seen.
    pub known: HashSet<u128>,
    /// Keep the new rows (to write them), else only count them.
    pub keep: bool,
    pub rows: Vec<Row>,
    /// Rows read, repeats included.
    pub read: u64,
    /// New rows (kept or not).
    pub new: u64,
    pub rejections: Vec<Rejection>,
    /// Rows without a request id (only from a sink not wrapped in content ids: a bug).
    pub without_id: u64,
    /// Set on every row that has no `machine` value.
    pub machine: Option<String>,
    /// Counts per month, machine and agent, when set.
    pub tally: Option<Tally>,
    /// Running totals seen (a later, larger total of the same session replaces the row).
    pub snapshots: HashMap<u128, Snapshot>,
    /// Running totals that replace the ledger's older ones.
    pub replaced: u64,
    /// Where this read's own running totals are in `rows` (a second copy overwrites the first).
    pending: HashMap<u128, usize>,
    /// Rows left out because they would not read back as they are, and the first reason.
    pub unstorable: u64,
    pub unstorable_reason: Option<String>,
}

/// Why a row would not read back from a month file as it is (the canonical reader trims
/// values and takes four-digit years), if it would not.
fn unstorable(r: &UsageRecord<'_>, id: &str) -> Option<String> {
    for (name, v) in [
        ("provider", r.provider),
        ("model", r.model),
        ("request_id", id),
    ] {
        if v.trim().is_empty() || v.trim() != v {
            return Some(format!("{name} {v:?} is empty or has spaces around it"));
        }
    }
    let t = format_timestamp_us(r.timestamp_us);
    match crate::usage::parse_timestamp_us(&t) {
        Ok(back) if back == r.timestamp_us => None,
        _ => Some(format!("timestamp {t} is outside the years 0000-9999")),
    }
}

impl Rows {
    /// Reads the rows to add to a ledger whose rows `have` read: those it lacks, kept.
    /// Reads a ledger for `ledger status`: counts per month, machine and agent.
    pub fn tallying() -> Rows {
        Rows {
            tally: Some(Tally::default()),
            ..Rows::default()
        }
    }

    pub fn adding_to(have: Rows) -> Rows {
        Rows {
            known: have.known,
            snapshots: have.snapshots,
            keep: true,
            ..Rows::default()
        }
    }
}

impl UsageSink for Rows {
    fn record(&mut self, r: &UsageRecord<'_>) {
        self.read += 1;
        let Some(id) = r.request_id else {
            self.without_id += 1;
            return;
        };
        if let Some(why) = unstorable(r, id) {
            self.unstorable += 1;
            self.unstorable_reason.get_or_insert(why);
            return;
        }
        let key = id_digest(r.provider, id);
        let snapshot = r.extra.iter().any(|(k, v)| *k == SNAPSHOT && *v == "true");
        let month_of = |ts: i64| {
            format_timestamp_us(ts)
                .get(..7)
                .unwrap_or("0000-00")
                .to_string()
        };
        let snap = || Snapshot {
            hash: content_hash(r),
            size: [
                r.input_tokens,
                r.output_tokens,
                r.cache_read_tokens,
                r.cache_write_tokens,
            ]
            .iter()
            .fold(0u64, |a, &x| a.saturating_add(x)),
            month: month_of(r.timestamp_us),
        };
        let mut replaces = None;
        let mut overwrite = None;
        if !self.known.insert(key) {
            // The ledger's row is a running total (or a provisional row): a larger one of the
            // same request replaces it (an older copy, from another machine's ledger say, never
            // replaces a newer one); a final row is never replaced.
            let new = snap();
            match self.snapshots.get(&key) {
                Some(old) if old.hash != new.hash && new.size >= old.size => {
                    match self.pending.get(&key) {
                        Some(&i) => overwrite = Some(i),
                        None => {
                            self.replaced += 1;
                            replaces = Some((key, old.month.clone()));
                        }
                    }
                    if snapshot {
                        self.snapshots.insert(key, new);
                    } else {
                        self.snapshots.remove(&key);
                    }
                }
                _ => return,
            }
        } else {
            self.new += 1;
            if snapshot {
                self.snapshots.insert(key, snap());
                if self.keep {
                    self.pending.insert(key, self.rows.len());
                }
            }
        }
        let month = format_timestamp_us(r.timestamp_us)
            .get(..7)
            .unwrap_or("0000-00")
            .to_string();
        let mut extra: Vec<(String, String)> = r
            .extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(m) = &self.machine {
            if !extra.iter().any(|(k, _)| k == MACHINE) {
                extra.push((MACHINE.into(), m.clone()));
            }
        }
        if let Some(t) = &mut self.tally {
            let v = |k: &str| {
                extra
                    .iter()
                    .find(|(n, _)| n == k)
                    .map_or("-", |(_, v)| v.as_str())
                    .to_string()
            };
            let e = t.entry(month.clone()).or_default();
            e.0 += 1;
            *e.1.entry(v(MACHINE)).or_default() += 1;
            *e.2.entry(v("agent")).or_default() += 1;
        }
        if self.keep {
            let canonical = cells(r, &[])
                .iter()
                .map(|c| field(c))
                .collect::<Vec<_>>()
                .join(",");
            match overwrite.and_then(|i| self.rows.get_mut(i)) {
                Some(row) => {
                    row.month = month;
                    row.canonical = canonical;
                    row.extra = extra;
                }
                None => {
                    if replaces.is_some() {
                        self.pending.insert(key, self.rows.len());
                    }
                    self.rows.push(Row {
                        month,
                        canonical,
                        extra,
                        replaces,
                    })
                }
            }
        }
    }
    fn reject(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }
}

/// A hash of what a record says (its canonical cells and extra columns).
fn content_hash(r: &UsageRecord<'_>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for c in cells(r, &[]) {
        h.update(c.as_bytes());
        h.update(&[0]);
    }
    // (Sorted, without the ledger's own `machine` and empty values: the row as read from the
    // logs and as read back from the ledger hash the same.)
    let mut extra: Vec<&(&str, &str)> = r
        .extra
        .iter()
        .filter(|(k, v)| *k != MACHINE && !v.is_empty())
        .collect();
    extra.sort();
    for (k, v) in extra {
        h.update(k.as_bytes());
        h.update(&[1]);
        h.update(v.as_bytes());
        h.update(&[0]);
    }
    h.digest()
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Appends `rows` to their months' files (each rewritten whole, atomically, its old rows
/// streamed through). Returns how many rows were written.
pub fn write_months(dir: &Path, rows: Vec<Row>) -> anyhow::Result<u64> {
    let n = rows.len() as u64;
    // The keys each month file loses (running totals replaced, maybe in another month).
    let mut gone: BTreeMap<String, HashSet<u128>> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for r in rows {
        if let Some((key, old)) = &r.replaces {
            gone.entry(old.clone()).or_default().insert(*key);
        }
        by_month.entry(r.month.clone()).or_default().push(r);
    }
    for m in gone.keys() {
        by_month.entry(m.clone()).or_default();
    }
    let usage = dir.join(USAGE);
    std::fs::create_dir_all(&usage)
        .with_context(|| format!("cannot create {}", usage.display()))?;
    let none = HashSet::new();
    for (month, rows) in by_month {
        let removed = gone.get(&month).unwrap_or(&none);
        write_month(&usage.join(format!("{month}.csv")), &rows, removed)?;
    }
    Ok(n)
}

/// One month file: the canonical columns, then every extra column its rows have, sorted; the
/// old rows first, as they were.
fn write_month(path: &Path, rows: &[Row], removed: &HashSet<u128>) -> anyhow::Result<()> {
    let mut old = match std::fs::File::open(path) {
        Ok(f) => Some(csv::Reader::from_reader(std::io::BufReader::new(f))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let old_header: Vec<String> = match &mut old {
        Some(r) => r
            .headers()
            .with_context(|| format!("{}: line 1", path.display()))?
            .iter()
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    let mut extras: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.extra.iter().map(|(k, _)| k.as_str()))
        .collect();
    extras.extend(
        old_header
            .iter()
            .map(String::as_str)
            .filter(|h| !col::KNOWN.contains(h)),
    );
    let header: Vec<&str> = col::KNOWN
        .iter()
        .copied()
        .chain(extras.iter().copied())
        .collect();
    let mut f = std::io::BufWriter::new(AtomicFile::create(path)?);
    writeln!(
        f,
        "{}",
        header
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(",")
    )?;
    // A test hook: pause halfway, what is written so far flushed, so that a test can kill a
    // sync there (tests/cli/ledger.rs).
    let pause = std::env::var("TOKENLEDGER_TEST_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(r) = &mut old {
        let index: Vec<Option<usize>> = header
            .iter()
            .map(|h| old_header.iter().position(|o| o == h))
            .collect();
        let replaced = removed;
        let column = |name: &str| old_header.iter().position(|h| h == name);
        let (provider, id) = (column(col::PROVIDER), column(col::REQUEST_ID));
        for (n, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| format!("{}: row {}", path.display(), n + 2))?;
            if !replaced.is_empty() {
                let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
                if replaced.contains(&id_digest(get(provider), get(id))) {
                    continue;
                }
            }
            let cells: Vec<_> = index
                .iter()
                .map(|i| field(i.and_then(|i| rec.get(i)).unwrap_or("")))
                .collect();
            writeln!(f, "{}", cells.join(","))?;
        }
    }
    for (i, r) in rows.iter().enumerate() {
        if i == rows.len() / 2 {
            if let Some(ms) = pause {
                f.flush()?;
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
        }
        f.write_all(r.canonical.as_bytes())?;
        for e in &extras {
            let v = r
                .extra
                .iter()
                .find(|(k, _)| k == e)
                .map_or("", |(_, v)| v.as_str());
            write!(f, ",{}", field(v))?;
        }
        f.write_all(b"\n")?;
    }
    f.into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?
        .commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_ledger_follows_xdg() {
        let env = |pairs: &'static [(&str, &str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| PathBuf::from(v))
            }
        };
        assert_eq!(
            default_dir(env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/tokenledger"))
        );
        assert_eq!(
            default_dir(env(&[("HOME", "/h")])),
            Some(PathBuf::from("/h/.local/share/tokenledger"))
        );
        assert_eq!(default_dir(env(&[])), None);
    }

    #[test]
    fn events_are_bounded() {
        let mut s = State::default();
        for i in 0..KEPT_EVENTS + 5 {
            s.push(Event {
                at: i.to_string(),
                kind: "sync".into(),
                sources: vec![],
                read: 0,
                added: 0,
                rejected: 0,
            });
        }
        assert_eq!(s.events.len(), KEPT_EVENTS);
        assert_eq!(s.events[0].at, "5");
    }
}
