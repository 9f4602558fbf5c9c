//! A bounded set of the ids already pushed, kept with the checkpoint: the events an API
//! returns again after a restart (a page at the checkpoint's second, a time filter that ignores
//! fractions) are recognised and dropped.

use std::fmt;

use indexmap::IndexSet;
use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `N` ids seen last, oldest first: what the Python connectors keep in a
/// `cachetools.LRUCache(maxsize=N)` and save as the JSON list `"events_cache": [...]`.
///
/// Inserting an id already there makes it the newest; past `N` ids the oldest ones go. It is
/// saved as a JSON array, oldest to newest, and a longer array read back keeps its `N` newest
/// ids, so memory stays bounded whatever the file says.
///
/// ```
/// use sekoia_runtime::state::DedupCache;
///
/// let mut seen = DedupCache::<3>::default();
/// let page = ["a", "b", "c", "d"];
/// let fresh: Vec<_> = page.iter().filter(|id| seen.insert(**id)).collect();
/// assert_eq!(fresh.len(), 4);
/// assert!(!seen.contains("a"), "the oldest went");
/// assert!(!seen.insert("c"), "already seen");
/// assert_eq!(serde_json::to_string(&seen).unwrap(), r#"["b","d","c"]"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DedupCache<const N: usize> {
    ids: IndexSet<String>,
}

impl<const N: usize> Default for DedupCache<N> {
    fn default() -> Self {
        DedupCache {
            ids: IndexSet::new(),
        }
    }
}

impl<const N: usize> fmt::Debug for DedupCache<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DedupCache")
            .field("capacity", &N)
            .field("len", &self.ids.len())
            .finish()
    }
}

impl<const N: usize> DedupCache<N> {
    /// Whether `id` was seen (it does not make it newer).
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Records `id` as the newest; returns `true` when it was not there.
    pub fn insert(&mut self, id: impl Into<String>) -> bool {
        let id = id.into();
        let fresh = match self.ids.get_index_of(id.as_str()) {
            Some(index) => {
                let last = self.ids.len() - 1;
                self.ids.move_index(index, last);
                false
            }
            None => {
                self.ids.insert(id);
                true
            }
        };
        self.evict();
        fresh
    }

    /// How many ids it holds (at most `N`).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    fn evict(&mut self) {
        if self.ids.len() > N {
            let extra = self.ids.len() - N;
            self.ids.drain(..extra);
        }
    }
}

impl<const N: usize> Serialize for DedupCache<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.ids.len()))?;
        for id in &self.ids {
            seq.serialize_element(id)?;
        }
        seq.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for DedupCache<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ids<const N: usize>;

        impl<'de, const N: usize> Visitor<'de> for Ids<N> {
            type Value = DedupCache<N>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of event ids")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut cache = DedupCache::<N>::default();
                while let Some(id) = seq.next_element::<IdText>()? {
                    cache.insert(id.0);
                }
                Ok(cache)
            }
        }

        deserializer.deserialize_seq(Ids::<N>)
    }
}

/// An id as Python may have stored it: a string, or a number (kept as its text).
struct IdText(String);

impl<'de> Deserialize<'de> for IdText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(IdText(s)),
            other @ serde_json::Value::Number(_) => Ok(IdText(other.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "an event id is a string or a number, not {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_read_back_keeps_the_newest_ids() {
        let cache: DedupCache<2> = serde_json::from_str(r#"["a","b","c",4]"#).unwrap();
        assert_eq!(cache.iter().collect::<Vec<_>>(), ["c", "4"]);
        assert!(serde_json::from_str::<DedupCache<2>>(r#"[{"a":1}]"#).is_err());
    }
}
