//! A small sorted set for the per-row lists of a report (price versions, book tiers, rules):
//! most rows hold one or two entries, for which a `BTreeSet` allocates a whole node (hundreds
//! of bytes a row: a report of a million groups spent a third of its memory there). A sorted,
//! deduplicated vector with the same iteration order, whose first entry lives inline (no
//! allocation for the usual row priced by one version); its text entries are shared
//! [`Label`]s, one allocation per distinct value however many rows name it.

use serde::{Serialize, Serializer};
use smallvec::SmallVec;

use crate::pricing::BookTier;

/// Sorted and without repeats; iterates in ascending order, like a `BTreeSet`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SmallSet<T>(SmallVec<[T; 1]>);

impl<T> Default for SmallSet<T> {
    fn default() -> Self {
        SmallSet(SmallVec::new())
    }
}

/// A shared text value of a report row (a price version, a rule name): cloning it copies a
/// pointer. Compares, orders and serialises as its text.
pub use crate::text::shared::Text as Label;

impl<T: Ord> SmallSet<T> {
    /// Adds `v`; false when it was there already.
    pub fn insert(&mut self, v: T) -> bool {
        match self.0.binary_search(&v) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, v);
                true
            }
        }
    }

    pub fn contains(&self, v: &T) -> bool {
        self.0.binary_search(v).is_ok()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }
}

impl<T: Ord> Extend<T> for SmallSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for v in items {
            self.insert(v);
        }
    }
}

impl<T: Ord> FromIterator<T> for SmallSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut s = SmallSet::default();
        s.extend(items);
        s
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SmallSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for SmallSet<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// The tiers of the book that priced a row, as one byte (a row's `priced_by`): iterates in
/// the tiers' order (overlay, curated, generated), like a `BTreeSet` of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TierSet(u8);

const TIERS: [BookTier; 3] = [BookTier::Overlay, BookTier::Curated, BookTier::Generated];

impl TierSet {
    fn bit(t: BookTier) -> u8 {
        1 << TIERS.iter().position(|x| *x == t).unwrap_or_default()
    }

    /// Adds `t`; false when it was there already.
    pub fn insert(&mut self, t: BookTier) -> bool {
        let had = self.contains(&t);
        self.0 |= Self::bit(t);
        !had
    }

    pub fn contains(&self, t: &BookTier) -> bool {
        self.0 & Self::bit(*t) != 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static BookTier> + '_ {
        TIERS.iter().filter(|t| self.contains(t))
    }

    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    pub fn clear(&mut self) {
        self.0 = 0;
    }
}

impl Extend<BookTier> for TierSet {
    fn extend<I: IntoIterator<Item = BookTier>>(&mut self, items: I) {
        for t in items {
            self.insert(t);
        }
    }
}

impl<const N: usize> From<[BookTier; N]> for TierSet {
    fn from(items: [BookTier; N]) -> Self {
        let mut s = TierSet::default();
        s.extend(items);
        s
    }
}

impl Serialize for TierSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_like_a_btreeset() {
        let items = ["b", "a", "c", "a", "b"];
        let small: SmallSet<&str> = items.iter().copied().collect();
        let tree: std::collections::BTreeSet<&str> = items.iter().copied().collect();
        assert!(small.iter().eq(tree.iter()));
        assert_eq!(small.len(), 3);
        let mut s = small.clone();
        assert!(!s.insert("a") && s.insert("0") && s.contains(&"0"));
        assert_eq!(s.first(), Some(&"0"));
        assert_eq!(serde_json::to_string(&small).unwrap(), r#"["a","b","c"]"#);
        let one: SmallSet<&str> = ["x"].into();
        assert!(!one.0.spilled(), "one entry needs no allocation");
    }

    #[test]
    fn labels_are_their_text() {
        let a = Label::from("openai/gpt-4o@2024-08-06");
        let b = Label::from("openai/gpt-4o@2024-08-06".to_string());
        assert_eq!(a, b);
        let (x, y) = (Label::from("a"), Label::from("b"));
        assert!(x < y);
        assert_eq!(&*a, "openai/gpt-4o@2024-08-06");
        assert_eq!(a.to_string(), "openai/gpt-4o@2024-08-06");
        assert_eq!(
            serde_json::to_string(&SmallSet::from([b, Label::from("a")])).unwrap(),
            r#"["a","openai/gpt-4o@2024-08-06"]"#
        );
    }

    #[test]
    fn tiers_iterate_in_their_order_like_a_btreeset() {
        let items = [BookTier::Generated, BookTier::Overlay, BookTier::Generated];
        let mut set = TierSet::default();
        assert!(set.is_empty());
        set.extend(items);
        let tree: std::collections::BTreeSet<BookTier> = items.into_iter().collect();
        assert!(set.iter().copied().eq(tree.iter().copied()));
        assert_eq!(set.len(), 2);
        assert!(!set.insert(BookTier::Overlay), "already there");
        assert!(set.insert(BookTier::Curated));
        assert!(set.iter().copied().eq(TIERS));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["overlay","curated","generated"]"#
        );
        set.clear();
        assert_eq!(set, TierSet::default());
    }
}
