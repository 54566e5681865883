//! A parallel reader for large canonical CSV files without quotes.
//!
//! Most request logs are plain CSV: no quoted fields, one record per line. For those (the file
//! is checked for `"` first), records can be split at newlines, so blocks of the file are
//! validated on worker threads while the calling thread feeds the rows, in file order, to the
//! sink. Every row goes through the same validator as the sequential reader; results and
//! messages are identical. Files with quotes, gzip files and small files use the sequential
//! reader.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{mpsc, Arc, Mutex};

use super::row::{Layout, Triage};
use crate::readers::{LogFile, ReadError, ReadOptions, Tick};
use crate::usage::{Rejection, UsageRecord, UsageSink};

const BLOCK: usize = 2 << 20;

/// A byte range of a block's text.
type Span = (u32, u32);

fn span(text: &str, s: &str) -> Span {
    let start = s.as_ptr() as usize - text.as_ptr() as usize;
    (start as u32, s.len() as u32)
}

fn at(text: &str, s: Span) -> &str {
    &text[s.0 as usize..(s.0 + s.1) as usize]
}

/// A validated row, with its strings as spans of the block text.
pub(super) struct Row {
    ts: i64,
    provider: Span,
    model: Span,
    counts: [u64; 7],
    request_id: Option<Span>,
    status: u16,
    user: Option<Span>,
    project: Option<Span>,
    api_key: Option<Span>,
    region: Option<Span>,
    batch: bool,
    long_context: Option<bool>,
    service_tier: Option<Span>,
    extra: Vec<(u16, Span)>,
    /// The request id's digest ([`crate::usage::id_digest`]), worked out on the worker.
    digest: Option<u128>,
}

/// A valid record as a [`Row`], its strings placed by `place` (a span of the block text).
pub(super) fn row_of(
    r: &UsageRecord<'_>,
    layout: &Layout,
    mut place: impl FnMut(&str) -> Span,
) -> Row {
    Row {
        ts: r.timestamp_us,
        provider: place(r.provider),
        model: place(r.model),
        counts: [
            r.input_tokens,
            r.output_tokens,
            r.cache_read_tokens,
            r.cache_write_tokens,
            r.cache_write_1h_tokens,
            r.reasoning_tokens,
            r.requests,
        ],
        request_id: r.request_id.map(&mut place),
        status: r.status,
        user: r.user.map(&mut place),
        project: r.project.map(&mut place),
        api_key: r.api_key.map(&mut place),
        region: r.region.map(&mut place),
        batch: r.batch,
        long_context: r.long_context,
        service_tier: r.service_tier.map(&mut place),
        extra: r
            .extra
            .iter()
            .map(|(k, v)| {
                (
                    layout.extras.iter().position(|(n, _)| n == k).unwrap_or(0) as u16,
                    place(v),
                )
            })
            .collect(),
        digest: r
            .request_id
            .map(|id| crate::usage::id_digest(r.provider, id)),
    }
}

pub(super) enum Item {
    Row(Row),
    Outside {
        provider: Span,
        request_id: Option<Span>,
        timestamp_us: i64,
    },
    Reject {
        line: u64,
        field: String,
        reason: String,
    },
}

pub(super) struct Parsed {
    pub(super) text: String,
    pub(super) items: Vec<Item>,
    pub(super) lines: u64,
}

/// Turns a block's bytes into text; a line that is not valid UTF-8 becomes an empty line whose
/// (1-based) number is returned, to be rejected (the other lines are read as usual).
fn block_text(bytes: Vec<u8>) -> (String, Vec<u64>) {
    match String::from_utf8(bytes) {
        Ok(t) => (t, vec![]),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            let mut bad = Vec::new();
            for (k, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
                match std::str::from_utf8(line) {
                    Ok(l) => out.push_str(l),
                    Err(_) => {
                        bad.push(k as u64 + 1);
                        if line.ends_with(b"\n") {
                            out.push('\n');
                        }
                    }
                }
            }
            (out, bad)
        }
    }
}

