//! Groups: every distinct pricing key (provider, resolved model, region, batch, failed, service
//! tier, long-context inputs) plus the requested dimensions gets a small integer id, so the
//! column chunks carry one `u32` per row instead of strings. Strings are interned once; model-id
//! resolution (ARNs, aliases) is looked up once per distinct id.
//!
//! Both tables hold 4-byte indices hashed by what they point at (hashbrown's `HashTable`):
//! a string is kept once (not once as the map's key and once as its value), a key's codes once
//! in one flat vector. A million groups of a million users took ~300 MB here with maps of
//! owned keys, ~110 MB now.

use crate::text::shared::Text;
use std::hash::BuildHasher;

use super::{Fast, FastMap, GroupKey};
use crate::pricing::PriceBook;
use crate::usage::service_tier;

/// The code of an absent value.
pub const NONE: u32 = u32::MAX;

/// How many codes of a key are its pricing part (see [`Groups::begin_key`]).
pub const KEY_HEAD: usize = 10;

/// Dimensions every group key holds (besides the requested ones): a filter on them needs no
/// extra dimension.
pub const IN_KEY: [&str; 5] = ["provider", "model", "canonical_model", "region", "batch"];

/// Strings to codes and back.
#[derive(Default)]
struct Interner {
    /// The code of each value, hashed by the value as read.
    index: hashbrown::HashTable<u32>,
    /// Shared with every group key that holds the value (a million keys of one provider hold
    /// one string).
    values: Vec<Text>,
    /// The value as read, of the few codes whose printed value is redacted (see `code`).
    redacted: FastMap<u32, Box<str>>,
}

impl Interner {
    /// The value of code `c` as read.
    fn read(&self, c: u32) -> &str {
        if self.redacted.is_empty() {
            return &self.values[c as usize];
        }
        match self.redacted.get(&c) {
            Some(raw) => raw,
            None => &self.values[c as usize],
        }
    }

    fn code(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return NONE };
        let h = Fast::default().hash_one(s);
        if let Some(&c) = self.index.find(h, |&c| self.read(c) == s) {
            return c;
        }
        let c = self.values.len() as u32;
        // Every value a report can print comes from here: a credential-shaped word (a key
        // shifted into the model column, say) is fingerprinted once, for every output.
        let printed = crate::text::redact_secrets(s);
        if printed != s {
            self.redacted.insert(c, s.into());
        }
        self.values.push(Text::from(printed.as_ref()));
        let (values, redacted) = (&self.values, &self.redacted);
        self.index.insert_unique(h, c, |&c| {
            let raw = redacted.get(&c).map_or(&*values[c as usize], |r| &**r);
            Fast::default().hash_one(raw)
        });
        c
    }
}

/// The interned keys of every group seen so far.
#[derive(Default)]
pub struct Groups {
    interner: Interner,
    /// The id of each group, hashed by its key codes.
    index: hashbrown::HashTable<u32>,
    /// Every group's key codes, one after the other (`width` each, by group id): provider,
    /// model, region, batch, failed, tier, long, multi, bucket, unpriced class, then the dims.
    codes: Vec<u32>,
    /// The length of every key (set by the first).
    width: usize,
    /// (provider code, logged model code) -> code of the model id the book prices.
    resolved: FastMap<(u32, u32), u32>,
    /// Provider code -> whether the book has time windows for it.
    windowed: FastMap<u32, bool>,
    /// The key being built.
    key: Vec<u32>,
}

impl Groups {
    /// The code of a value (`None` has its own code).
    pub fn code(&mut self, s: Option<&str>) -> u32 {
        self.interner.code(s)
    }

    /// The value of a code.
    pub fn value(&self, c: u32) -> Option<&str> {
        (c != NONE).then(|| &*self.interner.values[c as usize])
    }

    /// The code of the model id the book prices `model` of `provider` under (see
    /// `PriceBook::resolve_model`); without a book, the id as logged.
    pub fn model(&mut self, pc: u32, provider: &str, model: &str, book: Option<&PriceBook>) -> u32 {
        let raw = self.interner.code(Some(model));
        if let Some(&m) = self.resolved.get(&(pc, raw)) {
            return m;
        }
        let m = match book {
            Some(b) => self.interner.code(Some(b.resolve_model(provider, model))),
            None => raw,
        };
        self.resolved.insert((pc, raw), m);
        m
    }

