//! `tokenledger columns`: which dimensions some logs have, how many rows carry each, how many
//! distinct values, and a few examples (API keys fingerprinted), so `--by` and `--where` can be
//! written without guessing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::usage::{col, Rejection, UsageRecord, UsageSink};

/// Distinct values are counted up to this many.
pub const DISTINCT_CAP: usize = 1_000;
const EXAMPLES: usize = 3;

/// One column of the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    /// `dimension` (a canonical column) or `log column` (an extra one).
    pub kind: &'static str,
    /// Rows with a value.
    pub rows: u64,
    /// Distinct values, at most [`DISTINCT_CAP`] (then `distinct_capped` is true).
    pub distinct: usize,
    pub distinct_capped: bool,
    pub examples: Vec<String>,
}

/// The listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Columns {
    pub rows_read: u64,
    pub rejected: u64,
    pub columns: Vec<Column>,
}

#[derive(Default)]
struct Stat {
    rows: u64,
    values: BTreeSet<String>,
    capped: bool,
    examples: Vec<String>,
}

impl Stat {
    fn add(&mut self, v: &str) {
        self.rows += 1;
        if self.values.contains(v) {
            return;
        }
        if self.values.len() < DISTINCT_CAP {
            self.values.insert(v.to_string());
            if self.examples.len() < EXAMPLES {
                self.examples.push(v.to_string());
            }
        } else {
            self.capped = true;
        }
    }
}

/// Collects the listing from usage records (every record, before dedupe and period filters).
#[derive(Default)]
pub struct ColumnStats {
    rows_read: u64,
    rejected: u64,
    known: BTreeMap<&'static str, Stat>,
    extra: BTreeMap<String, Stat>,
}

/// The canonical dimensions listed, in this order.
const DIMS: [&str; 9] = [
    col::PROVIDER,
    col::MODEL,
    col::USER,
    col::PROJECT,
    col::API_KEY,
    col::REGION,
    col::STATUS,
    col::SERVICE_TIER,
    "batch",
];

impl UsageSink for ColumnStats {
    fn record(&mut self, r: &UsageRecord<'_>) {
        self.rows_read += 1;
        for d in DIMS {
            let v: Option<String> = match d {
                col::STATUS => Some(r.status.to_string()),
                "batch" => Some(r.batch.to_string()),
                col::API_KEY => r.api_key.map(crate::text::key_fingerprint),
                other => r.dimension(other).map(str::to_string),
            };
            if let Some(v) = v {
                self.known.entry(d).or_default().add(&v);
            }
        }
        for (k, v) in &r.extra {
            match self.extra.get_mut(*k) {
                Some(s) => s.add(v),
                None => {
                    let mut s = Stat::default();
                    s.add(v);
                    self.extra.insert(k.to_string(), s);
                }
            }
        }
    }
    fn reject(&mut self, _: Rejection) {
        self.rows_read += 1;
        self.rejected += 1;
    }
}

impl ColumnStats {
    pub fn finish(self) -> Columns {
        let known = DIMS
            .iter()
            .filter_map(|d| self.known.get(d).map(|s| (d.to_string(), "dimension", s)));
        let extra = self.extra.iter().map(|(k, s)| (k.clone(), "log column", s));
        Columns {
            rows_read: self.rows_read,
            rejected: self.rejected,
            columns: known
                .chain(extra)
                .map(|(name, kind, s)| Column {
                    name,
                    kind,
                    rows: s.rows,
                    distinct: s.values.len(),
                    distinct_capped: s.capped,
                    examples: s.examples.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rows_distinct_values_and_examples() {
        let mut s = ColumnStats::default();
        for (user, team) in [
            ("alice", Some("blue")),
            ("bob", None),
            ("alice", Some("red")),
        ] {
            let mut r = UsageRecord {
                unpriced_class: None,
                timestamp_us: 0,
                provider: "p",
                model: "m",
                input_tokens: 1,
                output_tokens: 1,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
                cache_write_1h_tokens: 0,
                reasoning_tokens: 0,
                requests: 1,
                request_id: None,
                status: 200,
                user: Some(user),
                project: None,
                api_key: Some("sk-secret-123456789"),
                region: None,
                batch: false,
                long_context: None,
                service_tier: None,
                extra: vec![],
            };
            if let Some(t) = team {
                r.extra = vec![("team", t)];
            }
            s.record(&r);
        }
        let c = s.finish();
        assert_eq!(c.rows_read, 3);
        let get = |n: &str| c.columns.iter().find(|x| x.name == n).unwrap();
        assert_eq!((get("user").rows, get("user").distinct), (3, 2));
        assert_eq!(get("user").examples, ["alice", "bob"]);
        assert_eq!((get("team").kind, get("team").rows), ("log column", 2));
        assert!(
            !get("api_key").examples[0].contains("secret"),
            "keys are fingerprinted"
        );
        assert!(
            c.columns.iter().all(|x| x.name != "project"),
            "no row has a project"
        );
    }
}
