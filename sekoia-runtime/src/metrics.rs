//! Prometheus metrics on `metrics_port`, as the Python SDK names them.
//!
//! Namespace `symphony_module_common`, label `intake_key`: `forwarded_events` (counter),
//! `forward_events_duration` (histogram, seconds), `discarded_events` (counter), `events_lags`
//! (gauge, seconds).

use std::sync::atomic::AtomicU64;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::monitoring::response;

/// The buckets of Python's `prometheus_client` histograms.
const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The metrics of one component.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) forwarded_events: Counter,
    pub(crate) forward_events_duration: Histogram,
    pub(crate) discarded_events: Counter,
    pub(crate) events_lags: Gauge<f64, AtomicU64>,
}

impl Metrics {
    /// The connector metrics, labelled with the intake key (none for a trigger).
    pub(crate) fn new(intake_key: Option<&str>) -> Metrics {
        let labels = intake_key.map(|key| {
            (
                std::borrow::Cow::Borrowed("intake_key"),
                std::borrow::Cow::Owned(key.to_owned()),
            )
        });
        let mut registry =
            Registry::with_prefix_and_labels("symphony_module_common", labels.into_iter());
        let forwarded_events = Counter::default();
        let forward_events_duration = Histogram::new(DEFAULT_BUCKETS);
        let discarded_events = Counter::default();
        let events_lags = Gauge::<f64, AtomicU64>::default();
        if intake_key.is_some() {
            registry.register(
                "forwarded_events",
                "Number of events forwarded to Sekoia.io",
                forwarded_events.clone(),
            );
            registry.register(
                "forward_events_duration",
                "Duration of the forward events",
                forward_events_duration.clone(),
            );
            registry.register(
                "discarded_events",
                "Number of events discarded from the collect",
                discarded_events.clone(),
            );
            registry.register(
                "events_lags",
                "The delay (seconds) from the date of the last event",
                events_lags.clone(),
            );
        }
        Metrics {
            registry,
            forwarded_events,
            forward_events_duration,
            discarded_events,
            events_lags,
        }
    }

    /// The Prometheus text exposition, on any path.
    pub(crate) fn respond(&self) -> Response<Full<Bytes>> {
        let mut text = String::new();
        match encode(&mut text, &self.registry) {
            Ok(()) => response(
                200,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                text,
            ),
            Err(e) => response(500, "text/plain", format!("cannot encode the metrics: {e}")),
        }
    }
}