    /// The code of a request's service tier: the log's, or for a standard-tier request the
    /// tier a time window of the book gives it (DeepSeek's off-peak hours).
    pub fn tier(
        &mut self,
        pc: u32,
        mc: u32,
        logged: Option<&str>,
        ts: i64,
        book: Option<&PriceBook>,
    ) -> u32 {
        if let Some(t) = logged.and_then(service_tier) {
            return self.interner.code(Some(&t));
        }
        let Some(book) = book else { return NONE };
        let provider = &self.interner.values[pc as usize];
        let windowed = *self
            .windowed
            .entry(pc)
            .or_insert_with(|| book.has_windows(provider));
        if !windowed {
            return NONE;
        }
        let model = &self.interner.values[mc as usize];
        match book.window_tier(provider, model, ts).map(str::to_string) {
            Some(t) => self.interner.code(Some(&t)),
            None => NONE,
        }
    }

    /// Starts a key with its pricing part: provider, model, region, batch, failed, service
    /// tier, the source's long-context flag (2: none), multi, prompt bucket, a class the book
    /// does not price (its label's code, or [`NONE`]).
    pub fn begin_key(&mut self, head: [u32; KEY_HEAD]) {
        self.key.clear();
        self.key.extend(head);
    }

    /// Adds the value of the next dimension.
    pub fn push_dim(&mut self, v: Option<&str>) {
        let c = self.interner.code(v);
        self.key.push(c);
    }

    /// The group id of the key built (every key of one `Groups` has the same dimensions).
    pub fn finish_key(&mut self) -> u32 {
        if self.codes.is_empty() {
            self.width = self.key.len();
        }
        debug_assert_eq!(self.key.len(), self.width, "group keys of one length");
        let w = self.width;
        let h = Fast::default().hash_one(&self.key[..]);
        let codes = &self.codes;
        let key = &self.key[..];
        if let Some(&g) = self
            .index
            .find(h, |&g| &codes[g as usize * w..][..w] == key)
        {
            return g;
        }
        // (Group ids are at most the rows read; a u32 numbers more groups than fit in memory.)
        let g = (self.codes.len() / w.max(1)) as u32;
        self.codes.extend_from_slice(&self.key);
        let codes = &self.codes;
        self.index.insert_unique(h, g, |&g| {
            Fast::default().hash_one(&codes[g as usize * w..][..w])
        });
        g
    }

