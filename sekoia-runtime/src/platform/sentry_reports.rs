//! Errors, criticals, warnings and panics reported to Sentry when the platform gives a
//! `sentry_dsn`, as the Python SDK does: one message event a log entry of those levels, tagged
//! with the module, the component and the run's uuids.
//!
//! Every message is scrubbed of the session's secrets before it gets here; the events carry no
//! configuration, no server name and no context of the machine.

use std::sync::Arc;
use std::time::Duration;

use crate::log_entry::Level;

/// The Sentry client of one run.
pub(crate) struct SentryReports {
    hub: Arc<sentry::Hub>,
}

impl SentryReports {
    /// A client sending to `dsn`, in `environment` when given, every event carrying `tags`.
    pub(crate) fn new(
        dsn: &str,
        environment: Option<String>,
        tags: &[(&str, String)],
    ) -> Result<SentryReports, String> {
        let dsn: sentry::types::Dsn = dsn
            .parse()
            .map_err(|e| format!("configuration value `sentry_dsn` is not a Sentry DSN ({e})"))?;
        let options = sentry::ClientOptions {
            dsn: Some(dsn),
            environment: environment.map(Into::into),
            release: None,
            send_default_pii: false,
            // the reports are what this runtime sends: no machine contexts, no server name
            default_integrations: false,
            server_name: None,
            ..Default::default()
        };
        let client = Arc::new(sentry::Client::from(sentry::apply_defaults(options)));
        let hub = Arc::new(sentry::Hub::new(
            Some(client),
            Arc::new(sentry::Scope::default()),
        ));
        hub.configure_scope(|scope| {
            for (name, value) in tags {
                scope.set_tag(name, value);
            }
        });
        Ok(SentryReports { hub })
    }

    /// Reports a message at `level` (already scrubbed); levels below warning are not reported.
    pub(crate) fn message(&self, level: Level, message: &str) {
        let level = match level {
            Level::Debug | Level::Info => return,
            Level::Warning => sentry::Level::Warning,
            Level::Error => sentry::Level::Error,
            Level::Critical => sentry::Level::Fatal,
        };
        self.hub.capture_message(message, level);
    }

    /// Sends what is queued, waiting `timeout` at most (at exit).
    pub(crate) fn flush(&self, timeout: Duration) {
        if let Some(client) = self.hub.client() {
            client.flush(Some(timeout));
        }
    }
}
