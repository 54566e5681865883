//! What changed between two price books: added, removed and repriced versions.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{PriceBook, PriceRow};

/// How a version differs between the old and the new book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Repriced,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Repriced => "repriced",
        }
    }
}

/// One difference.
#[derive(Debug, Clone)]
pub struct RowChange<'a> {
    pub kind: ChangeKind,
    pub old: Option<&'a PriceRow>,
    pub new: Option<&'a PriceRow>,
    /// Human-readable changes of the rates other than input and output.
    pub other: Vec<String>,
}

type Key = (String, String, Option<String>, i64);

fn key(r: &PriceRow) -> Key {
    (
        r.provider.clone(),
        r.model.clone(),
        r.region.clone(),
        r.effective_from_us,
    )
}

/// Every rate other than input and output, named (the same list the LiteLLM import compares).
fn rates(r: &PriceRow) -> Vec<(&'static str, Option<Decimal>)> {
    super::litellm::named_rates(r).into_iter().skip(2).collect()
}

/// Percentage change from `old` to `new`, to two decimals (display only; money stays exact).
pub fn percent(old: Decimal, new: Decimal) -> String {
    if old.is_zero() {
        return if new.is_zero() {
            "0".into()
        } else {
            "n/a".into()
        };
    }
    let p = ((new - old) / old * Decimal::from(100))
        .round_dp(2)
        .normalize();
    if p.is_sign_positive() && !p.is_zero() {
        format!("+{p}")
    } else {
        p.to_string()
    }
}

/// Compares two books version by version (same provider, model, region and effective_from).
pub fn diff<'a>(old: &'a PriceBook, new: &'a PriceBook) -> Vec<RowChange<'a>> {
    let a: BTreeMap<Key, &PriceRow> = old
        .rows()
        .iter()
        .filter(|r| !r.is_overlay() && r.rule.is_none())
        .map(|r| (key(r), r))
        .collect();
    let b: BTreeMap<Key, &PriceRow> = new
        .rows()
        .iter()
        .filter(|r| !r.is_overlay() && r.rule.is_none())
        .map(|r| (key(r), r))
        .collect();
    let mut out = Vec::new();
    for (k, o) in &a {
        match b.get(k) {
            None => out.push(RowChange {
                kind: ChangeKind::Removed,
                old: Some(o),
                new: None,
                other: vec![],
            }),
            Some(n) => {
                let other: Vec<String> = rates(o)
                    .iter()
                    .zip(rates(n).iter())
                    .filter(|(x, y)| x.1 != y.1)
                    .map(|(x, y)| {
                        let f =
                            |v: Option<Decimal>| v.map_or("(none)".to_string(), |d| d.to_string());
                        format!("{} {} -> {}", x.0, f(x.1), f(y.1))
                    })
                    .collect();
                if o.input != n.input || o.output != n.output || !other.is_empty() {
                    out.push(RowChange {
                        kind: ChangeKind::Repriced,
                        old: Some(o),
                        new: Some(n),
                        other,
                    });
                }
            }
        }
    }
    for (k, n) in &b {
        if !a.contains_key(k) {
            out.push(RowChange {
                kind: ChangeKind::Added,
                old: None,
                new: Some(n),
                other: vec![],
            });
        }
    }
    out.sort_by(|x, y| {
        let kx = x.new.or(x.old).map(key);
        let ky = y.new.or(y.old).map(key);
        kx.cmp(&ky).then(x.kind.cmp(&y.kind))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(text: &str) -> PriceBook {
        let mut f = Vec::new();
        let b = PriceBook::from_sources(&[("b.csv".into(), text.as_bytes().to_vec())], &mut f);
        assert!(f.is_empty(), "{f:?}");
        b
    }

    #[test]
    fn added_removed_and_repriced() {
        let h =
            "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok\n";
        let old = book(&format!(
            "{h}p,a,2025-01-01,10,40,2.5\np,b,2025-01-01,1,2,\n"
        ));
        let new = book(&format!("{h}p,a,2025-01-01,2,8,0.5\np,c,2025-01-01,1,2,\n"));
        let d = diff(&old, &new);
        let kinds: Vec<(&str, &str)> = d
            .iter()
            .map(|c| (c.kind.as_str(), c.new.or(c.old).unwrap().model.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![("repriced", "a"), ("removed", "b"), ("added", "c")]
        );
        assert_eq!(d[0].other, vec!["cache_read 2.5 -> 0.5".to_string()]);
        assert_eq!(percent(Decimal::from(10), Decimal::from(2)), "-80");
        assert_eq!(percent(Decimal::from(3), Decimal::from(4)), "+33.33");
    }
}
