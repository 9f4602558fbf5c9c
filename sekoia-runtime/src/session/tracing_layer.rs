//! `tracing` events from user code become the session's log entries.
//!
//! Each session has its own [`Dispatch`]: the loops run the user's code inside it, and the
//! module binary also makes it the global default (so tasks the user spawns log there too). Two
//! sessions in one test process therefore never see each other's entries. The filter is the
//! `tracing_subscriber` targets syntax (`debug`, `info,my_module=debug`); by default `info`,
//! and `warn` for the HTTP stack. The binary reads it from `SEKOIA_LOG`.

use std::sync::Arc;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Dispatch, Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, SubscriberExt};

use super::log_book::LogBook;
use crate::log_entry::Level;

/// The filter when none is given.
pub(crate) const DEFAULT_FILTER: &str =
    "info,hyper=warn,hyper_util=warn,reqwest=warn,h2=warn,rustls=warn,tokio=warn";

/// The dispatch of a session: every enabled event is recorded in `book`.
///
/// A filter that does not parse falls back to the default one (the binary warns about it).
pub(crate) fn dispatch(book: Arc<LogBook>, filter: Option<&str>) -> Dispatch {
    let filter: Targets = filter
        .and_then(|f| f.parse().ok())
        .unwrap_or_else(|| DEFAULT_FILTER.parse().expect("the default filter parses"));
    let subscriber = tracing_subscriber::registry().with(PlatformLayer(book).with_filter(filter));
    Dispatch::new(subscriber)
}

/// Records every event as a log entry of the session.
struct PlatformLayer(Arc<LogBook>);

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
        self.0.record(level, &visitor.message, visitor.context);
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
