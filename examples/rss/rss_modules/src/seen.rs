//! What the trigger remembers of a feed between two reads, and across restarts: the newest
//! date it sent, the undated entries it sent, and the validators of the last response.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Entry;

/// What was seen of one feed, kept in `rss_cache/<uuid5 of the URL>.json` of the data
/// directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    /// The latest date of an entry sent, as a Unix time (seconds).
    pub last_update: Option<i64>,
    /// The ids of the undated entries of the last read that were sent: the Python module sends
    /// an undated entry at every read, this one only once.
    #[serde(default)]
    pub undated: Vec<String>,
    /// The `ETag` of the last response, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last response, sent back as `If-Modified-Since`.
    pub modified: Option<String>,
}

impl Seen {
    /// The file of `url` under `data_dir`.
    pub fn file(data_dir: &Path, url: &str) -> PathBuf {
        let name = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, url.as_bytes());
        data_dir.join("rss_cache").join(format!("{name}.json"))
    }

    /// What the file says, or nothing seen when there is no file or it cannot be read.
    pub fn load(file: &Path) -> Seen {
        match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(
                    "{} is not what the trigger wrote ({e}): starting afresh",
                    file.display()
                );
                Seen::default()
            }),
            Err(_) => Seen::default(),
        }
    }

    /// Writes the file; a failure is logged, what was seen stays in memory.
    pub fn save(&self, file: &Path) {
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(file, serde_json::to_vec(self).unwrap_or_default()));
        if let Err(e) = written {
            tracing::warn!("cannot keep what was seen in {}: {e}", file.display());
        }
    }

    /// Whether `entry` is new: later than the newest date sent, or, undated, not sent at the
    /// last read. Before anything was sent every entry is new, as in the Python module.
    pub fn is_new(&self, entry: &Entry) -> bool {
        match (entry.date, self.last_update) {
            (Some(date), Some(last)) => date.timestamp() > last,
            (Some(_), None) => true,
            (None, _) => !self.undated.contains(&entry.id),
        }
    }

    /// Remembers the entries of a read, those sent and those already known.
    pub fn remember(&mut self, entries: &[Entry]) {
        let newest = entries.iter().filter_map(|entry| entry.date).max();
        self.last_update = self
            .last_update
            .max(newest.as_ref().map(DateTime::<Utc>::timestamp));
        self.undated = entries
            .iter()
            .filter(|entry| entry.date.is_none())
            .map(|entry| entry.id.clone())
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, date: Option<&str>) -> Entry {
        Entry {
            id: id.to_owned(),
            date: date.map(|date| {
                DateTime::parse_from_rfc3339(date)
                    .unwrap()
                    .with_timezone(&Utc)
            }),
            ..Entry::default()
        }
    }

    #[test]
    fn only_later_and_unknown_undated_entries_are_new() {
        let mut seen = Seen::default();
        let first = [entry("a", Some("2024-01-01T00:00:00Z")), entry("b", None)];
        assert!(first.iter().all(|e| seen.is_new(e)));
        seen.remember(&first);
        assert!(!seen.is_new(&first[0]));
        assert!(!seen.is_new(&first[1]));
        assert!(seen.is_new(&entry("c", Some("2024-01-02T00:00:00Z"))));
        assert!(!seen.is_new(&entry("d", Some("2023-12-31T00:00:00Z"))));
        assert!(seen.is_new(&entry("e", None)));
    }

    #[test]
    fn what_was_seen_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("rss-seen-{}", uuid::Uuid::new_v4()));
        let file = Seen::file(&dir, "https://example.com/feed.xml");
        assert_eq!(Seen::load(&file), Seen::default());
        let mut seen = Seen::default();
        seen.remember(&[entry("a", Some("2024-01-01T00:00:00Z"))]);
        seen.etag = Some("\"v1\"".into());
        seen.save(&file);
        assert_eq!(Seen::load(&file), seen);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
