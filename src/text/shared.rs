//! [`Text`]: a shared, immutable string behind one 8-byte pointer, in one allocation (arcstr's
//! `ArcStr`: count, length and bytes together). An `Arc<str>` is a 16-byte fat pointer; a
//! million group keys of eight strings each spent 64 MB on the second halves, and an
//! `Arc<Box<str>>` costs two allocations a string. Cloning copies the pointer; it reads,
//! compares, hashes, orders, prints and serialises as its text.

use arcstr::ArcStr;

/// A shared string in 8 bytes (see the module).
#[derive(Clone)]
pub struct Text(ArcStr);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `a` and `b` are the same allocation (not only equal text).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        ArcStr::ptr_eq(&a.0, &b.0)
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(ArcStr::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(ArcStr::from(s))
    }
}

impl PartialEq for Text {
    fn eq(&self, o: &Text) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, o: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Text {
    fn cmp(&self, o: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(o.as_str())
    }
}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn is_one_pointer_and_behaves_as_its_text() {
        assert_eq!(std::mem::size_of::<Text>(), 8);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 8);
        let a = Text::from("claude-sonnet-4");
        let b = a.clone();
        assert!(Text::ptr_eq(&a, &b));
        let c = Text::from(String::from("claude-sonnet-4"));
        assert!(!Text::ptr_eq(&a, &c));
        assert_eq!(a, c);
        assert_eq!(a, "claude-sonnet-4");
        let (x, y) = (Text::from("a"), Text::from("b"));
        assert!(x < y);
        assert_eq!(x.cmp(&x), std::cmp::Ordering::Equal);
        assert_eq!(format!("{a} {a:?}"), "claude-sonnet-4 \"claude-sonnet-4\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"claude-sonnet-4\"");
        let h = |t: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            use std::hash::Hasher;
            let mut s = std::collections::hash_map::DefaultHasher::new();
            t(&mut s);
            s.finish()
        };
        use std::hash::Hash;
        assert_eq!(h(&|s| a.hash(s)), h(&|s| "claude-sonnet-4".hash(s)));
    }
}
