//! Prometheus metrics on `metrics_port`: the runtime's, as the Python SDK names them, and those
//! the module declares with `ctx.metrics()` ([`ModuleMetrics`]).
//!
//! Built in (namespace `symphony_module_common`, label `intake_key`): `forwarded_events`
//! (counter), `forward_events_duration` (histogram, seconds), `discarded_events` (counter),
//! `events_lags` (gauge, seconds). A series appears with the first push of its intake key, as
//! with Python's `prometheus_client` labels. `events_lags` is computed when the metrics are
//! read, from the newest event date the connector reported.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::clock::Clock;

pub use crate::module_metrics::{CounterVec, GaugeVec, HistogramVec, ModuleMetrics};
pub use prometheus_client::metrics::counter::Counter;
pub use prometheus_client::metrics::histogram::Histogram;

/// The buckets of Python's `prometheus_client` histograms.
pub(crate) const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The namespace of the runtime's metrics.
const COMMON: &str = "symphony_module_common";

/// The label values of one series, in the order the metric declares its labels.
pub(crate) type Labels = Vec<(String, String)>;

/// A gauge of floating-point values.
pub type FloatGauge = Gauge<f64, AtomicU64>;

/// Makes the histograms of a family, with its buckets.
#[derive(Debug, Clone)]
pub(crate) struct Buckets(pub(crate) Arc<[f64]>);

impl MetricConstructor<Histogram> for Buckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(self.0.iter().copied())
    }
}

/// The metrics of one session.
pub(crate) struct Metrics {
    registry: Mutex<Registry>,
    declared: Mutex<HashMap<String, Declared>>,
    clock: Clock,
    newest: Mutex<HashMap<String, SystemTime>>,
    pub(crate) forwarded_events: Family<Labels, Counter>,
    pub(crate) forward_events_duration: Family<Labels, Histogram, Buckets>,
    pub(crate) discarded_events: Family<Labels, Counter>,
    pub(crate) events_lags: Family<Labels, FloatGauge>,
}

/// A metric registered under a name.
struct Declared {
    kind: &'static str,
    labels: Vec<String>,
    family: Box<dyn Any + Send + Sync>,
}

/// The label of the runtime's metrics.
pub(crate) fn intake_label(intake_key: &str) -> Labels {
    vec![("intake_key".to_owned(), intake_key.to_owned())]
}