fn parse_block(bytes: Vec<u8>, layout: &Layout, opts: &ReadOptions) -> Parsed {
    let (text, bad_utf8) = block_text(bytes);
    // About one item per 100 bytes of log (a canonical row is rarely shorter).
    let mut items = Vec::with_capacity(text.len() / 100 + 16);
    let mut lines = 0u64;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let mut from = 0;
    // One array for every line (1 KB: filling it afresh per line cost more than splitting);
    // only the first `n` fields of a line are ever read, and `n` equals the header's count.
    let mut fields: [&str; MAX_COLUMNS] = [""; MAX_COLUMNS];
    for end in ends {
        // Newlines are ASCII: both ends are character boundaries.
        let raw_line = text.get(from..end).unwrap_or("");
        from = end + 1;
        lines += 1;
        let line_text = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if bad_utf8.binary_search(&lines).is_ok() {
            items.push(Item::Reject {
                line: lines,
                field: "row".into(),
                reason: "not valid UTF-8".into(),
            });
            continue;
        }
        let n = super::split::split_fields(line_text, &mut fields);
        // A line with a comma is not blank (the full check only for the others).
        if n == 1 && line_text.trim().is_empty() {
            continue;
        }
        let reject = |field: &str, reason: String| Item::Reject {
            line: lines,
            field: field.to_string(),
            reason,
        };
        if n != layout.columns {
            items.push(reject(
                "row",
                format!(
                    "expected {} fields as in the header, found {}",
                    layout.columns, n
                ),
            ));
            continue;
        }
        let get = |i: usize| Some(fields[i]).filter(|v| !v.is_empty());
        let side = match layout.triage(get, opts) {
            Triage::Read => None,
            Triage::Outside(p, ts) => {
                items.push(Item::Outside {
                    provider: span(&text, p),
                    request_id: None,
                    timestamp_us: ts,
                });
                continue;
            }
            Triage::Side(p, ts) => Some((p, ts)),
        };
        match layout.record(get) {
            Ok(r) => items.push(Item::Row(row_of(&r, layout, |s| span(&text, s)))),
            Err(e) => match side {
                Some((p, ts)) => items.push(Item::Outside {
                    provider: span(&text, p),
                    request_id: None,
                    timestamp_us: ts,
                }),
                None => items.push(reject(&e.field, e.reason)),
            },
        }
    }
    // The block ends with a newline, so the count above has one line too many.
    Parsed {
        text,
        items,
        lines: lines.saturating_sub(1),
    }
}

/// The widest file the block reader takes (wider ones use the sequential reader).
pub const MAX_COLUMNS: usize = 64;

/// Whether the block reader reads `file` exactly as the sequential one would: a modest width,
/// and splitting at newlines finds exactly the csv crate's records (see [`plain`]). The caller
/// has checked that the file is not gzip.
pub fn suitable(file: &LogFile, layout: &Layout, max_line: usize) -> Result<bool, ReadError> {
    Ok(layout.columns <= MAX_COLUMNS && plain_header(file, max_line)?)
}

/// The header line is plain (see [`plain`]) and nothing comes before it; the rest of the file
/// is checked block by block as it is read ([`read`]).
fn plain_header(file: &LogFile, max_line: usize) -> Result<bool, ReadError> {
    let mut head = Vec::new();
    std::fs::File::open(&file.path)
        .and_then(|f| f.take(max_line as u64 + 2).read_to_end(&mut head))
        .map_err(|e| ReadError::Io {
            path: file.name(),
            source: e,
        })?;
    let Some(end) = memchr::memchr(b'\n', &head) else {
        return Ok(false);
    };
    Ok(end > 0
        && !matches!(head[0], b'\r')
        && end <= max_line
        && plain_block(&head[..end + 1], max_line))
}

/// A block of whole lines that splits at its newlines exactly as the csv crate reads it: no
/// double quote, no carriage return but before a newline, no line over the cap.
fn plain_block(b: &[u8], max_line: usize) -> bool {
    if memchr::memchr(b'"', b).is_some() {
        return false;
    }
    if memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n')) {
        return false;
    }
    if b.len() <= max_line {
        return true;
    }
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', b) {
        if i - start > max_line {
            return false;
        }
        start = i + 1;
    }
    b.len() - start <= max_line
}

