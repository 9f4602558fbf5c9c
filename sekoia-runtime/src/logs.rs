//! Log entries a component sends to the platform, from context helpers and from `tracing`.
//!
//! An action gathers them into the `logs` string of its final callback; a trigger or connector
//! ships them to the logs API ([`crate::log_shipper`]). Every message goes through the secret
//! scrubber first: a secret value of the module configuration never leaves in a log.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::log_shipper::LogShipper;

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

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log entry.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub date: DateTime<Utc>,
    pub level: Level,
    pub message: String,
    /// Structured fields (tracing fields, `log_with`), written as ` - Context: {json}` by actions.
    pub context: Map<String, Value>,
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

/// Where the entries of this process go.
pub(crate) enum Sink {
    /// An action: kept for the final callback.
    Collect(Mutex<Vec<LogEntry>>),
    /// A trigger or connector: shipped to the logs API.
    Ship(Arc<LogShipper>),
}

static SINK: OnceLock<Sink> = OnceLock::new();
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Installs the sink of this process (once; later calls are ignored).
pub(crate) fn install(sink: Sink) {
    let _ = SINK.set(sink);
}

/// Registers secret values to scrub from every message from now on.
pub(crate) fn add_secrets(values: impl IntoIterator<Item = String>) {
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    for value in values {
        // very short values would blank out ordinary words
        if value.len() >= 4 && !secrets.contains(&value) {
            secrets.push(value);
        }
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every known secret value replaced by `[REDACTED]`.
pub(crate) fn scrub(text: &str) -> String {
    let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    let mut text = text.to_owned();
    for secret in secrets.iter() {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "[REDACTED]");
        }
    }
    text
}

/// Records an entry: scrubbed, then kept or shipped.
pub(crate) fn record(level: Level, message: &str, context: Map<String, Value>) {
    let message = scrub(message);
    let context = context
        .into_iter()
        .map(|(k, v)| (k, scrub_value(v)))
        .collect();
    let entry = LogEntry {
        date: Utc::now(),
        level,
        message,
        context,
    };
    match SINK.get() {
        Some(Sink::Collect(entries)) => entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry),
        Some(Sink::Ship(shipper)) => shipper.push(entry),
        None => eprintln!(
            "{}: {}: {}",
            python_str(&entry.date),
            entry.level,
            entry.message
        ),
    }
}

fn scrub_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(scrub(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub_value).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, scrub_value(v))).collect())
        }
        other => other,
    }
}

/// The entries an action gathered, emptied.
pub(crate) fn take_collected() -> Vec<LogEntry> {
    match SINK.get() {
        Some(Sink::Collect(entries)) => {
            std::mem::take(&mut *entries.lock().unwrap_or_else(|e| e.into_inner()))
        }
        _ => Vec::new(),
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

    #[test]
    fn secrets_are_scrubbed() {
        add_secrets(["hunter22".to_owned(), "abc".to_owned()]);
        assert_eq!(scrub("token hunter22 and abc"), "token [REDACTED] and abc");
    }
}
