//! A log entry as the platform receives it: its level, its date in Python's forms, and the
//! `logs` string of an action's final report.

use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The level of a platform log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `warning`
    Warning,
    /// `error`
    Error,
    /// `critical`: the component cannot work; sent once, then the platform restarts or stops it.
    Critical,
}

impl Level {
    /// The word the platform expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Critical => "critical",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;

    /// The level of a platform word (`"warning"`...).
    fn from_str(word: &str) -> Result<Level, String> {
        [
            Level::Debug,
            Level::Info,
            Level::Warning,
            Level::Error,
            Level::Critical,
        ]
        .into_iter()
        .find(|level| level.as_str() == word)
        .ok_or_else(|| format!("unknown log level `{word}`"))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log entry.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub(crate) date: DateTime<Utc>,
    pub(crate) level: Level,
    pub(crate) message: String,
    /// Structured fields (tracing fields), written as ` - Context: {json}` by actions.
    pub(crate) context: Map<String, Value>,
}

/// Python's `str(datetime)` of a naive UTC time: `2026-11-27 23:27:20.386533` (no fraction when
/// the microseconds are zero).
pub(crate) fn python_str(date: &DateTime<Utc>) -> String {
    python_format(date, ' ')
}

/// Python's `datetime.isoformat()` of a naive UTC time: `2026-11-27T23:27:20.386533`.
pub(crate) fn python_isoformat(date: &DateTime<Utc>) -> String {
    python_format(date, 'T')
}

fn python_format(date: &DateTime<Utc>, separator: char) -> String {
    let micros = date.timestamp_subsec_micros();
    let base = date.format("%Y-%m-%d").to_string()
        + &separator.to_string()
        + &date.format("%H:%M:%S").to_string();
    if micros == 0 {
        base
    } else {
        format!("{base}.{micros:06}")
    }
}

/// The action's `logs` string: a line an entry, `<date>: <level>: <message>[ - Context: <json>]`.
pub(crate) fn action_logs(entries: &[LogEntry]) -> String {
    let mut text = String::new();
    for entry in entries {
        text.push_str(&python_str(&entry.date));
        text.push_str(": ");
        text.push_str(entry.level.as_str());
        text.push_str(": ");
        text.push_str(&entry.message);
        if !entry.context.is_empty() {
            text.push_str(" - Context: ");
            text.push_str(&python_compact_json(&Value::Object(entry.context.clone())));
        }
        text.push('\n');
    }
    text
}

/// Python's `json.dumps(obj)` (default separators `", "` and `": "`).
fn python_compact_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), python_compact_json(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_compact_json)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_written_as_python_does() {
        let date = Utc.with_ymd_and_hms(2026, 11, 27, 23, 27, 20).unwrap()
            + chrono::Duration::microseconds(386533);
        assert_eq!(python_str(&date), "2026-11-27 23:27:20.386533");
        assert_eq!(python_isoformat(&date), "2026-11-27T23:27:20.386533");
        let whole = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(python_isoformat(&whole), "2026-01-02T03:04:05");
    }

    #[test]
    fn action_logs_are_one_line_an_entry_with_context() {
        let date = Utc.with_ymd_and_hms(2026, 11, 27, 23, 27, 20).unwrap()
            + chrono::Duration::microseconds(1);
        let mut context = Map::new();
        context.insert("url".into(), "http://x".into());
        context.insert("n".into(), 2.into());
        let entries = vec![
            LogEntry {
                date,
                level: Level::Info,
                message: "noop".into(),
                context: Map::new(),
            },
            LogEntry {
                date,
                level: Level::Error,
                message: "boom".into(),
                context,
            },
        ];
        assert_eq!(
            action_logs(&entries),
            "2026-11-27 23:27:20.000001: info: noop\n2026-11-27 23:27:20.000001: error: boom - Context: {\"url\": \"http://x\", \"n\": 2}\n"
        );
    }
}