/// What the block reader read: the whole file, or the rows before a block that is not plain
/// (a quote, a lone carriage return, a line over the cap), which the sequential reader reads
/// from its byte `offset` (line `line`) on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    All,
    Until { offset: u64, line: u64 },
}

/// Reads the rows after the header line (line 1) of a [`suitable`] file.
pub fn read(
    file: &LogFile,
    layout: Layout,
    opts: &ReadOptions,
    sink: &mut dyn UsageSink,
) -> Result<Done, ReadError> {
    let first_line = 1;
    let path = file.name();
    let io = |e: std::io::Error| ReadError::Io {
        path: path.clone(),
        source: e,
    };
    // Not gzip (checked by the caller): the plain file, which can move to the feeder thread.
    let mut reader = Tick::new(std::fs::File::open(&file.path).map_err(io)?, opts);
    // Skip the header line (the caller read it).
    let mut byte = [0u8; 1];
    let mut header = 0u64;
    while reader.read(&mut byte).map_err(io)? == 1 {
        header += 1;
        if byte[0] == b'\n' {
            break;
        }
    }
    let max_line = opts.max_line_bytes;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let layout = Arc::new(layout);
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Option<Parsed>)>(workers);
    std::thread::scope(|s| -> Result<Done, ReadError> {
        for _ in 0..workers {
            let (rx, tx, layout) = (job_rx.clone(), done_tx.clone(), layout.clone());
            s.spawn(move || loop {
                let job = rx.lock().map(|r| r.recv());
                let Ok(Ok((i, bytes))) = job else { return };
                let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    parse_block(bytes, &layout, opts)
                }))
                .ok();
                if tx.send((i, parsed)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        // Delivered blocks' buffers go back to the feeder, which reads into them again (a
        // fresh 8 MB buffer per block costs its page faults every time).
        let (recycle_tx, recycle_rx) = mpsc::channel::<Vec<u8>>();
        // The feeder reads blocks that end at a newline; this thread consumes results in order.
        // It stops at the first block that is not plain and says where that block starts.
        let feeder = s.spawn(move || -> Result<Option<u64>, std::io::Error> {
            let mut carry: Vec<u8> = Vec::new();
            let mut i = 0;
            let mut offset = header;
            loop {
                let mut buf = recycle_rx.try_recv().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(&carry);
                carry.clear();
                let start = buf.len();
                buf.resize(start + BLOCK, 0);
                let mut filled = start;
                while filled < buf.len() {
                    let n = reader.read(&mut buf[filled..])?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                buf.truncate(filled);
                let eof = filled < start + BLOCK;
                if buf.is_empty() {
                    return Ok(None);
                }
                // A line longer than a block: read on until it ends.
                let mut eof = eof;
                while !eof
                    && memchr::memchr(b'\n', &buf[start.min(buf.len())..]).is_none()
                    && memchr::memchr(b'\n', &buf).is_none()
                {
                    let old = buf.len();
                    buf.resize(old + BLOCK, 0);
                    let mut got = old;
                    while got < buf.len() {
                        let n = reader.read(&mut buf[got..])?;
                        if n == 0 {
                            break;
                        }
                        got += n;
                    }
                    eof = got < old + BLOCK;
                    buf.truncate(got);
                }
                let cut = if eof {
                    buf.len()
                } else {
                    memchr::memrchr(b'\n', &buf).map_or(buf.len(), |p| p + 1)
                };
                carry = buf.split_off(cut);
                if !plain_block(&buf, max_line) {
                    return Ok(Some(offset));
                }
                offset += buf.len() as u64;
                if !buf.ends_with(b"\n") {
                    buf.push(b'\n');
                }
                if job_tx.send((i, buf)).is_err() {
                    return Ok(None);
                }
                i += 1;
                if eof && carry.is_empty() {
                    return Ok(None);
                }
            }
        });
        let mut next = 0usize;
        let mut waiting: BTreeMap<usize, Parsed> = BTreeMap::new();
        let mut line = first_line;
        let names: Vec<String> = layout.extras.iter().map(|(n, _)| n.clone()).collect();
        while let Ok((i, parsed)) = done_rx.recv() {
            let parsed = parsed.ok_or_else(|| ReadError::Format {
                path: path.clone(),
                message: format!("a reader thread failed on block {i}"),
            })?;
            waiting.insert(i, parsed);
            while let Some(p) = waiting.remove(&next) {
                deliver(&p, &path, line, &names, sink);
                line += p.lines;
                next += 1;
                // The feeder may have finished: then the buffer is simply dropped.
                let _ = recycle_tx.send(p.text.into_bytes());
            }
        }
        let stopped = feeder
            .join()
            .map_err(|_| ReadError::Format {
                path: path.clone(),
                message: "reader thread failed".into(),
            })?
            .map_err(io)?;
        Ok(match stopped {
            Some(offset) => Done::Until {
                offset,
                line: line + 1,
            },
            None => Done::All,
        })
    })
}

pub(super) fn deliver(
    p: &Parsed,
    path: &str,
    base_line: u64,
    names: &[String],
    sink: &mut dyn UsageSink,
) {
    let t = p.text.as_str();
    for item in &p.items {
        match item {
            Item::Row(r) => {
                let rec = UsageRecord {
                    unpriced_class: None,
                    timestamp_us: r.ts,
                    provider: at(t, r.provider),
                    model: at(t, r.model),
                    input_tokens: r.counts[0],
                    output_tokens: r.counts[1],
                    cache_read_tokens: r.counts[2],
                    cache_write_tokens: r.counts[3],
                    cache_write_1h_tokens: r.counts[4],
                    reasoning_tokens: r.counts[5],
                    requests: r.counts[6],
                    request_id: r.request_id.map(|s| at(t, s)),
                    status: r.status,
                    user: r.user.map(|s| at(t, s)),
                    project: r.project.map(|s| at(t, s)),
                    api_key: r.api_key.map(|s| at(t, s)),
                    region: r.region.map(|s| at(t, s)),
                    batch: r.batch,
                    long_context: r.long_context,
                    service_tier: r.service_tier.map(|s| at(t, s)),
                    extra: r
                        .extra
                        .iter()
                        .map(|(k, s)| (names[*k as usize].as_str(), at(t, *s)))
                        .collect(),
                };
                sink.record_digested(&rec, r.digest);
            }
            Item::Outside {
                provider,
                request_id,
                timestamp_us,
            } => sink.outside(
                at(t, *provider),
                request_id.map(|s| at(t, s)),
                *timestamp_us,
            ),
            Item::Reject {
                line,
                field,
                reason,
            } => sink.reject(Rejection {
                file: path.to_string(),
                line: base_line + line,
                field: field.clone(),
                reason: reason.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block is plain when it has no quote, no lone carriage return and no line over the
    /// cap, whichever way the cap is checked (at once for a block within it, else per line).
    #[test]
    fn plain_blocks_are_told_exactly() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for case in 0..500 {
            let lines: Vec<usize> = (0..1 + next() % 30).map(|_| next() % 40).collect();
            let mut text: String = lines
                .iter()
                .map(|&l| format!("{}\n", "a".repeat(l)))
                .collect();
            let longest = lines.iter().copied().max().unwrap_or(0);
            let odd = next() % 4;
            let at = next() % text.len();
            match odd {
                1 => text.insert(at, '"'),
                2 => text.insert(at, '\r'),
                _ => {}
            }
            let lone_cr = odd == 2 && text.as_bytes().get(at + 1) != Some(&b'\n');
            for max_line in [longest.saturating_sub(1), longest, longest + 1, 1 << 20] {
                // (A carriage return before a newline lengthens its line by one byte.)
                let longest_now = text.split('\n').map(str::len).max().unwrap_or(0);
                let expected = odd != 1 && !lone_cr && longest_now <= max_line;
                assert_eq!(
                    plain_block(text.as_bytes(), max_line),
                    expected,
                    "case {case}: {text:?}, cap {max_line}"
                );
            }
        }
    }
}
