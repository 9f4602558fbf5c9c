//! What the in-memory platform received, as a test reads it.

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::action::Finished;
use crate::log_entry::Level;
use crate::platform::memory::Received;

/// What the in-memory platform received so far, as [`TestPlatform::stop_when`](super::TestPlatform::stop_when) sees it.
pub struct Seen<'a>(pub(super) &'a Received);

impl Seen<'_> {
    /// The events sent to start playbook runs.
    pub fn events(&self) -> Vec<RecordedEvent> {
        self.0.events.iter().map(RecordedEvent::from_body).collect()
    }

    /// How many events were sent.
    pub fn event_count(&self) -> usize {
        self.0.events.len()
    }

    /// The log entries received.
    pub fn logs(&self) -> Vec<RecordedLog> {
        self.0.logs.iter().map(RecordedLog::from_body).collect()
    }

    /// The events pushed to the intake.
    pub fn intake_events(&self) -> Vec<String> {
        self.0
            .intake_events
            .iter()
            .map(|(_, event)| event.clone())
            .collect()
    }

    /// How many events were pushed to the intake.
    pub fn intake_event_count(&self) -> usize {
        self.0.intake_events.len()
    }
}

/// An event a trigger sent: `POST url_callback {"name", "event", "request_id", "directory"?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    /// Its name (`Pushing 2 new entries`).
    pub name: String,
    /// The event itself.
    pub event: Value,
    /// The request id, the same across retries.
    pub request_id: String,
    /// The directory sent with it, relative to the data directory.
    pub directory: Option<String>,
}

impl RecordedEvent {
    pub(super) fn from_body(body: &Value) -> RecordedEvent {
        let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
        RecordedEvent {
            name: text("name"),
            event: body["event"].clone(),
            request_id: text("request_id"),
            directory: body["directory"].as_str().map(str::to_owned),
        }
    }
}

/// A log entry the logs API received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedLog {
    /// Its date, as the platform receives it (`2026-11-27T23:27:20.386533`).
    pub date: String,
    /// Its level.
    pub level: Level,
    /// Its message, secrets scrubbed.
    pub message: String,
}

impl RecordedLog {
    pub(super) fn from_body(body: &Value) -> RecordedLog {
        let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
        RecordedLog {
            date: text("date"),
            level: Level::from_str(&text("level")).unwrap_or(Level::Info),
            message: text("message"),
        }
    }
}

/// The final report of an action run by [`TestPlatform::run_action`](super::TestPlatform::run_action): what
/// `PATCH url_callback {"status": "finished", ...}` carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReport {
    /// `results`, when the action succeeded with some (`null`, which is not reported, is
    /// `None`).
    pub results: Option<Value>,
    /// `error`, when it failed (secrets scrubbed).
    pub error: Option<String>,
    /// `logs`: a line an entry, `<date>: <level>: <message>`.
    pub logs: Option<String>,
    /// `outputs`: the branches set.
    pub outputs: Map<String, Value>,
    /// `secrets`: the new secret values asked for.
    pub secrets: Option<Map<String, Value>>,
}

impl From<Finished> for ActionReport {
    fn from(finished: Finished) -> ActionReport {
        ActionReport {
            results: finished.results.filter(|r| !r.is_null()),
            error: finished.error,
            logs: finished.logs,
            outputs: finished.outputs,
            secrets: finished.secrets,
        }
    }
}
