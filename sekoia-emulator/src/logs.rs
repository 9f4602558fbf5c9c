//! The logs endpoint: `POST /logs` with `{"logs": [{"date", "level", "message"}, ...]}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::callback::{as_object, kind};

/// The levels the platform knows.
pub const LOG_LEVELS: [&str; 5] = ["debug", "info", "warning", "error", "critical"];

/// One log entry a trigger sent to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Naive UTC ISO 8601 date, as the module wrote it (`2026-11-27T23:27:21.603718`).
    pub date: String,
    /// One of [`LOG_LEVELS`].
    pub level: String,
    /// The message.
    pub message: String,
}

/// Checks a logs body: a `logs` array of entries with string `date`, `message` and a `level`
/// among [`LOG_LEVELS`].
pub(crate) fn check_logs(body: &Value) -> Result<(), String> {
    let object = as_object(body, "a logs batch")?;
    let entries = match object.get("logs") {
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(format!(
                "field `logs` must be an array of entries, got {}",
                kind(other)
            ));
        }
        None => return Err("missing field `logs` (an array of entries)".into()),
    };
    for (index, entry) in entries.iter().enumerate() {
        check_entry(entry).map_err(|message| format!("logs[{index}]: {message}"))?;
    }
    Ok(())
}

fn check_entry(entry: &Value) -> Result<(), String> {
    let object = as_object(entry, "a log entry {\"date\", \"level\", \"message\"}")?;
    for field in ["date", "message"] {
        match object.get(field) {
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(format!(
                    "field `{field}` must be a string, got {}",
                    kind(other)
                ));
            }
            None => return Err(format!("missing field `{field}`")),
        }
    }
    match object.get("level") {
        Some(Value::String(level)) if LOG_LEVELS.contains(&level.as_str()) => Ok(()),
        Some(other) => Err(format!(
            "field `level` must be one of {LOG_LEVELS:?}, got {}",
            kind(other)
        )),
        None => Err("missing field `level`".into()),
    }
}

/// The entries of a recorded logs body; entries that do not fit [`LogEntry`] are skipped.
pub(crate) fn recorded_entries(body: &Value) -> impl Iterator<Item = LogEntry> + '_ {
    body.get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| LogEntry::deserialize(entry).ok())
}
