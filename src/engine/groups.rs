//! Groups: every distinct pricing key (provider, resolved model, region, batch, failed,
//! long-context) plus the requested dimensions gets a small integer id, so the column chunks
//! carry one `u32` per row instead of strings. Strings are interned once; model-id resolution
//! (ARNs, aliases) and long-context thresholds are looked up once per distinct key.

use super::buckets::Epochs;
use super::{FastMap, GroupKey};
use crate::pricing::{Lookup, PriceBook};

/// The code of an absent value.
pub const NONE: u32 = u32::MAX;

/// Strings to codes and back.
#[derive(Default)]
struct Interner {
    map: FastMap<String, u32>,
    values: Vec<String>,
}

impl Interner {
    fn code(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return NONE };
        if let Some(&c) = self.map.get(s) {
            return c;
        }
        let c = self.values.len() as u32;
        self.values.push(s.to_string());
        self.map.insert(s.to_string(), c);
        c
    }
}

/// The interned keys of every group seen so far.
#[derive(Default)]
pub struct Groups {
    interner: Interner,
    /// Key codes -> group id.
    index: FastMap<Vec<u32>, u32>,
    /// Group id -> key codes: provider, model, region, batch, failed, long, then the dims.
    codes: Vec<Vec<u32>>,
    /// (provider code, logged model code) -> code of the model id the book prices.
    resolved: FastMap<(u32, u32), u32>,
    /// Long-context threshold per (provider, model, region, epoch) code.
    thresholds: FastMap<(u32, u32, u32, u32), Option<u64>>,
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
        (c != NONE).then(|| self.interner.values[c as usize].as_str())
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

    /// The long-context threshold of the version in force in `epoch` for the provider `pc`,
    /// resolved model `mc` and region `rc` (codes; `provider` and `region` are their values).
    #[allow(clippy::too_many_arguments)]
    pub fn threshold(
        &mut self,
        (pc, mc, rc): (u32, u32, u32),
        epoch: u32,
        provider: &str,
        region: Option<&str>,
        book: Option<&PriceBook>,
        epochs: &Epochs,
    ) -> Option<u64> {
        let book = book?;
        if let Some(&t) = self.thresholds.get(&(pc, mc, rc, epoch)) {
            return t;
        }
        let model = &self.interner.values[mc as usize];
        let t = match book.lookup(provider, model, region, epochs.start(epoch)) {
            Lookup::Priced(p) => p.long_context_threshold,
            _ => None,
        };
        self.thresholds.insert((pc, mc, rc, epoch), t);
        t
    }

    /// Starts a key with its pricing part: provider, model, region, batch, failed, long.
    pub fn begin_key(&mut self, head: [u32; 6]) {
        self.key.clear();
        self.key.extend(head);
    }

    /// Adds the value of the next dimension.
    pub fn push_dim(&mut self, v: Option<&str>) {
        let c = self.interner.code(v);
        self.key.push(c);
    }

    /// The group id of the key built.
    pub fn finish_key(&mut self) -> u32 {
        if let Some(&g) = self.index.get(&self.key) {
            return g;
        }
        let g = self.codes.len() as u32;
        self.codes.push(self.key.clone());
        self.index.insert(self.key.clone(), g);
        g
    }

    /// Every group's key, by group id, with `ndims` dimension values each.
    pub fn keys(&self, ndims: usize) -> Vec<GroupKey> {
        let s = |c: u32| self.value(c).map(str::to_string);
        self.codes
            .iter()
            .map(|k| GroupKey {
                provider: s(k[0]).unwrap_or_default(),
                model: s(k[1]).unwrap_or_default(),
                region: s(k[2]),
                batch: k[3] == 1,
                failed: k[4] == 1,
                long: k[5] == 1,
                dims: (0..ndims).map(|d| s(k[6 + d])).collect(),
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
            g.begin_key([p, m, none, 0, 1, 0]);
            g.push_dim(user);
            g.finish_key()
        };
        let a = key(&mut g, Some("alice"));
        let b = key(&mut g, None);
        assert_eq!(key(&mut g, Some("alice")), a);
        assert_ne!(a, b);
        let keys = g.keys(1);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[a as usize].dims, vec![Some("alice".to_string())]);
        assert_eq!(keys[b as usize].dims, vec![None]);
        assert!(keys[a as usize].failed && !keys[a as usize].batch);
        assert_eq!(keys[a as usize].region, None);
    }

    #[test]
    fn models_resolve_through_the_book_and_thresholds_follow_epochs() {
        let text = "provider,model,effective_from,input_per_mtok,output_per_mtok,long_context_threshold,long_input_per_mtok\n\
            p,m,2025-01-01,3,15,,\n\
            p,m,2025-02-01,3,15,200000,6\n";
        let mut f = Vec::new();
        let book = PriceBook::from_sources(&[("t.csv".into(), text.as_bytes().to_vec())], &mut f);
        assert!(f.is_empty(), "{f:?}");
        let epochs = Epochs::new(book.boundaries());
        let mut g = Groups::default();
        let p = g.code(Some("p"));
        let arn = "arn:aws:bedrock:us-east-1:1:inference-profile/m";
        let m = g.model(p, "p", arn, Some(&book));
        assert_eq!(g.value(m), Some("m"));
        let r = g.code(None);
        let t = |g: &mut Groups, e| g.threshold((p, m, r), e, "p", None, Some(&book), &epochs);
        assert_eq!(t(&mut g, 1), None);
        assert_eq!(t(&mut g, 2), Some(200_000));
        assert_eq!(g.threshold((p, m, r), 2, "p", None, None, &epochs), None);
    }
}