impl Metrics {
    /// The metrics of a component: the connector ones when `connector`, none else.
    pub(crate) fn new(connector: bool, clock: Clock) -> Metrics {
        let metrics = Metrics {
            registry: Mutex::new(Registry::default()),
            declared: Mutex::default(),
            clock,
            newest: Mutex::default(),
            forwarded_events: Family::default(),
            forward_events_duration: Family::new_with_constructor(Buckets(DEFAULT_BUCKETS.into())),
            discarded_events: Family::default(),
            events_lags: Family::default(),
        };
        if connector {
            let mut registry = lock(&metrics.registry);
            let mut declared = lock(&metrics.declared);
            let mut builtin =
                |name: &str, kind: &'static str, family: Box<dyn Any + Send + Sync>| {
                    declared.insert(
                        format!("{COMMON}_{name}"),
                        Declared {
                            kind,
                            labels: vec!["intake_key".to_owned()],
                            family,
                        },
                    );
                    format!("{COMMON}_{name}")
                };
            let name = builtin(
                "forwarded_events",
                "counter",
                Box::new(metrics.forwarded_events.clone()),
            );
            registry.register(
                name,
                "Number of events forwarded to Sekoia.io",
                metrics.forwarded_events.clone(),
            );
            let name = builtin(
                "forward_events_duration",
                "histogram",
                Box::new(metrics.forward_events_duration.clone()),
            );
            registry.register(
                name,
                "Duration of the forward events",
                metrics.forward_events_duration.clone(),
            );
            let name = builtin(
                "discarded_events",
                "counter",
                Box::new(metrics.discarded_events.clone()),
            );
            registry.register(
                name,
                "Number of events discarded from the collect",
                metrics.discarded_events.clone(),
            );
            let name = builtin(
                "events_lags",
                "gauge",
                Box::new(metrics.events_lags.clone()),
            );
            registry.register(
                name,
                "The delay (seconds) from the date of the last event",
                metrics.events_lags.clone(),
            );
        }
        metrics
    }

    /// Records the date of the newest event collected for `intake_key`: `events_lags` is then
    /// now minus that date whenever the metrics are read.
    pub(crate) fn newest_event(&self, intake_key: &str, date: SystemTime) {
        let mut newest = lock(&self.newest);
        let entry = newest.entry(intake_key.to_owned()).or_insert(date);
        if *entry < date {
            *entry = date;
        }
    }

    /// Sets `events_lags` to `seconds` for `intake_key`, forgetting any newest event date.
    pub(crate) fn set_lag(&self, intake_key: &str, seconds: f64) {
        lock(&self.newest).remove(intake_key);
        self.events_lags
            .get_or_create(&intake_label(intake_key))
            .set(seconds);
    }

    /// The Prometheus text exposition.
    pub(crate) fn encode(&self) -> Result<String, std::fmt::Error> {
        let now = self.clock.now();
        for (intake_key, date) in lock(&self.newest).iter() {
            let lag = now.duration_since(*date).unwrap_or_default();
            self.events_lags
                .get_or_create(&intake_label(intake_key))
                .set(lag.as_secs_f64());
        }
        let mut text = String::new();
        encode(&mut text, &lock(&self.registry))?;
        Ok(text)
    }

    /// Registers (or finds) the family `name` of `kind` with `labels`.
    pub(crate) fn declare<F>(
        &self,
        name: &str,
        help: &str,
        kind: &'static str,
        labels: &[&str],
        make: impl FnOnce() -> F,
    ) -> Result<F, MetricError>
    where
        F: prometheus_client::registry::Metric + Clone + Any + Send + Sync,
    {
        check_name(name)?;
        for label in labels {
            check_name(label).map_err(|_| MetricError::Name {
                name: format!("{name} label {label}"),
            })?;
        }
        let mut declared = lock(&self.declared);
        if let Some(existing) = declared.get(name) {
            let same_labels = existing
                .labels
                .iter()
                .map(String::as_str)
                .eq(labels.iter().copied());
            return match existing.family.downcast_ref::<F>() {
                Some(family) if existing.kind == kind && same_labels => Ok(family.clone()),
                _ => Err(MetricError::Conflict {
                    name: name.to_owned(),
                    declared: format!("a {} with labels {:?}", existing.kind, existing.labels),
                    asked: format!("a {kind} with labels {labels:?}"),
                }),
            };
        }
        let family = make();
        lock(&self.registry).register(name, help, family.clone());
        declared.insert(
            name.to_owned(),
            Declared {
                kind,
                labels: labels.iter().map(|l| (*l).to_owned()).collect(),
                family: Box::new(family.clone()),
            },
        );
        Ok(family)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Prometheus' rule for metric and label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
fn check_name(name: &str) -> Result<(), MetricError> {
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some('a'..='z' | 'A'..='Z' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(MetricError::Name {
            name: name.to_owned(),
        })
    }
}

/// A metric the module cannot declare.
#[derive(Debug, thiserror::Error)]
pub enum MetricError {
    /// Not a Prometheus name.
    #[error(
        "`{name}` is not a Prometheus name (letters, digits and `_`, not starting with a digit)"
    )]
    Name {
        /// The name.
        name: String,
    },
    /// The name is taken by another kind of metric or other labels.
    #[error("the metric `{name}` is already declared as {declared}; it cannot also be {asked}")]
    Conflict {
        /// The name.
        name: String,
        /// What it is.
        declared: String,
        /// What was asked.
        asked: String,
    },
    /// Label values that do not match the declared labels.
    #[error("the metric `{name}` has the labels {labels:?}; {given} values were given")]
    Labels {
        /// The name.
        name: String,
        /// Its labels.
        labels: Vec<String>,
        /// How many values were given.
        given: usize,
    },
}
