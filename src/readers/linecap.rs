//! The longest line a reader accepts. Text logs are read through [`LineCap`], which passes every
//! line of at most `max` bytes through unchanged and replaces a longer one by an empty line (so
//! line numbers stay right), noting its number: the reader then rejects that line and reads on.
//! Memory stays within about `max` bytes per file whatever the input (a gzip of zeros that
//! expands to gigabytes without a newline, a symlink to `/dev/zero`).

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

/// The default cap: 64 MiB, far above any real log line (a Claude Code transcript line with a
/// large tool result is a few MiB).
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Lines replaced for being too long: (file name, 1-based line, bytes seen before giving up).
#[derive(Debug, Clone, Default)]
pub struct Overlong(Arc<Mutex<Vec<(String, u64, u64)>>>);

impl Overlong {
    fn push(&self, file: &str, line: u64, bytes: u64) {
        if let Ok(mut v) = self.0.lock() {
            v.push((file.to_string(), line, bytes));
        }
    }

    /// Takes the lines noted for `file`.
    pub fn take(&self, file: &str) -> Vec<(u64, u64)> {
        let Ok(mut v) = self.0.lock() else {
            return Vec::new();
        };
        let (mine, rest): (Vec<_>, Vec<_>) = v.drain(..).partition(|(f, _, _)| f == file);
        *v = rest;
        mine.into_iter().map(|(_, l, b)| (l, b)).collect()
    }
}

/// A reader that drops lines longer than `max` bytes (see the module documentation).
pub struct LineCap<R> {
    inner: R,
    max: usize,
    file: String,
    log: Overlong,
    /// Newlines passed so far (the number of the line being read is this + 1).
    lines: u64,
    /// The start of a line that did not end in the inner buffer, not passed on yet.
    held: Vec<u8>,
    /// How much of `held` (a complete line) has been passed on.
    held_pos: usize,
    held_complete: bool,
    /// Inside a line that is too long: dropping bytes up to its newline.
    skipping: Option<u64>,
}

impl<R: BufRead> LineCap<R> {
    pub fn new(inner: R, max: usize, file: String, log: Overlong) -> Self {
        LineCap {
            inner,
            max: max.max(1),
            file,
            log,
            lines: 0,
            held: Vec::new(),
            held_pos: 0,
            held_complete: false,
            skipping: None,
        }
    }

    fn give(&mut self, out: &mut [u8], n: usize) -> usize {
        let src = &self.held[self.held_pos..self.held_pos + n];
        out[..n].copy_from_slice(src);
        self.lines += memchr::memchr_iter(b'\n', src).count() as u64;
        self.held_pos += n;
        if self.held_pos == self.held.len() {
            self.held.clear();
            self.held_pos = 0;
            self.held_complete = false;
        }
        n
    }
}

impl<R: BufRead> Read for LineCap<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.held_complete {
                let n = out.len().min(self.held.len() - self.held_pos);
                return Ok(self.give(out, n));
            }
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                if let Some(seen) = self.skipping.take() {
                    self.log.push(&self.file, self.lines + 1, seen);
                }
                if self.held.is_empty() {
                    return Ok(0);
                }
                // The last line, without a newline.
                self.held_complete = true;
                continue;
            }
            let nl = memchr::memchr(b'\n', avail);
            if let Some(seen) = self.skipping {
                match nl {
                    Some(i) => {
                        // Keep the newline: the line becomes empty, numbering stays right.
                        self.log.push(&self.file, self.lines + 1, seen + i as u64);
                        self.skipping = None;
                        self.inner.consume(i);
                    }
                    None => {
                        let n = avail.len();
                        self.skipping = Some(seen + n as u64);
                        self.inner.consume(n);
                    }
                }
                continue;
            }
            if self.held.is_empty() {
                if let Some(first) = nl {
                    if first > self.max {
                        // A long line that ends in this buffer: dropped, its newline kept.
                        self.log.push(&self.file, self.lines + 1, first as u64);
                        self.inner.consume(first);
                        continue;
                    }
                    // Whole lines of at most `max` bytes: passed straight on (the common case;
                    // with a buffer smaller than `max`, every line that ends in it).
                    let mut end = first + 1;
                    while end < out.len() {
                        match memchr::memchr(b'\n', &avail[end..]) {
                            Some(i) if i <= self.max => end += i + 1,
                            _ => break,
                        }
                    }
                    let n = out.len().min(end);
                    out[..n].copy_from_slice(&avail[..n]);
                    self.lines += memchr::memchr_iter(b'\n', &avail[..n]).count() as u64;
                    self.inner.consume(n);
                    return Ok(n);
                }
            }
            // The start or middle of a line that goes on past this buffer.
            match nl {
                Some(i) => {
                    self.held.extend_from_slice(&avail[..=i]);
                    self.inner.consume(i + 1);
                    if self.held.len() > self.max + 1 {
                        let seen = self.held.len() as u64 - 1;
                        self.held.clear();
                        self.held.push(b'\n');
                        self.log.push(&self.file, self.lines + 1, seen);
                    }
                    self.held_complete = true;
                }
                None => {
                    let n = avail.len();
                    if self.held.len() + n > self.max {
                        self.skipping = Some((self.held.len() + n) as u64);
                        self.held.clear();
                    } else {
                        self.held.extend_from_slice(avail);
                    }
                    self.inner.consume(n);
                }
            }
        }
    }
}