    /// Every group's key, by group id, with `ndims` dimension values each.
    pub fn keys(&self, ndims: usize) -> Vec<GroupKey> {
        let s = |c: u32| (c != NONE).then(|| self.interner.values[c as usize].clone());
        self.codes
            .chunks_exact(self.width.max(1))
            .map(|k| GroupKey {
                provider: s(k[0]).unwrap_or_else(|| Text::from("")),
                model: s(k[1]).unwrap_or_else(|| Text::from("")),
                region: s(k[2]),
                batch: k[3] == 1,
                failed: k[4] == 1,
                service_tier: s(k[5]),
                long_context: match k[6] {
                    0 => Some(false),
                    1 => Some(true),
                    _ => None,
                },
                multi: k[7] == 1,
                prompt_bucket: k[8] as u8,
                unpriced_class: s(k[9]),
                dims: (0..ndims).map(|d| s(k[KEY_HEAD + d])).collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_share_a_group_and_come_back_as_strings() {
        let mut g = Groups::default();
        let p = g.code(Some("p"));
        let m = g.model(p, "p", "m", None);
        assert_eq!(g.model(p, "p", "m", None), m, "cached");
        let none = g.code(None);
        assert_eq!(none, NONE);
        let key = |g: &mut Groups, user: Option<&str>| {
            g.begin_key([p, m, none, 0, 1, NONE, 2, 0, 0, NONE]);
            g.push_dim(user);
            g.finish_key()
        };
        let a = key(&mut g, Some("alice"));
        let b = key(&mut g, None);
        assert_eq!(key(&mut g, Some("alice")), a);
        assert_ne!(a, b);
        let keys = g.keys(1);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[a as usize].dims[..], [Some(Text::from("alice"))]);
        assert!(
            Text::ptr_eq(&keys[a as usize].provider, &keys[b as usize].provider),
            "one string"
        );
        assert_eq!(keys[b as usize].dims[..], [None]);
        assert!(keys[a as usize].failed && !keys[a as usize].batch);
        assert_eq!(keys[a as usize].region, None);
        // Many groups: the index grows and finds each again, by id order.
        let ids: Vec<u32> = (0..5000)
            .map(|i| key(&mut g, Some(&format!("u{i}"))))
            .collect();
        assert_eq!(ids, (2..5002).collect::<Vec<u32>>());
        assert_eq!(key(&mut g, Some("u4999")), 5001);
        assert_eq!(key(&mut g, Some("alice")), a);
        let keys = g.keys(1);
        assert_eq!(keys[4001].dims[..], [Some(Text::from("u3999"))]);
    }

    #[test]
    fn a_credential_is_interned_by_its_value_as_read_and_printed_redacted() {
        let mut g = Groups::default();
        let a = "sk-proj-AAAAbbbbCCCCddddEEEEffff0000111122223333";
        let b = "sk-proj-AAAAbbbbCCCCddddEEEEffff0000111122224444";
        let (ca, cb) = (g.code(Some(a)), g.code(Some(b)));
        assert_ne!(ca, cb, "two keys are two values");
        assert_eq!(g.code(Some(a)), ca, "found again by the value as read");
        let printed = g.value(ca).unwrap();
        assert!(!printed.contains("AAAAbbbb"), "{printed}");
        // Many values: the table grows and rehashes by the value as read.
        let codes: Vec<u32> = (0..5000).map(|i| g.code(Some(&format!("u{i}")))).collect();
        assert_eq!(g.code(Some(a)), ca);
        assert_eq!(g.code(Some(b)), cb);
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(g.code(Some(&format!("u{i}"))), *c);
            assert_eq!(g.value(*c), Some(format!("u{i}").as_str()));
        }
    }

    #[test]
    fn models_resolve_through_the_book_and_windows_give_tiers() {
        let prices = "provider,model,effective_from,input_per_mtok,output_per_mtok,service_tier\n\
            p,m,2025-01-01,3,15,\n\
            p,m,2025-01-01,1.5,7.5,off-peak\n";
        let windows = "name,provider,models,tier,days,start_utc,end_utc,effective_from\n\
            night,p,m,off-peak,all,16:30,00:30,2025-01-01\n";
        let mut f = Vec::new();
        let book = PriceBook::from_sources(
            &[
                ("t.csv".into(), prices.as_bytes().to_vec()),
                ("windows.csv".into(), windows.as_bytes().to_vec()),
            ],
            &mut f,
        );
        assert!(f.is_empty(), "{f:?}");
        let mut g = Groups::default();
        let p = g.code(Some("p"));
        let arn = "arn:aws:bedrock:us-east-1:1:inference-profile/m";
        let m = g.model(p, "p", arn, Some(&book));
        assert_eq!(g.value(m), Some("m"));
        let ts = |s: &str| crate::usage::parse_timestamp_us(s).unwrap();
        let night = g.tier(p, m, None, ts("2025-02-01T23:00:00Z"), Some(&book));
        assert_eq!(g.value(night), Some("off-peak"));
        assert_eq!(
            g.tier(p, m, None, ts("2025-02-01T12:00:00Z"), Some(&book)),
            NONE
        );
        let logged = g.tier(
            p,
            m,
            Some("priority"),
            ts("2025-02-01T23:00:00Z"),
            Some(&book),
        );
        assert_eq!(g.value(logged), Some("priority"), "the log's tier wins");
        let q = g.code(Some("q"));
        assert_eq!(
            g.tier(q, m, None, ts("2025-02-01T23:00:00Z"), Some(&book)),
            NONE
        );
    }
}
