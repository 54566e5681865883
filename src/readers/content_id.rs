//! Request ids for rows that have none, from what they are: `tl:` and a hash of the machine,
//! the source, the row's canonical values and how many rows with the same values came before
//! it in that source. Reading the same file again gives the same ids, a file that grew keeps the ids of
//! its old rows, and two identical rows of one file stay two requests; so a ledger (which
//! stores these ids) and the live logs it was synced from count each request once.

use std::collections::HashMap;

use crate::usage::{Rejection, UsageRecord, UsageSink};

/// Gives id-less records their content id, then passes everything on.
pub struct ContentIds<'a> {
    inner: &'a mut dyn UsageSink,
    /// The machine and source, hashed once.
    seed: u64,
    seen: HashMap<u64, u32>,
}

impl<'a> ContentIds<'a> {
    pub fn new(inner: &'a mut dyn UsageSink, machine: &str, source: &str) -> Self {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in [machine, source] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        ContentIds {
            inner,
            seed: h.digest(),
            seen: HashMap::new(),
        }
    }

    /// The content id of `r` (which has no request id).
    fn id(&mut self, r: &UsageRecord<'_>) -> String {
        // The canonical values only: a command reads the extra columns it needs, a sync all
        // of them, and both must give a row the same id (rows alike in all but an extra
        // column are told apart by their occurrence).
        let text = r.canonical_cells().join("\u{0}");
        let content = xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), self.seed);
        let n = self.seen.entry(content).or_insert(0);
        *n += 1;
        let mut h = xxhash_rust::xxh3::Xxh3::with_seed(self.seed);
        h.update(text.as_bytes());
        h.update(&n.to_le_bytes());
        format!("tl:{:032x}", h.digest128())
    }
}

impl UsageSink for ContentIds<'_> {
    fn record(&mut self, r: &UsageRecord<'_>) {
        if r.request_id.is_some() {
            return self.inner.record(r);
        }
        let id = self.id(r);
        let mut r = r.clone();
        r.request_id = Some(&id);
        self.inner.record(&r);
    }
    fn expect_rows(&mut self, rows: u64) {
        self.inner.expect_rows(rows);
    }
    fn record_digested(&mut self, r: &UsageRecord<'_>, digest: Option<u128>) {
        match digest {
            Some(_) => self.inner.record_digested(r, digest),
            None => self.record(r),
        }
    }
    fn reject(&mut self, rejection: Rejection) {
        self.inner.reject(rejection);
    }
    fn outside(&mut self, provider: &str, request_id: Option<&str>, timestamp_us: i64) {
        self.inner.outside(provider, request_id, timestamp_us);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Ids(Vec<String>);
    impl UsageSink for Ids {
        fn record(&mut self, r: &UsageRecord<'_>) {
            self.0.push(r.request_id.unwrap_or("").to_string());
        }
        fn reject(&mut self, _: Rejection) {}
    }

    fn run(machine: &str, source: &str, rows: &[(i64, u64)]) -> Vec<String> {
        let mut ids = Ids::default();
        let mut c = ContentIds::new(&mut ids, machine, source);
        for &(ts, input) in rows {
            let mut o = crate::usage::OwnedRecord::new(ts, "p", "m");
            o.input_tokens = input;
            c.record(&o.as_record());
        }
        ids.0
    }

    #[test]
    fn extra_columns_do_not_change_ids() {
        let mut a = Ids::default();
        let mut b = Ids::default();
        let mut o = crate::usage::OwnedRecord::new(1, "p", "m");
        ContentIds::new(&mut a, "m1", "f").record(&o.as_record());
        o.extra.push(("team".into(), "search".into()));
        ContentIds::new(&mut b, "m1", "f").record(&o.as_record());
        assert_eq!(a.0, b.0, "a sync reads every column, a report only some");
    }

    #[test]
    fn ids_follow_content_occurrence_source_and_machine() {
        let a = run("m1", "f", &[(1, 10), (1, 10), (2, 10)]);
        assert_eq!(a.len(), 3);
        assert_ne!(a[0], a[1], "two identical rows are two requests");
        assert_ne!(a[0], a[2]);
        assert_eq!(
            run("m1", "f", &[(1, 10), (1, 10), (2, 10), (3, 1)])[..3],
            a[..],
            "a grown file keeps its ids"
        );
        assert_ne!(run("m1", "g", &[(1, 10)])[0], a[0]);
        assert_ne!(run("m2", "f", &[(1, 10)])[0], a[0]);
        let mut kept = Ids::default();
        let mut o = crate::usage::OwnedRecord::new(1, "p", "m");
        o.request_id = Some("r1".into());
        ContentIds::new(&mut kept, "m1", "f").record(&o.as_record());
        assert_eq!(kept.0, ["r1"], "a row's own id is kept");
    }
}