/// Turns a lone carriage return into a newline, so files with old Mac line ends (Excel for Mac's
/// "CSV (Macintosh)" writes them) have lines like any other and their line numbers are right;
/// `\r\n` passes unchanged. One byte for one byte, so offsets hold. A lone `\r` inside a quoted
/// CSV field becomes a newline too (it is a line break either way).
pub struct LoneCr<R> {
    inner: R,
}

impl<R: BufRead> LoneCr<R> {
    pub fn new(inner: R) -> Self {
        LoneCr { inner }
    }
}

impl<R: BufRead> Read for LoneCr<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let avail = self.inner.fill_buf()?;
        match avail {
            [] => return Ok(0),
            [b'\r'] => {
                // The byte after it is not read yet: look at it first.
                self.inner.consume(1);
                let next = self.inner.fill_buf()?.first().copied();
                out[0] = if next == Some(b'\n') { b'\r' } else { b'\n' };
                return Ok(1);
            }
            _ => {}
        }
        let mut n = out.len().min(avail.len());
        if n == avail.len() && avail[n - 1] == b'\r' {
            n -= 1; // held back until its next byte is known (n >= 1: avail is not just "\r")
        }
        out[..n].copy_from_slice(&avail[..n]);
        for i in memchr::memchr_iter(b'\r', &avail[..n]) {
            if avail.get(i + 1) != Some(&b'\n') {
                out[i] = b'\n';
            }
        }
        self.inner.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `r` gives, read `out_buf` bytes at a time.
    fn drain(mut r: impl Read, out_buf: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; out_buf];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    fn lone_cr(input: &[u8], inner_buf: usize, out_buf: usize) -> Vec<u8> {
        let inner = std::io::BufReader::with_capacity(inner_buf, input);
        drain(LoneCr::new(inner), out_buf)
    }

    #[test]
    fn lone_carriage_returns_become_newlines_whatever_the_buffer_sizes() {
        let input = b"h,x\ra,1\r\nb,2\r\r\nc,3\n\rd\r";
        let want = b"h,x\na,1\r\nb,2\n\r\nc,3\n\nd\n";
        for inner in 1..=input.len() + 1 {
            for out in [1, 2, 3, 7, 64] {
                assert_eq!(lone_cr(input, inner, out), want, "buffers {inner}/{out}");
            }
        }
        assert_eq!(lone_cr(b"", 4, 4), b"");
        assert_eq!(lone_cr(b"\r", 4, 4), b"\n");
        assert_eq!(lone_cr(b"\r\n", 1, 1), b"\r\n");
    }

    fn run(
        input: &[u8],
        max: usize,
        inner_buf: usize,
        out_buf: usize,
    ) -> (Vec<u8>, Vec<(u64, u64)>) {
        let log = Overlong::default();
        let inner = std::io::BufReader::with_capacity(inner_buf, input);
        let out = drain(LineCap::new(inner, max, "f".into(), log.clone()), out_buf);
        (out, log.take("f"))
    }

    #[test]
    fn short_lines_pass_unchanged_whatever_the_buffer_sizes() {
        let text = b"a,b\n1,2\n\n333,4444\nlast";
        for inner in [1, 2, 3, 5, 8, 64] {
            for out in [1, 2, 7, 64] {
                let (got, long) = run(text, 10, inner, out);
                assert_eq!(got, text, "inner {inner} out {out}");
                assert!(long.is_empty());
            }
        }
    }

    #[test]
    fn a_long_line_becomes_empty_and_is_noted_with_its_number() {
        let text = b"h\nok\nxxxxxxxxxxxxxxxxxxxx\nok2\nyyyyyyyyyyyy";
        for inner in [1, 3, 4, 8, 64] {
            for out in [1, 5, 64] {
                let (got, long) = run(text, 5, inner, out);
                assert_eq!(got, b"h\nok\n\nok2\n", "inner {inner} out {out}");
                assert_eq!(long, vec![(3, 20), (5, 12)], "inner {inner} out {out}");
            }
        }
        // Exactly the cap passes.
        let (got, long) = run(b"12345\n123456\n", 5, 2, 3);
        assert_eq!(got, b"12345\n\n");
        assert_eq!(long, vec![(2, 6)]);
    }
}
