//! Line numbers for a streamed text file: wraps the reader, notes where each newline passes,
//! and answers "which line does byte offset B start on" for offsets in increasing order.
//! (The csv crate's own line counter is off after blank lines and with CRLF endings.) Memory is
//! bounded by the read-ahead, as newlines before the last query are dropped.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

#[derive(Default)]
struct State {
    /// Byte offsets of newlines read but not yet passed by a query.
    pending: VecDeque<u64>,
    /// Newlines before the last queried offset.
    passed: u64,
    read: u64,
}

/// The reading side.
pub struct Counting<R> {
    inner: R,
    state: Rc<RefCell<State>>,
}

/// The asking side.
#[derive(Clone)]
pub struct Tracker {
    state: Rc<RefCell<State>>,
}

pub fn wrap<R: Read>(inner: R) -> (Counting<R>, Tracker) {
    let state = Rc::new(RefCell::new(State::default()));
    (
        Counting {
            inner,
            state: state.clone(),
        },
        Tracker { state },
    )
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut s = self.state.borrow_mut();
        let base = s.read;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            s.pending.push_back(base + i as u64);
        }
        s.read += n as u64;
        Ok(n)
    }
}

impl Tracker {
    /// The 1-based line on which byte `offset` lies.
    pub fn line_at(&self, offset: u64) -> u64 {
        let mut s = self.state.borrow_mut();
        while s.pending.front().is_some_and(|&p| p < offset) {
            s.pending.pop_front();
            s.passed += 1;
        }
        s.passed + 1
    }
}

/// Newlines inside a record's fields (quoted multi-line values).
pub fn newlines_in(rec: &csv::StringRecord) -> u64 {
    rec.iter()
        .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
        .sum()
}

/// The first line of the record the csv reader just returned, from the reader's position
/// after it (which points at the record's terminator): the csv crate's own record positions
/// are off after CRLF endings and blank lines.
pub fn record_line(end_line: u64, rec: &csv::StringRecord) -> u64 {
    end_line.saturating_sub(newlines_in(rec)).max(1)
}

/// The 1-based line of byte `offset` in an in-memory text.
pub fn line_in(bytes: &[u8], offset: u64) -> u64 {
    let end = (offset as usize).min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// A header row that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error("column {0:?} appears twice in the header")]
    Twice(String),
}

/// A CSV reader that knows the line each record starts on: the one loop every CSV input of
/// tokenledger (canonical logs, LiteLLM spend logs, price tables, aliases) goes through.
pub struct CsvRows<R: Read> {
    rdr: csv::Reader<Counting<R>>,
    lines: Tracker,
    rec: csv::StringRecord,
}

/// One step of [`CsvRows`]: a record, or an error with the line it happened on.
pub enum CsvStep<'r> {
    Record(CsvRecord<'r>),
    Error { line: u64, error: csv::Error },
}

/// A record and where it ends; [`CsvRecord::line`] works out where it starts (quoted fields may
/// span lines), which costs a scan of the record, so callers ask only when they need it.
pub struct CsvRecord<'r> {
    pub record: &'r csv::StringRecord,
    end_line: u64,
}

impl CsvRecord<'_> {
    /// The 1-based line the record starts on.
    pub fn line(&self) -> u64 {
        record_line(self.end_line, self.record)
    }
}

impl<R: Read> CsvRows<R> {
    /// Flexible (rows may have another width than the header: callers report it), header read
    /// by [`Self::headers`].
    pub fn new(inner: R) -> Self {
        let (counting, lines) = wrap(inner);
        let rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(counting);
        CsvRows {
            rdr,
            lines,
            rec: csv::StringRecord::new(),
        }
    }

    /// The header row, names trimmed and without a byte-order mark. A name given twice is an
    /// error: which column a reader would take is not for it to guess (logs and price files
    /// alike).
    pub fn headers(&mut self) -> Result<Vec<String>, HeaderError> {
        let names: Vec<String> = self
            .rdr
            .headers()?
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        for (i, n) in names.iter().enumerate() {
            if !n.is_empty() && names[..i].contains(n) {
                return Err(HeaderError::Twice(super::printable(n).into_owned()));
            }
        }
        Ok(names)
    }

    /// The next record, `None` at the end of the input.
    pub fn next_step(&mut self) -> Option<CsvStep<'_>> {
        match self.rdr.read_record(&mut self.rec) {
            Ok(false) => None,
            Ok(true) => Some(CsvStep::Record(CsvRecord {
                end_line: self.end_line(),
                record: &self.rec,
            })),
            Err(error) => Some(CsvStep::Error {
                line: self.end_line(),
                error,
            }),
        }
    }

    fn end_line(&self) -> u64 {
        self.lines
            .line_at(self.rdr.position().byte().saturating_sub(1))
    }
}

/// True for a CSV error after which reading can go on (one line of invalid UTF-8).
pub fn recoverable(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Utf8 { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_survive_crlf_and_blank_lines() {
        let text = b"h,x\r\n\r\na,1\r\n\n\nb,2\n";
        let (mut r, t) = wrap(&text[..]);
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).unwrap();
        assert_eq!(t.line_at(0), 1);
        assert_eq!(t.line_at(7), 3); // "a,1"
        assert_eq!(t.line_at(14), 6); // "b,2"
        assert_eq!(line_in(text, 14), 6);
    }

    #[test]
    fn csv_record_lines_from_end_positions() {
        let text = b"h,x\r\na,1\r\n\r\n\r\nb,-1\r\nc,\"x\ny\"\nd,2";
        let (c, t) = wrap(&text[..]);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(c);
        let mut rec = csv::StringRecord::new();
        let mut got = Vec::new();
        while rdr.read_record(&mut rec).unwrap() {
            got.push((
                rec.get(0).unwrap().to_string(),
                record_line(t.line_at(rdr.position().byte().saturating_sub(1)), &rec),
            ));
        }
        let want: Vec<(String, u64)> = [("a", 2), ("b", 5), ("c", 6), ("d", 8)]
            .iter()
            .map(|(a, b)| (a.to_string(), *b))
            .collect();
        assert_eq!(got, want);
    }
}
