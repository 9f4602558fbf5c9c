//! `tracing` events from user code become platform log entries.
//!
//! The subscriber installed at start-up has two layers: one prints to standard error (the
//! container's own log), one records platform log entries ([`crate::logs::record`]). Both use
//! the filter in `SEKOIA_LOG` (the `tracing_subscriber` targets syntax, e.g. `debug` or
//! `info,my_module=debug`); by default `info`, and `warn` for the HTTP stack.

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::logs::{self, Level};

/// The environment variable holding the log filter.
pub const LOG_FILTER_VAR: &str = "SEKOIA_LOG";
const DEFAULT_FILTER: &str =
    "info,hyper=warn,hyper_util=warn,reqwest=warn,h2=warn,rustls=warn,tokio=warn";

/// Installs the subscriber (once per process).
pub(crate) fn install() {
    let filter: Targets = std::env::var(LOG_FILTER_VAR)
        .ok()
        .and_then(|f| f.parse().ok())
        .unwrap_or_else(|| DEFAULT_FILTER.parse().expect("the default filter parses"));
    let stderr = fmt::layer()
        .with_writer(|| ScrubbedStderr(Vec::new()))
        .with_target(false)
        .with_ansi(false);
    let _ = tracing_subscriber::registry()
        .with(stderr.and_then(PlatformLayer).with_filter(filter))
        .try_init();
}

/// Standard error, with secret values redacted: a line is written when the event is complete.
struct ScrubbedStderr(Vec<u8>);

impl std::io::Write for ScrubbedStderr {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ScrubbedStderr {
    fn drop(&mut self) {
        let text = logs::scrub(&String::from_utf8_lossy(&self.0));
        let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
    }
}

/// Records every event as a platform log entry.
struct PlatformLayer;

impl<S: Subscriber> Layer<S> for PlatformLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warning,
            tracing::Level::INFO => Level::Info,
            _ => Level::Debug,
        };
        let mut visitor = Fields::default();
        event.record(&mut visitor);
        logs::record(level, &visitor.message, visitor.context);
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    context: Map<String, Value>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.context
                .insert(field.name().to_owned(), Value::String(value.to_owned()));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.context.insert(field.name().to_owned(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.context.insert(field.name().to_owned(), value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.context.insert(field.name().to_owned(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.context.insert(field.name().to_owned(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.context
                .insert(field.name().to_owned(), Value::String(format!("{value:?}")));
        }
    }
}
