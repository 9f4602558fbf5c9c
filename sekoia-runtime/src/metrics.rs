//! Prometheus metrics on `metrics_port`, as the Python SDK names them.
//!
//! Namespace `symphony_module_common`, label `intake_key`: `forwarded_events` (counter),
//! `forward_events_duration` (histogram, seconds), `discarded_events` (counter), `events_lags`
//! (gauge, seconds). A series appears with the first push of its intake key, as with Python's
//! `prometheus_client` labels.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The buckets of Python's `prometheus_client` histograms.
const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The label of the connector metrics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub(crate) struct IntakeKey {
    pub(crate) intake_key: String,
}

/// The metrics of one session.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) forwarded_events: Family<IntakeKey, Counter>,
    pub(crate) forward_events_duration: Family<IntakeKey, Histogram>,
    pub(crate) discarded_events: Family<IntakeKey, Counter>,
    pub(crate) events_lags: Family<IntakeKey, Gauge<f64, AtomicU64>>,
}

impl Metrics {
    /// The metrics of a component: the connector ones when `connector`, none else.
    pub(crate) fn new(connector: bool) -> Metrics {
        let mut registry = Registry::with_prefix("symphony_module_common");
        let forwarded_events = Family::<IntakeKey, Counter>::default();
        let forward_events_duration = Family::<IntakeKey, Histogram>::new_with_constructor(
            (|| Histogram::new(DEFAULT_BUCKETS)) as fn() -> Histogram,
        );
        let discarded_events = Family::<IntakeKey, Counter>::default();
        let events_lags = Family::<IntakeKey, Gauge<f64, AtomicU64>>::default();
        if connector {
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

    /// The Prometheus text exposition.
    pub(crate) fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
