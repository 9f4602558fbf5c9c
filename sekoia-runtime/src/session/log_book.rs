//! Where the log entries of a session go: kept for an action's final report, or shipped to the
//! logs API by a trigger or connector. Every message is scrubbed of the session's secrets first,
//! and, in the module binary, echoed to standard error (the container's own log).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Map;
use serde_json::Value;

use super::log_shipper::LogShipper;
use crate::clock::Clock;
use crate::log_entry::{Level, LogEntry, python_isoformat};
use crate::platform::sentry_reports::SentryReports;
use crate::scrubber::Scrubber;

/// What happens to an entry.
pub(crate) enum Sink {
    /// An action: kept for the final report.
    Collect(Mutex<Vec<LogEntry>>),
    /// A trigger or connector: shipped to the logs API.
    Ship(Arc<LogShipper>),
}

/// The log entries of one session.
pub(crate) struct LogBook {
    sink: Sink,
    pub(crate) scrubber: Scrubber,
    clock: Clock,
    echo: bool,
    /// Warnings, errors and criticals also go to Sentry when the platform gave a DSN.
    pub(crate) reports: Option<Arc<SentryReports>>,
}

impl LogBook {
    pub(crate) fn new(
        sink: Sink,
        clock: Clock,
        echo: bool,
        reports: Option<Arc<SentryReports>>,
    ) -> LogBook {
        LogBook {
            sink,
            scrubber: Scrubber::default(),
            clock,
            echo,
            reports,
        }
    }

    /// Records an entry: scrubbed, echoed, then kept or shipped.
    pub(crate) fn record(&self, level: Level, message: &str, context: Map<String, Value>) {
        let message = self.scrubber.scrub(message);
        let context = context
            .into_iter()
            .map(|(k, v)| (k, self.scrubber.scrub_value(v)))
            .collect();
        let date: DateTime<Utc> = self.clock.now().into();
        if self.echo {
            eprintln!("{} {level}: {message}", python_isoformat(&date));
        }
        if let Some(reports) = &self.reports {
            reports.message(level, &message);
        }
        let entry = LogEntry {
            date,
            level,
            message,
            context,
        };
        match &self.sink {
            Sink::Collect(entries) => entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(entry),
            Sink::Ship(shipper) => shipper.push(entry),
        }
    }

    /// `text` without the session's secrets.
    pub(crate) fn scrub(&self, text: &str) -> String {
        self.scrubber.scrub(text)
    }

    /// The entries an action gathered, emptied.
    pub(crate) fn take_collected(&self) -> Vec<LogEntry> {
        match &self.sink {
            Sink::Collect(entries) => std::mem::take(
                &mut *entries
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
            Sink::Ship(_) => Vec::new(),
        }
    }

    /// The shipper of a trigger or connector.
    pub(crate) fn shipper(&self) -> Option<&Arc<LogShipper>> {
        match &self.sink {
            Sink::Ship(shipper) => Some(shipper),
            Sink::Collect(_) => None,
        }
    }
}
